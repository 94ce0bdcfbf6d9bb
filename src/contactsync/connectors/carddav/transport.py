"""HTTP/DAV transport over ``caldav.DAVClient``: request counting, a response size cap, and error translation.

caldav brings auth negotiation (basic, digest), TLS options and the DAV verbs; everything it or the HTTP
library raises is translated here into :mod:`contactsync.errors`, so the connector above sees only our
error tree.
XML answers are re-parsed with defusedxml (:mod:`.davxml`): caldav's own lxml tree is never used.
"""

from __future__ import annotations

import enum
import logging
from collections import Counter
from collections.abc import Hashable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NoReturn
from urllib.parse import urljoin, urlsplit

import niquests
from caldav.davclient import DAVClient  # not ``caldav.DAVClient``: the package resolves it lazily, untyped
from caldav.lib import error as caldav_error
from lxml import etree
from niquests.adapters import HTTPAdapter

from contactsync.deadline import RequestDeadlineExceeded, request_deadline, watch_session
from contactsync.errors import (
    AuthFailed,
    ConnectorError,
    PreconditionFailed,
    RateLimited,
    SyncTokenExpired,
    Transient,
)
from contactsync.sharing import ConnectionPools, RequestSlot, Sharing
from contactsync.tls import certificate_rejected

from .davxml import BadServerResponse, Multistatus, error_conditions, parse_multistatus, tag
from .options import AuthType as AuthType  # defined with the options; still importable from here

log = logging.getLogger(__name__)

DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024
_READ_CHUNK = 64 * 1024
_VALID_SYNC_TOKEN = tag("DAV:", "valid-sync-token")


class Method(enum.Enum):
    PROPFIND = "PROPFIND"
    REPORT = "REPORT"
    PUT = "PUT"
    DELETE = "DELETE"
    GET = "GET"
    MKCOL = "MKCOL"


class ResponseTooLarge(BadServerResponse):
    pass


class ServerError(Transient):
    """A 5xx answer. Usually passing, but a server may also fail on one card it cannot render."""


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """A non-multistatus answer: status, the headers we use, and the body (already size-capped)."""

    status: int
    etag: str | None
    location: str | None
    body: bytes


