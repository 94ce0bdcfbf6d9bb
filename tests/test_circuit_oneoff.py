"""The circuit breaker seen by an admin: a real daemon pauses a failing vdir account, then one-off
``contactsync sync`` runs (what the systemd timer runs) fail or succeed, and ``status`` tells the truth each time.

The fault is real: the account's folder is missing (a transient fault the engine retries 2, 4 and 8 s before the
run counts as failed); then the folder is created and the account works again.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.daemon_support import CONTACTSYNC, DaemonProcess, books_yaml, make_book, uids, wait_for


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CONTACTSYNC, "-c", str(config), *args], capture_output=True, text=True, timeout=120)


def _status(config: Path) -> tuple[int, dict[str, Any]]:
    done = _cli(config, "status", "--json")
    return done.returncode, json.loads(done.stdout)


def _flaky_config(tmp_path: Path, store_url: str | None = None) -> tuple[Path, Path]:
    """A book whose first account's folder is missing (the fault), paused after one failed run for an hour."""
    store_url = store_url or f"sqlite:///{tmp_path / 's.db'}"
    make_book(tmp_path, "ok", 2)
    missing = tmp_path / "not-there"
    config = tmp_path / "c.yaml"
    config.write_text(
        f"store: {{url: '{store_url}'}}\n"
        "daemon: {jitter_seconds: 0, pause_after_failures: 1, pause_seconds: 3600}\n"
        + books_yaml(tmp_path, ["ok"], schedule="every 1s")
        + f"""  - name: flaky
    schedule: every 1s
    accounts:
      - {{name: flaky-a, type: vdir, options: {{path: {missing}}}}}
      - {{name: flaky-b, type: vdir, options: {{path: {tmp_path / "ok" / "src"}}}}}
"""
    )
    return config, missing


def _paused_by_a_daemon(tmp_path: Path, config: Path, *, paused_runs: int = 1) -> str:
    """Run a real daemon until the failing account is paused and sat ``paused_runs`` runs out; its log."""
    daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "d.log")
    try:
        wait_for("the circuit opened", lambda: "paused after 1 failed run in a row" in daemon.output(), timeout=90)
        wait_for("paused runs", lambda: daemon.output().count("account=flaky-a result=paused") >= paused_runs)
    finally:
        assert daemon.stop() == 0
    return daemon.output()


def test_paused_runs_log_no_fresh_failure_and_status_shows_the_failure_behind_the_pause(tmp_path: Path) -> None:
    config, _ = _flaky_config(tmp_path)
    log = _paused_by_a_daemon(tmp_path, config, paused_runs=2)
    # the failed run said why, once, as an error; the paused runs that followed contacted nothing and say so
    # quietly: no fresh "listing failed" per cycle
    assert log.count("account=flaky-a result=error") == 1
    # (a missing folder is a ConnectorError, not retried: e182942)
    assert len(re.findall(r" ERROR .*account flaky-a: listing failed \(", log)) == 1, log
    paused_lines = [line for line in log.splitlines() if "account flaky-a: paused by the circuit breaker" in line]
    assert len(paused_lines) >= 2 and all(" INFO " in line for line in paused_lines), paused_lines

    # status: paused, and why (the last failure), not only "paused by the circuit breaker"
    code, status = _status(config)
    flaky = status["books"]["flaky"]["accounts"]["flaky-a"]
    assert code == 3 and flaky["circuit"]["state"] == "open" and flaky["circuit"]["failures"] == 1
    assert flaky["error"].startswith("paused by the circuit breaker")  # what the last (paused) run recorded
    assert flaky["circuit"]["last_failure"] == "the folder of account 'flaky-a' does not exist"
    plain = _cli(config, "status")
    assert plain.returncode == 3
    assert "PAUSED (circuit breaker) after 1 failed run in a row; next try in " in plain.stdout
    assert "    last failure: the folder of account 'flaky-a' does not exist\n" in plain.stdout
    assert "error: paused by" not in plain.stdout  # said once, on the PAUSED line

    # a one-off sync tries every account (the admin asked for it): it still fails and says so in its exit code,
    # but it is no run of the daemon's schedule: the pause stays as the daemon set it, neither counted nor longer
    retry_at = flaky["circuit"]["retry_at"]
    tried = _cli(config, "sync", "--book", "flaky")
    assert tried.returncode == 3
    # the log says why a paused account was contacted, before the failure it met
    said = [line for line in tried.stderr.splitlines() if "this sync tries it now" in line]
    assert len(said) == 1 and " INFO " in said[0], tried.stderr
    assert "account flaky-a: paused by the circuit breaker after 1 failed run in a row; next try after" in said[0]
    assert tried.stderr.index("this sync tries it now") < tried.stderr.index("listing failed")
    code, status = _status(config)
    flaky = status["books"]["flaky"]["accounts"]["flaky-a"]
    assert code == 3 and flaky["result"] == "error"
    assert flaky["error"] == "the folder of account 'flaky-a' does not exist"
    assert flaky["circuit"] == {
        "state": "open",
        "failures": 1,
        "retry_at": retry_at,
        "last_failure": "the folder of account 'flaky-a' does not exist",
    }


def test_a_one_off_sync_that_works_closes_the_breaker_a_daemon_opened(tmp_path: Path, store_url: str) -> None:
    """The admin stops the daemon (moving to the systemd timer), fixes the fault and runs `contactsync sync`: the
    account works, so status says so, exit 0, instead of PAUSED and exit 3 until some daemon runs it again. On
    PostgreSQL the sync runs under the daemons' leases (another code path): the same."""
    config, missing = _flaky_config(tmp_path, store_url)
    _paused_by_a_daemon(tmp_path, config)
    assert _status(config)[0] == 3
    missing.mkdir()
    fixed = _cli(config, "sync")
    assert fixed.returncode == 0, fixed.stderr
    assert "account flaky-a: paused by the circuit breaker" in fixed.stderr
    assert "account flaky-a: works again (circuit closed by a one-off sync)" in fixed.stderr
    assert len(uids(missing)) == 2
    code, status = _status(config)
    flaky = status["books"]["flaky"]["accounts"]["flaky-a"]
    assert flaky["result"] == "ok" and flaky["error"] is None
    assert flaky["circuit"] == {"state": "closed", "failures": 0, "retry_at": None, "last_failure": None}
    assert code == 0, status
    assert "PAUSED" not in _cli(config, "status").stdout


def test_a_one_off_sync_that_works_starts_the_count_of_failed_runs_again(tmp_path: Path) -> None:
    """Below the threshold: a daemon's failed run counts one; a one-off sync that works ends the row, so the
    daemon's next failure is the first in a row again, not one nearer the pause."""
    config, missing = _flaky_config(tmp_path)
    config.write_text(config.read_text().replace("pause_after_failures: 1", "pause_after_failures: 5"))
    daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "d.log")
    try:
        wait_for("a failed run", lambda: "account=flaky-a result=error" in daemon.output(), timeout=90)
    finally:
        assert daemon.stop() == 0
    code, status = _status(config)
    circuit = status["books"]["flaky"]["accounts"]["flaky-a"]["circuit"]
    assert code == 3 and circuit["state"] == "closed" and circuit["failures"] >= 1
    missing.mkdir()
    assert _cli(config, "sync").returncode == 0
    code, status = _status(config)
    assert status["books"]["flaky"]["accounts"]["flaky-a"]["circuit"]["failures"] == 0
    assert code == 0, status
