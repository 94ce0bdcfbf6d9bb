"""No personal data in what the Google, Outlook, Entra ID and LDAP connectors say when something fails.

A ConnectorError's text goes as it is into log lines, ``status`` and the run report (``contactsync.logs``). What a
platform says back may name a person: Google quotes the value it refused (``Invalid value at 'person…',
"ana.silva@example.com"``), Entra ID may name the user account a token was refused for, and an LDAP bind DN may be
a person's (``cn=Ana Silva,ou=people,…``). Each is met on its real path (a loopback server answering as Google
does, the emulators, a real slapd) with an account that is a person's email, and the messages, the log lines and
the run report name the failure, never the person.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from contactsync.connectors.google.transport import scrubbed as google_scrubbed
from contactsync.connectors.ldap import LdapConnector, LdapOptions
from contactsync.connectors.outlook.auth import auth_error
from contactsync.connectors.outlook.auth import scrubbed as graph_scrubbed
from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.outlook import GraphEmulator
from contactsync.engine import Engine
from contactsync.errors import AuthFailed, ConnectorError, ItemRejected, Transient
from contactsync.logs import HumanFormatter, JsonFormatter
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store
from tests.google.helpers import connector_for, google_account
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available
from tests.outlook.conftest import CLIENT_ID, SECRET, TENANT
from tests.outlook.fixtures import outlook
from tests.ports import free_port

EMAIL = "ana.silva@example.com"
PHONE = "+55 11 98765-4321"
PERSONAL = ("ana.silva", "silva", "98765", "4321")


def assert_names_no_one(text: str) -> None:
    lowered = text.lower()
    assert not [p for p in PERSONAL if p in lowered], text


def _formatted(records: list[logging.LogRecord]) -> str:
    human = HumanFormatter(journald=False, personal_data=False)
    as_json = JsonFormatter(personal_data=False)
    return "\n".join(f"{human.format(r)}\n{as_json.format(r)}" for r in records)


def _run(tmp_path: Path, name: str, connector: Any, caplog: pytest.LogCaptureFixture) -> tuple[str | None, str]:
    """One sync of one account (retry waits skipped): the run report's error and the log lines as written."""
    caplog.set_level(logging.DEBUG, logger="contactsync")
    try:
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            book = BookSettings("book", (AccountSettings(name, "google"),))
            report = Engine(store, book, {name: connector}, sleep=lambda _s: None).run()
    finally:
        connector.close()
    return report.accounts[name].error, _formatted(caplog.records)


# ------------------------------------------------------------------------------------------------------------ Google
class _RefusingGoogle(BaseHTTPRequestHandler):
    """Answers every call as Google answers a value it cannot take: 400 INVALID_ARGUMENT, the value quoted back."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _refuse(self) -> None:
        body = json.dumps(
            {
                "error": {
                    "code": 400,
                    "message": f"Invalid value at 'person.email_addresses[0].value', \"{EMAIL}\"; "
                    f"phone {PHONE} refused\nsecond line {EMAIL}",
                    "status": "INVALID_ARGUMENT",
                }
            }
        ).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = _refuse


@pytest.fixture
def refusing_google() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RefusingGoogle)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_value_google_quotes_back_is_not_in_the_error_or_the_logs(
    refusing_google: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The token comes from the emulator (the user is an email); the People API call from a server that refuses."""
    from contactsync.connectors.google import GoogleConnector
    from contactsync.connectors.google.auth import credentials_for

    with PeopleEmulator() as emulator:
        emulator.add_user(EMAIL)
        account = google_account(emulator, EMAIL)
        auth = credentials_for(account, token_uri=emulator.token_uri)
        connector = GoogleConnector("google", auth, endpoint=refusing_google)
        with pytest.raises(ItemRejected) as refused:
            connector.api.execute(connector.people().connections().list(resourceName="people/me", personFields="names"))
        error, logged = _run(tmp_path, "google", GoogleConnector("google", auth, endpoint=refusing_google), caplog)
    text = str(refused.value)
    assert_names_no_one(text)
    # what the admin acts on stays: the status, Google's status word, the field refused
    assert "400" in text and "INVALID_ARGUMENT" in text and "person.email_addresses[0].value" in text, text
    assert error is not None and "INVALID_ARGUMENT" in error
    assert_names_no_one(error)
    assert_names_no_one(logged)


