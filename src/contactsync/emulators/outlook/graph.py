"""Graph v1.0 for Outlook contacts: routing, OData query options, delta, master categories and $batch.

Every operation (a top-level request or one $batch member) goes through ``GraphService.execute``: count it,
find the mailbox, check the token may reach it, apply armed faults, take a throttling slot, wait the injected
latency, then run the handler under the state lock. Handlers raise GraphError; ``execute`` turns it
into a reply.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from itertools import islice
from random import Random
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from .errors import GraphError, bad_request
from .identity import Principal
from .limits import BATCH_WAVE, CONCURRENCY, Faults, MailboxLimiter
from .mailbox import (
    ALL_FIELDS,
    CATEGORY_COLORS,
    EXTENDED_PROPERTIES,
    ContactFolder,
    ContactRecord,
    Mailbox,
    etag_of,
    property_key,
    validate_contact_body,
)
from .permissions import denied_message, requirement

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
DEFAULT_TOP = 10
MAX_TOP = 1000
DEFAULT_DELTA_PAGE = 10
MAX_DELTA_PAGE = 1000
MAX_BATCH = 20
MAX_DELTA_SESSIONS = 10_000
KNOWN_QUERY_OPTIONS = frozenset(
    {"$select", "$top", "$skip", "$filter", "$count", "$expand", "$orderby", "$skiptoken", "$deltatoken"}
)
ORDERABLE_FIELDS = frozenset(
    {
        "displayName",
        "givenName",
        "surname",
        "companyName",
        "createdDateTime",
        "lastModifiedDateTime",
        "fileAs",
    }
)


Slot = bool | None


class RequestKind(Enum):
    """What a request was, for the emulator's counters (benchmarks count requests per kind)."""

    DISCOVERY = "discovery"
    TOKEN = "token"
    DEVICE_CODE = "device_code"
    USER = "user"
    LIST = "list"
    GET = "get"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    DELTA = "delta"
    FOLDERS = "folders"
    CATEGORIES = "categories"
    BATCH = "batch"  # a $batch envelope
    BATCH_MEMBER = "batch_member"  # one request inside a $batch (also counted under its own kind)
    DIRECTORY = "directory"  # an Entra ID directory read: users, users delta, group members, org contacts
    OTHER = "other"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # below /v1.0, starting with "/", percent-encoded as received
    query: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case names
    body: Any


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    user: str | None  # None means /me
    rest: tuple[str, ...]  # decoded segments after the user
    shape: tuple[str, ...]  # the same with ids replaced by "{}" and fixed names lower-cased

    def kind(self, method: str) -> RequestKind:
        shape = self.shape
        if not shape:
            return RequestKind.USER
        if shape[0] == "outlook":
            return RequestKind.CATEGORIES
        if shape[-1] == "delta":
            return RequestKind.DELTA
        if shape[-1] == "contacts":
            return RequestKind.CREATE if method == "POST" else RequestKind.LIST
        if len(shape) >= 2 and shape[-2] == "contacts":
            return {"GET": RequestKind.GET, "PATCH": RequestKind.UPDATE, "DELETE": RequestKind.DELETE}.get(
                method, RequestKind.OTHER
            )
        if shape[0] == "contactfolders":
            return RequestKind.FOLDERS
        return RequestKind.OTHER


_FIXED = {"contacts", "contactfolders", "childfolders", "delta", "outlook", "mastercategories"}


def parse_route(path: str) -> Route:
    raw = [unquote(s) for s in path.strip("/").split("/")]
    if not raw or not raw[0]:
        raise GraphError(400, "BadRequest", "Invalid request.")
    head = raw[0].lower()
    if head == "me":
        user, rest = None, raw[1:]
    elif head == "users" and len(raw) >= 2:
        user, rest = raw[1], raw[2:]
    else:
        raise GraphError(400, "BadRequest", f"Resource not found for the segment '{raw[0]}'.")
    # The segment after "contactFolders"/"childFolders" is always a folder id, even the well-known name "contacts".
    shape = tuple(
        s.lower()
        if s.lower() in _FIXED and (i == 0 or rest[i - 1].lower() not in ("contactfolders", "childfolders"))
        else "{}"
        for i, s in enumerate(rest)
    )
    return Route(user, tuple(rest), shape)


@dataclass(frozen=True)
class DeltaSession:
    """A delta round being paged: the ids to report and the watermark its deltaLink will carry."""

    mailbox_id: str
    folder_id: str
    ids: list[str]
    watermark: int
    select: frozenset[str] | None
    generation: int


