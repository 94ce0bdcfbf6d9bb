"""What a daemon says of a failing account, in its log and in ``status``, names no one (``log.personal_data:
false``, the default): a platform's error that quotes a person (a careless SDK's message, a server's answer) is
recorded and shown through the net of :mod:`contactsync.logs`, which masks email- and phone-shaped text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.test_daemon_preload import first_cycle

EMAIL = "ana.silva@example.com"
PHONE = "+55 11 98765-4321"


def failing_type(root: Path) -> None:
    """A connector type ``acme`` (installed as pip would) whose accounts fail to build with a platform's error
    that quotes a person, as a careless SDK's message does."""
    info = root / "contactsync_acme-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: contactsync-acme\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[contactsync.connectors]\nacme = acme_connector:CONNECTOR_TYPE\n")
    (root / "acme_connector.py").write_text(
        textwrap.dedent(f"""
            from contactsync.errors import ConnectorError
            from contactsync.registry import ConnectorType

            def build(account, book):
                raise ConnectorError("mailbox {EMAIL} (phone {PHONE}) is not licensed", account=account.name)

            CONNECTOR_TYPE = ConnectorType("acme", build=build)
        """)
    )


def test_a_failing_accounts_error_names_no_one_in_the_log_nor_in_status(tmp_path: Path) -> None:
    plugins = tmp_path / "site"
    plugins.mkdir()
    failing_type(plugins)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'state.db'}\n"
        "books:\n  - name: sales\n    schedule: every 1h\n    accounts:\n"
        f"      - {{name: sales-a, type: vdir, options: {{path: '{tmp_path / 'a'}'}}}}\n"
        "      - {name: sales-b, type: acme, options: {}}\n"
    )
    (tmp_path / "a").mkdir()
    done = first_cycle(config, [], path=plugins)
    assert done["runs"] == [["sales", "partial"]]  # the other account ran
    assert done["problems"], done  # the failure is said
    assert not any(EMAIL in p or "98765" in p for p in done["problems"]), done["problems"]
    shown = subprocess.run(
        [str(Path(sys.executable).with_name("contactsync")), "--config", str(config), "status", "--json"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(plugins), os.environ.get("PYTHONPATH", "")])),
        },
        timeout=60,
    )
    assert "is not licensed" in shown.stdout  # what failed is still said, with its account
    assert EMAIL not in shown.stdout and "98765" not in shown.stdout, shown.stdout
    json.loads(shown.stdout)
