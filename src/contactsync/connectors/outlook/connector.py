"""The Outlook / Microsoft 365 connector: one mailbox, one contact folder, through Microsoft Graph.

Reading: ``pull`` follows the folder's delta (``$select`` of the mapped properties on the first call, the
whole ``@odata.deltaLink`` as the state). Delta cannot ``$expand`` our marker, so markers are read next to it:
for a full listing with one list query over the folder expanding only our property (``⌈items/page_size⌉``
requests: the documented filters cannot restrict a listing to the items that carry it), for an incremental one
with ``$batch`` GETs of the changed ids (``⌈changed/20⌉`` requests), whichever costs fewer requests. An unchanged
folder costs one delta request.
Given the store's copies (:mod:`contactsync.copies`), the connector keeps the marker of every item it wrote or
read, that an item it read carries none, and the master categories: a changed item it already knows needs no
marker read, and a write whose categories are all known needs no categories read, so a small change run costs the
delta and its ``$batch``. An item found without a marker gets one only from our own write (kept then): a first
sync writes nothing to an item nobody changed (issue #15), so most items of a mailbox stay unmarked, and without
remembering that each change to one made in Outlook cost a marker read. Our create whose answer was lost is an id
never seen, so it is still read and adopted.

Writing: ``push`` takes up to 80 changes and sends them as 4 sequential ``$batch`` calls of up to 20 at once
(:meth:`.graph.GraphClient.run`; each holds one of the app's 4 concurrency slots): creates (POST with the marker),
updates (PATCH of the changed properties only, ``If-Match`` with the changeKey, the marker again) and deletes
(``If-Match``). Master categories missing for a tag are created first. A 412 is a stale changeKey
(PreconditionFailed), a 404 a gone item (PreconditionFailed gone=True), a 400 a refused value (ItemRejected). A
batch whose outcome is unknown (connection dropped) is never sent again: every change in it is reported
Transient, and the engine adopts the creates by their marker in the next pull; the other batches keep their own
answers.

Permissions (README, Microsoft 365): Contacts.Read to list, Contacts.ReadWrite to write, categories on contacts
included; MailboxSettings.Read / .ReadWrite only for the master list's colours, whose absence is a Notice, never
a failure. Limits: every request goes through the process's one limiter for the app (:mod:`.throttle`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlencode, urlsplit

import requests

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
from contactsync.copies import NoCopies, RemoteCopies, RemoteCopy
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
from contactsync.model import Contact, Tag
from contactsync.settings import AccountMode, AccountSettings, BookSettings

from . import mapping
from .auth import AppTokens, DelegatedTokens, TokenSource, device_flow
from .graph import MAX_BATCH, MAX_IN_FLIGHT, BatchRequest, BatchResponse, GraphClient, OutcomeUnknown
from .options import OPTIONS_SCHEMA
from .throttle import AppKey, Limit, LimitedSession, limiter_for

DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
DEFAULT_GRAPH_URL = "https://graph.microsoft.com/v1.0"
#: the token audience of each national cloud's Graph; anything else (an emulator) is public Graph's
GRAPH_RESOURCES = (
    "https://graph.microsoft.com",
    "https://graph.microsoft.us",
    "https://dod-graph.microsoft.us",
    "https://microsoftgraph.chinacloudapi.cn",
)
WELL_KNOWN_FOLDER = "contacts"
#: Exchange ids are long base64; anything shorter in ``folder`` is a display name to look up
_FOLDER_ID = re.compile(r"^[A-Za-z0-9_=+/-]{40,}$")
#: above this many changed ids, counting the folder (one request) may show that a list scan is cheaper
_SCAN_PROBE_AT = 2 * MAX_BATCH
#: the kind of copy kept per item: its marker (our canonical id), which only contactsync writes and never changes
_MARKER_COPY = "marker"
#: the copy that holds the mailbox's master categories (a key no Graph id can take: ids are base64url)
_CATEGORIES_COPY = "#masterCategories"
#: the copy that remembers a refused MailboxSettings permission (so each run does not ask again)
_ACCESS_COPY = "#categoryAccess"
#: the copy of every category name seen on the folder's contacts (what tag_counts counts)
_SEEN_COPY = "#categoriesSeen"
#: a refused MailboxSettings permission is asked again after this long (the admin may have granted it since)
RETRY_DENIED_AFTER = timedelta(days=1)
NOTICE_COLOURS = "outlook-categories-without-colours"
#: the phone properties of a contact, each number in Outlook's own spelling
_PHONE_PROPERTIES = ("mobilePhone", "businessPhones", "homePhones")
#: what an update reads back before rewriting it, to keep what Outlook holds beyond the model (_keep_held_spelling)
_HELD_SPELLING = ("emailAddresses", *_PHONE_PROPERTIES)
_SYNC_STATE_CODES = frozenset({"syncstatenotfound", "syncstateinvalid", "errorinvalidsyncstatedata", "resyncrequired"})


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _query(params: Mapping[str, str]) -> str:
    return urlencode(params, quote_via=quote, safe="$'(),:/{} ")


def default_color(tag: str) -> str:
    """A stable preset for a category: the same tag gets the same color in every mailbox, every run."""
    return f"preset{hashlib.sha256(tag.casefold().encode()).digest()[0] % 25}"


@dataclass(frozen=True, slots=True)
class CategoryAccess:
    """When Graph last refused to list (MailboxSettings.Read) or create (MailboxSettings.ReadWrite) master
    categories for this mailbox; None means allowed or never refused."""

    list_denied_at: datetime | None = None
    create_denied_at: datetime | None = None

    @staticmethod
    def _may(denied_at: datetime | None, now: datetime) -> bool:
        return denied_at is None or now - denied_at >= RETRY_DENIED_AFTER

    def may_list(self, now: datetime) -> bool:
        return self._may(self.list_denied_at, now)

    def may_create(self, now: datetime) -> bool:
        return self._may(self.create_denied_at, now)

    def encode(self) -> bytes:
        return json.dumps(
            {
                k: v.isoformat() if v else None
                for k, v in (("list", self.list_denied_at), ("create", self.create_denied_at))
            }
        ).encode()

    @classmethod
    def decode(cls, raw: bytes) -> CategoryAccess:
        try:
            data = json.loads(raw)
            stamps = [datetime.fromisoformat(data[k]) if data.get(k) else None for k in ("list", "create")]
        except (ValueError, TypeError, KeyError):
            return cls()  # an unreadable record only costs one more try
        return cls(stamps[0], stamps[1])


@dataclass(frozen=True, slots=True)
class OutlookOptions:
    tenant_id: str
    client_id: str
    mailbox: str | None = None
    folder: str | None = None
    client_secret: str | None = None
    certificate: str | None = None
    certificate_thumbprint: str | None = None
    authority_host: str = DEFAULT_AUTHORITY_HOST
    graph_url: str = DEFAULT_GRAPH_URL
    ca_bundle: str | None = None
    token_cache_file: str | None = None
    category_color: str | None = None
    page_size: int = 1000
    timeout: float = 30.0

    @property
    def delegated(self) -> bool:
        return self.client_secret is None and self.certificate is None

    @property
    def resource(self) -> str:
        parts = urlsplit(self.graph_url)
        root = f"{parts.scheme}://{parts.netloc}"
        return root if root in GRAPH_RESOURCES else GRAPH_RESOURCES[0]

    @property
    def authority(self) -> str:
        return f"{self.authority_host.rstrip('/')}/{self.tenant_id}"

    @classmethod
    def from_settings(cls, account: AccountSettings, book: BookSettings) -> OutlookOptions:
        """Raises ConfigError listing every problem at once."""
        o, s = account.options, account.secrets
        where = f"books.{book.name}.accounts.{account.name}.options"
        problems: list[tuple[str, str]] = []

        def text(key: str, *, required: bool = False) -> str | None:
            value = o.get(key)
            if value is None:
                if required:
                    problems.append((f"{where}.{key}", "required"))
                return None
            if not isinstance(value, str) or not value.strip():
                problems.append((f"{where}.{key}", "must be a non-empty string"))
                return None
            return value.strip()

        secret = s.get("client_secret")
        certificate = s.get("certificate")
        cache_file = text("token_cache_file")
        options = cls(
            tenant_id=text("tenant_id", required=True) or "",
            client_id=text("client_id", required=True) or "",
            mailbox=text("mailbox"),
            folder=text("folder"),
            client_secret=secret.value if secret else None,
            certificate=certificate.value if certificate else None,
            certificate_thumbprint=text("certificate_thumbprint"),
            authority_host=text("authority_host") or DEFAULT_AUTHORITY_HOST,
            graph_url=(text("graph_url") or DEFAULT_GRAPH_URL).rstrip("/"),
            ca_bundle=text("ca_bundle"),
            token_cache_file=cache_file,
            category_color=text("category_color"),
            page_size=o.get("page_size", 1000),
            timeout=o.get("timeout", 30.0),
        )
        if secret and certificate:
            problems.append((where, "give client_secret or certificate_file, not both"))
        if certificate and not options.certificate_thumbprint:
            problems.append((f"{where}.certificate_thumbprint", "required with certificate_file"))
        if options.delegated and not cache_file:
            problems.append(
                (
                    where,
                    "give client_secret (or certificate_file) for app-only access, or "
                    "token_cache_file for a delegated sign-in with `contactsync auth outlook`",
                )
            )
        if not options.delegated and not options.mailbox:
            problems.append((f"{where}.mailbox", "required for app-only access (the user's UPN or id)"))
        if not isinstance(options.page_size, int) or not 1 <= options.page_size <= 1000:
            problems.append((f"{where}.page_size", "must be an integer from 1 to 1000"))
        if not isinstance(options.timeout, int | float) or options.timeout <= 0:
            problems.append((f"{where}.timeout", "must be a positive number of seconds"))
        for key, value in (("authority_host", options.authority_host), ("graph_url", options.graph_url)):
            if not value.startswith("https://"):
                problems.append((f"{where}.{key}", "must be an https:// URL"))
        if problems:
            raise ConfigError([ConfigProblem("", None, path, message) for path, message in problems])
        return options


def _session(ca_bundle: str | None, limit: Limit | None = None) -> requests.Session:
    session = LimitedSession(limit) if limit is not None else requests.Session()
    # REQUESTS_CA_BUNDLE in the environment would override `verify`: the configured bundle must win
    session.trust_env = False
    session.verify = ca_bundle or True
    return session


def _tokens(options: OutlookOptions, account: str, http: requests.Session) -> TokenSource:
    if options.delegated:
        assert options.token_cache_file is not None
        return DelegatedTokens(
            account=account,
            client_id=options.client_id,
            authority=options.authority,
            resource=options.resource,
            cache_file=Path(options.token_cache_file),
            http=http,
        )
    credential: str | dict[str, str]
    if options.certificate is not None:
        credential = {
            "private_key": options.certificate,
            "thumbprint": (options.certificate_thumbprint or "").replace(":", ""),
        }
        if "BEGIN CERTIFICATE" in options.certificate:
            # with the public certificate msal signs with SHA-256 (x5t#S256), which Entra ID prefers
            credential["public_certificate"] = options.certificate
    else:
        assert options.client_secret is not None
        credential = options.client_secret
    return AppTokens(
        account=account,
        client_id=options.client_id,
        credential=credential,
        authority=options.authority,
        scope=f"{options.resource}/.default",
        http=http,
    )


def run_device_flow(
    account: AccountSettings, book: BookSettings, *, prompt: Callable[[str], None] | None = None
) -> None:
    """Sign the account's user in (device code) and save the token cache; ``contactsync auth outlook`` calls it.

    ``prompt`` receives the sentence to show the user (the URL and the code); by default it goes to stderr.
    Raises ConfigError, AuthFailed, Transient.
    """
    options = OutlookOptions.from_settings(account, book)
    if not options.token_cache_file:
        raise AuthFailed(
            f"account {account.name} has no token_cache_file: device code sign-in needs one", account=account.name
        )
    with _session(options.ca_bundle) as http:
        device_flow(
            account=account.name,
            client_id=options.client_id,
            authority=options.authority,
            resource=options.resource,
            cache_file=Path(options.token_cache_file),
            http=http,
            prompt=prompt,
        )


class OutlookConnector(BaseConnector):
    """One Outlook contact folder. Methods raise only ConnectorError subclasses (see each docstring)."""

    options_schema: ClassVar[Mapping[str, Any]] = OPTIONS_SCHEMA

    def __init__(
        self,
        name: str,
        options: OutlookOptions,
        *,
        region: str = "US",
        read_only: bool = False,
    ) -> None:
        self.name = name
        self.options = options
        self.region = region
        self.capabilities = Capabilities(
            read_only=read_only,
            incremental=True,
            max_batch=MAX_BATCH * MAX_IN_FLIGHT,
            fields=mapping.FIELDS,
            holds_tags=True,
            lossy=mapping.LOSSY,
        )
        # one limiter per app for the whole process: several mailboxes (daemon workers) never exceed Graph's
        # 4 concurrent requests per app nor a mailbox's 10,000 per 10 minutes (throttle.py; #14 divergence 9)
        limit = Limit(
            options.graph_url,
            limiter_for(AppKey(options.authority_host.rstrip("/"), options.tenant_id.casefold(), options.client_id)),
            (options.mailbox or options.token_cache_file or "me").casefold(),
            name,
        )
        self._http = _session(options.ca_bundle, limit)
        self.graph = GraphClient(
            account=name,
            graph_url=options.graph_url,
            tokens=_tokens(options, name, self._http),
            http=self._http,
            timeout=options.timeout,
        )
        self._user = f"/users/{quote(options.mailbox, safe='@')}" if options.mailbox else "/me"
        self._folder: str | None = None
        self._create_folder = False  # a folder missing on options.folder's path is made (container_id)
        self._categories: dict[str, str] | None = None  # casefolded name → name as Outlook has it
        self._categories_read = False  # read from Graph by this process (not only kept from an earlier run)
        self._category_access: CategoryAccess | None = None
        self._seen_categories: dict[str, str] = {}  # casefolded → as seen, on any contact of the folder
        self._seen_complete = False  # a full listing (or a kept record of one) saw every contact
        self._seen_dirty = False
        self._clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._copies: RemoteCopies = NoCopies()

    def keep_copies(self, copies: RemoteCopies) -> None:
        """Keep each item's marker and the master categories between runs (see :mod:`contactsync.copies`): delta
        cannot expand the marker, so without them every changed item costs a marker read, and every writing run
        a categories read."""
        self._copies = copies
        self._categories = None
        self._category_access = None

    @classmethod
    def from_settings(cls, account: AccountSettings, book: BookSettings) -> OutlookConnector:
        """Raises ConfigError when the options are incomplete or contradictory."""
        return cls(
            account.name,
            OutlookOptions.from_settings(account, book),
            region=book.default_region,
            read_only=account.mode is AccountMode.PULL_ONLY,
        )

    @property
    def request_counts(self) -> Mapping[str, int]:
        """Requests sent so far, per HTTP method (for ``sync --json``, ``status`` and the benchmark)."""
        return dict(self.graph.sent)

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------------ the folder, for a distribution (#17)
    def container_id(self, *, create: bool = False, fresh: bool = False, display_name: str | None = None) -> str:
        """The id of the folder this account reads and writes (``options.folder``, whose names it is made with:
        ``display_name`` is not used), looked up by its path unless
        known (``fresh``: looked up again). ``create``: a folder missing on the path is made (``POST
        /users/{id}/contactFolders``, or its parent's ``childFolders``: user-post-contactfolders, Contacts.ReadWrite)
        instead of refused. A distribution keeps it between runs (:meth:`use_container`) and skips the lookup.
        Raises ConnectorError naming the missing folder, AuthFailed, RateLimited, Transient."""
        if fresh:
            self._folder = None
        self._create_folder = create
        try:
            return unquote(self._folder_id())
        finally:
            self._create_folder = False

    def use_container(self, folder_id: str) -> None:
        """Read and write the folder ``folder_id`` (from :meth:`container_id`) without looking its path up: a
        folder deleted since answers 404, never another folder's contacts."""
        self._folder = quote(folder_id, safe="=")

    def _make_folder(self, listing: str, name: str) -> str:
        """Make the folder ``name`` in ``listing`` (a ``contactFolders`` or ``childFolders`` collection); one
        made meanwhile by someone else (409 ErrorFolderExists) is taken."""
        answer = self.graph.batch([BatchRequest("1", "POST", listing, {"displayName": name})], writes=True)["1"]
        if answer.ok and isinstance(answer.body, Mapping) and answer.body.get("id"):
            return str(answer.body["id"])
        if answer.status == 409:
            _, body = self.graph.get(listing, params={"$top": "1000"}, what="the contact folders")
            for f in (body or {}).get("value", []):
                if str(f.get("displayName", "")).casefold() == name.casefold():
                    return str(f["id"])
        raise ConnectorError(
            f"account {self.name}: could not create the contact folder given in options.folder "
            f"({answer.status} {answer.error_code()}); create it in Outlook, or grant Contacts.ReadWrite",
            account=self.name,
        )

    # ------------------------------------------------------------------ paths
    def _folder_id(self) -> str:
        """The folder's id for URLs: the default folder by its well-known name ``contacts`` (never by display name:
        a German mailbox calls it "Kontakte"), an id as given, or a display-name path ("Customers/Key accounts")
        walked from the folders inside the default one (``GET /contactFolders`` lists only those) down through
        ``childFolders``. A path may start with the default folder's own name. (#14, divergence 10)"""
        if self._folder is None:
            wanted = self.options.folder
            if wanted is None or _FOLDER_ID.fullmatch(wanted) or wanted.casefold() == WELL_KNOWN_FOLDER:
                self._folder = quote(wanted or WELL_KNOWN_FOLDER, safe="=")
            else:
                self._folder = quote(self._folder_by_path(wanted), safe="=")
        return self._folder

    def _folder_by_path(self, path: str) -> str:
        segments = [s.strip() for s in path.strip("/").split("/") if s.strip()]
        missing = ConnectorError(
            f"account {self.name}: no contact folder at the path given in options.folder "
            "(names separated by '/', from inside the default Contacts folder)",
            account=self.name,
        )
        listing = f"{self._user}/contactFolders"
        found: str | None = None
        for depth, name in enumerate(segments):
            _, body = self.graph.get(listing, params={"$top": "1000"}, what="the contact folders")
            match = [
                f for f in (body or {}).get("value", []) if str(f.get("displayName", "")).casefold() == name.casefold()
            ]
            if not match and depth == 0:
                # "Kontakte/Kunden": the first name may be the default folder's own, in the mailbox's language
                _, default = self.graph.get(f"{listing}/{WELL_KNOWN_FOLDER}", what="the default contact folder")
                if str((default or {}).get("displayName", "")).casefold() == name.casefold():
                    found = str(default["id"])
                    listing = f"{self._user}/contactFolders/{quote(found, safe='=')}/childFolders"
                    continue
            if not match and self._create_folder:
                found = self._make_folder(listing, name)
                listing = f"{self._user}/contactFolders/{quote(found, safe='=')}/childFolders"
                continue
            if not match:
                raise missing
            found = str(match[0]["id"])
            listing = f"{self._user}/contactFolders/{quote(found, safe='=')}/childFolders"
        if found is None:
            raise missing
        return found

    def _contacts(self) -> str:
        return f"{self._user}/contactFolders/{self._folder_id()}/contacts"

    def _item(self, item_id: str) -> str:
        # through the folder, so that an item moved elsewhere is "gone" here and never written (scope)
        return f"{self._contacts()}/{quote(item_id, safe='=')}"

    # ------------------------------------------------------------------ reading
    def pull(self, state: str | None) -> PullResult:
        """Raises AuthFailed, RateLimited, Transient, SyncTokenExpired (the delta link is gone or not ours)."""
        if state is not None and not self.graph.owns(state):
            raise SyncTokenExpired(
                f"account {self.name}: the saved state is not a delta link of this Graph", account=self.name
            )
        url = state or f"{self._contacts()}/delta?{_query({'$select': ','.join(mapping.SELECT)})}"
        if state is None:
            # a full listing of a folder that holds anything reads every marker too: the scan pages alongside the
            # delta's (two of the app's four slots) instead of after them
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graph-scan") as aside:
                return self._pull(url, None, aside)
        return self._pull(url, state, None)

    def _pull(self, url: str, state: str | None, aside: ThreadPoolExecutor | None) -> PullResult:
        scan: Future[dict[str, str]] | None = None
        prefer = {"Prefer": f"odata.maxpagesize={self.options.page_size}"}
        # each entry kept as compact JSON until the markers are read: 50k contacts as dicts are ~150 MB at once
        items: dict[str, str] = {}
        removed: dict[str, None] = {}
        while True:
            status, page = self.graph.get(
                url, headers=prefer, what="the contact delta", passthrough=frozenset({400, 404, 410})
            )
            if status != 200:
                code = str(((page or {}).get("error") or {}).get("code", "")).casefold()
                if status == 410 or code in _SYNC_STATE_CODES:
                    raise SyncTokenExpired(
                        f"account {self.name}: Graph no longer knows the delta link ({status})", account=self.name
                    )
                raise ConnectorError(
                    f"account {self.name}: the delta listing failed ({status} {code})", account=self.name
                )
            if aside is not None and scan is None and (page.get("value") or page.get("@odata.nextLink")):
                scan = aside.submit(self._scan_markers)
            for entry in page.get("value", ()):
                item_id = str(entry.get("id", ""))
                if not item_id:
                    continue
                # replays and duplicates happen: the last word on an id wins
                if "@removed" in entry:
                    items.pop(item_id, None)
                    removed[item_id] = None
                else:
                    removed.pop(item_id, None)
                    items[item_id] = json.dumps(entry, separators=(",", ":"))
                    self._see_categories(c for c in entry.get("categories") or () if isinstance(c, str))
            next_url = page.get("@odata.nextLink")
            if next_url:
                url = self._own(next_url)
                continue
            delta_link = page.get("@odata.deltaLink")
            if not delta_link:
                raise Transient(f"account {self.name}: the delta listing ended without a delta link", account=self.name)
            next_state = self._own(delta_link)
            break
        full = state is None
        if full:
            self._seen_complete = True
        elif not self._seen_complete:
            # a delta adds to the names a full listing saw, kept in the copies; without them it is not all
            kept = self._copies.get([_SEEN_COPY]).get(_SEEN_COPY)
            if kept is not None:
                self._seen_categories = {**dict(json.loads(kept.body)), **self._seen_categories}
                self._seen_complete = True
        self._keep_seen()
        self._copies.drop(removed)
        markers, gone = self._markers(list(items), full=full, scan=scan)
        changed: list[RemoteContact] = []
        quarantined: list[Quarantined] = []
        for item_id, entry in items.items():
            if item_id in gone:
                removed[item_id] = None  # deleted between the delta and the marker read
                continue
            try:
                changed.append(self._remote(json.loads(entry), markers.get(item_id)))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                quarantined.append(Quarantined(item_id, f"unreadable contact: {type(exc).__name__}"))
        deleted = () if full else tuple(removed)
        return PullResult(tuple(changed), deleted, next_state, full, tuple(quarantined), notices=self._notices())

    def _own(self, link: str) -> str:
        if not self.graph.owns(link):
            raise Transient(f"account {self.name}: Graph sent a link to another host; not followed", account=self.name)
        return link

    def _remote(self, entry: Mapping[str, Any], marker: str | None) -> RemoteContact:
        modified_raw = entry.get("lastModifiedDateTime")
        modified = (
            datetime.fromisoformat(modified_raw.replace("Z", "+00:00")) if isinstance(modified_raw, str) else None
        )
        return RemoteContact(
            RemoteRef(str(entry["id"]), str(entry.get("@odata.etag", ""))),
            mapping.from_graph(entry, self.region),
            marker,
            modified,
        )

    def _marker_expand(self) -> str:
        return f"{mapping.EXTENDED}($filter=id eq {_quote_literal(mapping.MARKER_PROPERTY)})"

    def _markers(
        self, ids: Sequence[str], *, full: bool, scan: Future[dict[str, str]] | None = None
    ) -> tuple[dict[str, str], set[str]]:
        """Markers of ``ids`` and the ids found gone: kept copies first, then the cheaper of a scan and batched
        GETs for the rest (items new to us: made in Outlook, or our create whose answer was lost)."""
        if not ids:
            return {}, set()
        if full:
            scanned = scan.result() if scan is not None else self._scan_markers()
            self._keep_markers(scanned, unmarked=(i for i in ids if i not in scanned))
            return scanned, set()
        # an empty kept marker: the item was read and carries none
        kept = {
            item_id: copy.body.decode() for item_id, copy in self._copies.get(ids).items() if copy.etag == _MARKER_COPY
        }
        unknown = [i for i in ids if i not in kept]
        read, gone = self._read_markers(unknown)
        self._keep_markers(read, unmarked=(i for i in unknown if i not in read and i not in gone))
        return {k: v for k, v in {**kept, **read}.items() if v}, gone

    def _keep_markers(self, markers: Mapping[str, str], *, unmarked: Iterable[str] = ()) -> None:
        """Keep each item's marker, and for ``unmarked`` items that they carry none (kept as an empty marker)."""
        kept = {item_id: RemoteCopy(_MARKER_COPY, b"") for item_id in unmarked}
        kept.update({item_id: RemoteCopy(_MARKER_COPY, marker.encode()) for item_id, marker in markers.items()})
        self._copies.put(kept)

    def _read_markers(self, ids: Sequence[str]) -> tuple[dict[str, str], set[str]]:
        if not ids:
            return {}, set()
        batches = math.ceil(len(ids) / MAX_BATCH)
        if len(ids) > _SCAN_PROBE_AT:
            _, body = self.graph.get(
                self._contacts(), params={"$count": "true", "$top": "1", "$select": "id"}, what="the folder size"
            )
            size = int((body or {}).get("@odata.count", len(ids)))
            if math.ceil(size / self.options.page_size) < batches:
                wanted = set(ids)
                return {k: v for k, v in self._scan_markers().items() if k in wanted}, set()
        markers: dict[str, str] = {}
        gone: set[str] = set()
        for item_id, answer in self._get_each(ids, {"$select": "id", "$expand": self._marker_expand()}):
            if answer.status == 404:
                gone.add(item_id)
            elif not answer.ok:
                raise self._read_error(answer, "reading markers")
            elif (marker := mapping.marker_of(answer.body or {})) is not None:
                markers[item_id] = marker
        return markers, gone

    def _get_each(self, ids: Sequence[str], params: Mapping[str, str]) -> Iterator[tuple[str, Any]]:
        """(item id, answer) for a GET of each item, in sequential `$batch` calls of MAX_BATCH, MAX_IN_FLIGHT at once.
        Raises what refused an envelope."""
        query = _query(params)
        requests_ = [BatchRequest(str(i), "GET", f"{self._item(item_id)}?{query}") for i, item_id in enumerate(ids)]
        answers = self.graph.run(requests_, writes=False)
        for i, item_id in enumerate(ids):
            answer = answers[str(i)]
            if isinstance(answer, ConnectorError):
                raise answer
            yield item_id, answer

    def _scan_markers(self) -> dict[str, str]:
        """Every marked item of the folder, from a listing of every item with only its id and marker.

        Not filtered to the marked items: the only documented ``$filter`` on an extended property pairs its id with
        a value test, and an id-only ``any()`` is undocumented (#14, divergence 7), so the documented
        ``$expand=…($filter=id eq …)`` rides on a plain listing (``⌈items/page_size⌉`` requests)."""
        params = {
            "$select": "id",
            "$top": str(self.options.page_size),
            "$expand": self._marker_expand(),
        }
        url = f"{self._contacts()}?{_query(params)}"
        markers: dict[str, str] = {}
        while True:
            _, page = self.graph.get(url, what="the contact markers")
            for entry in page.get("value", ()):
                if (marker := mapping.marker_of(entry)) is not None:
                    markers[str(entry["id"])] = marker
            if not page.get("@odata.nextLink"):
                return markers
            url = self._own(page["@odata.nextLink"])

    def _read_error(self, answer: BatchResponse, what: str) -> ConnectorError:
        if answer.status == 429:
            return RateLimited(
                f"account {self.name}: Graph throttled {what}", retry_after=answer.retry_after(), account=self.name
            )
        if answer.status in (401, 403):
            return AuthFailed(
                f"account {self.name}: Graph denied {what} ({answer.status} {answer.error_code()})", account=self.name
            )
        return Transient(
            f"account {self.name}: Graph failed {what} ({answer.status} {answer.error_code()})", account=self.name
        )

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        """Raises AuthFailed, RateLimited, Transient."""
        found: dict[str, RemoteContact] = {}
        for item_id, answer in self._get_each(
            ids, {"$select": ",".join(mapping.SELECT), "$expand": self._marker_expand()}
        ):
            if answer.status == 404:
                continue  # deleted, or moved out of this folder: gone from this account either way
            if not answer.ok:
                raise self._read_error(answer, "re-reading a contact")
            body = answer.body or {}
            found[item_id] = self._remote(body, mapping.marker_of(body))
        self._keep_markers(
            {i: rc.marker for i, rc in found.items() if rc.marker is not None},
            unmarked=(i for i, rc in found.items() if rc.marker is None),
        )
        return found

    # ------------------------------------------------------------------ writing
    def fit(self, contact: Contact) -> Contact:
        return mapping.fit(contact, self.region)

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        """One result per change. Raises AuthFailed, RateLimited, Transient only when nothing was attempted."""
        if len(changes) > self.capabilities.max_batch:
            raise ValueError(f"at most {self.capabilities.max_batch} changes per push")
        if not changes:
            return []
        if self.capabilities.read_only:
            return [ChangeResult(c, error=ItemRejected("read-only account", account=self.name)) for c in changes]
        tags = [t for c in changes if c.contact is not None for t in c.contact.tags]
        self._ensure_categories(tags)
        self._see_categories(t.name for t in tags)
        self._keep_seen()
        bodies = {i: self._patch_body(c) for i, c in enumerate(changes) if c.kind is ChangeKind.UPDATE}
        self._keep_held_spelling(changes, bodies)
        requests_ = [self._request_for(str(i), c, bodies.get(i)) for i, c in enumerate(changes)]
        answers = self.graph.run(requests_, writes=True)
        refusals = [a for a in answers.values() if isinstance(a, ConnectorError) and not isinstance(a, OutcomeUnknown)]
        if len(refusals) == len(changes):
            raise refusals[0]  # no envelope went through: nothing was attempted, the retry policy decides
        results = [self._result(c, answers[str(i)]) for i, c in enumerate(changes)]
        # every create and update carries our marker: remembered, the next delta needs no marker read for them
        self._keep_markers(
            {
                r.ref.id: r.change.contact_id
                for r in results
                if r.ok and r.ref is not None and r.ref.id and r.change.kind is not ChangeKind.DELETE
            }
        )
        self._copies.drop(
            r.change.ref.id
            for r in results
            if r.change.kind is ChangeKind.DELETE
            and r.change.ref is not None
            and (r.ok or (isinstance(r.error, PreconditionFailed) and r.error.gone))
        )
        return results

    def _patch_body(self, change: Change) -> dict[str, Any]:
        assert change.contact is not None
        return {
            **mapping.patch_body(change.previous, change.contact),
            mapping.EXTENDED: mapping.marker_property(change.contact_id),
        }

    def _rewrites_held(self, body: Mapping[str, Any], previous: Contact) -> bool:
        """Whether ``body`` rewrites a value the item holds beyond the model: any list of addresses (each may have
        a display name), or a phone list holding a number the item held already (its spelling may be Outlook's).
        A list whose numbers are all new (a directory's changed number replacing the old one) has nothing of
        Outlook's own to keep: no read for it (a distribution's change costs the listing and the write alone)."""
        if "emailAddresses" in body:
            return True
        held = {p.key for p in previous.phones}
        for prop in ("businessPhones", "homePhones"):
            numbers = body.get(prop)
            if isinstance(numbers, list) and any(
                isinstance(n, str) and mapping.phone_key(n, self.region) in held for n in numbers
            ):
                return True
        return False

    def _keep_held_spelling(self, changes: Sequence[Change], bodies: Mapping[int, dict[str, Any]]) -> None:
        """An update that rewrites ``emailAddresses`` or a phone property keeps what Outlook holds beyond the model
        for each value still there: an address's display name ("Ana Lima (work)", the model has no place for it),
        a number's own spelling ("(212) 555-0142", "+1 212 555 0100 ext. 101": the model holds it normalized). A
        write-back must not replace them with our forms (issue #15: what the platform holds beyond the model
        stays). A whole array is written when one of its values changes, so each value is matched by the key the
        model reads it as; a property that comes out as Outlook holds it is not sent at all. One GET per such item,
        only when those properties change (known from the item as last agreed); a new value is spelled by us."""
        rewriting: list[int] = []
        ids: list[str] = []
        for i, body in bodies.items():
            ref = changes[i].ref
            # without the item as last agreed (a distribution's copy, written whole), the list is not known to
            # have changed: no read for it
            previous = changes[i].previous
            if ref is not None and previous is not None and self._rewrites_held(body, previous):
                rewriting.append(i)
                ids.append(ref.id)
        if not rewriting:
            return
        # an envelope refused (throttled, down) raises before anything is written: the retry policy sends the whole
        # push again later, rather than writing the lists without what Outlook holds
        held = dict(self._get_each(ids, {"$select": ",".join(_HELD_SPELLING)}))
        for i, item_id in zip(rewriting, ids, strict=True):
            answer = held.get(item_id)
            if not isinstance(answer, BatchResponse) or not answer.ok or not isinstance(answer.body, Mapping):
                continue
            item, body = answer.body, bodies[i]
            if "emailAddresses" in body:
                names = {
                    str(e.get("address", "")).casefold(): e.get("name")
                    for e in item.get("emailAddresses") or ()
                    if isinstance(e, Mapping) and e.get("name")
                }
                body["emailAddresses"] = [
                    {**e, "name": names.get(str(e.get("address", "")).casefold(), e.get("name"))}
                    for e in body["emailAddresses"]
                ]
            spellings: dict[str, str] = {}
            for prop in _PHONE_PROPERTIES:
                value = item.get(prop)
                for number in value if isinstance(value, list) else [value]:
                    if isinstance(number, str) and number.strip():
                        spellings.setdefault(mapping.phone_key(number, self.region), number)
            for prop in _PHONE_PROPERTIES:
                if prop not in body:
                    continue
                if isinstance(body[prop], list):
                    body[prop] = [spellings.get(mapping.phone_key(n, self.region), n) for n in body[prop]]
                    if body[prop] == (item.get(prop) or []):
                        del body[prop]
                elif isinstance(body[prop], str):
                    body[prop] = spellings.get(mapping.phone_key(body[prop], self.region), body[prop])
                    if body[prop] == item.get(prop):
                        del body[prop]

    def _request_for(self, member_id: str, change: Change, body: Mapping[str, Any] | None = None) -> BatchRequest:
        if change.kind is ChangeKind.CREATE:
            assert change.contact is not None
            body = {**mapping.create_body(change.contact), mapping.EXTENDED: mapping.marker_property(change.contact_id)}
            return BatchRequest(member_id, "POST", self._contacts(), body)
        assert change.ref is not None
        item = self._item(change.ref.id)
        headers = {"If-Match": change.ref.etag} if change.ref.etag else {}
        if change.kind is ChangeKind.DELETE:
            return BatchRequest(member_id, "DELETE", item, None, headers)
        return BatchRequest(member_id, "PATCH", item, body if body is not None else self._patch_body(change), headers)

    def _result(self, change: Change, answer: BatchResponse | ConnectorError) -> ChangeResult:
        if isinstance(answer, OutcomeUnknown):
            # maybe applied: never sent again; the next pull adopts our creates by their marker
            return ChangeResult(change, error=Transient(f"outcome unknown: {answer}", account=self.name))
        if isinstance(answer, ConnectorError):
            return ChangeResult(change, error=answer)  # its envelope was refused: nothing of it was applied
        if answer.ok:
            if change.kind is ChangeKind.DELETE:
                return ChangeResult(change)
            body = answer.body if isinstance(answer.body, Mapping) else {}
            try:
                stored = mapping.from_graph(body, self.region)
            except (ValueError, TypeError, KeyError, AttributeError):
                stored = None
            return ChangeResult(
                change,
                RemoteRef(str(body.get("id", change.ref.id if change.ref else "")), str(body.get("@odata.etag", ""))),
                stored=stored,
            )
        code = answer.error_code()
        what = f"{change.kind.value} ({answer.status} {code})"
        error: ConnectorError
        if answer.status == 412:
            error = PreconditionFailed(f"stale changeKey: {what}", account=self.name)
        elif answer.status == 404:
            error = PreconditionFailed(f"item is gone: {what}", gone=True, account=self.name)
        elif answer.status == 429:
            error = RateLimited(f"still throttled: {what}", retry_after=answer.retry_after(), account=self.name)
        elif answer.status in (401, 403):
            error = AuthFailed(f"denied: {what}", account=self.name)
        elif answer.status >= 500:
            error = Transient(f"Graph failed: {what}", account=self.name)
        else:
            error = ItemRejected(f"Graph refused the item: {what}", account=self.name)
        return ChangeResult(change, error=error)

    # ------------------------------------------------------------------ categories
    # A contact's ``categories`` are plain strings that need Contacts.ReadWrite only; the master list gives them a
    # colour and needs MailboxSettings.Read to list, MailboxSettings.ReadWrite to add to (see the README's
    # permission table). Without those the connector still writes every category and only skips the colours,
    # remembering the refusal (in the copies) for a day so it does not ask again on every run.
    def _access(self) -> CategoryAccess:
        if self._category_access is None:
            kept = self._copies.get([_ACCESS_COPY]).get(_ACCESS_COPY)
            self._category_access = CategoryAccess.decode(kept.body) if kept is not None else CategoryAccess()
        return self._category_access

    def _remember_access(self, access: CategoryAccess) -> None:
        self._category_access = access
        self._copies.put({_ACCESS_COPY: RemoteCopy("", access.encode())})

    def _master_categories(self, *, refresh: bool = False) -> dict[str, str]:
        if self._categories is None and not refresh:
            kept = self._copies.get([_CATEGORIES_COPY]).get(_CATEGORIES_COPY)
            if kept is not None:
                self._categories = dict(json.loads(kept.body))
        if (self._categories is None or refresh) and self._access().may_list(self._clock()):
            status, body = self.graph.get(
                f"{self._user}/outlook/masterCategories",
                what="the master categories",
                passthrough=frozenset({403}),
            )
            if status == 403:
                self._remember_access(replace(self._access(), list_denied_at=self._clock()))
            else:
                self._categories = {
                    str(c["displayName"]).casefold(): str(c["displayName"])
                    for c in (body or {}).get("value", ())
                    if c.get("displayName")
                }
                self._categories_read = True
                if self._access().list_denied_at is not None:
                    self._remember_access(replace(self._access(), list_denied_at=None))
                self._keep_categories()
        if self._categories is None:
            self._categories = {}
        return self._categories

    def _keep_categories(self) -> None:
        if self._categories is not None:
            self._copies.put({_CATEGORIES_COPY: RemoteCopy("", json.dumps(self._categories).encode())})

    def _ensure_categories(self, tags: Iterable[Tag]) -> None:
        """Create the master categories that tags need, with the configured or a stable default color.

        The list is the one kept from an earlier run when it names every tag needed (a category deleted in
        Outlook since then is not made again until a run reads the list: its contacts keep the category, without
        colour); otherwise it is read again before anything is created. Without MailboxSettings.Read the missing
        ones are created all the same (an existing one answers 409); without MailboxSettings.ReadWrite nothing is
        created: the contacts carry their categories uncoloured, and ``pull`` names the permission in a notice."""
        wanted = {t.key: t.name for t in tags}
        if not wanted:
            return
        known = self._master_categories()
        if not wanted.keys() <= known.keys() and not self._categories_read:
            known = self._master_categories(refresh=True)
        missing = sorted((key, name) for key, name in wanted.items() if key not in known)
        if not missing or not self._access().may_create(self._clock()):
            return
        path = f"{self._user}/outlook/masterCategories"
        for start in range(0, len(missing), MAX_BATCH):
            chunk = missing[start : start + MAX_BATCH]
            # one $batch for up to 20 (a first sync of a book with many tags); creating a category twice only
            # answers 409, so a batch whose answer is lost can be sent again
            requests_ = [
                BatchRequest(
                    str(i),
                    "POST",
                    path,
                    {"displayName": name, "color": self.options.category_color or default_color(name)},
                )
                for i, (_key, name) in enumerate(chunk)
            ]
            try:
                answers = self.graph.batch(requests_, writes=False)
            except (Transient, RateLimited):
                # the contacts carry the category all the same, only uncoloured: not worth failing their writes;
                # forget what we know so the next push looks again
                self._categories = None
                self._categories_read = False
                return
            if any(a.status == 403 for a in answers.values()):
                self._remember_access(replace(self._access(), create_denied_at=self._clock()))
                break
            for i, (key, name) in enumerate(chunk):
                if answers[str(i)].status in (200, 201, 409):  # 409: someone created it meanwhile, as good
                    known[key] = name
        else:
            if self._access().create_denied_at is not None:
                self._remember_access(replace(self._access(), create_denied_at=None))
        self._keep_categories()

    def _notices(self) -> tuple[Notice, ...]:
        """What the admin should know about this mailbox that is no failure: colours skipped for a permission."""
        access = self._access()
        if access.create_denied_at is not None:
            return (
                Notice(
                    NOTICE_COLOURS,
                    "categories are written without colours: the app lacks MailboxSettings.ReadWrite (Entra admin "
                    "center → App registrations → API permissions → Microsoft Graph → MailboxSettings.ReadWrite, "
                    "then grant admin consent)",
                ),
            )
        return ()

    def _see_categories(self, names: Iterable[str]) -> None:
        """Every category name seen on a contact: what ``tag_counts`` counts (the master list need not be readable)."""
        new = {n.casefold(): n for n in names if n and n.casefold() not in self._seen_categories}
        if new:
            self._seen_categories.update(new)
            self._seen_dirty = True

    def _keep_seen(self) -> None:
        if self._seen_dirty and self._seen_complete:
            self._copies.put({_SEEN_COPY: RemoteCopy("", json.dumps(self._seen_categories).encode())})
            self._seen_dirty = False

    def _category_names(self) -> list[str]:
        """The names of every category that contacts of the folder may carry, without the master list: those seen
        by a full listing and the deltas since (kept in the copies), or else one scan of the folder's
        ``categories``."""
        if not self._seen_complete:
            kept = self._copies.get([_SEEN_COPY]).get(_SEEN_COPY)
            if kept is not None:
                self._seen_categories = {**dict(json.loads(kept.body)), **self._seen_categories}
                self._seen_complete = True
        if not self._seen_complete:
            params = {"$select": "categories", "$top": str(self.options.page_size)}
            url = f"{self._contacts()}?{_query(params)}"
            while True:
                _, page = self.graph.get(url, what="the categories of the contacts")
                for entry in page.get("value", ()):
                    self._see_categories(c for c in entry.get("categories") or () if isinstance(c, str))
                if not page.get("@odata.nextLink"):
                    break
                url = self._own(page["@odata.nextLink"])
            self._seen_complete = True
            self._keep_seen()
        return sorted(self._seen_categories.values(), key=str.casefold)

    def tag_counts(self) -> Mapping[Tag, int]:
        """Per category carried by the folder's contacts, ``$count`` of those carrying it. Needs Contacts.Read only:
        the names come from the contacts themselves, never from the master list. Raises AuthFailed, Transient."""
        names = self._category_names()
        counts: dict[Tag, int] = {}
        for chunk in _chunks(names, MAX_BATCH):
            requests_ = []
            for i, name in enumerate(chunk):
                params = {
                    "$filter": f"categories/any(c:c eq {_quote_literal(name)})",
                    "$count": "true",
                    "$top": "1",
                    "$select": "id",
                }
                requests_.append(BatchRequest(str(i), "GET", f"{self._contacts()}?{_query(params)}"))
            answers = self.graph.batch(requests_, writes=False)
            for i, name in enumerate(chunk):
                answer = answers[str(i)]
                if not answer.ok:
                    raise self._read_error(answer, "counting a category")
                count = int((answer.body or {}).get("@odata.count", 0))
                if count:
                    counts[Tag(name)] = count
        return counts


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
