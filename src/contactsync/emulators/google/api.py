"""The People API methods: parameters and bodies in, Google-shaped JSON out, state kept in ``UserStore``.

Each handler gets a ``Call`` (one authenticated request for one user) and returns the response body; every
refusal is an ``ApiError``. Batch methods validate every item before changing anything, so a refused batch
leaves no trace, as with Google's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .errors import ApiError, expired_sync_token, failed_precondition, invalid_argument
from .fields import READABLE_FIELDS, WRITABLE_FIELDS, JsonDict, check_person_body, parse_mask
from .store import DEFAULT_READ_SOURCES, PersonSort, ReadSource, StoredGroup, UserStore
from .tokens import Listing, TokenCodec, TokenKind, TokenState, params_hash

if TYPE_CHECKING:
    from .workspace import Workspace

MAX_PAGE_SIZE = 1000
DEFAULT_CONNECTIONS_PAGE_SIZE = 100
DEFAULT_GROUPS_PAGE_SIZE = 30
MAX_BATCH_GET = 200
MAX_BATCH_CREATE = 200
MAX_BATCH_UPDATE = 200
MAX_BATCH_DELETE = 500
MAX_GROUP_BATCH_GET = 200
MAX_MEMBERS_MODIFY = 1000

GROUP_FIELDS = frozenset({"clientData", "groupType", "memberCount", "metadata", "name"})
DEFAULT_GROUP_FIELDS = "metadata,groupType,memberCount,name"
DEFAULT_GROUP_READ_FIELDS = "metadata,groupType,name"
UPDATABLE_GROUP_FIELDS = frozenset({"name", "clientData"})
ALL_PERSON_FIELDS = ",".join(sorted(READABLE_FIELDS))


@dataclass(frozen=True)
class TokenPolicy:
    codec: TokenCodec
    #: counted from the full sync that started a chain of tokens, not from the last token issued
    ttl: timedelta
    generation: int
    #: how long a write takes to reach sync requests (those with requestSyncToken or syncToken): "Writes may
    #: have a propagation delay of several minutes for sync requests. Incremental syncs are not intended for
    #: read-after-write use cases" (people.connections.list reference). Other reads see a write at once.
    propagation: timedelta = timedelta()


@dataclass(frozen=True)
class Call:
    store: UserStore
    query: Mapping[str, list[str]]
    body: bytes
    resource_name: str | None
    now: datetime
    tokens: TokenPolicy
    #: a person written less than this long ago refuses its fresh etag as stale (Google's etag lag)
    etag_lag: timedelta = timedelta()
    #: contacts the user may hold; a create beyond it is refused
    max_contacts: int = 25_000
    #: the Workspace domains' directories (people.listDirectoryPeople)
    workspace: Workspace | None = None

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def params(self, name: str) -> list[str]:
        # Repeated parameters may also arrive comma-separated.
        return [part for value in self.query.get(name, []) for part in value.split(",") if part]

    def flag(self, name: str) -> bool:
        return (self.param(name) or "false").lower() == "true"

    def int_param(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.param(name)
        if raw is None or raw in {"", "0"}:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise invalid_argument(f"Invalid value at '{_snake(name)}' (TYPE_INT32), \"{raw}\"") from None
        if not low <= value <= high:
            raise invalid_argument(f"{name} must be between {low} and {high}, was {value}.")
        return value

    def json(self) -> JsonDict:
        if not self.body.strip():
            return {}
        try:
            value = json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise invalid_argument("Invalid JSON payload received.") from None
        if not isinstance(value, dict):
            raise invalid_argument("Invalid JSON payload received. Expected an object.")
        return value

    def sources(self, body: JsonDict | None = None) -> frozenset[ReadSource]:
        """The ``sources`` of the query (or of a batch body); Google's default when none is named."""
        raw: object = body.get("sources") if body is not None else self.params("sources")
        if raw in (None, []):
            return DEFAULT_READ_SOURCES
        if not isinstance(raw, list):
            raise invalid_argument("Invalid value at 'sources', expected a list.")
        out: set[ReadSource] = set()
        for index, value in enumerate(raw):
            try:
                out.add(ReadSource(value))
            except ValueError:
                raise invalid_argument(
                    f"Invalid value at 'sources[{index}]' (type.googleapis.com/google.people.v1.ReadSourceType), "
                    f'"{value}"'
                ) from None
        return frozenset(out)

    def person_mask(self, name: str, *, required: bool, default: str | None = None) -> list[str]:
        raw = self.param(name) or self.param("requestMask.includeField") or default
        return parse_mask(raw, allowed=READABLE_FIELDS, parameter=name, required=required)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def is_full_sync_first_page(query: Mapping[str, list[str]]) -> bool:
    return not query.get("pageToken") and not query.get("syncToken")


