"""The ``google`` connector: one Google user's contacts through the People API v1.

Reads: one ``people.connections.list`` listing (1000 per page) with a sync token, so a run with no change is
one request; each page is asked for while the one before is read, and ``getBatchGet`` calls go a few at once
(reads may overlap: Google asks only mutations for one user to be sequential); the contact groups are read only
when a listing is full (alongside its first page) or names a group we do not know, or when a push needs them
(below); their names travel in the state. Writes: ``batchCreateContacts`` /
``batchUpdateContacts`` / ``batchDeleteContacts``, one call per kind per push, sent one after the other (Google
asks for sequential mutations per user). A run where k persons changed elsewhere is thus one listing and
⌈k/200⌉ updates: the persons to update are not read first when their copies (below) are at the right etag.

How the writes stay safe:

- Every update is rendered over the person as Google holds it now, names in its mask only the person fields
  whose meaning changed, and carries the etag: what contactsync does not map, and fields nobody changed, are
  never touched. The person comes from this run's listing, else from the copy a past run kept in the store
  (:mod:`contactsync.copies`: every person listed, read or written is kept, compact JSON by its etag), and is
  read with ``getBatchGet`` when neither is at the etag the engine gives (a copy at another etag may miss an
  edit, and is never written over).
- ``batchUpdateContacts`` is all-or-nothing: a stale etag or a missing person refuses the whole call. The
  persons are then read again, the culprits get their own ``PreconditionFailed``, and the others are sent once
  more. A call refused for one bad value is split in halves until the bad item is alone.
- ``batchDeleteContacts`` has no etag: the persons are read first, and only those still at the etag we were
  given are deleted (a change in the milliseconds between the two is not detected).
- Creates are sent once (see :mod:`.transport`); a lost answer leaves them owed, and the next pull finds
  them by their ``clientData`` marker. Not in the sync listing alone, which shows a write only after "a
  propagation delay of several minutes" (people.connections.list reference): a run a minute later would not
  see the contact and the engine would make it twice. So the markers of a batch of creates are written to the
  store's copies (key :data:`RECENT_CREATES`) before it is sent, with the resource names Google answers. Each
  pull reports those the sync listing does not show yet, read with ``getBatchGet`` (one request per 200), and
  those whose answer was lost (no resource name) looked for in a listing that is not a sync request (no
  ``requestSyncToken``; we rely on such a listing showing a write at once), ⌈n/1000⌉ pages of ``clientData``.
  The engine adopts them by their marker (or finds them at the etag it recorded). A marker leaves the list once
  the sync listing shows its person, or it is found to be gone or never made (the engine makes it again).
  ``searchContacts`` is no shortcut: its cache lags too and must be warmed up first.

Tags are the user's labels (user contact groups), matched by name ignoring case:

- A push takes the labels the state (or this run's listing) names. A tag none of them has makes the push read
  the labels (once per run: it may have been made in Google since), then make a label for it (``clientData``
  ``contactsync-tag`` says it is ours). A label deleted in Google since it was read refuses the whole batch
  that names it: the labels are then read, the label made again and the batch sent once more. A label renamed
  in Google is known by its new name only from the next full listing (or a listing that names a label the
  state does not know); until then a contact given the tag joins that label, shown under its new name.
- An update whose tag changed only in case (its ``previous`` spells it otherwise, and the push agrees on the
  new spelling) renames the label in place with ``contactGroups.update``, carrying the label's etag.
- After the writes, each label the push took contacts out of (a tag the store knew), and each empty label
  contactsync made, is deleted when Google counts no member in it (``deleteContacts=false``). A tag renamed in
  the store is thus a new label and the old one deleted once its last contact has moved.

Merges: when Google merges contacts (or links one to a profile) the survivor's resource name may change and
its sync listing entry names the replaced ones in ``metadata.previousResourceNames``. Those are reported
deleted, even before their tombstones reach the lagging sync listing, so the engine sees the old link replaced
and hands it to the survivor (by its marker, else email or phone) rather than taking it for a new person.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol

from googleapiclient.discovery import build

from contactsync.connector import (
    BaseConnector,
    Capabilities,
    Change,
    ChangeKind,
    ChangeResult,
    Notice,
    PullResult,
    Quarantined,
    RemoteContact,
    RemoteRef,
)
from contactsync.connectors.pullstate import pack_state, unpack_state
from contactsync.copies import HeldCopies, NoCopies, RemoteCopies, RemoteCopy
from contactsync.errors import (
    ConfigError,
    ConfigProblem,
    ConnectorError,
    ItemRejected,
    PreconditionFailed,
    RateLimited,
    Transient,
)
from contactsync.model import Contact, Tag
from contactsync.settings import AccountMode, AccountSettings, BookSettings

from . import mapping
from .auth import GoogleAuth, credentials_for
from .labels import Labels
from .mapping import GOOGLE_FIELDS, GOOGLE_LOSSY, READ_FIELDS, JsonDict, MappingError
from .options import DEFAULT_ENDPOINT, MAX_BATCH, MAX_PAGE_SIZE, OPTIONS_SCHEMA
from .transport import Api, SingleShotHttp

log = logging.getLogger("contactsync.google")

STATE_PREFIX = "g1:"
READ_MASK = ",".join(READ_FIELDS)
#: "You can have up to 25,000 contacts" (Google Contacts Help, "Limits for contacts")
CONTACT_LIMIT = 25_000
#: the copies' key that says Google refused the last create for the contact limit (shown in ``status``)
ACCOUNT_FULL = "contactsync:account-full"
FULL_NOTICE = Notice(
    "google-contact-limit",
    f"The Google account is at Google's limit of {CONTACT_LIMIT:,} contacts: new contacts are not created (each "
    "stays owed and is named by id in the failed writes). Delete contacts in Google Contacts, or make the "
    "account pull-only.",
)
#: every read (listings, batchGet, the persons batch writes answer with) asks for the contact's own fields only.
#: Without it Google adds a linked domain profile's fields (a colleague's name, emails, organization):
#: mapped as contact data, then written back, where a second ``names`` refuses the whole batch
CONTACT_SOURCES = ["READ_SOURCE_TYPE_CONTACT"]
#: the copies' key of the creates the sync listing may not show yet (no resource name looks so)
RECENT_CREATES = "contactsync:recent-creates"
#: getBatchGet calls of one user in flight at once (reads may overlap; Google asks only mutations to be sequential)
READS_IN_FLIGHT = 4


@dataclass(frozen=True, slots=True)
class _State:
    """What the next incremental pull needs: the sync token and the user groups' names (resource → name)."""

    sync_token: str
    groups: Mapping[str, str]


