"""The circuit breaker: an account that fails run after run is paused, then tried again after a growing pause.

A failing account does not hold the others up (the engine's retries are bounded and per account), but hitting a
platform that refuses us every few minutes wastes its quota and fills the log. After ``threshold`` consecutive
failed runs the circuit opens: the account sits the next runs out until ``retry_at``; then one run tries it (the
"half-open" probe). Success closes the circuit; failure opens it again for twice as long, up to ``max_pause``.
The state lives in the store, so ``status`` shows it and every instance of a shared store honours it.

A one-off ``contactsync sync`` (by hand, or the systemd timer instead of the daemon) is no run of the daemon's
schedule: it tries every account, a paused one too (the admin asked for it). An account it runs without error
works: its circuit closes and its count of failed runs in a row starts again (:func:`succeeded`), as after a
daemon's run, or ``status`` would call a working account paused, exit code 3, for as long as no daemon runs it.
A failure of a one-off sync leaves the breaker as it was, neither counted nor pausing longer: the pause is the
daemon's, which no one-off sync honours (a timer's failing account is tried on each of its runs whatever it said),
and a sync tried by hand while the daemon waits must not push the daemon's next try further away. The sync's
exit code, its run record and ``status`` (result ``error``) say it failed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..wording import counted
from .records import PAUSED, CircuitState, Health


@dataclass(frozen=True, slots=True)
class CircuitPolicy:
    threshold: int = 5
    pause_s: float = 300.0
    max_pause_s: float = 6 * 3600.0

    def pause_for(self, failures: int) -> timedelta:
        doublings = max(0, failures - self.threshold)
        return timedelta(seconds=min(self.pause_s * 2 ** min(doublings, 30), self.max_pause_s))

    def after_run(self, before: Health, *, error: str | None, at: datetime) -> Health:
        """The account's health after a run in which it failed (``error``) or went through."""
        if error is None:
            return succeeded(before)
        failures = before.failures + 1
        if failures < self.threshold:
            return replace(before, failures=failures, last_failure=error)
        opened = before.opened_at if before.circuit is CircuitState.OPEN and before.opened_at else at
        return replace(
            before,
            failures=failures,
            circuit=CircuitState.OPEN,
            opened_at=opened,
            retry_at=at + self.pause_for(failures),
            last_failure=error,
        )


def pause_notice(h: Health) -> str:
    """The error a paused account's run records instead of contacting it."""
    assert h.retry_at is not None
    return (
        f"{PAUSED} after {counted(h.failures, 'failed run')} in a row; "
        f"next try after {h.retry_at.astimezone():%Y-%m-%d %H:%M %Z}"
    )


def succeeded(before: Health) -> Health:
    """The account's health after a run, a daemon's or a one-off sync's, that went through: the circuit closed,
    no failure counted."""
    return replace(before, failures=0, circuit=CircuitState.CLOSED, opened_at=None, retry_at=None, last_failure=None)


def fresh_health(account: str, book: str) -> Health:
    return Health(account, book, 0, CircuitState.CLOSED, None, None, None, None, None, None)
