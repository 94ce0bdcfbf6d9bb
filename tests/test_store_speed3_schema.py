"""Migration 0011 (#18: one B-tree fewer per link, journal row and identity) on a store that holds rows: every
row is still there and still found the way the sync finds it, and the store keeps its one-item-per-account rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from contactsync.model import Contact, Email, Name, Phone
from contactsync.store import Link, Store

AT = datetime(2026, 12, 1, tzinfo=UTC)


def _migrate(url: str, revision: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")  # as the store connects
            cfg = Config()
            cfg.set_main_option("script_location", "contactsync:migrations")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def _fill_at_0010(url: str) -> None:
    """Two contacts, their links on two accounts, identities, journal rows: as 0010's store held them."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for i in range(2):
                conn.execute(
                    sa.text(
                        "insert into contacts (id, book, data, version, updated_at, erased)"
                        " values (:id, 'book', :data, 1, :at, false)"
                    ),
                    {"id": f"c{i}", "data": f'{{"display_name":"P{i}"}}', "at": AT},
                )
                for account in ("a", "b"):
                    conn.execute(
                        sa.text(
                            "insert into links (account, remote_id, contact_id, etag, base, marked)"
                            " values (:account, :rid, :cid, 'e', '{}', false)"
                        ),
                        {"account": account, "rid": f"{account}-{i}", "cid": f"c{i}"},
                    )
                conn.execute(
                    sa.text("insert into identities (book, kind, value, contact_id) values ('book', 'email', :v, :c)"),
                    {"v": f"p{i}@example.org", "c": f"c{i}"},
                )
                conn.execute(
                    sa.text(
                        "insert into journal (run_id, at, book, contact_id, action)"
                        " values (7, :at, 'book', :cid, 'create')"
                    ),
                    {"at": AT, "cid": f"c{i}"},
                )
    finally:
        engine.dispose()


@pytest.fixture
def migrated(store_url: str) -> Iterator[Store]:
    _migrate(store_url, "0010")
    _fill_at_0010(store_url)
    store = Store.open(store_url)  # brings it to the head
    try:
        yield store
    finally:
        store.close()


def test_every_row_is_kept_and_found_after_0011(migrated: Store) -> None:
    by_contact = migrated.links_by_contact(["c0", "c1"])
    assert {cid: sorted((a, lk.remote_id) for a, lk in links.items()) for cid, links in by_contact.items()} == {
        "c0": [("a", "a-0"), ("b", "b-0")],
        "c1": [("a", "a-1"), ("b", "b-1")],
    }
    assert set(migrated.account_links("b", ["c0", "c1"])) == {"c0", "c1"}
    assert migrated.match_identities("book", "email", ["p0@example.org", "p1@example.org"]) == {
        "p0@example.org": {"c0"},
        "p1@example.org": {"c1"},
    }
    assert [e.action for e in migrated.history("c1")] == ["create"]
    assert migrated.contact("c0").contact.display_name == "P0"


def test_a_contact_still_has_one_item_per_account_after_0011(migrated: Store) -> None:
    with pytest.raises(sa.exc.IntegrityError), migrated.transaction() as tx:
        tx.insert_links([Link("a", "a-other", "c0", "e", Contact(display_name="P0"))])
    with migrated.transaction() as tx:
        tx.insert_links([Link("c", "c-0", "c0", "e", Contact(display_name="P0"))])
    assert set(migrated.links_by_contact(["c0"])["c0"]) == {"a", "b", "c"}


def test_identities_and_links_go_with_their_contact_after_0011(migrated: Store) -> None:
    """The cascade from contacts finds links and identities through the indexes 0011 left."""
    with migrated.transaction() as tx:
        tx.conn.execute(sa.text("delete from contacts where id = 'c1'"))
    assert migrated.links_by_contact(["c1"]) == {}
    assert migrated.match_identities("book", "email", ["p1@example.org"]) == {}
    assert set(migrated.links_by_contact(["c0"])["c0"]) == {"a", "b"}


def test_a_store_written_after_0011_keeps_identities_per_contact(store_url: str) -> None:
    c = Contact(
        name=Name(given="Ada"),
        emails=(Email("ada@example.org"),),
        phones=(Phone("+14155550100"),),
    )
    with Store.open(store_url) as store:
        with store.transaction() as tx:
            tx.put_contacts("book", {"x": c}, new=True)
        with store.transaction() as tx:
            tx.put_contacts("book", {"x": c})  # replaced: its identity rows cleared and written again
        assert store.match_identities("book", "email", ["ada@example.org"]) == {"ada@example.org": {"x"}}
        assert store.match_identities("book", "phone", ["+14155550100"]) == {"+14155550100": {"x"}}


def _link_and_journal_indexes(url: str) -> dict[str, tuple[tuple[str, ...], bool]]:
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        return {
            ix["name"]: (tuple(c for c in ix["column_names"] if c), bool(ix["unique"]))
            for table in ("links", "journal")
            for ix in inspector.get_indexes(table)
            if ix["name"]
        }
    finally:
        engine.dispose()


def test_a_0011_stopped_halfway_is_finished_by_the_next_start(
    store_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """SQLite's driver commits each DDL statement on its own: a 0011 killed after its first steps leaves the store
    at 0010 with some indexes already changed, and the next start must finish it, not fail on a missing index."""
    _migrate(store_url, "0010")
    _fill_at_0010(store_url)
    engine = sa.create_engine(store_url)
    try:
        with engine.begin() as conn:  # 0011's first two steps done, the rest not: as a kill between them leaves it
            conn.execute(sa.text("drop index ix_links_contact_id"))
            conn.execute(sa.text("drop index ix_links_contact"))
    finally:
        engine.dispose()
    with Store.open(store_url) as store:
        assert set(store.links_by_contact(["c0"])["c0"]) == {"a", "b"}
        with pytest.raises(sa.exc.IntegrityError), store.transaction() as tx:
            tx.insert_links([Link("a", "a-other", "c0", "e", Contact(display_name="P0"))])
    after = _link_and_journal_indexes(store_url)
    assert after["ix_links_contact"] == (("contact_id", "account"), True)
    assert "ix_links_contact_id" not in after and "ix_journal_run_id" not in after
    if store_url.startswith("sqlite"):  # the same indexes as a store made at the head
        fresh = f"sqlite:///{tmp_path_factory.mktemp('fresh') / 's.db'}"
        Store.open(fresh).close()
        assert after == _link_and_journal_indexes(fresh)


def test_0011_goes_down_and_up_again_with_every_row(store_url: str) -> None:
    _migrate(store_url, "0010")
    _fill_at_0010(store_url)
    before = _link_and_journal_indexes(store_url)
    _migrate(store_url, "0011")
    engine = sa.create_engine(store_url)
    try:
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", "contactsync:migrations")
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0010")
    finally:
        engine.dispose()
    assert _link_and_journal_indexes(store_url) == before
    with Store.open(store_url) as store:
        assert set(store.links_by_contact(["c0", "c1"])) == {"c0", "c1"}
        assert [e.action for e in store.history("c1")] == ["create"]