def _encode_state(state: _State) -> str:
    return pack_state(STATE_PREFIX, {"s": state.sync_token, "g": dict(state.groups)})


def _decode_state(text: str) -> _State:
    return unpack_state(
        STATE_PREFIX,
        text,
        lambda data: _State(str(data["s"]), {str(k): str(v) for k, v in data["g"].items()}),
        what="the Google state",
    )


class AccountFull(ItemRejected):
    """Google refused a create: the account holds its limit of 25,000 contacts."""


def _is_contact_limit(error: ConnectorError) -> bool:
    """Google documents the 25,000-contact limit, not the error a create beyond it gets: we match what the
    emulator answers (FAILED_PRECONDITION naming the contact limit) and any refusal that says so."""
    text = str(error).lower()
    return "contact limit" in text or "contact_limit" in text or "maximum number of contacts" in text


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _modified(person: Mapping[str, Any]) -> datetime | None:
    metadata = person.get("metadata")
    sources = metadata.get("sources") if isinstance(metadata, Mapping) else None
    for source in sources if isinstance(sources, list) else []:
        if isinstance(source, Mapping) and source.get("type") == "CONTACT":
            try:
                return datetime.fromisoformat(str(source.get("updateTime")))
            except ValueError:
                return None
    return None


def _previous_names(person: Mapping[str, Any]) -> list[str]:
    """``metadata.previousResourceNames``: the names a person had before a merge or a relink."""
    metadata = person.get("metadata")
    names = metadata.get("previousResourceNames") if isinstance(metadata, Mapping) else None
    return [n for n in names if isinstance(n, str) and n] if isinstance(names, list) else []


def _is_deleted(person: Mapping[str, Any]) -> bool:
    metadata = person.get("metadata")
    return isinstance(metadata, Mapping) and bool(metadata.get("deleted"))


def _compact(person: Mapping[str, Any]) -> bytes:
    return json.dumps(person, separators=(",", ":")).encode()


