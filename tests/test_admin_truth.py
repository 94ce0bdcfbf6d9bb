"""Issue #16: what the admin sees (status, exit codes, messages, logs) is true, with the real faults: a sync killed
with SIGKILL, a full filesystem (a small tmpfs), a read-only filesystem (a tmpfs remounted ro), a corrupt store
file, a second sync and a daemon holding the store. Every command runs as a real ``contactsync`` process."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.daemon_support import CONTACTSYNC, DaemonProcess, books_yaml, fill, fill_up, make_book, small_tmpfs, wait_for

SURNAME = "Souzaquaresma"  # a family name that must never reach a log line or the terminal


def run_cli(
    config: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONTACTSYNC, "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def named_cards(folder: Path, count: int, *, start: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + count):
        (folder / f"n{i}.vcf").write_text(
            "\r\n".join(
                [
                    "BEGIN:VCARD",
                    "VERSION:3.0",
                    f"UID:n{i}",
                    f"N:{SURNAME};Ana{i};;;",
                    f"FN:Ana{i} {SURNAME}",
                    f"EMAIL;TYPE=WORK:ana{i}.{SURNAME.lower()}@example.org",
                    "CATEGORIES:Team",
                    "END:VCARD",
                    "",
                ]
            )
        )


def write_config(root: Path, store: Path, *, books: tuple[str, ...] = ("staff",), extra: str = "") -> Path:
    config = root / "contactsync.yaml"
    config.write_text(f"store:\n  url: sqlite:///{store}\n{extra}" + books_yaml(root, books))
    return config


def status_json(config: Path) -> tuple[int, dict[str, object]]:
    done = run_cli(config, "status", "--json")
    return done.returncode, json.loads(done.stdout)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs: a filesystem that really fills up (and can be remounted read-only)."""
    with small_tmpfs(tmp_path / "mnt", "2m") as mount:
        yield mount


