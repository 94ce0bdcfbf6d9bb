"""A target whose connector cannot be built from the configuration (a Google target whose ``subject`` is not an
address) fails alone: the targets after it are brought up to date, ``distribute`` exits 3 (not 2, which says the
whole file is wrong), and the target's error names the key where the file holds it (``distribute[0].accounts[2]
.options.subject``, with the file and line), not a made-up ``books.distribute:…`` path; ``distribute --status``
and ``status`` show that target failing with it. A real ``contactsync run`` does the same, and records a source it
cannot read as ``distribute`` does."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contactsync.cli import cli
from tests.daemon_support import CONTACTSYNC, DaemonProcess, wait_for
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

SUBJECT_KEY = "distribute[0].accounts[2].options.subject"


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def write_config(tmp_path: Path, slapd: Slapd, *, schedule: str = "every 15m") -> Path:
    (tmp_path / "reader-password").write_text(READER_PASSWORD)
    (tmp_path / "bob").mkdir(exist_ok=True)
    key = tmp_path / "sa.json"
    key.write_text(
        json.dumps(
            {
                "type": "service_account",
                "client_email": "x@y.iam.gserviceaccount.com",
                "private_key": "bad",
                "token_uri": "http://127.0.0.1:1/token",
                "client_id": "1",
                "private_key_id": "k",
            }
        )
    )
    key.chmod(0o600)
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""
store: {{url: "sqlite:///{tmp_path / "store.db"}"}}
daemon: {{jitter_seconds: 0}}
distribute:
  - name: company
    source: directory
    container: Company directory
    schedule: {schedule}
    targets: [gana, bob]
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "{slapd.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", password_file: reader-password}}
      - {{name: bob, type: vdir, options: {{path: {tmp_path / "bob"}}}}}
      - {{name: gana, type: google, options: {{subject: ana, service_account_file: {key}}}}}
"""
    )
    return path


def subject_line(config: Path) -> int:
    return next(n for n, line in enumerate(config.read_text().splitlines(), 1) if "name: gana" in line)


def invoke(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def cards(folder: Path) -> int:
    return len(list(folder.glob("*.vcf")))


def test_a_target_that_cannot_be_built_fails_alone_and_names_its_key(slapd: Slapd, tmp_path: Path) -> None:
    for i in range(3):
        slapd.add_person(f"p{i}", mail=[f"p{i}@example.org"])
    config = write_config(tmp_path, slapd)
    where = f"{config}:{subject_line(config)}: at '{SUBJECT_KEY}'"

    ran = invoke(config, "distribute", "--json")
    assert ran.exit_code == 3, ran.output
    targets = {t["account"]: t for t in json.loads(ran.stdout)["distributions"][0]["targets"]}
    assert targets["bob"]["error"] is None and targets["bob"]["created"] == 3
    assert where in targets["gana"]["error"] and "subject" in targets["gana"]["error"]
    assert "books.distribute:company" not in targets["gana"]["error"]
    assert cards(tmp_path / "bob") == 3

    text = invoke(config, "distribute")
    assert text.exit_code == 3, text.output
    assert "gana: 0 created, 0 updated, 0 deleted (error: " in text.output and where in text.output
    assert "config check" not in text.output

    shown = invoke(config, "distribute", "--status")
    assert shown.exit_code == 3, shown.output
    assert "gana: 0 contacts, revision 0 (behind), last failed" in shown.output and where in shown.output
    assert "bob: 3 contacts, revision 1 (current), last ok" in shown.output

    status = invoke(config, "status")
    assert status.exit_code == 3, status.output
    assert "distribution company: FAILING; 2 targets: 1 ok, 1 failing, 0 behind" in status.output
    failing = status.output.split("distribution company:", 1)[1].splitlines()[1].split(None, 2)
    assert failing[:2] == ["gana", "failed"] and SUBJECT_KEY in failing[2]


def _status(config: Path) -> tuple[int, str]:
    done = subprocess.run([CONTACTSYNC, "-c", str(config), "status"], capture_output=True, text=True)
    return done.returncode, done.stdout


def test_the_daemon_runs_the_other_targets_and_records_a_source_it_cannot_read(slapd: Slapd, tmp_path: Path) -> None:
    for i in range(3):
        slapd.add_person(f"p{i}", mail=[f"p{i}@example.org"])
    config = write_config(tmp_path, slapd, schedule="every 2s")

    daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "first.log")
    try:
        wait_for("bob's cards", lambda: cards(tmp_path / "bob") == 3, explain=daemon.output)

        def gana_failing() -> bool:
            code, out = _status(config)
            return code == 3 and "distribution company: FAILING; 2 targets: 1 ok, 1 failing" in out

        wait_for("gana shown failing", gana_failing, explain=daemon.output)
    finally:
        assert daemon.stop() == 0
    code, out = _status(config)
    assert code == 3 and SUBJECT_KEY in out and "books.distribute:company" not in out
    assert "unexpectedly" not in daemon.output()

    # the reader's password changed in the directory: the source cannot be read, and status says so
    (tmp_path / "reader-password").write_text("not-the-password")
    daemon = DaemonProcess(["-c", str(config), "run"], tmp_path / "second.log")
    try:

        def source_failing() -> str | None:
            code, out = _status(config)
            return out if code == 3 and "SOURCE FAILING since " in out else None

        out = wait_for("the source shown failing", source_failing, explain=daemon.output)
    finally:
        assert daemon.stop() == 0
    assert "distribution company: FAILING" in out
    assert cards(tmp_path / "bob") == 3  # nobody removed for a source that could not be read
