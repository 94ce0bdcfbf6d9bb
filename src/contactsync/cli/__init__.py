"""The ``contactsync`` command. The only place that talks to the user: errors become advice here.

Exit codes (also in the README):
    0  everything done
    1  an unexpected error (run with -v for details)
    2  the command line or the configuration is wrong
    3  some account failed, or some writes are still owed (the others went through)
    4  the mass-delete brake held deletes back (see ``status``; ``sync --allow-deletes-on ACCOUNT`` to let one
       account's through)
    5  ``status``: something needs the admin's attention (conflicts, quarantined items, a book never run, an
       interrupted run)
    6  the store is in use: the daemon or another ``sync`` holds it (or a book of it, past daemon.sync_wait_seconds)
    7  the disk holding the store is full
    8  the store cannot be written (a read-only file, folder, filesystem or database)
    9  the store is damaged or is not a contactsync database
  141  the reader of the output left early (``history ID | head``) before the command knew its own code; one
       that knew it exits with it (``status``; ``sync`` runs every book and exits with theirs)
"""

from __future__ import annotations

# first: no garbage collection while the modules load (collector pauses it as it is imported), started again
# at this module's end (#18)
from . import collector  # isort: skip

# before any module that defines a dataclass: their methods come compiled, not compiled here (#18)
from . import precompiled  # noqa: F401  # isort: skip

import json
import logging
import os
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .. import registry
from ..config import load_settings, locate
from ..errors import (
    ConfigError,
    ConfigProblem,
    ContactSyncError,
    NotFound,
    SecretUnreadable,
    StoreError,
    StoreLocked,
)
from ..logs import item_handle, mask_personal, pseudonymize, safe_error_text, setup_logging, shown_item
from ..settings import AccountSettings, BookSettings, Settings
from ..wording import counted
from .deferred import defer_unused
from .faults import StoreFault, store_fault
from .lazy import LazyGroup
from .pipe import EXIT_CLOSED_PIPE, reader_gone
from .summary import BOOK_STATE_ORDER, SUMMARY_OVER, book_state, books_to_show, print_summary, state_counts

if TYPE_CHECKING:
    # the store (SQLAlchemy) is imported by the commands that open it, not by `--help` or a usage error (#18)
    from ..engine.report import RunReport
    from ..store import Conflict, JournalEntry, Lease, Store

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_PARTIAL, EXIT_BRAKE, EXIT_ATTENTION = 0, 1, 2, 3, 4, 5
EXIT_BUSY, EXIT_NO_SPACE, EXIT_READ_ONLY, EXIT_CORRUPT = 6, 7, 8, 9

F = TypeVar("F", bound=Callable[..., Any])


def default_config_path() -> Path:
    if "CONTACTSYNC_CONFIG" in os.environ:
        return Path(os.environ["CONTACTSYNC_CONFIG"])
    if "CONFIGURATION_DIRECTORY" in os.environ:  # systemd ConfigurationDirectory=
        return Path(os.environ["CONFIGURATION_DIRECTORY"].split(":")[0]) / "config.yaml"
    return Path("/etc/contactsync/config.yaml")


class Context:
    def __init__(self, config: Path, verbose: int) -> None:
        self.config_path = config
        self.verbose = verbose
        self._settings: Settings | None = None
        #: the code the command exits with, once it knows it before printing: a reader that leaves early (`status
        #: | head`) does not change it (see cli/pipe.py)
        self.exit_code: int | None = None

    @property
    def settings(self) -> Settings:
        return self.load()

    def load(self, *, account_secrets: bool = True, recheck: bool = False, for_runs: bool = False) -> Settings:
        """The settings; without ``account_secrets`` the accounts' secret files are left unread (``status``);
        with ``recheck`` every schema check runs, even those that passed before on the same file (``config
        check``); ``for_runs`` (``sync``, the daemon): an account whose secret cannot be read fails alone, and
        the log says so now, before any run."""
        if self._settings is None:
            self._settings = load_settings(
                self.config_path, account_secrets=account_secrets, recheck=recheck, defer_unreadable_secrets=for_runs
            )
            setup_logging(
                self._settings.log_format,
                self._settings.log_level,
                self.verbose,
                personal_data=self._settings.log_personal_data,
            )
            if for_runs:
                say_unreadable_secrets(self._settings)
        return self._settings

    def store(self) -> Store:
        from .. import admin  # the engine: imported by the commands that use it (#18)

        store = admin.open_store(self.settings)
        collector.resume()  # the store, SQLAlchemy and the engine are loaded: what follows is the run's (#18)
        return store

    @property
    def personal_data(self) -> bool:
        return self._settings is not None and self._settings.log_personal_data

    def store_where(self) -> str:
        """The store as the admin configured it (a password never shown), for advice; "" before the config."""
        if self._settings is None:
            return ""
        from ..store import shown_url

        return shown_url(self._settings.store_url)


def _fault_advice(fault: StoreFault, where: str, *, then: str = "run the command again") -> tuple[str, int]:
    """What to do about ``fault``, and the exit code; ``then`` is what follows once it is fixed."""
    at = f" ({where})" if where else ""
    if fault is StoreFault.NO_SPACE:
        return (
            f"the disk holding the store{at} is full. Nothing confirmed was lost: every step is committed whole "
            f"and a step cut short is done again by the next run. Free some space, then {then}",
            EXIT_NO_SPACE,
        )
    if fault is StoreFault.READ_ONLY:
        return (
            f"the store{at} cannot be written: its file, folder or filesystem is read-only or belongs to another "
            "user (or the database refuses writes). Make it writable for the user contactsync runs as (under "
            f"systemd, StateDirectory= sets that up), then {then}",
            EXIT_READ_ONLY,
        )
    if fault is StoreFault.CORRUPT:
        return (
            f"the store{at} is damaged or is not a contactsync database. Stop the daemon, move the file aside and "
            "restore the last backup (`contactsync restore FILE`); without one, a new store is rebuilt from the "
            "platforms by the next `contactsync sync` (the trash, history and queued conflicts are lost then)",
            EXIT_CORRUPT,
        )
    return (
        f"the store{at} is in use by another process and stayed locked. {then[:1].upper()}{then[1:]} once it is done "
        "(`contactsync status` shows who holds what)",
        EXIT_BUSY,
    )


def _store_folder(where: str) -> Path | None:
    """The folder of a SQLite store file (``where`` as :meth:`Context.store_where` shows it), else None."""
    return Path(where.removeprefix("sqlite:///")).parent if where.startswith("sqlite:///") else None


def daemon_fault_advice(exc: BaseException, where: str) -> str | None:
    """What the daemon logs for a run or a claim that failed on a store fault (a full disk, a store turned
    read-only…): the advice `sync` gives for it and the driver's first line, instead of a traceback; None for any
    other error. Only an error of the store's own database (through SQLAlchemy, which only the store uses): a full
    temporary folder under the engine's spill (plain sqlite3) or a folder a connector writes is no store fault."""
    from ..store import raised_by_the_database

    if not raised_by_the_database(exc):
        return None
    fault = store_fault(exc, _store_folder(where))
    if fault is None:
        return None
    said = _fault_advice(fault, where, then="the daemon tries again at each book's next run")[0]
    return f"{said} ({safe_error_text(exc)})"


