"""The long-running service (``contactsync run``): schedules, leases, circuit breaker, rate limits, tag checks,
systemd notification and metrics. The CLI starts it; it prints nothing itself (it logs)."""

from __future__ import annotations

from .circuit import CircuitPolicy
from .service import Daemon, DaemonOptions, Interrupted

__all__ = ["CircuitPolicy", "Daemon", "DaemonOptions", "Interrupted"]