# ------------------------------------------------------------------------------------------------ point 1
def test_status_after_a_sync_killed_mid_run_shows_it_interrupted_with_the_outbox_as_it_is(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 3000)
    store = tmp_path / "store.db"
    config = write_config(tmp_path, store)
    proc = subprocess.Popen(
        [CONTACTSYNC, "--config", str(config), "sync"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def some_written() -> int:
        if not store.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as db:
                return int(db.execute("select count(*) from links").fetchone()[0])
        except sqlite3.Error:
            return 0

    try:
        wait_for("the sync to record links", some_written, timeout=120, every=0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    with sqlite3.connect(store) as db:
        (running,) = db.execute("select count(*) from runs where status = 'running'").fetchone()
        (owed,) = db.execute("select count(*) from outbox where account = 'staff-dst'").fetchone()
        (linked,) = db.execute("select count(*) from links where account = 'staff-src'").fetchone()
    assert running == 1 and linked > 0  # the store as the killed process left it

    code, shown = status_json(config)
    account = shown["books"]["staff"]["accounts"]["staff-dst"]  # type: ignore[index]
    assert account["result"] == "interrupted" and "did not finish" in account["error"]
    assert account["pending_writes"] == owed
    assert shown["books"]["staff"]["accounts"]["staff-src"]["contacts"] == linked  # type: ignore[index]
    assert code == shown["exit_code"] == 3
    human = run_cli(config, "status")
    assert human.returncode == 3 and "interrupted" in human.stdout

    # the next sync holds the store's lock: the dead run is marked abandoned, then everything is done
    assert run_cli(config, "sync").returncode == 0
    with sqlite3.connect(store) as db:
        statuses = [r[0] for r in db.execute("select status from runs order by id")]
    assert statuses == ["abandoned", "ok"]
    code, shown = status_json(config)
    assert code == 0 and shown["books"]["staff"]["accounts"]["staff-dst"]["pending_writes"] == 0  # type: ignore[index]


def test_a_book_never_run_is_not_ok_and_status_creates_no_store_and_reads_no_secret(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 2)
    store = tmp_path / "state" / "store.db"
    extra_account = (
        "      - {name: dav, type: carddav, options: {url: 'https://dav.example.org/a/', username: a, "
        f"password_file: {tmp_path / 'missing-password'}}}}}\n"
    )
    config = write_config(tmp_path, store, extra="")
    config.write_text(config.read_text() + extra_account)
    done = run_cli(config, "status", "--json")
    assert done.returncode == 5, done.stderr
    shown = json.loads(done.stdout)
    assert shown["store_exists"] is False
    assert {a["result"] for a in shown["books"]["staff"]["accounts"].values()} == {"never run"}
    assert not store.exists() and not store.parent.exists()
    assert "no store yet" in run_cli(config, "status").stdout
    # sync does need the secret: it says which file is missing, with file and line, and syncs the other accounts
    # (tests/test_unreadable_secret.py); the account without its secret fails the run: exit 3, not 0
    partial = run_cli(config, "sync")
    assert partial.returncode == 3 and "missing-password" in partial.stderr and "contactsync.yaml:" in partial.stderr


# ------------------------------------------------------------------------------------------------ point 2
def test_a_one_off_sync_checks_tag_counts_like_the_daemon(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 5, tags="Team")
    config = write_config(tmp_path, tmp_path / "store.db")
    assert run_cli(config, "sync").returncode == 0
    code, shown = status_json(config)
    tags = shown["books"]["staff"]["tags"]  # type: ignore[index]
    assert code == 0 and [t["tag"] for t in tags] == ["Team"]
    assert {n: c["platform"] for n, c in tags[0]["accounts"].items()} == {"staff-src": 5, "staff-dst": 5}


# ------------------------------------------------------------------------------------------------ point 3
def test_a_second_sync_and_a_sync_beside_the_daemon_exit_6_saying_what_to_do(tmp_path: Path) -> None:
    from contactsync.daemon.lock import StoreLock

    make_book(tmp_path, "staff", 2)
    store = tmp_path / "store.db"
    config = write_config(tmp_path, store)
    lock = StoreLock.for_url(f"sqlite:///{store}")
    assert lock is not None
    lock.acquire("sync")  # another `contactsync sync` (this test process) holds the store
    try:
        second = run_cli(config, "sync")
    finally:
        lock.release()
    assert second.returncode == 6 and "wait for it to finish" in second.stderr

    daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log")
    try:
        wait_for("the daemon to take the store", lambda: "started" in daemon.output(), timeout=60)
        beside = run_cli(config, "sync")
    finally:
        daemon.stop()
    assert beside.returncode == 6 and "Stop the daemon first" in beside.stderr


@pytest.mark.parametrize("room", [0, 256 * 1024], ids=["full-before-the-run", "fills-up-mid-run"])
def test_a_full_disk_exits_7_and_names_no_one(tmpfs: Path, tmp_path: Path, room: int) -> None:
    named_cards(tmp_path / "staff" / "src", 20)
    (tmp_path / "staff" / "dst").mkdir()
    store = tmpfs / "store.db"
    config = write_config(tmp_path, store)
    assert run_cli(config, "sync").returncode == 0
    named_cards(tmp_path / "staff" / "src", 3000, start=20)
    # fill the filesystem but ``room`` bytes: the store's writes get ENOSPC from the kernel, at once or mid-run
    # (then SQLite's error comes from an INSERT whose parameters are names and emails)
    fill_up(tmpfs)
    if room:
        os.truncate(tmpfs / "filler", max(0, (tmpfs / "filler").stat().st_size - room))
    done = run_cli(config, "-v", "sync")
    assert done.returncode == 7, done.stdout + done.stderr
    assert "disk holding the store" in done.stderr and "Free some space" in done.stderr
    assert SURNAME.lower() not in (done.stdout + done.stderr).lower()
    # the same in the JSON log's exc field
    config.write_text(config.read_text().replace("store:\n", "log: {format: json}\nstore:\n", 1))
    done = run_cli(config, "-v", "sync")
    assert done.returncode == 7
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert any("exc" in entry for entry in lines)
    assert SURNAME.lower() not in done.stderr.lower()
    assert run_cli(config, "status").returncode != 0


def test_a_read_only_store_exits_8_and_status_suggests_no_db_upgrade(tmpfs: Path, tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 3)
    store = tmpfs / "store.db"
    config = write_config(tmp_path, store)
    assert run_cli(config, "sync").returncode == 0
    fill(tmp_path / "staff" / "src", 5, prefix="more")
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    done = run_cli(config, "sync")
    assert done.returncode == 8, done.stdout + done.stderr
    assert "cannot be written" in done.stderr
    # status still reads it (as immutable: nothing can change it), says it is read-only, and exits 8
    shown = run_cli(config, "status")
    assert "db upgrade" not in shown.stdout + shown.stderr
    assert shown.returncode == 8 and "is read-only" in shown.stdout and "staff-dst" in shown.stdout, shown.stderr
    code, data = status_json(config)
    assert code == 8 and data["store_read_only"] is True
    assert data["books"]["staff"]["accounts"]["staff-dst"]["contacts"] == 3  # type: ignore[index]


def test_a_corrupt_store_exits_9_with_restore_advice(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 3)
    store = tmp_path / "store.db"
    store.write_bytes(b"this is not a database " * 400)
    config = write_config(tmp_path, store)
    for command in ("sync", "status"):
        done = run_cli(config, command)
        assert done.returncode == 9, done.stdout + done.stderr
        assert "damaged" in done.stderr and "contactsync restore" in done.stderr
        assert "db upgrade" not in done.stderr


# ------------------------------------------------------------------------------------------------ point 4
def test_a_dry_run_creates_no_store_and_writes_nothing_to_an_existing_one(tmp_path: Path) -> None:
    named_cards(tmp_path / "staff" / "src", 4)
    (tmp_path / "staff" / "dst").mkdir()
    store = tmp_path / "state" / "store.db"
    config = write_config(tmp_path, store)
    done = run_cli(config, "sync", "--dry-run")
    assert done.returncode == 0 and "would create" in done.stdout, done.stdout + done.stderr
    assert not store.parent.exists()
    assert run_cli(config, "sync").returncode == 0
    named_cards(tmp_path / "staff" / "src", 2, start=4)
    before = store.read_bytes()
    done = run_cli(config, "sync", "--dry-run")
    assert done.returncode == 0 and "would create" in done.stdout
    assert store.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "staff" / "dst").iterdir()).__len__() == 4


# ------------------------------------------------------------------------------------------------ point 6
def test_secret_files_other_users_can_read_are_warned_about_or_refused(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 1)
    secret = tmp_path / "dav-password"
    secret.write_text("pw\n")
    config = write_config(tmp_path, tmp_path / "store.db")
    config.write_text(
        config.read_text()
        + "      - {name: dav, type: carddav, options: {url: 'https://dav.example.org/a/', username: a, "
        f"password_file: {secret}}}}}\n"
    )
    secret.chmod(0o644)
    refused = run_cli(config, "config", "check")
    assert refused.returncode == 2 and f"chmod 600 {secret}" in refused.stderr and "contactsync.yaml:" in refused.stderr
    secret.chmod(0o640)
    warned = run_cli(config, "config", "check")
    assert warned.returncode == 0 and "can be read by its group" in warned.stderr
    secret.chmod(0o600)
    clean = run_cli(config, "config", "check")
    assert clean.returncode == 0 and "warning" not in clean.stderr
    secret.chmod(0o644)
    config.write_text("secrets: {allow_world_readable: true}\n" + config.read_text())
    allowed = run_cli(config, "config", "check")
    assert allowed.returncode == 0 and "every user" in allowed.stderr


# ------------------------------------------------------------------------------------------------ point 8
@pytest.mark.parametrize("command", ["sync", "run"])
def test_sync_and_run_create_the_default_state_directory_with_mode_0700(tmp_path: Path, command: str) -> None:
    make_book(tmp_path, "staff", 2)
    config = tmp_path / "contactsync.yaml"
    config.write_text(books_yaml(tmp_path, ["staff"]))  # no store: the documented default
    home = tmp_path / "home"
    home.mkdir()
    # only HOME says where: the variables default_store_url reads first are left out
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_STATE_HOME", "STATE_DIRECTORY")}
    state = home / ".local" / "state" / "contactsync"
    if command == "sync":
        done = subprocess.run(
            [CONTACTSYNC, "--config", str(config), "sync"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, "HOME": str(home)},
        )
        assert done.returncode == 0, done.stdout + done.stderr
    else:
        daemon = DaemonProcess(
            ["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log", env={"HOME": str(home)}
        )
        try:
            wait_for("the daemon to start", lambda: "started" in daemon.output(), timeout=60)
        finally:
            assert daemon.stop() == 0, daemon.output()
    assert (state / "contactsync.db").exists()
    assert state.stat().st_mode & 0o777 == 0o700


# ------------------------------------------------------------------------------------------------ point 10
@pytest.mark.parametrize("url", ["not a url", "ftp://dav.example.org/a/", "https:///no-host"])
def test_account_urls_are_checked_by_config_check_with_file_and_line(tmp_path: Path, url: str) -> None:
    make_book(tmp_path, "staff", 1)
    config = write_config(tmp_path, tmp_path / "store.db")
    config.write_text(
        config.read_text()
        + f"      - {{name: dav, type: carddav, options: {{url: '{url}', username: a, password: '${{PW}}'}}}}\n"
    )
    done = run_cli(config, "config", "check", env={"PW": "x"})
    line = len(config.read_text().splitlines())
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"contactsync.yaml:{line}: at 'books[0].accounts[2].options.url'" in done.stderr


def test_a_problem_found_after_loading_gets_the_file_and_line_of_its_key(tmp_path: Path) -> None:
    from contactsync.config import load_settings, locate
    from contactsync.errors import ConfigError, ConfigProblem

    make_book(tmp_path, "staff", 1)
    config = write_config(tmp_path, tmp_path / "store.db")
    settings = load_settings(config)
    found = locate(ConfigError([ConfigProblem("", None, "books[0].accounts[1].options.path", "bad")]), settings)
    (problem,) = found.problems
    text = config.read_text().splitlines()
    assert problem.file == str(config) and "staff-dst" in text[(problem.line or 0) - 1]


# ------------------------------------------------------------------------------------------------ point 15
def test_under_journald_human_lines_carry_the_syslog_priority_and_elsewhere_a_timestamp(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 2)
    config = write_config(tmp_path, tmp_path / "store.db")
    log = tmp_path / "stderr.log"
    with log.open("wb") as err:
        st = os.fstat(err.fileno())
        env = {**os.environ, "JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"}
        subprocess.run(
            [CONTACTSYNC, "--config", str(config), "-vv", "sync"],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            timeout=120,
            check=True,
        )
    lines = log.read_text().splitlines()
    assert lines and all(line.startswith(("<6>", "<4>", "<3>", "<7>")) for line in lines), lines
    plain = run_cli(config, "-vv", "sync")
    first = plain.stderr.splitlines()[0]
    assert first[:4].isdigit() and "T" in first.split(" ")[0], first


def test_the_json_log_of_the_daemon_is_json_on_every_line_with_run_counts_as_fields(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 3)
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 'store.db'}'}}\nlog: {{format: json}}\n"
        + books_yaml(tmp_path, ["staff"], schedule="every 1s")
    )
    daemon = DaemonProcess(["--config", str(config), "run", "--jitter", "0"], tmp_path / "daemon.log")
    try:
        wait_for("a run line", lambda: '"account": "staff-dst"' in daemon.output(), timeout=60)
    finally:
        assert daemon.stop() == 0
    entries = [json.loads(line) for line in daemon.output().splitlines()]
    runs = [e for e in entries if e.get("account") == "staff-dst" and "pulled" in e]
    assert runs and runs[0]["book"] == "staff" and isinstance(runs[0]["created"], int)


