"""``import --dry-run`` changes nothing, as ``sync --dry-run``: before the first sync it creates no store, and on
a store that exists it leaves every byte of it as it was (its help: "Validate and show the summary; change
nothing"). It used to open the store the way a real import does, which creates and migrates a missing one."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.test_stewardship import Book, card

CSV = "First Name,Last Name,E-mail Address\r\nAna,Souza,ana@example.org\r\nBruno,Lima,bruno@example.org\r\n"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_import_dry_run_before_the_first_sync_creates_no_store(tmp_path: Path) -> None:
    database = tmp_path / "state" / "store.db"
    book = Book(tmp_path, f"sqlite:///{database}")
    source = tmp_path / "people.csv"
    source.write_text(CSV)
    result = book.ok("import", str(source), "--dry-run")
    assert "would create 2, matched 0 to contacts already there, rejected 0" in result.stdout
    assert "(dry run: nothing was changed)" in result.stdout
    assert not database.exists() and not database.parent.exists()


def test_an_import_dry_run_leaves_an_existing_store_as_it_was(tmp_path: Path) -> None:
    database = tmp_path / "store.db"
    book = Book(tmp_path, f"sqlite:///{database}")
    (book.office / "a.vcf").write_text(card("a", "Ana Souza", email="ana@example.org"))
    book.ok("sync")
    before = _digest(database)
    source = tmp_path / "people.csv"
    source.write_text(CSV)
    result = book.ok("import", str(source), "--dry-run")
    assert "would create 1, matched 1 to contacts already there, rejected 0" in result.stdout
    assert _digest(database) == before
    # and the real import still writes: the next sync carries the new person to both folders
    book.ok("import", str(source))
    book.ok("sync")
    assert book.names(book.phone) == ["Ana Souza", "Bruno Lima"]
