"""A daemon's run records its tag checks and its accounts' health, and hands its leases back, in the commit that
ends the run (#18): a run costs two commits (its claim, its end) where it took three, and what `status` shows
of it (the run, the health, the tag checks, the book free and due later) lands all at once or not at all. The tag
counts are read before that transaction opens. On SQLite and PostgreSQL, through the daemon's own run of a book
(two vdir folders)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.config import load_settings
from contactsync.daemon.records import DaemonRecords
from contactsync.daemon.service import Daemon, DaemonOptions
from contactsync.store import Store, TagVerdict
from contactsync.store import schema as t
from tests.daemon_support import books_yaml, make_book


@pytest.fixture
def daemon(store_url: str, tmp_path: Path) -> Iterator[Daemon]:
    make_book(tmp_path, "b", 3, tags="Team")
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: '{store_url}'}}\n" + books_yaml(tmp_path, ["b"]))
    settings = load_settings(config)
    d = Daemon(settings, DaemonOptions(jitter_s=0, instance="i1"), load=lambda: settings)
    # the daemon's store and records, as its start-up makes them; its runs are made here, one at a time
    d.store = Store.open(store_url)
    d.records = DaemonRecords(d.store)
    d.records.ensure_books(settings.books)
    yield d
    d.connections.close()
    d.store.close()


def due_again(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.update(t.daemon_leases).values(next_due_at=None))


class Commits:
    """The commits the store's engine makes while counted."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.count = 0

    def __enter__(self) -> Commits:
        sa.event.listen(self.store.engine, "commit", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self.store.engine, "commit", self._seen)

    def _seen(self, _conn: object) -> None:
        self.count += 1


def shown(store: Store) -> tuple[list[str], object, dict[str, int], dict[tuple[str, str], tuple[int, TagVerdict]]]:
    """What `status` shows of the book: its runs, who holds it, its accounts' failures, their tag checks."""
    runs = [r["status"] for r in sorted(store.runs("b"), key=lambda r: r["id"])]
    checks = {(c.account, c.tag_key): (c.platform_count, c.verdict) for c in store.tag_checks()}
    return runs, store.leases()["b"].owner, {a: h.failures for a, h in store.health().items()}, checks


def test_a_no_change_run_ends_in_one_commit_with_its_checks_health_and_hand_back(daemon: Daemon) -> None:
    store = daemon.store
    assert store is not None
    daemon._run_book("b")  # the first sync: three cards copied
    due_again(store)
    with Commits(store) as commits:
        daemon._run_book("b")
    assert commits.count == 2, "the claim, then the run's end with its checks, health and hand-back"
    runs, owner, failures, checks = shown(store)
    assert runs == ["ok", "ok"] and owner is None
    assert failures == {"b-src": 0, "b-dst": 0}
    assert checks == {("b-src", "team"): (3, TagVerdict.OK), ("b-dst", "team"): (3, TagVerdict.OK)}
    lease = store.leases()["b"]
    assert lease.last_finished_at is not None and {a.owner for a in store.account_leases().values()} == {None}


def test_a_run_whose_lease_is_taken_before_its_end_records_nothing_of_its_end(
    daemon: Daemon, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taken over between its last write and its end (the tag counts read): neither the run's end nor its checks
    and health are committed; the run stays the new holder's to settle."""
    store = daemon.store
    assert store is not None
    daemon._run_book("b")
    due_again(store)
    before = shown(store)
    real = Daemon._tag_checked

    def taken_meanwhile(self: Daemon, account: str, *args: object) -> bool:
        if account == "b-src":
            # the lease ran out (a paused process): another instance takes the book and its accounts over
            with store.engine.begin() as conn:
                conn.execute(sa.update(t.daemon_leases).values(expires_at=None, owner=None))
                conn.execute(sa.update(t.account_leases).values(expires_at=None, owner=None))
            assert store.claim_lease("b", ["b-src", "b-dst"], "i2", 60, due_only=False)
        return real(self, account, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Daemon, "_tag_checked", taken_meanwhile)
    lost: list[str] = []
    monkeypatch.setattr("contactsync.daemon.service.log.warning", lambda msg, *a: lost.append(str(a[0]) if a else msg))
    daemon._run_book("b")
    assert any("taken over" in m for m in lost), lost
    runs, owner, failures, checks = shown(store)
    assert owner == "i2"
    assert runs == [*before[0], "running"], "the run's end is not committed"
    assert (failures, checks) == (before[2], before[3]), "nor its health and tag checks"
