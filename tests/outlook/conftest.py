"""Fixtures for the Graph emulator tests: one emulator per test, clients through real msal and requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msal
import pytest
import requests

from contactsync.emulators.outlook import GraphEmulator

TENANT = "contoso.test"
OTHER_TENANT = "fabrikam.test"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
SECRET = "correct horse battery staple"
USER = "ana@contoso.test"
GRAPH_SCOPE = ["https://graph.microsoft.com/.default"]


@pytest.fixture
def emulator() -> Iterator[GraphEmulator]:
    with GraphEmulator(seed=7) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, USER)
        yield emu


def trusting_session(emu: GraphEmulator) -> requests.Session:
    """A session that trusts the emulator's CA; trust_env=False so REQUESTS_CA_BUNDLE cannot override it."""
    session = requests.Session()
    session.trust_env = False
    session.verify = emu.ca_file
    return session


@pytest.fixture
def http(emulator: GraphEmulator) -> Iterator[requests.Session]:
    session = trusting_session(emulator)
    yield session
    session.close()


def confidential_app(
    emu: GraphEmulator, http: requests.Session, *, client_id: str = CLIENT_ID, credential: Any = SECRET,
    tenant: str = TENANT,
) -> msal.ConfidentialClientApplication:  # fmt: skip
    return msal.ConfidentialClientApplication(
        client_id,
        client_credential=credential,
        authority=emu.authority(tenant),
        instance_discovery=False,
        http_client=http,
    )


class Graph:
    """A thin authenticated client: what a connector does with requests, minus the connector."""

    def __init__(self, emu: GraphEmulator, http: requests.Session, token: str) -> None:
        self.emu = emu
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    def url(self, path: str) -> str:
        return path if path.startswith("https://") else self.emu.graph_url + path

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.url(path), headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.post(self.url(path), json=body, headers=headers, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.patch(self.url(path), json=body, headers=headers, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.delete(self.url(path), headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)


@pytest.fixture
def graph(emulator: GraphEmulator, http: requests.Session) -> Graph:
    result = confidential_app(emulator, http).acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert "access_token" in result, result
    return Graph(emulator, http, result["access_token"])
