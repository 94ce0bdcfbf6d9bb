"""A Google Workspace domain's directory as a read-only source of contacts, through the People API.

How a pull works, and why: ``people.listDirectoryPeople`` lists the domain's profiles (its users) and its shared
contacts (suppliers an admin publishes to the domain), ``pageSize`` up to 1000, with ``requestSyncToken`` so the
last page carries a sync token. The next pull sends that token with the same other parameters (the method
requires it) and gets only the people changed since, a person who left (deleted, suspended, hidden from the
directory) as ``metadata.deleted``. An expired token (7 days after the full listing) is ``SyncTokenExpired``:
the engine lists everything again.

Filters: ``sources`` (profiles, shared contacts, or both), ``departments`` (only people whose organization's
department is one of these) and ``group`` (only users who are members of a Google Group, through nested groups).
The People API knows no groups: members come from the Admin SDK's ``members.list``
(``includeDerivedMembership``), listed on every pull, because joining a group changes the group, not the
person, and the directory's sync token never says so. A member who joins without changing is picked up by one
full listing of the directory in that pull; one who leaves the group is deleted. Suspended users and users
hidden from the directory are not listed by Google at all.

Auth: a service account with domain-wide delegation granted the scope
``https://www.googleapis.com/auth/directory.readonly`` (and, with ``group``,
``https://www.googleapis.com/auth/admin.directory.group.member.readonly``), acting as ``subject``: any user of
the domain, an administrator allowed to read groups when ``group`` is set (the Admin SDK acts for admins only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
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
from contactsync.connectors.directory import DirectoryPerson, refuse_writes
from contactsync.connectors.google.mapping import MappingError, contact_from_person
from contactsync.connectors.google.transport import Api, JsonDict, SingleShotHttp
from contactsync.connectors.pullstate import pack_state, unpack_state
from contactsync.errors import ConfigError, ConfigProblem, SyncTokenExpired
from contactsync.model import Field, Tag

STATE_PREFIX = "gdir1:"
DIRECTORY_SCOPE = "https://www.googleapis.com/auth/directory.readonly"
GROUP_SCOPE = "https://www.googleapis.com/auth/admin.directory.group.member.readonly"
DEFAULT_ENDPOINT = "https://people.googleapis.com/"
DEFAULT_ADMIN_ENDPOINT = "https://admin.googleapis.com/"
#: members.list answers at most 200 members a page (admin.directory_v1 discovery document)
MEMBERS_PAGE = 200
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


GROUP_HINT = (
    f" With options.group: grant {GROUP_SCOPE} too, and make subject an administrator allowed to read groups "
    "(the Admin SDK answers for administrators only)."
)


@dataclass(frozen=True)
class GoogleDirectoryOptions:
    """The ``options`` of a ``type: google-directory`` account, typed."""

    subject: str
    service_account: str  # the JSON key's content (a secret)
    sources: tuple[str, ...] = ("profiles", "shared_contacts")
    fields: tuple[str, ...] = DEFAULT_FIELDS
    departments: frozenset[str] | None = None
    group: str | None = None
    endpoint: str = DEFAULT_ENDPOINT
    admin_endpoint: str = DEFAULT_ADMIN_ENDPOINT
    token_uri: str | None = None
    page_size: int = MAX_PAGE_SIZE
    timeout: float = 60.0

    @property
    def read_mask(self) -> str:
        paths = {FIELDS[f][0] for f in self.fields}
        if self.departments is not None:
            paths.add("organizations")  # the filter reads it even when the contacts do not carry it
        if self.group is not None:
            paths |= {"emailAddresses", "metadata"}  # a member is known by the primary email of a profile
        return ",".join(sorted(paths))

    @property
    def scopes(self) -> list[str]:
        return [DIRECTORY_SCOPE, GROUP_SCOPE] if self.group is not None else [DIRECTORY_SCOPE]

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
        group = options.get("group")
        if group is not None and (not isinstance(group, str) or "@" not in group):
            problem("group", "the Google Group's email address (staff@example.com)")
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
            group=str(group).lower() if group is not None else None,
            endpoint=str(options.get("endpoint", DEFAULT_ENDPOINT)),
            admin_endpoint=str(options.get("admin_endpoint", DEFAULT_ADMIN_ENDPOINT)),
            token_uri=options.get("token_uri"),
            page_size=int(page_size),
            timeout=float(options.get("timeout", 60.0)),
        )


@dataclass
class _State:
    sync_token: str = ""
    #: the people in scope, with their etags
    scope: dict[str, str] = field(default_factory=dict)
    #: with a group: the primary email of each profile in scope, and the group's members at the last pull
    emails: dict[str, str] = field(default_factory=dict)
    members: set[str] = field(default_factory=set)


def _encode_state(state: _State) -> str:
    rows = {"sync": state.sync_token, "scope": state.scope, "emails": state.emails, "members": sorted(state.members)}
    return pack_state(STATE_PREFIX, rows)


def _decode_state(state: str) -> _State:
    return unpack_state(STATE_PREFIX, state, _state_from_rows, what="the directory state")


def _state_from_rows(rows: Any) -> _State:
    return _State(
        str(rows["sync"]),
        {str(k): str(v) for k, v in rows["scope"].items()},
        {str(k): str(v) for k, v in rows["emails"].items()},
        {str(m) for m in rows["members"]},
    )


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
                info, scopes=options.scopes, subject=options.subject
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
        self.api = Api(name, auth_hint=HINT if options.group is None else HINT + GROUP_HINT)
        self._admin: Any = None
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

    def _members(self) -> set[str] | None:
        """The group's members' emails (users, through nested groups), lower-cased; None: no group set."""
        if self.options.group is None:
            return None
        if self._admin is None:
            self._admin = build(
                "admin", "directory_v1", static_discovery=True, http=self._http,
                client_options={"api_endpoint": self.options.admin_endpoint},
            )  # fmt: skip
        emails: set[str] = set()
        page_token: str | None = None
        while True:
            params: dict[str, Any] = {"groupKey": self.options.group, "includeDerivedMembership": True,
                                      "maxResults": MEMBERS_PAGE}  # fmt: skip
            if page_token:
                params["pageToken"] = page_token
            page = self.api.execute(self._admin.members().list(**params))
            for member in page.get("members") or []:
                if isinstance(member, Mapping) and member.get("type") == "USER" and member.get("email"):
                    emails.add(str(member["email"]).lower())
            page_token = page.get("nextPageToken")
            if not page_token:
                return emails

    def _in_scope(self, person: Mapping[str, Any], members: set[str] | None = None) -> bool:
        if members is not None and _is_profile(person) and _primary_email(person) not in members:
            return False
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
        before = _decode_state(state) if state is not None else None
        after = _State(scope=dict(before.scope), emails=dict(before.emails)) if before is not None else _State()
        members = self._members()
        after.members = members or set()
        changed: dict[str, RemoteContact] = {}
        deleted: set[str] = set()
        quarantined: list[Quarantined] = []

        def leave(resource: str) -> None:
            if resource in after.scope:
                del after.scope[resource]
                after.emails.pop(resource, None)
                deleted.add(resource)
            changed.pop(resource, None)

        def take(person: Mapping[str, Any], *, unchanged_skipped: bool) -> None:
            resource = str(person.get("resourceName", ""))
            if not resource:
                return
            if (person.get("metadata") or {}).get("deleted") or not self._in_scope(person, members):
                leave(resource)
                return
            etag = str(person.get("etag", ""))
            if unchanged_skipped and after.scope.get(resource) == etag:
                return
            remote = self._remote(person, quarantined)
            # a quarantined person is in scope too: kept, so that their leaving it (or deletion) is reported and
            # ends their quarantine; unchanged, they are skipped and stay quarantined
            after.scope[resource] = etag
            if members is not None and _is_profile(person):
                after.emails[resource] = _primary_email(person)
            deleted.discard(resource)
            if remote is not None:
                changed[resource] = remote
            else:
                changed.pop(resource, None)

        sync_token = before.sync_token if before is not None else None
        for page in self._listing(self.options.directory_sources, self.options.read_mask, sync_token):
            for person in page.get("people") or []:
                take(person, unchanged_skipped=before is not None)
            after.sync_token = str(page.get("nextSyncToken") or after.sync_token)
        if not after.sync_token:
            raise SyncTokenExpired("Google ended the directory listing without a sync token")
        if members is not None and before is not None:
            for resource, email in list(after.emails.items()):
                if email not in members:  # left the group: the person did not change, the group did
                    leave(resource)
            joined = members - before.members - set(after.emails.values())
            if joined:
                # joined the group without changing: only a full listing shows them (the method reads no one
                # person); its own sync token is not kept, the incremental chain above stays the one followed
                for page in self._listing([SOURCES["profiles"]], self.options.read_mask, None):
                    for person in page.get("people") or []:
                        if _is_profile(person) and _primary_email(person) in joined:
                            take(person, unchanged_skipped=False)
        return PullResult(
            changed=list(changed.values()),
            deleted=tuple(sorted(deleted)),
            next_state=_encode_state(after),
            full=before is None,
            quarantined=tuple(quarantined),
            present=frozenset(after.scope),
        )

    def fetch(self, ids: Sequence[str]) -> Mapping[str, RemoteContact]:
        """The people among ``ids`` still in scope (one full listing: the method reads no single person)."""
        wanted = set(ids)
        members = self._members()
        out: dict[str, RemoteContact] = {}
        for page in self._listing(self.options.directory_sources, self.options.read_mask, None):
            for person in page.get("people") or []:
                if person.get("resourceName") in wanted and self._in_scope(person, members):
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
        mask = "emailAddresses,metadata,names" + (",organizations" if self.options.departments is not None else "")
        members = self._members()
        found = []
        for page in self._listing([SOURCES["profiles"]], mask, None):
            for person in page.get("people") or []:
                if not self._in_scope(person, members):
                    continue
                names = [n for n in person.get("names") or [] if isinstance(n, Mapping)]
                email = _primary_email(person)
                display = str(names[0].get("displayName") or names[0].get("unstructuredName") or "") if names else ""
                found.append(DirectoryPerson(str(person.get("resourceName", "")), email, email, display))
        return sorted(found, key=lambda person: person.id)

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        """A directory is read here, never written: every change is refused (the account must be pull-only)."""
        return refuse_writes(self.name, "the Workspace directory", changes)

    def tag_counts(self) -> Mapping[Tag, int]:
        return {}

    def close(self) -> None:
        self._http.close()


def _is_profile(person: Mapping[str, Any]) -> bool:
    """A domain profile (a user), not a shared contact: by the person's metadata sources."""
    sources = (person.get("metadata") or {}).get("sources") or []
    return any(isinstance(s, Mapping) and s.get("type") == "DOMAIN_PROFILE" for s in sources)


def _primary_email(person: Mapping[str, Any]) -> str:
    """The person's primary email (the entry marked primary, else the first), lower-cased."""
    emails = [e for e in person.get("emailAddresses") or [] if isinstance(e, Mapping)]
    primary = next((e for e in emails if (e.get("metadata") or {}).get("primary")), emails[0] if emails else {})
    return str(primary.get("value", "")).lower()
