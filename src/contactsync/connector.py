"""The connector protocol: the only thing the engine knows about a platform.

A connector talks to one account (a Google user, an Outlook mailbox folder, a CardDAV address book, a folder of
.vcf files) and knows nothing of reconciliation. It lists what changed, writes batches, and reports tag counts.
It returns frozen values and raises only :class:`contactsync.errors.ConnectorError` subclasses.

Each connector package exports one :class:`contactsync.registry.ConnectorType` (``CONNECTOR_TYPE``: how to build
the connector, its options schema, the daemon's default rate, optional sign-in, discovery and doctor hooks),
registered under the ``contactsync.connectors`` entry-point group. docs/connectors.md shows how to add one.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

from .errors import ConnectorError
from .model import ALL_FIELDS, Contact, Field, Tag


@dataclass(frozen=True, slots=True)
class RemoteRef:
    """Where an item lives on the platform and which version we saw."""

    id: str
    etag: str


@dataclass(frozen=True, slots=True)
class RemoteContact:
    """One item as listed by a connector, already mapped to the canonical model (and normalized).

    ``marker`` is the canonical id contactsync wrote on the item (an X- property, clientData, an extended
    property), or None for an item contactsync never wrote. ``modified`` is the platform's own modification time
    when it gives one (used by the ``newest`` conflict rule).
    """

    ref: RemoteRef
    contact: Contact
    marker: str | None = None
    modified: datetime | None = None
    #: (field, reason) of what the item holds that is not carried to the other accounts (a photo over the
    #: account's cap): journaled for the contact each time the item is listed changed, so ``person show`` says it
    left_behind: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Quarantined:
    """An item that could not be read: never deleted, never fatal, reported in ``status``."""

    remote_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something about an account the admin should know that is no failure (a feature off for want of a
    permission), shown once per account in ``status``. ``code`` is stable for scripts; ``message`` is one sentence
    naming the fix, without personal data."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class PullResult:
    """What changed since ``state``.

    ``full`` is True when ``changed`` lists *every* item in the account's scope (a first or forced listing): an
    item we had linked that is absent from a full listing is gone. With ``full`` False, only ``deleted`` says
    what is gone. A connector that cannot finish a listing raises instead of returning a partial full listing.

    ``deleted`` names every item gone since ``state``, a quarantined one too (an unreadable card deleted on the
    platform, a broken file removed): its quarantine ends with it, so ``status`` stops reporting it. An item
    quarantined before and unchanged since is neither listed again nor deleted: it stays quarantined.
    """

    #: read once, in order, by the engine: a connector may hand over a lazy sequence that decodes each item as it
    #: is read, so a listing of 100k items need not sit in memory as contacts all at once
    changed: Sequence[RemoteContact]
    deleted: tuple[str, ...]
    next_state: str | None
    full: bool
    quarantined: tuple[Quarantined, ...] = ()
    #: every item id in scope now, for a connector that knows it without extra cost (a folder listing). With
    #: it, an item created after ``state`` and removed before this pull is still seen to be gone.
    present: frozenset[str] | None = None
    #: what the account's status should say besides counts and errors, as the connector knows it now
    notices: tuple[Notice, ...] = ()


class ChangeKind(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Change:
    """One write the engine asks for.

    ``contact_id`` is the canonical id: connectors write it as their marker on create and update.
    ``contact`` is the desired content (create, update). ``previous`` is what the engine believes the item holds
    now, so a connector can send only what changed. ``ref`` names the item (update, delete) with the etag to
    check.
    """

    kind: ChangeKind
    contact_id: str
    contact: Contact | None = None
    ref: RemoteRef | None = None
    previous: Contact | None = None


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """The outcome of one change. Exactly one of ``ref`` (written; None for a delete) or ``error`` is meaningful.

    ``stored`` is the item as the platform now holds it, when the write's answer says so (a server that rewrote
    the card); None means "as sent". ``owed``: the write applied, but a part of it did not (a CardDAV group card
    refused as locked after the contact's own card was written): the engine records it as written and keeps the
    contact owed to the account, so ``status`` counts it and the next run sends what is missing.
    """

    change: Change
    ref: RemoteRef | None = None
    error: ConnectorError | None = None
    stored: Contact | None = None
    #: a write that applied (``ref``, ``stored``) with a part of it not (why): recorded as written, and the
    #: contact stays owed to the account, with this as its last error
    owed: ConnectorError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


#: the dataclasses' own constructors, kept for the test that compares them with the ones below
_dataclass_inits = {cls: cls.__init__ for cls in (RemoteRef, RemoteContact, Change, ChangeResult)}
_INIT_FIELDS = {
    RemoteRef: ("id", "etag"),
    RemoteContact: ("ref", "contact", "marker", "modified", "left_behind"),
    Change: ("kind", "contact_id", "contact", "ref", "previous"),
    ChangeResult: ("change", "ref", "error", "stored", "owed"),
}
if any([f.name for f in fields(cls)] != list(names) for cls, names in _INIT_FIELDS.items()):
    raise ImportError("a connector value's fields changed: update its constructor")  # not an assert (-O)
_set_ref_id, _set_ref_etag = (vars(RemoteRef)[f].__set__ for f in _INIT_FIELDS[RemoteRef])
_set_rc_ref, _set_rc_contact, _set_rc_marker, _set_rc_modified, _set_rc_left = (
    vars(RemoteContact)[f].__set__ for f in _INIT_FIELDS[RemoteContact]
)
_set_ch_kind, _set_ch_id, _set_ch_contact, _set_ch_ref, _set_ch_previous = (
    vars(Change)[f].__set__ for f in _INIT_FIELDS[Change]
)
_set_res_change, _set_res_ref, _set_res_error, _set_res_stored, _set_res_owed = (
    vars(ChangeResult)[f].__set__ for f in _INIT_FIELDS[ChangeResult]
)


def _ref_init(self: RemoteRef, id: str, etag: str) -> None:
    """RemoteRef's constructor without the frozen dataclass's ``object.__setattr__`` call a field, as the model's
    (a first sync makes a few of these values a card, #18)."""
    _set_ref_id(self, id)
    _set_ref_etag(self, etag)


def _remote_contact_init(
    self: RemoteContact,
    ref: RemoteRef,
    contact: Contact,
    marker: str | None = None,
    modified: datetime | None = None,
    left_behind: tuple[tuple[str, str], ...] = (),
) -> None:
    """RemoteContact's constructor, as RemoteRef's."""
    _set_rc_ref(self, ref)
    _set_rc_contact(self, contact)
    _set_rc_marker(self, marker)
    _set_rc_modified(self, modified)
    _set_rc_left(self, left_behind)


def _change_init(
    self: Change,
    kind: ChangeKind,
    contact_id: str,
    contact: Contact | None = None,
    ref: RemoteRef | None = None,
    previous: Contact | None = None,
) -> None:
    """Change's constructor, as RemoteRef's."""
    _set_ch_kind(self, kind)
    _set_ch_id(self, contact_id)
    _set_ch_contact(self, contact)
    _set_ch_ref(self, ref)
    _set_ch_previous(self, previous)


def _change_result_init(
    self: ChangeResult,
    change: Change,
    ref: RemoteRef | None = None,
    error: ConnectorError | None = None,
    stored: Contact | None = None,
    owed: ConnectorError | None = None,
) -> None:
    """ChangeResult's constructor, as RemoteRef's."""
    _set_res_change(self, change)
    _set_res_ref(self, ref)
    _set_res_error(self, error)
    _set_res_stored(self, stored)
    _set_res_owed(self, owed)


RemoteRef.__init__ = _ref_init  # type: ignore[method-assign]
RemoteContact.__init__ = _remote_contact_init  # type: ignore[method-assign]
Change.__init__ = _change_init  # type: ignore[method-assign]
ChangeResult.__init__ = _change_result_init  # type: ignore[method-assign]


@dataclass(frozen=True, slots=True)
class RecordedWrite:
    """One write the store recorded in a run, as :meth:`BaseConnector.absorb_writes` is handed it: ``was`` names
    the item the change named (an update or delete; None for a create), ``ref`` the item as the write's answer
    left it, the version the store now links (None for a delete)."""

    kind: ChangeKind
    was: str | None
    ref: RemoteRef | None

    @classmethod
    def of(cls, result: ChangeResult) -> RecordedWrite:
        change = result.change
        return cls(change.kind, change.ref.id if change.ref is not None else None, result.ref)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can do and hold. Data, not behaviour."""

    read_only: bool = False
    incremental: bool = True
    max_batch: int = 100
    fields: frozenset[Field] = ALL_FIELDS
    holds_tags: bool = True
    #: a human sentence per field the platform holds only partly (e.g. "three email addresses at most")
    lossy: Mapping[Field, str] = field(default_factory=dict)


@runtime_checkable
class Connector(Protocol):
    """One account on one platform."""

    name: str
    capabilities: Capabilities

    def pull(self, state: str | None) -> PullResult:
        """Items changed since ``state`` (None: list everything, ``full=True``).

        Raises AuthFailed, RateLimited, Transient, SyncTokenExpired (the engine then calls ``pull(None)``).
        """
        ...

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        """The current version of each item that still exists (missing ids are absent from the result).

        Used to re-read after a precondition failure. Raises AuthFailed, RateLimited, Transient.
        """
        ...

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        """Apply up to ``capabilities.max_batch`` changes; one result per change, in order.

        A per-item failure is reported in its result (PreconditionFailed, ItemRejected, RateLimited, Transient),
        never raised. Raises AuthFailed, RateLimited or Transient only when nothing at all could be attempted.
        """
        ...

    def fit(self, contact: Contact) -> Contact:
        """The contact as this platform would hold it after a write and a re-read (fields dropped, lists cut)."""
        ...

    def tag_counts(self) -> Mapping[Tag, int]:
        """How many items carry each tag, read back from the platform. Raises AuthFailed, Transient."""
        ...

    def close(self) -> None: ...


class BaseConnector:
    """Defaults a connector may inherit: ``fit`` by field projection, a no-op ``close``."""

    name: str
    capabilities: Capabilities = Capabilities()
    #: JSON schema fragment for this connector's ``options`` in the YAML; the connector type hands it to
    #: ``config check`` (``ConnectorType.options_schema``)
    options_schema: ClassVar[Mapping[str, Any]] = {"type": "object"}

    def fit(self, contact: Contact) -> Contact:
        return contact.project(self.capabilities.fields)

    def absorb_writes(self, state: str | None, writes: Sequence[RecordedWrite]) -> str | None:
        """``state`` (a pull's ``next_state``, from before this run's writes) with ``writes`` folded in, so that
        the next pull does not read them back (#18: a no-change run after a first sync parsed every card it
        wrote). Optional; the default folds nothing: our own writes then come back in the next pull, where the
        engine finds each at the etag it recorded.

        The engine calls it once per run, in the transaction that records the account's state, with only the
        writes the store recorded and still links at that version, in the order they were made. A connector
        folds only what it can vouch for (the answer it saw says the item holds what was sent) and in a form its
        next pull checks against the item (an etag, a content hash): an item changed by anyone since must still
        be read. A create whose answer was lost is never among ``writes``: the next pull finds it and the
        engine adopts it by its marker. Never raises for a state it cannot read: it returns it unchanged.
        """
        return state

    def close(self) -> None:
        return None


_log = logging.getLogger("contactsync.connector")


def tidy_up(connector: object) -> None:
    """Call ``connector``'s optional ``tidy()`` (docs/connectors.md): remove what a stopped process of ours left on
    its platform (vdir: a killed write's temporary, holding a card's personal data). Call it after a listing, in a
    run that may write; a dry run changes nothing, so it never calls it. Housekeeping: a connector failing at it
    fails nothing else (logged for debugging, with the account's name only)."""
    tidy = getattr(connector, "tidy", None)
    if tidy is None:
        return
    try:
        tidy()
    except Exception:
        _log.debug("account %s: tidying up failed", getattr(connector, "name", "?"), exc_info=True)
