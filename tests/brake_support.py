"""One book of three vdir folders for the brake's tests (tests/test_brake_per_account.py,
tests/test_brake_held_until_decided.py): ``a``, ``b`` and ``c`` under the default brake (max_delete_ratio 0.2),
driven through the real CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from contactsync.cli import EXIT_OK, cli

PEOPLE = [f"p{n}@example.org" for n in range(10)]


def card(uid: str, n: int, *, name: str = "") -> str:
    name = name or f"Person{n}"
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"N:{name};;;;", f"FN:{name}", f"EMAIL:p{n}@example.org"]
    return "\r\n".join([*lines, "END:VCARD", ""])


class ThreeFolders:
    """The book's configuration, ``b`` in ``b_mode``; :meth:`fill` puts ten people on ``a`` and syncs them."""

    def __init__(self, root: Path, b_mode: str = "two-way") -> None:
        self.root = root
        text = f"store:\n  url: sqlite:///{root / 'store.db'}\nbooks:\n  - name: staff\n    accounts:\n"
        for name in "abc":
            (root / name).mkdir()
            mode = b_mode if name == "b" else "two-way"
            text += f"      - name: {name}\n        type: vdir\n        mode: {mode}\n"
            text += f"        options: {{path: {root / name}}}\n"
        self.config = root / "contactsync.yaml"
        self.config.write_text(text)

    def fill(self) -> None:
        for n in range(10):
            (self.root / "a" / f"p{n}.vcf").write_text(card(f"u{n}", n))
        first = self.cli("sync")
        assert first.exit_code == EXIT_OK, first.output
        assert self.people("b") == self.people("c") == PEOPLE

    def cli(self, *args: str) -> Result:
        return CliRunner().invoke(cli, ["--config", str(self.config), *args], catch_exceptions=False)

    def people(self, account: str) -> list[str]:
        found = []
        for f in (self.root / account).glob("*.vcf"):
            found += [line[6:] for line in f.read_text().splitlines() if line.startswith("EMAIL")]
        return sorted(e.split(":", 1)[-1] for e in found)

    def card_of(self, account: str, email: str) -> str:
        return next(t for f in (self.root / account).glob("*.vcf") if email in (t := f.read_text()))
