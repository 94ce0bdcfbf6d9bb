"""Issue #15's figures on the fidelity corpus (tests/data/fidelity), for a codec at any commit.

    .venv/bin/python scripts/fidelity_figures.py                 # this tree
    git archive REV src | tar -x -C /tmp/old && .venv/bin/python scripts/fidelity_figures.py --src /tmp/old/src

For each card: the properties a copy to a new card loses (CardDAV→CardDAV: the new card is 3.0, what a server
takes by default), whether a first sync rewrites the source card (written back with our marker over itself,
as the engine did before #15 for every adopted item), and how many of its properties the model's fields hold (so
that they reach Google and Outlook, not only other vCard accounts: a property is held when the card read without
it is another person in some field other than the carried lines). Losses are measured by tests/fidelity.py of
this tree.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_RENDER = """
import json, sys
from dataclasses import replace
from pathlib import Path
from contactsync.vcard import decode_card_bytes, parse_card, render_card
from contactsync.vcard.lines import logical_lines_raw
out = {}
for path in sorted(Path(sys.argv[1]).glob("*.vcf")):
    text = decode_card_bytes(path.read_bytes())
    parsed = parse_card(text)
    copy = render_card(parsed.contact, uid="copy", marker="cid", version="3.0")
    try:
        back = render_card(parsed.contact, uid=parsed.uid or "new", marker="cid", version=parsed.version, original=text)
    except ValueError:  # a codec that cannot write the card's version writes 3.0
        back = render_card(parsed.contact, uid=parsed.uid or "new", marker="cid", version="3.0", original=text)
    lines = [raw for _joined, raw in logical_lines_raw(text)]  # as written: folds and 2.1 soft breaks kept
    held = 0
    for i, line in enumerate(lines):
        name = line.split(":")[0].split(";")[0].rpartition(".")[2].upper()
        if name in ("BEGIN", "END", "VERSION", "UID", "REV", "PRODID"):
            continue
        without = parse_card("\\r\\n".join(lines[:i] + lines[i + 1 :])).contact
        held += replace(without, vcard_lines=()) != replace(parsed.contact, vcard_lines=())
    out[path.name] = {"source": text, "copy": copy, "back": back, "held": held}
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src/ folder of the codec to measure")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.fidelity import CORPUS, lost, properties

    rendered = json.loads(
        subprocess.run(
            [sys.executable, "-c", _RENDER, str(CORPUS)],
            env={"PYTHONPATH": str(args.src)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    total = lost_total = rewritten = held_total = 0
    for name, card in rendered.items():
        gone = lost(card["source"], card["copy"])
        count = sum(properties(card["source"]).values())
        total += count
        lost_total += len(gone)
        held_total += card["held"]
        changed = card["back"] != card["source"]
        rewritten += changed
        state = "rewritten" if changed else "untouched"
        print(
            f"{name:30} {count:3} properties, {card['held']:3} held in the model, {len(gone):3} lost on a copy, {state}"
        )
    print(
        f"corpus: {len(rendered)} cards, {total} properties, {held_total} held in the model's fields "
        f"({total - held_total} carried verbatim between vCard accounts only), {lost_total} lost on a copy, "
        f"{rewritten} rewritten"
    )


if __name__ == "__main__":
    main()