def advice(exc: BaseException, *, where: str = "", personal_data: bool = False) -> tuple[str, int]:
    """Turn an error into a sentence the admin can act on, and an exit code.

    ``where`` names the store for store faults; an error's own text is shown only as far as
    :func:`contactsync.logs.safe_error_text` allows (a driver's message can repeat names and emails)."""
    if isinstance(exc, ConfigError):
        lines = ["the configuration has problems:"] + [f"  {p}" for p in exc.problems]
        lines.append("fix them and run `contactsync config check`")
        return "\n".join(lines), EXIT_USAGE
    if isinstance(exc, StoreLocked):  # the daemon or another sync: its message names it and what to do
        return str(exc), EXIT_BUSY
    fault = store_fault(exc, _store_folder(where))
    if fault is not None:
        return _fault_advice(fault, where)
    if isinstance(exc, FileNotFoundError):
        return (
            f"{exc.filename}: no such file. Give the config with --config FILE or CONTACTSYNC_CONFIG; "
            "`contactsync config sample` prints a commented example"
        ), EXIT_USAGE
    if isinstance(exc, StoreError):
        text = safe_error_text(exc, personal_data=personal_data).split(": ", 1)[-1]
        return f"store: {text}. Check store.url in the config (`contactsync config check`)", EXIT_ERROR
    if isinstance(exc, NotFound):
        return str(exc), EXIT_USAGE
    if isinstance(exc, ContactSyncError):
        return safe_error_text(exc, personal_data=personal_data).split(": ", 1)[-1], EXIT_ERROR
    return (
        f"unexpected error: {safe_error_text(exc, personal_data=personal_data)} (run with -v for details)",
        EXIT_ERROR,
    )


def unreadable_secrets(settings: Settings) -> list[str]:
    """One line per secret that could not be read (loaded ``for_runs``), with the accounts it fails (a template's
    books share theirs: one line, not one a person): what the log says as a run or a daemon starts, before each
    account's failed run says it again in ``status``. Masked as ``status`` masks it (a file may be named after a
    person's address), unless ``log.personal_data``."""
    failing: dict[tuple[ConfigProblem, ...], list[str]] = {}
    for book in settings.books:
        for account in book.accounts:
            if account.unreadable_secrets:
                failing.setdefault(account.unreadable_secrets, []).append(account.name)
    lines = []
    for problems, names in failing.items():
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        who = f"account {names[0]}" if len(names) == 1 else f"{len(names)} accounts ({shown})"
        line = f"{who}: {SecretUnreadable(problems)}"
        lines.append(line if settings.log_personal_data else mask_personal(line))
    return lines


def say_unreadable_secrets(settings: Settings, said: Collection[str] = ()) -> list[str]:
    """Log :func:`unreadable_secrets`' lines as errors, but those in ``said`` (a daemon's reload repeats only what
    changed); return them all."""
    lines = unreadable_secrets(settings)
    for line in lines:
        if line not in said:
            logging.getLogger("contactsync.config").error("%s", line)
    return lines


def friendly(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as exc:
            ctx = click.get_current_context()
            obj = ctx.find_object(Context)
            if reader_gone(exc):  # `contactsync status | head`: no error of ours, and nothing to say
                ctx.exit(obj.exit_code if obj is not None and obj.exit_code is not None else EXIT_CLOSED_PIPE)
            if obj is not None and obj.verbose:
                logging.getLogger("contactsync").exception("details")
            if isinstance(exc, ConfigError) and obj is not None and obj._settings is not None:
                exc = locate(exc, obj._settings)  # found after loading (a connector's check): add file:line
            where = obj.store_where() if obj is not None else ""
            message, code = advice(exc, where=where, personal_data=obj is not None and obj.personal_data)
            click.echo(f"contactsync: {message}", err=True)
            ctx.exit(code)

    return wrapper  # type: ignore[return-value]


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    # commands in modules of their own, imported only when used (#18): `sync` and `status` start without the
    # daemon's scheduler, the doctor's probes or the demo's emulators
    lazy={
        "demo": "contactsync.cli.demo:demo",
        "run": "contactsync.cli.daemon:run",  # the daemon
        "duplicates": "contactsync.cli.duplicates:duplicates",  # stewardship
        "merge": "contactsync.cli.duplicates:merge",
        "export": "contactsync.cli.transfer:export_command",
        "import": "contactsync.cli.transfer:import_command",
        "person": "contactsync.cli.person:person",
        "backup": "contactsync.cli.backup:backup",
        "restore": "contactsync.cli.backup:restore",
        "doctor": "contactsync.cli.doctor:doctor",  # checks the accounts before the first sync
        "distribute": "contactsync.cli.distribute:distribute",  # one source into many accounts
    },
    # what `--help` lists for each, so listing them imports none (tests/test_startup.py keeps these equal to
    # the first paragraph of each command's own help)
    summaries={
        "demo": "Sync a Google, an Outlook and a CardDAV account on loopback emulators (offline, self-cleaning).",
        "run": "Run every book on its schedule until stopped (SIGTERM); SIGHUP reloads the configuration.",
        "duplicates": "Likely duplicates in the store: same email, same phone, or a similar name at the same company.",
        "merge": "Merge contact OTHER into SURVIVOR everywhere (the book's conflict rules decide disagreements).",
        "export": "Export a book's contacts as CSV or vCard.",
        "import": "Import contacts from a CSV or vCard file into a book; the next sync writes them to every account.",
        "person": "Everything held about a person, or erasing it everywhere (access and erasure requests).",
        "backup": "Write a consistent snapshot of the store to FILE (mode 0600); safe while the daemon runs.",
        "restore": "Replace the store with the snapshot in FILE. Stop the daemon first.",
        "doctor": "Check ACCOUNTs (default: all) against the real services before the first sync.",
        "distribute": "Run the distributions NAMEs (default: all) once now: read the source, bring every target up "
        "to date.",
    },
)
@click.option(
    "--config",
    "-c",
    "config",
    type=click.Path(path_type=Path),
    default=None,
    help="The YAML config (default: $CONTACTSYNC_CONFIG, $CONFIGURATION_DIRECTORY/config.yaml, "
    "/etc/contactsync/config.yaml).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="contactsync", prog_name="contactsync", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, verbose: int) -> None:
    """Keep contacts consistent across Google, Microsoft 365 and CardDAV."""
    ctx.obj = Context(config or default_config_path(), verbose)


# ------------------------------------------------------------------------------------------------------- sync
def brake_advice(account: str) -> str:
    """What to do about ``account``'s brake (sync's report and ``status`` say it): approve this one account's
    deletes, never every account's (another account wiped since would go through with it), or refill it."""
    return (
        "Its deletes, and the writes owed to its items that are gone, wait for you: if the deletes are intended, "
        f"run `contactsync sync --allow-deletes-on {account}`; if the account was wiped, "
        f"`contactsync sync --reset-account {account}` fills it again"
    )


def print_report(report: RunReport, *, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, default=str))
        return
    mode = " (dry run: nothing was changed)" if report.dry_run else ""
    click.echo(f"book {report.book}: {report.result.value}{mode}")
    for rep in report.accounts.values():
        line = (
            f"  {rep.account:<20} pulled {rep.pulled:>5}  created {rep.created:>4}  updated {rep.updated:>4}  "
            f"deleted {rep.deleted:>4}  conflicts {rep.conflicts:>3}  quarantined {rep.quarantined:>3}"
        )
        if rep.pending:
            line += f"  still owed {rep.pending}"
        click.echo(line)
        if rep.error:
            click.echo(f"    error: {rep.error}")
        if rep.brake:
            click.echo(
                f"    brake: {rep.brake}. Nothing was deleted on or because of this account. "
                + brake_advice(rep.account)
            )
        if report.dry_run:
            for p in rep.planned:
                fields = f" ({', '.join(f.value for f in p.fields)})" if p.fields else ""
                who = f" {p.label}" if p.label else ""
                click.echo(f"    would {p.kind.value} {p.contact_id}{who}{fields}")
                for fname, before, after in p.values:
                    click.echo(f"        {fname}: {before} -> {after}")
    if report.conflicts_queued:
        click.echo(f"  {counted(report.conflicts_queued, 'conflict')} queued: `contactsync conflicts list`")
    if report.possible_duplicates:
        click.echo(f"  {counted(len(report.possible_duplicates), 'possible duplicate')} (same name, not merged)")