class DavTransport:
    """One logged-in connection to one DAV server. Not thread-safe (neither is the engine's use of it)."""

    def __init__(
        self,
        url: str,
        username: str | None,
        password: str | None,
        *,
        verify: bool | str = True,
        timeout: float = 30.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        auth_type: AuthType = AuthType.AUTO,
        sharing: Sharing | None = None,
    ) -> None:
        self.max_response_bytes = max_response_bytes
        self._counts: Counter[Method] = Counter()
        self._last_body = b""
        self._client = DAVClient(
            url=url,
            username=username,
            password=password,
            auth_type=None if auth_type is AuthType.AUTO else auth_type.value,
            timeout=timeout,  # type: ignore[arg-type]  # caldav annotates int, passes it on to niquests
            ssl_verify_cert=verify,
            # Xandikos answers 406 to caldav's default Accept; vCards are what we want anyway
            headers={"Accept": "text/vcard, application/xml, text/xml"},
            # no DNS SRV lookups: discovery is ours, from the URL the admin gave
            enable_rfc6764=False,
            # the engine honours Retry-After itself; a sleeping transport would hide the wait from it
            rate_limit_handle=False,
        )
        self._client.session.hooks["response"].append(self._read_capped)
        # `timeout` bounds each request whole (connect and the whole answer), not only each read
        self._deadline = timeout
        watch_session(self._client.session)
        #: each request holds a slot of the daemon's budget for its server (.sharing); none in a one-off sync
        self._request_slot: RequestSlot = sharing.request_slot if sharing is not None else nullcontext
        if sharing is not None and sharing.connections is not None:
            # connections come from the daemon's pool for this server, kept across accounts and runs; this
            # session keeps the account's login to itself (the pool holds connections only), and no cookie at all:
            # nothing a server hands out on a shared connection can ride along with another request
            origin = _origin(url)
            adapter = shared_adapter(sharing.connections, origin, verify, sharing.max_in_flight)
            self._client.session.mount(origin + "/", adapter)
            self._client.session.allow_incoming_cookies = False

    @property
    def request_counts(self) -> Mapping[str, int]:
        return MappingProxyType({m.value: self._counts[m] for m in Method})

    @property
    def negotiated_auth(self) -> AuthType | None:
        """The login the server's challenge chose (None before any, or when it was given): a further connection
        to the same server logs in so at once instead of paying a 401 of its own."""
        auth = self._client.auth
        if isinstance(auth, niquests.auth.HTTPDigestAuth):
            return AuthType.DIGEST
        if isinstance(auth, niquests.auth.HTTPBasicAuth):
            return AuthType.BASIC
        return None

    def close(self) -> None:
        self._client.close()

    # --- verbs -------------------------------------------------------------------------------------------

    def propfind(self, url: str, body: str, depth: int) -> Multistatus:
        answer = self._send(Method.PROPFIND, url, body, {"Depth": str(depth)})
        return self._multistatus(answer, url)

    def report(self, url: str, body: str, depth: int) -> Multistatus:
        answer = self._send(Method.REPORT, url, body, {"Depth": str(depth)})
        # RFC 6578 names the DAV:valid-sync-token precondition, not the status: servers answer 403, 409 (RFC 4918's
        # precondition status for a conflict with the resource's state) or 412
        if answer.status in (403, 409, 412) and _VALID_SYNC_TOKEN in error_conditions(answer.body):
            raise SyncTokenExpired("the server no longer accepts our sync token")
        if answer.status == 412:
            # Xandikos answers a bare 412 for an unknown token; nothing else in a REPORT has a precondition
            raise SyncTokenExpired("the server refused our sync token (412)")
        return self._multistatus(answer, url)

    def put(self, url: str, body: str, *, etag: str | None) -> HttpAnswer:
        """Create (``etag`` None: ``If-None-Match: *``) or replace (``If-Match``). Returns any 2xx/4xx answer;
        raises for auth, rate limits and server errors."""
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if etag is None:
            headers["If-None-Match"] = "*"
        else:
            headers["If-Match"] = etag
        return self._send(Method.PUT, url, body, headers)

    def delete(self, url: str, *, etag: str | None) -> HttpAnswer:
        return self._send(Method.DELETE, url, "", {"If-Match": etag} if etag else {})

    def redirect_target(self, url: str) -> str | None:
        """Where ``url`` redirects to (``/.well-known/carddav``), or None.

        Asked without following: the HTTP library would turn a PROPFIND into a GET on a 302.
        """
        self._counts[Method.PROPFIND] += 1
        try:
            with self._request_slot():
                response = self._client.session.request(
                    "PROPFIND",
                    url,
                    headers={"Depth": "0"},
                    allow_redirects=False,
                    auth=self._client.auth,
                    timeout=self._client.timeout,
                    verify=self._client.ssl_verify_cert,
                )
        except (niquests.exceptions.RequestException, BadServerResponse):
            # no well-known entry point is normal: discovery goes on with the other candidates
            return None
        location = response.headers.get("Location")
        if response.status_code in (301, 302, 303, 307, 308) and location:
            return urljoin(url, location)
        return None

    # --- plumbing ----------------------------------------------------------------------------------------

    def _multistatus(self, answer: HttpAnswer, url: str) -> Multistatus:
        if answer.status == 404:
            raise ConnectorError(f"{_path(url)} does not exist on the server (404)")
        if answer.status != 207:
            raise BadServerResponse(f"expected 207 Multi-Status from {_path(url)}, got {answer.status}")
        return parse_multistatus(answer.body)

    def _read_capped(
        self, response: niquests.PreparedRequest | niquests.Response, *args: Any, **kwargs: Any
    ) -> niquests.Response | None:
        """Response hook: read the body ourselves, refusing anything over the cap (compressed bombs too:
        the count is of decoded bytes). Runs before the HTTP library would read the whole body."""
        if not isinstance(response, niquests.Response):
            # niquests types one hook signature for every event; a "response" hook is only given responses
            return None
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_response_bytes:
            response.close()
            raise ResponseTooLarge(
                f"the server announced a {declared}-byte answer, over the {self.max_response_bytes}-byte limit"
            )
        chunks = []
        size = 0
        for chunk in response.iter_content(_READ_CHUNK):
            size += len(chunk)
            if size > self.max_response_bytes:
                response.close()
                raise ResponseTooLarge(f"the server's answer exceeds the {self.max_response_bytes}-byte limit")
            chunks.append(chunk)
        body = b"".join(chunks)
        # the library reads .content later; hand it what we read (the documented way to replace a body is
        # absent, so set the attributes `requests`-style libraries use for it)
        response._content = body
        response._content_consumed = True
        self._last_body = body
        return response

    def _send(self, method: Method, url: str, body: str, headers: Mapping[str, str]) -> HttpAnswer:
        self._counts[method] += 1
        self._last_body = b""
        # the wait for a slot is outside the request's deadline: a busy budget is not a slow server
        with self._request_slot():
            response = self._request(method, url, body, headers)
        status = int(response.status)
        if status >= 500 or status == 408:
            raise ServerError(f"{method.value} {_path(url)}: server error {status}")
        answer_headers = response.headers
        location = answer_headers.get("Location")
        return HttpAnswer(
            status, answer_headers.get("ETag"), urljoin(url, location) if location else None, self._last_body
        )

    def _request(self, method: Method, url: str, body: str, headers: Mapping[str, str]) -> Any:
        """One request through caldav (its 401 negotiation included), every failure translated."""
        try:
            with request_deadline(self._deadline):
                return self._client.request(url, method.value, body, dict(headers))
        except caldav_error.AuthorizationError as exc:
            self._raise_for_authorization(exc, url)
        except caldav_error.RateLimitError as exc:
            raise RateLimited(
                f"the server asks us to slow down ({exc.status})", retry_after=exc.retry_after_seconds
            ) from exc
        except ConnectorError:
            raise
        except RequestDeadlineExceeded as exc:
            raise Transient(f"{method.value} {_path(url)}: {exc}") from exc
        except niquests.exceptions.Timeout as exc:
            raise Transient(f"{method.value} {_path(url)} timed out") from exc
        except niquests.exceptions.SSLError as exc:
            # permanent: a certificate is not fixed by sending again
            raise certificate_rejected(exc, url) or AuthFailed(f"TLS failed for {_host(url)}: {exc}") from exc
        except niquests.exceptions.RequestException as exc:
            raise Transient(f"{method.value} {_path(url)} failed: {type(exc).__name__}: {exc}") from exc
        except (etree.LxmlError, UnicodeDecodeError, ValueError) as exc:
            # caldav parses every body with lxml first and gives up on what it cannot read
            raise BadServerResponse(
                f"the server's answer to {method.value} {_path(url)} is not XML we accept "
                f"({type(exc).__name__}: {str(exc)[:120]})"
            ) from exc

    def _raise_for_authorization(self, exc: caldav_error.AuthorizationError, url: str) -> NoReturn:
        body = exc.body.encode() if isinstance(exc.body, str) else (exc.body or b"")
        conditions = set(exc.preconditions) | set(error_conditions(body))
        if _VALID_SYNC_TOKEN in conditions:
            # RFC 6578: 403 + valid-sync-token means "start over", not "forbidden"
            raise SyncTokenExpired("the server no longer accepts our sync token") from exc
        if exc.status == 401:
            raise AuthFailed(f"{_host(url)} refused the username or password (401)") from exc
        raise AuthFailed(f"{_host(url)} forbids access to {_path(url)} (403)") from exc