class GoogleConnector(BaseConnector):
    """One Google user's contacts. Tags are the user's contact groups ("labels")."""

    options_schema: ClassVar[Mapping[str, Any]] = OPTIONS_SCHEMA

    def __init__(
        self,
        name: str,
        auth: GoogleAuth,
        *,
        endpoint: str = DEFAULT_ENDPOINT,
        region: str = "US",
        page_size: int = MAX_PAGE_SIZE,
        batch_size: int = MAX_BATCH,
        timeout: float = 60.0,
        read_only: bool = False,
        seen_cache_bytes: int = 16 * 1024 * 1024,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}")
        self.name = name
        self.region = region
        self.page_size = page_size
        self.capabilities = Capabilities(
            read_only=read_only,
            incremental=True,
            max_batch=batch_size,
            fields=GOOGLE_FIELDS,
            holds_tags=True,
            lossy=GOOGLE_LOSSY,
        )
        self._http = SingleShotHttp(auth.credentials, timeout=timeout)
        # `http=` rather than `credentials=`: the two are exclusive, and our http object carries the credentials
        self._service: Any = build(
            "people", "v1", static_discovery=True, http=self._http, client_options={"api_endpoint": endpoint}
        )
        self.api = Api(name, auth_hint=auth.hint)
        self.labels = Labels(name, self._service, self.api)
        #: the last version of each person we saw (listing, read, write answer), as compact JSON: writes render
        #: over it. Held in memory within the budget (compressed, ~500 bytes a person: 16 MB hold ~30k) and kept
        #: in the store's copies between runs, so a new process need not read each person it updates
        self._seen = HeldCopies(seen_cache_bytes)
        self._copies: RemoteCopies = NoCopies()
        #: True once Google refused a create for the account's contact limit (this run)
        self.account_full = False
        #: whether the last create Google answered was refused for the limit (None: not read from the copies)
        self._full_noted: bool | None = None
        #: batches split in halves after a second stale-etag refusal (Google's etag lag): for logs and tests
        self.stale_splits = 0
        #: creates the sync listing may not show yet: marker → resource name ("" when the answer was lost);
        #: None until read from the copies
        self._recent: dict[str, str] | None = None

    @classmethod
    def from_settings(cls, account: AccountSettings, book: BookSettings) -> GoogleConnector:
        """Raises ConfigError naming each option that is wrong."""
        options = account.options
        where = f"books.{book.name}.accounts.{account.name}.options"
        problems: list[ConfigProblem] = []

        def number(key: str, default: float, low: float, high: float, integer: bool) -> float:
            value = options.get(key, default)
            ok = isinstance(value, int) if integer else isinstance(value, (int, float))
            if isinstance(value, bool) or not ok or not low <= value <= high:
                problems.append(ConfigProblem("", None, f"{where}.{key}", f"must be a number from {low} to {high}"))
                return default
            return float(value)

        page_size = int(number("page_size", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE, True))
        batch_size = int(number("batch_size", MAX_BATCH, 1, MAX_BATCH, True))
        timeout = number("timeout", 60.0, 0.001, 3600, False)
        endpoint = options.get("endpoint", DEFAULT_ENDPOINT)
        if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
            problems.append(ConfigProblem("", None, f"{where}.endpoint", "must be an http(s) URL"))
            endpoint = DEFAULT_ENDPOINT
        token_uri = options.get("token_uri")
        if token_uri is not None and not isinstance(token_uri, str):
            problems.append(ConfigProblem("", None, f"{where}.token_uri", "must be a URL"))
            token_uri = None
        if problems:
            raise ConfigError(problems)
        try:
            auth = credentials_for(account, token_uri=token_uri)
        except ConfigError as exc:
            raise ConfigError(
                [ConfigProblem(p.file, p.line, f"books.{book.name}.{p.path}", p.message) for p in exc.problems]
            ) from None
        return cls(
            account.name,
            auth,
            endpoint=endpoint if endpoint.endswith("/") else endpoint + "/",
            region=book.default_region,
            page_size=page_size,
            batch_size=batch_size,
            timeout=timeout,
            read_only=account.mode is AccountMode.PULL_ONLY,
        )

    @property
    def request_counts(self) -> Mapping[str, int]:
        """Requests sent so far, per API method (for ``sync --json``, ``status`` and the benchmark)."""
        return dict(self.api.sent)

    def close(self) -> None:
        self._service.close()

    def people(self) -> Any:
        """The People API's ``people`` collection (googleapiclient requests are built from it)."""
        return self._service.people()

    def note_account_full(self, full: bool) -> None:
        """Google refused a create for the contact limit (True), or made one (False): kept for ``status``."""
        self.account_full = full
        if full != self._full_when_last_tried():
            self._full_noted = full
            if full:
                self._copies.put({ACCOUNT_FULL: RemoteCopy("", b"1")})
            else:
                self._copies.drop([ACCOUNT_FULL])

    def _full_when_last_tried(self) -> bool:
        if self._full_noted is None:
            self._full_noted = ACCOUNT_FULL in self._copies.get([ACCOUNT_FULL])
        return self._full_noted

    def contact_groups(self) -> Any:
        """The People API's ``contactGroups`` collection."""
        return self._service.contactGroups()

    def keep_copies(self, copies: RemoteCopies) -> None:
        """Keep the persons seen in ``copies`` from now on (the engine gives the store's before each run)."""
        self._seen.use(copies)
        self._copies = copies
        self._recent = None
        self._full_noted = None

    # ------------------------------------------------------------------------------------------ persons seen

    def keep_persons(self, persons: Iterable[JsonDict]) -> None:
        """Hold these persons as Google returned them: in memory for this run, in the copies for the next ones.

        Called once per listing page, read or batch answer, so the copies get one write for the lot. A person
        already held at the same etag was kept already (the etag changes with any change to the person); one
        without an etag is of no use (a write is always checked against an etag)."""
        kept: dict[str, RemoteCopy] = {}
        for person in persons:
            resource, etag = person.get("resourceName"), person.get("etag")
            if isinstance(resource, str) and isinstance(etag, str) and etag and self._seen.etag(resource) != etag:
                kept[resource] = RemoteCopy(etag, _compact(person))
        self._seen.keep(kept)

    def forget_persons(self, resources: Iterable[str]) -> None:
        """Persons deleted (or merged into another): neither held nor kept any longer."""
        self._seen.forget(resources)

    def held_persons(self, wanted: Mapping[str, str]) -> dict[str, JsonDict]:
        """The persons among ``wanted`` (resource → etag) held at exactly that etag: this run's, else the copies.

        A copy at another etag is older or newer than what the write is checked against: the person is read."""
        found: dict[str, JsonDict] = {}
        for resource, body in self._seen.at(wanted).items():
            try:
                person = json.loads(body)
            except ValueError:
                continue  # unreadable: read the person instead
            if (
                isinstance(person, dict)
                and person.get("resourceName") == resource
                and person.get("etag") == wanted[resource]
            ):
                found[resource] = person
        return found

    # ------------------------------------------------------------------------------------------ recent creates

    def _recent_creates(self) -> dict[str, str]:
        if self._recent is None:
            kept = self._copies.get([RECENT_CREATES]).get(RECENT_CREATES)
            try:
                data = json.loads(kept.body) if kept is not None else {}
            except ValueError:
                data = {}
            items = data.items() if isinstance(data, dict) else ()
            self._recent = {str(m): r for m, r in items if isinstance(r, str)}
        return self._recent

    def note_creates(self, created: Mapping[str, str], *, dropped: Iterable[str] = ()) -> None:
        """Remember these creates (marker → resource name, "" unknown) and forget ``dropped``, in the copies."""
        recent = self._recent_creates()
        before = dict(recent)
        recent.update(created)
        for marker in dropped:
            recent.pop(marker, None)
        if recent == before:
            return
        if recent:
            self._copies.put({RECENT_CREATES: RemoteCopy("", json.dumps(recent, sort_keys=True).encode())})
        else:
            self._copies.drop([RECENT_CREATES])

    def _unlisted_creates(self, listed: set[str]) -> list[JsonDict]:
        """The recent creates a sync listing that showed ``listed`` did not show: read, or found by marker.

        Settles the list: a create listed, gone, or never made leaves it. Raises AuthFailed, RateLimited,
        Transient.
        """
        recent = self._recent_creates()
        done = {m for m, r in recent.items() if r and r in listed}
        unknown = {m for m, r in recent.items() if not r}
        if unknown:
            found = self._find_by_marker(unknown)
            done |= unknown - set(found)  # not in a listing that does not lag: never made
            self.note_creates(found)
        wanted = {r: m for m, r in recent.items() if r and m not in done}
        persons = list(self.read_persons(list(wanted)).values()) if wanted else []
        shown = {str(p["resourceName"]) for p in persons}
        done |= {m for r, m in wanted.items() if r not in shown}  # deleted (or merged) since: nothing owed
        self.note_creates({}, dropped=done)
        return persons

    def _find_by_marker(self, markers: set[str]) -> dict[str, str]:
        """Marker → resource name of the persons carrying these markers, from a listing that is not a sync
        request (which we rely on to show every write at once). Raises AuthFailed, RateLimited, Transient."""
        people = self._service.people()
        request = people.connections().list(
            resourceName="people/me", personFields="clientData", pageSize=MAX_PAGE_SIZE, sources=CONTACT_SOURCES
        )
        found: dict[str, str] = {}
        while request is not None:
            page = self.api.execute(request)
            request = people.connections().list_next(request, page)
            for person in page.get("connections", []) or []:
                marker = mapping.marker_of(person) if isinstance(person, dict) else None
                if marker in markers and isinstance(person.get("resourceName"), str):
                    found[marker] = person["resourceName"]
        return found

    def tag_counts(self) -> Mapping[Tag, int]:
        """Members per user contact group, as Google counts them. Raises AuthFailed, RateLimited, Transient."""
        return self.labels.tag_counts()

    # ------------------------------------------------------------------------------------------ reading

    def _remote(self, person: JsonDict) -> RemoteContact:
        """Raises MappingError."""
        contact = mapping.contact_from_person(person, self.labels.names(), self.region)
        return RemoteContact(
            RemoteRef(str(person["resourceName"]), str(person.get("etag", ""))),
            contact,
            mapping.marker_of(person),
            _modified(person),
            mapping.left_on_google(person),
        )

    def pull(self, state: str | None) -> PullResult:
        """Persons changed since ``state`` (None: every person, ``full=True``).

        Raises AuthFailed, RateLimited, Transient, SyncTokenExpired.
        """
        previous = _decode_state(state) if state is not None else None
        self.account_full = False  # a new run: the admin may have made room since
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="google-page") as ahead:
            return self._pull(previous, ahead)

    def _pull(self, previous: _State | None, ahead: ThreadPoolExecutor) -> PullResult:
        """The listing, each page asked for while the one before is being read: reads may overlap (only
        mutations for one user must be sequential), so a page's round trip and Google's work hide behind ours."""
        people = self._service.people()
        params: dict[str, Any] = {
            "resourceName": "people/me",
            "personFields": READ_MASK,
            "pageSize": self.page_size,
            "requestSyncToken": True,
            "sources": CONTACT_SOURCES,
        }
        if previous is not None:
            params["syncToken"] = previous.sync_token
        request = people.connections().list(**params)
        pending: Future[JsonDict] | None = ahead.submit(self.api.execute, request)
        if previous is None:
            self.labels.load()  # a full listing also refreshes the labels (a rename in Google shows up here)
        else:
            self.labels.start_run(previous.groups)  # the next push that carries tags reads the labels again
        sync_token = ""
        changed: list[RemoteContact] = []
        deleted: list[str] = []
        quarantined: list[Quarantined] = []
        live: set[str] = set()
        replaced: list[str] = []
        groups_loaded = False
        while pending is not None:
            page = pending.result()
            sync_token = str(page.get("nextSyncToken") or sync_token)
            request = people.connections().list_next(request, page)
            # a page at a time: 50k persons as raw dicts would be ~200 MB at once (and one more in flight)
            persons = [p for p in page.get("connections", []) or [] if isinstance(p, dict)]
            del page
            if previous is not None and not groups_loaded and self.labels.unknown(persons):
                self.labels.load()  # a label made since the state was written (once a listing is enough)
                groups_loaded = True
            pending = ahead.submit(self.api.execute, request) if request is not None else None
            readable: list[JsonDict] = []
            gone_here: list[str] = []
            for person in persons:
                resource = person.get("resourceName")
                if not isinstance(resource, str):
                    continue
                if _is_deleted(person):
                    deleted.append(resource)
                    gone_here.append(resource)
                    continue
                live.add(resource)
                replaced.extend(_previous_names(person))
                try:
                    changed.append(self._remote(person))
                except MappingError as exc:
                    quarantined.append(Quarantined(resource, str(exc)))
                    continue
                readable.append(person)
            self.keep_persons(readable)
            self.forget_persons(gone_here)
        # A merge (or a link to a profile) renames: the survivor lists the names it replaced. Each is gone, said
        # here even when the listing does not show its tombstone yet (sync listings lag), so that the engine sees
        # the old link replaced and gives it to the survivor (by its marker, else by email or phone) instead of
        # taking the survivor for a new person.
        gone = set(deleted)
        merged_away: list[str] = []
        for old in replaced:
            if old not in gone and old not in live:
                deleted.append(old)
                gone.add(old)
                merged_away.append(old)
        self.forget_persons(merged_away)
        if self._recent_creates():
            # our creates the lagging sync listing does not show yet: reported all the same
            for person in self._unlisted_creates(live):
                resource = str(person["resourceName"])
                if resource in live:
                    continue
                live.add(resource)
                try:
                    changed.append(self._remote(person))
                except MappingError as exc:
                    quarantined.append(Quarantined(resource, str(exc)))
        next_state = _encode_state(_State(sync_token, self.labels.names())) if sync_token else None
        notices = (FULL_NOTICE,) if self._full_when_last_tried() else ()
        return PullResult(
            tuple(changed), tuple(deleted), next_state, previous is None, tuple(quarantined), notices=notices
        )

    def read_persons(self, ids: Sequence[str]) -> dict[str, JsonDict]:
        """The current persons among ``ids`` (missing ones absent). Raises AuthFailed, RateLimited, Transient."""
        found: dict[str, JsonDict] = {}
        requests = [
            self._service.people().getBatchGet(
                resourceNames=list(chunk), personFields=READ_MASK, sources=CONTACT_SOURCES
            )
            for chunk in _chunks(list(dict.fromkeys(ids)), MAX_BATCH)
        ]
        if len(requests) > 1:
            # reads may overlap (only mutations for one user must be sequential): a few at once, kept in order
            with ThreadPoolExecutor(min(READS_IN_FLIGHT, len(requests)), thread_name_prefix="google-read") as pool:
                pages = list(pool.map(self.api.execute, requests))
        else:
            pages = [self.api.execute(r) for r in requests]
        for page in pages:
            read: list[JsonDict] = []
            for answer in page.get("responses", []) or []:
                person = answer.get("person")
                if (
                    answer.get("httpStatusCode", 200) == 200
                    and isinstance(person, dict)
                    and "resourceName" in person
                    and not _is_deleted(person)
                ):
                    found[str(person["resourceName"])] = person
                    read.append(person)
            self.keep_persons(read)
        return found

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        """The current version of each person that still exists.

        Raises AuthFailed, RateLimited, Transient, and ItemRejected for a person that cannot be read.
        """
        persons = self.read_persons(ids)
        if self.labels.unknown(list(persons.values())):
            self.labels.load()
        out: dict[str, RemoteContact] = {}
        for resource, person in persons.items():
            try:
                out[resource] = self._remote(person)
            except MappingError as exc:
                raise ItemRejected(f"contact {resource} cannot be read: {exc}", account=self.name) from exc
        return out

    def fit(self, contact: Contact) -> Contact:
        return mapping.fit(contact, self.region)

    # ------------------------------------------------------------------------------------------ writing

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        """Apply the changes: deletes, then updates, then creates, one batch call each (plus reads).

        Per-item failures are in the results. Raises AuthFailed anywhere, RateLimited or Transient when the
        first call fails (nothing was applied).
        """
        if len(changes) > self.capabilities.max_batch:
            raise ItemRejected(
                f"{len(changes)} changes exceed the batch size {self.capabilities.max_batch}", account=self.name
            )
        if self.capabilities.read_only:
            return [ChangeResult(c, error=ItemRejected("read-only account", account=self.name)) for c in changes]
        run = _Push(self, changes)
        splits = self.stale_splits
        try:
            run.prepare_tags()
            run.deletes()
            run.updates()
            run.creates()
            run.cleanup_groups()
        except _Abort as abort:
            raise abort.error from abort.error.__cause__
        if self.stale_splits > splits:
            # Google's etag lag (or edits during the write): how many extra calls finding the refused ones cost
            log.info(
                "account %s: %d update batches split in halves after a stale-etag refusal",
                self.name,
                self.stale_splits - splits,
            )
        return run.results()