def _print_unread(report: RunReport, *, as_json: bool) -> None:
    """``print_report``, going on when the reader left (`sync | head`): the other books still sync, and the exit
    code says how they went."""
    try:
        print_report(report, as_json=as_json)
    except OSError as exc:
        if not reader_gone(exc):
            raise


def exit_code_for(reports: list[RunReport]) -> int:
    from ..engine.report import RunResult

    results = {r.result for r in reports}
    if RunResult.BRAKED in results:
        return EXIT_BRAKE
    if RunResult.FAILED in results or RunResult.PARTIAL in results:
        return EXIT_PARTIAL
    return EXIT_OK


@cli.command()
@click.option("--book", "-b", "books", multiple=True, help="Only this book (repeatable). Default: all.")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing (the store included).")
@click.option("--show-values", is_flag=True, help="With --dry-run: show names and values, not only field names.")
@click.option(
    "--allow-deletes-on",
    "allow_deletes_on",
    multiple=True,
    metavar="ACCOUNT",
    help="Let this account's deletes through although the brake would hold them (repeatable); the brake still "
    "holds every other account. The way to confirm a brake report. With --dry-run: a preview.",
)
@click.option(
    "--allow-deletes",
    is_flag=True,
    help="Let every account's deletes through although the brake would hold them, an account wiped since you "
    "last looked included; --allow-deletes-on ACCOUNT approves only the account you checked.",
)
@click.option(
    "--reset-account",
    "reset",
    multiple=True,
    help="Forget what is known of this account first (a wiped or replaced server): it is listed in full "
    "and every contact is matched or created there again. Not with --dry-run: a reset cannot be previewed.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
@click.pass_obj
@friendly
def sync(
    obj: Context,
    books: tuple[str, ...],
    dry_run: bool,
    show_values: bool,
    allow_deletes_on: tuple[str, ...],
    allow_deletes: bool,
    reset: tuple[str, ...],
    as_json: bool,
) -> None:
    """Run every book once (pull, reconcile, push).

    Beside daemons on a PostgreSQL store, each book runs under the same leases as a daemon's run (the book and
    each of its accounts); a book a daemon is running is synced after the others, waiting up to
    daemon.sync_wait_seconds for it."""
    # before the store imports SQLAlchemy: a sync of a synchronous store never uses asyncio, nor scans entry points
    defer_unused()  # (#18)
    from ..daemon.lock import StoreLock
    from ..daemon.oneoff import LeaseHeld

    settings = obj.load(for_runs=True)  # an account whose secret cannot be read fails alone
    if settings.templates:
        from .templates import with_expanded_books  # a file without templates imports none of their code (#18)

        # a book template's books are those the store holds (the daemon's last expansion): they sync like any book
        settings = with_expanded_books(settings)
    selected = [settings.book(b) for b in books] if books else list(settings.books)
    reports: list[RunReport] = []
    # one writer per SQLite store: refused while a daemon owns it (on PostgreSQL, leases: see _sync_books)
    lock = None if dry_run else StoreLock.for_url(settings.store_url)
    if lock is not None:
        lock.acquire("sync")
    try:
        _sync_books(obj, selected, dry_run, show_values, allow_deletes, allow_deletes_on, reset, as_json, reports)
    except LeaseHeld as exc:
        click.echo(f"contactsync: {exc}", err=True)
        sys.exit(EXIT_BUSY)  # what could run went through (its report is printed); the rest did not run
    finally:
        if lock is not None:
            lock.release()
    sys.exit(exit_code_for(reports))


def _sync_books(
    obj: Context,
    selected: list[Any],
    dry_run: bool,
    show_values: bool,
    allow_deletes: bool,
    allow_deletes_on: tuple[str, ...],
    reset: tuple[str, ...],
    as_json: bool,
    reports: list[RunReport],
) -> None:
    from contextlib import closing
    from functools import partial

    from .. import admin
    from ..daemon.oneoff import SyncLeases, after_sync, run_leased, say_paused
    from ..daemon.records import DaemonRecords
    from .progress import wanted, watching

    show = wanted()  # a progress display on a terminal; none in a pipe or under systemd

    for account in reset:
        if dry_run:
            raise click.UsageError("--reset-account cannot be combined with --dry-run")
        if not any(a.name == account for b in selected for a in b.accounts):
            raise click.UsageError(f"--reset-account {account}: no such account in the selected books")
    for account in allow_deletes_on:
        if not any(a.name == account for b in selected for a in b.accounts):
            raise click.UsageError(f"--allow-deletes-on {account}: no such account in the selected books")
    if dry_run:
        from .dryrun import open_for_dry_run  # here: a run that writes never needs it (#18)

        # nothing is written, the store included: read it as it is (or plan against an empty one)
        with open_for_dry_run(obj.settings.store_url) as view:
            for book in selected:
                report = admin.run_book(
                    view,  # type: ignore[arg-type]
                    book,
                    dry_run=True,
                    allow_deletes=allow_deletes,
                    allow_deletes_on=allow_deletes_on,
                    show_values=show_values,
                )
                reports.append(report)
                _print_unread(report, as_json=as_json)
        return
    with obj.store() as store:
        if store.dialect != "postgresql":
            records = DaemonRecords(store)
            for book in selected:
                # we hold the store's lock: a run still marked running was cut short (its process killed)
                records.interrupt_open_runs(book.name, None, status="abandoned")
                for account in (a.name for a in book.accounts if a.name in reset):
                    admin.reset_account(store, account)
                say_paused(store, book)
                report = admin.run_book(
                    store,
                    book,
                    allow_deletes=allow_deletes,
                    allow_deletes_on=allow_deletes_on,
                    show_values=show_values,
                    wrap=lambda built, b=book.name: watching(b, built, store, show=show),  # type: ignore[misc]
                    # the promise of the daemon holds for timer users too: same tag counts everywhere, and an
                    # account that works is no longer shown paused by the circuit breaker
                    then=partial(after_sync, store, book),
                )
                reports.append(report)
                _print_unread(report, as_json=as_json)
            return
        # daemons may share this store: each book (its reset accounts included) under the book's and its
        # accounts' leases, as a daemon's run would hold them
        daemon = obj.settings.daemon
        leases = SyncLeases(store, lease_s=daemon.lease_seconds, wait_s=daemon.sync_wait_seconds)
        with closing(leases.each(selected)) as held:
            for holding in held:
                for account in (a.name for a in holding.book.accounts if a.name in reset):
                    admin.reset_account(store, account)
                report = run_leased(
                    store,
                    holding,
                    dry_run=dry_run,
                    allow_deletes=allow_deletes,
                    allow_deletes_on=allow_deletes_on,
                    show_values=show_values,
                    watch=lambda built, b=holding.book.name: watching(b, built, store, show=show),  # type: ignore[misc]
                )
                reports.append(report)
                _print_unread(report, as_json=as_json)


# ----------------------------------------------------------------------------------------------------- status
def _age(value: datetime | None) -> str:
    if value is None:
        return "never"
    from ..store import now

    seconds = int((now() - value).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def _open_runs_unleased(
    store: Store, records: Any, leases: Mapping[str, Any], runs: Mapping[str, Mapping[str, Any]]
) -> set[str]:
    """The books whose last run is still open but whose lease is not held: read twice, the leases then the runs,
    so that a run claimed or finished between the reads is not counted (a claim takes the lease with the run's
    row, a run's row is finished before its lease goes back)."""
    from ..store import now

    def held(book: str, found: Mapping[str, Any]) -> bool:
        lease = found.get(book)
        return lease is not None and lease.holder(now()) is not None

    first = {b for b, r in runs.items() if r.get("status") == "running" and not held(b, leases)}
    if not first:
        return set()
    leases_again = records.leases()
    unleased = set()
    for book in first:
        again = (store.runs(book, limit=1) or [{}])[0]
        still_open = again.get("status") == "running" and again.get("id") == runs[book].get("id")
        if still_open and not held(book, leases_again):
            unleased.add(book)
    return unleased


def _late(
    book: BookSettings,
    lease: Lease | None,
    at: datetime,
    daemon_since: datetime | None,
    settings: Settings,
    daemon_idle: bool,
) -> dict[str, Any] | None:
    """Whether the daemon that runs on this SQLite store (alive since ``daemon_since``) has let ``book``'s run pass
    without starting it: its claims fail where nothing records them (a store too full to take even the run's row),
    or it never took the book on (one added to the file after it started). None when the book is on time, or
    nothing can tell (no daemon here, or on PostgreSQL, where daemons run on other hosts).

    The run was expected at the book's due time, or at the daemon's start if later (a daemon tries every book as
    it starts, and a book whose lease has no due time yet never finished a run). A book whose lease the store holds
    is judged only while the daemon is idle (``daemon_idle``: nothing leased now, no run started or finished for a
    lease's time): on SQLite the daemon has one worker, and a book queued behind a long run, a restart's catch-up
    or a distribution's cycle is waiting, not failing."""
    if daemon_since is None or (lease is not None and not daemon_idle):
        return None
    due = lease.next_due_at if lease is not None else None
    expected = daemon_since if due is None else max(due, daemon_since)
    if expected >= at:
        return None
    from ..daemon.service import slots_missed  # a book past its time only: no scheduler imported otherwise (#18)

    daemon = settings.daemon
    missed = slots_missed(book.schedule, expected, at, jitter_s=daemon.jitter_seconds, lease_s=daemon.lease_seconds)
    if not missed:
        return None
    return {"due_since": expected, "missed_slots": missed, "known_to_daemon": lease is not None}


def _daemon_idle(leases: Mapping[str, Lease], at: datetime, settings: Settings) -> bool:
    """Whether the daemon has nothing leased now and started or finished no run (of a book, of a distribution's
    plan or target) for a lease's time and its jitter: then a book it let pass is not queued behind another."""
    from datetime import timedelta

    since = at - timedelta(seconds=settings.daemon.lease_seconds + settings.daemon.jitter_seconds)
    for lease in leases.values():
        if lease.holder(at) is not None:
            return False
        if any(when is not None and when > since for when in (lease.last_started_at, lease.last_finished_at)):
            return False
    return True


def _late_text(late: dict[str, Any], lock_holder: str | None) -> str:
    """What `status` says of a late book (:func:`_late`)."""
    daemon = f"the daemon ({lock_holder})" if lock_holder else "the daemon"
    slots = "10 or more slots" if late["missed_slots"] >= 10 else counted(late["missed_slots"], "slot")
    if not late["known_to_daemon"]:
        return (
            f"{daemon} runs but has not taken this book on ({slots} of its schedule missed since it started): it is "
            "not in the configuration the daemon read (reload it: systemctl reload contactsync), or the daemon "
            "could not record it (the daemon's log says why)"
        )
    return (
        f"{daemon} runs but has not started this book's run, due {_age(late['due_since'])} ({slots} missed), and "
        "has run nothing else since: its claims fail where nothing records them (the daemon's log says why: a full "
        "disk?), or it does not know the book (put back into the file since it started: systemctl reload "
        "contactsync)"
    )


def _no_daemon(lock_holder: str | None) -> str:
    """What `status` says of a SQLite store no daemon runs on (``lock_holder``: who holds its lock, if anyone)."""
    holder = lock_holder or ""
    if holder.startswith("sync "):
        return f"no daemon runs on this store; a one-off `contactsync sync` (pid {holder[5:]}) runs now"
    return (
        "no daemon runs on this store: no run comes until one starts (systemctl start contactsync) or a "
        "`contactsync sync`"
    )


def _until(value: datetime | None) -> str:
    if value is None:
        return "due now"
    from ..store import now

    seconds = int((value - now()).total_seconds())
    if seconds <= 0:
        return f"due since {_age(value)[:-4]}"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"in {seconds // size}{unit}"
    return f"in {seconds}s"


def _log_name(name: str, settings: Settings) -> str:
    """A book's or an account's name as log lines show it."""
    return name if settings.log_personal_data else pseudonymize(name)


def _quarantined(
    remote_id: str,
    reason: str,
    since: datetime | None,
    login: str | None,
    *,
    personal_data: bool,
    key: bytes | None,
    show_ids: bool = False,
) -> dict[str, Any]:
    """A quarantined item as status shows it: with ``log.personal_data: true`` its id and reason as they are; else
    its id by the rule of its kind (:func:`contactsync.logs.shown_item`) and, where that hid a part, a handle
    (:func:`contactsync.logs.item_handle`: ``#`` and 6 hex digits of a hash of the whole id keyed by the store's
    ``key``), so two cards whose hrefs or file names differ only in what is hidden are still told apart, and the
    same card keeps its handle from one status to the next. No ``key`` (a read-only store that has none yet): no
    handle, rather than one anybody could compute from a guessed id. With ``show_ids`` (``status --show-ids``, for
    the admin at the terminal): the id and reason as they are, followed by the handle a masked status shows, so a
    handle pasted into a ticket leads to its file or card."""
    if personal_data:
        return {"id": remote_id, "reason": reason, "since": since}
    if show_ids:
        handle = item_handle(remote_id, key) if key is not None and shown_item(remote_id, login) != remote_id else ""
        return {"id": f"{remote_id} {handle}".rstrip(), "reason": reason, "since": since}
    shown = shown_item(remote_id, login)
    if shown != remote_id and key is not None:
        shown += item_handle(remote_id, key)
    return {"id": shown, "reason": mask_personal(reason), "since": since}


def _handle_key(store: Store) -> bytes | None:
    """The store's key of the quarantine's handles, made by the run that quarantined the first item (read only:
    status never writes); None where there is none (a store quarantined nothing since the update)."""
    from ..store.secrets import HANDLE_KEY

    return store.stored_key(HANDLE_KEY)


def _login(account: AccountSettings) -> str | None:
    """The account's login option, if it names one (CardDAV's ``username``), to be masked in its paths."""
    value = account.options.get("username")
    return value if isinstance(value, str) else None


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--book",
    "book_name",
    metavar="NAME",
    help="Only this book (a retired one too), in full; or the book a name from a log line stands for (~3f9a1c2e7b04).",
)
@click.option("--template", "template_name", metavar="NAME", help="Only the books of this book template.")
@click.option("--all", "show_all", is_flag=True, help=f"Every book in full, even over {SUMMARY_OVER} books.")
@click.option(
    "--show-ids",
    is_flag=True,
    help="Show quarantined items' ids and reasons in full, each with its handle (#3f9a1c): a file name or href may "
    "hold a name or an email. This output only; logs are not affected.",
)
@click.pass_obj
@friendly
def status(
    obj: Context, as_json: bool, book_name: str | None, template_name: str | None, show_all: bool, show_ids: bool
) -> None:
    """Per book and account: last run, result, next run, brake, circuit breaker, quarantined items, owed writes,
    conflicts; and every tag's member count on each platform next to the store's.

    Exit codes: 0 all well; 3 an account failed its last run, its last run was interrupted (killed, stopped),
    writes failed and are still owed, or it is paused by the circuit breaker, or the daemon on this SQLite store let
    one of the book's slots pass without a run (LATE); 4 the brake holds deletes back; 5
    something else needs a look (an account never synced, conflicts, quarantined items, tag counts that differ or
    could not be read, contacts held back by a data rule). The most serious one wins, for monitoring systems.
    It only reads: it never creates the store and needs none of the accounts' secrets.

    Over 25 books (book templates give one per person) it shows the count of books in each state and
    only the books that need a look, failing ones first; retired books (their person left) with since when.
    With --json every book is listed, in that order, with its state.

    Then each distribution (unless --book or --template): its state, its targets ok, failing and behind, the
    failing ones named; `contactsync distribute --status NAME` lists every target."""
    defer_unused()  # before the store imports SQLAlchemy: asyncio and importlib.metadata are unused here (#18)
    from ..daemon.lock import StoreLock
    from ..daemon.records import PAUSED, CircuitState, DaemonRecords, TagVerdict
    from ..store import now

    settings = obj.load(account_secrets=False)
    store, read_only = _open_for_reading(settings.store_url)
    try:
        # a template's books are those the store holds: status asks no directory
        template_records = store.template_books() if store is not None and settings.templates else []
        settings, origins, retired_books = books_to_show(settings, template_records, book_name, template_name)
    except BaseException:
        # a --book or --template that names nothing: closed here as `with store` closes it below, or its engine
        # keeps a connection, and SQLite's -wal and -shm files beside the store, as long as the process lives
        if store is not None:
            store.close()
        raise
    if store is None:
        accounts: dict[str, dict[str, Any]] = {}
        conflicts: list[Conflict] = []
        trash: list[Any] = []
        held_back: list[tuple[str, str, str]] = []
        health: dict[str, Any] = {}
        leases: dict[str, Any] = {}
        account_leases: dict[str, Any] = {}
        tag_checks: list[Any] = []
        owed: dict[str, _Owed] = {}
        runs: dict[str, dict[str, Any]] = {}
        unleased: set[str] = set()
        distributions: list[dict[str, Any]] = []
        key: bytes | None = None
    else:
        with store:
            accounts = store.account_status()
            # quarantined items' handles are keyed by the store's own key: read (made once) only if one is shown
            shows_handles = not settings.log_personal_data and any(st.get("quarantined") for st in accounts.values())
            key = _handle_key(store) if shows_handles else None
            conflicts = store.open_conflicts()
            trash = store.trashed()
            held_back = store.attention()
            records = DaemonRecords(store)
            health = records.health()
            leases = records.leases()
            account_leases = records.account_leases()
            tag_checks = records.tag_checks()
            # counted here, not from the last finished run's record: a run killed mid-way left links and owed
            # writes behind that no status row mentions yet
            owed = {a.name: _owed(store, a.name) for b in settings.books for a in b.accounts}
            runs = {b.name: (store.runs(b.name, limit=1) or [{}])[0] for b in settings.books}
            unleased = _open_runs_unleased(store, records, leases, runs)
            # the distributions too, unless one book or template was asked for (issue #17)
            distributions = []
            if settings.distributions and book_name is None and template_name is None:
                from . import distribution_status  # a file without distributions imports none of it (#18)

                distributions = distribution_status.overview(store, settings)
    lock = StoreLock.for_url(settings.store_url)
    lock_holder = lock.holder() if lock is not None else None
    # on SQLite the lock tells whether a daemon runs on this store (a stopped one left its next run in the store: no
    # run comes then until one starts); on PostgreSQL daemons run on other hosts, which this one cannot see
    daemon_running = None if lock is None else lock.daemon_holds()
    daemon_since = lock.held_since() if lock is not None and daemon_running else None
    at = now()
    daemon_idle = daemon_since is not None and _daemon_idle(leases, at, settings)
    per_book: dict[str, Any] = {}
    code = EXIT_OK

    def attention() -> None:
        nonlocal code
        code = max(code, EXIT_ATTENTION) if code == EXIT_OK else code

    for book in settings.books:
        entries = {}
        # counts are read after a run that went well: an account whose last run failed, was cut short or was paused
        # shows what an earlier run read (as of its tags_checked_at), and says so rather than pass it off as now
        stale: set[str] = set()
        lease = leases.get(book.name)
        running_on = lease.holder(at) if lease else None
        last_run = runs.get(book.name, {})
        # a run still marked running whose process is gone: no lock on SQLite, no live lease on PostgreSQL
        alive = lock_holder is not None if lock is not None else running_on is not None
        cut_short = last_run.get("status") in ("interrupted", "abandoned") or (
            last_run.get("status") == "running" and not alive
        )
        # on SQLite a daemon's run holds the book's lease from its claim and renews it while it lasts (a one-off
        # sync holds the lock alone): an open run of a live daemon without its lease failed with no record of it
        # (the store could not be written: a full disk, a store turned read-only) or is stuck. Its process holds
        # the lock, so the run is not "cut short", but it is no run going well either
        started = last_run.get("started_at")
        stalled = book.name in unleased and daemon_running is True
        late = None if stalled or running_on else _late(book, lease, at, daemon_since, settings, daemon_idle)
        for acct in book.accounts:
            st = accounts.get(acct.name, {})
            h = health.get(acct.name)
            o = owed.get(acct.name, _Owed(0, 0, 0, None))
            result = st.get("last_result") or "never run"
            error = st.get("last_error")
            interrupted = cut_short and (
                st.get("last_run_at") is None
                or (last_run.get("started_at") and last_run["started_at"] > st["last_run_at"])
            )
            if stalled:
                result = "error"
                error = (
                    f"the daemon's run started {_age(started)} did not finish and no longer holds the book's lease: "
                    "it failed without a record of it (the store could not be written? a full disk, a store turned "
                    "read-only) or it is stuck. The daemon's log says which; the next run is tried at its schedule"
                )
            elif interrupted:
                result = "interrupted"
                error = error or (
                    f"the run started {_age(last_run.get('started_at'))} did not finish (the process was stopped or "
                    "killed); what it did is kept, what it still owed is queued for the next run"
                )
            elif result == "ok" and o.failed:
                result = "partial"
            if o.failed and o.last_error and not error:
                error = f"{counted(o.failed, 'failed write')} still owed; last: {o.last_error}"
            circuit = {
                "state": h.circuit.value if h else CircuitState.CLOSED.value,
                "failures": h.failures if h else 0,
                "retry_at": h.retry_at if h else None,
                # why the account failed its last counted run: once paused, its runs' error only says it is paused
                # (masked as every recorded error is, see logs.account_error)
                "last_failure": h.last_failure if h else None,
            }
            if result in ("error", "interrupted") or (h is not None and h.circuit is CircuitState.OPEN):
                stale.add(acct.name)
            entries[acct.name] = {
                "type": acct.type,
                "mode": acct.mode.value,
                "last_run_at": st.get("last_run_at"),
                "result": result,
                "error": error,
                "duration_s": st.get("duration_s"),
                "sync_state_age": _age(st.get("state_updated_at")),
                "full_listing": _age(st.get("full_listing_at")),
                "contacts": o.linked,
                "pending_writes": o.pending,
                "failed_writes": o.failed,
                "brake": st.get("brake_reason"),
                "brake_since": st.get("brake_since"),
                # a CardDAV card's id is its href, which holds the login (often an email); vdir's is a file name made
                # of a UID: shown as log lines show paths, with a handle telling the items apart, unless
                # log.personal_data is true (status is the admin's own tool; its output is pasted into tickets)
                "quarantined": [
                    _quarantined(
                        rid,
                        reason,
                        since,
                        _login(acct),
                        personal_data=settings.log_personal_data,
                        key=key,
                        show_ids=show_ids,
                    )
                    for rid, reason, since in st.get("quarantined", [])
                ],
                "circuit": circuit,
                "tags_checked_at": h.tags_checked_at if h else None,
                "tags_error": h.tags_error if h else None,
                # what the connector said of the account at its last listing (a feature off for want of a
                # permission): no failure, so no exit code of its own
                "notices": list((st.get("summary") or {}).get("notices", [])),
            }
            # who holds the account now (a run's lease, renewed while it lasts) and who ran it last
            al = account_leases.get(acct.name)
            entries[acct.name]["lease"] = {
                "owner": al.holder(at) if al else None,
                "expires_at": al.expires_at if al and al.holder(at) else None,
                "last_owner": al.last_owner if al else None,
            }
            if st.get("brake_reason"):
                code = _worse(code, EXIT_BRAKE)
            elif result in ("error", "interrupted", "partial") or circuit["state"] == CircuitState.OPEN.value:
                code = _worse(code, EXIT_PARTIAL)
            elif st.get("quarantined") or (h and h.tags_error) or result == "never run":
                attention()
        if late is not None:
            code = _worse(code, EXIT_PARTIAL)
        book_conflicts = [c for c in conflicts if c.book == book.name]
        if book_conflicts:
            attention()
        book_held = [{"contact_id": cid, "reason": why} for b, cid, why in held_back if b == book.name]
        if book_held:
            attention()
        tags: dict[str, dict[str, Any]] = {}
        last_runs = {name: accounts.get(name, {}).get("last_run_at") for name in entries}
        for c in tag_checks:
            if c.book == book.name and c.account in entries:
                row = tags.setdefault(c.tag_key, {"tag": c.tag_name, "store": c.store_count, "accounts": {}})
                row["accounts"][c.account] = {
                    "platform": c.platform_count,
                    "store": c.store_count,
                    "verdict": c.verdict.value,
                    "stale": c.account in stale or _counted_before(c.checked_at, last_runs.get(c.account)),
                }
                if c.verdict is TagVerdict.MISMATCH:
                    attention()
        per_book[book.name] = {
            "accounts": entries,
            "pending_conflicts": len(book_conflicts),
            "trash": sum(1 for r, _ in trash if r.book == book.name),
            "schedule": book.schedule,
            "next_run_at": lease.next_due_at if lease else None,
            "running_on": running_on,
            "last_run_by": lease.last_owner if lease else None,
            "late": late,
            "tags": list(tags.values()),
            "held_back": book_held,
        }
        origin = origins.get(book.name)
        # a templated book's name built from a sign-in name or email, as log lines show it (logs.pseudonymize);
        # with log.personal_data: true they show the name itself
        per_book[book.name]["log_name"] = _log_name(book.name, settings)
        for acct in book.accounts:
            entries[acct.name]["log_name"] = _log_name(acct.name, settings)
        per_book[book.name]["template"] = origin.template if origin else None
        per_book[book.name]["person"] = origin.person_id if origin else None
        per_book[book.name]["state"] = book_state(per_book[book.name]).value
    per_book = dict(sorted(per_book.items(), key=lambda item: BOOK_STATE_ORDER[item[1]["state"]]))
    if distributions:
        from . import distribution_status

        code = _worse(code, distribution_status.exit_code(distributions))
    summary = state_counts(per_book, retired_books)
    if read_only:
        code = EXIT_READ_ONLY  # shown as it is, but no run can record anything: monitoring must hear of it
    obj.exit_code = code  # known before printing: a reader that stops early (`status | head`) does not change it
    if as_json:
        out = {
            "summary": summary,
            "books": per_book,
            "retired": retired_books,
            "distributions": distributions,
            "store_exists": store is not None,
            "store_read_only": read_only,
            "daemon_running": daemon_running,
            "exit_code": code,
        }
        click.echo(json.dumps(out, indent=2, default=str))
        sys.exit(code)
    if read_only:
        click.echo(
            f"the store {obj.store_where()} is read-only (its file or filesystem): shown as it is, but `sync` and "
            "the daemon cannot record anything until it is writable again"
        )
    if store is None:
        click.echo(
            f"no store yet at {obj.store_where()}: no book has been synced. `contactsync sync` (or the daemon) "
            "creates it with the first run"
        )
    detailed = per_book
    if len(per_book) + len(retired_books) > SUMMARY_OVER and not show_all and book_name is None:
        detailed = print_summary(summary, per_book, retired_books)
        if daemon_running is False:
            # the books counted, not shown, would not say it (each shown book's line does)
            click.echo(_no_daemon(lock_holder))
    elif retired_books:
        for r in retired_books:
            click.echo(
                f"book {r['book']}: RETIRED since {r['retired_at']:%Y-%m-%d %H:%M} (template {r['template']}, person "
                f"{r['person']} left); not synced, nothing deleted"
            )
    for name, b in detailed.items():
        if b["running_on"]:
            when = f"running on {b['running_on']}"
        elif daemon_running is False:
            # the stored time is a stopped daemon's plan: said as such, or the admin believes the syncing goes on
            planned = f"; a daemon would run it {_until(b['next_run_at'])}" if b["next_run_at"] else ""
            when = f"{_no_daemon(lock_holder)}{planned}"
        else:
            when = f"next run {_until(b['next_run_at'])}"
        in_logs = f"; in logs {b['log_name']}" if b["log_name"] != name else ""
        click.echo(
            f"book {name}: {counted(b['pending_conflicts'], 'pending conflict')}, {b['trash']} in the trash; "
            f"schedule {b['schedule']}, {when}{in_logs}"
        )
        if b["late"]:
            click.echo(f"  LATE: {_late_text(b['late'], lock_holder)}")
        if b["held_back"]:
            click.echo(
                f"  {counted(len(b['held_back']), 'contact')} held back by the book's data rules (not written to "
                "the other accounts until fixed; `contactsync history ID` shows where they came from):"
            )
            for h in b["held_back"]:
                click.echo(f"    {h['contact_id']}: {h['reason']}")
        for acct, e in b["accounts"].items():
            last = _age(e["last_run_at"]) if e["last_run_at"] else "never"
            held = f"  held by {e['lease']['owner']}" if e["lease"]["owner"] else ""
            click.echo(
                f"  {acct:<20} {e['result']:<10} last run {last:<10} contacts {e['contacts']:>6}  "
                f"owed writes {e['pending_writes']:>4}  sync state {e['sync_state_age']}{held}"
            )
            paused = e["circuit"]["state"] == CircuitState.OPEN.value
            # a paused run's error only says it was paused: the PAUSED line says so, with the failure behind it
            if e["error"] and not (paused and e["error"].startswith(PAUSED)):
                click.echo(f"    error: {e['error']}")
            if paused:
                click.echo(
                    f"    PAUSED (circuit breaker) after {counted(e['circuit']['failures'], 'failed run')} in a row; "
                    f"next try {_until(e['circuit']['retry_at'])}"
                )
                if e["circuit"]["last_failure"] and e["circuit"]["last_failure"] != e["error"]:
                    click.echo(f"    last failure: {e['circuit']['last_failure']}")
            if e["brake"]:
                click.echo(f"    BRAKE since {e['brake_since']}: {e['brake']}. {brake_advice(acct)}")
            for q in e["quarantined"]:
                since = f" (since {q['since']:%Y-%m-%d %H:%M})" if q["since"] else ""
                click.echo(f"    quarantined {q['id']}{since}: {q['reason']}")
            for n in e["notices"]:
                click.echo(f"    note: {n['message']}")
            if e["tags_error"]:
                click.echo(f"    tag counts could not be read: {e['tags_error']}")
        if b["tags"]:
            names = list(b["accounts"])
            click.echo("  tags (members on the platform / in the store):")
            click.echo("    " + f"{'tag':<24}" + "".join(f"{n[:16]:>18}" for n in names))
            marks: set[str] = set()
            for row in b["tags"]:
                cells = []
                for n in names:
                    cell = row["accounts"].get(n)
                    if cell is None:
                        cells.append(f"{'-':>18}")
                        continue
                    flag = (
                        " *"
                        if cell["stale"]
                        else {"mismatch": " !", "pending": " ~", "not_compared": "  "}.get(cell["verdict"], "  ")
                    )
                    marks.add(flag.strip())
                    shown = "?" if cell["platform"] is None else str(cell["platform"])
                    cells.append(f"{shown + ' / ' + str(cell['store']) + flag:>18}")
                click.echo("    " + f"{row['tag'][:23]:<24}" + "".join(cells))
            legend = [
                text
                for mark, text in (
                    ("!", "! differs from the store (the next run compares the account in full)"),
                    ("~", "~ writes still owed or items quarantined"),
                    (
                        "*",
                        "* read by an earlier run: the account's last run did not count them (it failed, was "
                        "paused or cut short, the count failed, or the daemon stopped first)",
                    ),
                )
                if mark in marks
            ]
            if legend:
                click.echo("    " + "; ".join(legend))
    if distributions:
        from . import distribution_status

        distribution_status.show(distributions, _age)
    sys.exit(code)


def _counted_before(checked_at: datetime, last_run_at: datetime | None) -> bool:
    """Whether a tag count was read before its account's last run: that run went well but did not read it again
    (a daemon told to stop reads no more counts; a count that failed to be read keeps the last one read)."""
    return last_run_at is not None and checked_at < last_run_at


#: status's exit codes from least to most serious: a book that needs a look (5) never hides one that failed (3)
_SEVERITY = {EXIT_OK: 0, EXIT_ATTENTION: 1, EXIT_PARTIAL: 2, EXIT_BRAKE: 3}


def _worse(code: int, new: int) -> int:
    return new if _SEVERITY[new] > _SEVERITY[code] else code


@dataclass(frozen=True)
class _Owed:
    """An account's links and owed writes as the store holds them now."""

    linked: int
    pending: int
    #: owed writes that were tried and failed (a server stopped mid-run); their newest error
    failed: int
    last_error: str | None


def _owed(store: Store, account: str) -> _Owed:
    pending = store.outbox_count(account)
    failed, last_error = store.outbox_failures(account) if pending else (0, None)
    return _Owed(store.link_count(account), pending, failed, last_error)


def _open_for_reading(url: str) -> tuple[Store | None, bool]:
    """The store as it is and whether it is read-only; None for the store when none exists yet (no SQLite file,
    or a database without our tables): never created nor migrated here. An old schema says so."""
    from ..store import Store, sqlite_file

    collector.resume()  # the store and SQLAlchemy are loaded: what follows is the command's own (#18)

    database = sqlite_file(url)
    if database is not None and not database.exists():
        return None, False
    try:
        return _at_head(Store.open(url, upgrade=False)), False
    except Exception as exc:
        if database is None or store_fault(exc, database.parent) is not StoreFault.READ_ONLY:
            raise
    # a read-only file or filesystem: SQLite cannot make its WAL index next to it, and nobody can change the file
    # either, so it is read as immutable (https://www.sqlite.org/uri.html#uriimmutable)
    return _at_head(Store.open_immutable(database)), True


def _at_head(store: Store) -> Store | None:
    """``store`` if its schema is this version's; None if it has none yet (an empty database: nothing ran)."""
    try:
        current, head = store.schema_revision()
    except Exception:
        store.close()
        raise
    if current is None:
        store.close()
        return None
    if current != head:
        store.close()
        raise StoreError(
            f"the store's schema is at {current or 'none'} and this contactsync needs {head}: run "
            "`contactsync db upgrade` (stop the daemon first)"
        )
    return store


# -------------------------------------------------------------------------------------------------- conflicts
@cli.group()
def conflicts() -> None:
    """Conflicts queued by the `manual` rule."""


@conflicts.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@friendly
def conflicts_list(obj: Context, as_json: bool) -> None:
    """List pending conflicts with each candidate value."""
    with obj.store() as store:
        pending = store.open_conflicts()
    if as_json:
        shown = [
            {
                "id": c.id,
                "book": c.book,
                "contact_id": c.contact_id,
                "field": c.field,
                "candidates": dict(c.candidates),
                "created_at": c.created_at,
            }
            for c in pending
        ]
        click.echo(json.dumps(shown, indent=2, default=str))
        return
    if not pending:
        click.echo("no pending conflicts")
    for c in pending:
        click.echo(f"#{c.id}  book {c.book}  contact {c.contact_id}  field {c.field}")
        for source, value in sorted(c.candidates.items()):
            click.echo(f"    {source:<20} {json.dumps(value, ensure_ascii=False)}")


@conflicts.command("resolve")
@click.argument("conflict_id", type=int)
@click.option("--take", help="The account (or `store`) whose value wins.")
@click.option("--value", "value_json", help="A new value, as JSON in the shape `conflicts list` shows.")
@click.pass_obj
@friendly
def conflicts_resolve(obj: Context, conflict_id: int, take: str | None, value_json: str | None) -> None:
    """Settle a conflict; the next sync writes the value everywhere."""
    from .. import admin

    with obj.store() as store:
        done = admin.resolve_conflict(store, obj.settings, conflict_id, take=take, value_json=value_json)
    click.echo(f"conflict {done['conflict']} resolved ({done['resolution']}); the next sync writes it everywhere")


# ------------------------------------------------------------------------------------------------------ trash
@cli.group()
def trash() -> None:
    """Contacts deleted on a platform, kept for `trash_days`."""


@trash.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@friendly
def trash_list(obj: Context, as_json: bool) -> None:
    """List the contacts in the trash: when each was deleted, and its name."""
    with obj.store() as store:
        items = store.trashed()
    rows: list[dict[str, Any]] = [
        {"id": r.id, "book": r.book, "name": r.contact.label(), "deleted_at": r.deleted_at, "purge_after": purge}
        for r, purge in items
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        click.echo("the trash is empty")
    for row in rows:
        click.echo(f"{row['id']}  {row['book']:<12} deleted {_age(row['deleted_at'])}  {row['name']}")


@trash.command("restore")
@click.argument("contact_id")
@click.option(
    "--force",
    is_flag=True,
    help="Restore even though a live contact has one of its emails or phones (then merge the two).",
)
@click.pass_obj
@friendly
def trash_restore(obj: Context, contact_id: str, force: bool) -> None:
    """Bring a contact back; the next sync re-creates it on every account (where the brake holds an account's
    delete of it, once you decide)."""
    from .. import admin

    try:
        with obj.store() as store:
            book = admin.restore_from_trash(store, obj.settings, contact_id, force=force)
            names = {a.name for a in obj.settings.book(book).accounts}
            braked = sorted(n for n, st in store.account_status().items() if n in names and st["brake_reason"])
    except admin.RestoreRefused as exc:
        # the command as given would make a duplicate: the admin says otherwise (exit 2, like a wrong command)
        click.echo(f"contactsync: {exc}", err=True)
        raise click.exceptions.Exit(EXIT_USAGE) from None
    # an account the brake holds gets nothing written to its gone items until the admin decides: said here
    waits = (
        f", but not on {', '.join(braked)} if its item there is one of the deletes the brake holds: that waits "
        "until you decide (see `contactsync status`)"
        if braked
        else ""
    )
    click.echo(f"restored {contact_id} in book {book}; the next sync re-creates it on every account{waits}")


# ---------------------------------------------------------------------------------------------------- history
@cli.command()
@click.argument("contact_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@friendly
def history(obj: Context, contact_id: str, as_json: bool) -> None:
    """Every recorded change of one contact (the journal)."""
    with obj.store() as store:
        store.contact(contact_id)
        rows = store.history(contact_id)
    if as_json:
        click.echo(json.dumps([_journal_data(r) for r in rows], indent=2, default=str))
        return
    for r in rows:
        where = f" on {r.account}" if r.account else ""
        what = (
            f" {r.field}: {json.dumps(r.before, ensure_ascii=False)} -> {json.dumps(r.after, ensure_ascii=False)}"
            if r.field
            else ""
        )
        note = f"  ({r.note})" if r.note else ""
        click.echo(f"{r.at:%Y-%m-%d %H:%M:%S}  run {r.run_id or '-'}  {r.action}{where}{what}{note}")


def _journal_data(r: JournalEntry) -> dict[str, Any]:
    """A journal row as ``history --json`` shows it."""
    return {
        "id": r.id,
        "run_id": r.run_id,
        "at": r.at,
        "account": r.account,
        "action": r.action,
        "field": r.field,
        "before": r.before,
        "after": r.after,
        "note": r.note,
    }


# ----------------------------------------------------------------------------------------------------- config
@cli.group(
    cls=LazyGroup,
    lazy={"expand": "contactsync.cli.templates:expand"},  # what each book template expands to
    summaries={
        "expand": "Show what each book template (or those NAMEd) expands to now: the book each person of its "
        "directory gets,\n    the books the daemon's next cycle adds and retires, and who gets no book and why. "
        "Reads the directory and the\n    store; changes nothing unless --apply."
    },
)
def config() -> None:
    """Check the configuration, or print a commented sample."""


@config.command("check")
@click.pass_obj
@friendly
def config_check(obj: Context) -> None:
    """Read the configuration and every secret it names, and report each problem with its file and line (exit
    2), or say it is fine. Secret files other users can read are warned about (world-readable ones are refused
    unless secrets.allow_world_readable is set), and so are book template names built from a sign-in name or an
    email while log.personal_data is false (use {id})."""
    from ..checks import Outcome
    from ..config.checks import personal_name_warnings, secret_file_checks

    settings = obj.load(recheck=True)  # every check, whatever passed before
    accounts = sum(len(b.accounts) for b in settings.books)
    templates = (
        f", {counted(len(settings.templates), 'book template')} (`contactsync config expand`)"
        if settings.templates
        else ""
    )
    click.echo(
        f"{obj.config_path}: ok ({counted(len(settings.books), 'book')}, {counted(accounts, 'account')}{templates})"
    )
    for result in secret_file_checks(settings):
        if result.outcome is not Outcome.PASS:
            fix = f": {result.fix}" if result.fix else ""
            click.echo(f"warning: secret file {result.detail}{fix}", err=True)
    for warning in personal_name_warnings(settings):
        click.echo(f"warning: {warning}", err=True)


@config.command("sample")
@friendly
def config_sample() -> None:
    """Print a commented sample configuration (every key, its description, default and an example)."""
    from ..config.docs import sample_config

    click.echo(sample_config(), nl=False)


# ------------------------------------------------------------------------------------------------- connectors
@cli.command("connectors")
@click.option("--markdown", is_flag=True, help="The options as Markdown tables (the README's connector reference).")
@friendly
def connectors_command(markdown: bool) -> None:
    """List the installed connector types (the values of an account's `type:`) and each one's `options`, from
    its own schema."""
    from ..config.docs import connector_option_rows, connector_options_markdown, status_text, type_text

    for name in registry.available_types():
        try:
            kind = registry.connector_type(name)
        except registry.UnknownConnector as exc:
            click.echo(f"{name}: cannot be loaded ({exc})")
            continue
        if markdown:
            click.echo(connector_options_markdown(name, kind.options_schema))
            continue
        click.echo(f"{name}")
        for key, prop, parent in connector_option_rows(kind.options_schema):
            click.echo(f"  {key:<24} {type_text(prop)}; {status_text(prop, key.rsplit('.', 1)[-1], parent)}")
            if prop.get("description"):
                click.echo(f"      {prop['description']}")


# --------------------------------------------------------------------------------------------------------- db
@cli.group()
def db() -> None:
    """The store's schema."""


@db.command("upgrade")
@click.pass_obj
@friendly
def db_upgrade(obj: Context) -> None:
    """Create the store, or bring its schema up to this version's (stop the daemon first); prints the schema
    revision."""
    with obj.store() as store:
        current, head = store.schema_revision()
    click.echo(f"store schema at {current} (newest {head})")


# ------------------------------------------------------------------------------------------------ auth, discovery
def _account(obj: Context, name: str) -> tuple[AccountSettings, BookSettings]:
    for book in obj.settings.books:
        for account in book.accounts:
            if account.name == name:
                return account, book
    raise click.UsageError(f"no account named {name} in {obj.config_path}")


def _prompt(text: str) -> str:
    answer: str = click.prompt(text, err=True)
    return answer


@cli.command()
@click.argument("names", nargs=-1, required=True, metavar="ACCOUNT")
@click.option("--no-browser", is_flag=True, help="Print the address to open instead of opening a browser (servers).")
@click.pass_obj
@friendly
def auth(obj: Context, names: tuple[str, ...], no_browser: bool) -> None:
    """Sign ACCOUNT's user in, the way its connector type does (a consent page, a device code), and save the
    token (mode 0600). Admin paths (service accounts, app registrations) need none."""
    if len(names) == 2:
        # the spelling before one command dispatched on the account's type (`auth google ACCOUNT`): still
        # accepted, as scripts and older messages use it; the type given must be the account's
        given_type, name = names
    elif len(names) == 1:
        given_type, name = None, names[0]
    else:
        raise click.UsageError("give one account: contactsync auth ACCOUNT")
    account, book = _account(obj, name)
    if given_type is not None and given_type != account.type:
        raise click.UsageError(f"account {name} is of type {account.type}, not {given_type}")
    kind = registry.connector_type(account.type)
    if kind.sign_in is None:
        raise click.UsageError(
            f"account {name} is of type {account.type}, which has no sign-in: its credentials come from the "
            "configuration (see `contactsync config check`)"
        )
    kind.sign_in(registry.SignInRequest(account, book, echo=click.echo, prompt=_prompt, open_browser=not no_browser))
    click.echo(f"account {name}: signed in")


@cli.command()
@click.argument("type_name", metavar="TYPE")
@click.argument("url")
@click.option("--username", "-u", required=True)
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file holding the password (never give a password on the command line).",
)
@click.option("--ca-bundle", type=click.Path(exists=True, dir_okay=False), default=None)
@friendly
def discover(type_name: str, url: str, username: str, password_file: Path | None, ca_bundle: str | None) -> None:
    """List what USERNAME can see on the server at URL (address books, folders) for a connector of type TYPE,
    each with the URL to put in the account's `options.url`."""
    try:
        kind = registry.connector_type(type_name)
    except registry.UnknownConnector as exc:
        raise click.UsageError(str(exc)) from exc
    if kind.discover is None:
        offered = [name for name in registry.available_types() if registry.connector_type(name).discover]
        raise click.UsageError(
            f"connector type {type_name} has nothing to discover (types that do: {', '.join(offered) or 'none'})"
        )
    password = password_file.read_text().strip() if password_file else None
    found = kind.discover(registry.DiscoverRequest(url, username, password=password, ca_bundle=ca_bundle))
    if not found:
        click.echo("nothing found")
    for item in found:
        click.echo(f"{item.url}  {item.display_name}")


def main() -> None:
    collector.pause()  # until the store is open: the modules loaded meanwhile are no garbage (#18)
    from . import compiled_texts

    compiled_texts.install()  # SQLAlchemy's and typing's texts come compiled (#18)
    try:
        cli(prog_name="contactsync")
    finally:
        compiled_texts.uninstall()  # a command that never opened a store, or main() called in-process
        collector.freeze_for_exit()
        # on again if a command that never opened a store (`config check`, `--help`) left it paused: a program that
        # called main() in its own process goes on with its collector as it had it (started after the freeze, so
        # that it does not go over the loaded modules once more)
        collector.restart()


collector.restart()  # a program importing the CLI keeps its collector; main() pauses it again for its command
