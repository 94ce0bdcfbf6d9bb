"""The circuit breaker: an account that fails run after run is paused, then tried again after a growing pause.

A failing account does not hold the others up (the engine's retries are bounded and per account), but hitting a
platform that refuses us every few minutes wastes its quota and fills the log. After ``threshold`` consecutive
failed runs the circuit opens: the account sits the next runs out until ``retry_at``; then one run tries it (the
"half-open" probe). Success closes the circuit; failure opens it again for twice as long, up to ``max_pause``.
The state lives in the store, so ``status`` shows it and every instance of a shared store honours it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .records import CircuitState, Health


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
            return replace(
                before, failures=0, circuit=CircuitState.CLOSED, opened_at=None, retry_at=None, last_failure=None
            )
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


def fresh_health(account: str, book: str) -> Health:
    return Health(account, book, 0, CircuitState.CLOSED, None, None, None, None, None, None)