class _Abort(Exception):
    """A rate limit or fault before anything was applied: ``push`` raises it for the engine to retry."""

    def __init__(self, error: RateLimited | Transient) -> None:
        super().__init__(str(error))
        self.error = error


class PushSide(Protocol):
    """What a push needs of its connector: the account, the requests, the labels and the persons it holds."""

    name: str
    region: str
    api: Api
    labels: Labels
    #: True once Google refused a create for the account's contact limit (this run)
    account_full: bool
    stale_splits: int

    def people(self) -> Any: ...

    def note_account_full(self, full: bool) -> None: ...

    def read_persons(self, ids: Sequence[str]) -> dict[str, JsonDict]: ...

    def held_persons(self, wanted: Mapping[str, str]) -> dict[str, JsonDict]: ...

    def keep_persons(self, persons: Iterable[JsonDict]) -> None: ...

    def forget_persons(self, resources: Iterable[str]) -> None: ...

    def note_creates(self, created: Mapping[str, str], *, dropped: Iterable[str] = ()) -> None: ...


class _Push:
    """One ``push``: the results so far, and whether anything reached Google yet (then errors are per item)."""

    def __init__(self, connector: PushSide, changes: Sequence[Change]) -> None:
        self.c = connector
        self.changes = list(changes)
        self.out: list[ChangeResult | None] = [None] * len(changes)
        self.applied = False
        self.tag_errors: dict[str, ConnectorError] = {}
        #: user groups a write took a contact out of: deleted after the push if Google counts them empty
        self.dropped: set[str] = set()
        self.tag_map: dict[str, str] = {}
        #: the persons this push's updates render over, held for the push (the connector's cache may let go)
        self.persons: dict[str, JsonDict] = {}

    def results(self) -> list[ChangeResult]:
        return [
            r if r is not None else ChangeResult(ch, error=Transient("not attempted", account=self.c.name))
            for r, ch in zip(self.out, self.changes, strict=True)
        ]

    def fail(self, index: int, error: ConnectorError) -> None:
        self.out[index] = ChangeResult(self.changes[index], error=error)

    def call(self, request: Any) -> JsonDict:
        """Execute a write. Before anything reached Google, a rate limit or a fault is the whole push's."""
        try:
            answer = self.c.api.execute(request)
        except (RateLimited, Transient) as exc:
            if not self.applied:
                raise _Abort(exc) from exc
            raise
        finally:
            # a write that got no answer may have been applied all the same
            self.applied = True
        return answer

    def read(self, ids: Sequence[str]) -> dict[str, JsonDict]:
        try:
            return self.c.read_persons(ids)
        except (RateLimited, Transient) as exc:
            if not self.applied:
                raise _Abort(exc) from exc
            raise

    def at_etag(self, index: int, current: Mapping[str, JsonDict]) -> JsonDict | None:
        """The person of change ``index`` from ``current`` when still at the etag the engine gave; otherwise its
        failure is recorded (gone: forgotten too) and None returned. Deletes, updates and re-sends all check so."""
        ref = self.changes[index].ref
        assert ref is not None
        person = current.get(ref.id)
        if person is None:
            self.c.forget_persons([ref.id])
            self.fail(index, PreconditionFailed("the contact no longer exists", gone=True, account=self.c.name))
            return None
        if person.get("etag") != ref.etag:
            self.fail(index, PreconditionFailed("the contact changed since it was read", account=self.c.name))
            return None
        return person

    def _indices(self, kind: ChangeKind) -> list[int]:
        return [i for i, ch in enumerate(self.changes) if ch.kind is kind and self.out[i] is None]

    # --------------------------------------------------------------------------------------------- tags

    def _wanted_tags(self) -> set[Tag]:
        return {
            t
            for ch in self.changes
            if ch.contact is not None and ch.kind is not ChangeKind.DELETE
            for t in ch.contact.tags
        }

    def _case_renames(self) -> dict[str, str]:
        """Tag key → the spelling the store now gives it, for each tag whose case an update changes.

        Only when the push agrees: every change carrying the tag spells it that one way.
        """
        spelled: dict[str, set[str]] = {}
        for ch in self.changes:
            if ch.contact is not None and ch.kind is not ChangeKind.DELETE:
                for t in ch.contact.tags:
                    spelled.setdefault(t.key, set()).add(t.name)
        renamed: dict[str, str] = {}
        for ch in self.changes:
            if ch.kind is not ChangeKind.UPDATE or ch.contact is None or ch.previous is None:
                continue
            before = {t.key: t.name for t in ch.previous.tags}
            for t in ch.contact.tags:
                if before.get(t.key, t.name) != t.name and spelled[t.key] == {t.name}:
                    renamed[t.key] = t.name
        return renamed

    def prepare_tags(self) -> None:
        """Every tag the changes carry gets its label, spelled as the store spells it, before anything else.

        The labels the state (or this run's listing) names are taken as they are: reading them before every
        push was one request more than a small run needs. They are read again before making a label for a tag
        none has (it may have been made, or renamed to that tag, in Google since), and when Google refuses a
        write that names a label (see :meth:`relabel`).
        """
        wanted = self._wanted_tags()
        renames = self._case_renames()
        if not wanted and not renames:
            return
        try:
            known = self.c.labels.by_tag()
            if not self.c.labels.fresh and any(t.key not in known for t in wanted):
                self.c.labels.load()
                known = self.c.labels.by_tag()
            for key, name in sorted(renames.items()):
                resource = known.get(key)
                if resource is not None and self.c.labels.names()[resource] != name:
                    self.c.labels.rename(resource, name)
            self.tag_errors = self.c.labels.ensure(wanted)
        except (RateLimited, Transient) as exc:
            raise _Abort(exc) from exc  # nothing but (idempotent) label creations and renames happened
        for i, ch in enumerate(self.changes):
            if ch.contact is None:
                continue
            bad = next((self.tag_errors[t.key] for t in ch.contact.tags if t.key in self.tag_errors), None)
            if bad is not None:
                self.fail(i, bad)

    def relabel(self, indices: Sequence[int]) -> bool:
        """After Google refused a write of these changes: True when a label it named is gone, made again now.

        The labels came from the state or this run's listing, which do not show a label deleted in Google
        (without members, or before the listing): a membership in it refuses the whole batch. The labels are
        then read once in the run; a label gone is made again (its tag keeps its name) and the caller sends the
        changes once more, rendered with the new label. False when every label named still exists (or the
        labels were read in this run already): the refusal is the write's own. Raises RateLimited, Transient.
        """
        tags = {t for i in indices if (contact := self.changes[i].contact) is not None for t in contact.tags}
        if self.c.labels.fresh or not tags:
            return False
        before = self.c.labels.by_tag()
        named = {before[t.key] for t in tags if t.key in before}
        self.c.labels.load()
        if named <= set(self.c.labels.names()):
            return False
        log.info("account %s: a label was deleted in Google since it was last read; made again", self.c.name)
        errors = self.c.labels.ensure(tags)
        self.tag_errors.update(errors)
        self.tag_map = self.c.labels.by_tag()
        for i in indices:
            contact = self.changes[i].contact
            bad = next((errors[t.key] for t in contact.tags if t.key in errors), None) if contact else None
            if bad is not None:
                self.fail(i, bad)
        return True

    def note_dropped(self, person: JsonDict, keeps: Contact | None, tag_groups: Mapping[str, str]) -> None:
        """Remember the labels a write takes ``person`` out of (all of them for a delete)."""
        keep = {tag_groups.get(t.key) for t in keeps.tags} if keeps is not None else set()
        user = self.c.labels.names()
        try:
            groups = mapping.group_resource_names(person)
        except TypeError:
            return
        self.dropped.update(g for g in groups if g in user and g not in keep)

    def cleanup_groups(self) -> None:
        """After the writes, a label left without members goes when the store knew its tag (a push took
        contacts out of it) or contactsync made it. Labels this push still wants are left alone."""
        if not self.c.labels.known:
            return
        tag_groups = self.c.labels.by_tag()
        wanted = {tag_groups.get(t.key) for t in self._wanted_tags()}
        candidates = (self.dropped | (self.c.labels.ours & self.c.labels.empty)) - wanted
        if not candidates:
            return
        try:
            self.c.labels.delete_empty(candidates)
        except (RateLimited, Transient) as exc:
            # the contacts are written; an empty label left behind is tidied by a later push or full listing
            log.warning("account %s: empty labels not deleted this time (%s)", self.c.name, type(exc).__name__)

    # ------------------------------------------------------------------------------------------ deletes

    def deletes(self) -> None:
        todo = self._indices(ChangeKind.DELETE)
        if not todo:
            return
        try:
            current = self.read([ref.id for i in todo if (ref := self.changes[i].ref) is not None])
        except (RateLimited, Transient, ItemRejected) as exc:
            for i in todo:
                self.fail(i, exc)
            return
        ready: list[int] = []
        tag_groups = self.c.labels.by_tag() if self.c.labels.known else {}
        for i in todo:
            if (person := self.at_etag(i, current)) is not None:
                ready.append(i)
                if self.c.labels.known:
                    self.note_dropped(person, None, tag_groups)
        if not ready:
            return
        names = [ref.id for i in ready if (ref := self.changes[i].ref) is not None]
        request = self.c.people().batchDeleteContacts(body={"resourceNames": names})
        try:
            self.call(request)
        except PreconditionFailed as exc:
            # one of them went away between the read and the delete: the others were not deleted; next run
            for i in ready:
                self.fail(i, PreconditionFailed(str(exc), account=self.c.name))
            return
        except (RateLimited, Transient, ItemRejected) as exc:
            for i in ready:
                self.fail(i, exc)
            return
        for i in ready:
            self.out[i] = ChangeResult(self.changes[i])
        self.c.forget_persons(names)

    # ------------------------------------------------------------------------------------------ updates

    def _plan_update(self, index: int, person: JsonDict) -> set[str] | None:
        """The person fields to write, or None when the contact already is as wanted (result recorded)."""
        change = self.changes[index]
        assert change.contact is not None
        try:
            current = mapping.contact_from_person(person, self.c.labels.names(), self.c.region)
        except MappingError:
            current = None  # unreadable as a whole: write every field we hold
        fields = mapping.person_fields_to_write(current, change.contact)
        if mapping.marker_of(person) != change.contact_id:
            fields.add("clientData")
        if "memberships" in fields:
            self.note_dropped(person, change.contact, self.tag_map)
        if not fields:
            self.out[index] = ChangeResult(
                change, RemoteRef(str(person["resourceName"]), str(person["etag"])), stored=current
            )
            return None
        return fields

    def updates(self) -> None:
        todo = self._indices(ChangeKind.UPDATE)
        if not todo:
            return
        refs = {i: self.changes[i].ref for i in todo}
        self.tag_map = self.c.labels.by_tag()
        # a person held at the etag we were given (this run's listing, or the copy a past run kept) needs no
        # read; any other is read now: a copy at another etag is never written over
        wanted = {ref.id: ref.etag for ref in refs.values() if ref is not None}
        current = self.c.held_persons(wanted)
        to_read = sorted(r for r in wanted if r not in current)
        if to_read:
            try:
                current.update(self.read(to_read))
            except (RateLimited, Transient, ItemRejected) as exc:
                for i in todo:
                    self.fail(i, exc)
                return
        planned: dict[int, set[str]] = {}
        for i, ref in refs.items():
            assert ref is not None
            if (person := self.at_etag(i, current)) is not None:
                fields = self._plan_update(i, person)
                if fields is not None:
                    planned[i] = fields
                    self.persons[ref.id] = person
        if planned:
            self._send_updates(planned, retry_stale=True)

    def _update_body(self, indices: Sequence[int], planned: Mapping[int, set[str]]) -> tuple[JsonDict, set[str]]:
        mask = set().union(*(planned[i] for i in indices))
        tag_groups = self.c.labels.by_tag()
        contacts: dict[str, JsonDict] = {}
        for i in indices:
            change = self.changes[i]
            assert change.ref is not None and change.contact is not None
            person = self.persons[change.ref.id]
            system = [g for g in mapping.group_resource_names(person) if g not in self.c.labels.names()]
            own = planned[i]
            body = mapping.person_fields(
                own,
                change.contact,
                current=person,
                marker=change.contact_id,
                tag_groups=tag_groups,
                system_groups=system,
                region=self.c.region,
            )
            # the mask is one for the whole call: fields this contact does not change are sent back as they are
            body.update(mapping.copy_fields(mask - own, person))
            body["etag"] = change.ref.etag
            contacts[change.ref.id] = body
        body = {"contacts": contacts, "updateMask": ",".join(sorted(mask)), "readMask": READ_MASK}
        return {**body, "sources": CONTACT_SOURCES}, mask

    def _send_updates(self, planned: dict[int, set[str]], *, retry_stale: bool) -> None:
        if not planned:
            return
        indices = sorted(planned)
        body, _mask = self._update_body(indices, planned)
        request = self.c.people().batchUpdateContacts(body=body)
        try:
            answer = self.call(request)
        except (PreconditionFailed, ItemRejected) as exc:
            if self._relabeled(indices):
                self._send_updates({i: planned[i] for i in indices if self.out[i] is None}, retry_stale=retry_stale)
                return
            if isinstance(exc, PreconditionFailed):
                # all-or-nothing: someone changed or deleted one of them; find who, send the others once more
                if retry_stale:
                    self._find_stale(planned)
                    return
                # refused again although every etag was current when read: Google's etag lag (a fresh etag
                # refused right after a write) or an edit since the read. Halves find the refused ones, so one
                # lagging person does not fail the other 199: at most 2·log2(n) more calls per person refused
                if len(indices) == 1:
                    self.fail(
                        indices[0],
                        PreconditionFailed("the contact changed while writing (or Google lags)", account=self.c.name),
                    )
                    return
                self.c.stale_splits += 1
                half = len(indices) // 2
                self._send_updates({i: planned[i] for i in indices[:half]}, retry_stale=False)
                self._send_updates({i: planned[i] for i in indices[half:]}, retry_stale=False)
                return
            if len(indices) == 1:
                self.fail(indices[0], exc)
                return
            half = len(indices) // 2
            self._send_updates({i: planned[i] for i in indices[:half]}, retry_stale=retry_stale)
            self._send_updates({i: planned[i] for i in indices[half:]}, retry_stale=retry_stale)
            return
        except (RateLimited, Transient) as exc:
            for i in indices:
                self.fail(i, exc)
            return
        results = answer.get("updateResult", {}) or {}
        written: list[JsonDict] = []
        for i in indices:
            change = self.changes[i]
            assert change.ref is not None
            item = results.get(change.ref.id) or {}
            if (person := self._record_written(i, item.get("person"), item.get("httpStatusCode", 200))) is not None:
                written.append(person)
        self.c.keep_persons(written)

    def _relabeled(self, indices: list[int]) -> bool:
        """:meth:`relabel` for a refused batch; the labels unreadable now, the batch's changes fail with that."""
        try:
            return self.relabel(indices)
        except (RateLimited, Transient) as exc:
            for i in indices:
                if self.out[i] is None:
                    self.fail(i, exc)
            return True

    def _find_stale(self, planned: dict[int, set[str]]) -> None:
        ids = [ref.id for i in planned if (ref := self.changes[i].ref) is not None]
        try:
            current = self.c.read_persons(ids)
        except (RateLimited, Transient, ItemRejected) as exc:
            for i in planned:
                self.fail(i, exc)
            return
        again: dict[int, set[str]] = {}
        for i, fields in planned.items():
            if (person := self.at_etag(i, current)) is not None:
                again[i] = fields
                self.persons[str(person["resourceName"])] = person
        if again:
            self._send_updates(again, retry_stale=False)

    def _record_written(self, index: int, person: Any, status: Any) -> JsonDict | None:
        """The result of one written contact; returns the person Google answered with (None: not returned)."""
        change = self.changes[index]
        if not isinstance(person, dict) or status != 200 or "resourceName" not in person:
            self.fail(index, Transient("Google did not return the written contact", account=self.c.name))
            return None
        try:
            stored = mapping.contact_from_person(person, self.c.labels.names(), self.c.region)
        except MappingError:
            stored = None
        self.out[index] = ChangeResult(
            change, RemoteRef(str(person["resourceName"]), str(person.get("etag", ""))), stored=stored
        )
        return person

    # ------------------------------------------------------------------------------------------ creates

    def creates(self) -> None:
        todo = self._indices(ChangeKind.CREATE)
        if todo and self.c.account_full:
            # Google refused a create this run for the account's contact limit: not asked again until the next
            for i in todo:
                self.fail(i, self._account_full(i))
            return
        if todo:
            self._send_creates(todo)

    def _account_full(self, index: int) -> AccountFull:
        return AccountFull(
            f"contact {self.changes[index].contact_id} not created: the Google account is at Google's limit of "
            f"{CONTACT_LIMIT:,} contacts. Delete contacts in Google Contacts, or make this account pull-only",
            account=self.c.name,
        )

    def _send_creates(self, indices: list[int]) -> None:
        if not indices:
            return
        tag_groups = self.c.labels.by_tag()
        persons = []
        for i in indices:
            change = self.changes[i]
            assert change.contact is not None
            fields = mapping.person_fields_to_write(None, change.contact) | {"clientData", "memberships"}
            persons.append(
                {
                    "contactPerson": mapping.person_fields(
                        fields,
                        change.contact,
                        current=None,
                        marker=change.contact_id,
                        tag_groups=tag_groups,
                        region=self.c.region,
                    )
                }
            )
        request = self.c.people().batchCreateContacts(
            body={"contacts": persons, "readMask": READ_MASK, "sources": CONTACT_SOURCES}
        )
        markers = [self.changes[i].contact_id for i in indices]
        # noted before sending: a process that dies once Google made them still finds them in the next pull
        self.c.note_creates(dict.fromkeys(markers, ""))
        try:
            try:
                # never re-sent after an unknown outcome: the contacts may exist already
                answer = self.call(request)
            except _Abort as abort:
                if isinstance(abort.error, RateLimited):
                    self.c.note_creates({}, dropped=markers)  # refused before anything was made
                raise
        except (ItemRejected, PreconditionFailed) as exc:
            self.c.note_creates({}, dropped=markers)  # refused as a whole: nothing was made
            if _is_contact_limit(exc):
                # never split nor sent again this run: each half would be refused the same way
                self.c.note_account_full(True)
                log.warning("account %s: Google's limit of %d contacts is reached", self.c.name, CONTACT_LIMIT)
                for i in indices:
                    self.fail(i, self._account_full(i))
                return
            # refused as a whole before anything was created: a label gone, else find the bad one by halves
            if self._relabeled(indices):
                self._send_creates([i for i in indices if self.out[i] is None])
                return
            if isinstance(exc, PreconditionFailed) or len(indices) == 1:
                for i in indices:
                    self.fail(i, exc)
                return
            half = len(indices) // 2
            self._send_creates(indices[:half])
            self._send_creates(indices[half:])
            return
        except RateLimited as exc:
            self.c.note_creates({}, dropped=markers)  # refused before anything was made
            for i in indices:
                self.fail(i, exc)
            return
        except Transient as exc:
            for i in indices:
                self.fail(
                    i,
                    Transient(
                        f"{exc}; if the contact was created, the next pull adopts it by its marker", account=self.c.name
                    ),
                )
            return
        created = [c for c in answer.get("createdPeople", []) or [] if isinstance(c, dict)]
        by_marker = {mapping.marker_of(c.get("person") or {}): c for c in created}
        written: list[JsonDict] = []
        for position, i in enumerate(indices):
            item = by_marker.get(self.changes[i].contact_id)
            if item is None and position < len(created):
                item = created[position]
            item = item or {}
            if (person := self._record_written(i, item.get("person"), item.get("httpStatusCode", 200))) is not None:
                written.append(person)
        self.c.keep_persons(written)
        self.c.note_creates({m: str(p["resourceName"]) for p in written if (m := mapping.marker_of(p))})
        if written:
            self.c.note_account_full(False)
