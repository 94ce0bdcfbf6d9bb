"""``contactsync run``: each book on its schedule, until SIGTERM.

Threads: the main thread waits for signals and talks to systemd (READY, STATUS, WATCHDOG); APScheduler's
``default`` executor runs books (one worker on SQLite, whose single writer would only make books wait on each
other; several on PostgreSQL); its ``maint`` executor renews leases and looks for books an instance abandoned,
so a long run never starves the renewals that keep its lease.

Scheduling: every instance has a job per book, but the store decides who runs what (see :mod:`.records`): a
book is taken under a lease and is only run when due. When a run ends, the book is next due at the next slot of
its schedule without jitter; interval schedules are counted from a fixed epoch, not from each instance's start,
so all instances share the same slots, and each slot is run once, by whichever instance fires first. A schedule
changed by a restart or a reload applies at once: the stored next due time is not honoured past the new
schedule's first slot after the book's last start (:meth:`contactsync.store.Store.claim_lease`), and every book
whose schedule changed is tried at once; likewise a distribution's plan and targets. A run still going at its
book's next slot skips that slot; the daemon says so once per run in its own words (:meth:`Daemon._slot_skipped`),
not in APScheduler's.

Stopping: SIGTERM stops new runs; a running book stops at its next batch boundary (the engine's ``after_commit``
hook, after the batch in flight is confirmed and committed) or during a retry wait; what it still owed stays in
the durable outbox and its lease is handed back at once, still due. A distribution's cycle stops likewise at a
target's batch boundary, and a template's expansion before it records what it read; the daemon waits for those
too before it closes the store and the connections. ``stop_timeout_s`` bounds the wait.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent  # type: ignore[import-untyped]  # APScheduler 3 ships no types
from apscheduler.executors.pool import ThreadPoolExecutor  # type: ignore[import-untyped]  # APScheduler 3 ships no types
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]  # APScheduler 3 ships no types
from apscheduler.triggers.base import BaseTrigger  # type: ignore[import-untyped]  # APScheduler 3 ships no types
from apscheduler.triggers.combining import OrTrigger  # type: ignore[import-untyped]  # APScheduler 3 ships no types
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]  # APScheduler 3 ships no types
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]  # APScheduler 3 ships no types

from .. import templates as book_templates
from ..admin import UnavailableConnector, build_connectors, run_book
from ..config.schedule import CronSchedule, IntervalSchedule, parse_schedule
from ..connector import Connector
from ..engine import EngineHooks
from ..engine.report import RunReport
from ..errors import AccountPaused, ConfigError, ConnectorError, ContactSyncError, NotFound, StoreError, SyncAborted
from ..logs import CONTEXT_FIELDS, pseudonymize, safe_error_text
from ..registry import Rate, UnknownConnector, build_connector, preload
from ..settings import AccountSettings, BookSettings, DaemonSettings, Settings
from ..sharing import ConnectionPools, OpensConnections, Sharing
from ..store import Fence, LeaseLost, Store, Transaction, now
from ..wording import counted
from .budget import MAX_DEFAULT_WORKERS, BudgetKey, InFlightBudget, budget_key, default_workers, limit_for
from .circuit import CircuitPolicy, fresh_health, pause_notice, succeeded
from .limits import GuardedConnector, RateLimiter, rate_for, rate_of
from .lock import StoreLock
from .notify import Notifier
from .records import CircuitState, DaemonRecords, DeferredChecks, Health
from .tags import TagOutcome, carries_tags, check_account

log = logging.getLogger("contactsync.daemon")

#: interval schedules count from here, so every instance of a shared store has the same slots
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: the longest a daemon's start-up waits for its servers' connections opened ahead (the rest open in the background)
_OPEN_AHEAD_S = 5.0
#: servers whose connections are opened at once in the start-up
_OPEN_AHEAD_THREADS = 8
#: APScheduler's warning when a job's run is still going at its next fire time (the daemon's own line replaces it)
_MAX_INSTANCES_WARNING = 'Execution of job "%s" skipped: maximum number of running instances'
#: a scheduler job's id prefix → what the daemon's lines call it (the rest of the id is its name)
_JOB_KINDS = {"book": "book", "takeover": "book", "distribute": "distribution", "template": "template"}


class _SchedulerLog(logging.LoggerAdapter[logging.Logger]):
    """APScheduler's logger (``apscheduler.scheduler``) without its warning that a job was skipped because its last
    run is still going: an internal text naming a method and a trigger, which the daemon replaces with its own line
    (:meth:`Daemon._slot_skipped`). Every other line of the scheduler's, its errors first, goes through as it is."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        if level == logging.WARNING and isinstance(msg, str) and msg.startswith(_MAX_INSTANCES_WARNING):
            return
        super().log(level, msg, *args, **kwargs)


#: how often a run's retry wait looks whether its lease was lost (the renewal, every third of a lease, finds that)
_LOST_LOOK_S = 0.5


class Interrupted(SyncAborted):
    """A run stopped at a batch boundary or in a retry wait: the daemon is stopping, or another instance took the
    book over."""


def default_instance() -> str:
    return f"{os.uname().nodename}:{os.getpid()}"


@dataclass(frozen=True)
class DaemonOptions:
    """What one daemon runs with: the configuration's ``daemon:`` section (:meth:`from_settings`) with
    ``contactsync run``'s command-line options laid over it."""

    instance: str = field(default_factory=default_instance)
    #: the most a book's start is spread after its slot (capped at a quarter of an interval schedule)
    jitter_s: float = 30.0
    #: how long a lease lasts unless renewed: an instance that dies holds its books at most this long
    lease_s: float = 120.0
    #: books run at once (0: one on SQLite; on PostgreSQL from the in-flight budgets, :func:`.budget.default_workers`)
    workers: int = 0
    circuit: CircuitPolicy = field(default_factory=CircuitPolicy)
    #: connector type → the admin's rate over the type's own ``default_rate`` (None: not limited); a type absent
    #: here runs at its default (:func:`contactsync.daemon.limits.rate_for`)
    rates: Mapping[str, Rate | None] = field(default_factory=dict)
    #: connector type → calls in flight at once per server or app across all books (0: no limit); a type absent
    #: here has its own ``default_in_flight`` (:mod:`contactsync.daemon.budget`)
    in_flight: Mapping[str, int] = field(default_factory=dict)
    metrics_listen: str | None = None
    #: after SIGTERM, how long to wait for runs to reach a batch boundary before exiting anyway
    stop_timeout_s: float = 60.0
    #: a book's trash is purged by its first run, then at most once per this many seconds: a trashed contact's
    #: ``purge_after`` is days away, and the purge's select was one statement of every run with nothing to do (#18)
    trash_purge_s: float = 3600.0

    @classmethod
    def from_settings(cls, daemon: DaemonSettings) -> DaemonOptions:
        return cls(
            jitter_s=daemon.jitter_seconds,
            lease_s=daemon.lease_seconds,
            workers=daemon.workers,
            circuit=CircuitPolicy(
                threshold=daemon.pause_after_failures,
                pause_s=daemon.pause_seconds,
                max_pause_s=daemon.max_pause_seconds,
            ),
            rates=rates_with({}, daemon.rate_limits),
            in_flight=dict(daemon.max_in_flight),
            metrics_listen=daemon.metrics_listen,
            stop_timeout_s=daemon.stop_timeout_seconds,
        )


