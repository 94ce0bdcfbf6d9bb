"""The CardDAV connector: one address book on one server.

Pull is ``sync-collection`` (hrefs + etags only) then ``addressbook-multiget`` of what changed, in chunks; a
server without sync-collection is listed with PROPFIND and compared with the previous listing. Push writes one
card per change with ``If-None-Match: *`` / ``If-Match``. Cards are written back in the version they had,
on top of their original text, so properties the model does not hold survive. Cards that cannot be read are
quarantined, never deleted; a card a multiget leaves out (or answers 404 for) is read with a GET of its own (in
flight together, a window at a time, as multigets are), and only a 404 to that makes it gone; a card a listing
names under an href with a raw "?" or "#" is quarantined (:func:`.hrefs.raw_member_id`) until the server names it
encoded (:meth:`CardDavConnector._listed_again`). Tags are CATEGORIES, or group cards (``group_style``), mapped
here both ways; a group card that cannot be written fails the memberships it was to change, not the contacts'
cards written before it (:meth:`CardDavConnector._group_failed`).

The text of every card read or written is kept with its etag, in memory and in the store's copies
(:mod:`contactsync.copies`) when the engine hands them over. A card whose etag is the one listed, or the one an
update is checked against, is then taken from there instead of being read: a fresh process updates a card
without a multiget, and our own writes coming back in the next listing are not read again. Any other etag
(the card changed since) means a read, as without copies. The cards a run wrote and the store recorded are
folded into the state it records (``absorb_writes``): the next listing skips each at the etag its PUT got, with
no copy read and no parse either (#18).

Personal data never goes into log lines: hrefs are logged, names and card text are not.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from contactsync.connector import (
    BaseConnector,
    Change,
    ChangeKind,
    ChangeResult,
    PullResult,
    Quarantined,
    RecordedWrite,
    RemoteContact,
    RemoteRef,
)
from contactsync.connectors.fitmemo import FitMemo
from contactsync.copies import HeldCopies, RemoteCopies, RemoteCopy, pack
from contactsync.errors import (
    AuthFailed,
    ConfigError,
    ConfigProblem,
    ConnectorError,
    ItemRejected,
    PreconditionFailed,
    RateLimited,
    SyncTokenExpired,
    Transient,
)
from contactsync.fidelity import photo_left_behind, skipped_notices
from contactsync.logs import shown_path
from contactsync.model import Contact, Tag
from contactsync.properties import vcard_capabilities
from contactsync.settings import AccountSettings, BookSettings
from contactsync.sharing import Sharing
from contactsync.vcard import CardError, ParsedCard, card_uid, fit_contact, parse_card, render_card
from contactsync.wording import counted

from . import davxml, hrefs
from .davxml import DavEntry
from .groups import GroupCard, GroupStyle, member_uid, new_group_uid, render_group
from .options import OPTIONS_SCHEMA
from .parallel import DEFAULT_MAX_IN_FLIGHT, Outcome, Slots
from .state import KnownGroup, PullState
from .transport import (
    DEFAULT_MAX_RESPONSE_BYTES,
    AuthType,
    DavTransport,
    HttpAnswer,
    KeptTransports,
    Method,
    ServerError,
    kept_transports,
)

log = logging.getLogger(__name__)

R = TypeVar("R")

_TAGS_SEPARATOR = " tags="  # servers quote etags and put no spaces in them; rpartition takes the last one
#: in place of the tags' digest in an item etag, when the contact's groups could not all take its tags: no listing
#: gives this etag, so the next pull reads the contact again (:meth:`CardDavConnector._group_failed`)
_UNSETTLED = "unsettled"
_MAX_SYNC_ROUNDS = 1000  # a server that truncates (507) forever must not keep us here forever
_SYNC_COLLECTION = davxml.tag(davxml.DAV, "sync-collection")
_CARD_SPECIFIC_FAILURES = (davxml.BadServerResponse, ServerError)
#: a write that failed with one of these changed nothing on the server
_NOT_WRITTEN = (ItemRejected, RateLimited, AuthFailed)


#: the DAV preconditions of a lock (RFC 4918 section 16): a 409 naming one is a lock, not a conflict of the card's
_LOCK_CONDITIONS = frozenset(
    {davxml.tag(davxml.DAV, "lock-token-submitted"), davxml.tag(davxml.DAV, "no-conflicting-lock")}
)


class Locked(RateLimited):
    """A write the server refused because the card or its address book is locked (423 Locked, RFC 4918 section
    11.3; or a 409 naming a lock's precondition): nothing was written. Xandikos locks the book's git repository for
    each write and refuses the writes that overlap it; Nextcloud (SabreDAV) answers 423 for a locked card. The
    connector sends once more, one at a time, the writes refused while its own overlapped (:meth:`CardDavConnector
    ._push`); one still locked then is a rate limit: the engine's retry policy waits and sends it again."""


def _locked(answer: HttpAnswer) -> bool:
    """Whether a write's answer refuses it for a lock (a 409 must name a lock's precondition: a 409 is else a
    conflict, a UID taken by another card, and sending it again would not help)."""
    if answer.status == 423:
        return True
    return answer.status == 409 and not _LOCK_CONDITIONS.isdisjoint(davxml.error_conditions(answer.body))


#: why a card listed under an href with a raw "?" or "#" is quarantined (no personal data: the href is the id)
_LISTED_RAW = (
    'the server lists this card under a name holding a raw "?" or "#", which ends a URL\'s path, so which card '
    "it means cannot be told and it is not read; a server must percent-encode them (%3F, %23): rename the "
    "card's file on the server, or have its maker fix the listing"
)


def _unreadable_reason(exc: Exception) -> str:
    return f"the server cannot send this card ({exc})"


def _strong(etag: str) -> bool:
    """A weak etag (``W/"..."``) promises an equivalent card, not the same bytes: nothing is taken as known
    under one."""
    return not etag.startswith("W/")


@dataclass(frozen=True, slots=True)
class _Fetched:
    """One multiget's answer: its entries, the cards it could not read, and for each entry (in order) its card
    compressed, or None (see :func:`_packed_of`)."""

    entries: tuple[DavEntry, ...]
    unread: list[Quarantined]
    packed: tuple[bytes | None, ...]


#: cards up to this many characters are compressed by the slot that fetched them; a bigger one (a photo) by the
#: reader, as before: what a slot makes waits with its answer in the read-ahead windows (up to 64 multigets of 100)
PACKED_BY_SLOT = 16_384


def _packed_of(entries: Sequence[DavEntry]) -> tuple[bytes | None, ...]:
    """For each entry, its card compressed as a kept copy holds it, made on the slot's thread that fetched them:
    zlib works outside the GIL, beside the thread that parses the cards (#18: compressing them there took 0.85 s
    of 10,000 cards' read). None for an entry with no card, a weak etag, or a card over :data:`PACKED_BY_SLOT`.
    The reader decides which copies are kept, as before."""
    packed: list[bytes | None] = []
    for entry in entries:
        text = entry.text(davxml.ADDRESS_DATA) if entry.status != 404 else None
        etag = entry.text(davxml.GETETAG)
        fit = text and etag and _strong(etag) and len(text) <= PACKED_BY_SLOT
        packed.append(pack(text.encode()) if fit and text else None)
    return tuple(packed)


_UID_NAMESPACE = uuid.UUID("6f1c1f4e-8a53-4c55-9a0e-2f8f4c6b2a10")


@dataclass(frozen=True, slots=True)
class CardDavOptions:
    """The ``options`` of a ``type: carddav`` account, typed."""

    url: str
    username: str | None = None
    auth: AuthType = AuthType.AUTO
    verify: bool | str = True
    timeout: float = 30.0
    multiget_chunk: int = 100
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    group_style: GroupStyle = GroupStyle.CATEGORIES
    #: False: list with PROPFIND even when the server offers sync-collection (for servers that break it)
    use_sync_collection: bool = True
    #: writes and multigets sent at once, each on a connection of its own kept alive (.parallel)
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    #: cards held in memory within a run; beyond it they come back from the store's copies (one query per
    #: multiget-sized batch), so this bounds memory, not requests
    original_cache_bytes: int = 16 * 1024 * 1024

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any], where: str) -> CardDavOptions:
        """Raises ConfigError listing every bad key (the config layer validated types already)."""
        problems = []
        url = options.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            problems.append(
                ConfigProblem("", None, f"{where}.url", "the address book URL (http:// or https://) is required")
            )
        verify: bool | str = bool(options.get("verify_tls", True))
        if verify and options.get("ca_bundle"):
            verify = str(options["ca_bundle"])

        def enum_option(key: str, kind: type[Any], default: Any) -> Any:
            try:
                return kind(options.get(key, default.value))
            except ValueError:
                allowed = ", ".join(m.value for m in kind)
                problems.append(ConfigProblem("", None, f"{where}.{key}", f"must be one of {allowed}"))
                return default

        auth = enum_option("auth", AuthType, AuthType.AUTO)
        style = enum_option("group_style", GroupStyle, GroupStyle.CATEGORIES)
        chunk = int(options.get("multiget_chunk", 100))
        if not 1 <= chunk <= 1000:
            problems.append(ConfigProblem("", None, f"{where}.multiget_chunk", "must be 1..1000"))
        in_flight = int(options.get("max_in_flight", DEFAULT_MAX_IN_FLIGHT))
        if not 1 <= in_flight <= 64:
            problems.append(ConfigProblem("", None, f"{where}.max_in_flight", "must be 1..64"))
        if problems:
            raise ConfigError(problems)
        assert isinstance(url, str)
        return cls(
            url=url if url.endswith("/") else url + "/",
            username=options.get("username"),
            auth=auth,
            verify=verify,
            timeout=float(options.get("timeout", 30.0)),
            multiget_chunk=chunk,
            max_response_bytes=int(float(options.get("max_response_mb", 50)) * 1024 * 1024),
            group_style=style,
            use_sync_collection=bool(options.get("use_sync_collection", True)),
            max_in_flight=in_flight,
        )