# ------------------------------------------------------------------------------------------------ point 14
def test_version_and_help_on_every_command() -> None:
    import click

    from contactsync.cli import cli

    version = subprocess.run([CONTACTSYNC, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("contactsync ")

    def walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
        yield path, command
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))

    for path, command in walk(cli, ()):
        assert (command.help or "").strip(), f"`contactsync {' '.join(path)}` has no --help text"


def test_the_connectors_command_lists_each_type_with_its_options() -> None:
    done = subprocess.run([CONTACTSYNC, "connectors"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for name in ("carddav", "google", "outlook", "vdir"):
        assert name in done.stdout
    assert "path" in done.stdout  # vdir's option, from its schema


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


# ------------------------------------------------------------------------------------------------ point 12
def test_vdir_keeps_the_mode_of_a_card_file_it_rewrites(tmp_path: Path) -> None:
    named_cards(tmp_path / "staff" / "src", 1)
    (tmp_path / "staff" / "dst").mkdir()
    config = write_config(tmp_path, tmp_path / "store.db")
    assert run_cli(config, "sync").returncode == 0
    (copy,) = (tmp_path / "staff" / "dst").glob("*.vcf")
    copy.chmod(0o644)
    card = tmp_path / "staff" / "src" / "n0.vcf"
    card.write_text(card.read_text().replace("CATEGORIES:Team", "CATEGORIES:Team\r\nTITLE:Engineer"))
    assert run_cli(config, "sync").returncode == 0
    assert "Engineer" in copy.read_text()
    assert copy.stat().st_mode & 0o777 == 0o644


# ------------------------------------------------------------------------------------------- points 1 and 11
def test_writes_a_full_folder_refused_are_one_warning_and_status_is_not_ok(tmpfs: Path, tmp_path: Path) -> None:
    named_cards(tmp_path / "staff" / "src", 300)
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path / 'store.db'}'}}\nbooks:\n  - name: staff\n    accounts:\n"
        f"      - {{name: office, type: vdir, options: {{path: {tmp_path / 'staff' / 'src'}}}}}\n"
        f"      - {{name: phone, type: vdir, options: {{path: {tmpfs}}}}}\n"
    )
    fill_up(tmpfs)  # the phone's folder: a full filesystem
    done = run_cli(config, "sync")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "still owed 300" in done.stdout
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line and "phone" in line]
    assert len(warnings) == 1 and "300 writes failed (Transient)" in warnings[0], done.stderr
    code, shown = status_json(config)
    phone = shown["books"]["staff"]["accounts"]["phone"]  # type: ignore[index]
    assert (phone["result"], phone["pending_writes"], phone["failed_writes"]) == ("partial", 300, 300)
    assert "No space left on device" in phone["error"]
    assert code == 3


