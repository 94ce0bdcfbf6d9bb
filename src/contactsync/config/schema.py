"""The one schema of the YAML configuration (JSON Schema draft 2020-12).

Every property carries a ``description`` and ``examples``: the validator, the commented sample
(``config/example.yaml``) and the Markdown reference are all generated from it, so they cannot drift apart.
Defaults are read from the frozen dataclasses in :mod:`contactsync.settings` for the same reason.

Connector ``options`` are only checked here for being a mapping; each connector validates its own keys through
its ``options_schema`` once secrets have been extracted (see :mod:`contactsync.config.secrets`).
"""

from __future__ import annotations

from typing import Any, Final

from ..model import Field
from ..settings import (
    AccountMode,
    AccountSettings,
    BookSettings,
    BookTemplate,
    BrakeSettings,
    ConflictRule,
    ConflictSettings,
    DaemonSettings,
    DataRules,
    DeletePolicy,
    DistributionSettings,
    LogFormat,
    PhoneFormat,
    Requirement,
    Settings,
)

#: names an admin types on the command line and sees in logs: keep them shell- and file-name-safe. ``(?!\n)``:
#: Python's ``$`` (jsonschema checks with ``re.search``) also matches before a final line break, so "staff\n"
#: passed; JSON Schema's own (ECMA-262) ``$`` never did, and reads the lookahead as always true
NAME_PATTERN: Final = r"^[a-z0-9][a-z0-9_.-]*$(?!\n)"
NAME_HINT: Final = "use lowercase letters, digits, '_', '.' and '-', starting with a letter or a digit"


LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FIELD_NAMES: Final = tuple(f.value for f in Field)
#: what a config may name a field by: today's names and the old ones (``nickname``) configs may still hold
FIELD_NAMES_ACCEPTED: Final = (*FIELD_NAMES, "nickname")
CONFLICT_RULES: Final = tuple(r.value for r in ConflictRule)

#: an annotation (ignored by validators) for alternatives to another key: the sample shows them commented out
SAMPLE_COMMENTED: Final = "x-sample-commented"

SCHEMA_ID: Final = "https://contactsync.invalid/schema/config-v1.json"


def _number(value: float) -> int | float:
    """A number of seconds as an admin writes it: 120, not 120.0."""
    return int(value) if float(value).is_integer() else value


def _default(value: object) -> Any:
    """A dataclass default as the YAML spells it (enums by value)."""
    return getattr(value, "value", value)


_SECRET_NOTE = (
    "Secrets are never written inline: a key ending in `_file` reads a file (relative to this config "
    "file), a key ending in `_credential` reads `$CREDENTIALS_DIRECTORY/<name>` (systemd LoadCredential=), "
    "and a value that is exactly `${NAME}` reads environment variable NAME. Nor inside a URL: "
    "`https://user:password@host/` is refused; give the password the ways above."
)

#: three accounts showing the three ways to give a secret; the sample config is built from it
ACCOUNTS_EXAMPLE: list[dict[str, Any]] = [
    {
        "name": "google-ana",
        "type": "google",
        "mode": "two-way",
        "allow_create": True,
        "allow_update": True,
        "allow_delete": True,
        "options": {
            "subject": "ana@example.com",
            "service_account_file": "google-service-account.json",
        },
    },
    {
        "name": "outlook-ana",
        "type": "outlook",
        "options": {
            "tenant_id": "00000000-0000-0000-0000-000000000000",
            "client_id": "11111111-1111-1111-1111-111111111111",
            "client_secret": "${GRAPH_CLIENT_SECRET}",
            "mailbox": "ana@example.com",
        },
    },
    {
        "name": "dav-office",
        "type": "carddav",
        "mode": "pull-only",
        "options": {
            "url": "https://dav.example.com/addressbooks/office/",
            "username": "contactsync",
            "password_credential": "dav-password",
        },
    },
]

#: connector types that read a directory and never write it: an account of one must say ``mode: pull-only``.
#: Each one's ``build`` refuses anything else as well; checked here too, so `config check` (and every command
#: loading the file) says so at the account's key and line before anything runs, in a book, a distribution or a
#: template alike
READ_ONLY_TYPES: Final = ("entra-directory", "google-directory", "ldap")

