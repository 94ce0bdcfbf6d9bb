"""The rows a first sync writes per card (contacts, identities, journal, links, outbox) go to the driver as plain
tuples through statements compiled once (#18); they must be the very rows SQLAlchemy Core wrote before, value for
value as the database holds them, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from contactsync.connector import ChangeKind
from contactsync.model import Contact, Email, Name, Phone, Tag
from contactsync.normalize import normalize_contact
from contactsync.store import Link, Store, encode_contact
from contactsync.store import journal as journal_part
from contactsync.store import outbox as outbox_part
from contactsync.store import schema as t

STAMP = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
#: not UTC (the store writes UTC, but Core took any): SQLite keeps a datetime as text, Core's text for it
ELSEWHERE = datetime(2025, 12, 31, 23, 59, 58, 1, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    yield s
    s.close()


def ana() -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given="Ana", family="Müller"),
            emails=(Email("ana@example.org"), Email("a.m@example.org")),
            phones=(Phone("+1 415 555 0100"),),
            tags=frozenset({Tag("Team")}),
        )
    )


def stored(store: Store, table: sa.Table, key: str, value: str) -> list[tuple[Any, ...]]:
    """The table's rows whose ``key`` is ``value``, as the driver hands them back (no SQLAlchemy type), with the
    ``key`` column left out so rows written under two keys compare."""
    names = [c.name for c in table.columns]
    quoted = ", ".join(f'"{n}"' for n in names)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"select {quoted} from {table.name} where \"{key}\" = '{value}'").all()
    at = names.index(key)
    return sorted((tuple(r[:at]) + tuple(r[at + 1 :]) for r in rows), key=repr)


def core_insert(store: Store, stmt: Any, rows: list[dict[str, Any]]) -> None:
    """The way these rows were written before: Core's executemany of dicts."""
    with store.engine.begin() as conn:
        conn.execute(stmt, rows)


def test_contacts_and_identities_are_the_rows_core_wrote(store: Store) -> None:
    contact = ana()
    with store.transaction() as tx:
        tx.put_contacts("book", {"new": contact}, at=STAMP, new=True)
    core_insert(
        store,
        sa.insert(t.contacts),
        [
            {
                "id": "old",
                "book": "book",
                "data": encode_contact(contact),
                "version": 1,
                "updated_at": STAMP,
                "deleted_at": None,
                "erased": False,
            }
        ],
    )
    core_insert(
        store,
        sa.insert(t.identities),
        [{"book": "book", "kind": "email", "value": v, "contact_id": "old"} for v in contact.identity_emails()]
        + [{"book": "book", "kind": "phone", "value": v, "contact_id": "old"} for v in contact.identity_phones()],
    )
    assert stored(store, t.contacts, "id", "new") == stored(store, t.contacts, "id", "old") != []
    assert stored(store, t.identities, "contact_id", "new") == stored(store, t.identities, "contact_id", "old")
    assert len(stored(store, t.identities, "contact_id", "new")) == 3
    # written again (an update): the row is replaced, not doubled
    with store.transaction() as tx:
        tx.put_contacts("book", {"new": contact}, at=STAMP + timedelta(days=1))
    assert store.contact("new").updated_at == STAMP + timedelta(days=1)
    assert len(stored(store, t.contacts, "id", "new")) == 1


def test_links_are_the_rows_core_wrote(store: Store) -> None:
    contact = ana()
    with store.transaction() as tx:
        tx.put_contacts("book", {"new": contact, "old": contact}, at=STAMP, new=True)
    for marked, modified in ((True, ELSEWHERE), (False, None)):
        account = f"acct-{marked}"
        with store.transaction() as tx:
            tx.insert_links([Link(account, "new.vcf", "new", "etag-1", contact, modified, marked)])
        core_insert(
            store,
            sa.insert(t.links),
            [
                {
                    "account": account,
                    "remote_id": "old.vcf",
                    "contact_id": "old",
                    "etag": "etag-1",
                    "base": encode_contact(contact),
                    "modified": modified,
                    "marked": marked,
                }
            ],
        )
    new = [r[:1] + r[2:] for r in stored(store, t.links, "contact_id", "new")]
    old = [r[:1] + r[2:] for r in stored(store, t.links, "contact_id", "old")]
    assert new == old
    assert len(new) == 2
    assert store.links_by_contact(["new"])["new"]["acct-False"].modified is None


