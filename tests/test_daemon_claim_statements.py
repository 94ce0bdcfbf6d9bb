"""A daemon run's claim and its end each cost the store one statement fewer on PostgreSQL (#18), and keep every
guarantee: the claim of a free book takes its leases and starts its run in the statement that reads and locks
them, and still refuses a lease held, a slot already run and an account held elsewhere, writing nothing; the run's
end marks the book done and makes its commit's lease check in one statement, so a run whose lease was taken over
commits nothing. Both stores answer alike; only PostgreSQL's statements are counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from contactsync.store import Fence, LeaseLost, Store

ACCOUNTS = ["b-one", "b-two"]


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    s.ensure_leases({"b": ACCOUNTS})
    yield s
    s.close()


class Statements:
    """The statements ``store`` sends while counted (cursor executions: what crosses to the database)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.texts: list[str] = []

    def __enter__(self) -> list[str]:
        sa.event.listen(self.store.engine, "before_cursor_execute", self._seen)
        return self.texts

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self.store.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: object, _cursor: object, text: str, *_args: object) -> None:
        self.texts.append(text)


def runs(store: Store) -> list[str]:
    return [r["status"] for r in sorted(store.runs("b"), key=lambda r: r["id"])]


def epochs(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        book = conn.execute(sa.text("select epoch from daemon_leases where book = 'b'")).scalar_one()
        accounts = dict(conn.execute(sa.text("select account, epoch from account_leases")).all())
    return {"b": int(book), **{str(a): int(e) for a, e in accounts.items()}}


def test_a_free_book_is_taken_and_its_run_started_in_one_statement(store: Store) -> None:
    with Statements(store) as sent:
        claim = store.claim_lease("b", ACCOUNTS, "i1", 60, start_run=True)
    assert claim and claim.fence is not None and claim.run_id is not None and claim.took_over_from is None
    if store.dialect == "postgresql":
        assert len(sent) == 1, sent
    assert runs(store) == ["running"]
    assert store.leases()["b"].owner == "i1"
    assert {a: lease.owner for a, lease in store.account_leases().items()} == {"b-one": "i1", "b-two": "i1"}
    assert epochs(store) == {"b": claim.fence.epoch, **dict(claim.fence.accounts)} == {"b": 1, "b-one": 1, "b-two": 1}
    with store.fenced(claim.fence):
        store.check_fence()  # the epochs written are the fence's


@pytest.mark.parametrize("why", ["book held", "account held", "not due"])
def test_a_claim_refused_writes_nothing(store: Store, why: str) -> None:
    stamp = datetime.now(UTC)
    if why == "book held":
        assert store.claim_lease("b", ACCOUNTS, "other", 60, at=stamp)
    elif why == "account held":
        # another configuration runs b-two in a book of its own: the book is free, one of its accounts is not
        store.ensure_leases({"elsewhere": ["b-two"]})
        assert store.claim_lease("elsewhere", ["b-two"], "other", 60, at=stamp)
    else:
        first = store.claim_lease("b", ACCOUNTS, "i1", 60, at=stamp, start_run=True)
        store.release_lease("b", "i1", next_due_at=stamp + timedelta(hours=1), finished=True)
        store.interrupt_open_runs("b", None)
        assert first
    before, leases, statuses = epochs(store), store.account_leases(), runs(store)
    refused = store.claim_lease("b", ACCOUNTS, "i1", 60, at=stamp + timedelta(seconds=1), start_run=True)
    assert not refused and refused.run_id is None and refused.fence is None
    if why == "not due":
        assert refused.not_due
    else:
        assert refused.holder == "other"
        assert refused.held == ("book b" if why == "book held" else "account b-two")
    assert epochs(store) == before and store.account_leases() == leases and runs(store) == statuses
    assert store.leases()["b"].owner == ("other" if why == "book held" else None)


def test_a_lease_of_ours_left_held_is_taken_again_and_its_open_run_abandoned(store: Store) -> None:
    """A hand-back that failed leaves the book held by us: the next claim is not the free book's statement but
    takes it all the same, fencing out the earlier claim and ending its run."""
    first = store.claim_lease("b", ACCOUNTS, "i1", 60, start_run=True)
    again = store.claim_lease("b", ACCOUNTS, "i1", 60, start_run=True)
    assert first and again and first.fence is not None and again.fence is not None
    assert again.took_over_from == "i1" and again.fence.epoch == first.fence.epoch + 1
    assert runs(store) == ["abandoned", "running"]
    with store.fenced(first.fence), pytest.raises(LeaseLost):
        store.check_fence()


def end_run(store: Store, fence: Fence, run_id: int, due: datetime) -> None:
    """The engine's last transaction of a run, as the daemon makes it: the run finished, the book done."""
    with store.fenced(fence), store.transaction() as tx:
        tx.finish_run(run_id, "ok", {})
        tx.lease_done("b", fence.owner, due, fence=fence)


def test_the_runs_end_is_marked_done_and_checked_in_one_statement(store: Store) -> None:
    claim = store.claim_lease("b", ACCOUNTS, "i1", 60, start_run=True)
    assert claim and claim.fence is not None and claim.run_id is not None
    due = datetime.now(UTC) + timedelta(hours=1)
    with Statements(store) as sent:
        end_run(store, claim.fence, claim.run_id, due)
    if store.dialect == "postgresql":
        # the run's end and the book's, and nothing else: no separate lease check before the commit
        assert len(sent) == 2, sent
    assert runs(store) == ["ok"]
    lease = store.leases()["b"]
    assert (lease.owner, lease.next_due_at) == ("i1", due), "done, the leases still held for the tag checks"


@pytest.mark.parametrize("taken", ["book", "account"])
def test_a_run_whose_lease_was_taken_over_ends_nothing(store: Store, taken: str) -> None:
    claim = store.claim_lease("b", ACCOUNTS, "i1", 60, start_run=True)
    assert claim and claim.fence is not None and claim.run_id is not None
    later = datetime.now(UTC) + timedelta(seconds=120)
    if taken == "book":
        assert store.claim_lease("b", ACCOUNTS, "i2", 60, at=later)
    else:
        # another configuration took b-two over after our lease on it ran out
        store.ensure_leases({"elsewhere": ["b-two"]})
        with store.engine.begin() as conn:
            conn.execute(sa.text("update account_leases set expires_at = null where account = 'b-two'"))
        assert store.claim_lease("elsewhere", ["b-two"], "i2", 60, at=later)
    with pytest.raises(LeaseLost, match=f"{taken} b"):
        end_run(store, claim.fence, claim.run_id, later + timedelta(hours=1))
    assert runs(store) == ["running"], "the run's end is not committed"
    assert store.leases()["b"].next_due_at is None


def test_a_check_made_at_a_runs_end_is_that_transactions_only(store: Store) -> None:
    """The next fenced transaction on the same thread checks its lease again before it commits."""
    claim = store.claim_lease("b", ACCOUNTS, "i1", 60, start_run=True)
    assert claim and claim.fence is not None and claim.run_id is not None
    end_run(store, claim.fence, claim.run_id, datetime.now(UTC))
    later = datetime.now(UTC) + timedelta(seconds=120)
    assert store.claim_lease("b", ACCOUNTS, "i2", 60, at=later, due_only=False)
    with store.fenced(claim.fence), pytest.raises(LeaseLost), store.transaction() as tx:
        tx.finish_run(claim.run_id, "error", {})
    assert runs(store) == ["ok"], "the stale run is not marked failed"
