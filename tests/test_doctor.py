"""``contactsync doctor``'s checks every account gets, through the CLI with ``--json``: the configuration, the
store (SQLite and PostgreSQL, reachable or not), secret files of no account, and an account whose type has no
checks of its own. The CardDAV checks are in tests/carddav/test_doctor.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from contactsync.cli import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, cli

from .conftest import PG_URL
from .daemon_support import CONTACTSYNC
from .doctor_support import run_doctor, write_config

ROOT = Path(__file__).resolve().parent.parent
#: where the units and the README's drop-in run the command from
INSTALLED = "/usr/local/bin/contactsync"


def _vdir_account(root: Path) -> str:
    (root / "folder").mkdir(exist_ok=True)
    return f"      - name: files\n        type: vdir\n        options:\n          path: {root / 'folder'}\n"


def test_a_vdir_account_is_checked_read_only_unless_write(tmp_path: Path) -> None:
    config = write_config(tmp_path, _vdir_account(tmp_path))
    (tmp_path / "folder" / "ana.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD\r\n")
    run = run_doctor(config)
    assert run.exit_code == EXIT_OK, run.output
    assert [(r["check"], r["outcome"]) for r in run.output["results"]] == [
        ("config", "pass"),
        ("store", "pass"),
        ("folder", "pass"),
        ("size", "pass"),
        ("write", "skip"),
    ]
    assert run.one("size", "files")["detail"] == "1 card file"
    written = run_doctor(config, "--write")
    assert written.exit_code == EXIT_OK and written.outcome("write", "files") == "pass", written.output
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == ["ana.vcf"]  # the scratch card is gone


def test_a_missing_vdir_folder_fails_naming_it(tmp_path: Path) -> None:
    config = write_config(tmp_path, _vdir_account(tmp_path))
    (tmp_path / "folder").rmdir()
    run = run_doctor(config, "--write")
    assert run.exit_code == EXIT_PARTIAL
    folder = run.one("folder", "files")
    assert folder["outcome"] == "fail" and "does not exist" in folder["detail"]
    assert f"mkdir -p {tmp_path / 'folder'}" in folder["fix"]
    assert not (tmp_path / "folder").exists()  # the doctor made nothing


def test_a_configuration_that_does_not_load_is_one_failed_check_and_exit_2(tmp_path: Path) -> None:
    config = write_config(tmp_path, _vdir_account(tmp_path).replace("type: vdir", "type: vdri"))
    run = run_doctor(config)
    assert run.exit_code == EXIT_USAGE
    [result] = run.output["results"]
    assert result["check"] == "config" and result["outcome"] == "fail"
    assert "config.yaml:" in result["detail"] and "vdri" in result["detail"]
    assert "contactsync config check" in result["fix"]


def test_a_store_on_postgresql_is_reached_without_being_created(pg_url: str, tmp_path: Path) -> None:
    run = run_doctor(write_config(tmp_path, _vdir_account(tmp_path), store_url=pg_url))
    assert run.exit_code == EXIT_OK, run.output
    store = run.one("store", None)
    assert store["outcome"] == "pass" and "first sync" in store["detail"]
    schema = pg_url.rsplit("%3D", 1)[1]
    engine = sa.create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                sa.text("select count(*) from information_schema.tables where table_schema = :s"), {"s": schema}
            ).scalar()
    finally:
        engine.dispose()
    assert tables == 0  # read-only: no migration ran
    CliRunner().invoke(cli, ["--config", str(tmp_path / "config.yaml"), "db", "upgrade"])
    again = run_doctor(tmp_path / "config.yaml")
    assert "newest schema" in again.one("store", None)["detail"]


def test_an_unreachable_store_fails_and_names_store_url(tmp_path: Path) -> None:
    from .ports import free_port

    url = f"postgresql+psycopg://contactsync:hunter2@127.0.0.1:{free_port()}/contactsync"
    secret = tmp_path / "store-url"
    secret.write_text(url)
    secret.chmod(0o600)
    config = write_config(tmp_path, _vdir_account(tmp_path))
    text = config.read_text().replace(
        f"  url: sqlite:///{tmp_path / 'state' / 'contactsync.db'}", f"  url_file: {secret}"
    )
    config.write_text(text)
    run = run_doctor(config)
    assert run.exit_code == EXIT_PARTIAL, run.output
    store = run.one("store", None)
    assert store["outcome"] == "fail" and "store.url" in store["fix"]
    assert "hunter2" not in str(run.output)  # the URL's password is never shown
    secret_check = run.one("secret file", None)
    assert secret_check["outcome"] == "pass" and str(secret) in secret_check["detail"]


def test_a_world_readable_store_secret_warns_when_the_admin_allows_it(tmp_path: Path) -> None:
    secret = tmp_path / "store-url"
    secret.write_text(f"sqlite:///{tmp_path / 'state' / 'contactsync.db'}")
    secret.chmod(0o644)
    config = write_config(tmp_path, _vdir_account(tmp_path))
    text = config.read_text().replace(
        f"  url: sqlite:///{tmp_path / 'state' / 'contactsync.db'}", f"  url_file: {secret}"
    )
    config.write_text(text)
    refused = run_doctor(config)
    assert refused.exit_code == EXIT_USAGE and "chmod 600" in refused.one("config", None)["detail"]
    config.write_text(text + "secrets:\n  allow_world_readable: true\n")
    allowed = run_doctor(config)
    assert allowed.exit_code == EXIT_OK, allowed.output
    warned = allowed.one("secret file", None)
    assert warned["outcome"] == "warn" and "allow_world_readable" in warned["detail"]
    assert f"chmod 600 {secret}" in warned["fix"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is missing")
def test_the_readmes_pre_start_drop_in_verifies_with_the_daemons_unit(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"```ini\n# systemctl edit contactsync\n(\[Service\]\nExecStartPre=-[^`]*?)```", readme)
    assert match, "README: the doctor's drop-in"
    drop_in = match.group(1)
    assert f"ExecStartPre=-{INSTALLED} doctor\n" in drop_in and "--write" not in drop_in
    unit = (ROOT / "systemd" / "contactsync.service").read_text()
    # a drop-in's [Service] lines add to the unit's: the same as appending them
    (tmp_path / "contactsync.service").write_text((unit + "\n" + drop_in).replace(INSTALLED, CONTACTSYNC))
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / "contactsync.service")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "contactsync" in line]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr


def test_naming_an_account_checks_that_account_only(tmp_path: Path) -> None:
    from .ports import free_port

    broken = f"      - name: dav\n        type: carddav\n        options:\n          url: http://127.0.0.1:{free_port()}/a/b/\n"
    config = write_config(tmp_path, _vdir_account(tmp_path) + broken)
    every = run_doctor(config)
    assert every.exit_code == EXIT_PARTIAL and every.outcome("endpoint") == "fail"
    only = run_doctor(config, "files")
    assert only.exit_code == EXIT_OK, only.output
    assert {r["account"] for r in only.output["results"]} == {None, "files"}  # the other one was not checked
    unknown = CliRunner().invoke(cli, ["--config", str(config), "doctor", "files", "nobody"])
    assert unknown.exit_code == EXIT_USAGE and "nobody" in unknown.output


def test_a_pull_only_vdir_account_needs_no_write_access_and_is_never_written(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, _vdir_account(tmp_path).replace("type: vdir", "type: vdir\n        mode: pull-only")
    )
    (tmp_path / "folder").chmod(0o555)
    try:
        run = run_doctor(config, "--write")
    finally:
        (tmp_path / "folder").chmod(0o755)
    assert run.exit_code == EXIT_OK, run.output
    assert run.one("folder", "files")["detail"].endswith("is readable")
    write = run.one("write", "files")
    assert write["outcome"] == "skip" and "pull-only" in write["detail"]
    assert list((tmp_path / "folder").iterdir()) == []
