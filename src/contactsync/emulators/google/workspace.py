"""A Google Workspace domain's directory, as ``people.listDirectoryPeople`` serves it.

What is modelled, from the method's reference page (developers.google.com/people/api/rest/v1/people/
listDirectoryPeople) and its discovery document entry (``people.v1.json``, which also checks the parameters):

- ``sources`` (required): ``DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE`` (the domain's users) and/or
  ``DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT`` (the domain's shared contacts); ``readMask`` (required) picks the
  fields; ``pageSize`` 1–1000, default 100 (0 means the default).
- ``requestSyncToken`` makes the last page carry ``nextSyncToken``; a request with ``syncToken`` lists what
  changed since, a person deleted since as ``metadata.deleted: true``. "When paginating, all other parameters
  provided to people.listDirectoryPeople must match the first call that provided the page token"; the same for a
  sync token. Sync tokens expire with the service's sync-token lifetime (7 days after the full sync, as for
  connections) or when the control API expires them: 400 FAILED_PRECONDITION, reason EXPIRED_SYNC_TOKEN.
- Who is listed: the caller's domain only (the token's user, acting through delegation with the
  ``directory.readonly`` scope, checked by the service against the document's scopes). A suspended user, or one
  an admin hid from the directory ("Directory sharing" off for the user), is not listed; in a sync they show as
  deleted, which is what a client sees when someone leaves.

Besides, the Admin SDK's ``directory.members.list`` (``GET /admin/directory/v1/groups/{groupKey}/members``,
checked against ``admin.directory_v1.json`` the same way): a group's members, ``includeDerivedMembership`` for
members through nested groups, ``maxResults`` up to 200. The Admin SDK acts for an administrator: a delegated
token for a user who is not one (``Workspace.admins``) answers 403 "Not Authorized to access this resource/api".
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import googleapiclient

from .discovery import Discovery
from .errors import ApiError, expired_sync_token, invalid_argument
from .fields import READABLE_FIELDS, check_person_body, parse_mask
from .tokens import Listing, TokenCodec, TokenKind, TokenState, params_hash

PROFILE = "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"
SHARED_CONTACT = "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT"
#: the person metadata source type each directory source shows as
_SOURCE_TYPE = {PROFILE: "DOMAIN_PROFILE", SHARED_CONTACT: "DOMAIN_CONTACT"}
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
JsonDict = dict[str, Any]
ADMIN_PREFIX = "/admin/directory/v1/"
MEMBERS_LIST = "directory.members.list"
MAX_MEMBERS_PAGE = 200
_ADMIN_DOCUMENT = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "admin.directory_v1.json"
_MEMBERS_PATH = re.compile(r"^/admin/directory/v1/groups/([^/]+)/members$")


@cache
def admin_directory_v1() -> Discovery:
    """The Admin SDK Directory API's discovery document as installed (one parse per process)."""
    return Discovery(json.loads(_ADMIN_DOCUMENT.read_text(encoding="utf-8")))


if TYPE_CHECKING:
    from .api import Call


@dataclass
class DirectoryEntry:
    id: str
    domain: str
    source: str  # PROFILE or SHARED_CONTACT
    fields: JsonDict
    #: the change sequences of the entry's changes, its creation first: a listing picks entries by these, so a
    #: change made while a client pages neither hides an entry nor shifts the pages
    changes: list[int]
    suspended: bool = False
    hidden: bool = False
    deleted: bool = False

    @property
    def seq(self) -> int:
        return self.changes[-1]

    @property
    def listed(self) -> bool:
        return not (self.suspended or self.hidden or self.deleted)

    @property
    def etag(self) -> str:
        digest = hashlib.sha256(json.dumps([self.fields, self.seq], sort_keys=True).encode()).hexdigest()
        return "%Ejy" + digest[:20]


