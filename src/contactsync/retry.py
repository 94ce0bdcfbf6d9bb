"""The one retry policy: how often, and how long, a request to a platform is tried again.

Transports send each request once and translate what went wrong into a typed error (:mod:`contactsync.errors`);
only this policy decides whether to send it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import RateLimited, Transient

__all__ = ["RetryPolicy"]

log = logging.getLogger("contactsync.retry")

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Retry rate limits and transient faults a bounded number of times.

    ``attempts`` counts every send, the first included; waits double from 2 s, capped at ``max_wait_s``, and a
    rate limit's own ``retry_after`` is honoured (capped the same way).
    """

    attempts: int = 3
    max_wait_s: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def call(self, what: Callable[[], T], *, label: str, may_have_applied: bool = False) -> T:
        """Call ``what`` until it succeeds or the policy gives up (then its last error is raised).

        With ``may_have_applied`` (a batch holding creates) only a rate limit is retried: after a timeout or a
        reset the creates may exist already, and sending them again would duplicate them. They stay owed and
        marked as attempted; the next pull finds them by their marker.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return what()
            except (RateLimited, Transient) as exc:
                if attempt >= self.attempts or (may_have_applied and not isinstance(exc, RateLimited)):
                    raise
                wait = (
                    exc.retry_after
                    if isinstance(exc, RateLimited) and exc.retry_after is not None
                    else min(2.0**attempt, self.max_wait_s)
                )
                log.info("account %s: %s; retrying in %.1fs", label, type(exc).__name__, wait)
                self.sleep(min(wait, self.max_wait_s))