class GraphService:
    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        graph_url: Callable[[], str],
        mailboxes: dict[str, Mailbox],
        upn_index: dict[str, str],
        lock: threading.RLock,
        faults: Faults,
        limiter: MailboxLimiter,
        counters: Counter[RequestKind],
        counters_lock: threading.Lock,
        rng: Random,
        replay_probability: float,
    ) -> None:
        self._now = now
        self._graph_url = graph_url
        self._mailboxes = mailboxes
        self._upn_index = upn_index
        self._lock = lock
        self._faults = faults
        self._limiter = limiter
        self._counters = counters
        self._counters_lock = counters_lock
        self._rng = rng
        self.replay_probability = replay_probability
        self.delta_generation = 0
        self._sessions: OrderedDict[str, DeltaSession] = OrderedDict()

    def count(self, kind: RequestKind) -> None:
        with self._counters_lock:
            self._counters[kind] += 1

    def error_reply(self, error: GraphError) -> Reply:
        headers = {"Content-Type": "application/json", **error.headers}
        return Reply(error.status, error.body(self._now(), secrets.token_hex(16)), headers)

    # ----- the pipeline
    def execute(self, op: Operation, principal: Principal, *, slot: Slot = None) -> tuple[Reply, bool]:
        """Run one operation; the flag says "drop the connection now" (the write was applied).

        ``slot`` is for a $batch member: True when its batch holds a concurrency slot for it, False when the batch
        found none free for it (429), None for a top-level request (it takes its own)."""
        try:
            route = parse_route(op.path)
        except GraphError as error:
            self.count(RequestKind.OTHER)
            return self.error_reply(error), False
        self.count(route.kind(op.method))
        try:
            with self._lock:
                mailbox = self._mailbox_for(route, principal)
            self._authorize(op.method, route, principal, mailbox)
            failure = self._faults.take_failure(op.method, "/v1.0" + op.path, graph_operation=True)
            if failure is not None:
                raise _injected_failure(failure)
            retry_after = self._faults.take_throttle()
            if retry_after is not None:
                raise _throttled(retry_after, "Application is over its MailboxConcurrency limit.")
            key = (principal.client_id, mailbox.id)
            if slot is False:
                self._limiter.refuse()
                raise _throttled(CONCURRENCY.retry_after, CONCURRENCY.message)
            verdict = self._limiter.enter(key, slot_held=slot is True)
            if verdict is not None:
                raise _throttled(verdict.retry_after, verdict.message)
            try:
                if self._faults.latency > 0:
                    time.sleep(self._faults.latency)
                with self._lock:
                    reply = self._dispatch(op, route, mailbox)
            finally:
                if slot is None:
                    self._limiter.leave(key)
        except GraphError as error:
            return self.error_reply(error), False
        dropped = op.method in WRITE_METHODS and reply.status < 300 and self._faults.take_drop()
        return reply, dropped

    def _mailbox_for(self, route: Route, principal: Principal) -> Mailbox:
        if route.user is None:
            if principal.user_id is None:
                raise GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.")
            return self._mailboxes[principal.user_id]
        mailbox_id = route.user if route.user in self._mailboxes else self._upn_index.get(route.user.lower())
        if mailbox_id is None:
            raise GraphError(404, "ErrorInvalidUser", f"The requested user '{route.user}' is invalid.")
        return self._mailboxes[mailbox_id]

    @staticmethod
    def _authorize(method: str, route: Route, principal: Principal, mailbox: Mailbox) -> None:
        denied = GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        if principal.tenant_id != mailbox.tenant_id:
            raise denied
        if principal.user_id is not None and principal.user_id != mailbox.id:
            raise denied
        # per call, the permission Microsoft's API reference names (see .permissions), from the token's roles/scp
        needed = requirement(route.shape, method)
        if not needed.allows(principal.permissions, delegated=principal.delegated):
            raise GraphError(403, "ErrorAccessDenied", denied_message(needed, delegated=principal.delegated))

    def _dispatch(self, op: Operation, route: Route, mailbox: Mailbox) -> Reply:
        shape, rest, method = route.shape, route.rest, op.method
        unknown = [name for name in op.query if name.startswith("$") and name not in KNOWN_QUERY_OPTIONS]
        if unknown:
            raise bad_request(f"Query option '{unknown[0]}' is not allowed.", "BadRequest")
        match shape:
            case ():
                self._only(method, "GET")
                return Reply(200, self._user(mailbox))
            case ("contacts",):
                return self._collection(op, mailbox, mailbox.default_folder_id)
            case ("contacts", "delta"):
                raise bad_request(
                    "Change tracking is supported per contact folder: use /contactFolders/{id}/contacts/delta"
                )
            case ("contacts", "{}"):
                return self._item(op, mailbox, rest[1], None)
            case ("contactfolders",):
                return self._folders(op, mailbox, mailbox.default_folder_id)
            case ("contactfolders", *folders, "childfolders") if _folder_path(folders):
                return self._folders(op, mailbox, self._nested(mailbox, rest[1:-1]).id)
            case ("contactfolders", *folders) if _folder_path(folders):
                return self._folder(op, mailbox, self._nested(mailbox, rest[1:]).id)
            case ("contactfolders", *folders, "contacts") if _folder_path(folders):
                return self._collection(op, mailbox, self._nested(mailbox, rest[1:-1]).id)
            case ("contactfolders", *folders, "contacts", "delta") if _folder_path(folders):
                self._only(method, "GET")
                return self._delta(op, mailbox, self._nested(mailbox, rest[1:-2]).id)
            case ("contactfolders", *folders, "contacts", "{}") if _folder_path(folders):
                return self._item(op, mailbox, rest[-1], self._nested(mailbox, rest[1:-2]).id)
            case ("outlook", "mastercategories"):
                return self._categories(op, mailbox)
            case ("outlook", "mastercategories", "{}"):
                return self._category(op, mailbox, rest[2])
        raise GraphError(400, "BadRequest", f"Resource not found for the segment '{rest[-1]}'.")

    @staticmethod
    def _only(method: str, *allowed: str) -> None:
        if method not in allowed:
            raise GraphError(405, "ErrorInvalidRequest", "The OData request is not supported.")

    def _context(self, mailbox: Mailbox, what: str) -> str:
        return f"{self._graph_url()}/$metadata#users('{mailbox.id}')/{what}"

    def _user(self, mailbox: Mailbox) -> dict[str, Any]:
        return {
            "@odata.context": f"{self._graph_url()}/$metadata#users/$entity",
            "id": mailbox.id,
            "userPrincipalName": mailbox.upn,
            "mail": mailbox.upn,
            "displayName": mailbox.upn.split("@")[0],
        }

    # ----- contacts
    def _collection(self, op: Operation, mailbox: Mailbox, folder_id: str) -> Reply:
        if op.method == "POST":
            changes, extended = validate_contact_body(op.body, creating=True)
            record = mailbox.create(changes, extended, folder_id, self._now())
            created = {"@odata.context": self._context(mailbox, "contacts/$entity"), **record.render()}
            return Reply(201, created, {"Location": f"{self._graph_url()}/users/{mailbox.id}/contacts/{record.id}"})
        self._only(op.method, "GET")
        query = op.query
        select = parse_select(query.get("$select"))
        expand = parse_expand(query.get("$expand"))
        predicate = parse_filter(query.get("$filter"))
        top = _int_option(query, "$top", DEFAULT_TOP, minimum=1)
        top = min(top, MAX_TOP)  # Outlook caps a page at 1000 rather than failing
        skip = _int_option(query, "$skip", 0, minimum=0)
        members = (mailbox.contacts[cid] for cid in mailbox.members[folder_id])
        order = query.get("$orderby")
        if predicate is not None or order:
            matching = [r for r in members if predicate is None or predicate(r)]
            if order:
                matching = _ordered(matching, order)
            total = len(matching)
            page = matching[skip : skip + top]
        else:
            total = len(mailbox.members[folder_id])
            ids = list(islice(mailbox.members[folder_id], skip, skip + top))
            page = [mailbox.contacts[cid] for cid in ids]
        body: dict[str, Any] = {"@odata.context": self._context(mailbox, "contacts")}
        if query.get("$count", "").lower() == "true":
            body["@odata.count"] = total
        body["value"] = [record.render(select, expand) for record in page]
        if skip + top < total:
            params = {**query, "$skip": str(skip + top)}
            body["@odata.nextLink"] = f"{self._graph_url()}{op.path}?{_encode_query(params)}"
        return Reply(200, body)

    def _item(self, op: Operation, mailbox: Mailbox, contact_id: str, folder_id: str | None) -> Reply:
        record = mailbox.contact(contact_id, folder_id)
        if op.method == "GET":
            select = parse_select(op.query.get("$select"))
            expand = parse_expand(op.query.get("$expand"))
            body = {
                "@odata.context": self._context(mailbox, "contacts/$entity"),
                **record.render(select, expand),
            }
            return Reply(200, body)
        self._only(op.method, "PATCH", "DELETE")
        _check_if_match(op.headers.get("if-match"), record)
        if op.method == "DELETE":
            mailbox.delete(contact_id, self._now())
            return Reply(204)
        changes, extended = validate_contact_body(op.body, creating=False)
        updated = mailbox.update(contact_id, changes, extended, self._now())
        return Reply(200, {"@odata.context": self._context(mailbox, "contacts/$entity"), **updated.render()})

    # ----- folders
    @staticmethod
    def _nested(mailbox: Mailbox, segments: tuple[str, ...]) -> ContactFolder:
        """``{id}`` or ``{id}/childFolders/{id}/…``: the last folder, each one inside the one before."""
        folder = mailbox.folder(segments[0])
        for child_id in segments[2::2]:
            child = mailbox.folder(child_id)
            if child.parent_id != folder.id:
                raise GraphError(404, "ErrorItemNotFound", "The specified folder could not be found in the store.")
            folder = child
        return folder

    def _folders(self, op: Operation, mailbox: Mailbox, parent_id: str) -> Reply:
        """``/contactFolders`` (the folders inside the default Contacts folder, not the default itself: see
        user-list-contactfolders) or ``/contactFolders/{id}/childFolders`` (contactfolder-list-childfolders)."""
        if op.method == "POST":
            name = op.body.get("displayName") if isinstance(op.body, dict) else None
            if not isinstance(name, str) or not name:
                raise bad_request("The displayName of a contact folder is required.", "ErrorInvalidArgument")
            return Reply(201, mailbox.create_folder(name, parent_id).render())
        self._only(op.method, "GET")
        folders = [f.render() for f in mailbox.children(parent_id)]
        predicate = op.query.get("$filter")
        if predicate is not None:
            match = re.fullmatch(r"displayName eq '((?:[^']|'')*)'", predicate.strip())
            if match is None:
                raise _bad_filter()
            wanted = _unquote_literal(match.group(1)).casefold()
            folders = [f for f in folders if str(f["displayName"]).casefold() == wanted]
        return Reply(200, {"@odata.context": self._context(mailbox, "contactFolders"), "value": folders})

    def _folder(self, op: Operation, mailbox: Mailbox, folder_id: str) -> Reply:
        folder = mailbox.folder(folder_id)
        if op.method == "DELETE":
            mailbox.delete_folder(folder.id, self._now())
            return Reply(204)
        self._only(op.method, "GET")
        return Reply(200, folder.render())

    # ----- master categories
    def _categories(self, op: Operation, mailbox: Mailbox) -> Reply:
        if op.method == "POST":
            body = op.body if isinstance(op.body, dict) else {}
            _reject_unknown(body, {"displayName", "color", "id"}, "outlookCategory")
            name, color = body.get("displayName"), body.get("color", "none")
            if not isinstance(name, str) or not name.strip():
                raise bad_request("The displayName of a category is required.", "ErrorInvalidArgument")
            _check_color(color)
            return Reply(201, mailbox.create_category(name, color).render())
        self._only(op.method, "GET")
        values = [c.render() for c in mailbox.categories.values()]
        return Reply(200, {"@odata.context": self._context(mailbox, "outlook/masterCategories"), "value": values})

    def _category(self, op: Operation, mailbox: Mailbox, category_id: str) -> Reply:
        category = mailbox.category(category_id)
        if op.method == "DELETE":
            del mailbox.categories[category.id]
            return Reply(204)
        if op.method == "PATCH":
            body = op.body if isinstance(op.body, dict) else {}
            _reject_unknown(body, {"displayName", "color", "id"}, "outlookCategory")
            if "displayName" in body and body["displayName"] != category.display_name:
                raise bad_request("The displayName of a category cannot be changed once it is created.")
            color = body.get("color", category.color)
            _check_color(color)
            updated = type(category)(category.id, category.display_name, color)
            mailbox.categories[category.id] = updated
            return Reply(200, updated.render())
        self._only(op.method, "GET")
        return Reply(200, category.render())

    # ----- delta
    def _delta(self, op: Operation, mailbox: Mailbox, folder_id: str) -> Reply:
        page_size, applied = _page_size(op.headers.get("prefer"))
        if "$skiptoken" in op.query:
            key, position = self._decode_skiptoken(op.query["$skiptoken"])
            session = self._sessions.get(key)
            if session is None or session.generation != self.delta_generation:
                raise _sync_state_gone()
        else:
            if "$deltatoken" in op.query:
                token = _decode_token(op.query["$deltatoken"])
                if token.get("g") != self.delta_generation:
                    raise _sync_state_gone()
                if token.get("m") != mailbox.id or token.get("f") != folder_id:
                    raise _invalid_sync_state()
                select = frozenset(token["s"]) if token.get("s") is not None else None
                ids = mailbox.logs[folder_id].changed_since(int(token["w"]))
            else:
                select = parse_select(op.query.get("$select"))
                ids = list(mailbox.members[folder_id])
            session = DeltaSession(mailbox.id, folder_id, ids, mailbox.sequence, select, self.delta_generation)
            key, position = secrets.token_urlsafe(12), 0
            self._sessions[key] = session
            while len(self._sessions) > MAX_DELTA_SESSIONS:
                self._sessions.popitem(last=False)
        if session.mailbox_id != mailbox.id or session.folder_id != folder_id:
            raise _invalid_sync_state()
        chunk = session.ids[position : position + page_size]
        values = [self._delta_item(mailbox, folder_id, cid, session.select) for cid in chunk]
        values = [v for v in values if v is not None]
        values.extend(self._replays(mailbox, folder_id, session.select, len(values)))
        folder_path = f"users/{mailbox.id}/contactFolders/{quote(folder_id, safe='=')}"
        base = f"{self._graph_url()}/{folder_path}/contacts/delta"
        body: dict[str, Any] = {
            "@odata.context": f"{self._graph_url()}/$metadata#Collection(contact)",
            "value": values,
        }
        if position + page_size < len(session.ids):
            skiptoken = _encode_token({"k": key, "p": position + page_size})
            body["@odata.nextLink"] = f"{base}?$skiptoken={skiptoken}"
        else:
            self._sessions.pop(key, None)
            token = {"m": mailbox.id, "f": folder_id, "w": session.watermark,
                     "s": sorted(session.select) if session.select is not None else None,
                     "g": session.generation, "n": secrets.token_hex(4)}  # fmt: skip
            body["@odata.deltaLink"] = f"{base}?$deltatoken={_encode_token(token)}"
        headers = {"Preference-Applied": f"odata.maxpagesize={page_size}"} if applied else {}
        return Reply(200, body, headers)

    def _delta_item(
        self, mailbox: Mailbox, folder_id: str, contact_id: str, select: frozenset[str] | None
    ) -> dict[str, Any] | None:
        record = mailbox.contacts.get(contact_id)
        if record is not None and record.folder_id == folder_id:
            return {"@odata.type": "#microsoft.graph.contact", **record.render(select)}
        return {
            "@odata.type": "#microsoft.graph.contact",
            "id": contact_id,
            "@removed": {"reason": "deleted"},
        }

    def _replays(
        self, mailbox: Mailbox, folder_id: str, select: frozenset[str] | None, count: int
    ) -> list[dict[str, Any]]:
        """Entries Graph may send again (documented: "replays and duplicates can occur")."""
        if self.replay_probability <= 0 or not mailbox.members[folder_id]:
            return []
        replays = []
        for _ in range(count):
            if self._rng.random() < self.replay_probability:
                members = mailbox.members[folder_id]
                # Walks up to the position (O(N)); fine because replays are rare by construction.
                position = self._rng.randrange(len(members))
                contact_id = next(islice(members, position, None))
                replays.append(
                    {"@odata.type": "#microsoft.graph.contact", **mailbox.contacts[contact_id].render(select)}
                )
        return replays

    @staticmethod
    def _decode_skiptoken(skiptoken: str) -> tuple[str, int]:
        token = _decode_token(skiptoken)
        try:
            return str(token["k"]), int(token["p"])
        except (KeyError, TypeError, ValueError) as exc:
            raise _invalid_sync_state() from exc

    # ----- $batch
    def batch(self, body: Any, principal: Principal) -> tuple[Reply, bool]:
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list) or not requests:
            raise GraphError(400, "BadRequest", "Invalid batch payload format.")
        if len(requests) > MAX_BATCH:
            raise GraphError(400, "BadRequest", f"The number of batch requests exceeds the maximum of {MAX_BATCH}.")
        members = _validate_batch(requests)
        responses: list[dict[str, Any]] = []
        statuses: dict[str, int] = {}
        # Graph runs up to 4 independent members at once: the batch holds that many of the app's slots, and the
        # members of the first wave that find no free slot answer 429 (see limits.py)
        independent = sum(1 for m in members if not m.get("dependsOn"))
        wave = min(BATCH_WAVE, max(1, independent))
        held = self._limiter.reserve(principal.client_id, wave)
        try:
            return self._run_batch(members, principal, held, wave, responses, statuses)
        finally:
            self._limiter.release(principal.client_id, held)

    def _run_batch(
        self,
        members: list[dict[str, Any]],
        principal: Principal,
        held: int,
        wave: int,
        responses: list[dict[str, Any]],
        statuses: dict[str, int],
    ) -> tuple[Reply, bool]:
        for position, member in enumerate(_in_dependency_order(members)):
            self.count(RequestKind.BATCH_MEMBER)
            failed = [d for d in member.get("dependsOn", []) if not 200 <= statuses[d] < 300]
            if failed:
                self.count(RequestKind.OTHER)
                reply = self.error_reply(
                    GraphError(424, "FailedDependency", f"The request depends on '{failed[0]}', which failed.")
                )
                dropped = False
            else:
                has_slot = held > 0 and (position >= wave or position < held)
                reply, dropped = self._member(member, principal, has_slot)
            statuses[member["id"]] = reply.status
            entry: dict[str, Any] = {
                "id": member["id"],
                "status": reply.status,
                "headers": dict(reply.headers),
            }
            if reply.body is not None:
                entry["headers"].setdefault("Content-Type", "application/json")
                entry["body"] = reply.body
            responses.append(entry)
            if dropped:
                return Reply(200, None), True
        return Reply(200, {"responses": responses}), False

    def _member(self, member: Mapping[str, Any], principal: Principal, has_slot: bool) -> tuple[Reply, bool]:
        url = str(member["url"])
        if "://" in url:
            self.count(RequestKind.OTHER)
            return self.error_reply(GraphError(400, "BadRequest", "Invalid request URL: must be relative.")), False
        parts = urlsplit("/" + url.lstrip("/"))
        path = parts.path[len("/v1.0") :] if parts.path.lower().startswith("/v1.0/") else parts.path
        headers = {str(k).lower(): str(v) for k, v in (member.get("headers") or {}).items()}
        op = Operation(str(member["method"]).upper(), path, dict(parse_qsl(parts.query)), headers, member.get("body"))
        return self.execute(op, principal, slot=has_slot)

    # ----- control helpers (called by the emulator under the lock)
    def expire_delta_links(self) -> None:
        self.delta_generation += 1
        self._sessions.clear()


