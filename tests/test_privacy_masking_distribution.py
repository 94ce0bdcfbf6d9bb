"""A distribution target's error is shown and stored through the personal-data net, as a book account's is
(``logs.account_error``): ``distribute``, ``distribute --status`` and ``status`` printed it as the platform said it,
an email, a phone number or a card file's name in it included, whatever ``log.personal_data`` says."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.connector import PullResult
from contactsync.connectors.vdir import VdirConnector
from contactsync.errors import ConnectorError
from tests.distribution.test_cli import write_config
from tests.ldap.slapd import Slapd, available

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

SAID = "the server refused Ana Souza.vcf of ana.souza@example.org (+55 11 98765-4321)"
PERSONAL = ("Souza", "ana.souza", "98765")


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def test_a_failed_targets_error_is_masked_in_the_report_and_the_status(
    slapd: Slapd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slapd.add_person("p0", mail=["p0@example.org"])
    config = write_config(tmp_path, slapd)
    real = VdirConnector.pull

    def pull(self: VdirConnector, token: str | None) -> PullResult:
        if self.name == "bob":  # a platform's answer quoting the person it refused
            raise ConnectorError(SAID, account=self.name)
        return real(self, token)

    monkeypatch.setattr(VdirConnector, "pull", pull)
    runner = CliRunner()
    outputs, stdouts = {}, {}
    for args in (["distribute"], ["distribute", "--json"], ["distribute", "--status"], ["status"]):
        result = runner.invoke(cli, ["--config", str(config), *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        outputs[" ".join(args)], stdouts[" ".join(args)] = result.output, result.stdout
    for command, output in outputs.items():
        assert "the server refused" in output, (command, output)
        leaked = [p for p in PERSONAL if p in output]
        assert leaked == [], (command, output)
    report = json.loads(stdouts["distribute --json"])["distributions"][0]
    bob = next(t for t in report["targets"] if t["account"] == "bob")
    assert bob["error"] == "the server refused … of … (…)", bob
