"""A daemon run's store work in fewer commits (#18) keeps its guarantees: the run is recorded started in the
claim's own transaction (a dead holder's run marked abandoned first), the lease check before each fenced commit
is one statement that still names what was lost, and the leases are handed back in the commit of the run's last
records only when that commit's lease check passes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from contactsync.daemon.records import CircuitState, Health, TagCheck, TagVerdict
from contactsync.store import Fence, LeaseLost, Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    s.ensure_leases({"b": ["b-one", "b-two"]})
    yield s
    s.close()


def statuses(store: Store) -> list[str]:
    return [r["status"] for r in sorted(store.runs("b"), key=lambda r: r["id"])]


def test_a_claim_records_the_run_started_and_marks_a_dead_holders_run_abandoned(store: Store) -> None:
    first = store.claim_lease("b", ["b-one", "b-two"], "i1", 60, start_run=True)
    assert first and first.run_id is not None
    assert statuses(store) == ["running"]
    assert store.leases()["b"].owner == "i1"

    # i1 dies mid-run: its lease runs out; i2 takes the book over and starts its own run
    later = datetime.now(UTC) + timedelta(seconds=120)
    second = store.claim_lease("b", ["b-one", "b-two"], "i2", 60, at=later, start_run=True)
    assert second and second.took_over_from == "i1" and second.run_id not in (None, first.run_id)
    assert statuses(store) == ["abandoned", "running"]

    # a claim without start_run records no run (a one-off sync's engine records its own)
    store.release_lease("b", "i2", next_due_at=None, finished=False)
    assert store.claim_lease("b", ["b-one", "b-two"], "i3", 60).run_id is None
    assert statuses(store) == ["abandoned", "running"]


def test_a_claim_refused_records_no_run(store: Store) -> None:
    assert store.claim_lease("b", ["b-one", "b-two"], "i1", 60, start_run=True)
    refused = store.claim_lease("b", ["b-one", "b-two"], "i2", 60, start_run=True)
    assert not refused and refused.holder == "i1" and refused.run_id is None
    assert statuses(store) == ["running"]


def health(account: str) -> Health:
    return Health(account, "b", 0, CircuitState.CLOSED, None, None, None, datetime.now(UTC), None, None)


def check(account: str) -> TagCheck:
    return TagCheck(account, "b", "team", "Team", 2, 2, TagVerdict.OK, datetime.now(UTC))


def test_the_last_records_hand_the_leases_back_in_their_commit(store: Store) -> None:
    claim = store.claim_lease("b", ["b-one", "b-two"], "i1", 60)
    assert claim and claim.fence is not None
    due = datetime.now(UTC) + timedelta(hours=1)
    with store.fenced(claim.fence):
        store.record_checks({"b-one": [check("b-one")]}, [health("b-one")], release=("b", "i1", due))
    lease = store.leases()["b"]
    assert (lease.owner, lease.expires_at, lease.next_due_at) == (None, None, due)
    assert {a.owner for a in store.account_leases().values()} == {None}
    assert [c.account for c in store.tag_checks()] == ["b-one"]


@pytest.mark.parametrize("taken", ["book", "account"])
def test_a_stale_run_neither_records_nor_hands_back_what_another_instance_took(store: Store, taken: str) -> None:
    claim = store.claim_lease("b", ["b-one", "b-two"], "i1", 60)
    assert claim and claim.fence is not None
    stale = claim.fence
    if taken == "account":
        # the same owner, the account's epoch moved (another claim of it): the joined check sees the account
        stale = Fence(
            stale.owner,
            stale.book,
            stale.epoch,
            ((stale.accounts[0][0], stale.accounts[0][1] - 1), *stale.accounts[1:]),
        )
    else:
        later = datetime.now(UTC) + timedelta(seconds=120)
        assert store.claim_lease("b", ["b-one", "b-two"], "i2", 60, at=later)
    with store.fenced(stale), pytest.raises(LeaseLost, match=f"{taken} b"):
        store.record_checks({"b-one": [check("b-one")]}, [health("b-one")], release=("b", stale.owner, None))
    assert store.tag_checks() == [] and store.health() == {}
    assert store.leases()["b"].owner == ("i2" if taken == "book" else "i1"), "the holder keeps its lease"


def test_a_claim_reads_its_accounts_health_in_the_same_statement(store: Store) -> None:
    """The run's circuit breaker needs its accounts' health first thing: the claim brings it (#18)."""
    paused = Health("b-one", "b", 3, CircuitState.OPEN, datetime.now(UTC), None, "boom", None, None, None)
    store.put_health([paused])
    claim = store.claim_lease("b", ["b-one", "b-two"], "i1", 60, start_run=True)
    assert claim and claim.health == {"b-one": store.health(["b-one"])["b-one"]}
    assert claim.health["b-one"].failures == 3 and claim.health["b-one"].circuit is CircuitState.OPEN


@pytest.mark.postgres
@pytest.mark.parametrize("locked", ["book", "account"])
def test_a_claim_skips_a_row_another_claim_has_locked(pg_url: str, locked: str) -> None:
    """One statement reads and locks the book's row and its accounts' (FOR UPDATE SKIP LOCKED): a row locked by a
    claim in flight is skipped, never waited for, and the claim is refused naming it, as the separate reads did."""
    with Store.open(pg_url) as store:
        store.ensure_leases({"b": ["b-one", "b-two"]})
        table = sa.table(
            "daemon_leases" if locked == "book" else "account_leases", sa.column("book"), sa.column("account")
        )
        row = table.c.book == "b" if locked == "book" else table.c.account == "b-two"
        with store.engine.connect() as other, other.begin():
            other.execute(sa.select(sa.literal(1)).select_from(table).where(row).with_for_update())
            refused = store.claim_lease("b", ["b-one", "b-two"], "i1", 60, start_run=True)
            assert not refused and refused.holder == ""
            assert refused.held == ("book b" if locked == "book" else "account b-two")
        assert store.leases()["b"].owner is None and store.runs("b") == []
        assert store.claim_lease("b", ["b-one", "b-two"], "i1", 60, start_run=True), "free again once it commits"


def test_a_claim_takes_the_book_and_every_account_at_new_epochs_and_starts_the_run(store: Store) -> None:
    """On PostgreSQL one statement takes the leases and records the run (#18): everything the separate statements
    did is there, and the run's fence holds against the store."""
    first = store.claim_lease("b", ["b-one", "b-two"], "i1", 60, start_run=True)
    assert first and first.fence is not None and first.run_id is not None
    store.release_lease("b", "i1", next_due_at=None, finished=True)
    store.interrupt_open_runs("b", None)
    again = store.claim_lease("b", ["b-one", "b-two"], "i1", 60, start_run=True)
    assert again and again.fence is not None and again.run_id is not None and again.run_id > first.run_id
    assert again.fence.epoch == first.fence.epoch + 1
    assert [e for _, e in again.fence.accounts] == [e + 1 for _, e in first.fence.accounts]
    assert {a: lease.owner for a, lease in store.account_leases().items()} == {"b-one": "i1", "b-two": "i1"}
    assert store.leases()["b"].owner == "i1" and statuses(store) == ["interrupted", "running"]
    with store.fenced(again.fence):
        store.check_fence()  # the epochs the claim wrote are the fence's
    with store.fenced(first.fence), pytest.raises(LeaseLost):
        store.check_fence()
