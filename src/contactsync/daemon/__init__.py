"""The long-running service (``contactsync run``): schedules, leases, circuit breaker, rate limits, tag checks,
systemd notification and metrics. The CLI starts it; it prints nothing itself (it logs)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .circuit import CircuitPolicy
    from .service import Daemon, DaemonOptions, Interrupted

__all__ = ["CircuitPolicy", "Daemon", "DaemonOptions", "Interrupted"]

# the service (APScheduler, the engine) is imported when one of these names is first used, not by importing a
# part of this package: `contactsync sync` and `status` take the store's lock from daemon.lock and need no
# scheduler (#18: start-up imports only what the command needs)
_WHERE = {"CircuitPolicy": ".circuit", "Daemon": ".service", "DaemonOptions": ".service", "Interrupted": ".service"}


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name], __name__), name)
