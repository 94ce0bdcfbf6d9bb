"""The one retry policy: whether, when and how often a platform call is tried again.

Transports send each request once and translate what went wrong into a typed error (:mod:`contactsync.errors`):
``RateLimited`` (with the wait the platform asked for, or the quota's window when the platform documents one),
``Transient`` (timeouts, resets, 5xx), ``AuthFailed`` and the rest, which are never retried. Only this policy sends
again, so a request is sent at most ``attempts`` times whatever layer it comes from (before, the engine, the
Google transport and the Graph client each retried: one failing Google read could be sent 12 times).

Its budget, per call (one listing, one batch of writes, one re-read):

- at most ``attempts`` sends, the first included (4);
- between them, the wait the platform asked for (``Retry-After``), else the window of the limit that was hit
  (Google's per-minute quotas: 60 s), else a backoff doubling from ``backoff_s`` (2, 4, 8 s);
- no single wait over ``max_wait_s`` (120 s) and all waits of one call together at most ``budget_s`` (300 s). A
  wait the budget cannot afford is not started: the error is raised at once, and what the call was for stays owed
  for the next run, instead of holding a worker or re-sending early against the platform's word;
- no wait ends past the account's run deadline (``deadline``), and every request has its own deadline
  (:mod:`contactsync.deadline`), so one call takes at most ``attempts`` request deadlines plus ``budget_s``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import RateLimited, Transient

__all__ = ["RetryPolicy", "parse_retry_after"]

log = logging.getLogger("contactsync.retry")

T = TypeVar("T")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (RFC 9110 §10.2.3: seconds or an HTTP date); None when absent or
    unreadable (then the policy's own wait applies)."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True)
class RetryPolicy:
    """See the module's docstring for the budget. ``sleep`` and ``clock`` are injectable so that a test (or the
    daemon, whose sleep a SIGTERM cuts short) decides how waiting happens."""

    attempts: int = 4
    backoff_s: float = 2.0
    max_wait_s: float = 120.0
    budget_s: float = 300.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    def wait_for(self, exc: RateLimited | Transient, attempt: int) -> float:
        """How long to wait after the ``attempt``-th send failed with ``exc``."""
        if isinstance(exc, RateLimited):
            if exc.retry_after is not None:
                return exc.retry_after
            if exc.window_s is not None:
                return exc.window_s
        return self.backoff_s * 2.0 ** (attempt - 1)

    def pause(
        self, exc: RateLimited | Transient, attempt: int, waited: float, deadline: float | None, *, label: str
    ) -> float | None:
        """The wait before the next send after the ``attempt``-th send failed with ``exc``, having waited ``waited``
        seconds in this call so far; None when the policy gives up (attempts or budget spent, or the wait would
        end past ``deadline``, a ``clock`` value)."""
        if attempt >= self.attempts:
            return None
        wait = self.wait_for(exc, attempt)
        left = self.budget_s - waited
        if deadline is not None:
            left = min(left, deadline - self.clock())
        if wait > self.max_wait_s or wait > left:
            log.warning(
                "%s: %s asks for a %.0fs wait, more than this run can give it (%.0fs); it stays owed",
                label,
                type(exc).__name__,
                wait,
                max(0.0, min(left, self.max_wait_s)),
            )
            return None
        return wait

    def call(
        self,
        what: Callable[[], T],
        *,
        label: str,
        may_have_applied: bool = False,
        deadline: float | None = None,
    ) -> T:
        """Call ``what`` until it succeeds or the policy gives up (then its last error is raised).

        With ``may_have_applied`` (a batch holding creates) only a rate limit is retried: after a timeout or a
        reset the creates may exist already, and sending them again would duplicate them. They stay owed and
        marked as attempted; the next pull finds them by their marker. ``deadline`` (a ``clock`` value) is the
        account's run deadline: no wait ends past it.
        """
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                return what()
            except (RateLimited, Transient) as exc:
                if may_have_applied and not isinstance(exc, RateLimited):
                    raise
                wait = self.pause(exc, attempt, waited, deadline, label=label)
                if wait is None:
                    raise
                log.info("%s: %s; sending again in %.1fs", label, type(exc).__name__, wait)
            # outside the except block: what the wait raises (a stop, a lost lease) is not chained to the platform's
            # refusal (the CLI would read the refusal's cause as the run's)
            self.sleep(wait)
            waited += wait