def rates_with(base: Mapping[str, Rate | None], overrides: Mapping[str, float]) -> dict[str, Rate | None]:
    """``base`` with each type in ``overrides`` set to its calls per second (burst: five seconds' worth), or
    unlimited (None) when 0."""
    rates = dict(base)
    for kind, per_second in overrides.items():
        rates[kind] = rate_of(per_second)
    return rates


class _SlotTrigger(IntervalTrigger):  # type: ignore[misc]  # APScheduler 3 ships no types
    """An interval trigger whose every fire is a slot counted from its start date (the epoch), and its jitter.

    APScheduler 3's own counts the next fire from the previous one: after the run at the daemon's start (fired at
    once, ``next_run_time``) every later run came that start's offset after its slot, and each run's jitter added
    to the next (a 30-second jitter drifted a 15-minute schedule by 12 minutes in four days). `status` judges a
    book late by the slots (:func:`slots_missed`), and every instance of a PostgreSQL store shares them."""

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        # after a fire, the first slot after it: a fire is its slot plus a jitter of under a quarter interval
        after = now if previous_fire_time is None else previous_fire_time + timedelta(microseconds=1)
        fire: datetime | None = super().get_next_fire_time(None, after)
        return fire


def triggers_for(schedule_text: str, jitter_s: float) -> tuple[BaseTrigger, BaseTrigger]:
    """(the trigger the scheduler fires, with jitter; the same without jitter, for the next due time)."""
    schedule = parse_schedule(schedule_text)
    if isinstance(schedule, IntervalSchedule):
        jitter = min(jitter_s, schedule.seconds / 4)
        return (
            _SlotTrigger(seconds=schedule.seconds, start_date=EPOCH, jitter=int(jitter) or None),
            IntervalTrigger(seconds=schedule.seconds, start_date=EPOCH),
        )
    assert isinstance(schedule, CronSchedule)

    def cron(jitter: int | None) -> BaseTrigger:
        fields = {"minute": schedule.minute, "hour": schedule.hour, "month": schedule.month}
        if schedule.either_day:
            # cron(8) fires when either day field matches; CronTrigger wants both, so OR two triggers
            return OrTrigger(
                [
                    CronTrigger(day=schedule.day, day_of_week="*", **fields),
                    CronTrigger(day="*", day_of_week=schedule.day_of_week, **fields),
                ],
                jitter=jitter,
            )
        return CronTrigger(day=schedule.day, day_of_week=schedule.day_of_week, jitter=jitter, **fields)

    return cron(int(min(jitter_s, 60)) or None), cron(None)


def slots_missed(schedule_text: str, expected: datetime, until: datetime, *, jitter_s: float, lease_s: float) -> int:
    """How many runs of a book a daemon alive all along should have started by ``until`` (at most 10): the one
    ``expected`` then (a due slot, or the daemon's start), and each slot of the schedule after it, each counted once
    its jitter and a lease's time have passed, the allowance for a run waiting for its claim. A book of a live daemon
    with a run missed so is late: its claims fail (a store that cannot be written) or it never takes the book on
    (`status`)."""
    schedule = parse_schedule(schedule_text)
    # the trigger's own jitter (triggers_for): a quarter of an interval at most, a minute at most for cron
    jitter = min(jitter_s, schedule.seconds / 4) if isinstance(schedule, IntervalSchedule) else min(jitter_s, 60)
    allowance = timedelta(seconds=jitter + lease_s)
    if expected + allowance > until:
        return 0
    trigger = triggers_for(schedule_text, 0)[1]
    missed, after = 1, expected
    while missed < 10:
        slot: datetime | None = trigger.get_next_fire_time(None, after + timedelta(milliseconds=1))
        if slot is None or slot + allowance > until:
            break
        missed, after = missed + 1, slot
    return missed


@dataclass
class _Active:
    book: str
    #: the book's accounts as this run leased them
    accounts: tuple[str, ...]
    started: datetime
    #: the leases are ours (until then, and once handed back, there is nothing to renew)
    claimed: bool = False
    lost: bool = False
    #: the leases were handed back with the run's last records (nothing is left to release)
    released: bool = False
    #: the run as the claim recorded it started
    run_id: int | None = None
    #: the accounts' health as the claim read it (None: not read there)
    health: Mapping[str, Health] | None = None
    #: what the run's commits are fenced with (the claim's)
    fence: Fence | None = None


