"""``contactsync doctor`` as an admin runs it (a process, ``--json`` parsed) against the platform emulators started
as processes from their own command lines: the Graph emulator with ``--grant`` naming what the tenant granted.
The People API emulator has no such knob on its command line: its delegation list is set in this process, and
the CLI runs here too.

The generic checks meet the emulators' real TLS (their own CA: trusted through ``ca_bundle``, refused without it)
and the platform hooks meet a permission missing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contactsync.cli import EXIT_OK, EXIT_PARTIAL, cli
from contactsync.emulators.google import PeopleEmulator

from .google.helpers import SERVICE_ACCOUNT, service_account_key

CONTACTSYNC = str(Path(sys.executable).with_name("contactsync"))
TENANT = "contoso.test"
MAILBOX = "ana@contoso.test"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
SECRET = "correct horse battery staple"
GOOGLE_USER = "alice@example.com"


@dataclass(frozen=True)
class GraphProcess:
    authority_host: str
    graph_url: str
    ca_file: str


def _start_graph(grants: tuple[str, ...]) -> tuple[subprocess.Popen[str], GraphProcess]:
    command = [sys.executable, "-m", "contactsync.emulators.outlook", "--tenant", TENANT, "--mailbox", MAILBOX]
    command += ["--client-id", CLIENT_ID, "--secret", SECRET]
    for grant in grants:
        command += ["--grant", grant]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    printed: dict[str, str] = {}
    assert process.stdout is not None
    while "mailboxes" not in printed:
        line = process.stdout.readline()
        if not line:
            _, errors = process.communicate(timeout=10)
            raise RuntimeError(f"the Graph emulator stopped: {errors}")
        key, _, value = line.partition(":")
        printed[key.strip()] = value.strip()
    authority = printed["authority"]
    assert authority.endswith(f"/{TENANT}"), authority
    return process, GraphProcess(authority[: -len(TENANT) - 1], printed["graph"], printed["ca file"])


@pytest.fixture
def graph_contacts_read_only() -> Iterator[GraphProcess]:
    process, graph = _start_graph(("Contacts.Read",))
    try:
        yield graph
    finally:
        process.terminate()
        process.communicate(timeout=10)  # reaps it and closes its pipes


def _outlook_config(tmp_path: Path, graph: GraphProcess, *, trust: bool) -> Path:
    secret = tmp_path / "graph-secret"
    secret.write_text(SECRET + "\n")
    secret.chmod(0o600)
    ca = f"          ca_bundle: {graph.ca_file}\n" if trust else ""
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'state' / 'contactsync.db'}\n"
        "books:\n  - name: staff\n    accounts:\n"
        "      - name: ana-outlook\n        type: outlook\n        options:\n"
        f"          tenant_id: {TENANT}\n          client_id: {CLIENT_ID}\n"
        f"          client_secret_file: {secret}\n          mailbox: {MAILBOX}\n"
        f"          authority_host: {graph.authority_host}\n          graph_url: {graph.graph_url}\n" + ca
    )
    return config


def _doctor(config: Path, *args: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [CONTACTSYNC, "--config", str(config), "doctor", "--json", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(done.stdout)
    assert report["exit_code"] == done.returncode
    assert all(r["fix"] for r in report["results"] if r["outcome"] == "fail"), report
    return done.returncode, report


def _by_check(report: dict[str, Any], account: str) -> dict[str, dict[str, Any]]:
    return {r["check"]: r for r in report["results"] if r["account"] == account}


def test_outlook_with_contacts_read_only_fails_naming_contacts_readwrite(
    tmp_path: Path, graph_contacts_read_only: GraphProcess
) -> None:
    code, report = _doctor(_outlook_config(tmp_path, graph_contacts_read_only, trust=True))
    assert code == EXIT_PARTIAL, report
    checks = _by_check(report, "ana-outlook")
    failed = {check for check, r in checks.items() if r["outcome"] == "fail"}
    assert failed == {"contacts write"}, report
    assert "Contacts.ReadWrite" in checks["contacts write"]["detail"] + checks["contacts write"]["fix"]
    # the generic checks passed on the emulator's real TLS, trusted through ca_bundle
    assert checks["tls"]["outcome"] == "pass" and graph_contacts_read_only.ca_file in checks["tls"]["detail"]
    assert checks["secret file"]["outcome"] == "pass"
    assert checks["token"]["outcome"] == "pass" and checks["contacts read"]["outcome"] == "pass"
    assert code != EXIT_OK


def test_outlook_without_ca_bundle_fails_on_tls_naming_the_host(
    tmp_path: Path, graph_contacts_read_only: GraphProcess
) -> None:
    code, report = _doctor(_outlook_config(tmp_path, graph_contacts_read_only, trust=False))
    assert code == EXIT_PARTIAL
    checks = _by_check(report, "ana-outlook")
    assert checks["tls"]["outcome"] == "fail" and "127.0.0.1" in checks["tls"]["detail"]
    assert "ca_bundle" in checks["tls"]["fix"]
    assert checks["outlook"]["outcome"] == "skip"  # no token asked for over an untrusted connection


@pytest.fixture
def people() -> Iterator[PeopleEmulator]:
    with PeopleEmulator() as running:
        running.add_user(GOOGLE_USER)
        yield running


def _google_config(tmp_path: Path, people: PeopleEmulator) -> Path:
    key = tmp_path / "google-key.json"
    key.write_text(service_account_key(people))
    key.chmod(0o600)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'state' / 'contactsync.db'}\n"
        "books:\n  - name: staff\n    accounts:\n"
        "      - name: ana-google\n        type: google\n        options:\n"
        f"          subject: {GOOGLE_USER}\n          service_account_file: {key}\n"
        f"          endpoint: {people.url}\n          token_uri: {people.token_uri}\n"
    )
    return config


def _in_process(config: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """The CLI in this process (the emulator's delegation list is set here, not on a command line)."""
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor", "--json", *args])
    report = json.loads(result.stdout)
    assert report["exit_code"] == result.exit_code
    assert all(r["fix"] for r in report["results"] if r["outcome"] == "fail"), report
    return result.exit_code, report


def test_google_with_the_read_only_scope_delegated_fails_naming_the_scope(
    tmp_path: Path, people: PeopleEmulator
) -> None:
    config = _google_config(tmp_path, people)
    healthy_code, healthy = _in_process(config, "--write")
    assert healthy_code == EXIT_OK, healthy
    assert _by_check(healthy, "ana-google")["write"]["outcome"] == "pass"
    assert people.persons(GOOGLE_USER) == []  # the scratch contact is gone
    people.add_service_account(SERVICE_ACCOUNT, scopes=("https://www.googleapis.com/auth/contacts.readonly",))
    code, report = _in_process(config)
    assert code == EXIT_PARTIAL, report
    failed = [r for r in report["results"] if r["outcome"] == "fail"]
    assert [r["check"] for r in failed] == ["token"]
    assert "https://www.googleapis.com/auth/contacts" in failed[0]["fix"]
    assert _by_check(report, "ana-google")["secret file"]["outcome"] == "pass"