def _folder_path(segments: list[str]) -> bool:
    """``{}`` or ``{}/childfolders/{}/…``: a folder addressed directly or through its parents."""
    return len(segments) % 2 == 1 and all(s == ("{}" if i % 2 == 0 else "childfolders") for i, s in enumerate(segments))


def _validate_batch(requests: list[Any]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for member in requests:
        if not isinstance(member, dict) or not all(member.get(k) for k in ("id", "method", "url")):
            raise GraphError(400, "BadRequest", "Invalid batch payload format: each request needs id, method, url.")
        if member["id"] in seen:
            raise GraphError(400, "BadRequest", f"Batch request ids must be unique: '{member['id']}' is repeated.")
        seen.add(member["id"])
        headers = {str(k).lower() for k in (member.get("headers") or {})}
        if member.get("body") is not None and "content-type" not in headers:
            raise GraphError(400, "BadRequest", "Invalid batch payload format: Content-Type header must be "
                             "specified for a request with a body.")  # fmt: skip
    for member in requests:
        depends = member.get("dependsOn", [])
        if not isinstance(depends, list) or any(d not in seen or d == member["id"] for d in depends):
            raise GraphError(400, "BadRequest", f"Request '{member['id']}' depends on an unknown request id.")
    _fully_sequential_or_parallel(requests)
    return requests


def _fully_sequential_or_parallel(requests: list[dict[str, Any]]) -> None:
    """Graph runs a batch either fully in parallel (no member names ``dependsOn``) or fully in sequence (one chain:
    every member but the first depends on exactly one other, and no two on the same one); anything else is refused.

    Microsoft's answer to "Regarding batching response order" (learn.microsoft.com/answers/questions/1532547):
    "Batch should be either fully sequential or fully parallel", the message Graph answers a mixed batch with; the
    known issues behind Microsoft's own SDK (BatchRequestContent.validateDependencies) also allow "all depend on
    the same one", which is not modelled: the stricter reading."""
    depends = [list(m.get("dependsOn") or []) for m in requests]
    if not any(depends):
        return
    heads = [d for d in depends if not d]
    targets = [d[0] for d in depends if len(d) == 1]
    chain = len(heads) == 1 and len(targets) == len(requests) - 1 and len(set(targets)) == len(targets)
    if not chain:
        raise GraphError(400, "BadRequest", "Batch should be either fully sequential or fully parallel.")


def _in_dependency_order(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    done: set[str] = set()
    ordered: list[dict[str, Any]] = []
    pending = list(members)
    while pending:
        ready = [m for m in pending if all(d in done for d in m.get("dependsOn", []))]
        if not ready:
            raise GraphError(400, "BadRequest", "The dependsOn graph of the batch has a cycle.")
        for member in ready:
            ordered.append(member)
            done.add(member["id"])
            pending.remove(member)
    return ordered


# ----- query options
def parse_select(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    names = frozenset(n.strip() for n in value.split(",") if n.strip())
    for name in names:
        if name not in ALL_FIELDS:
            raise GraphError(
                400,
                "RequestBroker--ParseUri",
                f"Could not find a property named '{name}' on type 'microsoft.graph.contact'.",
            )
    return names


_EXPAND = re.compile(rf"^{EXTENDED_PROPERTIES}(\(\$filter=(?P<filter>.*)\))?$", re.IGNORECASE)
_ID_EQ = re.compile(r"^id eq '((?:[^']|'')*)'$", re.IGNORECASE)


def parse_expand(value: str | None) -> frozenset[str] | None:
    """The extended property keys to expand (see ``property_key``); empty means all; None means no $expand.

    Documented form: ``$expand=singleValueExtendedProperties($filter=id eq '{id}')`` (extended-properties
    overview and singlevaluelegacyextendedproperty-get); several ids joined by ``or`` are accepted too."""
    if value is None:
        return None
    match = _EXPAND.match(value.strip())
    if not match:
        raise bad_request(f"Parsing OData Select and Expand failed: cannot expand '{value}'.", "BadRequest")
    if not match.group("filter"):
        return frozenset()
    ids = set()
    for clause in _split_top_level(match.group("filter"), " or "):
        id_match = _ID_EQ.match(clause.strip())
        if not id_match:
            raise _bad_filter()
        key = property_key(_unquote_literal(id_match.group(1)))
        if key is None:
            raise _bad_filter()
        ids.add(key)
    return frozenset(ids)


Predicate = Callable[[ContactRecord], bool]
_ANY = re.compile(r"^(\w+)/any\((\w+)\s*:\s*(.+)\)$", re.IGNORECASE)
_EQ = re.compile(r"^([\w/]+) eq '((?:[^']|'')*)'$", re.IGNORECASE)
_STARTSWITH = re.compile(r"^startswith\((\w+),\s*'((?:[^']|'')*)'\)$", re.IGNORECASE)


def parse_filter(value: str | None) -> Predicate | None:
    """The small part of OData $filter that Outlook contacts clients use; anything else is a 400."""
    if value is None:
        return None
    predicates = [_clause(c.strip()) for c in _split_top_level(value.strip(), " and ")]
    return lambda record: all(p(record) for p in predicates)


def _clause(clause: str) -> Predicate:
    if clause.startswith("(") and clause.endswith(")"):
        return parse_filter(clause[1:-1]) or (lambda record: True)
    any_match = _ANY.match(clause)
    if any_match:
        collection, variable, inner = any_match.groups()
        return _any_clause(collection, variable, inner)
    eq = _EQ.match(clause)
    if eq and eq.group(1) in ALL_FIELDS:
        name, wanted = eq.group(1), _unquote_literal(eq.group(2)).casefold()
        return lambda record: str(record.render(frozenset({name})).get(name) or "").casefold() == wanted
    starts = _STARTSWITH.match(clause)
    if starts and starts.group(1) in ALL_FIELDS:
        name, prefix = starts.group(1), _unquote_literal(starts.group(2)).casefold()
        return lambda record: str(record.render(frozenset({name})).get(name) or "").casefold().startswith(prefix)
    raise _bad_filter()


def _any_clause(collection: str, variable: str, inner: str) -> Predicate:
    conditions: dict[str, str] = {}
    for part in _split_top_level(inner, " and "):
        match = _EQ.match(part.strip())
        if not match:
            raise _bad_filter()
        conditions[match.group(1).lower()] = _unquote_literal(match.group(2))
    variable = variable.lower()
    match collection.lower(), sorted(conditions):
        case "categories", [name] if name == variable:
            wanted = conditions[variable].casefold()
            return lambda record: any(c.casefold() == wanted for c in record.fields.get("categories", []))
        case "emailaddresses", [name] if name == f"{variable}/address":
            address = conditions[name].casefold()
            return lambda record: any(
                str(e.get("address", "")).casefold() == address for e in record.fields.get("emailAddresses", [])
            )
        case "singlevalueextendedproperties", [id_key, value_key] if (id_key, value_key) == (
            f"{variable}/id",
            f"{variable}/value",
        ):
            # the only documented filter on extended properties pairs the id with a value test
            # (singlevaluelegacyextendedproperty-get, "Get resource instances using a filter on the value of an
            # extended property"); an id-only any() is not documented and real Graph refuses or ignores it
            property_id = property_key(conditions[id_key])
            expected = conditions[value_key]

            def has_property(record: ContactRecord) -> bool:
                found = record.extended.get(property_id or "")
                return found is not None and found[1] == expected

            return has_property
    raise _bad_filter()


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split on a keyword outside parentheses and quotes (OData escapes a quote by doubling it)."""
    parts, depth, quoted, start, i = [], 0, False, 0, 0
    lowered = text.lower()
    while i < len(text):
        char = text[i]
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and lowered.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _unquote_literal(text: str) -> str:
    return text.replace("''", "'")


def _bad_filter() -> GraphError:
    return GraphError(400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.")


def _ordered(records: list[ContactRecord], order: str) -> list[ContactRecord]:
    name, _, direction = order.strip().partition(" ")
    if name not in ORDERABLE_FIELDS or direction.lower() not in ("", "asc", "desc"):
        raise bad_request(f"The $orderby '{order}' is not supported.", "ErrorInvalidUrlQuery")
    return sorted(
        records,
        key=lambda r: str(r.render(frozenset({name})).get(name) or "").casefold(),
        reverse=direction.lower() == "desc",
    )


def _int_option(query: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise bad_request(f"Invalid value '{raw}' for query option '{name}'.", "BadRequest") from exc
    if value < minimum:
        raise bad_request(f"Invalid value '{raw}' for query option '{name}'.", "BadRequest")
    return value


def _encode_query(params: Mapping[str, str]) -> str:
    return urlencode(params, safe="$'(),:/", quote_via=quote)


def _page_size(prefer: str | None) -> tuple[int, bool]:
    match = re.search(r"odata\.maxpagesize\s*=\s*(\d+)", prefer or "")
    if not match:
        return DEFAULT_DELTA_PAGE, False
    return max(1, min(int(match.group(1)), MAX_DELTA_PAGE)), True


def _encode_token(payload: Mapping[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_token(text: str) -> dict[str, Any]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise _invalid_sync_state() from exc
    if not isinstance(payload, dict):
        raise _invalid_sync_state()
    return payload


def _sync_state_gone() -> GraphError:
    return GraphError(
        410,
        "SyncStateNotFound",
        "The sync state generation is not found. Restart the sync from the beginning.",
    )


def _invalid_sync_state() -> GraphError:
    return GraphError(400, "ErrorInvalidSyncStateData", "The sync state data is corrupt or otherwise invalid.")


def _check_if_match(if_match: str | None, record: ContactRecord) -> None:
    if if_match is None or if_match.strip() == "*":
        return
    current = etag_of(record.change_key)
    sent = if_match.strip()
    if sent not in (current, f'"{record.change_key}"', record.change_key):
        raise GraphError(
            412,
            "ErrorIrresolvableConflict",
            "The send or update operation could not be performed because the change key passed in the "
            "request does not match the current change key for the item.",
        )


def _reject_unknown(body: Mapping[str, Any], allowed: set[str], type_name: str) -> None:
    for name in body:
        if name not in allowed and not name.startswith("@odata."):
            raise GraphError(
                400,
                "RequestBodyRead",
                f"The property '{name}' does not exist on type 'microsoft.graph.{type_name}'.",
            )


def _check_color(color: Any) -> None:
    if color not in CATEGORY_COLORS:
        raise GraphError(
            400,
            "RequestBodyRead",
            f"Requested value '{color}' was not found in type 'microsoft.graph.categoryColor'.",
        )


def _throttled(retry_after: int, message: str) -> GraphError:
    return GraphError(429, "ApplicationThrottled", message, headers={"Retry-After": str(retry_after)})


_FAILURE_CODES = {
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}


def _injected_failure(status: int) -> GraphError:
    code = _FAILURE_CODES.get(status, "UnknownError")
    return GraphError(status, code, "The service is temporarily unavailable (injected by the emulator).")
