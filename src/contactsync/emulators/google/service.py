"""Routing, authentication, quotas, faults and the HTTP batch endpoint, independent of the socket layer.

``PeopleService.handle`` takes one parsed HTTP request and returns one response; the HTTP server only moves
bytes. The batch endpoint (``POST /batch``) unpacks its parts and feeds each through ``handle`` again, so a
part is authenticated, counted, throttled and faulted exactly like a request of its own.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from email.message import Message
from email.parser import BytesParser
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import api
from .auth import AUTHORIZATION_PATHS, Accounts
from .control import Clock, FaultPlan, QuotaMeter, RequestKind
from .discovery import people_v1
from .errors import ApiError, ErrorInfo, invalid_argument, server_error
from .store import UserStore
from .tokens import TokenCodec
from .workspace import ADMIN_PREFIX, Workspace, list_directory_people, serve_admin

MAX_BATCH_PARTS = 1000
#: the Cloud project the emulator's clients belong to (named in SERVICE_DISABLED answers)
PROJECT_NUMBER = "000000000000"
#: "You can have up to 25,000 contacts" (Google Contacts Help, "Limits for contacts")
MAX_CONTACTS = 25_000
JSON_TYPE = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class ApiRequest:
    method: str
    target: str  # path and query, as on the request line
    headers: Mapping[str, str]  # names lower-cased
    body: bytes

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.target).path)

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = ()
    # Close the socket without answering: the client cannot tell whether the request was applied.
    drop_connection: bool = False


def json_response(status: int, body: Any, headers: tuple[tuple[str, str], ...] = ()) -> ApiResponse:
    return ApiResponse(status, json.dumps(body, ensure_ascii=False).encode(), headers=headers)


def error_response(error: ApiError) -> ApiResponse:
    return json_response(error.code, error.to_json(), error.headers)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    kind: RequestKind
    handler: Callable[[api.Call], dict[str, Any]]
    #: the method's id in the discovery document (its parameters and body schema are checked against it)
    method_id: str


def _route(
    method: str, pattern: str, kind: RequestKind, handler: Callable[[api.Call], dict[str, Any]], method_id: str
) -> Route:
    return Route(method, re.compile(pattern), kind, handler, method_id)


_PERSON = r"(people/[^/:]+)"
_GROUP = r"(contactGroups/[^/:]+)"
ROUTES = (
    _route(
        "GET",
        rf"/v1/{_PERSON}/connections",
        RequestKind.LIST_CONNECTIONS,
        api.list_connections,
        "people.people.connections.list",
    ),
    _route(
        "GET",
        r"/v1/people:listDirectoryPeople",
        RequestKind.LIST_DIRECTORY,
        list_directory_people,
        "people.people.listDirectoryPeople",
    ),
    _route("GET", r"/v1/people:batchGet", RequestKind.BATCH_GET, api.batch_get_people, "people.people.getBatchGet"),
    _route("POST", r"/v1/people:createContact", RequestKind.CREATE, api.create_contact, "people.people.createContact"),
    _route(
        "POST",
        r"/v1/people:batchCreateContacts",
        RequestKind.BATCH_CREATE,
        api.batch_create_contacts,
        "people.people.batchCreateContacts",
    ),
    _route(
        "POST",
        r"/v1/people:batchUpdateContacts",
        RequestKind.BATCH_UPDATE,
        api.batch_update_contacts,
        "people.people.batchUpdateContacts",
    ),
    _route(
        "POST",
        r"/v1/people:batchDeleteContacts",
        RequestKind.BATCH_DELETE,
        api.batch_delete_contacts,
        "people.people.batchDeleteContacts",
    ),
    _route(
        "PATCH", rf"/v1/{_PERSON}:updateContact", RequestKind.UPDATE, api.update_contact, "people.people.updateContact"
    ),
    _route(
        "DELETE", rf"/v1/{_PERSON}:deleteContact", RequestKind.DELETE, api.delete_contact, "people.people.deleteContact"
    ),
    _route("GET", rf"/v1/{_PERSON}", RequestKind.GET, api.get_person, "people.people.get"),
    _route("GET", r"/v1/contactGroups", RequestKind.GROUPS_LIST, api.list_groups, "people.contactGroups.list"),
    _route("POST", r"/v1/contactGroups", RequestKind.GROUPS_MUTATE, api.create_group, "people.contactGroups.create"),
    _route(
        "GET",
        r"/v1/contactGroups:batchGet",
        RequestKind.GROUPS_GET,
        api.batch_get_groups,
        "people.contactGroups.batchGet",
    ),
    _route("GET", rf"/v1/{_GROUP}", RequestKind.GROUPS_GET, api.get_group, "people.contactGroups.get"),
    _route("PUT", rf"/v1/{_GROUP}", RequestKind.GROUPS_MUTATE, api.update_group, "people.contactGroups.update"),
    _route("DELETE", rf"/v1/{_GROUP}", RequestKind.GROUPS_MUTATE, api.delete_group, "people.contactGroups.delete"),
    _route(
        "POST",
        rf"/v1/{_GROUP}/members:modify",
        RequestKind.MEMBERS_MODIFY,
        api.modify_members,
        "people.contactGroups.members.modify",
    ),
)


class PeopleService:
    def __init__(
        self,
        *,
        clock: Clock,
        faults: FaultPlan,
        quotas: QuotaMeter,
        accounts: Accounts,
        sync_token_ttl: timedelta,
    ) -> None:
        self.clock = clock
        self.faults = faults
        self.quotas = quotas
        self.accounts = accounts
        self.sync_token_ttl = sync_token_ttl
        #: see api.TokenPolicy.propagation; tests change it at any time
        self.propagation_delay = timedelta()
        #: contacts one user may hold (Google: 25,000); creates beyond it are refused
        self.max_contacts = MAX_CONTACTS
        self._mutating: set[str] = set()
        self._mutating_lock = threading.Lock()
        self.codec = TokenCodec()
        # One lock for all users' state: requests for one user are serialized anyway ("mutate requests for
        # the same user should be sent sequentially"), and the emulator is not the thing being benchmarked.
        self.lock = threading.RLock()
        self.stores: dict[str, UserStore] = {}
        #: the Workspace domains' directories (profiles, shared contacts), served by people.listDirectoryPeople
        self.workspace = Workspace()
        self.requests: Counter[RequestKind] = Counter()
        self.discovery = people_v1()
        #: requests by discovery method id, and the refusals the document's contract gave (for tests)
        self.methods: Counter[str] = Counter()
        self.refused: list[str] = []
        #: False: the People API is not enabled in the Cloud project of the client (every call 403)
        self.api_enabled = True
        self._counter_lock = threading.Lock()
        # Unexpected exceptions (emulator bugs) are kept here so tests can assert there were none.
        self.internal_errors: list[BaseException] = []

    def add_store(self, user: str) -> UserStore:
        with self.lock:
            if user not in self.stores:
                self.stores[user] = UserStore(user, self.clock.now())
            return self.stores[user]

    def count(self, kind: RequestKind) -> None:
        with self._counter_lock:
            self.requests[kind] += 1

    def reset_counters(self) -> None:
        with self._counter_lock:
            self.requests.clear()
            self.methods.clear()
            self.refused.clear()

    def handle(self, request: ApiRequest, *, inside_batch: bool = False) -> ApiResponse:
        try:
            return self._handle(_apply_method_override(request), inside_batch)
        except ApiError as error:
            return error_response(error)
        except Exception as exc:  # an emulator bug: answer like Google's 500 and remember it
            self.internal_errors.append(exc)
            return error_response(server_error(500))

    def _handle(self, request: ApiRequest, inside_batch: bool) -> ApiResponse:
        path = request.path
        if request.method == "POST" and path == "/token" and not inside_batch:
            return self._token(request)
        if request.method == "GET" and path in AUTHORIZATION_PATHS and not inside_batch:
            return self._authorize(request)
        if request.method == "POST" and path == "/batch" and not inside_batch:
            return self._batch(request)
        if path.startswith(ADMIN_PREFIX):
            # the Admin SDK Directory API (a group's members, workspace.py): authenticated and faulted the same way
            self.count(RequestKind.ADMIN_DIRECTORY)
            self._raise_injected_failure(request)
            grant = self.accounts.grant_of(request.headers.get("authorization"))
            return json_response(
                200, serve_admin(self.workspace, request.method, path, request.query, grant.user, grant.scopes)
            )
        route, resource_name = _match(request.method, path)
        self.count(route.kind)
        self._raise_injected_failure(request)
        grant = self.accounts.grant_of(request.headers.get("authorization"))
        user = grant.user
        self._check_access(route, grant.scopes)
        self._check_contract(route, request)
        if not route.kind.is_write:
            return self._serve(route, resource_name, user, request)
        # "Mutate requests for the same user should be sent sequentially to avoid increased latency and
        # failures" (People API, contacts guide): an overlapping mutation is refused, so a client that sends
        # two at once finds out here. Google documents the rule, not its error; ABORTED (409) is the gRPC code
        # for a concurrency conflict, and what we answer.
        with self._mutating_lock:
            if user in self._mutating:
                raise ApiError(409, "ABORTED", "The operation was aborted: another mutation for this user is running.")
            self._mutating.add(user)
        try:
            if self.faults.mutation_seconds > 0:
                time.sleep(self.faults.mutation_seconds)
            return self._serve(route, resource_name, user, request)
        finally:
            with self._mutating_lock:
                self._mutating.discard(user)

    def _check_access(self, route: Route, scopes: frozenset[str]) -> None:
        """The People API enabled in the project, and a token holding one of the scopes the method lists."""
        if not self.api_enabled:
            raise ApiError(
                403,
                "PERMISSION_DENIED",
                f"People API has not been used in project {PROJECT_NUMBER} before or it is disabled. Enable it by "
                f"visiting https://console.developers.google.com/apis/api/people.googleapis.com/overview?project="
                f"{PROJECT_NUMBER} then retry. If you enabled this API recently, wait a few minutes for the action "
                "to propagate to our systems and retry.",
                info=ErrorInfo(
                    "SERVICE_DISABLED",
                    domain="googleapis.com",
                    metadata={"service": "people.googleapis.com", "consumer": f"projects/{PROJECT_NUMBER}"},
                ),
            )
        # each method's scopes as the discovery document lists them (people.get also takes profile scopes)
        if not scopes & set(self.discovery.methods[route.method_id].scopes):
            raise ApiError(
                403,
                "PERMISSION_DENIED",
                "Request had insufficient authentication scopes.",
                info=ErrorInfo(
                    "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                    domain="googleapis.com",
                    metadata={"service": "people.googleapis.com", "method": route.method_id},
                ),
            )

    def _check_contract(self, route: Route, request: ApiRequest) -> None:
        """The request as the discovery document allows it (parameters, masks, body), else 400 like Google."""
        with self._counter_lock:
            self.methods[route.method_id] += 1
        try:
            self.discovery.check_query(route.method_id, request.query)
            if request.method in ("POST", "PUT", "PATCH"):
                self.discovery.check_body(route.method_id, request.body)
        except ApiError as error:
            with self._counter_lock:
                self.refused.append(f"{route.method_id}: {error.message}")
            raise

    def _serve(self, route: Route, resource_name: str | None, user: str, request: ApiRequest) -> ApiResponse:
        query = request.query
        with self.lock:
            store = self.stores[user]
            first_page = route.kind is RequestKind.LIST_CONNECTIONS and api.is_full_sync_first_page(query)
            self.quotas.charge(user, route.kind, full_sync_first_page=first_page)
            call = api.Call(
                store=store,
                query=query,
                body=request.body,
                resource_name=resource_name,
                now=self.clock.now(),
                tokens=api.TokenPolicy(
                    self.codec, self.sync_token_ttl, self.faults.sync_token_generation, self.propagation_delay
                ),
                etag_lag=self.faults.etag_lag,
                max_contacts=self.max_contacts,
                workspace=self.workspace,
            )
            body = route.handler(call)
        drop = route.kind.is_write and self.faults.take_drop(request.method, request.target)
        return replace(json_response(200, body), drop_connection=drop)

    def _raise_injected_failure(self, request: ApiRequest) -> None:
        status = self.faults.take_failure(request.method, request.target)
        if status is not None:
            raise server_error(status) if status >= 500 else ApiError(status, "UNKNOWN", "Injected failure.")

    def _token(self, request: ApiRequest) -> ApiResponse:
        self.count(RequestKind.TOKEN)
        self._raise_injected_failure(request)
        form = {key: values[-1] for key, values in parse_qs(request.body.decode("utf-8", "replace")).items()}
        answer = self.accounts.token_endpoint(form, request.headers.get("authorization"))
        return json_response(answer.status, answer.body)

    def _authorize(self, request: ApiRequest) -> ApiResponse:
        """The browser's visit to the consent screen: a redirect to the client, or an error page."""
        self.count(RequestKind.AUTHORIZE)
        self._raise_injected_failure(request)
        answer = self.accounts.authorize({key: values[-1] for key, values in request.query.items()})
        headers = (("Location", answer.location),) if answer.location else ()
        return ApiResponse(
            answer.status, answer.page.encode(), content_type="text/html; charset=UTF-8", headers=headers
        )

    # ------------------------------------------------------------------------------------ HTTP batch

    def _batch(self, request: ApiRequest) -> ApiResponse:
        self.count(RequestKind.HTTP_BATCH)
        self._raise_injected_failure(request)
        content_type = request.headers.get("content-type", "")
        if not content_type.lower().startswith("multipart/mixed"):
            raise invalid_argument("The batch request must be multipart/mixed.")
        envelope = BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body)
        parts = envelope.get_payload()
        if not envelope.is_multipart() or not isinstance(parts, list) or not parts:
            raise invalid_argument("The batch request contains no parts.")
        if len(parts) > MAX_BATCH_PARTS:
            raise invalid_argument(f"A batch request cannot contain more than {MAX_BATCH_PARTS} requests.")
        boundary = "batch_" + secrets.token_urlsafe(18)
        chunks: list[bytes] = []
        for part in parts:
            if not isinstance(part, Message):
                raise invalid_argument("A batch part must be application/http.")
            content_id = part.get("Content-ID", "")
            inner = _embedded_request(part, request.headers.get("authorization"))
            response = self.handle(inner, inside_batch=True)
            if response.drop_connection:
                # The part was applied; the whole batch connection dies with it.
                return ApiResponse(200, b"", drop_connection=True)
            chunks.append(_response_part(boundary, content_id, response))
        body = b"".join(chunks) + f"--{boundary}--\r\n".encode()
        return ApiResponse(200, body, content_type=f"multipart/mixed; boundary={boundary}")


