"""What a run records at its end stays true with fewer statements (#18): the time of the last full listing survives
incremental runs, a brake keeps the time it first came on, and a run's tag checks and health land together."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from contactsync.daemon.records import CircuitState, DeferredChecks, Health, TagCheck, TagVerdict
from contactsync.store import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    yield s
    s.close()


def status(store: Store, account: str, result: str = "ok", brake: str | None = None) -> None:
    with store.transaction() as tx:
        run = tx.start_run("b", dry_run=False)
        tx.set_account_status(
            account, "b", run_id=run, result=result, error=None, duration_s=0.1, brake_reason=brake, summary={}
        )


def test_the_last_full_listing_survives_incremental_runs(store: Store) -> None:
    with store.transaction() as tx:
        tx.set_state("a", "t1", full=False)
    status(store, "a")
    assert store.account_status()["a"]["full_listing_at"] is None, "never listed in full"
    with store.transaction() as tx:
        tx.set_state("a", "t2", full=True)
    full_at = store.account_status()["a"]["full_listing_at"]
    assert full_at is not None
    time.sleep(0.01)
    with store.transaction() as tx:
        tx.set_state("a", "t3", full=False)
    st = store.account_status()["a"]
    assert st["full_listing_at"] == full_at
    assert st["state_updated_at"] > full_at


def test_a_brake_keeps_the_time_it_came_on_and_clears(store: Store) -> None:
    status(store, "a", "braked", "3 deletes")
    since = store.account_status()["a"]["brake_since"]
    assert since is not None
    time.sleep(0.01)
    status(store, "a", "braked", "3 deletes")
    assert store.account_status()["a"]["brake_since"] == since
    status(store, "a")
    st = store.account_status()["a"]
    assert (st["brake_reason"], st["brake_since"]) == (None, None)
    status(store, "a", "braked", "4 deletes")
    assert store.account_status()["a"]["brake_since"] > since, "a new brake starts its own clock"


def test_a_runs_tag_checks_and_health_are_written_together(store: Store) -> None:
    at = datetime.now(UTC)

    def check(account: str, key: str, n: int) -> TagCheck:
        return TagCheck(account, "b", key, key, n, n, TagVerdict.OK, at)

    def health(account: str, failures: int) -> Health:
        return Health(account, "b", failures, CircuitState.CLOSED, None, None, None, at, None, None)

    deferred = DeferredChecks(store)
    deferred.put_tag_checks("a", [check("a", "team", 2), check("a", "board", 1)])
    deferred.put_tag_checks("c", [check("c", "team", 2)])
    assert store.tag_checks() == [], "held until the run's health is written"
    deferred.flush([health("a", 0), health("c", 1)])
    assert {(c.account, c.tag_key) for c in store.tag_checks()} == {("a", "team"), ("a", "board"), ("c", "team")}
    assert {a: h.failures for a, h in store.health().items()} == {"a": 0, "c": 1}
    assert set(store.health(["c"])) == {"c"}, "one book's accounts only"

    # the next run's check replaces the account's last one: a tag gone from it leaves the table
    deferred.put_tag_checks("a", [check("a", "team", 3)])
    deferred.flush([health("a", 0)])
    assert {(c.account, c.tag_key, c.store_count) for c in store.tag_checks()} == {("a", "team", 3), ("c", "team", 2)}


def test_the_tag_check_takes_the_runs_own_counts_of_what_is_owed(store: Store) -> None:
    # what the run counted at its end (it still holds the lease) explains a difference without a second count;
    # an account the run did not count is counted in the store
    deferred = DeferredChecks(store, {"a": (2, 0), "q": (0, 1)})
    assert (deferred.pending_writes("a"), deferred.quarantined("a")) == (2, 0)
    assert (deferred.pending_writes("q"), deferred.quarantined("q")) == (0, 1)
    assert (deferred.pending_writes("c"), deferred.quarantined("c")) == (0, 0)