@dataclass(frozen=True, slots=True)
class _Card:
    """A card read from the server, parsed."""

    href: str
    etag: str
    text: str
    parsed: ParsedCard


@dataclass(frozen=True, slots=True)
class _Read:
    """The outcome of reading some hrefs: cards parsed, hrefs gone, hrefs quarantined."""

    cards: tuple[_Card, ...]
    missing: frozenset[str]
    quarantined: tuple[Quarantined, ...]


@dataclass(frozen=True, slots=True)
class _Alone:
    """What reading cards one by one (:meth:`CardDavConnector._read_alone`) found gone, and how many it could not
    read."""

    missing: frozenset[str]
    unreadable: int


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _card_uid_for(contact_id: str) -> str:
    """The UID of a card we create: derived from the canonical id, so a create retried after a timeout lands
    on the same href (and its If-None-Match fails) instead of making a second card."""
    return str(uuid.uuid5(_UID_NAMESPACE, contact_id))


class CardDavConnector(BaseConnector):
    """One CardDAV address book. See the module docstring for the protocol used."""

    options_schema: ClassVar[Mapping[str, Any]] = OPTIONS_SCHEMA

    def __init__(
        self,
        name: str,
        options: CardDavOptions,
        password: str | None = None,
        *,
        region: str = "US",
        photo_max_bytes: int = 1_000_000,
        read_only: bool = False,
    ) -> None:
        self.name = name
        self.options = options
        self.region = region
        self.photo_max_bytes = photo_max_bytes
        self.url = options.url
        # declared once for CardDAV and vdir: the run's "not carried" counts and docs/properties.md read it
        self.capabilities = vcard_capabilities(photo_max_bytes=photo_max_bytes, read_only=read_only)

        #: one transport (session, connection) per request in flight; ``_transport`` is the current thread's
        # what a kept transport of this account must have been built from (.transport.KeptTransports); the password
        # as a digest: a key is no place for a secret
        identity = (options, hashlib.sha256(password.encode()).hexdigest() if password is not None else None)

        def open_slot() -> DavTransport:
            kept = self._kept_transports(identity)
            reused = kept.take() if kept is not None else None
            if reused is not None:
                assert self._sharing is not None  # kept only with the daemon's sharing
                reused.reuse(self._sharing)
                return reused
            # a login the server already chose on another slot is used at once: no 401 per connection
            learned = next((t.negotiated_auth for t in self._slots.opened if t.negotiated_auth), None)
            guess = learned or self._remembered_login
            made = DavTransport(
                options.url,
                options.username,
                password,
                verify=options.verify,
                timeout=options.timeout,
                max_response_bytes=options.max_response_bytes,
                auth_type=guess if guess is not None and options.auth is AuthType.AUTO else options.auth,
                sharing=self._sharing,
                negotiate_on_refusal=options.auth is AuthType.AUTO,
            )
            if kept is not None:
                made.keep_in(kept)
            return made

        #: the login scheme the server chose on an earlier run (kept in the pull state), tried first with auth: auto
        self._remembered_login: AuthType | None = None
        #: the daemon's request budget and connections for this server, when it lends them (use_sharing)
        self._sharing: Sharing | None = None
        self._slots = Slots(open_slot, options.max_in_flight)
        #: the text of the cards read and written (strong etags only), so a write-back keeps what we do not
        #: understand: in memory within the budget, and in the store's copies once the engine hands them over
        self._originals = HeldCopies(options.original_cache_bytes)
        self._new_card_version: str | None = None
        self._has_sync: bool | None = None
        #: group cards as last seen (group styles only); None until read
        self._groups: dict[str, GroupCard | KnownGroup] | None = None
        #: what the book holds as far as this run knows it (its pull, then its own writes), so the tag-count check
        #: after the run needs no listing and no card read again (#18). Categories: href → tags of each contact
        #: card carrying some. Group styles: UID → href of each contact card a group may name (its tags are the
        #: groups naming it). None: not known (nothing pulled yet, or a write's outcome unknown): tag_counts reads
        #: the book
        self._tagged: dict[str, frozenset[Tag]] | None = None
        self._member_hrefs: dict[str, str] | None = None
        #: the requests counted when closed: the transports then go back to the daemon (``_kept_transports``)
        self._closed_counts: Mapping[str, int] | None = None
        #: the last contacts fitted: the engine asks for one contact's fit several times in a run
        self._fits = FitMemo(self._fit)
        #: href → (etag, tag names) of each card this run wrote whose PUT was answered with a strong etag (the card
        #: is our text, RFC 7232 2.3): what ``absorb_writes`` may fold into the state; none after a read-back
        self._echoes: dict[str, tuple[str, tuple[str, ...]]] = {}

    @classmethod
    def from_settings(cls, account: AccountSettings, book: BookSettings) -> CardDavConnector:
        """Raises ConfigError for bad options."""
        options = CardDavOptions.from_mapping(account.options, f"accounts.{account.name}.options")
        secret = account.secrets.get("password")
        return cls(
            account.name,
            options,
            secret.value if secret is not None else None,
            region=book.default_region,
            photo_max_bytes=book.photo_max_bytes,
            read_only=not account.writable,
        )

    def _kept_transports(self, identity: Hashable) -> KeptTransports | None:
        """This account's transports kept between its runs by the daemon; None outside one (a one-off sync closes
        what it opened)."""
        sharing = self._sharing
        if sharing is None or sharing.connections is None:
            return None
        return kept_transports(sharing.connections, self.name, identity, self.options.max_in_flight)

    @property
    def request_counts(self) -> Mapping[str, int]:
        """HTTP requests sent so far, per method, over every connection (for the benchmark and ``status``)."""
        if self._closed_counts is not None:
            return self._closed_counts  # the transports may serve the account's next run now
        total = {method.value: 0 for method in Method}
        for transport in self._slots.opened:
            for method, count in transport.request_counts.items():
                total[method] = total.get(method, 0) + count
        return MappingProxyType(total)

    @property
    def _transport(self) -> DavTransport:
        """The transport of the slot this thread sends on (:mod:`.parallel`)."""
        return self._slots.current()

    def use_sharing(self, sharing: Sharing) -> None:
        """Send every request under the daemon's budget for this server and on its kept connections
        (:mod:`contactsync.sharing`); before the first request."""
        self._sharing = sharing

    def open_connections(self, count: int) -> int:
        """Open up to ``count`` of the daemon's connections to this account's server, no request sent
        (:class:`~contactsync.sharing.OpensConnections`: a daemon's start-up, after ``use_sharing``); how many are
        open. The transport made for it is this account's, kept for its first run."""
        return self._transport.open_connections(count)

    def keep_copies(self, copies: RemoteCopies) -> None:
        """Keep the cards read and written in ``copies`` (the store's, for this account), and take cards from
        there at the etag listed or written over instead of reading them (see the module docstring)."""
        self._originals.use(copies)

    def close(self) -> None:
        if self._closed_counts is not None:
            return  # closed already: its transports may be serving the account's next run
        self._closed_counts = self.request_counts
        self._slots.close()

    # --- the address book, for a distribution (#17) --------------------------------------------------------

    def container_id(self, *, create: bool = False, fresh: bool = False, display_name: str | None = None) -> str:
        """The address book's id: its URL (``fresh`` changes nothing: nothing is looked up by name). With
        ``create``, a book missing there (404) is made with an extended MKCOL (RFC 6352 section 6.3.1: resource
        type addressbook, ``display_name``). Raises ConnectorError naming the book to create when the server
        refuses, AuthFailed, RateLimited, Transient."""
        if not create:
            return self.url
        probe = davxml.propfind_body([davxml.RESOURCETYPE])
        if self._transport.propfind_if_any(self.url, probe) is not None:
            return self.url
        made: HttpAnswer | ConnectorError
        try:
            made = self._transport.mkcol(self.url, davxml.mkcol_addressbook_body(display_name))
        except (AuthFailed, ServerError) as exc:  # 403, 501: the server will not make it for us
            made = exc
        if isinstance(made, HttpAnswer) and made.status in (200, 201):
            log.info("account %s: address book made at the URL in options.url", self.name)
            return self.url
        why = f"{made.status}" if isinstance(made, HttpAnswer) else str(made)
        # the URL as messages show it (shown_path): its path holds the login, often an email, and a templated
        # person's book sits under that person's; the display name is the distribution's setting, the same for all
        raise ConnectorError(
            f"account {self.name}: no address book at options.url ({shown_path(self.url, self.options.username)} "
            f"on {urlsplit(self.url).netloc}) and the server would not make one ({why}); create the address book "
            f"{display_name or ''!r} there (or point options.url at one)",
            account=self.name,
        )

    def use_container(self, container_id: str) -> None:
        """Nothing to do: the address book is options.url, never looked up."""

    # --- reading -------------------------------------------------------------------------------------------

    def pull(self, state: str | None) -> PullResult:
        """Items changed since ``state`` (None: everything, ``full=True``).

        Raises AuthFailed, RateLimited, Transient, SyncTokenExpired (token refused or state not ours),
        BadServerResponse (hostile or malformed answers).
        """
        previous = PullState.decode(state) if state is not None else None
        self._echoes = {}  # a new run: only its own writes may be folded into the state it returns
        if previous is not None and previous.login and not self._slots.opened:
            try:
                self._remembered_login = AuthType(previous.login)
                if self._remembered_login is not AuthType.BASIC:
                    self._remembered_login = None
            except ValueError:
                self._remembered_login = None
        if previous is not None and previous.tagged is None and not self.options.group_style.uses_group_cards:
            # written before the state kept the tags: listed in full once (cards held at their etag come from the
            # copies, not the server), so that no later tag-count check needs a listing
            raise SyncTokenExpired("the stored CardDAV state holds no tags yet: a full listing is needed")
        if previous is not None and previous.sync_token is not None:
            return self._pull_sync(previous)
        if previous is None and self._supports_sync():
            return self._pull_sync(None)
        return self._pull_listing(previous)

    def _pull_sync(self, previous: PullState | None) -> PullResult:
        changed, deleted, token, raw = self._sync_collection(previous.sync_token if previous else None)
        known_raw = previous.raw if previous is not None else frozenset()
        if known_raw - changed.keys() - deleted:
            # sync-collection names a card again only when it changes: one quarantined for a raw name, unchanged,
            # would stay so after the server is fixed. Each is looked at again (:meth:`_listed_again`)
            again, still_raw = self._listed_again(sorted(known_raw - changed.keys() - deleted))
            changed.update({**dict.fromkeys(still_raw), **again})
            raw |= still_raw
        if previous is not None and previous.written:
            # the last run's own writes, listed at the etag their PUT got: the store holds them at that version
            # (absorb_writes); any other etag is someone's edit since, and is read (#18)
            for href in [h for h, etag in changed.items() if etag is not None and previous.written.get(h) == etag]:
                del changed[href]
        self._forget(deleted)
        read = self._read_listed(changed, raw, known_raw)
        next_state = PullState(token, raw=raw.intersection(changed))
        return self._result(previous, read, deleted | read.missing, next_state, full=previous is None)

    def _pull_listing(self, previous: PullState | None) -> PullResult:
        listing, raw = self._list_etags()
        known_raw = previous.raw if previous is not None else frozenset()
        if previous is None:
            to_read = sorted(listing)
            deleted: set[str] = set()
        else:
            # a card quarantined for a raw name has no etag in the state: read at the listing that names it
            # encoded, quarantined again (nothing sent) at one that still names it raw, gone when it names neither
            to_read = sorted(h for h, etag in listing.items() if previous.etags.get(h) != etag)
            deleted = (set(previous.etags) | known_raw) - set(listing)
            self._forget(deleted)
        read = self._read_listed({h: listing[h] for h in to_read}, raw, known_raw)
        quarantined_raw = raw.intersection(to_read)
        kept = {h: e for h, e in listing.items() if h not in read.missing and h not in quarantined_raw}
        next_state = PullState(None, MappingProxyType(kept), raw=quarantined_raw)
        return self._result(previous, read, deleted | read.missing, next_state, full=previous is None)

    def _result(
        self, previous: PullState | None, read: _Read, deleted: set[str], next_state: PullState, *, full: bool
    ) -> PullResult:
        contacts = [c for c in read.cards if not c.parsed.is_group]
        photos_dropped = sum(1 for c in contacts if c.parsed.photo_dropped)
        if not self.options.group_style.uses_group_cards:
            # group cards are not contacts, and with CATEGORIES no tags either: skipped, and said so
            group_cards = len(read.cards) - len(contacts)
            self._tagged = self._tagged_after(None if full else previous, read, deleted)
            tagged = {href: tuple(sorted(t.name for t in tags)) for href, tags in self._tagged.items()}
            return PullResult(
                tuple(self._remote(c, frozenset()) for c in contacts),
                tuple(sorted(deleted)),
                replace(next_state, tagged=MappingProxyType(tagged), login=self._login()).encode(),
                full,
                read.quarantined,
                notices=skipped_notices(group_cards, photos_dropped, self.photo_max_bytes),
            )
        incremental = previous is not None and not full
        groups: dict[str, GroupCard | KnownGroup] = dict(previous.groups) if incremental and previous else {}
        member_hrefs = dict(previous.member_hrefs) if incremental and previous else {}
        affected: set[str] = set()  # UIDs whose tags may have changed through a group card
        deleted_groups = set()
        for href in deleted:
            gone = groups.pop(href, None)
            if gone is not None:
                deleted_groups.add(href)
                affected |= gone.members
        for card in read.cards:
            if card.parsed.is_group:
                group = self._group_card(card)
                old = groups.get(card.href)
                if old is not None and old.name == group.name:
                    affected |= group.members ^ old.members
                else:
                    affected |= group.members | (old.members if old else frozenset())
                groups[card.href] = group
            elif groups.pop(card.href, None) is not None:
                deleted_groups.add(card.href)  # a group card turned into a contact
        self._groups = groups
        # a card read again is placed by its UID now (it may have changed, or the card become a group)
        read_hrefs = {c.href for c in read.cards}
        member_hrefs = {uid: h for uid, h in member_hrefs.items() if h not in read_hrefs}
        for contact in contacts:
            member_hrefs[contact.parsed.uid] = contact.href
        if incremental:
            unread = affected - {c.parsed.uid for c in contacts}
            if any(uid not in member_hrefs for uid in unread):
                # a group now names a card we cannot place: only a full listing gives everyone the right tags
                log.info("carddav %s: group members changed for unknown cards, listing all", self.name)
                return self.pull(None)
            extra = self._read(sorted({member_hrefs[uid] for uid in unread} - deleted))
            contacts += [c for c in extra.cards if not c.parsed.is_group]
        member_hrefs = {uid: h for uid, h in member_hrefs.items() if h not in deleted}
        tags_by_uid = _tags_by_uid(groups.values())
        all_members = set().union(*(g.members for g in groups.values())) if groups else set()
        self._member_hrefs = {u: h for u, h in member_hrefs.items() if u in all_members}
        state = replace(
            next_state,
            groups=MappingProxyType({h: KnownGroup(g.etag, g.uid, g.name, g.members) for h, g in groups.items()}),
            member_hrefs=MappingProxyType(dict(self._member_hrefs)),
            login=self._login(),
        )
        changed = tuple(self._remote(c, tags_by_uid.get(c.parsed.uid, frozenset())) for c in contacts)
        deleted_contacts = tuple(sorted(deleted - deleted_groups))
        return PullResult(changed, deleted_contacts, state.encode(), full, read.quarantined)

    def _login(self) -> str | None:
        """The login scheme to remember for the next run (``auth: auto`` only): basic, when the server chose it.
        Digest is not remembered: it cannot log in from the first request (it needs the server's nonce), so
        remembering it would save nothing."""
        if self.options.auth is not AuthType.AUTO:
            return None
        learned = next((t.negotiated_auth for t in self._slots.opened if t.negotiated_auth), None)
        chosen = learned or self._remembered_login
        return chosen.value if chosen is AuthType.BASIC else None

    def absorb_writes(self, state: str | None, writes: Sequence[RecordedWrite]) -> str | None:
        """``state`` with each card written whose PUT this connector saw answered with a strong etag, at that etag
        (the card is then our text, so the store's version of it), and its tags: the next pull skips such a card
        when it is listed at that etag, and reads it at any other (#18). A card read back after its write (no
        etag in the answer, a weak one, a move) is not folded: the next pull reads it, as before. With group
        cards, nothing is folded (a contact's version there includes the groups naming it)."""
        if state is None or not writes or self.options.group_style.uses_group_cards:
            return state
        try:
            previous = PullState.decode(state)
        except SyncTokenExpired:
            return state
        if previous.tagged is None:
            return state
        written, etags, tagged = dict(previous.written), dict(previous.etags), dict(previous.tagged)
        folded = 0
        for write in writes:
            echo = self._echoes.get(write.ref.id) if write.ref is not None else None
            if write.ref is None or echo is None or echo[0] != write.ref.etag:
                continue
            # with a sync token the next pull lists the card as changed since it: skipped at this etag; without
            # one, the listing is compared with ``etags``
            (written if previous.sync_token is not None else etags)[write.ref.id] = write.ref.etag
            if echo[1]:
                tagged[write.ref.id] = echo[1]
            else:
                tagged.pop(write.ref.id, None)
            folded += 1
        if not folded:
            return state
        return replace(
            previous,
            etags=MappingProxyType(etags),
            tagged=MappingProxyType(tagged),
            written=MappingProxyType(written),
        ).encode()

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        """The current version of each id that still exists. Raises AuthFailed, RateLimited, Transient."""
        wanted = [i for i in dict.fromkeys(ids) if hrefs.member_id(self.url, i) == i]
        read = self._read(wanted)
        tags_by_uid = _tags_by_uid(self._current_groups().values()) if self.options.group_style.uses_group_cards else {}
        return MappingProxyType(
            {
                c.href: self._remote(c, tags_by_uid.get(c.parsed.uid, frozenset()))
                for c in read.cards
                if not c.parsed.is_group
            }
        )

    def tag_counts(self) -> Mapping[Tag, int]:
        """Members per tag. After a pull in this run, counted from what the pull saw and what the run wrote since
        (the pull state keeps every card's tags): no request, no card read again (#18). Without one (nothing
        pulled yet, or a write whose outcome is unknown), read back from the server: a full listing.
        Raises AuthFailed, Transient."""
        per_contact = self._known_tags()
        if per_contact is None:
            self._read_book()
            per_contact = self._known_tags()
            assert per_contact is not None
        counts: dict[Tag, int] = {}
        for tags in per_contact:
            for tag in tags:
                counts[tag] = counts.get(tag, 0) + 1
        return MappingProxyType(counts)

    def _known_tags(self) -> Iterable[frozenset[Tag]] | None:
        """The tags of each contact card of the book as this run knows it, or None when it does not."""
        if not self.options.group_style.uses_group_cards:
            return None if self._tagged is None else self._tagged.values()
        if self._groups is None or self._member_hrefs is None:
            return None
        tags_by_uid = _tags_by_uid(self._groups.values())
        return [tags_by_uid.get(uid, frozenset()) for uid in self._member_hrefs]

    def _read_book(self) -> None:
        """List the whole book and read every card (those held at their etag from the copies): the group cards,
        and the tags of every contact card, as the server holds them now."""
        listed: Mapping[str, str | None]
        if self._supports_sync():
            listed, _, _, raw = self._sync_collection(None)
        else:
            listed, raw = self._list_etags()
        # a card named with a raw "?" or "#" is left out, not read; a pull quarantines it and says so, not this
        read = self._read_listed(listed, raw, known_raw=raw)
        contacts = [c for c in read.cards if not c.parsed.is_group]
        if self.options.group_style.uses_group_cards:
            self._groups = {c.href: self._group_card(c) for c in read.cards if c.parsed.is_group}
            self._member_hrefs = {c.parsed.uid: c.href for c in contacts}
        else:
            self._tagged = {c.href: c.parsed.contact.tags for c in contacts if c.parsed.contact.tags}

    def _tagged_after(self, previous: PullState | None, read: _Read, gone: Iterable[str]) -> dict[str, frozenset[Tag]]:
        """Categories: href → tags of each contact card carrying some, after a pull that read ``read`` and found
        ``gone`` deleted, on top of ``previous`` (None: a full listing, nothing carried over)."""
        kept = previous.tagged if previous is not None else None
        tagged = {href: frozenset(Tag(n) for n in names) for href, names in (kept or {}).items()}
        for href in (*gone, *(q.remote_id for q in read.quarantined)):
            tagged.pop(href, None)
        for card in read.cards:
            tags = frozenset() if card.parsed.is_group else card.parsed.contact.tags
            if tags:
                tagged[card.href] = tags
            else:
                tagged.pop(card.href, None)
        return tagged

    def _note_written(self, results: Sequence[ChangeResult], uids: Sequence[str | None]) -> None:
        """Bring what this run knows of the book (for tag_counts) up to date with a push's outcomes. A write whose
        outcome is unknown (lost answer, the card changed meanwhile) makes it unknown: the check then lists."""
        uses_groups = self.options.group_style.uses_group_cards
        for result, uid in zip(results, uids, strict=True):
            change, error = result.change, result.error
            if isinstance(error, _NOT_WRITTEN):
                continue
            was = change.ref.id if change.ref is not None else None
            if isinstance(error, PreconditionFailed) and error.gone and was is not None:
                gone_href: str | None = was
                now_href, tags = None, frozenset[Tag]()
            elif error is not None:
                self._tagged = self._member_hrefs = None
                return
            elif change.kind is ChangeKind.DELETE:
                gone_href, now_href, tags = was, None, frozenset()
            else:
                assert result.ref is not None
                gone_href, now_href = was, result.ref.id
                tags = (result.stored or change.contact or Contact()).tags  # no stored: as sent
            if uses_groups and self._member_hrefs is not None:
                if gone_href is not None and uid and self._member_hrefs.get(uid) == gone_href:
                    del self._member_hrefs[uid]
                elif gone_href is not None:  # the UID is not known: look for the card
                    self._member_hrefs = {u: h for u, h in self._member_hrefs.items() if h != gone_href}
                if now_href is not None and uid:
                    self._member_hrefs[uid] = now_href
            elif not uses_groups and self._tagged is not None:
                if gone_href is not None:
                    self._tagged.pop(gone_href, None)
                if now_href is not None and tags:
                    self._tagged[now_href] = tags

    def fit(self, contact: Contact) -> Contact:
        """The contact after a write and a re-read (remembered for the last contacts fitted)."""
        return self._fits(contact)

    def _fit(self, contact: Contact) -> Contact:
        """What the vCard mapping keeps of ``contact`` (``fit_contact`` is that round trip without rendering and
        reading a card, #18), a photo over the cap dropped; with group cards, the tags are kept (groups hold
        them)."""
        fitted = fit_contact(contact, region=self.region)
        photo = fitted.photo
        if photo is not None and photo.data and len(photo.data) > self.photo_max_bytes:
            fitted = replace(fitted, photo=None)  # read back, a photo over the cap is dropped
        if self.options.group_style.uses_group_cards:
            fitted = replace(fitted, tags=contact.tags)
        return fitted

    def _remote(self, card: _Card, group_tags: frozenset[Tag]) -> RemoteContact:
        contact = card.parsed.contact
        if self.options.group_style.uses_group_cards:
            contact = replace(contact, tags=group_tags)
        # what a card holds is what this book can hold: the engine's fit of it is itself, not computed (#18)
        self._fits.seed(contact)
        return RemoteContact(
            RemoteRef(card.href, self._item_etag(card.etag, contact.tags)),
            contact,
            card.parsed.marker,
            left_behind=photo_left_behind(self.photo_max_bytes) if card.parsed.photo_dropped else (),
        )

    def _item_etag(self, card_etag: str, tags: frozenset[Tag]) -> str:
        """The etag the engine sees. With group cards, a contact's tags live outside its card, so a change of
        membership must change the contact's version too: the card's etag plus a digest of its tags."""
        if not self.options.group_style.uses_group_cards:
            return card_etag
        digest = hashlib.sha256("\n".join(sorted(t.key for t in tags)).encode()).hexdigest()[:16]
        return f"{card_etag}{_TAGS_SEPARATOR}{digest}"

    def _card_etag(self, item_etag: str) -> str:
        if not self.options.group_style.uses_group_cards:
            return item_etag
        return item_etag.rpartition(_TAGS_SEPARATOR)[0] or item_etag

    def _current_tags(self, uid: str | None) -> frozenset[Tag]:
        if uid is None or not self.options.group_style.uses_group_cards:
            return frozenset()
        return _tags_by_uid(self._current_groups().values()).get(uid, frozenset())

    def _group_card(self, card: _Card) -> GroupCard:
        contact = card.parsed.contact
        name = contact.display_name or contact.name.formatted() or card.parsed.uid
        return GroupCard(
            card.href,
            card.etag,
            card.parsed.uid,
            name,
            frozenset(member_uid(m) for m in card.parsed.members),
            card.text,
        )

    def _current_groups(self) -> dict[str, GroupCard | KnownGroup]:
        if self._groups is None:
            self._read_book()
        assert self._groups is not None
        return self._groups

    def _probe_collection(self) -> None:
        # The sync-token is not asked for here: a server may compute it over the whole book (Radicale hashes every
        # card: 0.7 s of a 10,000-card first sync, #18), and RFC 6578 section 3 has a server that offers
        # sync-collection list it in supported-report-set. Only a server whose answer does not list it is asked
        # for the token, as before, in a second PROPFIND.
        answer = self._transport.propfind(
            self.url,
            davxml.propfind_body([davxml.RESOURCETYPE, davxml.SUPPORTED_REPORT_SET, davxml.SUPPORTED_ADDRESS_DATA]),
            0,
        )
        entry = answer.entries[0] if answer.entries else DavEntry(self.url, None)
        reports = entry.props.get(davxml.SUPPORTED_REPORT_SET)
        has_sync = reports is not None and reports.find(f".//{_SYNC_COLLECTION}") is not None
        if not has_sync:
            try:
                token = self._transport.propfind(self.url, davxml.propfind_body([davxml.SYNC_TOKEN]), 0)
            except davxml.BadServerResponse:
                token = None  # a server that will not say: no sync-collection (a timeout or 5xx raises, unkept)
            has_sync = token is not None and any(e.text(davxml.SYNC_TOKEN) is not None for e in token.entries[:1])
        versions = davxml.supported_vcard_versions(entry)
        # both kept together, once both are known: a probe that raised is made again by the next call
        self._has_sync = has_sync
        # 3.0 is what every server and client reads; 4.0 only when it is all the server offers
        self._new_card_version = "3.0" if "3.0" in versions or not versions else versions[0]

    def _supports_sync(self) -> bool:
        if not self.options.use_sync_collection:
            return False
        if self._has_sync is None:
            self._probe_collection()
        return bool(self._has_sync)

    def _new_version(self) -> str:
        if self._new_card_version is None:
            self._probe_collection()
        assert self._new_card_version is not None
        return self._new_card_version

    def _sync_collection(self, token: str | None) -> tuple[dict[str, str | None], set[str], str, frozenset[str]]:
        """(changed href → its etag (None if the server sent none), deleted hrefs, new token, the changed hrefs
        listed with a raw "?" or "#" (:func:`.hrefs.raw_member_id`)). Follows 507 truncation until the server is
        done."""
        changed: dict[str, str | None] = {}
        deleted: set[str] = set()
        raw: set[str] = set()
        for _ in range(_MAX_SYNC_ROUNDS):
            answer = self._transport.report(self.url, davxml.sync_collection_body(token), 1)
            truncated = False
            for entry in answer.entries:
                if entry.status == 507:
                    truncated = True
                    continue
                href = hrefs.member_id(self.url, entry.href)
                listed_raw = href is None and (href := hrefs.raw_member_id(self.url, entry.href)) is not None
                if href is None:
                    continue  # the collection itself, or a hostile href elsewhere
                if entry.status == 404:
                    deleted.add(href)
                    changed.pop(href, None)
                    raw.discard(href)
                else:
                    changed[href] = entry.text(davxml.GETETAG) or None
                    deleted.discard(href)
                    # a card named with a raw "?" or "#" is quarantined, not read (_read_listed)
                    (raw.add if listed_raw else raw.discard)(href)
            if not answer.sync_token:
                raise davxml.BadServerResponse("the sync-collection answer carries no sync token")
            token = answer.sync_token
            if not truncated:
                return changed, deleted, token, frozenset(raw)
        raise Transient(f"the server kept truncating the sync-collection answer ({_MAX_SYNC_ROUNDS} rounds)")

    def _list_etags(self) -> tuple[dict[str, str], frozenset[str]]:
        """(href → etag of every card listed, the hrefs listed with a raw "?" or "#" (:func:`.hrefs.raw_member_id`))."""
        body = davxml.propfind_body([davxml.GETETAG, davxml.RESOURCETYPE])
        answer = self._transport.propfind(self.url, body, 1)
        listing: dict[str, str] = {}
        raw: set[str] = set()
        for entry in answer.entries:
            href = hrefs.member_id(self.url, entry.href)
            listed_raw = href is None and (href := hrefs.raw_member_id(self.url, entry.href)) is not None
            etag = entry.text(davxml.GETETAG)
            if href is not None and etag and not entry.has_resourcetype(davxml.tag(davxml.DAV, "collection")):
                listing[href] = etag
                (raw.add if listed_raw else raw.discard)(href)
        return listing, frozenset(raw)

    def _read_listed(
        self,
        listed: Mapping[str, str | None],
        raw: frozenset[str] = frozenset(),
        known_raw: frozenset[str] = frozenset(),
    ) -> _Read:
        """The cards of a listing (href → the etag listed): each one we hold at that etag comes from what we
        kept (our own writes echoing back, cards read by an earlier run), the others are read. A card the listing
        names with a raw "?" or "#" (``raw``) is quarantined, never skipped: which card it is is a guess
        (:func:`.hrefs.raw_member_id`); one quarantined so by the last pull already (``known_raw``) is quarantined
        again without a second WARNING."""
        unaddressable = sorted(raw.intersection(listed))
        if unaddressable:
            listed = {href: etag for href, etag in listed.items() if href not in raw}
        etags = {href: etag for href, etag in listed.items() if etag}
        cards = []
        for href, text in self._known(etags).items():
            try:
                parsed = parse_card(text, region=self.region, photo_max_bytes=self.photo_max_bytes)
            except CardError:
                continue  # read it: the server's answer is what counts (and is quarantined if unreadable)
            cards.append(_Card(href, etags[href], text, parsed))
        held = {c.href for c in cards}
        read = self._read(sorted(h for h in listed if h not in held))
        if listed:
            log.debug(
                "carddav %s: %d changed cards known at their etag, %d read",
                self.name,
                len(cards),
                len(listed) - len(cards),
            )
        unread = (*read.quarantined, *(self._listed_raw(href, href in known_raw) for href in unaddressable))
        return _Read(tuple(sorted((*cards, *read.cards), key=lambda c: c.href)), read.missing, unread)

    def _listed_raw(self, href: str, known: bool) -> Quarantined:
        """A card the listing names with a raw "?" or "#" in its href, quarantined: a raw "?" or "#" ends a URL's
        path, so which card the server means is a guess, and the card is not read by it. ``known``: quarantined
        so by the last pull already, and said so then (a WARNING once, not at every run)."""
        # the href masked (shown_path): a card's file name is its UID, which another client may have made of a name
        log.log(
            logging.DEBUG if known else logging.WARNING,
            "carddav %s: quarantined %s (listed under a name with a raw '?' or '#')",
            self.name,
            shown_path(href, self.options.username),
        )
        return Quarantined(href, _LISTED_RAW)

    def _listed_again(self, quarantined: Sequence[str]) -> tuple[dict[str, str], frozenset[str]]:
        """The cards quarantined for a raw name by an earlier pull that sync-collection does not name now, as the
        server names them now: (href → etag of each it names encoded, to be read; the others, quarantined still).
        A depth-0 PROPFIND of each (in flight together): the server's answer names the card as its listing would.
        More than a window of requests in flight: one listing of the book (PROPFIND, depth 1) instead.

        A card the server does not name at all stays quarantined: a card gone is for sync-collection to report
        (it names a deleted card under its raw name too, :meth:`_sync_collection`). An answer that is no
        multistatus for one card leaves that card quarantined; a timeout, a rate limit or a refused login raises,
        as a failed listing does."""
        if len(quarantined) > self.options.max_in_flight * 4:
            listing, raw = self._list_etags()
            named = {h: listing[h] for h in quarantined if h in listing and h not in raw}
            return named, frozenset(quarantined) - named.keys()
        body = davxml.propfind_body([davxml.GETETAG, davxml.RESOURCETYPE])
        answers = self._slots.run([functools.partial(self._propfind_member, href, body) for href in quarantined])
        named = {}
        for href, outcome in zip(quarantined, answers, strict=True):
            answer = outcome.get()
            for entry in answer.entries if answer is not None else ():
                etag = entry.text(davxml.GETETAG)
                collection = entry.has_resourcetype(davxml.tag(davxml.DAV, "collection"))
                if hrefs.member_id(self.url, entry.href) == href and etag and not collection:
                    named[href] = etag
        return named, frozenset(quarantined) - named.keys()

    def _propfind_member(self, href: str, body: str) -> davxml.Multistatus | None:
        """A depth-0 PROPFIND of one card (by its id, encoded); None when the server has no such card or cannot
        say (404, an answer that is no multistatus)."""
        try:
            return self._transport.propfind_if_any(hrefs.absolute(self.url, href), body)
        except _CARD_SPECIFIC_FAILURES:
            return None

    def _known(self, etags: Mapping[str, str]) -> dict[str, str]:
        """href → text of each card we hold at exactly the etag given (the etag listed, or the one a write will
        be checked against): from memory, else from the store's copies. A copy at another etag is stale (the
        card changed since): left out, so the caller reads that card."""
        found: dict[str, str] = {}
        for href, body in self._originals.at({h: e for h, e in etags.items() if _strong(e)}).items():
            try:
                found[href] = body.decode()
            except UnicodeDecodeError:
                continue
        return found

    def _remember(self, cards: Mapping[str, tuple[str, str]], *, written: bool = False) -> None:
        """Keep href → (card etag, text): each is the card as the server holds it at that etag (a weak etag is
        never trusted, so never kept). ``written``: cards this push wrote, whose copies are put at its end: one put
        per push, not one per PUT (a row at a time cost the store ten times the CPU on a first sync)."""
        kept = {href: RemoteCopy(etag, text.encode()) for href, (etag, text) in cards.items() if _strong(etag)}
        self._keep(kept, written=written)

    def _keep(self, copies: Mapping[str, RemoteCopy], *, written: bool = False) -> None:
        # from a write in flight: kept once the batch is done, on this thread (the store's handle lives here)
        self._slots.later(lambda: self._originals.keep(copies, later=written))

    def _forget(self, gone: Iterable[str]) -> None:
        """Drop what we kept of cards deleted, or found missing or unreadable."""
        dropped = list(gone)
        self._slots.later(lambda: self._originals.forget(dropped))

    def _read(self, wanted: Sequence[str]) -> _Read:
        """Multiget ``wanted`` in chunks; what was read is kept (one put of copies per multiget). A card a multiget
        leaves out, or answers 404 for, is read on its own with a GET (:meth:`_get_card`): only a 404 to that makes
        it missing (gone); any other answer quarantines it. A multiget can leave out a card that is there: Radicale
        once read ``semi;colon.vcf`` as ``semi``, Xandikos answers ``q%3Fx.vcf`` as ``q`` (404)."""
        cards: list[_Card] = []
        missing: set[str] = set()
        quarantined: list[Quarantined] = []
        left_out: list[str] = []
        unreadable = 0
        chunks = list(_chunks(wanted, self.options.multiget_chunk))
        # multigets in flight together, a window at a time: the answers of a huge listing never all sit in memory.
        # The next window is on the wire while this one's cards are read (#18: at 10,000 cards the reading
        # waited 2.3 s for the windows, the windows waited for the reading)
        window = self.options.max_in_flight * 4
        fetched = (
            outcome
            for outcomes in self._slots.run_ahead(
                [functools.partial(self._fetch_chunk, chunk) for chunk in chunks[start : start + window]]
                for start in range(0, len(chunks), window)
            )
            for outcome in outcomes
        )
        for chunk, outcome in zip(chunks, fetched, strict=True):
            answer = self._again_alone(outcome, functools.partial(self._fetch_chunk, chunk)).get()
            entries, unread = answer.entries, answer.unread
            quarantined += unread
            unreadable += len(unread)
            seen: set[str] = {q.remote_id for q in unread}
            kept: dict[str, RemoteCopy] = {}
            for entry, packed in zip(entries, answer.packed, strict=True):
                href = hrefs.member_id(self.url, entry.href)
                if href is None or href not in chunk:
                    continue  # not asked for: ignored
                if entry.status == 404:
                    continue  # not taken for gone on the multiget's word: read on its own below
                seen.add(href)
                self._take(
                    href, entry.text(davxml.ADDRESS_DATA), entry.text(davxml.GETETAG), packed, cards, kept, quarantined
                )
            self._keep(kept)
            left_out += [href for href in chunk if href not in seen]
        if left_out:
            got = self._read_alone(left_out, cards, quarantined)
            missing |= got.missing
            unreadable += got.unreadable
        self._forget(missing | {q.remote_id for q in quarantined})
        if unreadable > 1 and unreadable == len(wanted):
            # every card failed: that is the server failing, not the cards; retry the run later
            raise Transient("the server failed to send any of the changed cards")
        return _Read(tuple(cards), frozenset(missing), tuple(quarantined))

    def _take(
        self,
        href: str,
        text: str | None,
        etag: str | None,
        packed: bytes | None,
        cards: list[_Card],
        kept: dict[str, RemoteCopy],
        quarantined: list[Quarantined],
    ) -> None:
        """One card the server sent (its text and etag): parsed into ``cards`` and its copy into ``kept``, or
        quarantined with the reason."""
        if not text or not etag:
            quarantined.append(Quarantined(href, "the server sent no card data or no etag for it"))
            return
        try:
            parsed = parse_card(text, region=self.region, photo_max_bytes=self.photo_max_bytes)
        except CardError as exc:
            # the href masked: it holds the login, and a card's file name is its UID, which another
            # client may have made of an email
            log.warning(
                "carddav %s: quarantined %s (%s)",
                self.name,
                shown_path(href, self.options.username),
                type(exc).__name__,
            )
            quarantined.append(Quarantined(href, f"unreadable card: {exc}"))
            return
        if _strong(etag):
            body = text.encode()
            kept[href] = RemoteCopy(etag, body) if packed is None else RemoteCopy.of_packed(etag, body, packed)
        else:
            kept.pop(href, None)  # the href's last card read is the one held: none under a weak etag
        cards.append(_Card(href, etag, text, parsed))

    def _read_alone(self, hrefs_left: Sequence[str], cards: list[_Card], quarantined: list[Quarantined]) -> _Alone:
        """Read each card a multiget left out with a GET of its own, in flight together and a window at a time as
        multigets are (:meth:`_read`): a card into ``cards``, a 404 into the missing, anything else quarantined
        with the reason, never dropped. A GET timed out or cut off with others in flight is sent again alone, with
        fewer in flight from then on; one that fails so alone, a rate limit or a refused login raises, as a failed
        multiget does: the listing is read again."""
        log.info(
            "carddav %s: the multiget left out %s; reading each on its own",
            self.name,
            counted(len(hrefs_left), "card"),
        )
        # a server whose multiget answers 404 for every card gets one GET per card: the answers of a window are
        # read while the next window is on the wire, and never more than two windows' cards sit in memory
        window = self.options.max_in_flight * 4
        outcomes = (
            outcome
            for batch in self._slots.run_ahead(
                [functools.partial(self._get_card, href) for href in hrefs_left[start : start + window]]
                for start in range(0, len(hrefs_left), window)
            )
            for outcome in batch
        )
        missing: set[str] = set()
        unreadable = 0
        kept: dict[str, RemoteCopy] = {}
        for href, outcome in zip(hrefs_left, outcomes, strict=True):
            got = self._again_alone(outcome, functools.partial(self._get_card, href)).get()
            if got is None:
                missing.add(href)
            elif isinstance(got, Quarantined):
                log.warning(
                    "carddav %s: quarantined %s (the server would not send it)",
                    self.name,
                    shown_path(href, self.options.username),
                )
                quarantined.append(got)
                unreadable += 1
            else:
                etag, text = got
                self._take(href, text, etag, None, cards, kept, quarantined)
        self._keep(kept)
        return _Alone(frozenset(missing), unreadable)

    def _again_alone(self, outcome: Outcome[R], task: Callable[[], R]) -> Outcome[R]:
        """A read's outcome (a multiget's, a GET's), or, when it timed out or was cut off while others could be in
        flight with it (:attr:`.parallel.Outcome.width`, however many may be in flight by now), the outcome of
        ``task`` sent again alone, once nothing else is in flight. The first such failure of requests sent at the
        current limit halves it for the rest of the run; the others sent with it were cut off by the same overload
        and only go again alone. A read that fails alone is the listing's failure: :meth:`Outcome.get` raises."""
        if not isinstance(outcome.error, Transient) or outcome.width == 1:
            return outcome
        if outcome.width == self._slots.limit:
            self._slots.narrow()
        else:
            self._slots.settle()
        return self._slots.run([task])[0]

    def _get_card(self, href: str) -> tuple[str | None, str] | Quarantined | None:
        """One card read with a GET: (its etag, its text); None when the server answers that it is not there
        (404, 410); Quarantined, with the reason, for any other answer."""
        try:
            answer = self._transport.get(hrefs.absolute(self.url, href))
        except _CARD_SPECIFIC_FAILURES as exc:
            return Quarantined(href, _unreadable_reason(exc))
        if answer.status in (404, 410):
            return None
        if answer.status != 200:
            return Quarantined(
                href, f"the server left this card out of its multiget and answered {answer.status} to a GET of it"
            )
        try:
            text = answer.body.decode("utf-8")
        except UnicodeDecodeError:
            return Quarantined(href, _unreadable_reason(davxml.BadServerResponse("the card is not UTF-8")))
        return answer.etag, text

    def _multiget(self, chunk: Sequence[str]) -> tuple[DavEntry, ...]:
        body = davxml.multiget_body([hrefs.wire_path(href) for href in chunk])
        return self._transport.report(self.url, body, 1).entries

    def _fetch_chunk(self, chunk: Sequence[str]) -> _Fetched:
        """One multiget, with its small cards compressed here, on the slot's thread (:func:`_packed_of`), and the
        cards it could not read."""
        entries, unread = self._fetch_entries(chunk)
        return _Fetched(entries, unread, _packed_of(entries))

    def _fetch_entries(self, chunk: Sequence[str]) -> tuple[tuple[DavEntry, ...], list[Quarantined]]:
        unread: list[Quarantined] = []
        try:
            return self._multiget(chunk), unread
        except _CARD_SPECIFIC_FAILURES as exc:
            # one bad card (bytes that are not UTF-8, too big) can spoil a whole chunk: read one by one
            if len(chunk) == 1:
                return (), [Quarantined(chunk[0], _unreadable_reason(exc))]
            return tuple(e for href in chunk for e in self._multiget_or_quarantine(href, unread)), unread

    def _multiget_or_quarantine(self, href: str, quarantined: list[Quarantined]) -> tuple[DavEntry, ...]:
        try:
            return self._multiget([href])
        except _CARD_SPECIFIC_FAILURES as exc:
            quarantined.append(Quarantined(href, _unreadable_reason(exc)))
            return ()

    # --- writing -------------------------------------------------------------------------------------------

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        """Apply each change; per-item failures are in the results (PreconditionFailed, ItemRejected,
        RateLimited, Transient). Raises AuthFailed only (nothing can be written with refused credentials)."""
        if self.capabilities.read_only:
            # a pull-only account: the server may well let these credentials write, we must not
            return [ChangeResult(c, error=ItemRejected("read-only account", account=self.name)) for c in changes]
        try:
            return self._push(changes)
        finally:
            self._originals.flush()

    def _push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        originals = self._originals_for(changes)
        self._ready_to_write(changes)
        # up to max_in_flight writes at once; changes naming the same card or contact go one after another, in
        # order (a create then its update, an update then a delete), and each keeps its own outcome (.parallel)
        tasks = [functools.partial(self._apply, change, originals) for change in changes]
        keys = [{change.contact_id} | ({change.ref.id} if change.ref else set()) for change in changes]
        overlapped = self._slots.limit > 1 and len(changes) > 1
        outcomes = self._slots.run(tasks, keys)
        if all(isinstance(o.error, AuthFailed) for o in outcomes) and outcomes and outcomes[0].error:
            raise outcomes[0].error  # nothing was written: the whole batch waits for the admin
        if overlapped:
            outcomes = self._after_locks(tasks, keys, outcomes)
        if any(isinstance(o.error, Transient) and not isinstance(o.error, ServerError) for o in outcomes):
            # writes timed out or were cut off: the engine sends them again; fewer at once from now on
            self._slots.narrow()
        results: list[ChangeResult] = []
        uids: list[str | None] = []
        memberships: dict[int, tuple[str, frozenset[Tag] | None]] = {}
        for index, (change, outcome) in enumerate(zip(changes, outcomes, strict=True)):
            try:
                result, uid = outcome.get()
            except AuthFailed:
                result, uid = ChangeResult(change, error=AuthFailed("credentials refused mid-batch")), None
            except CardError as exc:
                result, uid = ChangeResult(change, error=ItemRejected(f"cannot write this card: {exc}")), None
            except ConnectorError as exc:
                result, uid = ChangeResult(change, error=exc), None
            results.append(result)
            uids.append(uid)
            if result.ok and uid is not None and self.options.group_style.uses_group_cards:
                tags = None if change.kind is ChangeKind.DELETE else (change.contact or Contact()).tags
                memberships[index] = (uid, tags)
        failed: dict[str, ConnectorError] = {}
        if memberships:
            failed = self._update_groups(memberships.values())
            for index, (uid, _) in memberships.items():
                if uid in failed:
                    results[index] = self._group_failed(results[index], uid, failed[uid])
        self._note_written(results, uids)
        if any(not isinstance(error, _NOT_WRITTEN) for error in failed.values()):
            # a group card's write whose outcome is unknown (a timeout): what the book's groups hold is not known
            self._tagged = self._member_hrefs = None
        return results

    def _group_failed(self, result: ChangeResult, uid: str, error: ConnectorError) -> ChangeResult:
        """The result of a change whose card was written but whose groups could not all take its tags: the group
        card's failure is the group's (:meth:`_update_groups`). A card this push wrote (created, deleted, or
        updated to a new version) stays written, reported so, with the tags the server's groups give it now, and
        an item etag no listing gives: the next pull reads the contact again and the engine, seeing the tags it
        lacks, owes them once more. A change that wrote no card (an update whose card already held everything:
        its write was the groups') failed with the group."""
        change = result.change
        if not result.ok or result.ref == change.ref:
            return ChangeResult(change, error=error)
        if result.ref is None:
            return result  # a card deleted: gone, whatever its groups still name
        assert self._groups is not None  # read before the writes (_ready_to_write), kept up to date by them
        held = _tags_by_uid(self._groups.values()).get(uid, frozenset())
        stored = replace(result.stored or change.contact or Contact(), tags=held)
        unsettled = RemoteRef(result.ref.id, f"{self._card_etag(result.ref.etag)}{_TAGS_SEPARATOR}{_UNSETTLED}")
        return ChangeResult(change, unsettled, stored=stored, owed=error)

    def _after_locks(
        self,
        tasks: Sequence[Callable[[], tuple[ChangeResult, str | None]]],
        keys: Sequence[set[str]],
        outcomes: list[Outcome[tuple[ChangeResult, str | None]]],
    ) -> list[Outcome[tuple[ChangeResult, str | None]]]:
        """The outcomes of a batch whose writes overlapped, once the writes the server refused as locked
        (:class:`Locked`) were sent again, one at a time: the server locks for a write, and ours locked each other
        (Xandikos: 3 to 5 of 20 updates went through with 8 in flight). From here on this account writes one at a
        time for the rest of the run. Nothing is waited for here: a write still locked, someone else's lock, is
        left to the engine's retry policy (a :class:`Locked` is a rate limit)."""
        # a lock the server asked us to wait out (Retry-After) is the retry policy's: it waits as asked
        locked = [
            index
            for index, outcome in enumerate(outcomes)
            if isinstance(outcome.error, Locked) and outcome.error.retry_after is None
        ]
        if not locked:
            return outcomes
        if self._slots.limit > 1:
            log.info(
                "carddav %s: the server refused %s as locked while others were in flight; one write at a time "
                "for the rest of the run",
                self.name,
                counted(len(locked), "write"),
            )
            # every request of this account from now on, on one slot (the slots' pool is left idle: a batch with
            # one slot runs on the calling thread)
            self._slots.limit = 1
        # a locked change that a later change of the same card or contact went past (it was written, or refused
        # for another reason) is not sent again: that would undo their order. It stays owed for the next run
        later_by_key: dict[str, list[int]] = {}
        for index, task_keys in enumerate(keys):
            for key in task_keys:
                later_by_key.setdefault(key, []).append(index)
        again: list[int] = []
        results = list(outcomes)
        for index in locked:
            passed = any(
                other > index and not isinstance(outcomes[other].error, Locked)
                for key in keys[index]
                for other in later_by_key[key]
            )
            if passed:
                results[index] = Outcome(
                    None,
                    Transient("the server refused this write as locked, and a later one of the same card went first"),
                )
            else:
                again.append(index)
        for index, outcome in zip(again, self._slots.run([tasks[i] for i in again]), strict=True):
            results[index] = outcome
        return results

    def _ready_to_write(self, changes: Sequence[Change]) -> None:
        """Learn, before writes overlap, what they read of the connector's own state: the vCard version of new
        cards, the group cards an update or delete checks its tags against."""
        if any(c.kind is ChangeKind.CREATE for c in changes):
            self._new_version()
        if self.options.group_style.uses_group_cards and any(c.kind is not ChangeKind.CREATE for c in changes):
            self._current_groups()

    def _originals_for(self, changes: Sequence[Change]) -> dict[str, tuple[str, str]]:
        """href → (card etag, text) for each update/delete target: what we kept of it at the etag the write is
        checked against (memory, the store's copies), else one multiget for the misses."""
        wanted: dict[str, str] = {}
        for change in changes:
            if change.kind is ChangeKind.CREATE or change.ref is None:
                continue
            if change.kind is ChangeKind.DELETE and not self.options.group_style.uses_group_cards:
                continue  # a delete needs the UID only to leave groups
            if hrefs.member_id(self.url, change.ref.id) == change.ref.id:
                # the card etag, not the item etag: with group cards that one carries the tags' digest too
                wanted[change.ref.id] = self._card_etag(change.ref.etag)
        found = {href: (wanted[href], text) for href, text in self._known(wanted).items()}
        misses = [href for href in wanted if href not in found]
        if misses:
            read = self._read(misses)
            found.update({c.href: (c.etag, c.text) for c in read.cards})
        return found

    def _apply(self, change: Change, originals: Mapping[str, tuple[str, str]]) -> tuple[ChangeResult, str | None]:
        if change.kind is ChangeKind.CREATE:
            return self._create(change)
        ref = change.ref
        if ref is None or hrefs.member_id(self.url, ref.id) != ref.id:
            raise ItemRejected("this change names no card of this address book")
        original = originals.get(ref.id)
        card_etag = self._card_etag(ref.etag)
        if change.kind is ChangeKind.DELETE:
            uid = card_uid(original[1]) if original else None
            if original is not None and self._item_etag(original[0], self._current_tags(uid)) != ref.etag:
                raise PreconditionFailed("the contact changed on the server since it was listed")
            answer = self._transport.delete(hrefs.absolute(self.url, ref.id), etag=card_etag)
            if answer.status in (200, 202, 204):
                self._forget([ref.id])
                return ChangeResult(change), uid
            raise self._write_failure(answer, ref.id)
        if original is None:
            # the card is gone, or it changed since the engine saw it (the re-read found another etag)
            raise self._missing_or_changed(ref.id)
        parsed = parse_card(original[1], region=self.region, photo_max_bytes=self.photo_max_bytes)
        if self._item_etag(original[0], self._current_tags(parsed.uid)) != ref.etag:
            raise PreconditionFailed("the card changed on the server since it was listed")
        assert change.contact is not None
        # a card without a UID gets a real one (RFC 6350 6.7.6; servers refuse an empty one): ours, derived
        # from the canonical id like a created card's
        uid = parsed.uid or _card_uid_for(change.contact_id)
        text = render_card(
            change.contact,
            uid=uid,
            marker=change.contact_id,
            version=parsed.version,
            original=original[1],
            categories=not self.options.group_style.uses_group_cards,
            photo_max_bytes=self.photo_max_bytes,
            region=self.region,
            previous=change.previous,
        )
        if text == original[1]:
            # nothing the card holds would change (only our marker, which a card needs no more than its href
            # and UID give it already): no PUT, the card stays byte for byte as it is
            stored = parsed.contact
            if self.options.group_style.uses_group_cards:
                stored = replace(stored, tags=change.contact.tags)
            return ChangeResult(change, RemoteRef(ref.id, ref.etag), stored=stored), uid
        answer = self._transport.put(hrefs.absolute(self.url, ref.id), text, etag=card_etag)
        return self._written(change, ref.id, answer, text), uid

    def _create(self, change: Change) -> tuple[ChangeResult, str | None]:
        assert change.contact is not None
        uid = _card_uid_for(change.contact_id)
        text = render_card(
            change.contact,
            uid=uid,
            marker=change.contact_id,
            version=self._new_version(),
            categories=not self.options.group_style.uses_group_cards,
            photo_max_bytes=self.photo_max_bytes,
            region=self.region,
        )
        href = hrefs.collection_path(self.url) + hrefs.safe_name(uid)
        answer = self._transport.put(hrefs.absolute(self.url, href), text, etag=None)
        if answer.status == 412:
            # a card already sits at our deterministic href: ours from an earlier try whose answer was lost?
            existing = self._read([href]).cards
            if existing and existing[0].parsed.marker == change.contact_id:
                answer = self._transport.put(hrefs.absolute(self.url, href), text, etag=existing[0].etag)
            else:
                href = hrefs.collection_path(self.url) + f"{uuid.uuid4()}.vcf"
                answer = self._transport.put(hrefs.absolute(self.url, href), text, etag=None)
        if answer.status == 409 and not _locked(answer):
            raise ItemRejected(
                "the server already holds a card with this UID under another name (409); "
                "contactsync will not write a duplicate"
            )
        return self._written(change, href, answer, text, fresh=True), uid

    def _written(
        self, change: Change, href: str, answer: HttpAnswer, text: str, *, fresh: bool = False
    ) -> ChangeResult:
        """The result of a write of ``text`` at ``href``; ``fresh``: a new card rendered from the change's contact
        alone (no original under it)."""
        if answer.status not in (200, 201, 204):
            raise self._write_failure(answer, href)
        final = href
        if answer.location:
            moved = hrefs.member_id(self.url, answer.location)
            final = moved or href
        etag = answer.etag if answer.location is None else None
        stored_text = text
        # only a card the server says it holds as sent may be folded into the state (absorb_writes)
        echoed = etag is not None and _strong(etag)
        if etag is None:
            # no etag in the answer (or the card moved): read back what the server holds now (and keep that)
            read = self._read([final])
            if not read.cards:
                raise Transient("the card was written but could not be read back")
            etag, stored_text = read.cards[0].etag, read.cards[0].text
        else:
            # a server that stores a card other than as sent must not answer its PUT with an ETag (RFC 6352
            # 6.3.2.3, RFC 7232 2.3): with one, our text is the card at that etag
            self._remember({final: (etag, text)}, written=True)
        if fresh and stored_text is text and change.contact is not None:
            # a card made from the contact alone reads back as the mapping's fit of it (the vCard codec's
            # contract, tests/test_fidelity.py): no parse of what was just rendered (#18)
            stored = self.fit(change.contact)
        else:
            stored = parse_card(stored_text, region=self.region, photo_max_bytes=self.photo_max_bytes).contact
        if self.options.group_style.uses_group_cards:
            stored = replace(stored, tags=(change.contact or Contact()).tags)
        elif echoed:
            self._echoes[final] = (etag, tuple(sorted(t.name for t in stored.tags)))
        else:
            self._echoes.pop(final, None)
        return ChangeResult(change, RemoteRef(final, self._item_etag(etag, stored.tags)), stored=stored)

    def _write_failure(self, answer: HttpAnswer, href: str) -> ConnectorError:
        if _locked(answer):
            # no Retry-After: the transport's answer does not carry it, so the retry policy's own wait applies
            return Locked(
                f"the server refused the write: the card or the address book is locked ({answer.status})",
                retry_after=answer.retry_after,
            )
        if answer.status == 404:
            return PreconditionFailed("the card no longer exists", gone=True)
        if answer.status == 412:
            return self._missing_or_changed(href)
        if answer.status == 409:
            return ItemRejected("the server refused the card as conflicting with another (409)")
        if answer.status in (400, 403, 413, 415, 422):
            return ItemRejected(f"the server refused the card ({answer.status})")
        return Transient(f"unexpected answer {answer.status} to a write")

    def _missing_or_changed(self, href: str) -> PreconditionFailed:
        """412 (or no original found): tell "changed" from "gone", which some servers both answer with 412."""
        read = self._read([href])
        if href in read.missing:
            return PreconditionFailed("the card no longer exists", gone=True)
        return PreconditionFailed("the card changed on the server since it was listed")

    # --- group cards ---------------------------------------------------------------------------------------

    def _update_groups(self, memberships: Iterable[tuple[str, frozenset[Tag] | None]]) -> dict[str, ConnectorError]:
        """Make each group name exactly the cards that carry its tag. Returns, for each UID joining or leaving a
        group whose card could not be written, the reason; a UID a failed group names as it should (its
        membership unchanged) is not the group's failure's. The groups this run knows (``_groups``) are those
        written: a failed group keeps its members as they were."""
        wanted: dict[str, frozenset[str]] = {}  # uid → tag keys it should be in
        names: dict[str, str] = {}
        for uid, tags in memberships:
            wanted[uid] = frozenset(t.key for t in tags or ())
            for t in tags or ():
                names.setdefault(t.key, t.name)
        failed: dict[str, ConnectorError] = {}
        changing: set[str] = set()  # the UIDs moving in or out of a group that changed under us
        for attempt in range(2):
            groups = self._current_groups() if attempt == 0 else self._reload_groups()
            failed, changing = {}, set()  # each attempt writes what the groups, read again, still lack
            by_key = {g.name.casefold(): (href, g) for href, g in groups.items()}
            for key in set(names) | set(by_key):
                href, group = by_key.get(key, (None, None))
                before = set(group.members) if group else set()
                members = set(before)
                for uid, keys in wanted.items():
                    if key in keys:
                        members.add(uid)
                    else:
                        members.discard(uid)
                if group is not None and members == before:
                    continue
                if group is None and not members:
                    continue
                moving = members ^ before  # only these depend on this write: the others are in it as they should be
                try:
                    self._write_group(key, names.get(key, group.name if group else key), href, group, members)
                except PreconditionFailed:
                    changing |= moving
                except ConnectorError as exc:
                    # the group's name is a tag, which can name a person: counted, and the group card masked
                    log.warning(
                        "carddav %s: a group card%s was not written (%s); the membership of %s in it stays as it "
                        "was until a later run writes it",
                        self.name,
                        f" ({shown_path(href, self.options.username)})" if href else "",
                        type(exc).__name__,
                        counted(len(moving), "contact"),
                    )
                    failed.update(dict.fromkeys(moving, exc))
            if not changing:
                return failed
        return failed | {uid: Transient("a group card kept changing while we updated it") for uid in changing}

    def _write_group(
        self, key: str, name: str, href: str | None, group: GroupCard | KnownGroup | None, members: set[str]
    ) -> None:
        style = self.options.group_style
        assert self._groups is not None
        if group is None or href is None:
            uid = new_group_uid(key)
            href = hrefs.collection_path(self.url) + hrefs.safe_name(uid)
            text = render_group(style, uid=uid, name=name, members=members)
            answer = self._transport.put(hrefs.absolute(self.url, href), text, etag=None)
        else:
            original = group.text if isinstance(group, GroupCard) else None
            if original is None:
                original = self._known({href: group.etag}).get(href)
            if original is None:
                fresh = self._read([href]).cards
                if not fresh or fresh[0].etag != group.etag:
                    raise PreconditionFailed("the group card changed")
                original = fresh[0].text
            text = render_group(style, uid=group.uid, name=group.name, members=members, original=original)
            answer = self._transport.put(hrefs.absolute(self.url, href), text, etag=group.etag)
        if answer.status in (404, 412):
            raise PreconditionFailed("the group card changed")
        if answer.status not in (200, 201, 204):
            raise self._write_failure(answer, href)
        etag = answer.etag
        if etag is None:
            read = self._read([href]).cards
            if not read:
                raise Transient("a group card was written but could not be read back")
            etag, text = read[0].etag, read[0].text
        else:
            self._remember({href: (etag, text)}, written=True)  # as for a contact's card (_written)
        parsed_uid = card_uid(text) or ""
        self._groups[href] = GroupCard(href, etag, parsed_uid, name, frozenset(members), text)

    def _reload_groups(self) -> dict[str, GroupCard | KnownGroup]:
        self._groups = None
        return self._current_groups()


def _tags_by_uid(groups: Iterable[GroupCard | KnownGroup]) -> dict[str, frozenset[Tag]]:
    found: dict[str, set[Tag]] = {}
    for group in groups:
        for uid in group.members:
            found.setdefault(uid, set()).add(Tag(group.name))
    return {uid: frozenset(tags) for uid, tags in found.items()}
