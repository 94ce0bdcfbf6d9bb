"""A changed ``schedule`` applies at once, and a run still going at its next slot is said in the daemon's words.

- The claim's own rule, on SQLite and PostgreSQL: a next due time stored under a longer schedule holds a book back
  no later than the new schedule's first slot after the book's last start; an unchanged schedule still skips a slot
  whose run is done (every instance of a shared store relies on it), and a refused claim leaves the earlier time
  stored, which ``status`` shows.
- A real ``contactsync run``: a daemon restarted (or reloaded) from ``every 1h`` to ``every 2s`` runs the book at once
  and ``status`` shows the new schedule's next slot; restarted with the same schedule it says why it does not run.
- A real ``contactsync run`` with a book whose CardDAV server answers one byte a second (the run lasts past several
  slots) and a second book waiting behind it for the only worker: each gets one line of the daemon's, never
  APScheduler's "maximum number of running instances reached".
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from contactsync.daemon.records import DaemonRecords
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store
from tests.daemon_support import CONTACTSYNC, DaemonProcess, books_yaml, fill, make_book, wait_for
from tests.test_net_edges import SlowServer

BOOK = BookSettings("b", (AccountSettings("b-one", "memory"), AccountSettings("b-two", "memory")))
ACCOUNTS = ("b-one", "b-two")


def every(seconds: int, anchor: datetime) -> Callable[[datetime], datetime | None]:
    """A schedule's first slot strictly after a time: every ``seconds`` counted from ``anchor``."""

    def next_slot(after: datetime) -> datetime:
        return anchor + timedelta(seconds=seconds * (int((after - anchor).total_seconds()) // seconds + 1))

    return next_slot


def _anchor() -> datetime:
    # whole seconds, a little ahead: the claims' times are given (at=), their leases end after them
    return datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)


def _ran_once_under(records: DaemonRecords, hourly: Callable[[datetime], datetime | None], at: datetime) -> None:
    """The book run at ``at`` under an hourly schedule, its next due time stored as the daemon stores it."""
    claim = records.claim("b", ACCOUNTS, "i1", 60, at=at, start_run=True, next_slot=hourly)
    assert claim
    records.release("b", "i1", next_due_at=hourly(at), finished=True)


def test_a_shorter_schedule_is_not_held_back_by_the_due_time_a_longer_one_stored(store_url: str) -> None:
    anchor = _anchor()
    hourly, half_hourly = every(3600, anchor), every(1800, anchor)
    with Store.open(store_url) as store:
        records = DaemonRecords(store)
        records.ensure_books([BOOK])
        _ran_once_under(records, hourly, anchor + timedelta(minutes=5))
        assert records.leases()["b"].next_due_at == anchor + timedelta(hours=1)
        # the same schedule: this slot's run is done, for this instance and for any other
        assert records.claim("b", ACCOUNTS, "i2", 60, at=anchor + timedelta(minutes=10), next_slot=hourly).not_due
        assert records.leases()["b"].next_due_at == anchor + timedelta(hours=1)
        # half-hourly now: the slot after the last run's start is at :30, the stored :00 is not waited for. Claimed
        # past it in one go, with the run started, as a daemon claims (PostgreSQL's one-statement claim refuses on the
        # stored time; the claim then takes the book by its general statements, on the rows it locked)
        claim = records.claim(
            "b", ACCOUNTS, "i2", 60, at=anchor + timedelta(minutes=30, seconds=1), start_run=True, next_slot=half_hourly
        )
        assert claim and claim.run_id is not None and claim.fence is not None
        assert records.leases()["b"].owner == "i2"
        assert {a.owner for a in records.account_leases().values()} == {"i2"}


def test_a_claim_refused_before_the_new_schedules_slot_leaves_that_slot_stored(store_url: str) -> None:
    anchor = _anchor()
    hourly, half_hourly = every(3600, anchor), every(1800, anchor)
    with Store.open(store_url) as store:
        records = DaemonRecords(store)
        records.ensure_books([BOOK])
        _ran_once_under(records, hourly, anchor + timedelta(minutes=5))
        at = anchor + timedelta(minutes=10)
        assert records.claim("b", ACCOUNTS, "i2", 60, at=at, start_run=True, next_slot=half_hourly).not_due
        # what status shows from now on: the slot the schedule in force gives, not the old one
        assert records.leases()["b"].next_due_at == anchor + timedelta(minutes=30)
        assert records.leases()["b"].owner is None
        # the longer schedule, where an instance still runs it, takes the earlier time as it is
        assert records.claim("b", ACCOUNTS, "i1", 60, at=at, next_slot=hourly).not_due
        assert records.claim("b", ACCOUNTS, "i1", 60, at=anchor + timedelta(minutes=31), next_slot=hourly)


# ------------------------------------------------------------------------------------- a real daemon process
def _status(config: Path) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [CONTACTSYNC, "-c", str(config), "status", "--json"], capture_output=True, text=True, timeout=60
    )
    return json.loads(done.stdout)["books"]["b"]  # type: ignore[no-any-return]


def _finished_runs(url: str) -> int:
    with Store.open(url) as store:
        return sum(1 for r in store.runs("b") if r["status"] == "ok")


def _next_run_in(config: Path) -> timedelta:
    return datetime.fromisoformat(_status(config)["next_run_at"]) - datetime.now(UTC)