def test_journal_and_outbox_rows_are_the_rows_core_wrote(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal_part, "now", lambda: STAMP)
    monkeypatch.setattr(outbox_part, "now", lambda: STAMP)
    with store.transaction() as tx:
        tx.put_contacts("book", {"new": ana(), "old": ana()}, at=STAMP, new=True)
    entries: list[dict[str, Any]] = [
        {"run_id": 7, "book": "book", "account": "a", "action": "create", "before": None, "after": {"ü": [1, 2]}},
        {"book": "book", "action": "merge", "field": "emails", "before": ["x"], "after": None, "note": "why"},
    ]
    with store.transaction() as tx:
        tx.journal([{**e, "contact_id": "new"} for e in entries])
        tx.queue("a", ["new"], ChangeKind.CREATE)
    core_insert(
        store, sa.insert(t.journal), [journal_part._journal_values({**e, "contact_id": "old"}, STAMP) for e in entries]
    )
    core_insert(
        store,
        sa.insert(t.outbox),
        [
            {
                "account": "a",
                "contact_id": "old",
                "kind": "create",
                "queued_at": STAMP,
                "attempted_at": None,
                "attempts": 0,
                "last_error": None,
            }
        ],
    )
    # the journal's ids differ (each row its own): compared without them
    new = [r[1:] for r in stored(store, t.journal, "contact_id", "new")]
    assert new == [r[1:] for r in stored(store, t.journal, "contact_id", "old")]
    assert len(new) == 2
    assert stored(store, t.outbox, "contact_id", "new") == stored(store, t.outbox, "contact_id", "old") != []


def test_requeueing_keeps_the_attempt_marker(store: Store) -> None:
    with store.transaction() as tx:
        tx.put_contacts("book", {"c": ana()}, new=True)
        tx.queue("a", ["c"], ChangeKind.CREATE)
        tx.mark_attempt("a", ["c"])
    with store.transaction() as tx:
        tx.queue("a", ["c"], ChangeKind.UPDATE)
    [entry] = store.outbox("a")
    assert (entry.kind, entry.attempted, entry.attempts) == (ChangeKind.UPDATE, True, 1)


#: item ids as a folder or a server may name them: quotes, escapes, JSON's and SQL's own characters, non-ASCII
ODD_IDS = [
    "plain.vcf",
    'quote"d.vcf',
    "apos'trophe.vcf",
    "back\\slash.vcf",
    "ünï.vcf",
    "per%cent?.vcf",
    "[1,2].vcf",
    "emoji-\U0001f600.vcf",
    "tab\there.vcf",
]


def test_lists_of_ids_match_exactly_the_values_given(store: Store) -> None:
    """Id lists are bound as one parameter (a JSON array on SQLite, an array on PostgreSQL), not one each."""
    cids = [f"c{i}" for i in range(len(ODD_IDS))]
    with store.transaction() as tx:
        tx.put_contacts("book", dict.fromkeys(cids, ana()), new=True)
        tx.insert_links([Link("a", rid, cid, f"e-{cid}", ana()) for rid, cid in zip(ODD_IDS, cids, strict=True)])
        tx.queue("a", cids, ChangeKind.CREATE)
    asked = [*ODD_IDS[1:], "missing.vcf", 'quote"d', "PLAIN.vcf"]
    expected = {rid: f"e-{cid}" for rid, cid in zip(ODD_IDS[1:], cids[1:], strict=True)}
    assert store.link_etags("a", asked) == expected
    with store.transaction() as tx:
        tx.dequeue("a", ["c0", "c2", "nobody"])
    assert sorted(e.contact_id for e in store.outbox("a")) == sorted(set(cids) - {"c0", "c2"})
    assert store.match_identities("book", "email", ["ana@example.org", "nobody@example.org"]) == {
        "ana@example.org": set(cids)
    }
    # c1's link moves to a new item (its old one cleared by contact); c3 takes c4's item (c4's cleared by item)
    with store.transaction() as tx:
        tx.put_links([Link("a", "other.vcf", "c1", "e-new", ana()), Link("a", "ünï.vcf", "c3", "e-taken", ana())])
    etags = store.link_etags("a", [*ODD_IDS, "other.vcf"])
    assert set(ODD_IDS) - set(etags) == {'quote"d.vcf', "back\\slash.vcf"}
    assert (etags["other.vcf"], etags["ünï.vcf"]) == ("e-new", "e-taken")
    assert store.account_links("a", ["c4"]) == {}
