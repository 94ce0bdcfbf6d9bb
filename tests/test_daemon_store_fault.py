"""A daemon whose runs fail where nothing can record it, and a daemon whose writes keep failing: what `status` and
the log say is true (README "Logs" and the `status` table). Real faults: the store on a tmpfs that fills up, a
folder on a tmpfs remounted read-only; every command is a real ``contactsync`` process."""

from __future__ import annotations

import json
import os
import subprocess
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
