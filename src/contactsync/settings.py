"""Typed, frozen settings the rest of the program receives from :mod:`contactsync.config`.

No dict from the YAML travels past the config package, with one deliberate exception: a connector's own
``options`` arrive as a read-only mapping that the connector validates against its own ``options_schema``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ConfigProblem, NotFound
from .model import Field


class ConflictRule(enum.Enum):
    NEWEST = "newest"  # the most recent remote modification wins; ties broken by priority
    PRIORITY = "priority"  # the first account in the book's priority list wins
    STORE = "store"  # the canonical store's value wins
    MANUAL = "manual"  # keep the current value everywhere and queue the conflict for the admin


class DeletePolicy(enum.Enum):
    EDIT_WINS = "edit_wins"  # deleted on A, edited on B: the contact survives with B's edit
    DELETE_WINS = "delete_wins"


class AccountMode(enum.Enum):
    TWO_WAY = "two-way"
    PULL_ONLY = "pull-only"  # we read from it, never write to it
    PUSH_ONLY = "push-only"  # we write to it, never take its changes


class LogFormat(enum.Enum):
    HUMAN = "human"
    JSON = "json"


def frozen_mapping(data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class Secret:
    """A secret's value with a repr that never shows it."""

    value: str = field(repr=False)
    source: str = ""

    def __str__(self) -> str:
        return f"<secret from {self.source}>"


@dataclass(frozen=True)
class AccountSettings:
    name: str
    type: str
    mode: AccountMode = AccountMode.TWO_WAY
    allow_create: bool = True
    allow_update: bool = True
    allow_delete: bool = True
    options: Mapping[str, Any] = field(default_factory=frozen_mapping)
    secrets: Mapping[str, Secret] = field(default_factory=frozen_mapping)
    #: the account's secrets that could not be read when the file was loaded for a run (``sync``, the daemon):
    #: its connector is not built, its runs fail with SecretUnreadable naming them, the other accounts sync
    unreadable_secrets: tuple[ConfigProblem, ...] = ()

    @property
    def writable(self) -> bool:
        return self.mode is not AccountMode.PULL_ONLY

    @property
    def readable(self) -> bool:
        return self.mode is not AccountMode.PUSH_ONLY


@dataclass(frozen=True)
class ConflictSettings:
    default: ConflictRule = ConflictRule.NEWEST
    per_field: Mapping[Field, ConflictRule] = field(default_factory=lambda: MappingProxyType({}))
    on_delete: DeletePolicy = DeletePolicy.EDIT_WINS

    def rule_for(self, f: Field) -> ConflictRule:
        return self.per_field.get(f, self.default)


@dataclass(frozen=True)
class BrakeSettings:
    max_deletes: int = 50
    max_delete_ratio: float = 0.2


class PhoneFormat(enum.Enum):
    E164 = "e164"  # +14155550100 everywhere
    NATIONAL = "national"  # (415) 555-0100 for numbers of the book's region; others stay international


class Requirement(enum.Enum):
    """What every contact of a book must have before it is written to other accounts."""

    NAME = "name"  # a given or family name, or a display name
    EMAIL = "email"
    PHONE = "phone"
    EMAIL_OR_PHONE = "email_or_phone"
    ORGANIZATION = "organization"


@dataclass(frozen=True)
class DataRules:
    required: tuple[Requirement, ...] = ()
    phone_format: PhoneFormat = PhoneFormat.E164


@dataclass(frozen=True)
class BookSettings:
    name: str
    accounts: tuple[AccountSettings, ...]
    #: accounts in priority order (first wins) for the ``priority`` rule and ``newest`` ties
    priority: tuple[str, ...] = ()
    conflicts: ConflictSettings = ConflictSettings()
    brake: BrakeSettings = BrakeSettings()
    default_region: str = "US"
    trash_days: int = 30
    photo_max_bytes: int = 1_000_000
    schedule: str = "every 15m"
    rules: DataRules = DataRules()

    def account(self, name: str) -> AccountSettings:
        for a in self.accounts:
            if a.name == name:
                return a
        known = ", ".join(a.name for a in self.accounts) or "none"
        raise NotFound(f"book {self.name!r} has no account named {name!r} (its accounts: {known})")

    def priority_rank(self, account: str) -> int:
        order = self.priority or tuple(a.name for a in self.accounts)
        return order.index(account) if account in order else len(order)


#: what a distribution sends unless its ``fields`` say otherwise: who the person is and how to reach them at work
DISTRIBUTED_FIELDS: frozenset[Field] = frozenset(
    {
        Field.NAME,
        Field.DISPLAY_NAME,
        Field.EMAILS,
        Field.PHONES,
        Field.ADDRESSES,
        Field.ORGANIZATION,
        Field.DEPARTMENT,
        Field.JOB_TITLE,
        Field.PHOTO,
    }
)


@dataclass(frozen=True)
class DistributionTarget:
    """One account a distribution writes into; ``owner`` is its user's own email address, whose directory entry
    is left out of it (nobody needs themselves in their company directory)."""

    account: str
    owner: str | None = None


