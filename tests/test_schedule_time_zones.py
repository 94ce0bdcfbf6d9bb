"""Daemons in different time zones sharing one PostgreSQL store run a cron-scheduled book once a slot.

A cron schedule's slot is read in the host's own time zone: ``0 2 * * *`` is 02:00 UTC on a host in UTC and 01:00
UTC on one in Berlin. The claim may bring a stored due time forward to the schedule in force (a shortened schedule
applies at once), but each such instance would then find its own 02:00 earlier than the one the other stored, and
run the book twice every night (found in review with this very scenario). So a daemon passes no schedule to the
claim for a cron schedule on a shared store: the time stored by whoever ran last is honoured, as before. An
interval schedule's slots are counted from a fixed epoch, the same on every host, and a SQLite store has one
daemon at a time: both still apply a shortened schedule at once (tests/test_daemon_schedule_change.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

from contactsync.daemon.records import DaemonRecords
from contactsync.daemon.service import Daemon, DaemonOptions, triggers_for
from contactsync.settings import AccountSettings, BookSettings, Settings
from contactsync.store import Store

BOOK = BookSettings("b", (AccountSettings("b-one", "memory"),))


def _daemon(store: Store, instance: str, zone: str) -> Daemon:
    """A daemon of ``instance`` on ``store`` whose host reads ``0 2 * * *`` in ``zone``."""
    settings = Settings(books=(BOOK,), store_url="sqlite://")
    daemon = Daemon(settings, DaemonOptions(jitter_s=0, instance=instance), load=lambda: settings)
    daemon.store = store
    daemon._due_triggers["b"] = CronTrigger(hour="2", minute="0", timezone=ZoneInfo(zone))
    return daemon


def _nights(url: str) -> list[str]:
    """Four nights of two daemons, one in UTC (A) and one in Berlin (B), each trying the book at its own 02:00."""
    with Store.open(url) as store:
        records = DaemonRecords(store)
        records.ensure_books([BOOK])
        a, b = _daemon(store, "A", "UTC"), _daemon(store, "B", "Europe/Berlin")
        day0 = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=2)
        tries = [(day0 + timedelta(hours=2, seconds=5), a)]
        for n in range(1, 4):
            day = day0 + timedelta(days=n)
            tries += [(day + timedelta(hours=1, seconds=5), b), (day + timedelta(hours=2, seconds=5), a)]
        runs = []
        for at, daemon in tries:
            name = daemon.options.instance
            claim = records.claim("b", ["b-one"], name, 60, at=at, start_run=True, next_slot=daemon._slot_in_force("b"))
            if claim:
                runs.append(f"{at:%d %H}h {name}")
                records.release("b", name, next_due_at=daemon.next_due("b", at), finished=True)
        return runs


@pytest.mark.postgres
def test_two_daemons_in_different_time_zones_run_a_nightly_book_once_a_night(pg_url: str) -> None:
    runs = _nights(pg_url)
    assert len(runs) == 4, runs  # one run a night, whichever daemon's 02:00 it was: never two
    assert len({r.split("h")[0] for r in runs}) == 4, runs


def test_a_shared_store_applies_a_changed_interval_schedule_and_a_sqlite_one_any(pg_url: str) -> None:
    with Store.open(pg_url) as store:
        daemon = _daemon(store, "A", "UTC")
        assert daemon._slot_in_force("b") is None  # cron on a shared store: the stored time is honoured
        daemon._due_triggers["b"] = triggers_for("every 10m", 0)[1]
        assert daemon._slot_in_force("b") is not None
    with Store.open("sqlite://") as alone:
        assert _daemon(alone, "A", "UTC")._slot_in_force("b") is not None
