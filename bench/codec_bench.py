"""Per-card cost of the vCard codec alone (issue #18): median µs per parse, fit and render over a corpus of
realistic cards. Figures are printed, never asserted.

    .venv/bin/python bench/codec_bench.py                      # 5 repeats
    .venv/bin/python bench/codec_bench.py --repeats 9 --bench-cards 2000
    PYTHONPATH=/tmp/before/src .venv/bin/python bench/codec_bench.py    # the same on another checkout

Corpus: the cards bench/cpu_per_card.py syncs (bench/carddav_bench.py's ``card(i)``, ``--bench-cards`` of them)
and the real-world cards under tests/data/fidelity and tests/data/vcards (the readable ones). Each repeat times,
over the whole corpus: ``parse`` (parse_card of the text), ``fit`` (fit_contact of the parsed contact, what a
connector does before comparing), ``render`` (render_card of the parsed contact as a new card, what a create
writes), ``rewrite`` (render_card of the parsed contact over its own text, the no-change write-back) and
``sync`` (per card, what a first sync folder → empty folder asks: parse, fit twice, render a new card). The
median over the repeats of each total is divided by the number of cards. One process, one thread, CPU time.

Each figure is given twice: ``cold``, every memo of the codec (normalize's email and phone memos, the carried
lines' memo, whichever the checkout has) emptied before each pass, as for a card seen the first time; and
``warm``, the memos kept, as for the same contact asked for again in a run (a sync fits a contact for each
account, then renders it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from carddav_bench import card

import contactsync
from contactsync import normalize
from contactsync.vcard import CardError, decode_card_bytes, fit_contact, mapping, parse_card, render_card
from contactsync.vcard import lines as vcard_lines

ROOT = Path(__file__).resolve().parent.parent


def _split(text: str) -> list[str]:
    """The cards of a file that may hold several (BEGIN:VCARD … END:VCARD each)."""
    cards: list[str] = []
    current: list[str] = []
    depth = 0
    for line in text.splitlines(keepends=True):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            depth += 1
        if depth:
            current.append(line)
        if upper == "END:VCARD" and depth:
            depth -= 1
            if not depth:
                cards.append("".join(current))
                current = []
    return cards


def corpus(bench_cards: int) -> tuple[list[str], list[str]]:
    """(the bench's cards, the real-world ones); cards the codec refuses are left out."""
    bench = [decode_card_bytes(card(i)) for i in range(bench_cards)]
    real: list[str] = []
    for folder in ("fidelity", "vcards"):
        for path in sorted((ROOT / "tests" / "data" / folder).glob("*.vcf")):
            for text in _split(decode_card_bytes(path.read_bytes())):
                try:
                    parse_card(text)
                except CardError:
                    continue
                real.append(text)
    return bench, real


def forget() -> None:
    """Empty every memo the codec has (found by name: an older checkout has fewer)."""
    for module in (normalize, mapping, vcard_lines):
        for value in vars(module).values():
            if not isinstance(value, type) and callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def timed(work: Callable[[], object], cold: bool) -> float:
    if cold:
        forget()
    started = time.process_time()
    work()
    return time.process_time() - started


def first_sync(text: str) -> str:
    """What a first sync folder → empty folder asks of the codec per card: a parse, a fit for each account, a
    render of the new card."""
    parsed = parse_card(text)
    fit_contact(parsed.contact)
    fit_contact(parsed.contact)
    return render_card(parsed.contact, uid=parsed.uid or "u", marker="m", version="3.0")


def measure(texts: list[str], repeats: int, cold: bool) -> dict[str, float]:
    """Median µs per card of each operation over ``repeats`` passes of the corpus."""
    parsed = [parse_card(t) for t in texts]
    contacts = [p.contact for p in parsed]
    operations: dict[str, Callable[[], object]] = {
        "parse": lambda: [parse_card(t) for t in texts],
        "fit": lambda: [fit_contact(c) for c in contacts],
        "render": lambda: [
            render_card(c, uid=p.uid or "u", marker="m", version="4.0") for p, c in zip(parsed, contacts, strict=True)
        ],
        "rewrite": lambda: [
            render_card(p.contact, uid=p.uid or "u", marker=p.marker, version=p.version, original=t, previous=p.contact)
            for p, t in zip(parsed, texts, strict=True)
        ],
        "sync": lambda: [first_sync(t) for t in texts],
    }
    out: dict[str, float] = {}
    for name, work in operations.items():
        work()  # warm: caches, imports
        totals = [timed(work, cold) for _ in range(repeats)]
        out[name] = statistics.median(totals) / len(texts) * 1e6
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--bench-cards", type=int, default=2000)
    args = parser.parse_args()
    bench, real = corpus(args.bench_cards)
    print(f"contactsync from {Path(contactsync.__file__).parent}; median of {args.repeats} repeats, µs per card")
    for label, texts in ((f"bench cards ({len(bench)})", bench), (f"real-world cards ({len(real)})", real)):
        for cold in (True, False):
            figures = measure(texts, args.repeats, cold)
            print(
                f"{label:>26} {'cold' if cold else 'warm'}: "
                + "  ".join(f"{name} {value:7.1f}" for name, value in figures.items())
            )


if __name__ == "__main__":
    main()
