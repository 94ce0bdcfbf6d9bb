"""An account whose secret cannot be read fails alone: the other accounts, of its book and of the others, sync.

A rotated password file that is not there yet, a systemd credential not loaded, an unset variable: until now the
whole configuration was refused, so one account's secret stopped every book of the organisation. A one-off
`contactsync sync` and the daemon now log the account's problem (file, line, key) as they start, sync the rest,
and the account's runs fail with that message (`status`, exit code 3) until the configuration is read again with
the secret there. `config check` still refuses the file. Real processes against a real Radicale.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contactsync.config import load_settings
from contactsync.errors import ConfigError
from tests.daemon_support import CONTACTSYNC, DaemonProcess, fill, people, wait_for
from tests.system.radicale import PASSWORD, USER, DavUser, Radicale, props


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale.start(tmp_path / "radicale")
    yield server
    server.stop()


def _config(tmp_path: Path, book_url: str, *, schedule: str = "every 1h", secret: str = "dav.pw") -> Path:
    """Book ``team``: a folder of 3 people and a CardDAV account whose password file (``secret``) is not there
    (yet); book ``other``: two folders, the first of 3 people. The password file's key is on line 11. The daemon
    pauses an account after one failed run (the circuit breaker), for 5 minutes."""
    fill(tmp_path / "office", 3, prefix="office")
    fill(tmp_path / "other-src", 3, prefix="other")
    (tmp_path / "other-dst").mkdir()
    config = tmp_path / "c.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}\n"
        "daemon: {jitter_seconds: 0, stop_timeout_seconds: 10, pause_after_failures: 1}\n"
        "books:\n"
        "  - name: team\n"
        f"    schedule: {schedule}\n"
        "    accounts:\n"
        f"      - {{name: office, type: vdir, options: {{path: '{tmp_path / 'office'}'}}}}\n"
        "      - name: dav\n"
        "        type: carddav\n"
        f"        options: {{url: '{book_url}', username: {USER},\n"
        f"                  password_file: '{tmp_path / secret}'}}\n"
        "  - name: other\n"
        f"    schedule: {schedule}\n"
        "    accounts:\n"
        f"      - {{name: other-src, type: vdir, options: {{path: '{tmp_path / 'other-src'}'}}}}\n"
        f"      - {{name: other-dst, type: vdir, options: {{path: '{tmp_path / 'other-dst'}'}}}}\n"
    )
    return config


def _write_secret(tmp_path: Path) -> None:
    secret = tmp_path / "dav.pw"
    secret.write_text(PASSWORD)
    secret.chmod(0o600)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "STATE_DIRECTORY": str(tmp_path / "state")}
    for name in ("CONTACTSYNC_CONFIG", "CREDENTIALS_DIRECTORY"):
        env.pop(name, None)
    return env


def _cli(tmp_path: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONTACTSYNC, "--config", str(config), *args],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _status(tmp_path: Path, config: Path) -> tuple[int, dict[str, Any]]:
    done = _cli(tmp_path, config, "status", "--json")
    return done.returncode, json.loads(done.stdout)


def _dav_emails(book_url: str) -> list[str]:
    user = DavUser(book_url)
    try:
        return sorted(e for _etag, text in user.cards().values() for e in props(text, "EMAIL"))
    finally:
        user.close()


OFFICE = [f"poffice{i}@example.org" for i in range(3)]
OTHER = [f"pother{i}@example.org" for i in range(3)]
PROBLEM = re.compile(
    r"ERROR contactsync\.config: account dav: its secret cannot be read \(.*c\.yaml:11: at "
    r"'books\[0\]\.accounts\[1\]\.options\.password_file': secret file '.*dav\.pw' does not exist: create it "
    r"\(readable by the user contactsync runs as, `chmod 600`\) or correct the path\)"
)


def test_a_sync_without_one_accounts_secret_syncs_the_others_then_that_one_once_it_is_there(
    tmp_path: Path, radicale: Radicale
) -> None:
    book = radicale.new_book("team")
    config = _config(tmp_path, book)

    first = _cli(tmp_path, config, "sync")
    assert first.returncode == 3, first.stderr  # partial: one account failed
    assert PROBLEM.search(first.stderr), first.stderr
    assert "the other accounts sync meanwhile" in first.stderr
    # the other book synced, and so did nothing else of the book whose CardDAV account failed: the office was
    # listed, the account without its secret was never contacted and owes the office's people
    assert people(tmp_path / "other-dst") == OTHER
    assert _dav_emails(book) == []
    code, shown = _status(tmp_path, config)
    assert code == 3
    dav = shown["books"]["team"]["accounts"]["dav"]
    assert dav["result"] == "error"
    assert "its secret cannot be read" in dav["error"] and "books[0].accounts[1].options.password_file" in dav["error"]
    assert dav["pending_writes"] == 3
    assert shown["books"]["other"]["accounts"]["other-dst"]["result"] == "ok"

    # `config check` is where an admin looks: it still refuses the file, naming the line and the key
    check = _cli(tmp_path, config, "config", "check")
    assert check.returncode == 2
    assert "c.yaml:11: at 'books[0].accounts[1].options.password_file'" in check.stderr + check.stdout

    _write_secret(tmp_path)
    second = _cli(tmp_path, config, "sync")
    assert second.returncode == 0, second.stderr
    assert "cannot be read" not in second.stderr
    assert _dav_emails(book) == OFFICE
    code, shown = _status(tmp_path, config)
    assert code == 0, shown
    assert shown["books"]["team"]["accounts"]["dav"]["result"] == "ok"


def test_the_daemon_runs_without_one_accounts_secret_and_a_reload_reads_it(tmp_path: Path, radicale: Radicale) -> None:
    book = radicale.new_book("team")
    config = _config(tmp_path, book, schedule="every 2s")
    daemon = DaemonProcess(["--config", str(config), "run"], tmp_path / "daemon.log", env=_env(tmp_path))
    try:
        # it started, and every other account runs on schedule
        wait_for("the other book's first run", lambda: people(tmp_path / "other-dst") == OTHER)
        wait_for(
            "the CardDAV account's failed run in status",
            lambda: _status(tmp_path, config)[1]["books"]["team"]["accounts"]["dav"]["result"] == "error",
        )
        assert len(PROBLEM.findall(daemon.output())) == 1, daemon.output()  # said as it started, not every cycle
        assert _dav_emails(book) == []
        # the failed run paused the account (the circuit breaker, for 5 minutes): the reload that brings its
        # secret must not leave it waiting that out
        wait_for(
            "the CardDAV account's pause",
            lambda: _status(tmp_path, config)[1]["books"]["team"]["accounts"]["dav"]["circuit"]["state"] == "open",
        )

        _write_secret(tmp_path)
        daemon.signal(signal.SIGHUP)
        wait_for("the office's people on the CardDAV book after the reload", lambda: _dav_emails(book) == OFFICE)
        wait_for(
            "the CardDAV account's run to go well",
            lambda: _status(tmp_path, config)[1]["books"]["team"]["accounts"]["dav"]["result"] == "ok",
        )
        assert daemon.proc.poll() is None
    finally:
        code = daemon.stop()
    assert code == 0, daemon.output()
    assert len(PROBLEM.findall(daemon.output())) == 1
    assert "account dav: its settings changed: tried at its next run (circuit closed)" in daemon.output()


def test_the_log_line_masks_an_address_in_the_secrets_file_name(tmp_path: Path) -> None:
    config = _config(tmp_path, "https://dav.example.org/a/", secret="ana.silva@example.org.pw")
    done = _cli(tmp_path, config, "sync")
    assert done.returncode == 3, done.stderr
    assert "account dav: its secret cannot be read" in done.stderr
    assert "ana.silva" not in done.stderr and "example.org.pw" not in done.stderr, done.stderr
    _, shown = _status(tmp_path, config)
    assert "ana.silva" not in shown["books"]["team"]["accounts"]["dav"]["error"]


def test_a_run_keeps_the_problem_on_the_account_and_the_store_secret_still_refuses_the_file(tmp_path: Path) -> None:
    config = _config(tmp_path, "https://dav.example.org/a/")
    with pytest.raises(ConfigError) as refused:
        load_settings(config)  # `config check`, `doctor` and every command that is not a run
    assert [p.path for p in refused.value.problems] == ["books[0].accounts[1].options.password_file"]

    settings = load_settings(config, defer_unreadable_secrets=True)
    dav = settings.book("team").account("dav")
    (problem,) = dav.unreadable_secrets
    assert (problem.line, problem.path) == (11, "books[0].accounts[1].options.password_file")
    assert dav.secrets == {}
    assert all(not a.unreadable_secrets for b in settings.books for a in b.accounts if a.name != "dav")

    # the store's own secret is every account's: no run without it
    config.write_text(config.read_text().replace(f"url: 'sqlite:///{tmp_path / 's.db'}'", "url: '${NO_SUCH_URL}'"))
    with pytest.raises(ConfigError) as refused:
        load_settings(config, environ={}, defer_unreadable_secrets=True)
    assert [p.path for p in refused.value.problems] == ["store.url"]


def test_accounts_failing_on_one_secret_are_said_in_one_line(tmp_path: Path) -> None:
    # a book template's books share their accounts' secrets: 500 people, one missing file, one log line
    from dataclasses import replace

    from contactsync.cli import unreadable_secrets
    from contactsync.settings import BookSettings

    config = _config(tmp_path, "https://dav.example.org/a/")
    settings = load_settings(config, defer_unreadable_secrets=True)
    dav = settings.book("team").account("dav")
    people = [BookSettings(f"book-{i}", (replace(dav, name=f"dav-{i}"),)) for i in range(5)]
    (line,) = unreadable_secrets(replace(settings, books=(*settings.books, *people)))
    assert line.startswith("6 accounts (dav, dav-0, dav-1, …): its secret cannot be read (")
    assert "c.yaml:11: at 'books[0].accounts[1].options.password_file'" in line


def test_status_tells_a_one_off_sync_from_a_daemon_on_the_stores_lock(tmp_path: Path) -> None:
    # what `status` reads to say whether a daemon runs on a SQLite store: the lock a daemon or a sync holds
    from contactsync.daemon.lock import StoreLock

    lock = StoreLock(tmp_path / "s.db.daemon-lock")
    assert lock.daemon_holds() is False  # no lock file: nothing ever ran here
    holding = StoreLock(lock.path)
    holding.acquire("sync")
    try:
        assert lock.daemon_holds() is False and (lock.holder() or "").startswith("sync ")
    finally:
        holding.release()
    holding.acquire("daemon")
    try:
        assert lock.daemon_holds() is True
    finally:
        holding.release()
    assert lock.daemon_holds() is False  # the lock file stays; nobody holds it
