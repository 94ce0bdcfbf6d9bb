"""A daemon's runs fall on its schedule's slots, counted from the fixed epoch (the module docstring of
contactsync.daemon.service): not from the daemon's start, nor drifting by each run's jitter. `status` judges a book
late by those slots; a daemon whose runs came a start-up's offset after them was shown LATE, exit 3, for most of
every interval while it ran every book on time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from contactsync.daemon.service import EPOCH, triggers_for
from tests.daemon_support import DaemonProcess, books_yaml, make_book, wait_for
from tests.test_daemon_store_fault import status_json


def _slot_at_or_before(at: datetime, seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=(at - EPOCH).total_seconds() // seconds * seconds)


def test_after_a_run_at_the_daemon_s_start_the_next_fire_is_the_schedule_s_next_slot() -> None:
    fire, due = triggers_for("every 15m", 30)
    start = datetime(2026, 12, 8, 10, 7, 12, tzinfo=UTC)  # a daemon started mid-interval runs every book at once
    following = fire.get_next_fire_time(start, start)
    slot = datetime(2026, 12, 8, 10, 15, tzinfo=UTC)
    assert due.get_next_fire_time(None, start + timedelta(microseconds=1)) == slot
    assert slot <= following <= slot + timedelta(seconds=30), following  # 10:15 and its jitter, not 10:22:12


def test_jitter_does_not_add_up_from_one_run_to_the_next() -> None:
    fire, _due = triggers_for("every 15m", 30)
    at = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    for _ in range(400):  # four days of runs, each fired late by up to its jitter
        at = fire.get_next_fire_time(at, at)
    slot = _slot_at_or_before(at, 900)
    assert at - slot <= timedelta(seconds=30), (slot, at)


def test_a_daemon_started_between_two_slots_runs_the_next_at_its_slot_and_is_never_shown_late(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 2)
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 'store.db'}'}}\ndaemon: {{lease_seconds: 3, jitter_seconds: 0}}\n"
        + books_yaml(tmp_path, ["staff"], schedule="every 12s")
    )
    # start 7 s into a 12-second slot: a run counted from the start comes at the next slot + 7 s, and `status` says
    # LATE from the slot + 3 s (no jitter, a 3-second lease) until then
    while not 6.5 <= (datetime.now(UTC) - EPOCH).total_seconds() % 12 <= 7:
        time.sleep(0.05)
    daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log")
    try:
        wait_for("the first run", lambda: len(list((tmp_path / "staff" / "dst").iterdir())) == 2, timeout=60)
        first_code, first = status_json(config)
        assert first_code == 0, first
        next_slot = _slot_at_or_before(datetime.now(UTC), 12) + timedelta(seconds=12)
        # 5 s past the next slot: the run due then has started (and, two cards, finished)
        time.sleep(max(0.0, (next_slot + timedelta(seconds=5) - datetime.now(UTC)).total_seconds()))
        code, shown = status_json(config)
        assert shown["books"]["staff"]["late"] is None, shown["books"]["staff"]  # type: ignore[index]
        assert code == 0, shown
        ran = datetime.fromisoformat(shown["books"]["staff"]["accounts"]["staff-src"]["last_run_at"])  # type: ignore[index]
        assert next_slot <= ran < next_slot + timedelta(seconds=3), (next_slot, ran)
    finally:
        daemon.stop()
