"""Entra ID through real msal: every refusal says what to fix; certificates and the device code flow work."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from contactsync.connector import Change, ChangeKind
from contactsync.connectors.outlook import OutlookConnector, OutlookOptions, run_device_flow
from contactsync.emulators.outlook import GraphEmulator
from contactsync.errors import AuthFailed, ConfigError
from contactsync.settings import AccountSettings, Secret, frozen_mapping
from tests.contract import sample_contact

from .conftest import CLIENT_ID, SECRET, TENANT, USER
from .fixtures import account_settings, book_of, outlook
from .test_emulator import _certificate


def _connector_with(
    emu: GraphEmulator, *, client_id: str = CLIENT_ID, secret: str = SECRET, tenant: str = TENANT
) -> OutlookConnector:
    account = account_settings(emu, client_id=client_id, tenant_id=tenant)
    account = AccountSettings(
        account.name,
        account.type,
        options=account.options,
        secrets=frozen_mapping({"client_secret": Secret(secret, "test")}),
    )
    return OutlookConnector.from_settings(account, book_of(account))


@pytest.mark.parametrize(
    ("setup", "kwargs", "advice"),
    [
        ("none", {"secret": "wrong"}, "Value (not its Secret ID)"),
        ("expired", {"client_id": "expired-app"}, "create a new one"),
        ("none", {"client_id": "00000000-0000-0000-0000-000000000000"}, "check client_id and tenant_id"),
        ("no-consent", {"client_id": "no-consent-app"}, "grant admin consent for the Contacts.ReadWrite"),
        ("none", {"tenant": "nowhere.test"}, "check tenant_id"),
    ],
)
def test_refusals_become_auth_failed_naming_the_fix(
    emulator: GraphEmulator, setup: str, kwargs: dict[str, str], advice: str
) -> None:
    if setup == "expired":
        emulator.add_app(TENANT, "expired-app", secret=SECRET, secret_expired=True)
    elif setup == "no-consent":
        emulator.add_app(TENANT, "no-consent-app", secret=SECRET, permissions=("User.Read",))
    c = _connector_with(emulator, **kwargs)
    try:
        with pytest.raises(AuthFailed, match=re.escape(advice)):
            c.pull(None)
    finally:
        c.close()


def test_certificate_credential_reaches_the_mailbox(emulator: GraphEmulator, tmp_path: Path) -> None:
    key_pem, cert_pem, thumbprint = _certificate()
    emulator.add_app(TENANT, "cert-app", cert_thumbprint=thumbprint)
    account = account_settings(emulator, client_id="cert-app", certificate_thumbprint=thumbprint.upper())
    account = AccountSettings(
        account.name,
        account.type,
        options=account.options,
        secrets=frozen_mapping({"certificate": Secret(key_pem + cert_pem, "file graph-app.pem")}),
    )
    c = OutlookConnector.from_settings(account, book_of(account))
    try:
        assert c.pull(None).full
    finally:
        c.close()


def test_device_code_sign_in_keeps_a_private_cache_and_syncs_the_own_mailbox(
    emulator: GraphEmulator, tmp_path: Path
) -> None:
    cache = tmp_path / "state" / "outlook.token.json"
    account = account_settings(emulator, token_cache_file=str(cache), mailbox=None)
    account = AccountSettings(
        account.name, account.type, options=frozen_mapping({k: v for k, v in account.options.items() if v is not None})
    )
    shown: list[str] = []

    def approve(message: str) -> None:
        shown.append(message)
        code = re.search(r"enter the code (\S+)", message)
        assert code is not None, message
        emulator.approve_device_code(code.group(1), USER)

    run_device_flow(account, book_of(account), prompt=approve)
    assert shown and stat.S_IMODE(cache.stat().st_mode) == 0o600
    c = OutlookConnector.from_settings(account, book_of(account))
    try:
        (created,) = c.push([Change(ChangeKind.CREATE, "cid-1", contact=c.fit(sample_contact()))])
        assert created.ok, created.error
        assert [x["givenName"] for x in emulator.contacts(USER)] == ["Ana1"]
    finally:
        c.close()


def test_without_a_sign_in_the_delegated_account_says_to_run_auth(emulator: GraphEmulator, tmp_path: Path) -> None:
    c = outlook(emulator, token_cache_file=str(tmp_path / "none.json"))
    try:
        with pytest.raises(AuthFailed, match="contactsync auth outlook outlook"):
            c.pull(None)
    finally:
        c.close()


def test_options_report_every_problem_at_once(emulator: GraphEmulator) -> None:
    account = AccountSettings("o", "outlook", options=frozen_mapping({"page_size": 0, "graph_url": "http://x"}))
    with pytest.raises(ConfigError) as caught:
        OutlookOptions.from_settings(account, book_of(account))
    paths = {p.path.rsplit(".", 1)[-1] for p in caught.value.problems}
    assert {"tenant_id", "client_id", "page_size", "graph_url", "options"} <= paths
