"""Microsoft Entra ID users and organizational contacts as a read-only source: ``type: entra-directory``.

Public names: :class:`EntraDirectoryConnector`, :class:`EntraOptions`. docs/directory.md has a complete config.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contactsync.checks import CheckResult, DoctorContext
from contactsync.connectors.directory import Slot
from contactsync.errors import ConfigError, ConfigProblem
from contactsync.registry import ConnectorType, Rate
from contactsync.settings import AccountMode, AccountSettings, BookSettings

from .connector import EntraDirectoryConnector, EntraOptions
from .mapping import DEFAULT_ATTRIBUTES

OPTIONS_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["tenant_id", "client_id"],
    "properties": {
        "tenant_id": {
            "type": "string",
            "description": "Directory (tenant) id or verified domain.",
            "examples": ["contoso.onmicrosoft.com"],
        },
        "client_id": {
            "type": "string",
            "description": "Application (client) id of the app registration holding the application permissions "
            "User.Read.All, plus GroupMember.Read.All with `group` and OrgContact.Read.All with `org_contacts`. "
            "Its secret comes from `client_secret_file` (or `_credential`), or use `certificate_file`.",
            "examples": ["11111111-1111-1111-1111-111111111111"],
        },
        "certificate_thumbprint": {
            "type": "string",
            "description": "SHA-1 thumbprint (hex) of the certificate in `certificate_file`, as the app "
            "registration shows it.",
            "examples": ["5A1B…"],
        },
        "group": {
            "type": "string",
            "description": "Only users who are members of this group (its object id), through nested groups.",
            "examples": ["22222222-2222-2222-2222-222222222222"],
        },
        "org_contacts": {
            "type": "boolean",
            "description": "Read the tenant's organizational contacts (suppliers, partners) too; default true.",
            "examples": [True],
        },
        "include_disabled": {
            "type": "boolean",
            "description": "Read users whose account is disabled (accountEnabled false) too.",
            "examples": [False],
        },
        "include_hidden": {
            "type": "boolean",
            "description": "Read users hidden from the address list (showInAddressList false) too.",
            "examples": [False],
        },
        "include_guests": {
            "type": "boolean",
            "description": "Read guest users (userType Guest) too.",
            "examples": [False],
        },
        "attributes": {
            "type": "object",
            "propertyNames": {"enum": [s.value for s in Slot if s is not Slot.PHOTO]},
            "additionalProperties": {"type": "string"},
            "description": "Which Graph user property fills which part of a contact, over the defaults ("
            + ", ".join(f"{k.value}={v}" for k, v in DEFAULT_ATTRIBUTES.items())
            + ").",
            "examples": [{"note": "officeLocation", "mobile_phone": "extension_1234_privateMobile"}],
        },
        "authority_host": {
            "type": "string",
            "description": "Entra ID's sign-in host (a national cloud's, or an emulator's).",
            "examples": ["https://login.microsoftonline.com"],
        },
        "graph_url": {
            "type": "string",
            "description": "Graph's v1.0 root (a national cloud's, or an emulator's).",
            "examples": ["https://graph.microsoft.com/v1.0"],
        },
        "ca_bundle": {
            "type": "string",
            "format": "path",
            "description": "A PEM file of CA certificates to trust instead of the system's.",
            "examples": ["/etc/contactsync/proxy-ca.pem"],
        },
        "timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Seconds to wait for each request, whole.",
            "examples": [30],
        },
    },
}


def build(account: AccountSettings, book: BookSettings) -> EntraDirectoryConnector:
    """Raises ConfigError for bad options, or when the account is not ``mode: pull-only``."""
    where = f"books.{book.name}.accounts.{account.name}"
    secrets = {name: secret.value for name, secret in account.secrets.items()}
    options = EntraOptions.from_mapping(account.options, secrets, f"{where}.options")
    if account.mode is not AccountMode.PULL_ONLY:
        raise ConfigError(
            [
                ConfigProblem(
                    "", None, f"{where}.mode", "a directory is only read: set `mode: pull-only` on this account"
                )
            ]
        )
    return EntraDirectoryConnector(account.name, options, region=book.default_region)


def _doctor(ctx: DoctorContext) -> Iterable[CheckResult]:
    from .doctor import run_checks  # imported when doctor runs: build() must stay importable from it

    return run_checks(ctx)


#: ``type: entra-directory``. Entra ID's directory limits are per app and tenant (thousands of requests per
#: 10 seconds for reads); a pull costs a few requests, so this only smooths a first listing.
CONNECTOR_TYPE = ConnectorType(
    name="entra-directory",
    build=build,
    options_schema=OPTIONS_SCHEMA,
    default_rate=Rate(per_second=10.0, burst=20),
    doctor=_doctor,
)

__all__ = ["CONNECTOR_TYPE", "EntraDirectoryConnector", "EntraOptions"]
