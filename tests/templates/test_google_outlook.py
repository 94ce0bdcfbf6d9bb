"""README's "one book per user across Google and Outlook", end to end: an entra-directory source on the Graph
emulator gives each user a book of their Google contacts (People API emulator, delegation to ``{email}``) and
their Outlook mailbox (``{upn}``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.outlook import GraphEmulator
from contactsync.emulators.outlook.permissions import DEFAULT_GRANTS
from tests.google.helpers import service_account_key

TENANT, CLIENT_ID, SECRET = "contoso.test", "11111111-2222-3333-4444-555555555555", "s3cret"


@pytest.fixture
def platforms() -> Iterator[tuple[PeopleEmulator, GraphEmulator]]:
    google = PeopleEmulator()
    graph = GraphEmulator(requests_per_10min=1_000_000)
    google.start()
    graph.start()
    graph.add_tenant(TENANT)
    graph.add_app(TENANT, CLIENT_ID, secret=SECRET, permissions=(*DEFAULT_GRANTS, "User.Read.All"))
    try:
        yield google, graph
    finally:
        google.stop()
        graph.stop()


def _user(google: PeopleEmulator, graph: GraphEmulator, name: str) -> str:
    upn = f"{name}@{TENANT}"
    graph.entra.add_user(graph.tenant_id(TENANT), upn, displayName=name.title(), givenName=name.title())
    graph.add_mailbox(TENANT, upn)
    google.add_user(upn)
    return upn


def _config(tmp_path: Path, google: PeopleEmulator, graph: GraphEmulator) -> Path:
    key = tmp_path / "google-key.json"
    key.write_text(service_account_key(google))
    key.chmod(0o600)
    graph_options = (
        f"tenant_id: {TENANT}, client_id: {CLIENT_ID}, client_secret: '${{GRAPH_CLIENT_SECRET}}', "
        f"authority_host: '{graph.base_url}', graph_url: '{graph.graph_url}', ca_bundle: '{graph.ca_file}'"
    )
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""\
store: {{url: "sqlite:///{tmp_path}/store.db"}}
templates:
  - name: staff
    source: entra
    accounts:
      - name: entra
        type: entra-directory
        mode: pull-only
        options: {{{graph_options}, org_contacts: false}}
    book:
      name: "{{user}}"
      accounts:
        - name: "google-{{user}}"
          type: google
          options:
            subject: "{{email}}"
            service_account_file: {key}
            endpoint: {google.url}
            token_uri: {google.token_uri}
        - name: "outlook-{{user}}"
          type: outlook
          options: {{{graph_options}, mailbox: "{{upn}}"}}
"""
    )
    return config


def test_each_directory_user_gets_google_and_outlook_kept_equal(
    tmp_path: Path, platforms: tuple[PeopleEmulator, GraphEmulator], monkeypatch: pytest.MonkeyPatch
) -> None:
    google, graph = platforms
    monkeypatch.setenv("GRAPH_CLIENT_SECRET", SECRET)
    ana, bia = _user(google, graph, "ana"), _user(google, graph, "bia")
    google.seed(ana, [{"names": [{"givenName": "Gus"}], "emailAddresses": [{"value": "gus@example.org"}]}])
    graph.seed(bia, [{"givenName": "Olga", "displayName": "Olga", "emailAddresses": [{"address": "olga@example.org"}]}])
    config = _config(tmp_path, google, graph)
    runner = CliRunner()

    result = runner.invoke(cli, ["-c", str(config), "config", "expand", "--apply"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "+ book ana-contoso.test" in result.output and f"subject: {ana}" in result.output
    assert f"mailbox: {ana}" in result.output
    result = runner.invoke(cli, ["-c", str(config), "sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.output

    outlook_ana = [e["address"] for c in graph.contacts(ana) for e in c.get("emailAddresses", [])]
    google_bia = [e["value"] for p in google.persons(bia) for e in p.get("emailAddresses", [])]
    assert outlook_ana == ["gus@example.org"] and google_bia == ["olga@example.org"]
    # each user's book is their own: nobody else's contacts crossed over
    assert [e["value"] for p in google.persons(ana) for e in p.get("emailAddresses", [])] == ["gus@example.org"]
    assert [e["address"] for c in graph.contacts(bia) for e in c.get("emailAddresses", [])] == ["olga@example.org"]