def _match(method: str, path: str) -> tuple[Route, str | None]:
    path_known = False
    for route in ROUTES:
        match = route.pattern.fullmatch(path)
        if match is None:
            continue
        path_known = True
        if route.method == method:
            return route, match.group(1) if match.groups() else None
    if path_known:
        raise ApiError(405, "UNIMPLEMENTED", f"Method {method} is not allowed for {path}.")
    raise ApiError(404, "NOT_FOUND", f"The requested URL {path} was not found on this server.")


def _apply_method_override(request: ApiRequest) -> ApiRequest:
    """googleapiclient turns a GET with a long URL into a POST with the query in a form body."""
    override = request.headers.get("x-http-method-override")
    if request.method != "POST" or not override:
        return request
    split = urlsplit(request.target)
    query = "&".join(q for q in (split.query, request.body.decode("utf-8", "replace")) if q)
    return ApiRequest(override.upper(), f"{split.path}?{query}", request.headers, b"")


def _embedded_request(part: Message, outer_authorization: str | None) -> ApiRequest:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        raise invalid_argument("A batch part must be application/http.")
    request_line, _, rest = raw.lstrip(b"\r\n").partition(b"\n")
    pieces = request_line.decode("latin-1").strip().split(" ")
    if len(pieces) < 2:
        raise invalid_argument("A batch part must start with an HTTP request line.")
    method, target = pieces[0].upper(), pieces[1]
    if "://" in target:
        split = urlsplit(target)
        target = split.path + (f"?{split.query}" if split.query else "")
    message = BytesParser().parsebytes(rest)
    headers = {key.lower(): value for key, value in message.items()}
    if "authorization" not in headers and outer_authorization:
        headers["authorization"] = outer_authorization
    payload = message.get_payload(decode=True)
    body = payload if isinstance(payload, bytes) else b""
    return ApiRequest(method, target, headers, body)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _response_part(boundary: str, content_id: str, response: ApiResponse) -> bytes:
    content_id = content_id.strip()
    response_id = f"<response-{content_id[1:]}" if content_id.startswith("<") else f"<response-{content_id}>"
    head = [
        f"--{boundary}",
        "Content-Type: application/http",
        f"Content-ID: {response_id}",
        "",
        f"HTTP/1.1 {response.status} {_reason(response.status)}",
        f"Content-Type: {response.content_type}",
        *(f"{name}: {value}" for name, value in response.headers),
        f"Content-Length: {len(response.body)}",
        "",
        "",
    ]
    return "\r\n".join(head).encode() + response.body + b"\r\n"
