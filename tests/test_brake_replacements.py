"""The brake and re-created items, through the CLI on vdir folders: an item deleted and made again with a new UID
(a phone app's re-import of an export) is a replacement, not a delete.

Found by a bug hunt: a user on one account re-imported an export of its 10 contacts (each card deleted and created
again under a new UID). The brake counted the 10 gone items as deletes, said the account "lists none" while it
listed 10, and, braked, would not let the new items take their people: the other account got 10 duplicates. 3 of
10 re-created (over max_delete_ratio 0.2) made 3 duplicates; 1 (under the brake) was matched right. The brake now
counts only the deletes no new item of the same person took over, and says "lists none" only of an account that
lists nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contactsync.cli import EXIT_BRAKE, EXIT_OK, cli

PEOPLE = 10


def card(uid: str, n: int) -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:{uid}",
        f"N:X;P{n};;;",
        f"FN:P{n} X",
        f"EMAIL;TYPE=WORK:p{n}@example.org",
        "CATEGORIES:Team",
        "END:VCARD",
        "",
    ]
    return "\r\n".join(lines)


class Book:
    """Two vdir accounts, a and b, under the default brake (max_deletes 50, max_delete_ratio 0.2), synced once
    with PEOPLE people made on a."""

    def __init__(self, root: Path) -> None:
        self.a, self.b = root / "a", root / "b"
        self.a.mkdir()
        self.b.mkdir()
        self.config = root / "contactsync.yaml"
        self.config.write_text(f"""store:
  url: sqlite:///{root / "store.db"}
books:
  - name: staff
    accounts:
      - name: a
        type: vdir
        options: {{path: {self.a}}}
      - name: b
        type: vdir
        options: {{path: {self.b}}}
""")
        self.runner = CliRunner()
        for n in range(PEOPLE):
            (self.a / f"p{n}.vcf").write_text(card(f"u{n}", n))
        first = self.cli("sync")
        assert first.exit_code == EXIT_OK, first.output
        assert len(self.files(self.b)) == PEOPLE

    def cli(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["--config", str(self.config), *args], catch_exceptions=False)

    @staticmethod
    def files(folder: Path) -> list[Path]:
        return sorted(folder.glob("*.vcf"))

    @staticmethod
    def email_of(f: Path) -> str:
        m = re.search(r"^EMAIL[^:]*:(.+?)\r?$", f.read_text(), re.M)
        return m.group(1).lower() if m else f.name

    def emails(self, folder: Path) -> list[str]:
        return sorted(self.email_of(f) for f in self.files(folder))

    def recreate(self, files: list[Path], tag: str) -> None:
        """Each card deleted and made again as a phone app's import does: a new file, a new UID, our marker gone."""
        for n, f in enumerate(files):
            text = f.read_text()
            f.unlink()
            text = re.sub(r"^UID:.*$", f"UID:{tag}-{n}", text, flags=re.M)
            text = re.sub(r"^X-CONTACTSYNC-ID:.*\r?\n", "", text, flags=re.M)
            (f.parent / f"{tag}-{n}.vcf").write_text(text)

    def duplicates(self) -> list[object]:
        found = self.cli("duplicates", "--json")
        assert found.exit_code == EXIT_OK, found.output
        rows: list[object] = json.loads(found.stdout)
        return rows

    def snapshot(self) -> dict[Path, bytes]:
        return {f: f.read_bytes() for folder in (self.a, self.b) for f in self.files(folder)}

    def brake_of(self, result: Result) -> str:
        """The brake line the sync printed for account b ("" when none)."""
        m = re.search(r"^\s+brake: (.+?)\. Nothing was deleted", result.output, re.M)
        return m.group(1) if m else ""


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Book:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return Book(tmp_path)


