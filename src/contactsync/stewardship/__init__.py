"""The admin's everyday data tools, between runs: duplicates and merges, import and export, data rules,
personal-data requests, backup and restore.

Like :mod:`contactsync.admin`, everything here changes the store only, in one transaction per step, and queues
what the platforms are owed in the outbox: the next run writes it, with the same batching, retries and records
as any other change. Nothing here talks to a platform, and nothing here prints: the CLI does.

    StewardshipError (a ContactSyncError)   the request cannot be carried out as asked (the message says why)
"""

from __future__ import annotations

from ..errors import ContactSyncError


class StewardshipError(ContactSyncError):
    """A stewardship request that cannot be carried out as asked; the message names what to do instead."""


__all__ = ["StewardshipError"]