# ------------------------------------------------------------------------------------------------ point 13
def _on_a_terminal(config: Path, *, journald: bool = False) -> tuple[int, str, str]:
    """``contactsync sync`` with its stderr on a pseudo-terminal: (exit code, stdout, what the terminal got).
    With ``journald``, JOURNAL_STREAM names that terminal, as systemd names the journal's stream."""
    import pty
    import threading

    master, slave = pty.openpty()
    seen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"}
    if journald:
        st = os.fstat(slave)
        env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
    done = subprocess.run(
        [CONTACTSYNC, "--config", str(config), "sync"],
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**env, "TERM": "xterm", "COLUMNS": "120"},
        timeout=300,
    )
    os.close(slave)
    reader.join(10)
    os.close(master)
    return done.returncode, done.stdout.decode(), seen.decode(errors="replace")


def test_a_progress_display_on_a_terminal_and_none_in_a_pipe_or_under_journald(tmp_path: Path) -> None:
    make_book(tmp_path, "staff", 1500)
    config = write_config(tmp_path, tmp_path / "store.db")
    code, stdout, shown = _on_a_terminal(config)
    assert code == 0
    assert "written / planned" in shown and "staff-dst" in shown and "listed" in shown, shown[-2000:]
    assert "book staff: ok" in stdout  # the report itself is unchanged, on stdout

    fill(tmp_path / "staff" / "src", 50, prefix="later")
    piped = run_cli(config, "sync")
    assert piped.returncode == 0 and "written / planned" not in piped.stderr

    fill(tmp_path / "staff" / "src", 50, prefix="journal")
    code, _, shown = _on_a_terminal(config, journald=True)
    assert code == 0 and "written / planned" not in shown


