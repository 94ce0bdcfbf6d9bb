"""A contact purged from the trash leaves no personal data in the store (GDPR/LGPD): before, the purge dropped the
trash entry and the emails and phones but kept the contact row whole, where `person show` and `person erase` (which
find a person by email or phone) could no longer reach it. Through the CLI on two vdir folders, on SQLite and
PostgreSQL: the purge's statements are the store's."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from contactsync.cli import EXIT_OK, cli
from contactsync.model import Contact, Email, EmailKind, Name
from contactsync.store import Store, now
from contactsync.store import schema as t
from contactsync.store.contacts import encode_contact

#: what the store must not hold of Ana once she is purged
ANA = ("Souza", "ana@example.org", "+14155550101", "415 555 0101", "Allergic")


def card(uid: str, fn: str, *, email: str = "", tel: str = "", note: str = "") -> str:
    given, _, family = fn.partition(" ")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"N:{family};{given};;;", f"FN:{fn}"]
    lines += [f"EMAIL;TYPE=WORK:{email}"] if email else []
    lines += [f"TEL;TYPE=CELL:{tel}"] if tel else []
    lines += [f"NOTE:{note}"] if note else []
    return "\r\n".join([*lines, "END:VCARD", ""])


class Book:
    """Two vdir accounts in one book, a store, and the CLI pointed at them."""

    def __init__(self, root: Path, url: str) -> None:
        self.root, self.url = root, url
        self.office, self.phone = root / "office", root / "phone"
        self.office.mkdir()
        self.phone.mkdir()
        self.config = root / "contactsync.yaml"
        self.config.write_text(f"""store:
  url: "{url}"
books:
  - name: staff
    default_region: US
    accounts:
      - name: office
        type: vdir
        options: {{path: {self.office}}}
      - name: phone
        type: vdir
        options: {{path: {self.phone}}}
""")
        self.runner = CliRunner()

    def cli(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["--config", str(self.config), *args], catch_exceptions=False)

    def ok(self, *args: str) -> Result:
        result = self.cli(*args)
        assert result.exit_code == EXIT_OK, result.output
        return result

    def make_the_trash_due(self) -> None:
        """As if ``trash_days`` were over."""
        with Store.open(self.url) as store, store.engine.begin() as conn:
            conn.execute(sa.update(t.trash).values(purge_after=datetime.now(UTC) - timedelta(days=1)))

    def everything_stored(self) -> str:
        """Every row of every table (but the connectors' copies: a vdir keeps none) as text."""
        with Store.open(self.url) as store, store.dump() as snapshot:
            return "\n".join(json.dumps(row, default=str, ensure_ascii=False) for _table, row in snapshot.rows())

    def sqlite_bytes_and_dump(self) -> tuple[bytes, str]:
        """The SQLite store as bytes (its file and what its write-ahead log still holds) and as SQL text."""
        db = self.root / "store.db"
        raw = b"".join(p.read_bytes() for p in (db, db.with_name("store.db-wal")) if p.exists())
        conn = sqlite3.connect(db)
        try:
            return raw, "\n".join(conn.iterdump())
        finally:
            conn.close()


@pytest.fixture
def book(tmp_path: Path, store_url: str) -> Book:
    return Book(tmp_path, store_url)


def _trash_ana(book: Book) -> str:
    """Ana and Zeca synced to both accounts; Ana deleted on the office account and so everywhere: in the trash."""
    (book.office / "a.vcf").write_text(
        card("a", "Ana Souza", email="ana@example.org", tel="415 555 0101", note="Allergic to nuts")
    )
    (book.office / "z.vcf").write_text(card("z", "Zeca Lima", email="zeca@example.org", tel="415 555 0199"))
    book.ok("sync")
    (book.office / "a.vcf").unlink()
    book.ok("sync", "--allow-deletes")  # one of two contacts: over the brake's ratio
    [entry] = json.loads(book.ok("trash", "list", "--json").stdout)
    assert entry["name"] == "Ana Souza"
    return str(entry["id"])


def _assert_nothing_of_ana(book: Book) -> None:
    stored = book.everything_stored()
    for value in ANA:
        assert value not in stored, value
    assert "zeca@example.org" in stored and "Lima" in stored  # only Ana was purged
    if book.url.startswith("sqlite"):
        raw, dump = book.sqlite_bytes_and_dump()
        for value in ANA:
            assert value.encode() not in raw, value
            assert value not in dump, value
        assert "zeca@example.org" in dump


def test_a_purged_contact_leaves_no_personal_data_in_the_store_and_history_says_it_was_purged(book: Book) -> None:
    ana = _trash_ana(book)
    assert "ana@example.org" in book.ok("person", "show", "ana@example.org").stdout  # in the trash: still held
    book.make_the_trash_due()
    book.ok("sync")
    assert book.ok("trash", "list").stdout.startswith("the trash is empty")
    # nothing left that an access or erasure request would miss
    assert book.ok("person", "show", "ana@example.org").stdout.startswith("nobody")
    assert book.ok("person", "erase", "(415) 555-0101", "--yes").stdout.startswith("nobody")
    _assert_nothing_of_ana(book)
    # the journal keeps what happened, without the values, and says the contact was purged
    history = json.loads(book.ok("history", ana, "--json").stdout)
    actions = [row["action"] for row in history]
    assert actions[0] == "create" and actions[-1] == "purge"
    assert all(row["before"] is None and row["after"] is None for row in history)
    # Zeca is untouched, and a sync after the purge changes nothing anywhere
    for folder in (book.office, book.phone):
        assert [f.read_text().count("Zeca Lima") for f in folder.glob("*.vcf")] == [1]
    assert "zeca@example.org" in book.ok("person", "show", "zeca@example.org").stdout


def test_a_contact_an_older_version_purged_with_its_data_is_emptied_by_the_next_purge(book: Book) -> None:
    ana = _trash_ana(book)
    # what the purge did before: the trash entry and the emails and phones went, the row stayed whole
    with Store.open(book.url) as store, store.engine.begin() as conn:
        conn.execute(sa.delete(t.trash).where(t.trash.c.contact_id == ana))
        conn.execute(sa.delete(t.identities).where(t.identities.c.contact_id == ana))
    assert "ana@example.org" in book.everything_stored()
    book.ok("sync")
    _assert_nothing_of_ana(book)
    assert json.loads(book.ok("history", ana, "--json").stdout)[-1]["action"] == "purge"


def test_a_live_contact_left_with_a_due_trash_entry_keeps_its_data(store_url: str) -> None:
    # a conflict settled on a trashed contact writes it back live and leaves its trash entry: a purge drops the
    # entry, never the live contact's data, emails or phones
    contact = Contact(name=Name(given="Ana", family="Souza"), emails=(Email("ana@example.org", EmailKind.WORK),))
    with Store.open(store_url) as store:
        with store.transaction() as tx:
            tx.put_contacts("staff", {"c1": contact})
            tx.trash_contact("staff", "c1", days=1, reason="deleted on a platform")
            tx.put_contacts("staff", {"c1": contact})  # live again, the entry left behind
        with store.engine.begin() as conn:
            conn.execute(sa.update(t.trash).values(purge_after=now() - timedelta(days=1)))
        with store.transaction() as tx:
            assert tx.purge_trash("staff") == []
        record = store.contact("c1")
        assert record.deleted_at is None and encode_contact(record.contact) == encode_contact(contact)
        assert store.match_identities("staff", "email", ["ana@example.org"]) == {"ana@example.org": {"c1"}}
        assert store.trashed("staff") == []