@dataclass
class Workspace:
    """Every domain's directory entries, with one change sequence for sync tokens."""

    entries: dict[str, DirectoryEntry] = field(default_factory=dict)
    seq: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    #: Google Groups by email (lower-cased): their members' emails, users or groups, in the order added
    groups: dict[str, list[str]] = field(default_factory=dict)
    #: users with an administrator role that may read groups through the Admin SDK
    admins: set[str] = field(default_factory=set)
    #: tests change the directory while the server's threads list it
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # ----- control (what an admin does in the Admin console)
    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def _add(self, domain: str, source: str, fields: Mapping[str, Any]) -> str:
        body = check_person_body(json.loads(json.dumps(dict(fields))))
        with self._lock:
            entry_id = f"1{next(self._ids):020d}"
            self.entries[entry_id] = DirectoryEntry(entry_id, domain.lower(), source, body, [self._next()])
            return entry_id

    def add_profile(self, email: str, **fields: Any) -> str:
        """A user of ``email``'s domain (its primary email added first); People-API-shaped fields."""
        emails = [{"value": email, "type": "work"}, *fields.pop("emailAddresses", [])]
        return self._add(email.split("@")[1], PROFILE, {"emailAddresses": emails, **fields})

    def add_shared_contact(self, domain: str, **fields: Any) -> str:
        """A domain shared contact (a supplier the admin publishes to the domain)."""
        return self._add(domain, SHARED_CONTACT, fields)

    def update(self, entry_id: str, **fields: Any) -> None:
        """Replace the given fields (an admin editing the user, or the user editing their profile)."""
        body = check_person_body(json.loads(json.dumps(fields)))
        with self._lock:
            entry = self._live(entry_id)
            entry.fields.update(body)
            entry.changes.append(self._next())

    def suspend(self, entry_id: str, suspended: bool = True) -> None:
        with self._lock:
            entry = self.entries[entry_id]
            entry.suspended = suspended
            entry.changes.append(self._next())

    def hide(self, entry_id: str, hidden: bool = True) -> None:
        with self._lock:
            entry = self.entries[entry_id]
            entry.hidden = hidden
            entry.changes.append(self._next())

    def delete(self, entry_id: str) -> None:
        with self._lock:
            entry = self._live(entry_id)
            entry.deleted = True
            entry.changes.append(self._next())

    def add_group(self, email: str) -> None:
        with self._lock:
            self.groups.setdefault(email.lower(), [])

    def add_member(self, group: str, member: str) -> None:
        """Add a user (by primary email) or a group (by email) to ``group``."""
        with self._lock:
            members = self.groups[group.lower()]
            if member.lower() not in members:
                members.append(member.lower())

    def remove_member(self, group: str, member: str) -> None:
        with self._lock:
            self.groups[group.lower()].remove(member.lower())

    def _live(self, entry_id: str) -> DirectoryEntry:
        entry = self.entries.get(entry_id)
        if entry is None or entry.deleted:
            raise KeyError(entry_id)
        return entry

    # ----- Admin SDK: directory.members.list
    def list_members(self, group_key: str, query: Mapping[str, list[str]]) -> JsonDict:
        """A group's members (direct, or with ``includeDerivedMembership`` every user through nested groups)."""

        def param(name: str) -> str:
            values = query.get(name)
            return values[-1] if values else ""

        key = group_key.lower()
        if key not in self.groups:
            raise ApiError(404, "NOT_FOUND", "Resource Not Found: groupKey")
        size = int(param("maxResults") or MAX_MEMBERS_PAGE)
        if not 1 <= size <= MAX_MEMBERS_PAGE:
            raise invalid_argument(f"Invalid value for maxResults: {size}")
        derived = param("includeDerivedMembership").lower() in ("true", "1")
        emails: list[str] = []
        seen: set[str] = set()
        todo = list(self.groups[key])
        while todo:
            email = todo.pop(0)
            if email in seen:
                continue
            seen.add(email)
            emails.append(email)
            if derived and email in self.groups:
                todo.extend(self.groups[email])
        start = int(param("pageToken") or 0)
        page = emails[start : start + size]
        members = []
        for email in page:
            kind = "GROUP" if email in self.groups else "USER"
            profile = next((e for e in self.entries.values() if e.source == PROFILE and _primary(e) == email), None)
            member_id = profile.id if profile is not None else hashlib.sha256(email.encode()).hexdigest()[:21]
            members.append({"kind": "admin#directory#member", "email": email, "role": "MEMBER", "type": kind,
                            "status": "ACTIVE", "id": member_id})  # fmt: skip
        body: JsonDict = {"kind": "admin#directory#members", "members": members}
        if start + size < len(emails):
            body["nextPageToken"] = str(start + size)
        return body

    # ----- the method
    def list_directory_people(
        self,
        *,
        user: str,
        query: Mapping[str, list[str]],
        codec: TokenCodec,
        now: datetime,
        generation: int,
        ttl_seconds: float,
    ) -> JsonDict:
        """``people.listDirectoryPeople`` for ``user`` (its domain's directory). Raises ApiError."""
        with self._lock:
            return self._list(user=user, query=query, codec=codec, now=now, generation=generation,
                              ttl_seconds=ttl_seconds)  # fmt: skip

    def _list(
        self,
        *,
        user: str,
        query: Mapping[str, list[str]],
        codec: TokenCodec,
        now: datetime,
        generation: int,
        ttl_seconds: float,
    ) -> JsonDict:

        def param(name: str) -> str:
            values = query.get(name)
            return values[-1] if values else ""

        sources = sorted({part for value in query.get("sources", []) for part in value.split(",") if part})
        if not sources or "DIRECTORY_SOURCE_TYPE_UNSPECIFIED" in sources:
            raise invalid_argument("Request must specify at least one directory source.")
        mask = parse_mask(param("readMask") or None, allowed=READABLE_FIELDS, parameter="readMask", required=True)
        raw_size = param("pageSize") or "0"
        size = int(raw_size) if raw_size.lstrip("-").isdigit() else -1
        if not 0 <= size <= MAX_PAGE_SIZE:
            raise invalid_argument(f"pageSize must be between 1 and {MAX_PAGE_SIZE}, was {raw_size}.")
        size = size or DEFAULT_PAGE_SIZE
        want_sync = param("requestSyncToken").lower() in ("true", "1")
        domain = user.split("@")[-1].lower()
        base = params_hash("directory", domain, sources, sorted(mask), want_sync)
        page_token, sync_token = param("pageToken"), param("syncToken")
        since, cursor, snapshot, chain = -1, 0, self.seq, now.timestamp()
        if page_token:
            state = codec.open(page_token, TokenKind.PAGE, "Page token")
            if state.listing is not Listing.DIRECTORY or state.params != params_hash(base, sync_token):
                raise invalid_argument("Parameters must match the first call that provided the page token.")
            since, cursor, snapshot, chain = state.since, state.cursor, state.snapshot, state.chain_start
        elif sync_token:
            state = codec.open(sync_token, TokenKind.SYNC, "Sync token")
            if state.listing is not Listing.DIRECTORY or state.params != base:
                raise invalid_argument("Parameters must match the first call that provided the sync token.")
            if state.generation != generation or now.timestamp() - state.chain_start > ttl_seconds:
                raise expired_sync_token()
            since, chain = state.snapshot, state.chain_start
        # the round's rows are fixed by the snapshot (creation order, changes up to it), whatever changes while the
        # client pages; each is rendered as it is now
        in_scope = sorted(
            (e for e in self.entries.values()
             if e.domain == domain and e.source in sources and e.changes[0] <= snapshot),
            key=lambda e: (e.changes[0], e.id),
        )  # fmt: skip
        if since >= 0:  # a sync: everything changed since the token (those gone as deleted)
            in_scope = [e for e in in_scope if any(since < c <= snapshot for c in e.changes)]
        rows = in_scope
        page = rows[cursor : cursor + size]
        # a full listing shows who is listed now: a page may come out shorter than asked, as Google's may
        body: JsonDict = {"people": [self._render(e, mask, sync=True) for e in page if since >= 0 or e.listed]}
        if not body["people"]:
            del body["people"]  # an empty list is left out of Google's JSON
        if cursor + size < len(rows):
            body["nextPageToken"] = codec.seal(
                TokenState(TokenKind.PAGE, Listing.DIRECTORY, user, params_hash(base, sync_token), since,
                           cursor + size, snapshot, len(rows), generation, now.timestamp(), chain, want_sync)
            )  # fmt: skip
        elif want_sync or sync_token:
            body["nextSyncToken"] = codec.seal(
                TokenState(TokenKind.SYNC, Listing.DIRECTORY, user, base, since, 0, snapshot, 0, generation,
                           now.timestamp(), chain, want_sync)
            )  # fmt: skip
        return body

    @staticmethod
    def _render(entry: DirectoryEntry, mask: list[str], *, sync: bool) -> JsonDict:
        source = {"type": _SOURCE_TYPE[entry.source], "id": entry.id, "etag": entry.etag}
        person: JsonDict = {"resourceName": f"people/{entry.id}", "etag": entry.etag}
        if not entry.listed:
            # a person gone since the sync token: only its name and the deleted flag (reference: "resources
            # deleted since the last sync will be returned as a person with PersonMetadata.deleted set to true")
            if sync:
                person["metadata"] = {"sources": [source], "deleted": True}
            return person
        for name in mask:
            if name == "metadata":
                person["metadata"] = {"sources": [source], "objectType": "PERSON"}
                continue
            values = entry.fields.get(name)
            if values:
                person[name] = [
                    {**copy.deepcopy(v), "metadata": {"primary": i == 0, "source": {"type": source["type"],
                                                                                      "id": entry.id}}}
                    for i, v in enumerate(values)
                ]  # fmt: skip
        return person


