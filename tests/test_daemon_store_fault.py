"""A daemon whose runs fail where nothing can record it, and a daemon whose writes keep failing: what `status` and
the log say is true (README "Logs" and the `status` table). Real faults: the store on a tmpfs that fills up, a
folder on a tmpfs remounted read-only; every command is a real ``contactsync`` process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from dataclasses import replace
from pathlib import Path

from tests.daemon_support import CONTACTSYNC, DaemonProcess, books_yaml, fill_up, make_book, small_tmpfs, wait_for


def status_json(config: Path) -> tuple[int, dict[str, object]]:
    done = subprocess.run(
        [CONTACTSYNC, "--config", str(config), "status", "--json"], capture_output=True, text=True, timeout=120
    )
    return done.returncode, json.loads(done.stdout)


def bulky_cards(folder: Path, count: int, *, start: int) -> None:
    """Cards with a long note each: more than the store's last few kilobytes can take."""
    for i in range(start, start + count):
        note = os.urandom(300).hex()
        (folder / f"b{i}.vcf").write_text(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:b{i}\r\nN:Bulk{i};Jo;;;\r\nFN:Jo Bulk{i}\r\n"
            f"EMAIL:jo{i}@example.org\r\nNOTE:{note}\r\nEND:VCARD\r\n"
        )


def test_a_daemon_whose_store_fills_up_is_an_error_in_status_and_says_why_in_its_log(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 5)
    with small_tmpfs(tmp_path / "mnt", "3m") as mount:
        config = tmp_path / "contactsync.yaml"
        config.write_text(
            f"store: {{url: 'sqlite:///{mount / 'store.db'}'}}\ndaemon: {{lease_seconds: 10}}\n"
            + books_yaml(tmp_path, ["staff"], schedule="every 2s")
        )
        daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log")
        try:
            wait_for("the first run", lambda: len(list((tmp_path / "staff" / "dst").iterdir())) == 5, timeout=120)
            code, shown = status_json(config)
            assert code == 0, shown
            # the store's file system full but for a few pages: a run is claimed, then cannot record what it read
            fill_up(mount)
            os.truncate(mount / "filler", max(0, (mount / "filler").stat().st_size - 48 * 1024))
            bulky_cards(tmp_path / "staff" / "src", 400, start=0)

            def shown_as_error() -> dict[str, object] | None:
                code, shown = status_json(config)
                dst = shown["books"]["staff"]["accounts"]["staff-dst"]  # type: ignore[index]
                return shown if code == 3 and dst["result"] == "error" else None

            shown = wait_for(
                "status to show the failing runs as an error",
                shown_as_error,
                timeout=120,
                every=1,
                explain=lambda: json.dumps(status_json(config)[1], default=str)[-1500:] + daemon.output()[-3000:],
            )
            dst = shown["books"]["staff"]["accounts"]["staff-dst"]  # type: ignore[index]
            assert "no longer holds the book's lease" in dst["error"]
            assert shown["exit_code"] == 3
            # the log says what to do, as `sync` would, not a traceback per run
            wait_for("the store fault in the log", lambda: "disk holding the store" in daemon.output(), timeout=60)
            log = daemon.output()
            assert "Free some space" in log and "the daemon tries again at each book's next run" in log
            assert "Traceback" not in log and "raised an exception" not in log, log[-3000:]
        finally:
            daemon.stop()
        # space again: the next run goes through and status is ok once more
        (mount / "filler").unlink()
        daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon2.log")
        try:
            wait_for(
                "the cards to arrive once there is space",
                lambda: len(list((tmp_path / "staff" / "dst").iterdir())) == 405,
                timeout=180,
            )
            wait_for("status ok again", lambda: status_json(config)[0] == 0, timeout=60, every=0.5)
        finally:
            daemon.stop()


def test_the_run_line_of_an_account_whose_writes_fail_says_partial(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 3)
    with small_tmpfs(tmp_path / "phone", "1m") as phone:
        config = tmp_path / "contactsync.yaml"
        config.write_text(
            f"store: {{url: 'sqlite:///{tmp_path / 'store.db'}'}}\nlog: {{format: json}}\nbooks:\n  - name: staff\n"
            f"    schedule: every 1s\n    accounts:\n"
            f"      - {{name: office, type: vdir, options: {{path: {tmp_path / 'staff' / 'src'}}}}}\n"
            f"      - {{name: phone, type: vdir, options: {{path: {phone}}}}}\n"
        )
        subprocess.run(["mount", "-o", "remount,ro", str(phone)], check=True)
        daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log")
        try:

            def phone_runs() -> list[dict[str, object]] | None:
                entries = [json.loads(line) for line in daemon.output().splitlines() if line.startswith("{")]
                found = [e for e in entries if e.get("account") == "phone" and "pulled" in e]
                return found if len(found) >= 2 else None

            runs = wait_for("two runs of the read-only phone", phone_runs, timeout=120)
        finally:
            assert daemon.stop() == 0
        assert {r["result"] for r in runs} == {"partial"}, runs
        assert all(r["pending"] == 3 for r in runs)
        code, shown = status_json(config)
        assert code == 3 and shown["books"]["staff"]["accounts"]["phone"]["result"] == "partial"  # type: ignore[index]
        office = [json.loads(line) for line in daemon.output().splitlines() if '"account": "office"' in line]
        assert office and {e["result"] for e in office if "pulled" in e} == {"ok"}