_ACCOUNT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "type"],
    "allOf": [
        {
            "if": {"required": ["type"], "properties": {"type": {"enum": list(READ_ONLY_TYPES)}}},
            "then": {
                "required": ["mode"],
                "properties": {
                    "mode": {
                        "enum": [AccountMode.PULL_ONLY.value],
                        "description": "A directory is only read: its account must say `mode: pull-only`.",
                        "examples": [AccountMode.PULL_ONLY.value],
                    }
                },
            },
        }
    ],
    "properties": {
        "name": {
            "type": "string",
            "pattern": NAME_PATTERN,
            "maxLength": 64,
            "description": "Name of this account, unique across the whole file; used in logs, the store and "
            "the `priority` list. Changing it makes contactsync treat the account as new.",
            "examples": ["google-ana"],
        },
        "type": {
            "type": "string",
            "description": "Which connector talks to this account (e.g. google, outlook, carddav, vdir); "
            "`contactsync connectors` lists the installed ones.",
            "examples": ["google"],
        },
        "mode": {
            "type": "string",
            "enum": [m.value for m in AccountMode],
            "default": _default(AccountSettings.mode),
            "description": "two-way: read changes and write merged results; pull-only: read, never write; "
            "push-only: write, never take its changes (an item it did not write is left as it is).",
            "examples": ["two-way"],
        },
        "allow_create": {
            "type": "boolean",
            "default": AccountSettings.allow_create,
            "description": "May contactsync create contacts in this account?",
            "examples": [True],
        },
        "allow_update": {
            "type": "boolean",
            "default": AccountSettings.allow_update,
            "description": "May contactsync change existing contacts in this account?",
            "examples": [True],
        },
        "allow_delete": {
            "type": "boolean",
            "default": AccountSettings.allow_delete,
            "description": "May contactsync delete contacts in this account (deletes are still held back "
            "by the book's brake)?",
            "examples": [True],
        },
        "options": {
            "type": "object",
            "default": {},
            "description": "Connector-specific settings, checked against the connector's own option schema. "
            + _SECRET_NOTE,
            "examples": [
                {
                    "subject": "ana@example.com",
                    "service_account_file": "google-service-account.json",
                }
            ],
        },
    },
}