@dataclass(frozen=True)
class TemplateTarget:
    """Distribution targets a book template gives: for every person with an active book of ``template``, the
    account its pattern ``account`` (``google-{user}``) names, that person being its owner."""

    template: str
    account: str


@dataclass(frozen=True)
class DistributionSettings:
    """One ``distribute:`` entry: ``source`` (an account name) pushed one way into a container named ``container``
    on each of ``targets`` (account names). Accounts are those of the books and the entry's own ``accounts``."""

    name: str
    source: str
    targets: tuple[DistributionTarget, ...]
    container: str
    fields: frozenset[Field] = DISTRIBUTED_FIELDS
    #: send phones of kind mobile (personal numbers stay out unless the admin says so)
    mobile: bool = False
    photos: bool = True
    #: email addresses of people never distributed (besides what the source's own filters leave out)
    exclude: tuple[str, ...] = ()
    schedule: str = "every 15m"
    brake: BrakeSettings = BrakeSettings()
    trash_days: int = 30
    default_region: str = "US"
    #: accounts declared by this entry only (a directory source, the targets), not synced by any book
    accounts: tuple[AccountSettings, ...] = ()
    #: targets given by book templates; :func:`contactsync.templates.with_template_books` adds each person's to
    #: ``targets``
    template_targets: tuple[TemplateTarget, ...] = ()

    @property
    def book(self) -> BookSettings:
        """The settings a connector of this distribution is built with (its region, its accounts)."""
        return BookSettings(
            name=f"distribute:{self.name}",
            accounts=self.accounts,
            brake=self.brake,
            default_region=self.default_region,
            trash_days=self.trash_days,
            schedule=self.schedule,
        )


@dataclass(frozen=True)
class TemplateFilter:
    """Who of a directory source's people gets a book (besides the source's own filters: group, OU, LDAP
    filter, disabled and hidden entries). Globs are matched case-insensitively; empty matches everyone."""

    email: str = ""
    username: str = ""
    #: directory ids, email addresses or usernames of people who never get a book
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class BookTemplate:
    """One ``templates:`` entry: a book per person of the directory account ``source`` that ``filter`` keeps.

    ``book`` is the pattern: its name, its accounts' names and their options' strings carry placeholders
    (``{email}``, ``{upn}``, ``{username}``, ``{user}``, ``{id}``) that :mod:`contactsync.templates` fills per
    person; secrets are the same for every book of the template. ``schedule`` says how often the directory is
    read to find who joined and who left."""

    name: str
    source: str
    book: BookSettings
    filter: TemplateFilter = TemplateFilter()
    schedule: str = "every 15m"
    #: accounts declared by this entry only (the directory source), not synced by any book
    accounts: tuple[AccountSettings, ...] = ()


@dataclass(frozen=True)
class DaemonSettings:
    """The ``daemon:`` section: how ``contactsync run`` schedules, leases and paces its work (each of its
    command-line options overrides the matching key), and how long a one-off ``sync`` waits for a daemon's lease."""

    jitter_seconds: float = 30.0
    lease_seconds: float = 120.0
    #: books run at once (0: one on SQLite; on PostgreSQL from the in-flight budgets, daemon/budget.py)
    workers: int = 0
    pause_after_failures: int = 5
    pause_seconds: float = 300.0
    max_pause_seconds: float = 6 * 3600.0
    #: connector type → calls per second per account, over the built-in rates; 0 turns a type's limit off
    rate_limits: Mapping[str, float] = field(default_factory=frozen_mapping)
    #: connector type → calls in flight at once per server or app across all books, over the built-in limits;
    #: 0 turns a type's limit off (contactsync.daemon.budget)
    max_in_flight: Mapping[str, int] = field(default_factory=frozen_mapping)
    metrics_listen: str | None = None
    #: one metrics label per templated book and account (thousands of series); off: one per template
    metrics_per_person: bool = False
    stop_timeout_seconds: float = 60.0
    sync_wait_seconds: float = 60.0


@dataclass(frozen=True)
class Settings:
    books: tuple[BookSettings, ...]
    store_url: str
    log_format: LogFormat = LogFormat.HUMAN
    log_level: str = "INFO"
    log_personal_data: bool = False
    source: Path | None = None
    daemon: DaemonSettings = DaemonSettings()
    #: key path (``books[0].accounts[1].options.url``) → its line in ``source``, for problems found later
    key_lines: Mapping[str, int] = field(default_factory=frozen_mapping, compare=False, repr=False)
    #: the secret files read (``*_file`` keys), for the permission checks of `config check` and `doctor`
    secret_files: tuple[Path, ...] = field(default=(), compare=False)
    #: ``secrets.allow_world_readable``
    allow_world_readable: bool = False
    #: the ``distribute:`` section
    distributions: tuple[DistributionSettings, ...] = ()
    #: the ``templates:`` section; ``books`` holds the books expanded from them once the daemon (or
    #: :func:`contactsync.templates.with_template_books`) added them
    templates: tuple[BookTemplate, ...] = ()

    def book(self, name: str) -> BookSettings:
        for b in self.books:
            if b.name == name:
                return b
        known = ", ".join(b.name for b in self.books) or "none"
        raise NotFound(f"the config has no book named {name!r} (its books: {known})")
