"""What a run did (or, in a dry run, would do): the values the CLI turns into text, JSON and exit codes, and
:func:`record_run`, which ends a run in the store with them."""

from __future__ import annotations

import enum
import logging
from collections import Counter
from dataclasses import dataclass, field

from ..connector import ChangeKind, Notice
from ..model import Field
from ..store import AccountStatus, Store, Transaction

log = logging.getLogger("contactsync.engine")


class RunResult(enum.Enum):
    OK = "ok"
    PARTIAL = "partial"  # some account failed or some writes are still owed
    BRAKED = "braked"  # the mass-delete brake held something back
    FAILED = "failed"  # nothing could be done


@dataclass(frozen=True, slots=True)
class PlannedWrite:
    account: str
    contact_id: str
    kind: ChangeKind
    fields: tuple[Field, ...] = ()
    #: the person's name, only filled when the admin asked for values (``--show-values``)
    label: str = ""
    values: tuple[tuple[str, str, str], ...] = ()  # (field, before, after) with --show-values


@dataclass
class AccountReport:
    account: str
    pulled: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    quarantined: int = 0
    requests: int = 0
    duration_s: float = 0.0
    full_listing: bool = False
    error: str | None = None
    error_kind: str | None = None
    brake: str | None = None
    #: the brake an earlier run engaged on the account, which this run could not list: still on, kept in its
    #: status (``status`` shows it), not this run's (the run's result says nothing of it)
    brake_kept: str | None = None
    pending: int = 0
    #: ``pending`` and ``quarantined`` were read from the store at the run's end (the account was listed and
    #: is written): what follows the run (the daemon's tag check) need not count them again
    owed_counted: bool = False
    planned: list[PlannedWrite] = field(default_factory=list)
    #: what the connector's listing said of the account besides errors (shown by ``status``, kept in the summary)
    notices: tuple[Notice, ...] = ()
    #: contacts written without what the account cannot hold, per "field: reason" (issue #15: never in silence)
    not_carried: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "account": self.account,
            "pulled": self.pulled,
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
            "quarantined": self.quarantined,
            "requests": self.requests,
            "duration_s": round(self.duration_s, 3),
            "full_listing": self.full_listing,
            "error": self.error,
            "brake": self.brake,
            "pending": self.pending,
            "notices": [{"code": n.code, "message": n.message} for n in self.all_notices()],
            "not_carried": dict(sorted(self.not_carried.items())),
        }

    def all_notices(self) -> tuple[Notice, ...]:
        """The listing's notices, and one per reason something written could not be carried (``status`` shows
        them: what this account holds less of than the others, and why)."""
        trims = tuple(
            Notice("not-carried", f"{count} contact(s) written without their {what}")
            for what, count in sorted(self.not_carried.items())
        )
        return self.notices + trims


@dataclass
class RunReport:
    book: str
    dry_run: bool
    run_id: int | None = None
    accounts: dict[str, AccountReport] = field(default_factory=dict)
    conflicts_queued: int = 0
    possible_duplicates: list[tuple[str, str]] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def writes(self) -> int:
        return sum(a.created + a.updated + a.deleted for a in self.accounts.values())

    @property
    def result(self) -> RunResult:
        if self.accounts and all(a.error for a in self.accounts.values()):
            return RunResult.FAILED
        if any(a.brake for a in self.accounts.values()):
            return RunResult.BRAKED
        if any(a.error or a.pending for a in self.accounts.values()):
            return RunResult.PARTIAL
        return RunResult.OK

    def as_dict(self) -> dict[str, object]:
        return {
            "book": self.book,
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "result": self.result.value,
            "writes": self.writes,
            "conflicts_queued": self.conflicts_queued,
            "possible_duplicates": [list(p) for p in self.possible_duplicates],
            "duration_s": round(self.duration_s, 3),
            "accounts": {n: a.as_dict() for n, a in self.accounts.items()},
        }


def record_run(store: Store, report: RunReport) -> None:
    """End the run in the store: each account's status and the run's result and counts."""
    with store.transaction() as tx:
        record_run_in(tx, report)
    log_run(report)


def record_run_in(tx: Transaction, report: RunReport) -> None:
    """:func:`record_run` inside the caller's transaction ``tx``."""
    assert report.run_id is not None
    run_id = report.run_id
    tx.set_account_statuses(
        AccountStatus(
            name,
            report.book,
            run_id=run_id,
            result="error" if rep.error else ("braked" if rep.brake else "ok"),
            error=rep.error,
            duration_s=rep.duration_s,
            brake_reason=rep.brake or rep.brake_kept,
            summary=rep.as_dict(),
        )
        for name, rep in report.accounts.items()
    )
    tx.finish_run(run_id, report.result.value, report.as_dict())


def log_run(report: RunReport) -> None:
    if not log.isEnabledFor(logging.DEBUG):
        return
    for rep in report.accounts.values():
        # DEBUG: the daemon writes the per-account summary line (with requests and tag checks); `sync` prints
        # its report
        log.debug(
            "account=%s pulled=%d created=%d updated=%d deleted=%d conflicts=%d quarantined=%d "
            "pending=%d duration=%.2fs%s",
            rep.account,
            rep.pulled,
            rep.created,
            rep.updated,
            rep.deleted,
            rep.conflicts,
            rep.quarantined,
            rep.pending,
            rep.duration_s,
            f" error={rep.error_kind}" if rep.error else "",
        )
