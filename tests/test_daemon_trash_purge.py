"""A daemon purges a book's trash by the book's first run, then at most once an hour (#18): the purge's select was
one statement of every run with nothing to do, for contacts whose ``purge_after`` is days away. A purge may so come
up to an hour late; a one-off `contactsync sync` (``run_book``) still purges at every run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.admin import run_book
from contactsync.config import load_settings
from contactsync.daemon.records import DaemonRecords
from contactsync.daemon.service import Daemon, DaemonOptions
from contactsync.settings import Settings
from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import books_yaml, make_book


@pytest.fixture
def settings(tmp_path: Path, store_url: str) -> Settings:
    make_book(tmp_path, "b", 10)  # one delete of ten stays under the brake
    (tmp_path / "c.yaml").write_text(f"store: {{url: '{store_url}'}}\n" + books_yaml(tmp_path, ["b"]))
    return load_settings(tmp_path / "c.yaml")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store.open(settings.store_url)
    try:
        yield s
    finally:
        s.close()


def _daemon(settings: Settings, store: Store, **options: float) -> Daemon:
    d = Daemon(settings, DaemonOptions(jitter_s=0, instance="i1", **options), load=lambda: settings)
    d.store = store
    d.records = DaemonRecords(store)
    d.records.ensure_books(settings.books)
    return d


def _run(d: Daemon, store: Store) -> None:
    """One run of book b, made due again after it (the hourly schedule would not run it again so soon)."""
    d._run_book("b")
    with store.engine.begin() as conn:
        conn.execute(sa.update(t.daemon_leases).values(next_due_at=None))
    assert store.runs("b", limit=1)[0]["status"] == "ok"


def _trash_one_and_make_it_due(d: Daemon, store: Store, tmp_path: Path) -> str:
    """The first sync, then a card deleted at the source: the next run deletes its copy and trashes it; then its
    ``purge_after`` is put in the past (as after ``trash_days``)."""
    _run(d, store)
    (tmp_path / "b" / "src" / "c0.vcf").unlink()
    _run(d, store)
    [(record, _)] = store.trashed("b")
    with store.engine.begin() as conn:
        conn.execute(sa.update(t.trash).values(purge_after=datetime.now(UTC) - timedelta(days=1)))
    return record.id


def test_a_daemon_purges_a_due_trashed_contact_at_most_hourly_and_a_new_daemon_at_once(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    d = _daemon(settings, store)
    _trash_one_and_make_it_due(d, store, tmp_path)
    _run(d, store)  # the book's trash was purged by its first run, less than an hour ago: kept until the next
    assert len(store.trashed("b")) == 1
    # a daemon started anew (as after a restart) purges by the book's first run
    _run(_daemon(settings, store), store)
    assert store.trashed("b") == []


def test_a_daemon_purges_again_once_the_interval_has_passed(settings: Settings, store: Store, tmp_path: Path) -> None:
    d = _daemon(settings, store, trash_purge_s=0.0)
    _trash_one_and_make_it_due(d, store, tmp_path)
    _run(d, store)
    assert store.trashed("b") == []


def test_a_one_off_sync_purges_at_every_run(settings: Settings, store: Store, tmp_path: Path) -> None:
    [book] = settings.books
    run_book(store, book)
    (tmp_path / "b" / "src" / "c0.vcf").unlink()
    run_book(store, book)
    assert len(store.trashed("b")) == 1
    with store.engine.begin() as conn:
        conn.execute(sa.update(t.trash).values(purge_after=datetime.now(UTC) - timedelta(days=1)))
    run_book(store, book)
    assert store.trashed("b") == []
