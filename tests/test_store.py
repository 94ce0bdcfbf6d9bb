"""The store on SQLite and PostgreSQL: the same tests, the same answers."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.connector import ChangeKind
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.copies import RemoteCopy
from contactsync.engine import Engine
from contactsync.errors import NotFound, StoreError
from contactsync.model import Contact, Email, Name, Phone, Photo, Tag
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import LeaseLost, Link, Store, Transaction
from contactsync.store import schema as t


def person(n: int, **extra: object) -> Contact:
    c = Contact(
        name=Name(given=f"P{n}"),
        emails=(Email(f"P{n}@Example.ORG"),),
        phones=(Phone(f"(415) 555-{n:04d}"),),
        tags=frozenset({Tag("Team")}),
    )
    return normalize_contact(Contact(**{**{f: getattr(c, f) for f in c.__slots__}, **extra}))  # type: ignore[arg-type]


@pytest.fixture
def store(store_url: str) -> Store:
    s = Store.open(store_url)
    yield s
    s.close()


def test_a_new_store_is_at_the_newest_schema_and_upgrading_again_changes_nothing(store: Store) -> None:
    current, head = store.schema_revision()
    assert current == head is not None
    store.upgrade()
    assert store.schema_revision() == (head, head)


def test_sqlite_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "state" / "contactsync.db"
    with Store.open(f"sqlite:///{path}") as s, s.engine.connect() as conn:
        assert conn.execute(sa.text("pragma journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("pragma foreign_keys")).scalar() == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_unreachable_database_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open the store"):
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreError, match="not a database URL"):
        Store.open("not a url")


def test_contacts_round_trip_with_photo_stored_once(store: Store) -> None:
    photo = Photo.from_bytes(b"\x89PNG fake image bytes", "image/png")
    a, b = person(1, photo=photo), person(2, photo=photo)
    with store.transaction() as tx:
        tx.put_contacts("book", {"c1": a, "c2": b})
    got = store.contacts(["c1", "c2", "missing"])
    assert got["c1"].contact == a and got["c2"].contact == b
    assert got["c1"].contact.photo is not None and got["c1"].contact.photo.data == photo.data
    assert store.counts()["photos"] == 1
    with pytest.raises(NotFound):
        store.contact("missing")


def test_identities_find_people_by_normalized_email_and_phone(store: Store) -> None:
    with store.transaction() as tx:
        tx.put_contacts("book", {"c1": person(1)})
    assert store.match_identities("book", "email", ["p1@example.org"]) == {"p1@example.org": {"c1"}}
    assert store.match_identities("book", "phone", ["+14155550001"]) == {"+14155550001": {"c1"}}
    assert store.match_identities("other-book", "email", ["p1@example.org"]) == {}
    # a contact's identities follow its edits
    with store.transaction() as tx:
        tx.put_contacts("book", {"c1": person(1, emails=(Email("new@example.org"),))})
    assert store.match_identities("book", "email", ["p1@example.org"]) == {}


def test_one_item_per_account_and_contact(store: Store) -> None:
    with store.transaction() as tx:
        tx.put_contacts("book", {"c1": person(1)})
        tx.put_links([Link("acct", "r1", "c1", "e1", person(1))])
    with store.transaction() as tx:
        tx.put_links([Link("acct", "r2", "c1", "e2", person(1), marked=True)])
    assert store.link_index("acct") == {"r2": ("c1", "e2")}
    assert store.links_by_contact(["c1"])["c1"]["acct"].marked


def test_outbox_keeps_the_attempt_marker_when_requeued(store: Store) -> None:
    with store.transaction() as tx:
        tx.put_contacts("book", {"c1": person(1)})
        tx.queue("acct", ["c1"], ChangeKind.CREATE)
        tx.mark_attempt("acct", ["c1"])
    with store.transaction() as tx:
        tx.queue("acct", ["c1"], ChangeKind.UPDATE)
    (entry,) = store.outbox("acct")
    assert entry.kind is ChangeKind.UPDATE and entry.attempted and entry.attempts == 1
    with store.transaction() as tx:
        tx.dequeue("acct", ["c1"])
    assert store.outbox("acct") == []


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.put_contacts("book", {"c1": person(1)})
        raise RuntimeError("disk full")
    assert store.contacts(["c1"]) == {}


def test_trash_is_kept_then_purged_only_when_no_account_holds_it(store: Store) -> None:
    with store.transaction() as tx:
        tx.put_contacts("book", {"c1": person(1), "c2": person(2)})
        tx.put_links([Link("acct", "r2", "c2", "e", person(2))])
        tx.trash_contact("book", "c1", days=30, reason="test")
        tx.trash_contact("book", "c2", days=30, reason="test")
    assert {r.id for r, _ in store.trashed("book")} == {"c1", "c2"}
    with store.transaction() as tx:
        assert tx.purge_trash("book") == []  # not yet due
        tx.conn.execute(sa.update(t.trash).values(purge_after=t.trash.c.trashed_at - timedelta(days=1)))
        assert tx.purge_trash("book") == ["c1"]  # c2 is still on an account: kept until its delete is confirmed
    with store.transaction() as tx:
        tx.restore_contact("c2")
    assert store.contact("c2").deleted_at is None


def test_conflicts_one_open_per_field_and_resolution(store: Store) -> None:
    with store.transaction() as tx:
        tx.put_contacts("book", {"c1": person(1)})
        tx.add_conflict("book", "c1", "note", {"a": "x", "b": "y"})
        second = tx.add_conflict("book", "c1", "note", {"a": "x2", "b": "y"})
    (open_,) = store.open_conflicts("book")
    assert open_.id == second and open_.candidates["a"] == "x2"
    with store.transaction() as tx:
        tx.resolve_conflict(second, "took a")
    assert store.open_conflicts() == []
    assert store.conflict(second).resolution == "took a"


def test_journal_is_the_history_of_a_contact(store: Store) -> None:
    with store.transaction() as tx:
        tx.put_contacts("book", {"c1": person(1)})
        tx.journal(
            [
                {
                    "book": "book",
                    "contact_id": "c1",
                    "account": "a",
                    "action": "update",
                    "field": "note",
                    "before": "",
                    "after": "hello",
                }
            ]
        )
    (row,) = store.history("c1")
    assert (row.action, row.field, row.before, row.after) == ("update", "note", "", "hello")


def test_engine_runs_the_same_on_this_database(store: Store) -> None:
    backends = {n: MemoryBackend(name=n) for n in "ab"}
    backends["a"].user_create(person(1))
    backends["b"].user_create(person(2))
    book = BookSettings("book", tuple(AccountSettings(n, "memory") for n in "ab"))
    connectors = {n: MemoryConnector(n, b) for n, b in backends.items()}
    first = Engine(store, book, connectors).run()
    assert first.writes == 2  # each side gets the other's person; nothing is rewritten for the marker alone
    assert Engine(store, book, connectors).run().writes == 0
    assert sorted(c.emails[0].address for c in backends["a"].contacts().values()) == [
        "P1@example.org",
        "P2@example.org",
    ]
    assert {k: n for k, (_name, n) in store.tag_counts("book").items()} == {"team": 2}


def test_remote_copies_are_kept_per_account_replaced_dropped_and_forgotten_with_the_account(store: Store) -> None:
    from contactsync.copies import RemoteCopy

    google, outlook = store.copies("google"), store.copies("outlook")
    google.put({"people/c1": RemoteCopy("e1", b'{"names": []}' * 50), "people/c2": RemoteCopy("e2", b"two")})
    outlook.put({"people/c1": RemoteCopy("other", b"not google's")})
    google.put({"people/c1": RemoteCopy("e3", b"newer")})
    assert google.get(["people/c1", "people/c2", "people/c9"]) == {
        "people/c1": RemoteCopy("e3", b"newer"),
        "people/c2": RemoteCopy("e2", b"two"),
    }
    google.drop(["people/c2"])
    assert google.get(["people/c2"]) == {}
    # written while a transaction is open on this thread, it joins it (SQLite would otherwise wait for the lock)
    with store.transaction() as tx:
        tx.put_contacts("Team", {"x": person(1)}, new=True)
        google.put({"people/c4": RemoteCopy("e4", b"four")})
    assert set(google.get(["people/c1", "people/c4"])) == {"people/c1", "people/c4"}
    with store.transaction() as tx:
        tx.reset_account("google")
    assert google.get(["people/c1", "people/c4"]) == {}
    assert outlook.get(["people/c1"]) == {"people/c1": RemoteCopy("other", b"not google's")}


def test_a_runs_commits_are_fenced_by_its_lease_epoch(store: Store) -> None:
    """A run whose book another instance took over (its lease ran out while it was paused) commits nothing more:
    each write transaction checks the claim's epochs before committing (store/leases.py)."""
    store.ensure_leases({"staff": ["staff-a", "staff-b"]})
    start = datetime.now(UTC)
    first = store.claim_lease("staff", ["staff-a", "staff-b"], "east-1", 5, at=start)
    assert first and first.fence is not None
    cid = Transaction.new_id()
    with store.fenced(first.fence), store.transaction() as tx:  # held: commits as always
        tx.put_contacts("staff", {cid: person(1)})
        tx.queue("staff-b", [cid], ChangeKind.CREATE)
    # east-1 is paused past its lease; west-1 takes the book over
    second = store.claim_lease("staff", ["staff-a", "staff-b"], "west-1", 5, at=start + timedelta(seconds=10))
    assert second and second.took_over_from == "east-1" and second.fence is not None
    assert second.fence.epoch == first.fence.epoch + 1
    with store.fenced(first.fence):
        with pytest.raises(LeaseLost, match="book staff: book staff was taken over"):
            store.check_fence()  # what the engine asks before each batch it sends
        with pytest.raises(LeaseLost), store.transaction() as tx:
            tx.dequeue("staff-b", [cid])
            tx.put_links([Link("staff-b", "r1", cid, "e1", person(1))])
        with pytest.raises(LeaseLost):
            store.copies("staff-b").put({"r1": RemoteCopy("e1", b"card")})  # a write of its own is fenced too
    assert [e.contact_id for e in store.outbox("staff-b")] == [cid]  # nothing of the stale run committed
    assert store.link_count("staff-b") == 0 and store.copies("staff-b").get(["r1"]) == {}
    with store.fenced(second.fence), store.transaction() as tx:  # the new holder's commits go through
        tx.dequeue("staff-b", [cid])
    assert store.outbox("staff-b") == []
    # an account taken by another book's run (two configurations for a while) fences the first run as well
    store.ensure_leases({"other": ["staff-b"]})
    assert store.claim_lease("other", ["staff-b"], "north-1", 5, at=start + timedelta(seconds=30))
    with store.fenced(second.fence), pytest.raises(LeaseLost, match="account staff-b"), store.transaction() as tx:
        tx.queue("staff-b", [cid], ChangeKind.UPDATE)
    assert store.outbox("staff-b") == []
    with store.fenced(None), store.transaction() as tx:  # no lease (a plain `contactsync sync` on SQLite)
        tx.queue("staff-b", [cid], ChangeKind.UPDATE)
    assert len(store.outbox("staff-b")) == 1