_BOOK: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "accounts"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": NAME_PATTERN,
            "maxLength": 64,
            "description": "Name of this address book: a set of accounts kept equal to each other.",
            "examples": ["staff"],
        },
        "schedule": {
            "type": "string",
            "default": BookSettings.schedule,
            "description": "How often the daemon syncs this book: `every <N>s|m|h` or a five-field cron "
            "expression (minute hour day-of-month month day-of-week), e.g. `*/10 7-19 * * mon-fri`.",
            "examples": ["every 15m"],
        },
        "default_region": {
            "type": "string",
            "default": BookSettings.default_region,
            "description": "ISO 3166 alpha-2 country used to read phone numbers written without a country code.",
            "examples": ["BR"],
        },
        "trash_days": {
            "type": "integer",
            "minimum": 1,
            "default": BookSettings.trash_days,
            "description": "How many days a deleted contact stays in the trash, restorable with `contactsync "
            "trash restore ID`; a run after that purges it.",
            "examples": [30],
        },
        "photo_max_bytes": {
            "type": "integer",
            "minimum": 1,
            "default": BookSettings.photo_max_bytes,
            "description": "Photos larger than this many bytes are not copied to other accounts.",
            "examples": [1000000],
        },
        "rules": {
            "type": "object",
            "additionalProperties": False,
            "default": {},
            "description": "Data rules of this book. A contact that breaks a rule is kept, listed by `contactsync "
            "status` as needing attention, and not written to the other accounts until it is fixed.",
            "examples": [{"required": ["name", "email_or_phone"], "phone_format": "e164"}],
            "properties": {
                "required": {
                    "type": "array",
                    "items": {"enum": [r.value for r in Requirement]},
                    "uniqueItems": True,
                    "default": [],
                    "description": "What every contact must have: name, email, phone, email_or_phone, organization.",
                    "examples": [["name", "email_or_phone"]],
                },
                "phone_format": {
                    "enum": [f.value for f in PhoneFormat],
                    "default": DataRules.phone_format.value,
                    "description": "How phone numbers are written to the platforms: e164 (+14155550100) or "
                    "national ((415) 555-0100) for numbers of `default_region`; others stay international.",
                    "examples": ["e164"],
                },
            },
        },
        "priority": {
            "type": "array",
            "items": {"type": "string"},
            "uniqueItems": True,
            "default": [],
            "description": "Accounts of this book in order of authority (first wins) for the `priority` "
            "conflict rule and for ties under `newest`; by default the order of `accounts`.",
            "examples": [["google-ana", "outlook-ana"]],
        },
        "conflicts": {
            "type": "object",
            "additionalProperties": False,
            "description": "What happens when the same contact changed differently in two accounts.",
            "examples": [{"default": "newest", "fields": {"note": "manual"}, "on_delete": "edit_wins"}],
            "properties": {
                "default": {
                    "type": "string",
                    "enum": list(CONFLICT_RULES),
                    "default": _default(ConflictSettings.default),
                    "description": "Rule for every field not listed in `fields`: newest (latest change "
                    "wins), priority (first account in `priority` wins), store (keep the stored value), "
                    "manual (keep the stored value and queue the conflict for `contactsync conflicts`).",
                    "examples": ["newest"],
                },
                "fields": {
                    "type": "object",
                    "propertyNames": {"enum": list(FIELD_NAMES_ACCEPTED)},
                    "additionalProperties": {"type": "string", "enum": list(CONFLICT_RULES)},
                    "default": {},
                    "description": "A rule per contact field, overriding `default`. Fields: "
                    + ", ".join(FIELD_NAMES)
                    + ".",
                    "examples": [{"note": "manual", "phones": "priority"}],
                },
                "on_delete": {
                    "type": "string",
                    "enum": [p.value for p in DeletePolicy],
                    "default": _default(ConflictSettings.on_delete),
                    "description": "A contact deleted in one account and edited in another: edit_wins "
                    "keeps it with the edit, delete_wins deletes it everywhere.",
                    "examples": ["edit_wins"],
                },
            },
        },
        "brake": {
            "type": "object",
            "additionalProperties": False,
            "description": "Mass-delete brake: an account that would delete more than this in one run "
            "propagates no delete until an admin approves that account with "
            "`contactsync sync --allow-deletes-on ACCOUNT`.",
            "examples": [{"max_deletes": 50, "max_delete_ratio": 0.2}],
            "properties": {
                "max_deletes": {
                    "type": "integer",
                    "minimum": 0,
                    "default": BrakeSettings.max_deletes,
                    "description": "Most deletes one account may propagate in one run.",
                    "examples": [50],
                },
                "max_delete_ratio": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 1,
                    "default": BrakeSettings.max_delete_ratio,
                    "description": "Largest share of an account's contacts (above 0, at most 1) one run may delete.",
                    "examples": [0.2],
                },
            },
        },
        "accounts": {
            "type": "array",
            "minItems": 1,
            "items": _ACCOUNT,
            "description": "The accounts kept equal in this book (at least one).",
            "examples": [ACCOUNTS_EXAMPLE],
        },
    },
}