def test_the_readme_documents_every_connector_s_options_as_generated() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    begin = readme.index("<!-- BEGIN connector options")
    block = readme[begin : readme.index("<!-- END connector options -->")]
    generated = subprocess.run([CONTACTSYNC, "connectors", "--markdown"], capture_output=True, text=True, check=True)
    assert generated.stdout.strip() in block, "regenerate with `contactsync connectors --markdown`"
    assert "### `type: vdir`" in block and "| `path` |" in block


# ------------------------------------------------------------------------------------------------ point 15
def test_library_lines_go_through_the_same_json_formatter_redacted() -> None:
    import io
    import logging

    import sqlalchemy as sa

    from contactsync.logs import setup_logging
    from contactsync.settings import LogFormat

    handler = setup_logging(LogFormat.JSON, "INFO", 0)
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    handler.setStream(buffer)
    try:
        # APScheduler's own warning, as it words it when a run is still going at the next slot
        logging.getLogger("apscheduler.scheduler").warning(
            'Execution of job "run" skipped: maximum number of running instances reached (1)'
        )
        engine = sa.create_engine("sqlite://")
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("insert into nowhere values (:name)"), {"name": SURNAME})
        except sa.exc.OperationalError:
            logging.getLogger("contactsync.engine").exception("writing failed")
    finally:
        handler.setStream(sys.stderr)
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [e["logger"] for e in lines] == ["apscheduler.scheduler", "contactsync.engine"]
    assert "maximum number of running instances" in lines[0]["msg"]
    assert "no such table: nowhere" in lines[1]["exc"] and SURNAME not in buffer.getvalue()


