"""The store's record of expanded books (store/templates.py, migration 0008), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from contactsync.store import ExpandedPerson, ExpansionChanges, Store

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def p(uid: str, book: str | None = None) -> ExpandedPerson:
    return ExpandedPerson(f"id-{uid}", book or uid, f"{uid}@example.org", uid, uid.title())


def test_join_leave_return_and_rename_are_recorded_with_their_dates(store_url: str) -> None:
    with Store.open(store_url) as store:
        assert store.record_expansion("staff", [p("ana"), p("bia")], at=T0) == ExpansionChanges(joined=("ana", "bia"))
        assert store.record_expansion("staff", [p("ana")], at=T1) == ExpansionChanges(retired=("bia",))
        bia = next(r for r in store.template_books("staff") if r.book == "bia")
        assert bia.retired and bia.retired_at == T1 and bia.joined_at == T0
        # nothing to do a second time: a retired book stays retired from the same date
        assert store.record_expansion("staff", [p("ana")], at=T2) == ExpansionChanges()
        assert next(r for r in store.template_books() if r.book == "bia").retired_at == T1
        changes = store.record_expansion("staff", [p("ana", "ana-souza"), p("bia")], at=T2)
        assert changes == ExpansionChanges(returned=("bia",), renamed=(("ana", "ana-souza"),))
        rows = {r.person_id: r for r in store.template_books("staff")}
        assert not rows["id-bia"].retired and rows["id-bia"].joined_at == T0
        assert rows["id-ana"].book == "ana-souza" and rows["id-ana"].email == "ana@example.org"
        # another template's people are its own
        assert store.record_expansion("contractors", [p("ana")], at=T2) == ExpansionChanges(joined=("ana",))
        assert [r.template for r in store.template_books()] == ["contractors", "staff", "staff"]


def test_the_migrated_table_is_the_one_the_store_declares(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from contactsync.store import schema

    with Store.open(store_url) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert [d for d in diff if "template_books" in repr(d)] == []