_DAEMON: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "description": "How `contactsync run` schedules, leases and paces its work. A command-line option of "
    "`contactsync run` overrides a key for one machine: `--jitter`, `--lease`, `--workers`, `--pause-after`, "
    "`--pause`, `--rate-limit`, `--metrics`, `--stop-timeout`; `max_pause_seconds`, `max_in_flight`, "
    "`metrics_per_person` and `sync_wait_seconds` have none.",
    "examples": [{"lease_seconds": 120, "workers": 0, "metrics_listen": "127.0.0.1:9464"}],
    "properties": {
        "jitter_seconds": {
            "type": "number",
            "minimum": 0,
            "default": _number(DaemonSettings.jitter_seconds),
            "description": "Spread each run up to this many seconds after its slot (at most a quarter of an "
            "interval schedule, a minute of a cron one), so books sharing a slot do not all start at once.",
            "examples": [30],
        },
        "lease_seconds": {
            "type": "number",
            "minimum": 1,
            "default": _number(DaemonSettings.lease_seconds),
            "description": "How long a run's lease on its book and on each of the book's accounts lasts unless "
            "renewed (it is renewed every third of it while the run lasts): how soon another instance sharing "
            "a PostgreSQL store takes over the books of one that died. A one-off `contactsync sync` takes the "
            "same leases.",
            "examples": [120],
        },
        "workers": {
            "type": "integer",
            "minimum": 0,
            "default": DaemonSettings.workers,
            "description": "Books run at once by one instance; 0: one on SQLite (a single writer); on PostgreSQL twice "
            "the `max_in_flight` budgets of the servers in use (4 to 12), so one slow server never holds the "
            "others back.",
            "examples": [0],
        },
        "pause_after_failures": {
            "type": "integer",
            "minimum": 1,
            "default": DaemonSettings.pause_after_failures,
            "description": "Failed runs in a row after which an account is paused (the circuit breaker); the "
            "other accounts of its book keep running. A one-off `contactsync sync` (the systemd timer) tries a paused "
            "account too: if it goes through, the pause ends; if it fails, the pause stays as it was.",
            "examples": [5],
        },
        "pause_seconds": {
            "type": "number",
            "minimum": 1,
            "default": _number(DaemonSettings.pause_seconds),
            "description": "An account's first pause, in seconds; it doubles while the account keeps failing.",
            "examples": [300],
        },
        "max_pause_seconds": {
            "type": "number",
            "minimum": 1,
            "default": _number(DaemonSettings.max_pause_seconds),
            "description": "The longest pause of a failing account, in seconds.",
            "examples": [21600],
        },
        "rate_limits": {
            "type": "object",
            "additionalProperties": {"type": "number", "minimum": 0},
            "default": {},
            "description": "Connector calls per second per account, by connector type, over the rate each type "
            "sets from its platform's published quota (docs/connectors.md lists them); 0 turns a type's limit off. "
            "Each rate given here allows a burst of five seconds' worth of calls.",
            SAMPLE_COMMENTED: True,
            "examples": [{"google": 0.5, "carddav": 0}],
        },
        "max_in_flight": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0},
            "default": {},
            "description": "Requests in flight at once across all books, per server (CardDAV, Google) or app "
            "registration (Graph), by connector type, over each type's own limit (carddav 8 per server, outlook 4 "
            "per app as Graph allows, google 8); 0 turns a type's limit off. CardDAV counts each HTTP request, and "
            "its accounts share as many kept-alive connections per server, which a daemon opens as it starts; Graph "
            "and Google count connector calls. A slow server only holds its own: the other servers' books keep "
            "running.",
            SAMPLE_COMMENTED: True,
            "examples": [{"carddav": 16}],
        },
        "metrics_listen": {
            "type": "string",
            SAMPLE_COMMENTED: True,
            "description": "Serve Prometheus metrics at `[HOST:]PORT` (a bare port, quoted as in '9464', listens "
            "on 127.0.0.1 only); not served when left out.",
            "examples": ["127.0.0.1:9464"],
        },
        "metrics_per_person": {
            "type": "boolean",
            "default": DaemonSettings.metrics_per_person,
            "description": "Give each book of a template and each of its accounts its own metrics labels (one "
            "series per person: thousands, and names in labels). Off: a template's books count under "
            "`template:NAME` and their accounts under `NAME:<account pattern>`.",
            "examples": [False],
        },
        "stop_timeout_seconds": {
            "type": "number",
            "minimum": 0,
            "default": _number(DaemonSettings.stop_timeout_seconds),
            "description": "After SIGTERM, how long the daemon waits for what is under way: running books and "
            "distribution cycles to reach their next batch boundary, a book template's expansion to stop. Past "
            'it the daemon exits anyway, with exit code 1, naming what still runs in a "stop timeout" error (what is '
            "still owed stays queued). Keep it under systemd's TimeoutStopSec=.",
            "examples": [60],
        },
        "sync_wait_seconds": {
            "type": "number",
            "minimum": 0,
            "default": _number(DaemonSettings.sync_wait_seconds),
            "description": "With a PostgreSQL store: how long a one-off `contactsync sync` waits for a book "
            "or account a daemon is running before it gives up, naming the daemon.",
            "examples": [60],
        },
    },
}