def _primary(entry: DirectoryEntry) -> str:
    emails = entry.fields.get("emailAddresses") or []
    return str(emails[0].get("value", "")).lower() if emails else ""


def list_directory_people(call: Call) -> JsonDict:
    """The route's handler: the caller's domain directory, with the service's token policy."""
    if call.workspace is None:
        raise invalid_argument("This server holds no domain directory.")
    return call.workspace.list_directory_people(
        user=call.store.user,
        query=call.query,
        codec=call.tokens.codec,
        now=call.now,
        generation=call.tokens.generation,
        ttl_seconds=call.tokens.ttl.total_seconds(),
    )


def serve_admin(workspace: Workspace, method: str, path: str, query: Mapping[str, list[str]], user: str,
                scopes: frozenset[str]) -> JsonDict:  # fmt: skip
    """One Admin SDK Directory request (only ``members.list`` is modelled). Raises ApiError."""
    match = _MEMBERS_PATH.match(path)
    if match is None or method != "GET":
        raise ApiError(404, "NOT_FOUND", f"The requested URL {path} was not found on this server.")
    document = admin_directory_v1()
    spec = document.methods[MEMBERS_LIST]
    if not scopes & set(spec.scopes):
        raise ApiError(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
    document.check_query(MEMBERS_LIST, query)
    with workspace._lock:
        if user.lower() not in workspace.admins:
            raise ApiError(403, "PERMISSION_DENIED", "Not Authorized to access this resource/api")
        return workspace.list_members(match.group(1), query)