class SharedAdapter(HTTPAdapter):
    """Kept-alive connections to one server, shared by the sessions of every account and run of a daemon.

    It takes no cookie from any answer: a session mounting it keeps none, so no account can send another's.
    A session closing (its account's run ending) leaves the connections open for the next; :meth:`dispose`
    closes them, with the daemon's pools (.sharing)."""

    def __init__(self, max_connections: int) -> None:
        super().__init__(pool_connections=2, pool_maxsize=max_connections, allow_incoming_cookies=False)

    def close(self) -> None:
        pass  # one account's session is done; the connections are the daemon's

    def dispose(self) -> None:
        super().close()


@dataclass(frozen=True, slots=True)
class _Pool:
    adapter: SharedAdapter

    def close(self) -> None:
        self.adapter.dispose()


#: connections kept per server when the daemon's budget sets no limit (niquests' own default)
_UNLIMITED_POOL_SIZE = 10


def shared_adapter(pools: ConnectionPools, origin: str, verify: bool | str, max_in_flight: int | None) -> SharedAdapter:
    """The daemon's pool for ``origin`` under one TLS setting (accounts trusting other CAs never share a
    connection: one was verified against the other's trust), holding as many connections as the budget lets
    requests be in flight."""
    key: Hashable = ("carddav", origin, verify)
    size = max_in_flight or _UNLIMITED_POOL_SIZE
    return pools.get(key, lambda: _Pool(SharedAdapter(size))).adapter


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


def _host(url: str) -> str:
    return urlsplit(url).netloc


def precondition_failed(status: int, what: str) -> PreconditionFailed:
    return PreconditionFailed(f"{what}: the card changed on the server since we read it ({status})", gone=status == 404)