class Daemon:
    def __init__(
        self,
        settings: Settings,
        options: DaemonOptions,
        *,
        load: Callable[[], Settings],
        on_settings: Callable[[Settings], None] = lambda s: None,
        notifier: Notifier | None = None,
        explain_failure: Callable[[BaseException], str | None] = lambda exc: None,
    ) -> None:
        self.settings = settings
        #: the advice the CLI has for an error no run records (a store fault: a full disk…), None for others: logged
        #: instead of a traceback when a run or its claim fails on it
        self._explain_failure = explain_failure
        #: the settings as the file gives them; ``settings`` adds the books expanded from its templates
        self._file_settings = settings
        #: expanded book → its template and person (what its log lines carry)
        self._origins: dict[str, book_templates.Origin] = {}
        #: held while the set of books changes (a reload, a template's expansion)
        self._books_lock = threading.RLock()
        self.options = options
        self._load = load
        self._on_settings = on_settings
        self.notifier = notifier or Notifier()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._hup = False
        self._running: dict[str, _Active] = {}
        #: the other scheduler jobs under way that use the store or the platforms (a distribution's cycle, a
        #: template's expansion), by the name log lines give them ("distribution NAME"): a stop waits for them
        #: as for books, or it would close the store under their writes and say "stopped" while they run
        self._jobs: set[str] = set()
        #: guards ``_running`` and ``_jobs``; a job is added under it only while not stopping (see :meth:`_job`)
        self._running_lock = threading.Lock()
        self._limiters: dict[str, RateLimiter] = {}
        #: book → when (time.monotonic) one of its runs last ended having purged its trash
        self._trash_purged: dict[str, float] = {}
        #: calls in flight per platform and app, shared by every book this instance runs
        self.budget = InFlightBudget(lambda key: limit_for(key.platform, self.options.in_flight))
        #: kept-alive connections per server, shared by every account and run of this instance (.sharing)
        self.connections = ConnectionPools()
        self._due_triggers: dict[str, BaseTrigger] = {}
        #: book (a distribution: "distribute:NAME") → the schedule its job was added with (a reload tries one whose
        #: schedule changed at once)
        self._schedules: dict[str, str] = {}
        #: books whose claim, refused as not due yet, was logged at info since the start or since a reload changed
        #: their schedule (later refusals at debug: on a shared store every instance but one is refused every slot)
        self._said_not_due: set[str] = set()
        #: the jobs ("book NAME", "distribution NAME") whose skipped slot was logged while their run goes on
        self._said_skipped: set[str] = set()
        self._lock: StoreLock | None = None
        self.store: Store | None = None
        self.records: DaemonRecords | None = None
        self.metrics: Any = None
        self.scheduler: BackgroundScheduler | None = None

    # ------------------------------------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Take the store (raises StoreLocked if another daemon has this SQLite store), start the scheduler."""
        self._lock = StoreLock.for_url(self.settings.store_url)
        if self._lock is not None:
            # an admin's one-off `contactsync sync` may be finishing: wait for it rather than fail to start
            self._lock.acquire("daemon", wait_for_sync_s=600)
        # a connection kept for each worker (at most: the default workers are not known before the store is
        # open), the maintenance threads and one more: fewer made each worker past the pool's size open and close a
        # connection per store call (#18)
        self.store = _open_store(self.settings.store_url, (self.options.workers or MAX_DEFAULT_WORKERS) + 3)
        self.records = DaemonRecords(self.store)
        # the books of every person the store holds as active: they run even while the directory cannot be read
        self.settings = self._with_templates(self._file_settings)
        self.records.ensure_books(self.settings.books)
        if self._lock is not None:
            # a SQLite store is ours alone now: a run still marked running died with its process (kill -9)
            for book in self.settings.books:
                self.records.interrupt_open_runs(book.name, None, status="abandoned")
        if self.options.metrics_listen:
            from .metrics import Metrics

            self.metrics = Metrics(self.options.metrics_listen)
            self._relabel(self.settings)
        # before the first cycle, so that it costs what every later cycle costs: its runs would otherwise import the
        # connectors' modules while every other worker waits behind the import lock (#18)
        self._preload(self._file_settings, self.settings)
        workers = self.options.workers or default_workers(self.store.dialect, self._budgets_in_use())
        if self.store.dialect == "postgresql":
            _open_connections(self.store, workers)
        self._open_server_connections(workers)
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(workers), "maint": ThreadPoolExecutor(2)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            logger=_SchedulerLog(logging.getLogger("apscheduler.scheduler")),
        )
        self.scheduler.add_listener(self._slot_skipped, EVENT_JOB_MAX_INSTANCES)
        self._schedule_books(first=True)
        period = max(1.0, self.options.lease_s / 3)
        self.scheduler.add_job(self._renew, "interval", seconds=period, id="renew-leases", executor="maint")
        self.scheduler.add_job(self._take_over, "interval", seconds=period, id="take-over", executor="maint")
        self.scheduler.start()
        log.info(
            "daemon %s started: %d books, store %s, %d workers",
            self.options.instance,
            len(self.settings.books),
            self.store.dialect,
            workers,
        )

    def serve(self, *, exiting: bool = False) -> int:
        """Run until SIGTERM or SIGINT; SIGHUP reloads the configuration. Returns the exit code.

        ``exiting``: the process exits once this returns (``contactsync run``). After a clean shutdown SIGTERM and
        SIGHUP are then ignored instead of getting their previous handlers back: systemd may send a second SIGTERM
        while the process winds down (its threads joined, its logs flushed), and the default action would end a
        process that stopped cleanly with -15, telling systemd the stop failed. SIGINT gets its handler back, so
        that Ctrl+C still ends a process whose wind-down hangs; and when serve() leaves by an exception (not a
        clean stop), every handler is put back as it was."""
        stop_signals = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in stop_signals}
        stopped_cleanly = False
        try:
            self.start()
            self.notifier.ready(self._status_line())
            beat = self.notifier.watchdog_s / 2 if self.notifier.watchdog_s else 10.0
            while not self._stopping.is_set():
                self._wake.wait(beat)
                self._wake.clear()
                if self._hup:
                    self._hup = False
                    self.reload()
                if self._stopping.is_set():
                    break
                if self.scheduler is not None and self.scheduler.running:
                    # the watchdog is fed only while the scheduler lives: a dead scheduler gets us restarted
                    self.notifier.watchdog()
                self.notifier.status(self._status_line())
            code = self.shutdown()
            stopped_cleanly = True
            return code
        finally:
            for sig, handler in previous.items():
                # ignored, not our handler kept: the interpreter puts back the default of a Python handler as it
                # finalizes, a last moment a signal could still end the process
                ignored = exiting and stopped_cleanly and sig != signal.SIGINT
                signal.signal(sig, signal.SIG_IGN if ignored else handler)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGHUP:
            self._hup = True
        else:
            self._stopping.set()
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def shutdown(self) -> int:
        # set before the busy set is read: a job starting from now on sees it under the lock and does not start
        self._stopping.set()
        self.notifier.stopping()
        running = self._busy()
        log.info("stopping%s", f": waiting for {', '.join(running)} to reach a batch boundary" if running else "")
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + self.options.stop_timeout_s
        while self._busy() and time.monotonic() < deadline:
            time.sleep(0.05)
        code = 0
        still = self._busy()
        if still:
            # a run stuck in a platform call: exiting rolls its open transaction back, and every write the
            # platform confirmed is already committed; the outbox keeps the rest (crash safety, invariant 10)
            log.error(
                "stop timeout: %s still running after %.0fs; exiting anyway",
                ", ".join(still),
                self.options.stop_timeout_s,
            )
            code = 1
        if self.metrics is not None:
            self.metrics.close()
        if not still:
            self.connections.close()
        if self.store is not None and not still:
            self.store.close()
        if self._lock is not None:
            self._lock.release()
        log.info("stopped")
        if code:
            logging.shutdown()
            os._exit(code)  # the executor's threads would otherwise be joined at exit, however long they take
        return code

    def _busy(self) -> list[str]:
        """What a stop waits for: the books running, then the other jobs under way (``_jobs``)."""
        with self._running_lock:
            return [*sorted(self._running), *sorted(self._jobs)]

    @contextmanager
    def _job(self, label: str) -> Iterator[bool]:
        """Counts ``label`` (``"distribution NAME"``) among the jobs a stop waits for while the block runs; yields
        False, counting nothing, when the daemon is stopping (the block is then to return at once). Checked under
        the lock :meth:`shutdown` reads the jobs with, after it set ``_stopping``: a job is either seen there or
        never starts, never one that starts once the store is closed."""
        with self._running_lock:
            started = not self._stopping.is_set() and label not in self._jobs
            if started:
                self._jobs.add(label)
        try:
            yield started
        finally:
            if started:
                with self._running_lock:
                    self._jobs.discard(label)
                    self._said_skipped.discard(label)
                self._wake.set()

    def _safe(self, exc: BaseException) -> str:
        """What a log line may say of ``exc``: a store error's driver text repeats a statement's values (names,
        emails), and a connector's message is masked by the same net as ``status`` (``log.personal_data``)."""
        return safe_error_text(exc, personal_data=self.settings.log_personal_data)

    def reload(self) -> None:
        """SIGHUP: read the configuration again; an invalid one is refused and the running one kept."""
        self.notifier.reloading()
        try:
            new = self._load()
        except ConfigError as exc:
            # paths only: a problem's message may quote a value from the file (an address in options)
            where = "; ".join(f"{p.file}:{p.line or '?'} at '{p.path}'" for p in exc.problems)
            log.error(
                "configuration reload refused, the running configuration stays: %d problems (%s); "
                "`contactsync config check` shows them",
                len(exc.problems),
                where,
            )
        except (OSError, ContactSyncError) as exc:
            log.error("configuration reload refused, the running configuration stays: %s", self._safe(exc))
        else:
            if new.store_url != self.settings.store_url:
                log.error("configuration reload refused: store.url changed; restart the daemon to move stores")
            else:
                if new.daemon != self.settings.daemon:
                    log.warning(
                        "the daemon section changed: it applies when the daemon restarts "
                        "(systemctl restart contactsync); the books reload now"
                    )
                assert self.records is not None
                self._preload(new)  # a type the reload added: before its books' first runs, as at start
                with self._books_lock:
                    before = self.settings
                    self._file_settings = new
                    self.settings = self._with_templates(new)
                    self._on_settings(self.settings)
                    self.records.ensure_books(self.settings.books)
                    self._close_circuits(_changed_accounts(before, self.settings))
                    self._schedule_books(first=False)
                log.info("configuration reloaded: %d books", len(self.settings.books))
        self.notifier.ready(self._status_line())

    def _close_circuits(self, accounts: Collection[str]) -> None:
        """The circuit breaker forgets the failures of ``accounts``, whose settings a reload changed: the admin
        fixed what failed (a password file that was missing or wrong), so their next run tries them, instead of
        waiting out a pause of up to ``max_pause_seconds`` earned by the settings they had."""
        assert self.records is not None
        if not accounts:
            return
        failed = self.records.health(accounts).values()
        reset = [succeeded(h) for h in failed if h.failures or h.circuit is not CircuitState.CLOSED]
        if not reset:
            return
        self.records.put_health(reset)
        for h in reset:
            log.info("account %s: its settings changed: tried at its next run (circuit closed)", h.account)

    def _preload(self, *configs: Settings) -> None:
        """Import the modules each connector type of ``configs``'s accounts names for preloading (once: what is
        imported already costs nothing). A type that cannot be loaded is logged and left: its accounts fail at
        their runs with the error building them meets there, and every other account runs."""
        started = time.monotonic()
        kinds = sorted({account.type for settings in configs for account in _accounts_of(settings)})
        for kind in kinds:
            try:
                preload(kind)
            except UnknownConnector as exc:
                log.warning("%s; accounts of that type will fail at their runs", exc)
        log.debug("connector types %s preloaded in %.2fs", ", ".join(kinds), time.monotonic() - started)

    def _open_server_connections(self, workers: int) -> None:
        """Open each server's connections before the first cycle (a connector type that can,
        :class:`~contactsync.sharing.OpensConnections`), so that the first cycle's first requests find them open as
        every later cycle's do. Otherwise each of the budget's first requests opens one (TCP, then TLS's handshake:
        two round trips, and the handshake's CPU) while the workers beyond the budget wait for a slot (#18).

        As many as the first cycle can use at once: the server's budget, but no more than its accounts, nor than
        the ``workers`` running books at once (a no-change run sends one request at a time), so that a server of
        one account is not left with connections no request will take. One account per server opens them (every
        account of the server shares them, :mod:`contactsync.sharing`); the servers are opened at once, and the
        start-up waits at most ``_OPEN_AHEAD_S`` for them: a server slow to answer goes on opening in the
        background. A connection that cannot be opened is left to the run that needs it, which reports the error
        with its account; a connector that cannot be built here is left likewise."""
        firsts: dict[BudgetKey, tuple[AccountSettings, BookSettings]] = {}
        accounts: dict[BudgetKey, int] = {}
        for book in self.settings.books:
            for acct in book.accounts:
                key = budget_key(acct)
                if self.budget.limit(key):
                    firsts.setdefault(key, (acct, book))
                    accounts[key] = accounts.get(key, 0) + 1
        if not firsts:
            return
        started = time.monotonic()
        waiting = [
            (acct, book, min(self.budget.limit(key) or 0, accounts[key], workers))
            for key, (acct, book) in firsts.items()
        ]
        lock = threading.Lock()
        opened: list[int] = []

        def open_next() -> None:
            while True:
                with lock:
                    if not waiting:
                        return
                    acct, book, limit = waiting.pop()
                count = self._open_ahead(acct, book, limit)
                with lock:
                    opened.append(count)

        threads = [
            threading.Thread(target=open_next, name="open-connections", daemon=True)
            for _ in range(min(len(waiting), _OPEN_AHEAD_THREADS))
        ]
        for thread in threads:
            thread.start()
        deadline = started + _OPEN_AHEAD_S
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with lock:
            log.debug(
                "%d connections opened ahead to %d of %d servers in %.2fs",
                sum(opened),
                sum(1 for n in opened if n),
                len(firsts),
                time.monotonic() - started,
            )

    def _open_ahead(self, account: AccountSettings, book: BookSettings, limit: int) -> int:
        """Up to ``limit`` connections to ``account``'s server opened on the daemon's pools (its connector's
        ``open_connections``); how many are open (0: the type opens none ahead, or it failed)."""
        try:
            connector = build_connector(account, book)
        except Exception as exc:  # the account's run builds it again and reports why it cannot
            log.debug("account %s: no connections opened ahead (%s)", account.name, type(exc).__name__)
            return 0
        try:
            share = getattr(connector, "use_sharing", None)
            if not isinstance(connector, OpensConnections) or not callable(share):
                return 0
            # no request is sent: no slot of the budget is taken; each run gives the connections its own slots.
            # The pool is sized as a run sizes it (the server's budget): the pool made here is the one every run
            # gets, and ``limit`` (what the first cycle can use at once) is only how many to open now
            share(Sharing(nullcontext, self.connections, self.budget.limit(budget_key(account))))
            return connector.open_connections(limit)
        except Exception as exc:  # opening ahead is an optimisation: the runs open what is missing
            log.debug("account %s: no connections opened ahead (%s)", account.name, type(exc).__name__)
            return 0
        finally:
            with suppress(Exception):
                connector.close()

    # ------------------------------------------------------------------------------------------ scheduling
    def _schedule_books(self, *, first: bool) -> None:
        assert self.scheduler is not None
        wanted = {b.name for b in self.settings.books}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("book:") and job.id[5:] not in wanted:
                job.remove()
                self._due_triggers.pop(job.id[5:], None)
                self._schedules.pop(job.id[5:], None)
        for book in self.settings.books:
            fire, due = triggers_for(book.schedule, self.options.jitter_s)
            self._due_triggers[book.name] = due
            job_id = f"book:{book.name}"
            existing = self.scheduler.get_job(job_id)
            extra: dict[str, Any] = {}
            if first or existing is None or self._schedules.get(book.name) != book.schedule:
                # run at start: a book never run, or whose slot passed while no daemon ran, is due now; so is one
                # whose new schedule has a slot since its last run (the claim says, next_slot)
                extra["next_run_time"] = datetime.now(UTC)
                self._said_not_due.discard(book.name)
            self._schedules[book.name] = book.schedule
            self.scheduler.add_job(self._run_book, fire, args=[book.name], id=job_id, replace_existing=True, **extra)
        self._schedule_distributions()
        self._schedule_templates()

    # ------------------------------------------------------------------------------------------- templates
    def _with_templates(self, file_settings: Settings) -> Settings:
        """``file_settings`` with the books of the people the store holds as active (see contactsync.templates)."""
        assert self.store is not None
        if not file_settings.templates:
            self._origins = {}
            self._relabel(file_settings)  # a reload that took the last template out: its labels go with it
            return file_settings
        active = book_templates.active_people(self.store.template_books())
        settings, self._origins = book_templates.with_template_books(file_settings, active)
        self._relabel(settings)
        return settings

    def _relabel(self, settings: Settings) -> None:
        """One metrics label per template, not per person, unless daemon.metrics_per_person (daemon/metrics.py)."""
        if self.metrics is not None:
            # a name no label covers (a retired person's store rows) is shown by its pseudonym unless per person
            self.metrics.per_person = settings.daemon.metrics_per_person
        if self.metrics is not None:
            # the file's own names are shown as they are; any other name without a label or a pseudonym is no
            # longer configured, and may hold a login (a renamed person's, a removed template's): never shown
            books, accounts = book_templates.static_names(self._file_settings)
            distributions = {d.book.name for d in self._file_settings.distributions}
            self.metrics.own_names = books | accounts | distributions
        if self.metrics is not None and not settings.daemon.metrics_per_person:
            self.metrics.book_labels, self.metrics.account_labels = book_templates.metric_labels(
                settings, self._origins
            )

    def _schedule_templates(self) -> None:
        """A job per template on its schedule: read the directory, give who joined a book, retire who left."""
        assert self.scheduler is not None
        wanted = {f"template:{t.name}" for t in self._file_settings.templates}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("template:") and job.id not in wanted:
                job.remove()
        for t in self._file_settings.templates:
            job_id = f"template:{t.name}"
            fire, _due = triggers_for(t.schedule, self.options.jitter_s)
            extra: dict[str, Any] = {}
            if self.scheduler.get_job(job_id) is None:
                extra["next_run_time"] = datetime.now(UTC)
            self.scheduler.add_job(
                self._expand_template, fire, args=[t.name], id=job_id, replace_existing=True, **extra
            )

    def _expand_template(self, name: str) -> None:
        """One expansion of a template. A directory that cannot be read changes nothing: every book stays as
        the last expansion left it (a failed listing never retires anyone)."""
        with self._job(f"template {name}") as started:
            if started:
                self._expand_template_now(name)

    def _expand_template_now(self, name: str) -> None:
        assert self.store is not None and self.records is not None
        try:
            tmpl = book_templates.template(self._file_settings, name)
            book_templates.source_account(self._file_settings, tmpl)
        except NotFound:
            return  # removed by a reload after the job fired
        context = CONTEXT_FIELDS.set({"template": name})
        try:
            people = book_templates.list_people(self._file_settings, tmpl)
            with self._books_lock:
                if self._stopping.is_set():
                    # the listing may have taken long; a stopping daemon records none of it (nor adds jobs to a
                    # scheduler shut down): the next expansion reads the directory again. Once under way, the
                    # record is one transaction (Store.record_expansion): never half an expansion
                    log.info("template %s: stopping; what the directory listed is read again next time", name)
                    return
                expansion = book_templates.expand_now(self._file_settings, tmpl, people, self.store.template_books())
                changes = book_templates.record(self.store, expansion)
                before = {b.name for b in self.settings.books}
                self.settings = self._with_templates(self._file_settings)
                self._on_settings(self.settings)
                self.records.ensure_books(self.settings.books)
                self._reschedule_expanded(before)
            for e in expansion.skipped:
                if e.reason is not book_templates.SkipReason.FILTERED:
                    log.warning(
                        "template %s: no book for a person: %s%s",
                        name,
                        e.reason.value,
                        f" ({e.detail})" if e.detail else "",
                        extra={"fields": {"person": e.person.id}},
                    )
            for book_name in (*changes.joined, *changes.returned):
                origin = self._origins.get(book_name)
                log.info(
                    "template %s: book %s added; its first sync starts now",
                    name,
                    book_name,
                    extra={"fields": {"person": origin.person_id if origin else None}},
                )
            for old_name, new_name in changes.renamed:
                log.warning(
                    "template %s: book %s is now %s (a value its name is built from changed); the new book starts "
                    "with a first sync, the old one is no longer run and nothing of it is deleted; names built "
                    "from {id} never change",
                    name,
                    old_name,
                    new_name,
                )
            for book_name in changes.retired:
                log.info(
                    "template %s: book %s retired (the person left the directory or the filter); it is no longer "
                    "synced and nothing of it is deleted",
                    name,
                    book_name,
                )
            log.info(
                "template %s expanded",
                name,
                extra={
                    "fields": {
                        "people": len(people),
                        "books": len(expansion.books),
                        "joined": len(changes.joined) + len(changes.returned),
                        "retired": len(changes.retired),
                        "skipped": sum(
                            1 for e in expansion.skipped if e.reason is not book_templates.SkipReason.FILTERED
                        ),
                    }
                },
            )
        except (StoreError, ConnectorError) as exc:
            log.error("template %s: the directory could not be read, no book changes: %s", name, self._safe(exc))
        except Exception:
            log.exception("template %s: expansion failed unexpectedly; no book changes", name)
        finally:
            CONTEXT_FIELDS.reset(context)
            self._wake.set()

    def _reschedule_expanded(self, before: set[str]) -> None:
        """Jobs for the books that appeared (run now: their first sync) and none for those retired; every other
        book's job is left alone, so its next run stays where it was."""
        assert self.scheduler is not None
        now_books = {b.name: b for b in self.settings.books}
        for gone in before - set(now_books):
            job = self.scheduler.get_job(f"book:{gone}")
            if job is not None:
                job.remove()
            self._due_triggers.pop(gone, None)
            self._schedules.pop(gone, None)
        for new in set(now_books) - before:
            fire, due = triggers_for(now_books[new].schedule, self.options.jitter_s)
            self._due_triggers[new] = due
            self._schedules[new] = now_books[new].schedule
            self.scheduler.add_job(
                self._run_book,
                fire,
                args=[new],
                id=f"book:{new}",
                replace_existing=True,
                next_run_time=datetime.now(UTC),
            )

    def _schedule_distributions(self) -> None:
        """A job per ``distribute:`` entry on its schedule (docs/distribution.md); the store's leases decide
        which instance plans it and which runs each target."""
        assert self.scheduler is not None
        wanted = {f"distribute:{d.name}" for d in self.settings.distributions}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("distribute:") and job.id not in wanted:
                job.remove()
                self._due_triggers.pop(job.id, None)
                self._schedules.pop(job.id, None)
        for d in self.settings.distributions:
            job_id = f"distribute:{d.name}"
            fire, due = triggers_for(d.schedule, self.options.jitter_s)
            self._due_triggers[job_id] = due
            extra: dict[str, Any] = {}
            if self.scheduler.get_job(job_id) is None or self._schedules.get(job_id) != d.schedule:
                # as a book's: a new schedule with a slot since the last cycle runs it now (the claims say, next_slot)
                extra["next_run_time"] = datetime.now(UTC)
            self._schedules[job_id] = d.schedule
            self.scheduler.add_job(
                self._run_distribution, fire, args=[d.name], id=job_id, replace_existing=True, **extra
            )

    def _run_distribution(self, name: str) -> None:
        """One cycle of a distribution, shared with the other instances through the leases. A stop ends it at a
        target's batch boundary (``stop=``, asked before each batch, each target and each retry's wait)."""
        with self._job(f"distribution {name}") as started:
            if started:
                self._run_distribution_now(name)

    def _run_distribution_now(self, name: str) -> None:
        from ..distribution import distributor_for

        assert self.store is not None
        started = now()

        def stop_check() -> None:
            if self._stopping.is_set():
                raise Interrupted("stopping while waiting for a budget's slot")

        def connect(account: AccountSettings, book: BookSettings) -> Connector:
            one = BookSettings(book.name, (account,), default_region=book.default_region)
            built = build_connectors(one)[account.name]
            # the targets' calls count against the same per-platform budgets as the books' (issue #17)
            key = budget_key(account)
            slot = partial(self.budget.slot, key, check=stop_check)
            return GuardedConnector(
                built,
                self._limiter(account),
                on_call=self._call_hook(account.name),
                slot=slot,
                connections=self.connections,
                slot_limit=self.budget.limit(key),
            )

        try:
            distributor = distributor_for(self.settings, name, connect, self.store)
            targets = [distributor.accounts[t.account][0] for t in distributor.settings.targets]
            limits = {budget_key(a): limit_for(a.type, self.options.in_flight) for a in targets}
            distributor.run_cycle(
                self.options.instance,
                self.options.lease_s,
                next_due=self.next_due(f"distribute:{name}", started),
                # a stored next due time from a longer schedule than the one in force is not honoured
                next_slot=self._slot_in_force(f"distribute:{name}"),
                stop=self._stopping.is_set,
                # targets at once: the daemon's workers, as for books
                workers=self.options.workers or default_workers(self.store.dialect, limits),
            )
        except NotFound:
            return  # removed by a reload after the job fired
        except SyncAborted as exc:
            log.info("distribution %s: stopped (%s); what is left is finished by the next cycle", name, exc)
        except (StoreError, ConnectorError) as exc:
            log.error("distribution %s: cycle failed: %s", name, self._safe(exc))
        except Exception:
            log.exception("distribution %s: cycle failed unexpectedly", name)
        finally:
            self._wake.set()

    def _slot_in_force(self, job: str) -> Callable[[datetime], datetime | None] | None:
        """What a claim may bring a stored due time forward to (the schedule in force, see ``Leases.claim_lease``),
        or None to honour the stored time as it is. None for a cron schedule on a shared (PostgreSQL) store: a cron
        slot is read in the host's own time zone, and instances on hosts in different zones would each find their
        own 02:00 earlier than the one another stored, and run the book twice a slot. An interval schedule's slots
        are counted from a fixed epoch, the same on every host; and a SQLite store has one daemon at a time."""
        trigger = self._due_triggers.get(job)
        shared = self.store is not None and self.store.dialect != "sqlite"
        if trigger is None or (shared and not isinstance(trigger, IntervalTrigger)):
            return None
        return partial(self.next_due, job)

    def next_due(self, book: str, after: datetime) -> datetime | None:
        trigger = self._due_triggers.get(book)
        if trigger is None:
            return None
        nxt: datetime | None = trigger.get_next_fire_time(None, after + timedelta(milliseconds=1))
        return nxt

    def _status_line(self) -> str:
        """What systemd shows as the unit's status (``STATUS=``), which any local user reads with ``systemctl
        status``: a templated book's name built from a sign-in name is shown as log lines show it."""
        shown: Callable[[str], str] = (lambda name: name) if self.settings.log_personal_data else pseudonymize
        # a distribution's or template's label is the file's own name; shown through the same net all the same
        running = [shown(name) for name in self._busy()]
        if running:
            return f"running {', '.join(running)}"
        if self.scheduler is None:
            return "starting"
        jobs = [j for j in self.scheduler.get_jobs() if j.id.startswith("book:") and j.next_run_time]
        if not jobs:
            return "idle"
        first = min(jobs, key=lambda j: j.next_run_time)
        return f"idle; next: {shown(first.id[5:])} at {first.next_run_time:%H:%M:%S}"

    # ----------------------------------------------------------------------------------------- maintenance
    def _renew(self) -> None:
        assert self.records is not None
        held = {name: active.accounts for name, active in list(self._running.items()) if active.claimed}
        if not held:
            return
        try:
            lost = self.records.renew(held, self.options.instance, self.options.lease_s)
        except Exception as exc:  # the store unreachable for a moment: the lease still has time left
            log.warning("lease renewal failed (%s); retrying", type(exc).__name__)
            return
        for book in lost:
            active = self._running.get(book)
            # a run that handed its leases back meanwhile (with its last records) lost nothing
            if active is not None and active.claimed:
                active.lost = True
                log.warning("book %s: lease lost to another instance; stopping at the next batch boundary", book)

    def _take_over(self) -> None:
        """Run books whose lease expired while another instance held them (it crashed or hung)."""
        assert self.records is not None and self.scheduler is not None
        if self._stopping.is_set():
            return
        try:
            orphaned = self.records.orphaned()
        except Exception as exc:
            log.warning("looking for abandoned books failed (%s)", type(exc).__name__)
            return
        known = {b.name for b in self.settings.books}
        for book in orphaned:
            if book in known and book not in self._running:
                self.scheduler.add_job(
                    self._run_book, args=[book], kwargs={"takeover": True}, id=f"takeover:{book}", replace_existing=True
                )

    # ------------------------------------------------------------------------------------------------ runs
    def _run_book(self, name: str, *, takeover: bool = False) -> None:
        if self._stopping.is_set():
            return
        try:
            book = self.settings.book(name)
        except NotFound:
            return  # removed by a reload (or retired by its template) after the job fired
        origin = self._origins.get(name)
        # every line of a templated book's run says which template and person it is about (ids, not names)
        context = CONTEXT_FIELDS.set({"template": origin.template, "person": origin.person_id} if origin else {})
        try:
            self._run_book_in_context(name, book, takeover=takeover)
        finally:
            CONTEXT_FIELDS.reset(context)
            with self._running_lock:
                self._said_skipped.discard(f"book {name}")

    def _run_book_in_context(self, name: str, book: BookSettings, *, takeover: bool) -> None:
        with self._running_lock:
            # stopping checked again under the lock shutdown() reads the runs with: a run that starts is seen
            if name in self._running or self._stopping.is_set():
                if name in self._running:  # its takeover job and its own job fired together
                    log.debug("book %s: already running here; not run again now", name)
                return
            active = _Active(name, tuple(a.name for a in book.accounts), now())
            self._running[name] = active
        records = self.records
        assert records is not None
        finished = False
        try:
            # the run is recorded as started in the claim's own transaction; a book taken over from an instance
            # that died mid-run has that run, which never finishes, marked abandoned there first
            try:
                claim = records.claim(
                    name,
                    active.accounts,
                    self.options.instance,
                    self.options.lease_s,
                    at=active.started,
                    start_run=True,
                    abandon_open_runs=takeover,
                    # a stored next due time from a longer schedule than the one in force is not honoured
                    next_slot=self._slot_in_force(name),
                )
            except Exception as exc:
                # the store cannot take the claim (a full disk): said in the daemon's words, not as a scheduler
                # job's traceback; the book is tried again at its next slot
                self._log_failure(name, "could not start its run", exc)
                return
            if not claim:
                if claim.holder and claim.held != f"book {name}":
                    # the book is free but one of its accounts is not: another configuration has it elsewhere
                    log.info("book %s: not run now, %s is held by %s", name, claim.held, claim.holder)
                elif claim.not_due:
                    self._say_not_due(name, active.started)
                else:
                    log.debug("book %s: not run now, another instance runs it (%s)", name, claim.holder or "claiming")
                return
            active.claimed = True
            active.run_id = claim.run_id
            active.health = claim.health
            active.fence = claim.fence
            if takeover or claim.took_over_from:
                log.info("book %s: its lease expired (held by %s); taking it over", name, claim.took_over_from or "?")
            self.notifier.status(self._status_line())
            try:
                # every commit of the run is fenced with this claim's lease epochs (see store/leases.py)
                with records.store.fenced(claim.fence):
                    self.run_once(book, active)
                finished = True
            except LeaseLost as exc:
                active.lost = True
                log.warning("%s", exc)
            except Interrupted:
                # fenced: a lost book's open run is now the new holder's (which marked ours abandoned when it took
                # it over), even when the renewal has not noticed the loss yet
                if not active.lost:
                    with records.store.fenced(claim.fence), suppress(LeaseLost):
                        records.interrupt_open_runs(name, active.started)
                if active.lost:
                    log.warning(
                        "book %s: run stopped, its lease lost to another instance; what is still owed stays queued "
                        "for that instance",
                        name,
                    )
                else:
                    log.info("book %s: run stopped at a batch boundary; what is still owed stays queued", name)
            except (StoreError, ConnectorError) as exc:
                log.error("book %s: run failed: %s", name, self._safe(exc))
                finished = True
            except Exception as exc:
                self._log_failure(name, "run failed", exc)
                finished = True
            finally:
                try:
                    if not active.released:
                        records.release(
                            name,
                            self.options.instance,
                            finished=finished and not active.lost,
                            next_due_at=self.next_due(name, active.started),
                        )
                except Exception as exc:
                    log.error(
                        "book %s: could not hand the lease back (%s); it expires by itself", name, type(exc).__name__
                    )
        finally:
            with self._running_lock:
                self._running.pop(name, None)
            self._wake.set()

    def _log_failure(self, name: str, what: str, exc: Exception) -> None:
        """An error no run records: a store fault with the CLI's advice for it (`status` shows such a run as an
        error once its lease runs out), anything else with its traceback."""
        advice = self._explain_failure(exc)
        if advice is not None:
            log.error("book %s: %s: %s", name, what, advice)
        else:
            log.exception("book %s: %s unexpectedly", name, what)

    def _say_not_due(self, name: str, at: datetime) -> None:
        """A claim refused because the book's run for this slot is done (by this instance or another): at info the
        first time since the start or the last reload (an admin starting the daemon sees why a book does not run
        now), at debug after that."""
        first = name not in self._said_not_due
        self._said_not_due.add(name)
        nxt = self.next_due(name, at)
        log.log(
            logging.INFO if first else logging.DEBUG,
            "book %s: not run now: its run for this slot is done already; next slot %s",
            name,
            nxt.astimezone().isoformat(timespec="seconds") if nxt else "none",
        )

    def _slot_skipped(self, event: JobSubmissionEvent) -> None:
        """APScheduler's listener for a job whose last run is still going (or still waiting for a worker) at its
        next fire time: that slot is skipped (coalesced into none). Said once, until the run ends, in the daemon's
        words; APScheduler's own warning is dropped (:class:`_SchedulerLog`)."""
        kind, _, name = str(event.job_id).partition(":")
        what = _JOB_KINDS.get(kind)
        if what is None:  # the maintenance jobs: a lease renewal that lasts a third of the lease is worth a warning
            log.warning("%s: still running at its next turn (the store answers slowly?); that turn is skipped", kind)
            return
        label = f"{what} {name}"
        with self._running_lock:
            if label in self._said_skipped:
                return
            self._said_skipped.add(label)
            active = self._running.get(name) if what == "book" else None
            running = active is not None or label in self._jobs
        origin = self._origins.get(name) if what == "book" else None
        context = CONTEXT_FIELDS.set({"template": origin.template, "person": origin.person_id} if origin else {})
        try:
            if running:
                since = f" since {active.started.astimezone():%H:%M:%S}" if active is not None else ""
                log.info("%s %s: still running%s at its next slot; slots are skipped until it ends", what, name, since)
            else:
                log.info(
                    "%s %s: still waiting for a free worker at its next slot (daemon.workers are busy); slots are "
                    "skipped until it runs",
                    what,
                    name,
                )
        finally:
            CONTEXT_FIELDS.reset(context)

    def _checkpoint(self, active: _Active) -> None:
        if self._stopping.is_set() or active.lost:
            raise Interrupted(f"book {active.book}: stopped at a batch boundary")

    def _sleep(self, seconds: float) -> None:
        """Retry and rate-limit waits, cut short by SIGTERM (the call that would follow is not made)."""
        if self._stopping.wait(seconds):
            raise Interrupted("stopping during a wait")

    def _run_sleep(self, active: _Active, seconds: float) -> None:
        """A run's retry waits: cut short by SIGTERM, and by its lease lost to another instance (which the renewal
        finds; looked at every ``_LOST_LOOK_S``): the call that would follow is not made. Without this, a run whose
        book was taken over in a Retry-After of two minutes slept them out before its next fence check."""
        end = time.monotonic() + seconds
        while not active.lost:
            if self._stopping.is_set():  # a wait of 0 s (Retry-After: 0) too
                raise Interrupted("stopping during a wait")
            left = end - time.monotonic()
            if left <= 0:
                return
            self._stopping.wait(min(left, _LOST_LOOK_S))
        raise Interrupted(f"book {active.book}: its lease was lost to another instance during a wait")

    def _budgets_in_use(self) -> dict[BudgetKey, int | None]:
        """Every budget the configured books' accounts count against, with its limit."""
        keys = {budget_key(acct) for book in self.settings.books for acct in book.accounts}
        return {key: limit_for(key.platform, self.options.in_flight) for key in keys}

    def _limiter(self, account: AccountSettings) -> RateLimiter | None:
        rate = rate_for(account.type, self.options.rates)
        if rate is None:
            return None
        limiter = self._limiters.get(account.name)
        if limiter is None or (limiter.rate, limiter.burst) != (rate.per_second, rate.burst):
            # kept across runs: the quota is the platform's per account, not per run
            limiter = self._limiters[account.name] = RateLimiter(rate.per_second, rate.burst, sleep=self._sleep)
        return limiter

    def run_once(self, book: BookSettings, active: _Active) -> RunReport:
        """One run of ``book`` with the circuit breaker, rate limits, stop checks, then the tag-count check."""
        assert self.store is not None and self.records is not None
        records = self.records
        at = now()
        # this book's accounts only: reading every account's row per run made a cycle of N books cost O(N²); the
        # claim read them with the leases, in the same statement
        health = active.health if active.health is not None else records.health([a.name for a in book.accounts])
        guarded: dict[str, GuardedConnector] = {}
        paused: set[str] = set()

        def stop_check() -> None:
            # a stopping daemon, or a book whose lease was lost, gives up waiting for a budget's slot
            self._checkpoint(active)

        @contextmanager
        def guard(built: dict[str, Connector]) -> Iterator[Mapping[str, Connector]]:
            # run_book closes what it built, the paused accounts' connectors included (never used here)
            connectors: dict[str, Connector] = {}
            for acct in book.accounts:
                h = health.get(acct.name)
                if h is not None and h.paused(at):
                    connectors[acct.name] = UnavailableConnector(
                        acct.name, AccountPaused(pause_notice(h), account=acct.name)
                    )
                    paused.add(acct.name)
                    continue
                g = GuardedConnector(
                    built[acct.name],
                    self._limiter(acct),
                    on_call=self._call_hook(acct.name),
                    slot=partial(self.budget.slot, budget_key(acct), check=stop_check),
                    connections=self.connections,
                    slot_limit=self.budget.limit(budget_key(acct)),
                )
                connectors[acct.name] = guarded[acct.name] = g
            yield connectors

        next_due = self.next_due(book.name, active.started)

        def done(tx: Transaction, _report: RunReport) -> None:
            # the slot's work is done, in the commit that ends the run: should this instance die during the tag
            # checks that follow, the instance taking its lease over must not run the book a second time in
            # this slot. The transaction's lease check is made here, with the write (#18)
            tx.lease_done(book.name, self.options.instance, next_due, fence=active.fence)

        def after(report: RunReport, _built: Mapping[str, Connector]) -> None:
            self._after_run(book, report, guarded, paused, health, active, next_due)

        last_purge = self._trash_purged.get(book.name)
        purge = last_purge is None or time.monotonic() - last_purge >= self.options.trash_purge_s
        report = run_book(
            self.store,
            book,
            checkpoints=EngineHooks(after_commit=lambda _account, _step: self._checkpoint(active), on_record=done),
            sleep=partial(self._run_sleep, active),
            wrap=guard,
            then=after,
            run_id=active.run_id,
            purge_trash=purge,
        )
        if purge:  # only once its end is committed: a run that raised leaves the purge to the next one
            self._trash_purged[book.name] = time.monotonic()
        return report

    def _call_hook(self, account: str) -> Callable[[str], None] | None:
        if self.metrics is None:
            return None
        metrics = self.metrics
        return lambda status: metrics.call(account, status)

    def _after_run(
        self,
        book: BookSettings,
        report: RunReport,
        guarded: Mapping[str, GuardedConnector],
        paused: set[str],
        health: Mapping[str, Health],
        active: _Active,
        next_due: datetime | None,
    ) -> None:
        assert self.store is not None and self.records is not None
        at = now()
        updated: list[Health] = []
        outcomes: dict[str, TagOutcome] = {}
        store_counts = self.store.tag_counts(book.name)
        # the accounts' tag checks and health are written together at the end, in one transaction
        deferred = DeferredChecks(
            self.store,
            {n: (r.pending, r.quarantined) for n, r in report.accounts.items() if r.owed_counted and r.error is None},
        )
        for acct in book.accounts:
            rep = report.accounts[acct.name]
            before = health.get(acct.name) or fresh_health(acct.name, book.name)
            if acct.name in paused:
                continue
            h = self.options.circuit.after_run(before, error=rep.error, at=at)
            if h.circuit is CircuitState.OPEN and (
                before.circuit is not CircuitState.OPEN or h.retry_at != before.retry_at
            ):
                log.warning(
                    "account %s: paused after %s in a row (circuit open) until %s",
                    acct.name,
                    counted(h.failures, "failed run"),
                    h.retry_at,
                )
            elif before.circuit is CircuitState.OPEN and h.circuit is CircuitState.CLOSED:
                log.info("account %s: works again (circuit closed)", acct.name)
            connector = guarded[acct.name]
            if rep.error is None and carries_tags(connector) and not self._stopping.is_set():
                outcome, h = check_account(self.store, deferred, book, acct, connector, h, store_counts)
                outcomes[acct.name] = outcome
            updated.append(h)
        # the run is over: its leases are handed back in the same commit as its last records (after the lease
        # check that fences them); nothing is left to renew
        active.claimed = False
        try:
            deferred.flush(updated, release=(book.name, self.options.instance, next_due))
        except BaseException:
            active.claimed = True  # not handed back: released (or renewed) as before
            raise
        active.released = True
        for acct in book.accounts:
            rep = report.accounts[acct.name]
            g = guarded.get(acct.name)
            if g is not None:
                rep.requests = g.requests()
            # "partial" as the run's own result has it (RunResult.PARTIAL, `sync`'s exit 3): writes are still owed
            # to the account at the run's end (a folder turned read-only refuses them run after run)
            result = (
                "paused"
                if acct.name in paused
                else ("error" if rep.error else ("braked" if rep.brake else ("partial" if rep.pending else "ok")))
            )
            checked = outcomes.get(acct.name)
            # one line per account per run, for journald and log collectors: counts and ids, never contact data.
            # The counts are fields: JSON logs carry each as a key, the human format appends key=value
            log.info(
                "run",
                extra={
                    "fields": {
                        "book": book.name,
                        "account": acct.name,
                        "result": result,
                        "pulled": rep.pulled,
                        "created": rep.created,
                        "updated": rep.updated,
                        "deleted": rep.deleted,
                        "conflicts": rep.conflicts,
                        "quarantined": rep.quarantined,
                        "pending": rep.pending,
                        "requests": rep.requests,
                        "duration_s": round(rep.duration_s, 2),
                        # time the account's calls queued behind other books' for its server's budget
                        "budget_wait_s": round(g.slot_wait_s, 2) if g is not None else None,
                        "tag_mismatches": checked.mismatches if checked and not checked.error else None,
                    }
                },
            )
        if self.metrics is not None:
            self.metrics.record_run(report)
            for acct_name, g in guarded.items():
                if g.limiter is not None:
                    self.metrics.waited(acct_name, g.limiter.waited_s)
                    g.limiter.waited_s = 0.0
                self.metrics.budget_waited(acct_name, g.slot_wait_s)
            self._publish_state()

    def _publish_state(self) -> None:
        assert self.store is not None and self.records is not None
        try:
            status = self.store.account_status()
            conflicts: dict[str, int] = {b.name: 0 for b in self.settings.books}
            for c in self.store.open_conflicts():
                conflicts[c.book] = conflicts.get(c.book, 0) + 1
            self.metrics.record_state(
                self.records.health(),
                self.records.tag_checks(),
                self.records.counts_by_account(),
                {a: int(s.get("pending_writes", 0)) for a, s in status.items()},
                conflicts,
                {a: bool(s.get("brake_reason")) for a, s in status.items()},
            )
        except Exception as exc:  # metrics never stop a run
            log.warning("metrics update failed (%s)", type(exc).__name__)