def test_only_the_store_s_own_errors_are_logged_as_store_faults(tmp_path: Path) -> None:
    """A full temporary folder under the engine's spill (plain sqlite3) or a folder a connector writes is no store
    fault: their errors keep their traceback instead of advice about the store's disk (review of c7fa5ef)."""
    import errno
    import sqlite3

    import sqlalchemy as sa

    from contactsync.cli import daemon_fault_advice

    where = f"sqlite:///{tmp_path / 'store.db'}"
    spill = sqlite3.OperationalError("database or disk is full")
    spill.sqlite_errorcode = sqlite3.SQLITE_FULL
    assert daemon_fault_advice(spill, where) is None
    assert daemon_fault_advice(OSError(errno.ENOSPC, "No space left on device", "/srv/phone/a.vcf"), where) is None
    store_error = sa.exc.OperationalError("INSERT INTO links …", {}, spill)
    said = daemon_fault_advice(store_error, where)
    assert said is not None and "disk holding the store" in said and "database or disk is full" in said


def test_a_live_daemon_that_cannot_even_start_a_book_s_run_shows_the_book_late(tmp_path: Path) -> None:
    """A store so full that the claim itself fails leaves no run row behind: before, `status` showed the last run
    that went well, "next run due since …", and exited 0 (session note of 2026-12-07, seventh part, "Left")."""
    make_book(tmp_path, "staff", 3)
    with small_tmpfs(tmp_path / "mnt", "3m") as mount:
        config = tmp_path / "contactsync.yaml"
        config.write_text(
            f"store: {{url: 'sqlite:///{mount / 'store.db'}'}}\ndaemon: {{lease_seconds: 4, jitter_seconds: 0}}\n"
            + books_yaml(tmp_path, ["staff"], schedule="every 2s")
        )
        daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log")
        try:
            wait_for("the first run", lambda: len(list((tmp_path / "staff" / "dst").iterdir())) == 3, timeout=120)
            wait_for("status ok", lambda: status_json(config)[0] == 0, timeout=60, every=0.5)
            # not a page left: a claim (the run's row, the book's lease) cannot be written
            fill_up(mount)
            for name in ("store.db-wal", "store.db-shm"):
                if (mount / name).exists():
                    fill_up(mount, f"more-{name}")
            wait_for(
                "a claim refused in the log",
                lambda: "could not start its run" in daemon.output(),
                timeout=60,
                explain=lambda: daemon.output()[-3000:],
            )

            def shown_late() -> dict[str, object] | None:
                code, shown = status_json(config)
                return shown if code == 3 else None

            shown = wait_for(
                "status to show the book late",
                shown_late,
                timeout=60,
                every=1,
                explain=lambda: json.dumps(status_json(config)[1], default=str)[-2000:] + daemon.output()[-2000:],
            )
            book = shown["books"]["staff"]  # type: ignore[index]
            assert book["state"] == "failing"
            assert book["late"]["missed_slots"] >= 1
            assert shown["summary"]  # the book is counted among those failing
            text = subprocess.run(
                [CONTACTSYNC, "--config", str(config), "status"], capture_output=True, text=True, timeout=120
            )
            assert text.returncode == 3
            assert "LATE" in text.stdout and "the daemon's log says why" in text.stdout, text.stdout
        finally:
            daemon.stop()
        # space again: the daemon's next slot goes through and the book is on time again
        for filler in mount.glob("*filler*"):
            filler.unlink()
        for filler in mount.glob("more-*"):
            filler.unlink()
        daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon2.log")
        try:
            wait_for("status ok again", lambda: status_json(config)[0] == 0, timeout=60, every=0.5)
        finally:
            daemon.stop()


