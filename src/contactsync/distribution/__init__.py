"""Distribution (issue #17 part 3): one source (a directory, any account) pushed one way into a container that
contactsync owns on many target accounts (a Google label, an Outlook folder, a CardDAV address book or group).

:mod:`.plan` is pure (what the source's listing means, what a target needs); :mod:`.run` applies it against the
store and the platforms, sharing the targets between daemons through leases. docs/distribution.md is the
admin's guide.
"""

from __future__ import annotations

from .plan import Shaping, contact_id_for, shape
from .run import CycleReport, Distributor, PlanReport, TargetReport, accounts_of, distributor_for

__all__ = [
    "CycleReport",
    "Distributor",
    "PlanReport",
    "Shaping",
    "TargetReport",
    "accounts_of",
    "contact_id_for",
    "distributor_for",
    "shape",
]
