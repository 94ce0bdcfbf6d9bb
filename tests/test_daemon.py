"""``contactsync run`` end to end: a real daemon process on vdir folders, signals, systemd's notify socket."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import CONTACTSYNC, DaemonProcess, books_yaml, make_book, people, uids, wait_for
from tests.ports import free_port


def _runs(db: Path) -> list[tuple[str, str]]:
    with Store.open(f"sqlite:///{db}") as store, store.engine.connect() as conn:
        return [(r.book, r.status) for r in conn.execute(sa.select(t.runs).order_by(t.runs.c.id))]


def _status(config: Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    done = subprocess.run(
        [CONTACTSYNC, "-c", str(config), "status", "--json"], capture_output=True, text=True, timeout=60
    )
    return done.returncode, json.loads(done.stdout)


def test_started_like_the_unit_it_notifies_ready_syncs_serves_metrics_and_stops_cleanly(tmp_path: Path) -> None:
    """As systemd starts it: config in $CONFIGURATION_DIRECTORY, store in $STATE_DIRECTORY, a notify socket
    and a watchdog; READY=1 arrives, the book is synced, WATCHDOG=1 follows, SIGTERM ends it with exit 0."""
    conf_dir, state_dir = tmp_path / "etc", tmp_path / "state"
    conf_dir.mkdir()
    state_dir.mkdir(mode=0o700)
    make_book(tmp_path, "staff", 5)
    (conf_dir / "config.yaml").write_text(books_yaml(tmp_path, ["staff"], schedule="every 1h"))
    sock_path = tmp_path / "notify.sock"
    port = free_port()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(sock_path))
        sock.settimeout(60)
        env = {
            "NOTIFY_SOCKET": str(sock_path),
            "WATCHDOG_USEC": "1000000",
            "CONFIGURATION_DIRECTORY": str(conf_dir),
            "STATE_DIRECTORY": str(state_dir),
            "CONTACTSYNC_METRICS": f"127.0.0.1:{port}",
        }
        env.pop("CONTACTSYNC_CONFIG", None)
        daemon = DaemonProcess(["run", "--jitter", "0"], tmp_path / "daemon.log", env=env)
        try:
            messages: list[str] = []
            while not any("READY=1" in m for m in messages):
                messages.append(sock.recv(4096).decode())
            ready = next(m for m in messages if "READY=1" in m)
            assert f"MAINPID={daemon.pid}" in ready and "STATUS=" in ready
            wait_for("the book synced", lambda: len(uids(tmp_path / "staff" / "dst")) == 5)
            while not any(m == "WATCHDOG=1" for m in messages):
                messages.append(sock.recv(4096).decode())

            def scrape() -> str | None:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
                    text: str = response.read().decode()
                # the run's counters and the store's gauges are set one after the other (record_run, then
                # record_state): a scrape may fall between the two, so both are waited for
                counted = 'contactsync_runs_total{book="staff",result="ok"} 1.0' in text
                return text if counted and 'contactsync_tag_members_store{account="staff-dst"' in text else None

            body = wait_for("a run counted in the metrics and the tags' gauges set", scrape)
            assert 'contactsync_writes_total{account="staff-dst",kind="create"} 5.0' in body
            assert 'contactsync_tag_members_store{account="staff-dst",tag="Team"} 5.0' in body
            daemon.signal(signal.SIGTERM)
            while not any("STOPPING=1" in m for m in messages):
                messages.append(sock.recv(4096).decode())
            assert daemon.stop() == 0
        finally:
            daemon.kill()
    log = daemon.output()
    assert (state_dir / "contactsync.db").exists()
    # one summary line per account per run, with counts and ids only
    assert (
        "run book=staff account=staff-dst result=ok pulled=0 created=5 updated=0 deleted=0 conflicts=0 "
        "quarantined=0 pending=0 requests=" in log
    )
    assert "Person" not in log and "example.org" not in log


def test_a_second_daemon_on_the_same_sqlite_store_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    make_book(tmp_path, "b", 1)
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n" + books_yaml(tmp_path, ["b"]))
    first = DaemonProcess(["-c", str(config), "run", "--jitter", "0"], tmp_path / "first.log")
    try:
        wait_for("the first daemon's run", lambda: _runs(tmp_path / "s.db"))
        second = subprocess.run([CONTACTSYNC, "-c", str(config), "run"], capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert f"another contactsync daemon (pid {first.pid}) already runs on the store" in second.stderr
        assert first.proc.poll() is None
    finally:
        assert first.stop() == 0


def test_sighup_reloads_a_valid_config_and_refuses_an_invalid_one(tmp_path: Path) -> None:
    make_book(tmp_path, "one", 2)
    make_book(tmp_path, "two", 3)
    config = tmp_path / "c.yaml"
    head = f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n"
    config.write_text(head + books_yaml(tmp_path, ["one"]))
    daemon = DaemonProcess(["-c", str(config), "run", "--jitter", "0"], tmp_path / "d.log")
    try:
        wait_for("book one synced", lambda: len(uids(tmp_path / "one" / "dst")) == 2)
        config.write_text(head + "books: [{name: two, accounts: [{name: x, type: vdir, bogus: 1}]}]\n")
        daemon.signal(signal.SIGHUP)
        wait_for("the refusal logged", lambda: "configuration reload refused" in daemon.output())
        assert "at 'books[0].accounts[0]" in daemon.output()
        config.write_text(head + books_yaml(tmp_path, ["one", "two"]))
        daemon.signal(signal.SIGHUP)
        wait_for("book two synced after the reload", lambda: len(uids(tmp_path / "two" / "dst")) == 3)
        assert "configuration reloaded: 2 books" in daemon.output()
        assert daemon.proc.poll() is None
    finally:
        assert daemon.stop() == 0


def test_sigterm_mid_run_commits_the_batch_in_flight_and_the_next_daemon_finishes_without_duplicates(
    tmp_path: Path,
) -> None:
    count = 1100  # three batches per account (vdir writes 500 at a time)
    make_book(tmp_path, "big", count)
    config = tmp_path / "c.yaml"
    db = tmp_path / "s.db"
    config.write_text(f"store: {{url: 'sqlite:///{db}'}}\n" + books_yaml(tmp_path, ["big"]))
    daemon = DaemonProcess(["-c", str(config), "run", "--jitter", "0"], tmp_path / "d1.log")

    def first_batch_committed() -> bool:
        with Store.open(f"sqlite:///{db}") as store, store.engine.connect() as conn:
            return bool(
                conn.execute(
                    sa.select(sa.func.count()).select_from(t.journal).where(t.journal.c.action.like("push-%"))
                ).scalar_one()
            )

    try:
        wait_for("the first batch committed", first_batch_committed, timeout=60, every=0.01)
        daemon.signal(signal.SIGTERM)
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    with Store.open(f"sqlite:///{db}") as store:
        status = _runs(db)[0][1]
        assert status in ("interrupted", "ok")
        if status == "interrupted":
            assert "run stopped at a batch boundary" in daemon.output()
        # every card in the destination is one the store knows it wrote: nothing half-recorded
        linked = store.link_index("big-dst")
        assert {p.name for p in (tmp_path / "big" / "dst").glob("*.vcf")} <= set(linked)
    if status == "interrupted":
        again = DaemonProcess(["-c", str(config), "run", "--jitter", "0"], tmp_path / "d2.log")
        try:
            wait_for("the rest written by the next daemon", lambda: _runs(db)[-1][1] == "ok", timeout=90)
        finally:
            assert again.stop() == 0
    assert people(tmp_path / "big" / "dst") == sorted(f"pc{i}@example.org" for i in range(count))


def test_the_circuit_breaker_pauses_a_failing_account_and_status_says_so(tmp_path: Path) -> None:
    make_book(tmp_path, "ok", 2)
    broken = tmp_path / "not-there"
    config = tmp_path / "c.yaml"
    # the daemon's settings from the file; a command-line option overrides one of them (--pause)
    daemon_keys = "daemon: {jitter_seconds: 0, pause_after_failures: 1, pause_seconds: 60}\n"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n"
        + daemon_keys
        + books_yaml(tmp_path, ["ok"], schedule="every 1s")
        + f"""  - name: flaky
    schedule: every 1s
    accounts:
      - {{name: flaky-a, type: vdir, options: {{path: {broken}}}}}
      - {{name: flaky-b, type: vdir, options: {{path: {tmp_path / "ok" / "dst"}}}}}
