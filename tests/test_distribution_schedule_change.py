"""A distribution's changed ``schedule`` applies at once, as a book's does (tests/test_daemon_schedule_change.py).

- A cycle's own claims, on SQLite and PostgreSQL: the plan's and the targets' next due time stored under a longer
  schedule holds them back no later than the new schedule's first slot after their last start; under an unchanged
  schedule another instance of the shared store still finds this slot's cycle done.
- A real ``contactsync run``: a daemon restarted (or reloaded) from ``every 1h`` to ``every 2s`` runs a cycle at
  once, where it waited for the next whole hour.
"""

from __future__ import annotations

import signal
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from contactsync.settings import AccountMode
from contactsync.store import Store
from tests.daemon_support import DaemonProcess, fill, wait_for
from tests.distribution.support import distribution, distributor, vdir_account
from tests.test_daemon_schedule_change import every

PLAN = "distribute:company"
TARGET = "distribute:company/ana"


def test_a_shorter_schedule_is_not_held_back_by_the_due_time_a_longer_one_stored(
    tmp_path: Path, store_url: str
) -> None:
    fill(tmp_path / "directory", 3)
    source = replace(vdir_account("directory", tmp_path / "directory"), mode=AccountMode.PULL_ONLY)
    settings = distribution(source, [(vdir_account("ana", tmp_path / "ana"), None)])
    # slots counted from a second ago: the hourly one is nearly an hour away, a one-second one comes at once
    anchor = datetime.now(UTC) - timedelta(seconds=1)
    hourly, each_second = every(3600, anchor), every(1, anchor)
    with Store.open(store_url) as store:
        dist = distributor(store, settings)
        first = dist.run_cycle("i1", 30, next_due=hourly(datetime.now(UTC)), next_slot=hourly, give_up_s=10)
        assert first.plan is not None and [t.account for t in first.targets] == ["ana"]
        leases = store.leases()
        assert leases[PLAN].next_due_at == leases[TARGET].next_due_at == anchor + timedelta(hours=1)
        # the same schedule: this slot's cycle is done, for this instance and for any other
        same = dist.run_cycle("i2", 30, next_due=hourly(datetime.now(UTC)), next_slot=hourly, give_up_s=10)
        assert same.plan is None and same.targets == [] and same.left == []
        # the hour is not waited for
        time.sleep(1.1)  # a slot of the new schedule has come since the last cycle's start
        shorter = dist.run_cycle("i2", 30, next_due=each_second(datetime.now(UTC)), next_slot=each_second, give_up_s=10)
        assert shorter.plan is not None and [t.account for t in shorter.targets] == ["ana"]
        assert {store.leases()[k].last_owner for k in (PLAN, TARGET)} == {"i2"}


# ------------------------------------------------------------------------------------- a real daemon process
def _config(tmp_path: Path, url: str, schedule: str) -> Path:
    config = tmp_path / "c.yaml"
    config.write_text(
        f"""store: {{url: '{url}'}}
daemon: {{jitter_seconds: 0}}
distribute:
  - name: company
    source: directory
    container: Company directory
    schedule: {schedule}
    default_region: BR
    targets: [ana]
    accounts:
      - {{name: directory, type: vdir, mode: pull-only, options: {{path: {tmp_path / "directory"}}}}}
      - {{name: ana, type: vdir, options: {{path: {tmp_path / "ana"}}}}}
"""
    )
    return config


def _cycles_started(url: str) -> datetime | None:
    """When the last cycle that ran its target started (None: none has)."""
    with Store.open(url) as store:
        lease = store.leases().get(TARGET)
        return lease.last_started_at if lease is not None and lease.next_due_at is not None else None


def _hourly_cycle_done(tmp_path: Path, url: str) -> tuple[Path, datetime]:
    """A cycle run by a daemon on ``every 1h``, stopped: the store holds the next slot up to an hour away."""
    fill(tmp_path / "directory", 3)
    (tmp_path / "ana").mkdir()
    config = _config(tmp_path, url, "every 1h")
    daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "hourly.log")
    try:
        started = wait_for("the first cycle", lambda: _cycles_started(url))
    finally:
        assert daemon.stop() == 0
    with Store.open(url) as store:
        assert store.leases()[TARGET].next_due_at.strftime("%M:%S.%f") == "00:00.000000"  # type: ignore[union-attr]
    assert len(list((tmp_path / "ana").glob("*.vcf"))) == 3
    return config, started


def test_a_restart_with_a_shorter_schedule_runs_a_cycle_at_once(tmp_path: Path, store_url: str) -> None:
    config, first = _hourly_cycle_done(tmp_path, store_url)
    config = _config(tmp_path, store_url, "every 2s")
    daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "short.log")
    try:
        # the slot up to an hour away is not waited for (an unfixed daemon runs nothing here)
        second = wait_for("a cycle under the new schedule", lambda: (_cycles_started(store_url) or first) > first, 20)
        assert second
        after = _cycles_started(store_url)
        assert after is not None
        wait_for("the next 2-second slot's cycle", lambda: (_cycles_started(store_url) or after) > after, 20)
    finally:
        assert daemon.stop() == 0


def test_a_reload_to_a_shorter_schedule_runs_a_cycle_at_its_first_slot(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    fill(tmp_path / "directory", 3)
    (tmp_path / "ana").mkdir()
    config = _config(tmp_path, url, "every 1h")
    daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "d.log")
    try:
        first = wait_for("the first cycle", lambda: _cycles_started(url))
        _config(tmp_path, url, "every 2s")
        daemon.signal(signal.SIGHUP)
        wait_for("the reload", lambda: "configuration reloaded" in daemon.output())
        wait_for("a cycle under the new schedule", lambda: (_cycles_started(url) or first) > first, 20)
    finally:
        assert daemon.stop() == 0