_DISTRIBUTION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "source", "targets", "container"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": NAME_PATTERN,
            "maxLength": 64,
            "description": "Name of this distribution, used in logs, the store and `contactsync distribute NAME`.",
            "examples": ["company-directory"],
        },
        "source": {
            "type": "string",
            "description": "The account whose contacts are pushed (a directory such as `type: ldap`, or any "
            "account): one of this entry's `accounts` or of a book's.",
            "examples": ["directory"],
        },
        "targets": {
            "type": "array",
            "items": {
                "anyOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["account"],
                        "properties": {
                            "account": {"type": "string"},
                            "owner": {"type": "string"},
                        },
                    },
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["template", "account"],
                        "properties": {
                            "template": {"type": "string"},
                            "account": {"type": "string"},
                        },
                    },
                ]
            },
            "description": "The accounts the source is pushed into: an account name, or `{account: NAME, owner: "
            "EMAIL}` to leave the owner's own entry out of their account, or `{template: NAME, account: "
            "PATTERN}` for that account (`google-{user}`) of every person with a book of a book template, each "
            "person its owner.",
            "examples": [
                [
                    "dav-ana",
                    {"account": "google-bob", "owner": "bob@example.com"},
                    {"template": "staff-books", "account": "google-{user}"},
                ]
            ],
        },
        "container": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "The group contactsync owns on each target, named as the users see it (a Google label, "
            "an Outlook category, a CardDAV category). Only items contactsync put there are ever changed.",
            "examples": ["Company directory"],
        },
        "fields": {
            "type": "array",
            "items": {"enum": [f for f in FIELD_NAMES_ACCEPTED if f != Field.TAGS.value]},
            "uniqueItems": True,
            "description": "Which fields travel (default: "
            + ", ".join(sorted(f.value for f in DistributionSettings.fields))
            + ").",
            "examples": [["name", "display_name", "emails", "phones", "organization", "department", "job_title"]],
        },
        "mobile": {
            "type": "boolean",
            "default": DistributionSettings.mobile,
            "description": "Send mobile phone numbers too (they are often personal: off unless you say so).",
            "examples": [False],
        },
        "photos": {
            "type": "boolean",
            "default": DistributionSettings.photos,
            "description": "Send photos.",
            "examples": [True],
        },
        "exclude": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Email addresses of people never pushed (besides those the source's own filters leave "
            "out, such as hidden or disabled directory entries).",
            "examples": [["ceo@example.com"]],
        },
        "schedule": {
            "type": "string",
            "default": DistributionSettings.schedule,
            "description": "When the daemon runs the distribution: `every 15m`, `every 1h`, or a cron line.",
            "examples": ["every 15m"],
        },
        "default_region": {
            "type": "string",
            "default": DistributionSettings.default_region,
            "description": "Region for reading phone numbers written without a country code.",
            "examples": ["US"],
        },
        "trash_days": {
            "type": "integer",
            "minimum": 1,
            "default": DistributionSettings.trash_days,
            "description": "Days a person who left the source stays in contactsync's trash.",
            "examples": [30],
        },
        "brake": {
            **_BOOK["properties"]["brake"],
            "description": "Mass-leave brake: a cycle where more people leave the source than this removes "
            "nobody until an admin runs `contactsync distribute NAME --allow-deletes`.",
        },
        "accounts": {
            "type": "array",
            "items": _ACCOUNT,
            "default": [],
            "description": "Accounts used by this distribution only (no book syncs them): the source, the targets.",
            "examples": [
                [
                    {
                        "name": "directory",
                        "type": "ldap",
                        "mode": "pull-only",
                        "options": {"url": "ldaps://ldap.example.com", "base_dn": "ou=people,dc=example,dc=com"},
                    }
                ]
            ],
        },
    },
}