def test_a_subject_google_refuses_is_not_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with PeopleEmulator() as emulator:
        emulator.add_user("someone.else@example.com")
        connector = connector_for(emulator, EMAIL)  # a user the domain does not have
        error, logged = _run(tmp_path, "google", connector, caplog)
    assert error is not None and "invalid_grant" in error
    assert_names_no_one(error)
    assert_names_no_one(logged)


def test_the_google_scrub_keeps_field_paths_and_rules() -> None:
    assert google_scrubbed("Sync token is expired. Clear local cache and retry call without the sync token.") == (
        "Sync token is expired. Clear local cache and retry call without the sync token."
    )
    assert google_scrubbed(f"Invalid email {EMAIL} for 'person.emailAddresses'") == (
        "Invalid email … for 'person.emailAddresses'"
    )
    assert google_scrubbed("Too many contacts: 1000 were given, at most 200 are allowed.").endswith("200 are allowed.")


# ----------------------------------------------------------------------------------------------- Outlook, Entra ID
def test_an_unknown_mailbox_is_not_named_in_the_error(tmp_path: Path) -> None:
    with GraphEmulator(seed=7) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        connector = outlook(emu, mailbox=EMAIL)  # no such mailbox in the tenant
        try:
            with pytest.raises(ConnectorError) as failed:
                connector.pull(None)
        finally:
            connector.close()
    assert_names_no_one(str(failed.value))
    assert "404" in str(failed.value) or "ErrorInvalidUser" in str(failed.value), str(failed.value)


def test_graph_unreachable_names_the_failure_not_the_mailbox() -> None:
    with GraphEmulator(seed=7) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, EMAIL)
        port = free_port()  # nothing listens there
        connector = outlook(emu, mailbox=EMAIL, graph_url=f"https://127.0.0.1:{port}/v1.0")
        try:
            with pytest.raises(Transient) as failed:
                connector.pull(None)
        finally:
            connector.close()
    assert_names_no_one(str(failed.value))
    assert "ConnectionError" in str(failed.value)


def test_an_entra_refusal_naming_the_user_is_scrubbed() -> None:
    """msal hands Entra ID's JSON answer back as a dict; an AADSTS code without advice of ours used to be shown with
    its description, which names the user account for a delegated sign-in."""
    result = {
        "error": "invalid_grant",
        "error_description": (
            f"AADSTS50034: The user account {EMAIL} does not exist in the 'contoso.test' directory. To sign into "
            "this application, the account must be added to the directory. Trace ID: 0b6c5b0e\r\nCorrelation ID: x"
        ),
    }
    refused = auth_error(result, "outlook")
    assert isinstance(refused, AuthFailed)
    assert_names_no_one(str(refused))
    assert "AADSTS50034" in str(refused) and "does not exist" in str(refused), str(refused)
    # Graph quoting a property it does not know keeps it (a name from the config); an email goes all the same
    said = graph_scrubbed(f"Could not find a property named 'officeLocaton' for {EMAIL}", keep_single_quoted=True)
    assert said == "Could not find a property named 'officeLocaton' for …"
    assert "'contoso.test'" not in graph_scrubbed("in the 'contoso.test' directory")


# ---------------------------------------------------------------------------------------------------------- LDAP
@pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))
def test_a_listing_cut_short_does_not_repeat_the_bind_dn(tmp_path: Path) -> None:
    """The bind DN may be a person's (a directory where people bind as themselves): the advice names the option."""
    server = Slapd(tmp_path / "strict", paged_total_unlimited=False).start()
    try:
        server.add_people([f"u{i:04d}" for i in range(1100)])
        connector = LdapConnector(
            "directory", LdapOptions(url=server.url, base_dn=PEOPLE, bind_dn=READER_DN), READER_PASSWORD
        )
        try:
            with pytest.raises(ConnectorError, match=r"size limit.*options\.bind_dn.*size\.prtotal") as cut:
                connector.pull(None)
        finally:
            connector.close()
    finally:
        server.stop()
    assert READER_DN not in str(cut.value) and "cn=reader" not in str(cut.value)
