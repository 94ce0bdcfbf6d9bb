"""``contactsync distribute``: a one-off cycle from the command line, its output, JSON and exit codes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.connectors.vdir import VdirConnector
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def write_config(tmp_path: Path, slapd: Slapd) -> Path:
    (tmp_path / "reader-password").write_text(READER_PASSWORD)
    for name in ("ana", "bob", "team"):
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
  - name: company
    source: directory
    container: Company directory
    targets: [{{account: ana, owner: p0@example.org}}, bob]
    brake: {{max_deletes: 1}}
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "{slapd.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", password_file: reader-password}}
      - {{name: ana, type: vdir, options: {{path: {tmp_path / "ana"}}}}}
      - {{name: bob, type: vdir, options: {{path: {tmp_path / "bob"}}}}}
"""
    )
    return path


def test_distribute_runs_a_cycle_and_the_brake_exits_4(slapd: Slapd, tmp_path: Path) -> None:
    dns = [slapd.add_person(f"p{i}", mail=[f"p{i}@example.org"]) for i in range(4)]
    config = write_config(tmp_path, slapd)
    runner = CliRunner()
    first = runner.invoke(cli, ["--config", str(config), "distribute"])
    assert first.exit_code == 0, first.output
    assert "company: revision 1: 4 joined" in first.output
    assert "ana: 3 created" in first.output and "bob: 4 created" in first.output
    # the names of the people never reach the output: counts only
    assert "p1@example.org" not in first.output
    status = runner.invoke(cli, ["--config", str(config), "distribute", "--status"])
    assert status.exit_code == 0, status.output
    assert "company: revision 1, 4 people" in status.output
    assert "ana: 3 contacts, revision 1 (current), last ok" in status.output

    for dn in dns[:2]:
        slapd.delete(dn)
    held = runner.invoke(cli, ["--config", str(config), "distribute", "company", "--json"])
    assert held.exit_code == 4, held.output
    report = json.loads(held.stdout)["distributions"][0]
    assert report["plan"]["held"] == 2 and "brake.max_deletes" in report["plan"]["brake"]
    assert len(VdirConnector("bob", tmp_path / "bob").pull(None).changed) == 4
    braked = runner.invoke(cli, ["--config", str(config), "distribute", "--status", "--json"])
    assert braked.exit_code == 4 and "brake.max_deletes" in json.loads(braked.stdout)["distributions"][0]["brake"]

    allowed = runner.invoke(cli, ["--config", str(config), "distribute", "--allow-deletes"])
    assert allowed.exit_code == 0, allowed.output
    assert len(VdirConnector("bob", tmp_path / "bob").pull(None).changed) == 2

    unknown = runner.invoke(cli, ["--config", str(config), "distribute", "nope"])
    assert unknown.exit_code == 2 and "no distribution named 'nope'" in unknown.output