def test_a_whole_reimport_is_matched_person_by_person_and_trips_no_brake(book: Book) -> None:
    book.recreate(book.files(book.b), "reimported")
    before = book.snapshot()
    dry = book.cli("sync", "--dry-run")
    assert dry.exit_code == EXIT_OK, dry.output
    assert "brake" not in dry.output and "would create" not in dry.output
    assert book.snapshot() == before, "a dry run writes nothing"

    synced = book.cli("sync")
    assert synced.exit_code == EXIT_OK, synced.output
    assert "brake" not in synced.output and "lists none" not in synced.output
    expected = [f"p{n}@example.org" for n in range(PEOPLE)]
    assert book.emails(book.a) == sorted(expected), "no person duplicated on the other account"
    assert book.emails(book.b) == sorted(expected)
    assert book.duplicates() == []
    again = book.cli("sync", "--json")
    assert again.exit_code == EXIT_OK, again.output
    assert json.loads(again.stdout)["writes"] == 0
    assert len(book.files(book.a)) == len(book.files(book.b)) == PEOPLE


def test_three_of_ten_recreated_are_replacements_not_deletes(book: Book) -> None:
    book.recreate(book.files(book.b)[:3], "new")  # 3 of 10: over max_delete_ratio 0.2 if they counted
    synced = book.cli("sync")
    assert synced.exit_code == EXIT_OK, synced.output
    assert "brake" not in synced.output
    assert len(book.files(book.a)) == len(book.files(book.b)) == PEOPLE
    assert book.duplicates() == []


def test_real_deletes_beside_replacements_are_braked_and_counted_alone(book: Book) -> None:
    cards = book.files(book.b)
    gone = {book.email_of(f) for f in cards[:6]}
    for f in cards[:6]:
        f.unlink()
    book.recreate(cards[6:8], "new")
    before = book.snapshot()
    dry = book.cli("sync", "--dry-run")
    assert dry.exit_code == EXIT_BRAKE, dry.output
    assert book.brake_of(dry) == "6 of 10 contacts deleted exceeds max_delete_ratio=0.2"
    assert book.snapshot() == before, "a dry run writes nothing"

    braked = book.cli("sync")
    assert braked.exit_code == EXIT_BRAKE, braked.output
    assert book.brake_of(braked) == "6 of 10 contacts deleted exceeds max_delete_ratio=0.2"
    assert len(book.files(book.a)) == PEOPLE, "nothing deleted, nobody duplicated while the brake holds"
    assert len(book.files(book.b)) == 4
    assert book.duplicates() == []

    allowed = book.cli("sync", "--allow-deletes")
    assert allowed.exit_code == EXIT_OK, allowed.output
    kept = sorted({f"p{n}@example.org" for n in range(PEOPLE)} - gone)
    assert book.emails(book.a) == kept and book.emails(book.b) == kept
    assert book.duplicates() == []


def test_an_emptied_folder_still_lists_none(book: Book) -> None:
    for f in book.files(book.b):
        f.unlink()
    dry = book.cli("sync", "--dry-run")
    assert dry.exit_code == EXIT_BRAKE, dry.output
    assert book.brake_of(dry) == f"the account had {PEOPLE} contacts and now lists none"
    braked = book.cli("sync")
    assert braked.exit_code == EXIT_BRAKE, braked.output
    assert book.brake_of(braked) == f"the account had {PEOPLE} contacts and now lists none"
    assert len(book.files(book.a)) == PEOPLE


def test_every_person_gone_for_others_is_not_said_to_list_none(book: Book) -> None:
    for f in book.files(book.b):
        f.unlink()
    for n in range(PEOPLE, PEOPLE + 3):  # 3 other people, none of the 10
        (book.b / f"other{n}.vcf").write_text(card(f"o{n}", n))
    braked = book.cli("sync")
    assert braked.exit_code == EXIT_BRAKE, braked.output
    said = book.brake_of(braked)
    assert said and "lists none" not in said, said
    assert str(PEOPLE) in said and "3" in said, said
    assert len(book.files(book.a)) == PEOPLE + 3, "the new people are created; nothing is deleted"
    assert book.duplicates() == []
