"""Callbacks at the durable boundaries of a run's push: where its caller may check it still owns the book."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..store import Transaction
    from .report import RunReport

#: called with the account and the run's write step number (1, 2, ... over the engine's life)
Checkpoint = Callable[[str, int], None]


@dataclass(frozen=True)
class Checkpoints:
    """Called around every batch the push sends, in the run's own thread.

    The daemon and a one-off ``sync`` check in ``after_commit`` that they still hold the book's lease (and the
    daemon that it is not stopping), and raise there (``LeaseLost``, the daemon's ``Interrupted``), which ends the
    run at once with everything up to that batch recorded; the rest stays owed in the outbox. The crash tests
    raise a ``BaseException`` from either point to stop the process at that exact step.

    ``after_remote_write``: the platform answered a batch; nothing of that answer is recorded yet.
    ``after_commit``: the answer is recorded in the store.

    An exception raised here is never caught by the engine: it stops the run.
    """

    after_remote_write: Checkpoint | None = None
    after_commit: Checkpoint | None = None
    #: called inside the transaction that ends the run in the store (the listings' states, the run's record),
    #: with it and the report: what the caller records there commits with the run's end or not at all (the
    #: daemon's "this slot's run is done"). Not called in a dry run.
    on_record: Callable[[Transaction, RunReport], None] | None = None


#: the older name, kept for callers (``from contactsync.engine import EngineHooks``)
EngineHooks = Checkpoints