def _next_run_on_the_hour(config: Path) -> bool:
    """``every 1h``'s slots are whole hours (counted from a fixed epoch)."""
    return datetime.fromisoformat(_status(config)["next_run_at"]).strftime("%M:%S.%f") == "00:00.000000"


def _config(tmp_path: Path, url: str, schedule: str) -> Path:
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: '{url}'}}\n" + books_yaml(tmp_path, ["b"], schedule=schedule))
    return config


def _hourly_run_done(tmp_path: Path, url: str) -> Path:
    """The book run once by a daemon on ``every 1h``, stopped: the store holds the next slot an hour away."""
    make_book(tmp_path, "b", 2)
    config = _config(tmp_path, url, "every 1h")
    daemon = DaemonProcess(["-c", str(config), "run", "--jitter", "0"], tmp_path / "hourly.log")
    try:
        wait_for("the first run", lambda: _finished_runs(url) == 1)
    finally:
        assert daemon.stop() == 0
    assert _next_run_on_the_hour(config)
    return config


def test_a_restart_with_a_shorter_schedule_runs_at_once_and_status_follows_the_new_schedule(
    tmp_path: Path, store_url: str
) -> None:
    config = _hourly_run_done(tmp_path, store_url)
    # the same schedule again: nothing to run in this slot, and the log says so, with the next slot
    same = DaemonProcess(["-c", str(config), "run", "--jitter", "0"], tmp_path / "same.log")
    try:
        wait_for("the reason logged", lambda: "book b: not run now: its run for this slot is done" in same.output())
    finally:
        assert same.stop() == 0
    assert _finished_runs(store_url) == 1
    config = _config(tmp_path, store_url, "every 2s")
    daemon = DaemonProcess(["-c", str(config), "run", "--jitter", "0"], tmp_path / "short.log")
    try:
        # the slot an hour away is not waited for (an unfixed daemon runs nothing here, and says nothing)
        wait_for("a run under the new schedule", lambda: _finished_runs(store_url) >= 2, timeout=20)
        assert _next_run_in(config) <= timedelta(seconds=2)
        wait_for("the next 2-second slot run", lambda: _finished_runs(store_url) >= 3, timeout=20)
    finally:
        assert daemon.stop() == 0


def test_a_reload_to_a_shorter_schedule_runs_the_book_at_its_first_slot(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    make_book(tmp_path, "b", 2)
    config = _config(tmp_path, url, "every 1h")
    daemon = DaemonProcess(["-c", str(config), "run", "--jitter", "0"], tmp_path / "d.log")
    try:
        wait_for("the first run", lambda: _finished_runs(url) == 1)
        assert _next_run_on_the_hour(config)
        _config(tmp_path, url, "every 2s")
        daemon.signal(signal.SIGHUP)
        wait_for("the reload", lambda: "configuration reloaded: 1 books" in daemon.output())
        wait_for("a run under the new schedule", lambda: _finished_runs(url) >= 2, timeout=20)
        assert _next_run_in(config) <= timedelta(seconds=2)
    finally:
        assert daemon.stop() == 0


def test_a_run_still_going_at_its_next_slot_is_said_once_in_the_daemons_own_words(tmp_path: Path) -> None:
    """One worker; book ``slow`` reads a CardDAV server that answers one byte a second (its run outlasts many
    2-second slots), book ``quick`` waits behind it for the worker."""
    make_book(tmp_path, "quick", 2)
    fill(tmp_path / "slow", 2)
    with SlowServer() as server:
        config = tmp_path / "c.yaml"
        config.write_text(
            f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n"
            "daemon: {jitter_seconds: 0, workers: 1, stop_timeout_seconds: 1}\n"
            + books_yaml(tmp_path, ["quick"], schedule="every 2s")
            + f"""  - name: slow
    schedule: every 2s
    accounts:
      - {{name: slow-dir, type: vdir, options: {{path: '{tmp_path / "slow"}'}}}}
      - {{name: slow-dav, type: carddav, options: {{url: '{server.url}/dav/', timeout: 60}}}}
"""
        )
        daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "d.log")
        try:
            wait_for("the slow book's skipped slot", lambda: "book slow: still running since" in daemon.output())
            waiting = "book quick: still waiting for a free worker"
            wait_for("the waiting book's skipped slot", lambda: waiting in daemon.output())
            time.sleep(5)  # more slots pass: still one line each, the run goes on
            assert server.connections >= 1
        finally:
            daemon.kill()
    output = daemon.output()
    assert output.count("book slow: still running since") == 1, output
    assert output.count("book quick: still waiting for a free worker") == 1, output
    assert "maximum number of running instances" not in output and "_run_book" not in output, output
    assert "INFO contactsync.daemon: book slow: still running since" in output


def test_the_schedulers_other_lines_still_come_through(caplog: pytest.LogCaptureFixture) -> None:
    from contactsync.daemon.service import _SchedulerLog

    scheduler_log = _SchedulerLog(logging.getLogger("apscheduler.scheduler"))
    with caplog.at_level(logging.DEBUG, logger="apscheduler"):
        scheduler_log.warning(
            'Execution of job "%s" skipped: maximum number of running instances reached (%d)', "Daemon._run_book", 1
        )
        scheduler_log.error('Executor lookup ("%s") failed for job "%s" -- removing it from the job store', "x", "y")
        scheduler_log.warning("Run time of job %s was missed by %s", "z", "0:00:01")
    assert [(r.name, r.levelname) for r in caplog.records] == [
        ("apscheduler.scheduler", "ERROR"),
        ("apscheduler.scheduler", "WARNING"),
    ]
