"""``contactsync status`` lists the distributions next to the books (issue #17): per distribution its state, its
targets ok, failing and behind, when a target last ran, the failing distribution first and its failing target
named with the error; ``--json`` carries the same; the exit code says a target failed (3)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available
from tests.ports import free_port

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def write_config(tmp_path: Path, slapd: Slapd, dav_url: str) -> Path:
    (tmp_path / "reader-password").write_text(READER_PASSWORD)
    for name in ("ana", "bob", "team", "suppliers-ana"):
        (tmp_path / name).mkdir(exist_ok=True)
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""
store: {{url: "sqlite:///{tmp_path / "store.db"}"}}
books:
  - name: team
    accounts:
      - {{name: team, type: vdir, options: {{path: {tmp_path / "team"}}}}}
distribute:
  - name: suppliers
    source: team
    container: Suppliers
    targets: [suppliers-ana]
    accounts:
      - {{name: suppliers-ana, type: vdir, options: {{path: {tmp_path / "suppliers-ana"}}}}}
  - name: company
    source: directory
    container: Company directory
    targets: [ana, bob, carla]
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "{slapd.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", password_file: reader-password}}
      - {{name: ana, type: vdir, options: {{path: {tmp_path / "ana"}}}}}
      - {{name: bob, type: vdir, options: {{path: {tmp_path / "bob"}}}}}
      - name: carla
        type: carddav
        options: {{url: "{dav_url}", username: carla, password_file: reader-password}}
"""
    )
    return path


def test_status_lists_the_distributions_failing_first(slapd: Slapd, tmp_path: Path) -> None:
    for i in range(3):
        slapd.add_person(f"p{i}", mail=[f"p{i}@example.org"])
    nobody = f"http://127.0.0.1:{free_port()}/carla/company/"  # nothing listens there: carla's target fails
    config = write_config(tmp_path, slapd, nobody)
    runner = CliRunner()
    ran = runner.invoke(cli, ["--config", str(config), "distribute"])
    assert ran.exit_code == 3, ran.output

    status = runner.invoke(cli, ["--config", str(config), "status"])
    assert status.exit_code == 3, status.output
    lines = [line for line in status.output.splitlines() if line.startswith("distribution ")]
    assert lines[0].startswith("distribution company: FAILING; 3 targets: 2 ok, 1 failing, 0 behind; 3 people")
    assert lines[1].startswith("distribution suppliers: OK; 1 target: 1 ok, 0 failing, 0 behind; 0 people")
    failing = status.output.split(lines[0], 1)[1].splitlines()[1].split(None, 2)
    assert failing[:2] == ["carla", "failed"] and failing[2]  # with its error
    # the people's names or addresses never reach status
    assert "p1@example.org" not in status.output

    as_json = runner.invoke(cli, ["--config", str(config), "status", "--json"])
    assert as_json.exit_code == 3
    rows = json.loads(as_json.stdout)["distributions"]
    assert [(r["distribution"], r["state"]) for r in rows] == [("company", "failing"), ("suppliers", "ok")]
    assert rows[0]["targets_ok"] == 2 and [f["account"] for f in rows[0]["failing"]] == ["carla"]
    assert rows[0]["last_run_at"] is not None

    # carla's book is gone from the configuration: the next cycle leaves everyone ok, and status says so
    text = config.read_text().replace("targets: [ana, bob, carla]", "targets: [ana, bob]")
    config.write_text(text)
    shutil.rmtree(tmp_path / "ana")
    (tmp_path / "ana").mkdir()
    assert runner.invoke(cli, ["--config", str(config), "distribute"]).exit_code == 0
    assert runner.invoke(cli, ["--config", str(config), "sync"]).exit_code == 0  # the book too: status all ok
    well = runner.invoke(cli, ["--config", str(config), "status", "--json"])
    rows = json.loads(well.stdout)["distributions"]
    company = next(r for r in rows if r["distribution"] == "company")
    assert well.exit_code == 0, well.output
    assert company["state"] == "ok" and company["targets_ok"] == 2
