"""Connector types: what the core gets from each platform through ``contactsync.registry``, and the commands
that dispatch through it (``contactsync auth ACCOUNT``, ``contactsync discover TYPE URL``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from contactsync import registry
from contactsync.cli import EXIT_OK, EXIT_USAGE, cli
from contactsync.daemon.limits import rate_for
from contactsync.registry import ConnectorType, Rate

BUILT_IN = ("carddav", "google", "memory", "outlook", "vdir")


def python(code: str, *, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter (fresh sys.modules), optionally with ``path`` on sys.path."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=60
    )


def test_every_installed_type_is_a_connector_type_named_as_registered() -> None:
    assert set(BUILT_IN) <= set(registry.available_types())
    for name in BUILT_IN:
        kind = registry.connector_type(name)
        assert isinstance(kind, ConnectorType) and kind.name == name
        Draft202012Validator.check_schema(dict(kind.options_schema))
    # the platforms with a published quota are paced; local ones are not
    assert registry.connector_type("google").default_rate == Rate(1.0, 5)
    assert registry.connector_type("vdir").default_rate is None
    # the hooks the old platform-named commands called
    assert registry.connector_type("google").sign_in is not None
    assert registry.connector_type("outlook").sign_in is not None
    assert registry.connector_type("carddav").discover is not None
    assert registry.connector_type("memory").sign_in is None


def test_naming_a_type_imports_only_that_connector() -> None:
    done = python("""
        import sys
        from contactsync import registry
        registry.available_types()
        before = {m for m in sys.modules if m.startswith("contactsync.connectors.")}
        registry.connector_type("vdir")
        heavy = [m for m in ("googleapiclient", "msal", "caldav", "contactsync.connectors.google",
                             "contactsync.connectors.outlook", "contactsync.connectors.carddav") if m in sys.modules]
        print(sorted(before), heavy)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] []"


def test_a_registration_that_is_not_a_connector_type_is_named_with_the_fix(tmp_path: Path) -> None:
    # a third-party distribution, installed as pip would: metadata with an entry point naming the wrong object
    info = tmp_path / "contactsync_bogus-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: contactsync-bogus\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[contactsync.connectors]\nbogus = json:dumps\nrenamed = renamed:TYPE\n")
    (tmp_path / "renamed.py").write_text(
        "from contactsync.registry import ConnectorType\n"
        "TYPE = ConnectorType('other', build=lambda account, book: None)  # type: ignore[arg-type,return-value]\n"
    )
    done = python(
        """
        import json
        from contactsync import registry
        said = {}
        for name in ("bogus", "renamed", "nosuch"):
            try:
                registry.connector_type(name)
            except registry.UnknownConnector as exc:
                said[name] = str(exc)
        print(json.dumps(said))
        """,
        path=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert "is not a ConnectorType" in said["bogus"] and "CONNECTOR_TYPE" in said["bogus"]
    assert "calls itself 'other'" in said["renamed"]
    assert "no connector of type 'nosuch'" in said["nosuch"] and "bogus" in said["nosuch"]


def test_the_daemon_paces_each_type_at_its_own_rate_unless_the_admin_says_otherwise() -> None:
    assert rate_for("outlook", {}) == Rate(10.0, 20)
    assert rate_for("memory", {}) is None
    assert rate_for("outlook", {"outlook": Rate(2.0, 10)}) == Rate(2.0, 10)
    assert rate_for("google", {"google": None}) is None  # 0 in daemon.rate_limits: off
    # an account whose connector is not installed fails on building it; pacing it is moot
    assert rate_for("nosuch", {}) is None


CONFIG = """\
books:
  - name: staff
    accounts:
      - name: ana
        type: memory
        options: {backend: ana}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG)
    return path


def test_auth_dispatches_on_the_accounts_type_and_says_when_there_is_nothing_to_do(config: Path) -> None:
    runner = CliRunner()
    none = runner.invoke(cli, ["--config", str(config), "auth", "ana"])
    assert none.exit_code == EXIT_USAGE
    assert "account ana is of type memory, which has no sign-in" in none.output
    wrong = runner.invoke(cli, ["--config", str(config), "auth", "google", "ana"])
    assert wrong.exit_code == EXIT_USAGE and "account ana is of type memory, not google" in wrong.output
    missing = runner.invoke(cli, ["--config", str(config), "auth", "bea"])
    assert missing.exit_code == EXIT_USAGE and "no account named bea" in missing.output


def test_discover_names_the_types_that_can(tmp_path: Path) -> None:
    runner = CliRunner()
    none = runner.invoke(cli, ["discover", "memory", "http://127.0.0.1:1/", "-u", "ana"])
    assert none.exit_code == EXIT_USAGE
    assert "connector type memory has nothing to discover (types that do: carddav)" in none.output
    unknown = runner.invoke(cli, ["discover", "nosuch", "http://127.0.0.1:1/", "-u", "ana"])
    assert unknown.exit_code == EXIT_USAGE and "no connector of type 'nosuch'" in unknown.output
    assert runner.invoke(cli, ["discover", "--help"]).exit_code == EXIT_OK