# -------------------------------------------------------------------------------------------- listings


def list_connections(call: Call) -> JsonDict:
    if call.resource_name != "people/me":
        raise invalid_argument("Only people/me is supported for listing connections.")
    mask = call.person_mask("personFields", required=True)
    size = call.int_param("pageSize", DEFAULT_CONNECTIONS_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    try:
        sort = PersonSort(call.param("sortOrder") or PersonSort.LAST_MODIFIED_ASCENDING.value)
    except ValueError:
        raise invalid_argument(f"Invalid value at 'sort_order', \"{call.param('sortOrder')}\"") from None
    sources = call.sources()
    want_sync = call.flag("requestSyncToken")
    sync_token = call.param("syncToken") or ""
    # What a sync token must be used with; a page token also pins requestSyncToken and the sync token.
    base_params = params_hash("connections", sorted(mask), sort.value, sorted(call.params("sources")))
    page_params = params_hash(base_params, want_sync, sync_token)
    store = call.store

    # A sync request sees the writes older than the propagation delay only; its token starts after them, so
    # the later ones are listed by the next incremental listing, once they have propagated.
    sync_request = want_sync or bool(sync_token)
    horizon = store.visible_seq(call.now - call.tokens.propagation) if sync_request else store.seq
    page_token = call.param("pageToken")
    if page_token:
        state = _open_page_token(call, page_token, Listing.CONNECTIONS, page_params)
        since, snapshot, cursor, total = state.since, state.snapshot, state.cursor, state.total
        chain = state.chain_start
    elif sync_token:
        opened = _open_sync_token(call, sync_token, Listing.CONNECTIONS, base_params)
        since, chain = opened.since, opened.chain_start
        snapshot = max(since, horizon)
        cursor = since
        total = store.count_changes(since, snapshot)
    else:
        since, snapshot, cursor, total = -1, horizon, -1, store.live_count
        chain = call.now.timestamp()  # a full sync: the tokens that follow from it expire counting from now

    full = since < 0
    page = store.full_page(sort, cursor, size) if full else store.changes_page(since, snapshot, cursor, size)
    # persons created after the snapshot have not propagated yet (those updated since show their latest
    # version, and show again in the next incremental listing)
    items = [person for person in page.items if person.created_seq <= snapshot] if full else page.items
    response: JsonDict = {}
    if items:
        response["connections"] = [
            store.render_person(person, mask, sync=not full, sources=sources) for person in items
        ]
    if page.next_cursor is not None:
        response["nextPageToken"] = _seal(
            call, TokenKind.PAGE, Listing.CONNECTIONS, page_params, since, page.next_cursor, snapshot, total, chain
        )
    elif want_sync:
        response["nextSyncToken"] = _seal(
            call, TokenKind.SYNC, Listing.CONNECTIONS, base_params, snapshot, snapshot, snapshot, 0, chain
        )
    response["totalPeople"] = total
    response["totalItems"] = total
    return response


def list_groups(call: Call) -> JsonDict:
    mask = _group_mask(call.param("groupFields"), DEFAULT_GROUP_FIELDS)
    size = call.int_param("pageSize", DEFAULT_GROUPS_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    sync_token = call.param("syncToken") or ""
    base_params = params_hash("groups", sorted(mask))
    page_params = params_hash(base_params, sync_token)
    store = call.store
    page_token = call.param("pageToken")
    if page_token:
        state = _open_page_token(call, page_token, Listing.GROUPS, page_params)
        since, snapshot, offset, chain = state.since, state.snapshot, state.cursor, state.chain_start
    elif sync_token:
        opened = _open_sync_token(call, sync_token, Listing.GROUPS, base_params)
        since, snapshot, offset, chain = opened.since, store.seq, 0, opened.chain_start
    else:
        since, snapshot, offset, chain = -1, store.seq, 0, call.now.timestamp()
    if since < 0:
        groups = store.live_groups()
    else:
        groups = [group for group in store.groups_changed_since(since) if group.seq <= snapshot]
    chunk = groups[offset : offset + size]
    response: JsonDict = {}
    if chunk:
        response["contactGroups"] = [store.render_group(group, mask) for group in chunk]
    response["totalItems"] = len(groups)
    if offset + size < len(groups):
        response["nextPageToken"] = _seal(
            call, TokenKind.PAGE, Listing.GROUPS, page_params, since, offset + size, snapshot, len(groups), chain
        )
    else:
        response["nextSyncToken"] = _seal(
            call, TokenKind.SYNC, Listing.GROUPS, base_params, snapshot, snapshot, snapshot, 0, chain
        )
    return response


def _seal(
    call: Call,
    kind: TokenKind,
    listing: Listing,
    params: str,
    since: int,
    cursor: int,
    snapshot: int,
    total: int,
    chain_start: float,
) -> str:
    state = TokenState(
        kind=kind,
        listing=listing,
        user=call.store.user,
        params=params,
        since=since,
        cursor=cursor,
        snapshot=snapshot,
        total=total,
        generation=call.tokens.generation,
        issued=call.now.timestamp(),
        chain_start=chain_start,
    )
    return call.tokens.codec.seal(state)


def _open_page_token(call: Call, token: str, listing: Listing, params: str) -> TokenState:
    state = call.tokens.codec.open(token, TokenKind.PAGE, "Page token")
    if state.user != call.store.user or state.listing is not listing:
        raise invalid_argument("Page token is invalid.")
    if state.params != params:
        raise invalid_argument(
            "Parameters provided in the request do not match the parameters of the request that "
            "provided the page token."
        )
    return state


def _open_sync_token(call: Call, token: str, listing: Listing, params: str) -> TokenState:
    state = call.tokens.codec.open(token, TokenKind.SYNC, "Sync token")
    if state.user != call.store.user or state.listing is not listing:
        raise invalid_argument("Sync token is invalid.")
    if state.params != params:
        raise invalid_argument(
            "Parameters provided in the request do not match the parameters of the request that "
            "provided the sync token."
        )
    if state.generation != call.tokens.generation or call.now - state.chain_started_at() > call.tokens.ttl:
        raise expired_sync_token()
    return state


# --------------------------------------------------------------------------------------------- persons


def get_person(call: Call) -> JsonDict:
    mask = call.person_mask("personFields", required=True)
    assert call.resource_name is not None
    if call.resource_name == "people/me":
        return _own_profile(call, mask)
    return call.store.render_person(call.store.live_person(call.resource_name), mask, sources=call.sources())


def _own_profile(call: Call, mask: list[str]) -> JsonDict:
    profile: JsonDict = {"resourceName": "people/me", "etag": "%profile"}
    if "emailAddresses" in mask:
        profile["emailAddresses"] = [{"metadata": {"primary": True}, "value": call.store.user}]
    return profile


def batch_get_people(call: Call) -> JsonDict:
    mask = call.person_mask("personFields", required=True)
    names = call.params("resourceNames")
    sources = call.sources()
    if not names:
        raise invalid_argument("resourceNames must not be empty.")
    if len(names) > MAX_BATCH_GET:
        raise invalid_argument(f"A maximum of {MAX_BATCH_GET} resource names can be requested at once.")
    responses = []
    for name in names:
        try:
            if name == "people/me":
                person = _own_profile(call, mask)
            else:
                person = call.store.render_person(call.store.live_person(name), mask, sources=sources)
        except ApiError as error:
            responses.append({"httpStatusCode": error.code, "requestedResourceName": name, "status": error.to_status()})
        else:
            responses.append({"httpStatusCode": 200, "person": person, "requestedResourceName": name, "status": {}})
    return {"responses": responses}


def create_contact(call: Call) -> JsonDict:
    mask = call.person_mask("personFields", required=False, default=ALL_PERSON_FIELDS)
    body = check_person_body(call.json())
    _check_room(call, 1)
    person = call.store.create_person(body, call.now)
    return call.store.render_person(person, mask, sources=call.sources())


def update_contact(call: Call) -> JsonDict:
    assert call.resource_name is not None
    mask = call.person_mask("personFields", required=False, default=ALL_PERSON_FIELDS)
    update_mask = _update_mask(call.param("updatePersonFields"), "updatePersonFields")
    body = check_person_body(call.json())
    call.store.check_update(call.resource_name, body, update_mask, lagging_since=call.now - call.etag_lag)
    person = call.store.update_person(call.resource_name, body, update_mask, call.now)
    return call.store.render_person(person, mask, sources=call.sources())


def _update_mask(raw: str | None, parameter: str) -> list[str]:
    return parse_mask(raw, allowed=WRITABLE_FIELDS, parameter=parameter, required=True)


def delete_contact(call: Call) -> JsonDict:
    assert call.resource_name is not None
    call.store.delete_person(call.resource_name, call.now)
    return {}


def batch_create_contacts(call: Call) -> JsonDict:
    body = call.json()
    mask = parse_mask(body.get("readMask"), allowed=READABLE_FIELDS, parameter="readMask", required=True)
    contacts = _list_of(body, "contacts", MAX_BATCH_CREATE)
    sources = call.sources(body)
    people = []
    for index, contact in enumerate(contacts):
        if not isinstance(contact, dict):
            raise invalid_argument(f"Invalid value at 'contacts[{index}]', expected an object.")
        body = check_person_body(contact.get("contactPerson") or {}, f"contacts[{index}].contact_person")
        call.store.check_new_person(body)
        people.append(body)
    _check_room(call, len(people))
    created = []
    for person_body in people:
        person = call.store.create_person(person_body, call.now)
        created.append(
            {
                "httpStatusCode": 200,
                "person": call.store.render_person(person, mask, sources=sources),
                "requestedResourceName": person.resource_name,
                "status": {},
            }
        )
    return {"createdPeople": created}


def batch_update_contacts(call: Call) -> JsonDict:
    body = call.json()
    mask = parse_mask(body.get("readMask"), allowed=READABLE_FIELDS, parameter="readMask", required=True)
    update_mask = _update_mask(body.get("updateMask"), "updateMask")
    sources = call.sources(body)
    contacts = body.get("contacts")
    if not isinstance(contacts, dict) or not contacts:
        raise invalid_argument("contacts must not be empty.")
    if len(contacts) > MAX_BATCH_UPDATE:
        raise invalid_argument(f"A maximum of {MAX_BATCH_UPDATE} contacts can be updated at once.")
    for name, person_body in contacts.items():
        call.store.check_update(
            name,
            check_person_body(person_body, f"contacts[{name}]"),
            update_mask,
            lagging_since=call.now - call.etag_lag,
        )
    results = {}
    for name, person_body in contacts.items():
        person = call.store.update_person(name, person_body, update_mask, call.now)
        results[name] = {
            "httpStatusCode": 200,
            "person": call.store.render_person(person, mask, sources=sources),
            "requestedResourceName": name,
            "status": {},
        }
    return {"updateResult": results}


def batch_delete_contacts(call: Call) -> JsonDict:
    names = _list_of(call.json(), "resourceNames", MAX_BATCH_DELETE)
    for name in names:
        if not isinstance(name, str):
            raise invalid_argument("resourceNames must be strings.")
        call.store.live_person(name)
    for name in dict.fromkeys(names):
        call.store.delete_person(name, call.now)
    return {}


def _check_room(call: Call, creates: int) -> None:
    """Google Contacts holds at most 25,000 contacts per user; a batch that would pass it is refused whole.

    Google documents the limit, not the error a create beyond it gets; we model the stricter reading: the whole
    call refused, FAILED_PRECONDITION with an ErrorInfo reason a client can match.
    """
    if call.store.live_count + creates > call.max_contacts:
        raise failed_precondition(
            f"The user's contact limit of {call.max_contacts} contacts would be exceeded.",
            reason="CONTACT_LIMIT_EXCEEDED",
        )


def _list_of(body: JsonDict, key: str, limit: int) -> list[Any]:
    items = body.get(key)
    if not isinstance(items, list) or not items:
        raise invalid_argument(f"{key} must not be empty.")
    if len(items) > limit:
        raise invalid_argument(f"Too many {key}: {len(items)} were given, at most {limit} are allowed.")
    return items


# ---------------------------------------------------------------------------------------------- groups


def _group_mask(raw: str | None, default: str) -> list[str]:
    return parse_mask(raw or default, allowed=GROUP_FIELDS, parameter="groupFields", required=False)


def get_group(call: Call) -> JsonDict:
    assert call.resource_name is not None
    mask = _group_mask(call.param("groupFields"), DEFAULT_GROUP_FIELDS)
    max_members = call.int_param("maxMembers", 0, 0, 2**31 - 1)
    return call.store.render_group(call.store.live_group(call.resource_name), mask, max_members)


def batch_get_groups(call: Call) -> JsonDict:
    mask = _group_mask(call.param("groupFields"), DEFAULT_GROUP_FIELDS)
    max_members = call.int_param("maxMembers", 0, 0, 2**31 - 1)
    names = call.params("resourceNames")
    if not names:
        raise invalid_argument("resourceNames must not be empty.")
    if len(names) > MAX_GROUP_BATCH_GET:
        raise invalid_argument(f"A maximum of {MAX_GROUP_BATCH_GET} contact groups can be requested at once.")
    responses = []
    for name in names:
        try:
            group = call.store.render_group(call.store.live_group(name), mask, max_members)
        except ApiError as error:
            responses.append({"requestedResourceName": name, "status": error.to_status()})
        else:
            responses.append({"requestedResourceName": name, "contactGroup": group, "status": {}})
    return {"responses": responses}


def _group_body(body: JsonDict) -> JsonDict:
    group = body.get("contactGroup")
    if not isinstance(group, dict):
        raise invalid_argument("contactGroup must be set.")
    for key in ("memberCount", "memberResourceNames", "groupType", "formattedName"):
        # Output-only fields are ignored on input, as Google does.
        group.pop(key, None)
    client_data = group.get("clientData", [])
    if not isinstance(client_data, list) or not all(isinstance(item, dict) for item in client_data):
        raise invalid_argument("contactGroup.clientData must be a list of {key, value} objects.")
    return group


def create_group(call: Call) -> JsonDict:
    body = call.json()
    group_body = _group_body(body)
    name = group_body.get("name")
    if not isinstance(name, str):
        raise invalid_argument("contactGroup.name must be set.")
    mask = _group_mask(body.get("readGroupFields"), DEFAULT_GROUP_READ_FIELDS)
    group = call.store.create_group(name, group_body.get("clientData", []), call.now)
    return call.store.render_group(group, mask)


def update_group(call: Call) -> JsonDict:
    assert call.resource_name is not None
    body = call.json()
    group_body = _group_body(body)
    group = call.store.live_group(call.resource_name)
    if group_body.get("resourceName", group.resource_name) != group.resource_name:
        raise invalid_argument("contactGroup.resourceName does not match the resource name in the URL.")
    etag = group_body.get("etag")
    if etag is not None and etag != group.etag:
        raise failed_precondition(
            "Request contactGroup.etag is different than the current contactGroup.etag. "
            "Clear local cache and get the latest contact group.",
            reason="FAILED_PRECONDITION",
        )
    # Without updateGroupFields only the name is updated.
    raw_fields = body.get("updateGroupFields") or "name"
    fields = parse_mask(raw_fields, allowed=UPDATABLE_GROUP_FIELDS, parameter="updateGroupFields", required=False)
    name = None
    if "name" in fields:
        name = group_body.get("name")
        if not isinstance(name, str):
            raise invalid_argument("contactGroup.name must be set.")
    client_data = group_body.get("clientData", []) if "clientData" in fields else None
    call.store.update_group(group, name, client_data, call.now)
    return call.store.render_group(group, _group_mask(body.get("readGroupFields"), DEFAULT_GROUP_READ_FIELDS))


def delete_group(call: Call) -> JsonDict:
    assert call.resource_name is not None
    group = call.store.live_group(call.resource_name)
    call.store.delete_group(group, call.flag("deleteContacts"), call.now)
    return {}


def modify_members(call: Call) -> JsonDict:
    assert call.resource_name is not None
    body = call.json()
    add = body.get("resourceNamesToAdd") or []
    remove = body.get("resourceNamesToRemove") or []
    if not isinstance(add, list) or not isinstance(remove, list):
        raise invalid_argument("resourceNamesToAdd and resourceNamesToRemove must be lists.")
    if len(add) + len(remove) > MAX_MEMBERS_MODIFY:
        raise invalid_argument(
            f"A maximum of {MAX_MEMBERS_MODIFY} resource names can be added and removed in one request."
        )
    group: StoredGroup = call.store.live_group(call.resource_name)
    result = call.store.modify_members(group, add, remove, call.now)
    response: JsonDict = {}
    if result.not_found:
        response["notFoundResourceNames"] = result.not_found
    if result.cannot_remove_last:
        response["canNotRemoveLastContactGroupResourceNames"] = result.cannot_remove_last
    return response
