"""``GraphEmulator``: the HTTPS server and the control API that tests, benchmarks and the demo drive.

It serves Entra ID (discovery, token, device code) and Graph v1.0 on one loopback port, over TLS with a
``trustme`` test CA, because msal refuses plain-http authorities. Clients trust ``ca_file`` through a
``requests.Session`` with ``trust_env = False`` (this machine's REQUESTS_CA_BUNDLE would override ``verify``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import socket
import ssl
import tempfile
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from random import Random
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import trustme

from .entra import EntraDirectory
from .errors import GraphError, IdentityError
from .graph import GraphService, Operation, Reply, RequestKind, parse_route
from .identity import AppRegistration, Directory, Principal
from .limits import Faults, MailboxLimiter
from .mailbox import IdMaker, Mailbox, validate_contact_body
from .permissions import DEFAULT_GRANTS

GRAPH_CONTENT_TYPE = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
)
_DISCOVERY = re.compile(r"^/([^/]+)/v2\.0/\.well-known/openid-configuration$")
_TOKEN = re.compile(r"^/([^/]+)/oauth2/v2\.0/token$")
_DEVICE_CODE = re.compile(r"^/([^/]+)/oauth2/v2\.0/devicecode$")
_KEYS = re.compile(r"^/([^/]+)/discovery/v2\.0/keys$")


class GraphEmulator:
    """Microsoft Graph (Outlook contacts) and Entra ID on https://127.0.0.1:PORT, with a control API.

    Control methods take a mailbox by UPN or id. They act as the mailbox's owner would in Outlook: they bypass
    tokens, throttling and faults, but their writes land in the delta change log like any other.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token_ttl: timedelta = timedelta(hours=1),
        requests_per_10min: int = 10_000,
        max_concurrent: int = 4,
        replay_probability: float = 0.0,
        seed: int = 0,
    ) -> None:
        self._host = host
        self._port = port
        self._clock_offset = timedelta(0)
        self._clock_lock = threading.Lock()
        self._state_lock = threading.RLock()
        self._ids = IdMaker(Random(seed))
        self._mailboxes: dict[str, Mailbox] = {}
        self._upn_index: dict[str, str] = {}
        self.directory = Directory(now=self.now, token_ttl=token_ttl, user_lookup=self._lookup_user)
        self._faults = Faults()
        self.limiter = MailboxLimiter(self.now, max_concurrent=max_concurrent, requests_per_window=requests_per_10min)
        self.requests: Counter[RequestKind] = Counter()
        self._counters_lock = threading.Lock()
        self._graph = GraphService(
            now=self.now,
            graph_url=lambda: self.graph_url,
            mailboxes=self._mailboxes,
            upn_index=self._upn_index,
            lock=self._state_lock,
            faults=self._faults,
            limiter=self.limiter,
            counters=self.requests,
            counters_lock=self._counters_lock,
            rng=Random(seed + 1),
            replay_probability=replay_probability,
        )
        #: Entra ID's users, groups and org contacts (``/users``, ``/users/delta``, ``/groups/{id}/transitiveMembers``,
        #: ``/contacts``); tests change them through its control methods (``add_user``, ``update``, ``remove``, …)
        self.entra = EntraDirectory(
            now=self.now, graph_url=lambda: self.graph_url, new_id=self._ids.guid, lock=self._state_lock
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self._ca_file: str | None = None
        #: the address clients reach the emulator through (a proxy such as bench/netproxy.py), or None: the links
        #: it hands out (discovery documents, nextLink, deltaLink) name it, as Graph's name its public host
        self.behind: str | None = None

    # ----- lifecycle
    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        ca = trustme.CA()
        leaf = ca.issue_cert(self._host, "localhost", "127.0.0.1")
        self._tempdir = tempfile.TemporaryDirectory(prefix="graph-emulator-")
        ca_path = Path(self._tempdir.name, "graph-emulator-ca.pem")
        ca.cert_pem.write_to_path(str(ca_path))
        self._ca_file = str(ca_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        leaf.configure_cert(context)
        server = _Server((self._host, self._port), _Handler)
        # The handshake happens on first read, in the connection's own thread, so a slow client blocks no one.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        server.emulator = self
        self._server = server
        # A short poll interval keeps stop() (and so every test's teardown) quick.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="graph-emulator", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        if self._tempdir is not None:
            self._tempdir.cleanup()
        self._server = self._thread = self._tempdir = None
        self._ca_file = None

    def __enter__(self) -> GraphEmulator:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ----- addresses
    @property
    def base_url(self) -> str:
        """Where clients reach the emulator: ``behind`` when set, else its own address."""
        return self.behind.rstrip("/") if self.behind else self.own_url

    @property
    def own_url(self) -> str:
        """The emulator's own address (what a proxy in front of it forwards to)."""
        if self._server is None:
            raise RuntimeError("start the emulator first")
        return f"https://{self._host}:{self._server.server_address[1]}"

    @property
    def graph_url(self) -> str:
        return self.base_url + "/v1.0"

    def authority(self, tenant: str) -> str:
        return f"{self.base_url}/{tenant}"

    @property
    def ca_file(self) -> str:
        if self._ca_file is None:
            raise RuntimeError("start the emulator first")
        return self._ca_file

    # ----- directory
    def add_tenant(self, tenant: str) -> None:
        self.directory.add_tenant(tenant)

    def tenant_id(self, tenant: str) -> str:
        return self.directory.tenant(tenant).id

    def add_app(
        self,
        tenant: str,
        client_id: str,
        *,
        secret: str | None = None,
        cert_thumbprint: str | None = None,
        permissions: Sequence[str] = DEFAULT_GRANTS,
        secret_expired: bool = False,
    ) -> None:
        """Register an app with the permissions an admin granted it (with admin consent): application roles for
        client credentials, the delegated scopes a signed-in user may get. Tokens issued later carry them."""
        registration = AppRegistration(
            tenant_id=self.directory.tenant(tenant).id,
            client_id=client_id,
            secret=secret,
            cert_thumbprint=cert_thumbprint.replace(":", "").lower() if cert_thumbprint else None,
            permissions=frozenset(permissions),
            secret_expired=secret_expired,
        )
        self.directory.add_app(registration)

    def grant(self, tenant: str, client_id: str, permissions: Sequence[str]) -> None:
        """Replace what the app is granted, as an admin would in the Entra admin center; tokens already issued keep
        the roles they carry until they expire, as real ones do."""
        app = self.directory.apps[(self.directory.tenant(tenant).id, client_id.lower())]
        self.directory.add_app(dataclasses.replace(app, permissions=frozenset(permissions)))

    def add_mailbox(self, tenant: str, user: str, *, contacts_folder_name: str = "Contacts") -> str:
        """A mailbox; ``contacts_folder_name`` is its default folder's name in the mailbox language ("Kontakte")."""
        tenant_id = self.directory.tenant(tenant).id
        with self._state_lock:
            if user.lower() in self._upn_index:
                raise ValueError(f"mailbox {user!r} already exists")
            mailbox = Mailbox(
                mailbox_id=self._ids.guid(),
                upn=user,
                tenant_id=tenant_id,
                ids=self._ids,
                now=self.now(),
                contacts_folder_name=contacts_folder_name,
            )
            self._mailboxes[mailbox.id] = mailbox
            self._upn_index[user.lower()] = mailbox.id
            return mailbox.id

    def approve_device_code(self, user_code: str, user: str) -> None:
        self.directory.approve_device_code(user_code, user)

    def _lookup_user(self, tenant_id: str, user: str) -> tuple[str, str] | None:
        with self._state_lock:
            mailbox_id = user if user in self._mailboxes else self._upn_index.get(user.lower())
            if mailbox_id is None or self._mailboxes[mailbox_id].tenant_id != tenant_id:
                return None
            return mailbox_id, self._mailboxes[mailbox_id].upn

    def _mailbox(self, user: str) -> Mailbox:
        mailbox_id = user if user in self._mailboxes else self._upn_index.get(user.lower())
        if mailbox_id is None:
            raise KeyError(f"no mailbox {user!r}")
        return self._mailboxes[mailbox_id]

    # ----- mailbox content, as the user would change it in Outlook
    def default_folder_id(self, user: str) -> str:
        with self._state_lock:
            return self._mailbox(user).default_folder_id

    def add_folder(self, user: str, display_name: str, parent_id: str | None = None) -> str:
        """A contact folder inside ``parent_id`` (default: inside the default Contacts folder, as Outlook makes it)."""
        with self._state_lock:
            return self._mailbox(user).create_folder(display_name, parent_id).id

    def seed(self, user: str, contacts: list[dict[str, Any]], folder_id: str | None = None) -> list[str]:
        """Create contacts directly (no HTTP); ValueError names the first invalid one."""
        with self._state_lock:
            mailbox = self._mailbox(user)
            folder = mailbox.folder(folder_id or mailbox.default_folder_id)
            now = self.now()
            ids = []
            for index, contact in enumerate(contacts):
                try:
                    changes, extended = validate_contact_body(contact, creating=True)
                except GraphError as error:
                    raise ValueError(f"contacts[{index}]: {error.message}") from error
                ids.append(mailbox.create(changes, extended, folder.id, now).id)
            return ids

    def contacts(self, user: str, folder_id: str | None = None) -> list[dict[str, Any]]:
        """Every contact of a folder as Graph would answer it, extended properties included."""
        with self._state_lock:
            mailbox = self._mailbox(user)
            folder = mailbox.folder(folder_id or mailbox.default_folder_id)
            return [mailbox.contacts[cid].render(expand_ids=frozenset()) for cid in mailbox.members[folder.id]]

    def master_categories(self, user: str) -> list[dict[str, Any]]:
        with self._state_lock:
            return [c.render() for c in self._mailbox(user).categories.values()]

    def edit(self, user: str, contact_id: str, patch: dict[str, Any]) -> dict[str, Any]:
        with self._state_lock:
            mailbox = self._mailbox(user)
            try:
                changes, extended = validate_contact_body(patch, creating=False)
            except GraphError as error:
                raise ValueError(error.message) from error
            return mailbox.update(contact_id, changes, extended, self.now()).render(expand_ids=frozenset())

    def delete(self, user: str, contact_id: str) -> None:
        with self._state_lock:
            self._mailbox(user).delete(contact_id, self.now())

    # ----- faults
    @property
    def latency(self) -> float:
        """Seconds each Graph operation waits while holding its mailbox concurrency slot."""
        return self._faults.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._faults.latency = seconds

    def fail_next(self, n: int, status: int = 503, method: str | None = None, path_contains: str | None = None) -> None:
        """Answer the next ``n`` matching operations with ``status``, applying nothing."""
        self._faults.fail_next(n, status, method, path_contains)

    def drop_after_write_next(self, n: int) -> None:
        """Apply the next ``n`` successful writes, then close the connection without answering."""
        self._faults.drop_after_write_next(n)

    def throttle_next(self, n: int, retry_after: int = 1) -> None:
        """Answer the next ``n`` Graph operations (not $batch envelopes) 429 with ``Retry-After``."""
        self._faults.throttle_next(n, retry_after)

    def expire_delta_links(self) -> None:
        """Every delta link and skip token issued so far now answers 410 Gone."""
        with self._state_lock:
            self._graph.expire_delta_links()
            self.entra.expire_delta_links()

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def replay_probability(self) -> float:
        return self._graph.replay_probability

    @replay_probability.setter
    def replay_probability(self, probability: float) -> None:
        self._graph.replay_probability = probability

    # ----- clock and counters
    def now(self) -> datetime:
        with self._clock_lock:
            return datetime.now(UTC) + self._clock_offset

    def advance(self, delta: timedelta) -> None:
        """Move the emulator's clock (token expiry, throttling windows, timestamps) forward."""
        with self._clock_lock:
            self._clock_offset += delta

    def reset_counters(self) -> None:
        with self._counters_lock:
            self.requests.clear()

    def _count(self, kind: RequestKind) -> None:
        with self._counters_lock:
            self.requests[kind] += 1

    # ----- HTTP entry point (called from connection threads)
    def _serve(self, method: str, target: str, headers: Mapping[str, str], raw: bytes) -> tuple[Reply, bool]:
        parts = urlsplit(target)
        path = parts.path
        if path.lower().startswith("/v1.0/"):
            return self._serve_graph(method, path[len("/v1.0") :], parts.query, headers, raw)
        return self._serve_identity(method, path, parts.query, headers, raw), False

    def _serve_identity(self, method: str, path: str, query: str, headers: Mapping[str, str], raw: bytes) -> Reply:
        json_type = {"Content-Type": "application/json; charset=utf-8"}
        failure = self._faults.take_failure(method, path, graph_operation=False)
        if failure is not None:
            body = IdentityError(failure, "temporarily_unavailable", 50000, "There was an error issuing a token.")
            return Reply(failure, body.body(self.now(), headers.get("client-request-id")), json_type)
        form = dict(parse_qsl(raw.decode("utf-8", "replace"))) if method == "POST" else dict(parse_qsl(query))
        try:
            if match := _DISCOVERY.match(path):
                self._count(RequestKind.DISCOVERY)
                try:
                    return Reply(200, self.directory.openid_configuration(match.group(1), self.base_url), json_type)
                except IdentityError as error:
                    error.error = "invalid_tenant"
                    raise
            if (match := _TOKEN.match(path)) and method == "POST":
                self._count(RequestKind.TOKEN)
                return Reply(200, self.directory.token(match.group(1), form, self.base_url), json_type)
            if (match := _DEVICE_CODE.match(path)) and method == "POST":
                self._count(RequestKind.DEVICE_CODE)
                return Reply(200, self.directory.device_code(match.group(1), form, self.base_url), json_type)
            if match := _KEYS.match(path):
                self.directory.tenant(match.group(1))
                return Reply(200, {"keys": []}, json_type)
        except IdentityError as error:
            return Reply(error.status, error.body(self.now(), headers.get("client-request-id")), json_type)
        self._count(RequestKind.OTHER)
        return Reply(404, {"error": "not_found", "error_description": f"No such endpoint: {method} {path}"}, json_type)

    def _serve_graph(
        self, method: str, path: str, query: str, headers: Mapping[str, str], raw: bytes
    ) -> tuple[Reply, bool]:
        is_batch = path.rstrip("/").lower() == "/$batch"
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:
            return self._graph.error_reply(GraphError(400, "BadRequest", "Unable to read JSON request payload.")), False
        try:
            principal = self.directory.principal(headers.get("authorization"))
        except GraphError as error:
            self._count(RequestKind.BATCH if is_batch else _kind_or_other(method, path))
            return self._graph.error_reply(error), False
        if not is_batch and self.entra.handles(path):
            return self._serve_directory(method, path, query, headers, principal), False
        if not is_batch:
            op = Operation(method, path, dict(parse_qsl(query, keep_blank_values=True)), headers, body)
            return self._graph.execute(op, principal)
        self._count(RequestKind.BATCH)
        if method != "POST":
            return self._graph.error_reply(GraphError(405, "BadRequest", "$batch accepts POST only.")), False
        failure = self._faults.take_failure(method, "/v1.0" + path, graph_operation=False)
        if failure is not None:
            injected = GraphError(failure, "ServiceUnavailable", "The service is temporarily unavailable.")
            return self._graph.error_reply(injected), False
        try:
            return self._graph.batch(body, principal)
        except GraphError as error:
            return self._graph.error_reply(error), False

    def _serve_directory(
        self, method: str, path: str, query: str, headers: Mapping[str, str], principal: Principal
    ) -> Reply:
        """A directory call (see ``entra``): counted, faults applied like any Graph operation, then answered."""
        self._count(RequestKind.DIRECTORY)
        try:
            failure = self._faults.take_failure(method, "/v1.0" + path, graph_operation=True)
            if failure is not None:
                raise GraphError(failure, "ServiceUnavailable", "The service is temporarily unavailable.")
            retry_after = self._faults.take_throttle()
            if retry_after is not None:
                raise GraphError(429, "Request_ThrottledTemporarily", "Too many requests.",
                                 headers={"Retry-After": str(retry_after)})  # fmt: skip
            params = dict(parse_qsl(query, keep_blank_values=True))
            return Reply(200, self.entra.serve(method, path, params, headers, principal))
        except GraphError as error:
            return self._graph.error_reply(error)


def _kind_or_other(method: str, path: str) -> RequestKind:
    try:
        return parse_route(path).kind(method)
    except GraphError:
        return RequestKind.OTHER


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Idle keep-alive connections must not make stop() wait for their threads.
    block_on_close = False
    emulator: GraphEmulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that vanished mid-request is normal here (and tests drop connections on purpose)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GraphEmulator/1.0"
    timeout = 60
    # The headers and the body leave in two writes: with Nagle's algorithm the body waits for the peer's delayed
    # ACK of the headers (40 ms on Linux), which made every request on loopback cost ~40 ms and hid the RTT a
    # latency bench adds (#18). Graph's front ends answer at once.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and benchmarks would drown in access logs."""

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ssl.SSLError):
            self.close_connection = True

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply, drop = self.server.emulator._serve(self.command, self.path, headers, raw)
        if drop:
            self._drop_connection()
            return
        payload = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        is_graph = self.path.lower().startswith("/v1.0/")
        if payload:
            self.send_header("Content-Type", GRAPH_CONTENT_TYPE if is_graph else "application/json; charset=utf-8")
        request_id = headers.get("client-request-id")
        if request_id:
            self.send_header("client-request-id", request_id)
        for name, value in reply.headers.items():
            if name.lower() != "content-type":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _drop_connection(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _dispatch
