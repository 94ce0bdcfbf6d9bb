"""Entra ID directory objects over Graph v1.0: users (list, delta), groups' transitive members, org contacts.

What is modelled, from Microsoft's v1.0 reference pages (https://learn.microsoft.com/graph/api/…):

- ``GET /users/delta`` (user-delta, and the "delta query for users" guide): the first round lists every user with
  the ``$select``-ed properties, paged by ``@odata.nextLink`` (``$skiptoken``), and ends with an
  ``@odata.deltaLink`` (``$deltatoken``). A later round lists only what changed since: a created user in full; an
  updated user as its id plus *only the selected properties that changed* (the guide: "represented by their id
  with at least the properties that have been updated"; the emulator sends no more, the strict reading); a change
  to a property that was not selected is not reported at all (delta overview, ``$select``); a deleted user as
  ``{"id": …, "@removed": {"reason": "changed"}}`` (soft delete, restorable 30 days) or ``"deleted"``
  (permanent). Query options other than ``$select``, ``$deltatoken``, ``$skiptoken`` and ``$filter=id eq``
  answer 400 ``Request_UnsupportedQuery`` (user-delta lists no ``$top``: the service picks the page size,
  ``GraphEmulator.entra.delta_page``; ``Prefer: odata.maxpagesize`` is honoured up to 999).
- ``GET /users`` (user-list): ``$select`` (``accountEnabled`` and ``showInAddressList`` are "returned only on
  ``$select``"; without ``$select`` the default property set), ``$top`` 1–999 (default 100), ``$filter`` with
  ``id eq '…'`` or ``id in ('…', …)`` only (more of OData is supported by Graph; the emulator refuses what it does
  not model rather than answer it wrongly), at most 15 values in an ``in`` (filter-query-parameter guide: "the
  request is limited to 15 expressions in the filter clause by default" with ``in``).
- ``GET /groups/{id}/transitiveMembers`` and its ``/microsoft.graph.user`` cast (group-list-transitivemembers):
  the flat list of members through nested groups, ``$select``, ``$top`` up to 999.
- ``GET /contacts`` (orgcontact-list): the tenant's organizational contacts, ``$select``, ``$top`` up to 999, the
  same ``$filter`` on ids.

Permissions (each page's table; application column, delegated the same for these):

- users list / delta: User.Read.All least; Directory.Read.All, Directory.ReadWrite.All, User.ReadWrite.All higher.
- group transitiveMembers: GroupMember.Read.All least; Directory.Read.All, Group.Read.All, Group.ReadWrite.All,
  GroupMember.ReadWrite.All higher.
- orgContact list: OrgContact.Read.All least; Directory.Read.All, Directory.ReadWrite.All higher.

A directory call the token does not allow answers 403 ``Authorization_RequestDenied`` "Insufficient privileges to
complete the operation." (the directory's wording, not Exchange's ``ErrorAccessDenied``), plus the emulator's note
naming the permission. ``$batch`` members are not routed here (the directory source does not batch).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from .errors import GraphError
from .identity import Principal
from .permissions import DOCS, Requirement

USER_PROPERTIES = frozenset(
    {
        "id",
        "accountEnabled",
        "businessPhones",
        "city",
        "companyName",
        "country",
        "department",
        "displayName",
        "employeeId",
        "faxNumber",
        "givenName",
        "jobTitle",
        "mail",
        "mailNickname",
        "mobilePhone",
        "officeLocation",
        "postalCode",
        "preferredLanguage",
        "showInAddressList",
        "state",
        "streetAddress",
        "surname",
        "userPrincipalName",
        "userType",
    }
)
#: what ``GET /users`` returns without ``$select`` (user-list: "a default set of properties")
USER_DEFAULT = (
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
)
ORG_CONTACT_PROPERTIES = frozenset(
    {
        "id",
        "addresses",
        "companyName",
        "department",
        "displayName",
        "givenName",
        "jobTitle",
        "mail",
        "mailNickname",
        "phones",
        "surname",
    }
)
DEFAULT_PAGE = 100
MAX_PAGE = 999
MAX_IN_VALUES = 15
DIRECTORY_ROLES = ("Directory.Read.All", "Directory.ReadWrite.All")

USERS_READ = Requirement(
    "read users",
    frozenset({"User.Read.All", "User.ReadWrite.All", *DIRECTORY_ROLES}),
    frozenset({"User.Read.All", "User.ReadWrite.All", *DIRECTORY_ROLES}),
    DOCS + "user-delta",
)
MEMBERS_READ = Requirement(
    "read group members",
    frozenset({"GroupMember.Read.All", "GroupMember.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All",
               *DIRECTORY_ROLES}),
    frozenset({"GroupMember.Read.All", "GroupMember.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All",
               *DIRECTORY_ROLES}),
    DOCS + "group-list-transitivemembers",
)  # fmt: skip
ORG_CONTACTS_READ = Requirement(
    "read organizational contacts",
    frozenset({"OrgContact.Read.All", *DIRECTORY_ROLES}),
    frozenset({"OrgContact.Read.All", *DIRECTORY_ROLES}),
    DOCS + "orgcontact-list",
)

_IDS_IN = re.compile(r"^id in \((?P<values>.*)\)$", re.IGNORECASE)
_ID_EQ = re.compile(r"^id eq '(?P<value>[^']*)'$", re.IGNORECASE)
_QUOTED = re.compile(r"^'([^']*)'$")


def _unsupported(message: str = "Unsupported Query.") -> GraphError:
    return GraphError(400, "Request_UnsupportedQuery", message)


def _denied(needed: Requirement, delegated: bool) -> GraphError:
    options = sorted(needed.delegated if delegated else needed.application)
    return GraphError(
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation. "
        f"(emulator: to {needed.what} the token needs one of {', '.join(options)}; see {needed.page})",
    )


@dataclass
class DirectoryObject:
    """A user or an org contact: its properties as Graph renders them (``id`` included)."""

    id: str
    tenant_id: str
    kind: str  # "user" or "orgContact"
    properties: dict[str, Any]
    deleted: str | None = None  # None, "changed" (soft-deleted) or "deleted" (permanently)
    #: the change sequence that created it: a delta round's first listing takes what existed at its start
    created: int = 0


@dataclass(frozen=True)
class Change:
    seq: int
    object_id: str
    #: the properties that changed; None: the object was created (or restored), everything is new
    properties: frozenset[str] | None


@dataclass
class Group:
    id: str
    tenant_id: str
    display_name: str
    members: list[str] = field(default_factory=list)  # user, org contact or group ids, in the order added


class EntraDirectory:
    """The directory objects of every tenant, with a change log for ``/users/delta``. Thread-safe."""

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        graph_url: Callable[[], str],
        new_id: Callable[[], str],
        lock: threading.RLock,
    ) -> None:
        self._now = now
        self._graph_url = graph_url
        self._new_id = new_id
        self._lock = lock
        self.objects: dict[str, DirectoryObject] = {}
        self.groups: dict[str, Group] = {}
        self._log: list[Change] = []
        self._seq = 0
        self.generation = 0
        #: the page size the service picks for a delta round (Graph chooses its own; tests make it small)
        self.delta_page = DEFAULT_PAGE

    # ----- control (what an admin does in the Entra admin center)
    def _log_change(self, object_id: str, properties: frozenset[str] | None) -> None:
        self._seq += 1
        self._log.append(Change(self._seq, object_id, properties))

    def add_user(self, tenant_id: str, upn: str, **properties: Any) -> str:
        """A user (enabled, a member, in the address list unless told otherwise). Returns its id."""
        unknown = set(properties) - USER_PROPERTIES
        if unknown:
            raise ValueError(f"not user properties: {sorted(unknown)}")
        with self._lock:
            object_id = self._new_id()
            props: dict[str, Any] = {
                "accountEnabled": True,
                "userType": "Member",
                "showInAddressList": None,  # "if not set, this will be treated as true" (user resource)
                "businessPhones": [],
                "mail": upn,
                **properties,
                "id": object_id,
                "userPrincipalName": upn,
            }
            self._log_change(object_id, None)
            self.objects[object_id] = DirectoryObject(object_id, tenant_id, "user", props, created=self._seq)
            return object_id

    def add_org_contact(self, tenant_id: str, **properties: Any) -> str:
        unknown = set(properties) - ORG_CONTACT_PROPERTIES
        if unknown:
            raise ValueError(f"not orgContact properties: {sorted(unknown)}")
        with self._lock:
            object_id = self._new_id()
            props = {"phones": [], "addresses": [], **properties, "id": object_id}
            self._log_change(object_id, None)
            self.objects[object_id] = DirectoryObject(object_id, tenant_id, "orgContact", props, created=self._seq)
            return object_id

    def update(self, object_id: str, **properties: Any) -> None:
        """Change properties of a user or org contact (None clears one)."""
        with self._lock:
            record = self._live(object_id)
            allowed = USER_PROPERTIES if record.kind == "user" else ORG_CONTACT_PROPERTIES
            unknown = set(properties) - allowed - {"id"}
            if unknown or "id" in properties:
                raise ValueError(f"cannot set {sorted(unknown | ({'id'} & set(properties)))}")
            changed = frozenset(k for k, v in properties.items() if record.properties.get(k) != v)
            record.properties.update(properties)
            if changed:
                self._log_change(object_id, changed)

    def remove(self, object_id: str, *, permanently: bool = False) -> None:
        """Delete a user or org contact: soft (restorable; delta says ``reason: changed``) or permanently."""
        with self._lock:
            record = self.objects[object_id]
            record.deleted = "deleted" if permanently else "changed"
            for group in self.groups.values():
                if object_id in group.members:
                    group.members.remove(object_id)  # a deleted user leaves every group
            self._log_change(object_id, frozenset())

    def add_group(self, tenant_id: str, display_name: str) -> str:
        with self._lock:
            group_id = self._new_id()
            self.groups[group_id] = Group(group_id, tenant_id, display_name)
            return group_id

    def add_member(self, group_id: str, member_id: str) -> None:
        with self._lock:
            if member_id not in self.objects and member_id not in self.groups:
                raise KeyError(member_id)
            if member_id not in self.groups[group_id].members:
                self.groups[group_id].members.append(member_id)

    def remove_member(self, group_id: str, member_id: str) -> None:
        with self._lock:
            self.groups[group_id].members.remove(member_id)

    def expire_delta_links(self) -> None:
        with self._lock:
            self.generation += 1

    def _live(self, object_id: str) -> DirectoryObject:
        record = self.objects.get(object_id)
        if record is None or record.deleted:
            raise KeyError(object_id)
        return record

    # ----- Graph
    @staticmethod
    def handles(path: str) -> bool:
        """Whether a Graph path (below /v1.0) is a directory call served here."""
        parts = [p.lower() for p in path.strip("/").split("/")]
        return parts in (["users"], ["users", "delta"], ["users", "microsoft.graph.delta"], ["contacts"]) or (
            len(parts) >= 3 and parts[0] == "groups" and parts[2] == "transitivemembers"
        )

    def serve(self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str],
              principal: Principal) -> dict[str, Any]:  # fmt: skip
        """Answer one directory call. Raises GraphError."""
        parts = path.strip("/").split("/")
        lowered = [p.lower() for p in parts]
        if method != "GET":
            raise GraphError(405, "Request_BadRequest", "The directory objects served here are read-only.")
        if lowered[0] == "users":
            self._authorize(USERS_READ, principal)
            if len(parts) == 2:
                return self._user_delta(query, headers, principal)
            return self._list(path, query, principal, "user")
        if lowered[0] == "contacts":
            self._authorize(ORG_CONTACTS_READ, principal)
            return self._list(path, query, principal, "orgContact")
        self._authorize(MEMBERS_READ, principal)
        cast = lowered[3:]
        if cast not in ([], ["microsoft.graph.user"], ["microsoft.graph.orgcontact"]):
            raise _unsupported(f"Unsupported member type '{'/'.join(parts[3:])}'.")
        return self._members(path, parts[1], cast[0].split(".")[-1] if cast else None, query, principal)

    @staticmethod
    def _authorize(needed: Requirement, principal: Principal) -> None:
        if not needed.allows(principal.permissions, delegated=principal.delegated):
            raise _denied(needed, principal.delegated)

    # ----- rendering and query options
    def _select(self, query: Mapping[str, str], kind: str) -> tuple[str, ...] | None:
        raw = query.get("$select")
        if raw is None:
            return None
        names = tuple(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
        known = USER_PROPERTIES if kind == "user" else ORG_CONTACT_PROPERTIES
        for name in names:
            if name not in known:
                type_name = "User" if kind == "user" else "Contact"
                raise GraphError(
                    400,
                    "Request_BadRequest",
                    f"Could not find a property named '{name}' on type 'Microsoft.DirectoryServices.{type_name}'.",
                )
        return names

    @staticmethod
    def _render(record: DirectoryObject, select: Iterable[str] | None) -> dict[str, Any]:
        if select is None:
            names: Iterable[str] = USER_DEFAULT if record.kind == "user" else sorted(ORG_CONTACT_PROPERTIES)
        else:
            names = select
        body: dict[str, Any] = {"@odata.type": f"#microsoft.graph.{record.kind}", "id": record.id}
        for name in names:
            value = record.properties.get(name)
            body[name] = list(value) if isinstance(value, list) else value
        return body

    @staticmethod
    def _top(query: Mapping[str, str]) -> int:
        raw = query.get("$top")
        if raw is None:
            return DEFAULT_PAGE
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
            raise GraphError(400, "Request_BadRequest", f"Invalid page size specified: '{raw}'. Must be between "
                             f"1 and {MAX_PAGE} inclusive.")  # fmt: skip
        return int(raw)

    @staticmethod
    def _id_filter(query: Mapping[str, str]) -> frozenset[str] | None:
        raw = query.get("$filter")
        if raw is None:
            return None
        raw = raw.strip()
        if match := _ID_EQ.match(raw):
            return frozenset({match.group("value")})
        if match := _IDS_IN.match(raw):
            values = [v.strip() for v in match.group("values").split(",")]
            ids = [_QUOTED.match(v) for v in values]
            if not values or any(m is None for m in ids):
                raise _unsupported("Invalid filter clause.")
            if len(values) > MAX_IN_VALUES:
                raise _unsupported(f"Too many values in the 'in' clause: at most {MAX_IN_VALUES}.")
            return frozenset(m.group(1) for m in ids if m is not None)
        raise _unsupported()

    def _check_options(self, query: Mapping[str, str], allowed: set[str]) -> None:
        for name in query:
            if name.startswith("$") and name not in allowed:
                raise _unsupported(f"The query option '{name}' is not supported here.")

    def _page(self, path: str, query: Mapping[str, str], records: list[DirectoryObject],
              select: tuple[str, ...] | None) -> dict[str, Any]:  # fmt: skip
        top = self._top(query)
        start = 0
        if "$skiptoken" in query:
            token = _decode(query["$skiptoken"])
            if token.get("path") != path:
                raise _unsupported("The skip token does not belong to this request.")
            start = int(token.get("start", 0))
        # deleted objects keep their place in ``records`` and are left out here: a delete while a client pages
        # shifts no page (a page may come out shorter than $top, as Graph's may)
        page = [r for r in records[start : start + top] if not r.deleted]
        body: dict[str, Any] = {"@odata.context": f"{self._graph_url()}/$metadata#directoryObjects",
                                "value": [self._render(r, select) for r in page]}  # fmt: skip
        if start + top < len(records):
            params = {k: v for k, v in query.items() if k != "$skiptoken"}
            params["$skiptoken"] = _encode({"path": path, "start": start + top})
            body["@odata.nextLink"] = f"{self._graph_url()}{path}?{_query(params)}"
        return body

    def _list(self, path: str, query: Mapping[str, str], principal: Principal, kind: str) -> dict[str, Any]:
        self._check_options(query, {"$select", "$top", "$filter", "$skiptoken"})
        select = self._select(query, kind)
        wanted = self._id_filter(query)
        with self._lock:
            records = [
                r
                for r in self.objects.values()
                if r.kind == kind and r.tenant_id == principal.tenant_id and (wanted is None or r.id in wanted)
            ]  # fmt: skip
            return self._page(path, query, records, select)

    def _members(self, path: str, group_id: str, cast: str | None, query: Mapping[str, str],
                 principal: Principal) -> dict[str, Any]:  # fmt: skip
        self._check_options(query, {"$select", "$top", "$skiptoken"})
        with self._lock:
            group = self.groups.get(group_id)
            if group is None or group.tenant_id != principal.tenant_id:
                raise GraphError(404, "Request_ResourceNotFound",
                                 f"Resource '{group_id}' does not exist or one of its queried reference-property "
                                 "objects are not present.")  # fmt: skip
            found: dict[str, DirectoryObject] = {}
            seen: set[str] = set()
            todo = list(group.members)
            while todo:
                member = todo.pop(0)
                if member in seen:
                    continue
                seen.add(member)
                if member in self.groups:
                    todo.extend(self.groups[member].members)
                elif member in self.objects and not self.objects[member].deleted:
                    found[member] = self.objects[member]
            records = [r for r in found.values() if cast is None or r.kind.lower() == cast.lower()]
            select = self._select(query, records[0].kind if records and cast else "user") if cast else None
            if cast is None and "$select" in query:
                select = tuple(n.strip() for n in query["$select"].split(",") if n.strip())
                if set(select) - {"id"} - USER_PROPERTIES - ORG_CONTACT_PROPERTIES:
                    raise _unsupported("Unknown property in $select.")
            return self._page(path, query, records, select)

    def _user_delta(self, query: Mapping[str, str], headers: Mapping[str, str],
                    principal: Principal) -> dict[str, Any]:  # fmt: skip
        self._check_options(query, {"$select", "$filter", "$deltatoken", "$skiptoken"})
        page_size = self.delta_page
        prefer = re.search(r"odata\.maxpagesize\s*=\s*(\d+)", headers.get("prefer", ""))
        if prefer:
            page_size = max(1, min(int(prefer.group(1)), MAX_PAGE))
        with self._lock:
            if "$skiptoken" in query or "$deltatoken" in query:
                # later requests carry their options inside the token (user-delta: "already include the encoded,
                # desired parameters"); sending them again is not how the links are used
                if "$select" in query or "$filter" in query:
                    raise _unsupported("Query options are given in the first delta request only.")
                state = _decode(query.get("$skiptoken") or query["$deltatoken"])
                if state.get("generation") != self.generation or state.get("tenant") != principal.tenant_id:
                    raise GraphError(
                        410,
                        "SyncStateNotFound",
                        "The sync state generation is not found. Restart the sync from the beginning.",
                    )
                select = tuple(state["select"]) if state.get("select") is not None else None
                wanted = frozenset(state["ids"]) if state.get("ids") is not None else None
                since = int(state["since"]) if state.get("since") is not None else None
                if "$skiptoken" in query:  # the same round, next page: the round's end is fixed
                    start, upto = int(state.get("start", 0)), int(state["upto"])
                else:  # a new round: what changed since the last one ended
                    start, upto = 0, self._seq
            else:
                select = self._select(query, "user")
                wanted = self._id_filter(query)
                since, start, upto = None, 0, self._seq
            entries = self._delta_entries(principal.tenant_id, select, wanted, since, upto)
            page = [e for e in entries[start : start + page_size] if e]  # {}: deleted since the round began
            base = {"generation": self.generation, "tenant": principal.tenant_id, "upto": upto,
                    "select": list(select) if select is not None else None,
                    "ids": sorted(wanted) if wanted is not None else None}  # fmt: skip
            body: dict[str, Any] = {"@odata.context": f"{self._graph_url()}/$metadata#users", "value": page}
            if start + page_size < len(entries):
                skip = _encode({**base, "since": since, "start": start + page_size})
                body["@odata.nextLink"] = f"{self._graph_url()}/users/delta?$skiptoken={skip}"
            else:
                body["@odata.deltaLink"] = (
                    f"{self._graph_url()}/users/delta?$deltatoken={_encode({**base, 'since': upto})}"
                )
            return body

    def _delta_entries(self, tenant_id: str, select: tuple[str, ...] | None, wanted: frozenset[str] | None,
                       since: int | None, upto: int) -> list[dict[str, Any]]:  # fmt: skip
        """The round's entries, computed from the log up to ``upto`` (so paging sees a fixed round)."""

        def in_scope(record: DirectoryObject) -> bool:
            return record.kind == "user" and record.tenant_id == tenant_id and (wanted is None or record.id in wanted)

        if since is None:
            # who existed when the round began (``upto``), as they are now; a delete while the client pages leaves
            # a page short rather than shifting the next ones (the delete is in the next round anyway)
            rows = [r for r in self.objects.values() if in_scope(r) and r.created <= upto]
            return [self._render(r, select) if not r.deleted else {} for r in rows]
        changed: dict[str, frozenset[str] | None] = {}
        for change in self._log:
            if change.seq <= since or change.seq > upto:
                continue
            if change.object_id in changed and changed[change.object_id] is None:
                continue
            if change.properties is None:
                changed[change.object_id] = None
            else:
                changed[change.object_id] = (changed.get(change.object_id) or frozenset()) | change.properties
        entries: list[dict[str, Any]] = []
        for object_id, properties in changed.items():
            record = self.objects[object_id]
            if not in_scope(record):
                continue
            if record.deleted:
                entries.append({"id": record.id, "@removed": {"reason": record.deleted}})
                continue
            if properties is None:
                entries.append(self._render(record, select))
                continue
            names = set(select) if select is not None else set(USER_DEFAULT)
            shown = sorted(properties & names)
            if shown:  # a change to a property not selected is not tracked (delta overview, $select)
                entries.append(self._render(record, shown))
        return entries


def _encode(payload: Mapping[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(text: str) -> dict[str, Any]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise GraphError(400, "Request_BadRequest", "The token is not valid.") from exc
    if not isinstance(payload, dict):
        raise GraphError(400, "Request_BadRequest", "The token is not valid.")
    return payload


def _query(params: Mapping[str, str]) -> str:
    return urlencode(params, safe="$'(),:/", quote_via=quote)