def _pattern_book() -> dict[str, Any]:
    """The book of a template: a book whose names may carry placeholders (checked per name once expanded)."""
    account = {**_ACCOUNT, "properties": {**_ACCOUNT["properties"]}}
    account["properties"]["name"] = {
        **_ACCOUNT["properties"]["name"],
        "description": "Name of each expanded account, with a placeholder so every person's is unique.",
        "examples": ["google-{user}"],
    }
    del account["properties"]["name"]["pattern"]
    book = {**_BOOK, "properties": {**_BOOK["properties"]}}
    book["properties"]["name"] = {
        **_BOOK["properties"]["name"],
        "description": "Name of each expanded book, with a placeholder so every person's is unique.",
        "examples": ["{user}"],
    }
    del book["properties"]["name"]["pattern"]
    book["properties"]["accounts"] = {**_BOOK["properties"]["accounts"], "items": account}
    return book


_TEMPLATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "source", "book"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": NAME_PATTERN,
            "maxLength": 64,
            "description": "Name of this template, used in logs, `contactsync status --template NAME` and "
            "`contactsync config expand NAME`.",
            "examples": ["staff-books"],
        },
        "source": {
            "type": "string",
            "description": "The directory account whose people each get a book (type ldap, entra-directory or "
            "google-directory): one of this entry's `accounts`, or of a book's or a distribution's. Its own "
            "options filter by group, OU, disabled and hidden entries.",
            "examples": ["directory"],
        },
        "schedule": {
            "type": "string",
            "default": BookTemplate.schedule,
            "description": "How often the daemon reads the directory to give a book to who joined and retire the "
            "book of who left: `every <N>s|m|h` or a cron line.",
            "examples": ["every 15m"],
        },
        "filter": {
            "type": "object",
            "additionalProperties": False,
            "default": {},
            "description": "Who of the source's people gets a book (globs, case-insensitive).",
            "examples": [{"email": "*@example.com", "exclude": ["ceo@example.com"]}],
            "properties": {
                "email": {
                    "type": "string",
                    "description": "Only people whose primary email matches this glob.",
                    "examples": ["*@example.com"],
                },
                "username": {
                    "type": "string",
                    "description": "Only people whose sign-in name matches this glob.",
                    "examples": ["*"],
                },
                "exclude": {
                    "type": "array",
                    "items": {"type": "string"},
                    "uniqueItems": True,
                    "description": "Directory ids, email addresses or sign-in names of people who get no book.",
                    "examples": [["ceo@example.com"]],
                },
            },
        },
        "accounts": {
            "type": "array",
            "items": _ACCOUNT,
            "default": [],
            "description": "Accounts used by this template only (the directory source); no book syncs them.",
            "examples": [
                [
                    {
                        "name": "directory",
                        "type": "ldap",
                        "mode": "pull-only",
                        "options": {"url": "ldaps://ldap.example.com", "base_dn": "ou=people,dc=example,dc=com"},
                    }
                ]
            ],
        },
        "book": {
            **_pattern_book(),
            "description": "The book each person gets, as under `books`. Its name, its accounts' names and "
            "their options' strings may use {email}, {upn}, {username}, {user} (the sign-in name fit for a name) "
            "and {id}; write a literal brace as {{ or }}.",
            "examples": [
                {
                    "name": "{user}",
                    "accounts": [
                        {
                            "name": "google-{user}",
                            "type": "google",
                            "options": {"subject": "{email}", "service_account_file": "google-service-account.json"},
                        },
                        {
                            "name": "outlook-{user}",
                            "type": "outlook",
                            "options": {
                                "tenant_id": "00000000-0000-0000-0000-000000000000",
                                "client_id": "11111111-1111-1111-1111-111111111111",
                                "client_secret": "${GRAPH_CLIENT_SECRET}",
                                "mailbox": "{upn}",
                            },
                        },
                    ],
                }
            ],
        },
    },
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "contactsync configuration",
    "description": "Which address books contactsync keeps in sync, where it keeps its state, how it logs "
    "and how its daemon runs. " + _SECRET_NOTE,
    "type": "object",
    "additionalProperties": False,
    # books may all come from templates, and a config may only distribute
    "if": {"not": {"anyOf": [{"required": ["templates"]}, {"required": ["distribute"]}]}},
    "then": {"required": ["books"]},
    "properties": {
        "store": {
            "type": "object",
            "additionalProperties": False,
            "description": "Where contactsync keeps what it last agreed with each account.",
            "examples": [{"url": "sqlite:////var/lib/contactsync/contactsync.db"}],
            "properties": {
                "url": {
                    "type": "string",
                    "description": "SQLAlchemy URL of the store: sqlite:///<path> or "
                    "postgresql://user@host/db. Default: $STATE_DIRECTORY/contactsync.db, else "
                    "$XDG_STATE_HOME/contactsync/contactsync.db, else "
                    "~/.local/state/contactsync/contactsync.db. A URL with a password must come from "
                    "`url_file`, `url_credential` or `${ENV}`.",
                    "examples": ["sqlite:////var/lib/contactsync/contactsync.db"],
                },
                "url_file": {
                    "type": "string",
                    SAMPLE_COMMENTED: True,
                    "description": "Instead of `url`: read the store URL from this file (for a URL with a password).",
                    "examples": ["/etc/contactsync/store-url"],
                },
                "url_credential": {
                    "type": "string",
                    SAMPLE_COMMENTED: True,
                    "description": "Instead of `url`: read the store URL from this systemd credential "
                    "($CREDENTIALS_DIRECTORY/<name>).",
                    "examples": ["store-url"],
                },
            },
        },
        "log": {
            "type": "object",
            "additionalProperties": False,
            "description": "What contactsync writes to its log.",
            "examples": [{"format": "human", "level": "INFO", "personal_data": False}],
            "properties": {
                "format": {
                    "type": "string",
                    "enum": [f.value for f in LogFormat],
                    "default": _default(Settings.log_format),
                    "description": "human: one readable line per event; json: one JSON object per line "
                    "(for journald or a log collector).",
                    "examples": ["human"],
                },
                "level": {
                    "type": "string",
                    "enum": list(LOG_LEVELS),
                    "default": Settings.log_level,
                    "description": "Least severe level written.",
                    "examples": ["INFO"],
                },
                "personal_data": {
                    "type": "boolean",
                    "default": Settings.log_personal_data,
                    "description": "Write names, emails and phone numbers into log lines, and show a "
                    "quarantined item's id and a templated book's real name in status as they are. Leave false "
                    "unless you have a legal basis for it (GDPR, LGPD).",
                    "examples": [False],
                },
            },
        },
        "secrets": {
            "type": "object",
            "additionalProperties": False,
            "description": "How secret files (keys ending in `_file`) may be kept. A secret file any local user "
            "can read is refused, one its group can read is reported by `contactsync config check`.",
            "examples": [{"allow_world_readable": False}],
            "properties": {
                "allow_world_readable": {
                    "type": "boolean",
                    "default": False,
                    "description": "Accept secret files that every user of the machine can read (mode o+r, "
                    "e.g. 0644). Leave false: `chmod 600` the file instead.",
                    "examples": [False],
                },
            },
        },
        "daemon": _DAEMON,
        "distribute": {
            "type": "array",
            "items": _DISTRIBUTION,
            SAMPLE_COMMENTED: True,
            "description": "Push one source (the company directory) one way into a container on many accounts "
            "(docs/distribution.md).",
            "examples": [
                [
                    {
                        "name": "company-directory",
                        "source": "directory",
                        "container": "Company directory",
                        "targets": ["dav-ana", {"account": "google-bob", "owner": "bob@example.com"}],
                    }
                ]
            ],
        },
        "templates": {
            "type": "array",
            "items": _TEMPLATE,
            SAMPLE_COMMENTED: True,
            "description": "Book templates: one book per person of a directory source, given when they join and "
            "retired (never deleted) when they leave; `contactsync config expand` shows what each expands to.",
            "examples": [
                [
                    {
                        "name": "staff-books",
                        "source": "directory",
                        "filter": {"email": "*@example.com"},
                        "book": {
                            "name": "{user}",
                            "accounts": [
                                {"name": "google-{user}", "type": "google", "options": {"subject": "{email}"}},
                                {"name": "outlook-{user}", "type": "outlook", "options": {"mailbox": "{upn}"}},
                            ],
                        },
                    }
                ]
            ],
        },
        "books": {
            "type": "array",
            "minItems": 1,
            "items": _BOOK,
            "description": "The address books to keep in sync (at least one).",
            "examples": [[{"name": "staff", "accounts": ACCOUNTS_EXAMPLE}]],
        },
    },
}
