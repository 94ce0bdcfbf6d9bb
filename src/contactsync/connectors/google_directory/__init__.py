"""A Google Workspace domain's directory as a read-only source: ``type: google-directory``.

Public names: :class:`GoogleDirectoryConnector`, :class:`GoogleDirectoryOptions`. docs/directory.md has a
complete config.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contactsync.checks import CheckResult, DoctorContext
from contactsync.errors import ConfigError, ConfigProblem
from contactsync.registry import ConnectorType, Rate
from contactsync.settings import AccountMode, AccountSettings, BookSettings

from .connector import (
    DEFAULT_ADMIN_ENDPOINT,
    DEFAULT_ENDPOINT,
    DEFAULT_FIELDS,
    DIRECTORY_SCOPE,
    FIELDS,
    GOOGLE_TOKEN_URI,
    GROUP_SCOPE,
    SOURCES,
    GoogleDirectoryConnector,
    GoogleDirectoryOptions,
)

OPTIONS_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["subject"],
    "properties": {
        "subject": {
            "type": "string",
            "description": "A user of the Workspace domain the service account acts as (domain-wide delegation); "
            "the directory listed is this user's domain's.",
            "examples": ["directory-reader@example.com"],
        },
        "service_account_file": {
            "type": "string",
            "description": "The service account's JSON key (read as a secret). Its client ID must be granted "
            f"{DIRECTORY_SCOPE} in the Admin console.",
            "examples": ["google-directory-key.json"],
        },
        "sources": {
            "type": "array",
            "items": {"enum": sorted(SOURCES)},
            "minItems": 1,
            "uniqueItems": True,
            "description": "What to read: the domain's users (profiles) and/or its shared contacts; default both.",
            "examples": [["profiles", "shared_contacts"]],
        },
        "fields": {
            "type": "array",
            "items": {"enum": sorted(FIELDS)},
            "minItems": 1,
            "uniqueItems": True,
            "description": "Which parts of each person travel (the People API's readMask follows); default "
            f"{', '.join(DEFAULT_FIELDS)}.",
            "examples": [["names", "emails", "phones", "organization"]],
        },
        "departments": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Only people whose organization's department is one of these (case-insensitive).",
            "examples": [["Sales", "Support"]],
        },
        "group": {
            "type": "string",
            "description": "Only users who are members of this Google Group (its email), through nested groups; read "
            f"through the Admin SDK: the delegation needs {GROUP_SCOPE} too, and subject must be an administrator "
            "allowed to read groups. Shared contacts are not filtered by it.",
            "examples": ["staff@example.com"],
        },
        "endpoint": {
            "type": "string",
            "description": "People API base URL, ending in a slash (change only for tests).",
            "examples": [DEFAULT_ENDPOINT],
        },
        "admin_endpoint": {
            "type": "string",
            "description": "Admin SDK base URL, ending in a slash, for `group` (change only for tests).",
            "examples": [DEFAULT_ADMIN_ENDPOINT],
        },
        "token_uri": {
            "type": "string",
            "description": "OAuth token endpoint (change only for tests).",
            "examples": [GOOGLE_TOKEN_URI],
        },
        "page_size": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "description": "People per listing page (the method allows 1000).",
            "examples": [1000],
        },
        "timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Seconds to wait for one answer from Google.",
            "examples": [60],
        },
    },
}


def build(account: AccountSettings, book: BookSettings) -> GoogleDirectoryConnector:
    """Raises ConfigError for bad options, or when the account is not ``mode: pull-only``."""
    where = f"books.{book.name}.accounts.{account.name}"
    secrets = {name: secret.value for name, secret in account.secrets.items()}
    options = GoogleDirectoryOptions.from_mapping(account.options, secrets, f"{where}.options")
    if account.mode is not AccountMode.PULL_ONLY:
        raise ConfigError(
            [
                ConfigProblem(
                    "", None, f"{where}.mode", "a directory is only read: set `mode: pull-only` on this account"
                )
            ]
        )
    return GoogleDirectoryConnector(account.name, options, region=book.default_region)


def _doctor(ctx: DoctorContext) -> Iterable[CheckResult]:
    from .doctor import run_checks  # imported when doctor runs: build() must stay importable from it

    return run_checks(ctx)


#: ``type: google-directory``. The People API allows 90 reads per minute per user (as for ``type: google``);
#: a pull is one request per 1000 people, so this only keeps a first listing of a large domain under it.
CONNECTOR_TYPE = ConnectorType(
    name="google-directory",
    build=build,
    options_schema=OPTIONS_SCHEMA,
    default_rate=Rate(per_second=1.0, burst=10),
    doctor=_doctor,
)

__all__ = ["CONNECTOR_TYPE", "GoogleDirectoryConnector", "GoogleDirectoryOptions"]