def test_a_book_added_to_the_file_the_running_daemon_never_read_is_late_until_it_reloads(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 2)
    make_book(tmp_path, "sales", 2)
    config = tmp_path / "contactsync.yaml"
    head = f"store: {{url: 'sqlite:///{tmp_path / 'store.db'}'}}\ndaemon: {{lease_seconds: 3, jitter_seconds: 0}}\n"
    config.write_text(head + books_yaml(tmp_path, ["staff"], schedule="every 2s"))
    daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log")
    try:
        wait_for("the first run", lambda: len(list((tmp_path / "staff" / "dst").iterdir())) == 2, timeout=120)
        # a second book written into the file; the daemon is not told (no SIGHUP)
        config.write_text(head + books_yaml(tmp_path, ["staff", "sales"], schedule="every 2s"))
        _, shown = status_json(config)
        assert shown["books"]["staff"]["late"] is None  # type: ignore[index]

        def late() -> dict[str, object] | None:
            code, shown = status_json(config)
            return shown if code == 3 and shown["books"]["sales"]["late"] else None  # type: ignore[index]

        shown = wait_for("the new book shown late", late, timeout=60, every=0.5)
        assert shown["books"]["sales"]["late"]["known_to_daemon"] is False  # type: ignore[index]
        assert shown["books"]["staff"]["late"] is None  # type: ignore[index]
        text = subprocess.run([CONTACTSYNC, "--config", str(config), "status"], capture_output=True, text=True)
        assert "systemctl reload contactsync" in text.stdout, text.stdout
        daemon.signal(signal.SIGHUP)
        wait_for("the new book's first run", lambda: len(list((tmp_path / "sales" / "dst").iterdir())) == 2, 120)
        wait_for("status ok once it runs", lambda: status_json(config)[0] == 0, timeout=60, every=0.5)
    finally:
        daemon.stop()


def test_runs_are_counted_missed_only_past_the_jitter_and_a_lease_s_time() -> None:
    from datetime import UTC, datetime, timedelta

    from contactsync.daemon.service import slots_missed

    due = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    every_15m = {"jitter_s": 30.0, "lease_s": 120.0}
    # the run expected at 10:00 counts once its jitter (30 s) and a lease's time (120 s) have passed
    assert slots_missed("every 15m", due, due + timedelta(minutes=2, seconds=29), **every_15m) == 0
    assert slots_missed("every 15m", due, due + timedelta(minutes=2, seconds=31), **every_15m) == 1
    assert slots_missed("every 15m", due, due + timedelta(minutes=17, seconds=31), **every_15m) == 2
    assert slots_missed("every 15m", due, due + timedelta(hours=2), **every_15m) == 8  # 10:00, then 10:15 … 11:45
    assert slots_missed("every 15m", due, due + timedelta(days=3), **every_15m) == 10  # counted up to 10
    # a cron schedule's jitter is a minute at most: 10:00 counts at 10:03, 11:00 at 11:03
    assert slots_missed("0 * * * *", due, due + timedelta(minutes=2, seconds=59), jitter_s=600, lease_s=120) == 0
    assert slots_missed("0 * * * *", due, due + timedelta(minutes=63, seconds=1), jitter_s=600, lease_s=120) == 2


def test_a_book_waiting_behind_another_s_run_or_a_restart_s_catch_up_is_not_late() -> None:
    """On SQLite the daemon has one worker: a book queued behind a long run is waiting, not failing (review of
    3dea5f6). Judged only while the daemon is idle: nothing leased, nothing started or finished for a lease's time."""
    from datetime import UTC, datetime, timedelta

    from contactsync.cli import _daemon_idle, _late
    from contactsync.settings import BookSettings, Settings
    from contactsync.store import Lease

    at = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    settings = Settings(books=(BookSettings("staff", (), schedule="every 15m"),), store_url="sqlite://")
    book = settings.books[0]
    waiting = Lease("staff", None, None, at - timedelta(minutes=40), None, at - timedelta(minutes=55), "vm:1")
    big_run = Lease("big", "vm:1", at + timedelta(seconds=60), None, at - timedelta(minutes=50), None, "vm:1")
    hour_ago = at - timedelta(hours=1)
    assert not _daemon_idle({"staff": waiting, "big": big_run}, at, settings)
    assert _late(book, waiting, at, hour_ago, settings, daemon_idle=False) is None
    # the same book with the daemon idle for longer than a lease: late, three runs missed (11:20, 11:35, 11:50)
    done = replace(big_run, owner=None, expires_at=None, last_finished_at=at - timedelta(minutes=30))
    assert _daemon_idle({"staff": waiting, "big": done}, at, settings)
    late = _late(book, waiting, at, hour_ago, settings, daemon_idle=True)
    assert late == {"due_since": waiting.next_due_at, "missed_slots": 3, "known_to_daemon": True}
    # a daemon started a minute ago has had no time to run a book due for two days
    assert (
        _late(
            book,
            replace(waiting, next_due_at=at - timedelta(days=2)),
            at,
            at - timedelta(minutes=1),
            settings,
            daemon_idle=True,
        )
        is None
    )
