"""A Google Workspace domain's directory as a read-only source of contacts, through the People API.

How a pull works, and why: ``people.listDirectoryPeople`` lists the domain's profiles (its users) and its shared
contacts (suppliers an admin publishes to the domain), ``pageSize`` up to 1000, with ``requestSyncToken`` so the
last page carries a sync token. The next pull sends that token with the same other parameters (the method
requires it) and gets only the people changed since, a person who left (deleted, suspended, hidden from the
directory) as ``metadata.deleted``. An expired token (7 days after the full listing) is ``SyncTokenExpired``:
the engine lists everything again.

Filters: ``sources`` (profiles, shared contacts, or both) and ``departments`` (only people whose organization's
department is one of these). Workspace's groups are not reachable through the People API (only through the
Admin SDK); ``departments`` is the filter the directory itself offers. Suspended users and users hidden from
the directory are not listed by Google at all.

Auth: a service account with domain-wide delegation granted the scope
``https://www.googleapis.com/auth/directory.readonly``, acting as ``subject`` (any user of the domain).
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.oauth2 import service_account
from googleapiclient.discovery import build

from contactsync.connector import (
    BaseConnector,
    Capabilities,
    Change,
    ChangeResult,
    PullResult,
    Quarantined,
    RemoteContact,
    RemoteRef,
)
from contactsync.connectors.directory import DirectoryPerson
from contactsync.connectors.google.mapping import MappingError, contact_from_person
from contactsync.connectors.google.transport import Api, JsonDict, SingleShotHttp
from contactsync.errors import ConfigError, ConfigProblem, ItemRejected, SyncTokenExpired
from contactsync.model import Field, Tag

STATE_PREFIX = "gdir1:"
DIRECTORY_SCOPE = "https://www.googleapis.com/auth/directory.readonly"
DEFAULT_ENDPOINT = "https://people.googleapis.com/"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
MAX_PAGE_SIZE = 1000
SOURCES = {
    "profiles": "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE",
    "shared_contacts": "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT",
}
#: the parts of a contact the source can carry, and the person field (readMask path) each needs
FIELDS: Mapping[str, tuple[str, frozenset[Field]]] = {
    "names": ("names", frozenset({Field.NAME, Field.DISPLAY_NAME})),
    "emails": ("emailAddresses", frozenset({Field.EMAILS})),
    "phones": ("phoneNumbers", frozenset({Field.PHONES})),
    "addresses": ("addresses", frozenset({Field.ADDRESSES})),
    "organization": ("organizations", frozenset({Field.ORGANIZATION, Field.DEPARTMENT, Field.JOB_TITLE})),
    "urls": ("urls", frozenset({Field.URLS})),
    "note": ("biographies", frozenset({Field.NOTE})),
}
DEFAULT_FIELDS = ("names", "emails", "phones", "addresses", "organization")

HINT = (
    "Check in the Google Admin console (Security > Access and data control > API controls > Domain-wide "
    f"delegation) that the service account's client ID is granted the scope {DIRECTORY_SCOPE}, that "
    "options.subject names an existing user of the domain, and that the People API is enabled in the service "
    "account's Cloud project."
)


@dataclass(frozen=True)
class GoogleDirectoryOptions:
    """The ``options`` of a ``type: google-directory`` account, typed."""

    subject: str
    service_account: str  # the JSON key's content (a secret)
    sources: tuple[str, ...] = ("profiles", "shared_contacts")
    fields: tuple[str, ...] = DEFAULT_FIELDS
    departments: frozenset[str] | None = None
    endpoint: str = DEFAULT_ENDPOINT
    token_uri: str | None = None
    page_size: int = MAX_PAGE_SIZE
    timeout: float = 60.0

    @property
    def read_mask(self) -> str:
        paths = {FIELDS[f][0] for f in self.fields}
        if self.departments is not None:
            paths.add("organizations")  # the filter reads it even when the contacts do not carry it
        return ",".join(sorted(paths))

    @property
    def directory_sources(self) -> list[str]:
        return [SOURCES[s] for s in self.sources]

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any], secrets: Mapping[str, str], where: str) -> GoogleDirectoryOptions:
        """Raises ConfigError listing every bad key (the schema checked the types already)."""
        problems: list[ConfigProblem] = []

        def problem(key: str, message: str) -> None:
            problems.append(ConfigProblem("", None, f"{where}.{key}", message))

        subject = options.get("subject")
        if not isinstance(subject, str) or "@" not in subject:
            problem("subject", "the Workspace user to act as (user@domain): the directory listed is its domain's")
        key = secrets.get("service_account")
        if key is None:
            problem("service_account_file", "the service account's JSON key (domain-wide delegation) is required")
        sources = tuple(options.get("sources") or ("profiles", "shared_contacts"))
        for source in sources:
            if source not in SOURCES:
                problem("sources", f"{source!r} is not one of {', '.join(SOURCES)}")
        fields = tuple(options.get("fields") or DEFAULT_FIELDS)
        for name in fields:
            if name not in FIELDS:
                problem("fields", f"{name!r} is not one of {', '.join(FIELDS)}")
        departments = options.get("departments")
        page_size = options.get("page_size", MAX_PAGE_SIZE)
        if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
            problem("page_size", f"from 1 to {MAX_PAGE_SIZE} (the method's limit)")
        if problems:
            raise ConfigError(problems)
        return cls(
            subject=str(subject),
            service_account=str(key),
            sources=sources,
            fields=fields,
            departments=frozenset(str(d).casefold() for d in departments) if departments is not None else None,
            endpoint=str(options.get("endpoint", DEFAULT_ENDPOINT)),
            token_uri=options.get("token_uri"),
            page_size=int(page_size),
            timeout=float(options.get("timeout", 60.0)),
        )


def _encode_state(sync_token: str, scope: Mapping[str, str]) -> str:
    rows = {"sync": sync_token, "scope": dict(scope)}
    packed = zlib.compress(json.dumps(rows, separators=(",", ":")).encode(), 6)
    return STATE_PREFIX + base64.urlsafe_b64encode(packed).decode("ascii")


def _decode_state(state: str) -> tuple[str, dict[str, str]]:
    if not state.startswith(STATE_PREFIX):
        raise SyncTokenExpired("the directory state is not one this version wrote: a full listing is needed")
    try:
        rows = json.loads(zlib.decompress(base64.urlsafe_b64decode(state[len(STATE_PREFIX) :])))
        return str(rows["sync"]), {str(k): str(v) for k, v in rows["scope"].items()}
    except (ValueError, TypeError, KeyError, AttributeError, zlib.error) as exc:
        raise SyncTokenExpired("the directory state is unreadable: a full listing is needed") from exc


class GoogleDirectoryConnector(BaseConnector):
    """A Workspace domain's directory: pull and fetch only; every write is refused with ItemRejected."""

    def __init__(self, name: str, options: GoogleDirectoryOptions, *, region: str = "US") -> None:
        self.name = name
        self.options = options
        self.region = region
        try:
            info = json.loads(options.service_account)
            if not isinstance(info, dict):
                raise ValueError("not a JSON object")
            if options.token_uri:
                info["token_uri"] = options.token_uri
            credentials = service_account.Credentials.from_service_account_info(
                info, scopes=[DIRECTORY_SCOPE], subject=options.subject
            )
        except (ValueError, KeyError) as exc:
            raise ConfigError(
                [ConfigProblem("", None, f"accounts.{name}.options.service_account_file",
                               f"not a service account JSON key ({type(exc).__name__})")]
            ) from None  # fmt: skip
        self._http = SingleShotHttp(credentials, timeout=options.timeout)
        self._service: Any = build(
            "people", "v1", static_discovery=True, http=self._http, client_options={"api_endpoint": options.endpoint}
        )
        self.api = Api(name, auth_hint=HINT)
        fields = frozenset(f for name_ in options.fields for f in FIELDS[name_][1])
        self.capabilities = Capabilities(
            read_only=True, incremental=True, max_batch=100, fields=fields, holds_tags=False
        )

    # ------------------------------------------------------------ reading

    def _listing(self, sources: list[str], read_mask: str, sync_token: str | None) -> Iterator[JsonDict]:
        """Every page of one listing (full, or since ``sync_token``); the last one carries nextSyncToken."""
        page_token: str | None = None
        while True:
            params: dict[str, Any] = {
                "sources": sources,
                "readMask": read_mask,
                "pageSize": self.options.page_size,
                "requestSyncToken": True,
            }
            if sync_token:
                params["syncToken"] = sync_token
            if page_token:
                params["pageToken"] = page_token
            page = self.api.execute(self._service.people().listDirectoryPeople(**params))
            yield page
            page_token = page.get("nextPageToken")
            if not page_token:
                return

    def _in_scope(self, person: Mapping[str, Any]) -> bool:
        wanted = self.options.departments
        if wanted is None:
            return True
        departments = {
            str(o.get("department", "")).casefold() for o in person.get("organizations") or [] if isinstance(o, Mapping)
        }
        return bool(departments & wanted)

    def _remote(self, person: Mapping[str, Any], quarantined: list[Quarantined]) -> RemoteContact | None:
        resource = str(person.get("resourceName", ""))
        try:
            contact = contact_from_person(person, {}, self.region)
        except MappingError as exc:
            quarantined.append(Quarantined(resource, f"the directory entry cannot be read as a contact: {exc}"))
            return None
        return RemoteContact(
            RemoteRef(resource, str(person.get("etag", ""))), contact.project(self.capabilities.fields)
        )

    def pull(self, state: str | None) -> PullResult:
        """People changed since ``state`` (None: everyone in scope, ``full=True``).

        Raises AuthFailed (delegation or scope missing: the message says where to grant it), RateLimited,
        Transient, SyncTokenExpired (Google's token expired, or the state is unreadable).
        """
        sync_token, before = _decode_state(state) if state is not None else (None, {})
        scope = dict(before)
        changed: list[RemoteContact] = []
        deleted: set[str] = set()
        quarantined: list[Quarantined] = []
        next_token = ""
        for page in self._listing(self.options.directory_sources, self.options.read_mask, sync_token):
            for person in page.get("people") or []:
                resource = str(person.get("resourceName", ""))
                if not resource:
                    continue
                gone = bool((person.get("metadata") or {}).get("deleted"))
                if gone or not self._in_scope(person):
                    if resource in scope:
                        del scope[resource]
                        deleted.add(resource)
                    continue
                etag = str(person.get("etag", ""))
                if scope.get(resource) == etag and sync_token is not None:
                    continue
                remote = self._remote(person, quarantined)
                if remote is not None:
                    scope[resource] = etag
                    deleted.discard(resource)
                    changed.append(remote)
            next_token = str(page.get("nextSyncToken") or next_token)
        if not next_token:
            raise SyncTokenExpired("Google ended the directory listing without a sync token")
        return PullResult(
            changed=changed,
            deleted=tuple(sorted(deleted)),
            next_state=_encode_state(next_token, scope),
            full=sync_token is None,
            quarantined=tuple(quarantined),
            present=frozenset(scope),
        )

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        """The people among ``ids`` still in scope (one full listing: the method reads no single person)."""
        wanted = set(ids)
        out: dict[str, RemoteContact] = {}
        for page in self._listing(self.options.directory_sources, self.options.read_mask, None):
            for person in page.get("people") or []:
                if person.get("resourceName") in wanted and self._in_scope(person):
                    remote = self._remote(person, [])
                    if remote is not None:
                        out[remote.ref.id] = remote
        return out

    def probe(self, source: str) -> None:
        """List one person of ``source`` (``profiles``, ``shared_contacts``): what ``contactsync doctor`` checks.

        Raises AuthFailed, RateLimited, Transient, like ``pull``.
        """
        request = self._service.people().listDirectoryPeople(sources=[SOURCES[source]], readMask="names", pageSize=1)
        self.api.execute(request)

    def people(self) -> Sequence[DirectoryPerson]:
        """The domain's users in scope (profiles only: shared contacts have no account), sorted by id; ``email``
        and ``username`` are both the primary email, Workspace's sign-in name.

        Raises AuthFailed, RateLimited, Transient.
        """
        mask = "emailAddresses,names" + (",organizations" if self.options.departments is not None else "")
        found = []
        for page in self._listing([SOURCES["profiles"]], mask, None):
            for person in page.get("people") or []:
                if not self._in_scope(person):
                    continue
                emails = [e for e in person.get("emailAddresses") or [] if isinstance(e, Mapping)]
                primary = next(
                    (e for e in emails if (e.get("metadata") or {}).get("primary")), emails[0] if emails else {}
                )
                names = [n for n in person.get("names") or [] if isinstance(n, Mapping)]
                email = str(primary.get("value", ""))
                display = str(names[0].get("displayName") or names[0].get("unstructuredName") or "") if names else ""
                found.append(DirectoryPerson(str(person.get("resourceName", "")), email, email, display))
        return sorted(found, key=lambda person: person.id)

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        """A directory is read here, never written: every change is refused (the account must be pull-only)."""
        refusal = f"account {self.name!r} is the Workspace directory: contactsync never writes to it"
        return [ChangeResult(change, error=ItemRejected(refusal, account=self.name)) for change in changes]

    def tag_counts(self) -> Mapping[Tag, int]:
        return {}

    def close(self) -> None:
        self._http.close()