def _accounts_of(settings: Settings) -> Iterator[AccountSettings]:
    """Every account ``settings`` may run: the books' (the templates' expanded ones too, once added), the
    templates' patterns and sources, the distributions' own."""
    for book in settings.books:
        yield from book.accounts
    for template in settings.templates:
        yield from template.book.accounts
        yield from template.accounts
    for distribution in settings.distributions:
        yield from distribution.accounts


def _open_connections(store: Store, count: int) -> None:
    """Open ``count`` connections of the store's pool (kept there, as the workers keep them for the daemon's life),
    so that the first cycle's runs do not wait for a PostgreSQL backend each to start while the others run (#18).
    One that cannot be opened now is left to the run that needs it, as before."""
    try:
        store.open_connections(count)
    except StoreError as exc:
        log.warning("the store's connections could not be opened ahead (%s); runs open them", type(exc).__name__)


def _open_store(url: str, pool_size: int) -> Store:
    """Open (and migrate) the store; on PostgreSQL the store migrates under an advisory lock, so instances
    starting together do not run the same migration twice."""
    return Store.open(url, pool_size=pool_size)


__all__ = ["Daemon", "DaemonOptions", "Interrupted", "triggers_for"]


def _changed_accounts(before: Settings, after: Settings) -> list[str]:
    """The accounts of ``after``'s books whose settings (type, options, secrets as read) differ from ``before``'s."""
    was = {a.name: a for b in before.books for a in b.accounts}
    return sorted(a.name for b in after.books for a in b.accounts if a.name in was and was[a.name] != a)