def test_status_after_a_sync_killed_on_postgresql_shows_it_interrupted_once_its_lease_ran_out(
    tmp_path: Path, pg_url: str
) -> None:
    from contactsync.store import Store

    make_book(tmp_path, "staff", 3000)
    config = tmp_path / "contactsync.yaml"
    config.write_text(f"store: {{url: '{pg_url}'}}\ndaemon: {{lease_seconds: 2}}\n" + books_yaml(tmp_path, ["staff"]))
    proc = subprocess.Popen(
        [CONTACTSYNC, "--config", str(config), "sync"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def some_written() -> int:
        try:
            with Store.open(pg_url, upgrade=False) as store:
                return store.link_count("staff-src")
        except Exception:
            return 0

    try:
        wait_for("the sync to record links", some_written, timeout=120, every=0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    with Store.open(pg_url, upgrade=False) as store:
        owed = store.outbox_count("staff-dst")
        assert store.runs("staff", limit=1)[0]["status"] == "running"

    def interrupted() -> tuple[int, dict[str, object]] | None:
        code, shown = status_json(config)
        account = shown["books"]["staff"]["accounts"]["staff-dst"]  # type: ignore[index]
        return (code, account) if account["result"] == "interrupted" else None

    # while the dead run's lease lasts, status names its holder; then the run shows as interrupted
    code, account = wait_for("the run shown interrupted", interrupted, timeout=60, every=0.5)
    assert code == 3 and account["pending_writes"] == owed  # type: ignore[index]
    assert run_cli(config, "sync").returncode == 0
    with Store.open(pg_url, upgrade=False) as store:
        assert [r["status"] for r in reversed(store.runs("staff"))] == ["abandoned", "ok"]
    assert status_json(config)[0] == 0


def test_a_dry_run_on_google_and_outlook_keeps_no_copy_of_a_person(tmp_path: Path) -> None:
    from contactsync.store import Store
    from tests.daemon_support import EmulatorBooks

    world = EmulatorBooks(tmp_path, ["b1"])
    try:
        world.add_people("b1", "g", range(3))
        store = tmp_path / "state" / "store.db"
        config = tmp_path / "contactsync.yaml"
        config.write_text(f"store: {{url: 'sqlite:///{store}'}}\n" + world.yaml())
        dry = run_cli(config, "sync", "--dry-run", env=world.env)
        assert dry.returncode == 0 and "would create" in dry.stdout, dry.stdout + dry.stderr
        assert not store.parent.exists()
        assert run_cli(config, "sync", env=world.env).returncode == 0
        world.add_people("b1", "g", range(3, 6))
        with Store.open(f"sqlite:///{store}") as opened:
            before = opened.counts()
        dry = run_cli(config, "sync", "--dry-run", env=world.env)
        assert dry.returncode == 0 and "would create" in dry.stdout, dry.stdout + dry.stderr
        with Store.open(f"sqlite:///{store}") as opened:
            assert opened.counts() == before  # the remote copies included: the new people are not kept
        assert len(world.people("b1")["outlook"]) == 3
    finally:
        world.close()


def test_status_on_an_empty_postgresql_database_says_nothing_ran_and_creates_nothing(
    tmp_path: Path, pg_url: str
) -> None:
    import sqlalchemy as sa

    make_book(tmp_path, "staff", 1)
    config = tmp_path / "contactsync.yaml"
    config.write_text(f"store: {{url: '{pg_url}'}}\n" + books_yaml(tmp_path, ["staff"]))
    code, shown = status_json(config)
    assert (code, shown["store_exists"]) == (5, False)
    engine = sa.create_engine(pg_url)
    try:
        assert sa.inspect(engine).get_table_names() == []  # no table made, no migration run
    finally:
        engine.dispose()
