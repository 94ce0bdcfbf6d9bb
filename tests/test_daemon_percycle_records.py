"""What a daemon's run records at its end, with its hand-back (#18): each account's tag-count check replaces its
last one (a tag gone from it leaves the table, another account's check stays), and its health is updated, in the
commit that hands the leases back (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from contactsync.store import CircuitState, Health, Store, TagCheck, TagVerdict


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    s.ensure_leases({"b": ["b-one", "b-two"]})
    yield s
    s.close()


def _health(account: str, failures: int) -> Health:
    state = CircuitState.CLOSED
    return Health(account, "b", failures, state, None, None, None, datetime.now(UTC), None, None)


def _check(account: str, tag: str, count: int, verdict: TagVerdict = TagVerdict.OK) -> TagCheck:
    return TagCheck(account, "b", tag, tag.title(), count, count, verdict, datetime.now(UTC))


def _run_end(store: Store, checks: dict[str, list[TagCheck]], health: list[Health]) -> None:
    claim = store.claim_lease("b", ["b-one", "b-two"], "i1", 60, due_only=False)
    assert claim and claim.fence is not None
    due = datetime.now(UTC) + timedelta(hours=1)
    with store.fenced(claim.fence):
        store.record_checks(checks, health, release=("b", "i1", due))
    assert store.leases()["b"].owner is None and store.leases()["b"].next_due_at == due
    assert {a.owner for a in store.account_leases().values()} == {None}


def test_a_runs_checks_replace_its_accounts_last_ones_and_its_health_is_updated(store: Store) -> None:
    _run_end(
        store,
        {"b-one": [_check("b-one", "team", 2), _check("b-one", "family", 1)], "b-two": [_check("b-two", "team", 2)]},
        [_health("b-one", 0), _health("b-two", 0)],
    )
    # the next run checked b-one only: "family" is gone from it, "team" changed; b-two's check is not touched
    _run_end(
        store,
        {"b-one": [_check("b-one", "team", 3, TagVerdict.PENDING)]},
        [_health("b-one", 1), _health("b-two", 0)],
    )
    checks = {(c.account, c.tag_key): (c.platform_count, c.verdict) for c in store.tag_checks()}
    assert checks == {("b-one", "team"): (3, TagVerdict.PENDING), ("b-two", "team"): (2, TagVerdict.OK)}
    assert {a: h.failures for a, h in store.health().items()} == {"b-one": 1, "b-two": 0}


def test_a_run_that_checked_nothing_still_hands_back_and_keeps_the_last_checks(store: Store) -> None:
    _run_end(store, {"b-one": [_check("b-one", "team", 2)]}, [_health("b-one", 0)])
    # every account failed, or was paused: no check and no health to record, only the hand-back
    _run_end(store, {}, [])
    assert [(c.account, c.tag_key) for c in store.tag_checks()] == [("b-one", "team")]
    assert list(store.health()) == ["b-one"]