"""
    )
    daemon = DaemonProcess(["-c", str(config), "run", "--pause", "3600"], tmp_path / "d.log")
    try:
        # a missing folder is a transient fault: the engine retries it twice (2 s, 4 s) before the run counts as failed
        wait_for("the circuit opened", lambda: "paused after 1 failed run in a row" in daemon.output())
        code, status = _status(config)
        flaky = status["books"]["flaky"]["accounts"]["flaky-a"]
        assert flaky["circuit"]["state"] == "open" and flaky["circuit"]["failures"] == 1
        assert code == 3
        paused_for = datetime.fromisoformat(flaky["circuit"]["retry_at"]) - datetime.now(UTC)
        assert timedelta(minutes=50) < paused_for <= timedelta(hours=1)  # --pause won over pause_seconds
        # paused runs neither count as failures nor touch the platform; the other book carries on
        wait_for("a paused run", lambda: "account=flaky-a result=paused" in daemon.output())
        assert "account=ok-dst result=ok" in daemon.output()
        plain = subprocess.run([CONTACTSYNC, "-c", str(config), "status"], capture_output=True, text=True, timeout=60)
        assert "PAUSED (circuit breaker) after 1 failed run in a row" in plain.stdout
    finally:
        assert daemon.stop() == 0
    _, status = _status(config)
    assert status["books"]["flaky"]["accounts"]["flaky-a"]["circuit"]["failures"] == 1


@pytest.mark.skipif(not os.path.exists("/proc/self/fd"), reason="needs Linux")
def test_status_shows_next_run_and_the_tag_table(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 3, tags="Team,Board")
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n" + books_yaml(tmp_path, ["staff"]))
    daemon = DaemonProcess(["-c", str(config), "run", "--jitter", "0"], tmp_path / "d.log")
    try:
        wait_for("the tag check", lambda: "tag_mismatches=0" in daemon.output())
        code, status = _status(config)
        assert status["daemon_running"] is True
        assert status["books"]["staff"]["next_run_at"] is not None
        plain = subprocess.run([CONTACTSYNC, "-c", str(config), "status"], capture_output=True, text=True, timeout=60)
        assert "next run in " in plain.stdout and "no daemon" not in plain.stdout
    finally:
        assert daemon.stop() == 0
    code, status = _status(config)
    assert code == 0
    book = status["books"]["staff"]
    assert book["next_run_at"] is not None and book["running_on"] is None
    tags = {row["tag"]: row["accounts"] for row in book["tags"]}
    assert tags["Team"]["staff-dst"] == {"platform": 3, "store": 3, "verdict": "ok", "stale": False}
    assert tags["Board"]["staff-src"] == {"platform": 3, "store": 3, "verdict": "ok", "stale": False}
    # the daemon stopped: its next run stays in the store, but nothing runs at that time unless a daemon does
    assert status["daemon_running"] is False
    plain = subprocess.run([CONTACTSYNC, "-c", str(config), "status"], capture_output=True, text=True, timeout=60)
    assert "no daemon runs on this store: no run comes until one starts" in plain.stdout
    assert "; a daemon would run it in " in plain.stdout and "next run in " not in plain.stdout
    assert "3 / 3" in plain.stdout
