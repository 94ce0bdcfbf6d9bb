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
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .errors import expired_sync_token, invalid_argument
from .fields import READABLE_FIELDS, check_person_body, parse_mask
from .tokens import Listing, TokenCodec, TokenKind, TokenState, params_hash

PROFILE = "DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"
SHARED_CONTACT = "DIRECTORY_SOURCE_TYPE_DOMAIN_CONTACT"
#: the person metadata source type each directory source shows as
_SOURCE_TYPE = {PROFILE: "DOMAIN_PROFILE", SHARED_CONTACT: "DOMAIN_CONTACT"}
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
JsonDict = dict[str, Any]

if TYPE_CHECKING:
    from .api import Call


@dataclass
class DirectoryEntry:
    id: str
    domain: str
    source: str  # PROFILE or SHARED_CONTACT
    fields: JsonDict
    seq: int  # the change sequence of the entry's last change
    suspended: bool = False
    hidden: bool = False
    deleted: bool = False

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
            self.entries[entry_id] = DirectoryEntry(entry_id, domain.lower(), source, body, self._next())
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
            entry.seq = self._next()

    def suspend(self, entry_id: str, suspended: bool = True) -> None:
        with self._lock:
            entry = self.entries[entry_id]
            entry.suspended = suspended
            entry.seq = self._next()

    def hide(self, entry_id: str, hidden: bool = True) -> None:
        with self._lock:
            entry = self.entries[entry_id]
            entry.hidden = hidden
            entry.seq = self._next()

    def delete(self, entry_id: str) -> None:
        with self._lock:
            entry = self._live(entry_id)
            entry.deleted = True
            entry.seq = self._next()

    def _live(self, entry_id: str) -> DirectoryEntry:
        entry = self.entries.get(entry_id)
        if entry is None or entry.deleted:
            raise KeyError(entry_id)
        return entry

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
        in_scope = sorted(
            (e for e in self.entries.values() if e.domain == domain and e.source in sources and e.seq <= snapshot),
            key=lambda e: (e.seq, e.id),
        )
        # a full listing shows who is listed now; a sync, everything changed since (those gone as deleted)
        rows = [e for e in in_scope if e.listed] if since < 0 else [e for e in in_scope if e.seq > since]
        page = rows[cursor : cursor + size]
        body: JsonDict = {"people": [self._render(e, mask, sync=since >= 0) for e in page]}
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
