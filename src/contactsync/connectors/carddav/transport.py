"""HTTP/DAV transport over ``caldav.DAVClient``: request counting, a response size cap, and error translation.

caldav brings auth negotiation (basic, digest), TLS options and the DAV verbs; everything it or the HTTP
library raises is translated here into :mod:`contactsync.errors`, so the connector above sees only our
error tree.
XML answers are re-parsed with defusedxml (:mod:`.davxml`): caldav's own lxml tree is never used.

In a daemon, an account's requests skip caldav's session and go on the daemon's kept-alive ``http.client``
connections (:mod:`.direct`, a fifth of the CPU per request) while its login is basic or not yet negotiated (the
401 challenging Basic is answered there too, so a basic login never uses a second pool of connections to its
server), and caldav's client is not even built until something needs it (a digest login, a redirect, a proxy).
"""

from __future__ import annotations

import enum
import http.client
import logging
import socket
import ssl
import threading
from collections import Counter
from collections.abc import Hashable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, NoReturn
from urllib.parse import urljoin, urlsplit

import niquests
from caldav.davclient import DAVClient  # not ``caldav.DAVClient``: the package resolves it lazily, untyped
from caldav.lib import error as caldav_error
from caldav.lib.auth import extract_auth_types, select_auth_type
from caldav.lib.python_utilities import to_wire
from lxml import etree
from niquests.adapters import HTTPAdapter
from niquests.structures import CaseInsensitiveDict
from niquests.utils import requote_uri

from contactsync.deadline import RequestDeadlineExceeded, request_deadline, watch_session
from contactsync.errors import (
    AuthFailed,
    CertificateRejected,
    ConnectorError,
    PreconditionFailed,
    RateLimited,
    SyncTokenExpired,
    Transient,
)
from contactsync.logs import shown_path  # one rule for a path shown (status shows hrefs by it)
from contactsync.sharing import ConnectionPools, RequestSlot, Sharing
from contactsync.tls import TLS_MISMATCH_REASONS, certificate_rejected, exception_causes, mismatch_problem

from .davxml import BadServerResponse, Multistatus, error_conditions, parse_multistatus, tag
from .direct import DirectAnswer, DirectPool, TooLarge, Undecodable, proxied, trust
from .options import AuthType as AuthType  # defined with the options; still importable from here

log = logging.getLogger(__name__)

DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024
#: Xandikos answers 406 to caldav's default Accept; vCards are what we want anyway
_ACCEPT = {"Accept": "text/vcard, application/xml, text/xml"}
_READ_CHUNK = 64 * 1024
_VALID_SYNC_TOKEN = tag("DAV:", "valid-sync-token")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


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


class TlsMismatch(ConnectorError):
    """The TLS handshake cannot succeed as the server is set up: no TLS version or cipher in common with this
    system, or a client certificate asked for. Permanent: the message names what the admin changes."""


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """A non-multistatus answer: status, the headers we use, and the body (already size-capped)."""

    status: int
    etag: str | None
    location: str | None
    body: bytes
    #: the seconds a Retry-After header asks for (a number, or an HTTP date); None without one. A 429 or a 503
    #: with one never gets here (a rate limit, raised); a 423 Locked may carry one (RFC 9110 section 10.2.3)
    retry_after: float | None = None


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
        negotiate_on_refusal: bool = False,
    ) -> None:
        self.max_response_bytes = max_response_bytes
        if (
            auth_type is AuthType.AUTO
            and negotiate_on_refusal
            and username
            and password is not None
            and urlsplit(url).scheme == "https"
        ):
            # over TLS the first request carries a basic login at once, as vdirsyncer and DAVx5 send theirs: no
            # round trip for a 401, and no anti-guessing delay a server adds to one (Radicale's 1 s, Nextcloud's
            # brute-force guard). A server that wants Digest refuses it and the challenge decides, as below.
            # Never over plain HTTP, where a basic login would cross the network readable
            auth_type = AuthType.BASIC
        #: ``auth_type`` is a guess (the scheme the server chose last time, or basic over TLS), not the admin's
        #: setting: a 401 to it starts the negotiation afresh instead of failing the account
        self._negotiate_on_refusal = negotiate_on_refusal and auth_type is not AuthType.AUTO
        self._counts: Counter[Method] = Counter()
        self._last_body = b""
        #: where :meth:`close` hands this transport back for the account's next run (:class:`KeptTransports`)
        self._kept: KeptTransports | None = None
        # `timeout` bounds each request whole (connect and the whole answer), not only each read
        self._deadline = timeout
        #: each request holds a slot of the daemon's budget for its server (.sharing); none in a one-off sync
        self._request_slot: RequestSlot = sharing.request_slot if sharing is not None else nullcontext
        self._origin = _origin(url)
        #: the daemon's kept-alive ``http.client`` connections to this server, for requests once the login is a
        #: settled basic one (:mod:`.direct`); None: every request goes through caldav's session
        self._direct: DirectPool | None = None
        if sharing is not None and sharing.connections is not None and not proxied(url):
            try:
                self._direct = direct_pool(sharing.connections, self._origin, verify, sharing.max_in_flight)
            except ssl.SSLError:
                # the CA file cannot be loaded (options.ca_bundle): the session's route says so at the first
                # request, as an error of this account (tls_failure), not a traceback out of the connector's making
                self._direct = None
        #: the basic login caldav's client would make for ``auth_type`` basic, while that client is not built: a
        #: daemon's account whose requests all take the direct route never builds one (0.45 ms of CPU: the client,
        #: its niquests session and its three adapters' pool managers, once per account and daemon, #18)
        self._early_auth: niquests.auth.HTTPBasicAuth | None = None
        if auth_type is AuthType.BASIC and username and password is not None:
            self._early_auth = niquests.auth.HTTPBasicAuth(username, password)
        #: no login before the first 401 (caldav's client builds none for ``auth: auto`` either)
        self._negotiates = auth_type is AuthType.AUTO
        self._built: DAVClient | None = None
        self._client_args = (url, username, password, auth_type, timeout, verify, sharing)

    @property
    def _client(self) -> DAVClient:
        """caldav's client, built on first use (see ``_early_auth``)."""
        if self._built is None:
            self._built = self._build_client(*self._client_args)
        return self._built

    def _build_client(
        self,
        url: str,
        username: str | None,
        password: str | None,
        auth_type: AuthType,
        timeout: float,
        verify: bool | str,
        sharing: Sharing | None,
    ) -> DAVClient:
        client = DAVClient(
            url=url,
            username=username,
            password=password,
            auth_type=None if auth_type is AuthType.AUTO else auth_type.value,
            timeout=timeout,  # type: ignore[arg-type]  # caldav annotates int, passes it on to niquests
            ssl_verify_cert=verify,
            headers=_ACCEPT,
            # no DNS SRV lookups: discovery is ours, from the URL the admin gave
            enable_rfc6764=False,
            # the engine honours Retry-After itself; a sleeping transport would hide the wait from it
            rate_limit_handle=False,
        )
        if self._early_auth is not None:
            client.auth = self._early_auth  # the login the direct route has used so far: the same one
        client.session.hooks["response"].append(self._read_capped)
        if sharing is not None and sharing.connections is not None:
            # connections come from the daemon's pool for this server, kept across accounts and runs; this
            # session keeps the account's login to itself (the pool holds connections only), and no cookie at all:
            # nothing a server hands out on a shared connection can ride along with another request
            adapter = shared_adapter(sharing.connections, self._origin, verify, sharing.max_in_flight)
            client.session.mount(self._origin + "/", adapter)
            client.session.allow_incoming_cookies = False
        # after the daemon's adapter is mounted: its connections obey the request's deadline too
        watch_session(client.session)
        return client

    def _auth(self) -> Any:
        """The login requests carry now (None: not settled, the next request negotiates it)."""
        if self._built is not None:
            return self._built.auth
        if self._early_auth is not None or self._negotiates:
            return self._early_auth
        return self._client.auth  # a login only caldav's client makes (digest given): built now

    @property
    def request_counts(self) -> Mapping[str, int]:
        return MappingProxyType({m.value: self._counts[m] for m in Method})

    @property
    def negotiated_auth(self) -> AuthType | None:
        """The login the server's challenge chose (None before any, or when it was given): a further connection
        to the same server logs in so at once instead of paying a 401 of its own."""
        auth = self._auth()
        if isinstance(auth, niquests.auth.HTTPDigestAuth):
            return AuthType.DIGEST
        if isinstance(auth, niquests.auth.HTTPBasicAuth):
            return AuthType.BASIC
        return None

    def keep_in(self, kept: KeptTransports) -> None:
        """On :meth:`close`, hand this transport to ``kept`` (its account's, in the daemon) instead of closing it."""
        self._kept = kept

    def reuse(self, sharing: Sharing) -> None:
        """Made ready for another run of the same account (taken from its :class:`KeptTransports`): that run's
        budget slot, its own request counts, no cookie (none is taken on the daemon's connections anyway). The
        login and the scheme the server chose stay: they are this account's."""
        self._request_slot = sharing.request_slot
        self._counts = Counter()
        self._last_body = b""
        if self._built is not None:
            self._built.session.cookies.clear()

    def close(self) -> None:
        if self._kept is not None and self._kept.give_back(self):
            return
        if self._built is not None:
            self._built.close()

    def open_connections(self, count: int) -> int:
        """Open up to ``count`` of the daemon's connections to this server now, no request sent (a daemon's start-up,
        #18); how many are open. None are opened where requests would not take them (no daemon's connections, a
        proxy, a login only caldav's client makes: a digest one, or none given); the deadline of a request bounds each
        connection's opening."""
        if self._direct is None or (self._early_auth is None and not self._negotiates):
            # the session's pool would carry its requests: connections opened on the direct route would only sit
            # there beside those, up to twice the budget open to the server
            return 0
        return self._direct.open(count, timeout=self._deadline)

    def discard(self) -> None:
        """Close for good (the daemon's :class:`KeptTransports` closing)."""
        self._kept = None
        if self._built is not None:
            self._built.close()

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

    def get(self, url: str) -> HttpAnswer:
        """A GET of one card (a card a multiget left out). Returns any 2xx/4xx answer; raises for auth, rate limits
        and server errors."""
        return self._send(Method.GET, url, "", {"Accept": "text/vcard"})

    def delete(self, url: str, *, etag: str | None) -> HttpAnswer:
        return self._send(Method.DELETE, url, "", {"If-Match": etag} if etag else {})

    def propfind_if_any(self, url: str, body: str) -> Multistatus | None:
        """A depth-0 PROPFIND of ``url``; None when nothing is there (404)."""
        answer = self._send(Method.PROPFIND, url, body, {"Depth": "0"})
        return None if answer.status == 404 else self._multistatus(answer, url)

    def mkcol(self, url: str, body: str) -> HttpAnswer:
        """An extended MKCOL (RFC 5689) of ``body`` at ``url``. Returns any 2xx/4xx answer; raises for auth, rate
        limits and server errors."""
        return self._send(Method.MKCOL, url, body, {"Content-Type": "application/xml; charset=utf-8"})

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
            raise ConnectorError(f"{self._shown(url)} does not exist on {_host(url)} (404)")
        if answer.status != 207:
            raise BadServerResponse(
                f"expected 207 Multi-Status from {_host(url)} for {self._shown(url)}, got {answer.status}"
            )
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
        unauthenticated = self._auth() is None
        # the wait for a slot is outside the request's deadline: a busy budget is not a slow server
        with self._request_slot():
            status, answer_headers = self._request(method, url, body, headers)
        if unauthenticated and self._auth() is not None:
            # the library answered the server's 401 by sending the request again with the login it asked for: two
            # requests crossed the wire, and `requests` in the run's summary counts what crossed (issue #15)
            self._counts[method] += 1
        if status >= 500 or status == 408:
            raise ServerError(f"{method.value} {self._shown(url)} on {_host(url)}: server error {status}")
        location = answer_headers.get("Location")
        wait = answer_headers.get("Retry-After")
        return HttpAnswer(
            status,
            answer_headers.get("ETag"),
            urljoin(url, location) if location else None,
            self._last_body,
            caldav_error.parse_retry_after(wait) if wait else None,
        )

    def _request(
        self, method: Method, url: str, body: str, headers: Mapping[str, str]
    ) -> tuple[int, Mapping[str, str]]:
        """One request (the answer's status and headers; the body is in ``_last_body``), every failure translated:
        a login not yet negotiated (or none ever asked for) on the daemon's connections (:meth:`_negotiate_direct`)
        or on caldav's session (:meth:`_negotiate_session`); once settled, straight through its session or the
        daemon's connections (:meth:`_send_settled`). caldav's own request only for what those leave to it."""
        try:
            with request_deadline(self._deadline):
                if self._auth() is None:
                    if self._direct is not None and _origin(url) == self._origin:
                        asked = self._negotiate_direct(self._direct, method, url, body, headers)
                    else:
                        asked = self._negotiate_session(method, url, body, headers)
                    if asked is not None:
                        return asked
                if self._auth() is not None:
                    return self._send_settled(method, url, body, headers)
                # nothing settled: a 401 naming no scheme (caldav's one guess of a basic login over TLS)
                answer = self._client.request(url, method.value, body, dict(headers))
                return int(answer.status), answer.headers
        except caldav_error.AuthorizationError as exc:
            if exc.status == 401 and self._negotiate_on_refusal:
                # the login scheme remembered from an earlier run is refused: forget it and negotiate, as with
                # `auth: auto` on a first run (the refused request, then the 401 round, then the request again)
                self._negotiate_on_refusal = False
                self._early_auth = None
                self._client.auth = None
                self._client.auth_type = None
                self._counts[method] += 1
                response = self._request(method, url, body, headers)
                if self._auth() is not None:
                    self._counts[method] += 1
                return response
            self._raise_for_authorization(exc, url)
        except caldav_error.RateLimitError as exc:
            raise RateLimited(
                f"the server asks us to slow down ({exc.status})", retry_after=exc.retry_after_seconds
            ) from exc
        except ConnectorError:
            raise
        except RequestDeadlineExceeded as exc:
            # our own text: the deadline in seconds
            raise Transient(f"{self._request_text(method, url)}: {exc}") from exc
        except niquests.exceptions.Timeout as exc:
            raise Transient(f"{self._request_text(method, url)} timed out") from exc
        except niquests.exceptions.SSLError as exc:
            raise tls_failure(exc, url) from exc
        except niquests.exceptions.RequestException as exc:
            raise Transient(f"{self._request_text(method, url)} failed: {failure_kind(exc)}") from exc
        except (etree.LxmlError, UnicodeDecodeError, ValueError) as exc:
            # caldav parses every body with lxml first and gives up on what it cannot read; the parser's text can
            # quote the body (a card's values), so only its type is said
            raise BadServerResponse(
                f"the server's answer to {self._request_text(method, url)} is not XML we accept ({type(exc).__name__})"
            ) from exc

    def _send_settled(
        self, method: Method, url: str, body: str, headers: Mapping[str, str], *, follow: bool = False
    ) -> tuple[int, Mapping[str, str]]:
        """What ``DAVClient.request`` does once its login is settled (``auth`` set: nothing left to negotiate), on
        the same session with the same arguments, without what we never use of it (#18): it parsed every answer
        with lxml into a tree we ignore (we parse the body ourselves, :mod:`.davxml`), formatted each request's
        headers and body for a debug line, and logged a body it could not parse, contact data included. Its two
        answers to a status are kept: a rate limit (429, or 503 with Retry-After) and a refused login (401, 403;
        no negotiation with a login set, as in caldav) raise caldav's own errors, translated in :meth:`_request`.
        ``follow``: a request known to be redirected, sent on the session (which follows it) only."""
        sent = self._headers(body, headers)
        auth = self._auth()
        if (
            self._direct is not None
            and not follow
            and type(auth) is niquests.auth.HTTPBasicAuth
            and _origin(url) == self._origin
        ):
            direct = self._send_direct(self._direct, auth, method, url, body, sent)
            if direct is not None:
                return direct
            # a redirect: sent again through the session, which follows it; both requests crossed the wire
            self._counts[method] += 1
        client = self._client
        answer = client.session.request(
            method.value,
            url,
            # caldav's line endings (CRLF), so what crosses the wire is unchanged (its helper is not annotated)
            data=to_wire(body),  # type: ignore[no-untyped-call]
            headers=sent,
            proxies={urlsplit(url).scheme: client.proxy} if client.proxy is not None else None,
            auth=client.auth,
            timeout=client.timeout,
            verify=client.ssl_verify_cert,
            cert=client.ssl_cert,
        )
        status = int(answer.status_code or 0)
        caldav_error.raise_if_rate_limited(status, url, answer.headers.get("Retry-After"))
        if status in (401, 403):
            client._raise_authorization_error(url, answer)
        return status, answer.headers

    def _headers(self, body: str, headers: Mapping[str, str]) -> CaseInsensitiveDict[str | bytes, str | bytes]:
        """The headers a request carries, merged as caldav merges them (case-insensitive; no Content-Type without a
        body): caldav's own (its client's, the same for every one of them), then ours."""
        sent = (self._built.headers if self._built is not None else _caldav_headers()).copy()
        for name, value in headers.items():
            sent[name] = value
        if not body and "Content-Type" in sent:
            del sent["Content-Type"]
        return sent

    def _negotiate_direct(
        self, direct: DirectPool, method: Method, url: str, body: str, headers: Mapping[str, str]
    ) -> tuple[int, Mapping[str, str]] | None:
        """What ``DAVClient.request`` does while no login is settled (``auth: auto`` before its first 401), on the
        daemon's ``http.client`` connections, so that a basic login never opens connections of the session's pool
        besides the direct route's (one budget of connections per server, #18): the request without a login; a
        401 whose challenge caldav answers with a basic login settles that login (the request is then sent again
        with it, :meth:`_send_settled`, as caldav sends it again); any other answer is the request's, judged as
        caldav judges it (429, 401, 403 raise its errors).

        A redirect is sent again through the session, which follows it (:meth:`_negotiate_session`: never through
        caldav's answer object, which warned of a card's content type and logged its text). None when the session
        is left the rest: a challenge caldav answers with another login (digest, bearer: built from this
        challenge, the session's from here on), or a 401 naming no scheme at all (caldav's one guess of a basic
        login over TLS)."""
        answer = self._exchange(direct, None, method, url, body, self._headers(body, headers))
        status = answer.status_code
        if status in _REDIRECTS:
            self._counts[method] += 1  # it crossed the wire; the session sends it again
            asked = self._negotiate_session(method, url, body, headers)
            if asked is None and self._auth() is not None:
                # the login the redirect's target asked for: sent again on the session, which follows the redirect
                # (as caldav sends it again; the daemon's connections would only be redirected once more)
                return self._send_settled(method, url, body, headers, follow=True)
            return asked
        caldav_error.raise_if_rate_limited(status, url, answer.headers.get("Retry-After"))
        username, password = self._client_args[1], self._client_args[2]
        challenge = answer.headers.get("WWW-Authenticate")
        if status == 401 and username is not None and password is not None:
            # caldav's _should_negotiate_auth: a challenge, credentials, no login yet (none: this is the first)
            if challenge is None:
                self._counts[method] += 1  # crossed the wire; the session's negotiation sends it again
                return None
            offered = extract_auth_types(challenge)
            if select_auth_type(offered, has_username=bool(username), has_password=bool(password)) == "basic":
                # caldav's build_auth_object for "basic": the same login _early_auth is for a given basic one
                self._early_auth = niquests.auth.HTTPBasicAuth(username, password)
                if self._built is not None:
                    self._built.auth = self._early_auth
            else:
                self._client._build_auth_from_401(challenge)
            return None
        if status in (401, 403):
            self._client._raise_authorization_error(url, answer)
        self._last_body = answer.content
        return status, answer.headers

    def _negotiate_session(
        self, method: Method, url: str, body: str, headers: Mapping[str, str]
    ) -> tuple[int, Mapping[str, str]] | None:
        """What ``DAVClient.request`` does while no login is settled (``auth: auto`` before its first 401, or a
        server that never asks for one), on its session as :meth:`_send_settled` sends a settled request: without
        caldav's answer object, which parsed every body with lxml, warned of any content type but XML, plain text
        and iCalendar (a WARNING, "Unexpected content type: text/vcard", for each card a GET read) and logged a
        body it could not parse as XML, a card's text, at INFO. On a server that asks for no login (Xandikos, a
        book behind a proxy that logs in for it) every request goes this way.

        The request without a login; a 401 whose challenge caldav answers settles that login (the request is then
        sent again with it, :meth:`_send_settled`, as caldav sends it again); any other answer is the request's,
        judged as caldav judges it (429, 401, 403 raise its errors). None, the request having crossed the wire,
        when caldav's request is left the rest: a 401 naming no scheme (its one guess of a basic login over TLS)."""
        client = self._client
        answer = client.session.request(
            method.value,
            url,
            data=to_wire(body),  # type: ignore[no-untyped-call]  # caldav's CRLF line endings, as in _send_settled
            headers=self._headers(body, headers),
            proxies={urlsplit(url).scheme: client.proxy} if client.proxy is not None else None,
            auth=None,
            timeout=client.timeout,
            verify=client.ssl_verify_cert,
            cert=client.ssl_cert,
        )
        status = int(answer.status_code or 0)
        caldav_error.raise_if_rate_limited(status, url, answer.headers.get("Retry-After"))
        username, password = self._client_args[1], self._client_args[2]
        if status == 401 and username is not None and password is not None:
            # caldav's _should_negotiate_auth: a challenge, credentials, no login yet (none: this is the first)
            challenge = answer.headers.get("WWW-Authenticate")
            if challenge is None:
                self._counts[method] += 1  # crossed the wire; caldav's request sends it again
                return None
            client._build_auth_from_401(challenge)
            return None
        if status in (401, 403):
            client._raise_authorization_error(url, answer)
        return status, answer.headers

    def _send_direct(
        self,
        direct: DirectPool,
        auth: niquests.auth.HTTPBasicAuth,
        method: Method,
        url: str,
        body: str,
        sent: Mapping[str, str],
    ) -> tuple[int, Mapping[str, str]] | None:
        """:meth:`_send_settled` on the daemon's ``http.client`` connections (:mod:`.direct`): the same request,
        headers and basic login, gzip accepted as the session accepted it. None for a redirect, which the session
        is left to send again and follow."""
        answer = self._exchange(direct, auth, method, url, body, sent)
        status = answer.status_code
        if status in _REDIRECTS:
            return None
        caldav_error.raise_if_rate_limited(status, url, answer.headers.get("Retry-After"))
        if status in (401, 403):
            self._client._raise_authorization_error(url, answer)
        self._last_body = answer.content
        return status, answer.headers

    def _exchange(
        self,
        direct: DirectPool,
        auth: niquests.auth.HTTPBasicAuth | None,
        method: Method,
        url: str,
        body: str,
        sent: Mapping[str, str],
    ) -> DirectAnswer:
        """One request on the daemon's connections, with ``auth``'s login or none, its failures translated."""
        parts = urlsplit(url)
        headers = dict(sent)
        if auth is not None:
            # the login exactly as the session's basic auth writes it (into any object with ``headers``)
            auth(_HeaderSink(headers))
        headers["Accept-Encoding"] = "gzip"
        # percent-encoded as the session's PreparedRequest does (a space or "ö" in the admin's URL)
        target = requote_uri((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        try:
            answer = direct.send(
                method.value,
                target,
                to_wire(body),  # type: ignore[no-untyped-call]  # caldav's CRLF line endings, as on the session
                headers,
                timeout=self._deadline,
                max_bytes=self.max_response_bytes,
            )
        except TooLarge as exc:
            raise ResponseTooLarge(str(exc)) from exc
        except Undecodable as exc:
            # our own text (the encoding the server named) and zlib's, which quotes nothing of the body
            raise BadServerResponse(f"{self._request_text(method, url)}: {exc}") from exc
        except ssl.SSLError as exc:
            raise tls_failure(exc, url) from exc
        except TimeoutError as exc:
            raise Transient(f"{self._request_text(method, url)} timed out") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise Transient(f"{self._request_text(method, url)} failed: {failure_kind(exc)}") from exc
        return answer

    def _shown(self, url: str) -> str:
        """``url``'s path as a message shows it (:func:`shown_path`: the login and the names masked)."""
        return shown_path(url, self._client_args[1])

    def _request_text(self, method: Method, url: str) -> str:
        """Which request, to which server and where in its tree, naming no one: ``PROPFIND
        /remote.php/dav/addressbooks/users/…/contacts/ on dav.example.com``."""
        return f"{method.value} {self._shown(url)} on {_host(url)}"

    def _raise_for_authorization(self, exc: caldav_error.AuthorizationError, url: str) -> NoReturn:
        body = exc.body.encode() if isinstance(exc.body, str) else (exc.body or b"")
        conditions = set(exc.preconditions) | set(error_conditions(body))
        if _VALID_SYNC_TOKEN in conditions:
            # RFC 6578: 403 + valid-sync-token means "start over", not "forbidden"
            raise SyncTokenExpired("the server no longer accepts our sync token") from exc
        if exc.status == 401:
            raise AuthFailed(f"{_host(url)} refused the username or password (401)") from exc
        raise AuthFailed(f"{_host(url)} forbids access to {self._shown(url)} (403)") from exc


@cache
def _caldav_headers() -> CaseInsensitiveDict[str | bytes, str | bytes]:
    """The headers caldav's client sends with ours (its User-Agent, Content-Type and our Accept): the same for
    every client, so read once from one (see ``DavTransport._early_auth``)."""
    client = DAVClient(url="http://localhost/", headers=_ACCEPT, enable_rfc6764=False, rate_limit_handle=False)
    client.close()
    return client.headers


class _HeaderSink:
    """What an ``auth`` object of the session writes its header into (``r.headers[...] = ...``)."""

    __slots__ = ("headers",)

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


class _ChainOrNone:
    """The TLS object of a connection as urllib3-future reads it after the handshake, with one difference: on a
    resumed session OpenSSL holds no verified chain (nothing was verified again: the session was, when it was
    made) and CPython answers None, which urllib3-future 2.25 takes the length of and fails with a TypeError.
    Here that is an empty chain; everything else is the connection's own."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def get_verified_chain(self) -> list[Any]:
        return self._inner.get_verified_chain() or []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _ResumingSocket(ssl.SSLSocket):
    """A TLS connection that hands its session to the next connection to the same server (see
    :class:`_ResumingContext`). TLS 1.3 sends the session ticket after the handshake, so it is kept after the
    first read that brings one."""

    _session_kept = False

    @property
    def sslobj(self) -> Any:
        # urllib3-future looks for ``sslobj`` before ``_sslobj`` (backend/hface.py, _post_conn)
        inner = getattr(self, "_sslobj", None)  # CPython's C-level TLS object; None once closed
        return _ChainOrNone(inner) if inner is not None else None

    def _keep_session(self) -> None:
        if not self._session_kept:
            context = self.context
            if isinstance(context, _ResumingContext) and context.keep(self):
                self._session_kept = True

    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes:
        data = super().recv(buflen, flags)
        self._keep_session()
        return data

    def recv_into(self, buffer: Any, nbytes: int | None = None, flags: int = 0) -> int:
        count = super().recv_into(buffer, nbytes, flags)
        self._keep_session()
        return count

    def read(self, len: int = 1024, buffer: Any = None) -> Any:  # ssl.SSLSocket's own names
        data = super().read(len, buffer)
        self._keep_session()
        return data


class _ResumingContext(ssl.SSLContext):
    """A client TLS context that resumes the last session it saw per server name (RFC 8446 2.2): a connection
    opened after another one to the same server (another slot, or after the server closed an idle one between
    runs) skips the certificate exchange and its verification. Sessions are made and resumed under this one
    context only, so only under the same trust settings; CPython refuses a session from another context."""

    sslsocket_class = _ResumingSocket
    _sessions: dict[str | None, ssl.SSLSession]
    _sessions_lock: threading.Lock

    @classmethod
    def make(cls) -> _ResumingContext:
        context = cls(ssl.PROTOCOL_TLS_CLIENT)
        context._sessions = {}
        context._sessions_lock = threading.Lock()
        return context

    def keep(self, sock: ssl.SSLSocket) -> bool:
        """Keep ``sock``'s session if it can be resumed; True once it was."""
        session = sock.session
        if session is None or not session.has_ticket:
            return False
        with self._sessions_lock:
            self._sessions[sock.server_hostname] = session
        return True

    def wrap_socket(
        self,
        sock: socket.socket,
        server_side: bool = False,
        do_handshake_on_connect: bool = True,
        suppress_ragged_eofs: bool = True,
        server_hostname: str | bytes | None = None,
        session: ssl.SSLSession | None = None,
    ) -> ssl.SSLSocket:
        if session is None and not server_side:
            with self._sessions_lock:
                session = self._sessions.get(server_hostname if not isinstance(server_hostname, bytes) else None)
        return super().wrap_socket(
            sock, server_side, do_handshake_on_connect, suppress_ragged_eofs, server_hostname, session
        )


class SharedAdapter(HTTPAdapter):
    """Kept-alive connections to one server, shared by the sessions of every account and run of a daemon.

    It takes no cookie from any answer: a session mounting it keeps none, so no account can send another's.
    A session closing (its account's run ending) leaves the connections open for the next; :meth:`dispose`
    closes them, with the daemon's pools (.sharing). Connections it opens after the first resume that one's TLS
    session (:class:`_ResumingContext`), unless certificates are not checked at all (``verify_tls: false``)."""

    def __init__(self, max_connections: int, *, resume_tls: bool) -> None:
        # set before the base class builds its pool manager (init_poolmanager, below)
        self._tls_context = _ResumingContext.make() if resume_tls else None
        super().__init__(pool_connections=2, pool_maxsize=max_connections, allow_incoming_cookies=False)

    def init_poolmanager(self, *args: Any, **pool_kwargs: Any) -> None:
        if self._tls_context is not None:
            # urllib3-future loads the trust (the CA bundle, or the system's) into it as into its own; given a
            # context, it makes no other
            pool_kwargs["ssl_context"] = self._tls_context
        super().init_poolmanager(*args, **pool_kwargs)

    def close(self) -> None:
        pass  # one account's session is done; the connections are the daemon's

    def dispose(self) -> None:
        super().close()


class KeptTransports:
    """One account's transports between its runs in a daemon: a run's connector closing hands its transports back
    here, and the account's next run takes them instead of building a DAVClient and HTTP session again (a third of
    the CardDAV connector's CPU in a run with nothing to do, issue #18).

    Kept per account, under a key naming the account and every option the transport was built from
    (:func:`kept_transports`): another account never gets one (its login, its negotiated digest state, anything a
    session holds stays with the account that made it), and changed options (a reload) build new ones. An
    account's runs never overlap in one daemon (its lease), and ``take`` is atomic besides: one transport serves
    one run at a time. Kept until the daemon closes its pools (:class:`~contactsync.sharing.ConnectionPools`)."""

    def __init__(self, most: int) -> None:
        self._most = most
        self._idle: list[DavTransport] = []
        self._lock = threading.Lock()
        self._closed = False

    def take(self) -> DavTransport | None:
        with self._lock:
            return self._idle.pop() if self._idle else None

    def give_back(self, transport: DavTransport) -> bool:
        """Keep ``transport`` for the account's next run; False (the caller closes it) once closed or full."""
        with self._lock:
            if self._closed or len(self._idle) >= self._most or transport in self._idle:
                return False
            self._idle.append(transport)
            return True

    def close(self) -> None:
        with self._lock:
            idle, self._idle, self._closed = self._idle, [], True
        for transport in idle:
            transport.discard()


def kept_transports(pools: ConnectionPools, account: str, identity: Hashable, most: int) -> KeptTransports:
    """The daemon's :class:`KeptTransports` of ``account`` built from the options and login in ``identity``."""
    return pools.get(("carddav-transports", account, identity), lambda: KeptTransports(most))


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
    return pools.get(key, lambda: _Pool(SharedAdapter(size, resume_tls=verify is not False))).adapter


def direct_pool(pools: ConnectionPools, origin: str, verify: bool | str, max_in_flight: int | None) -> DirectPool:
    """The daemon's ``http.client`` connections to ``origin`` under one TLS setting (:mod:`.direct`), as many kept
    as the budget lets requests be in flight, TLS sessions resumed unless certificates are not checked at all."""
    key: Hashable = ("carddav-direct", origin, verify)
    size = max_in_flight or _UNLIMITED_POOL_SIZE

    def make() -> DirectPool:
        context: ssl.SSLContext | None = None
        if origin.startswith("https:"):
            plain = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context = trust(_ResumingContext.make() if verify is not False else plain, verify)
        return DirectPool(origin, context, size)

    return pools.get(key, make)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


#: what a failure below HTTP is, in the admin's words, by the OS's exception met under the library's wrappers
_FAILURE_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (socket.gaierror, "the server's name does not resolve"),
    (http.client.RemoteDisconnected, "the server closed the connection without answering"),
    (ConnectionRefusedError, "connection refused"),
    (ConnectionResetError, "connection reset"),
    (ConnectionAbortedError, "connection aborted"),
    (BrokenPipeError, "the connection closed while sending"),
    (TimeoutError, "timed out"),
)


def failure_kind(exc: BaseException) -> str:
    """What failed below HTTP, in words that name no one: the kind ("connection refused", "connection reset",
    "timed out", a name that does not resolve) of the first OS error under ``exc``, with its type and the OS's own
    words (``strerror``) when it has them; else the types of the errors in the chain. Never an HTTP library's text:
    niquests and urllib3 repeat the URL in it ("Max retries exceeded with url: /addressbooks/users/ana@…")."""
    chain = list(exception_causes(exc))
    for current in chain:
        word = next((w for kind, w in _FAILURE_KINDS if isinstance(current, kind)), None)
        if word is not None:
            said = _strerror(current)
            return f"{word} ({type(current).__name__}{': ' + said if said else ''})"
    for current in chain:
        said = _strerror(current)
        if said:
            return f"{type(current).__name__}: {said}"
    return ", ".join(dict.fromkeys(type(e).__name__ for e in chain))


def _strerror(exc: BaseException) -> str:
    """The OS's words for an error with an errno ("Connection refused"); "" for any other (an OSError made with a
    message of its own, which a library may have written the URL into), or one about a file (its name)."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename is None and isinstance(exc.errno, int):
        return str(exc.strerror)
    return ""


def _host(url: str) -> str:
    return urlsplit(url).netloc


#: the server wants a TLS client certificate, which a CardDAV account has no option to present
_CLIENT_CERTIFICATE = frozenset({"TLSV13_ALERT_CERTIFICATE_REQUIRED", "SSLV3_ALERT_BAD_CERTIFICATE"})
#: what came back was not TLS at all: a plain-HTTP port, a proxy's or a captive portal's page
_NOT_TLS = frozenset({"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "HTTPS_PROXY_REQUEST", "RECORD_LAYER_FAILURE"})


def _ssl_error(exc: BaseException) -> ssl.SSLError | None:
    """The ``ssl.SSLError`` somewhere under ``exc`` (an HTTP library's wrappers: causes, contexts, arguments)."""
    return next((e for e in exception_causes(exc) if isinstance(e, ssl.SSLError)), None)


def tls_failure(exc: BaseException, url: str) -> CertificateRejected | TlsMismatch | Transient:
    """A TLS failure talking to ``url``'s server as what it is for the admin, never as refused credentials:

    - a certificate that failed verification: CertificateRejected (permanent, names the fix);
    - no TLS version or cipher in common, or a client certificate asked for: TlsMismatch, permanent, naming
      what to change (sending again gets the same answer);
    - the connection closed or reset during the handshake (a server restarting, a proxy or firewall cutting it,
      a flaky link), an answer that is not TLS, anything else: Transient, retried like any network failure."""
    rejected = certificate_rejected(exc, url)
    if rejected is not None:
        return rejected
    host = _host(url)
    found = _ssl_error(exc)
    reason = str(getattr(found, "reason", None) or "")
    if getattr(found, "library", None) in ("X509", "PEM"):
        # not the server's answer: this system could not load the CA file it was told to trust (options.ca_bundle,
        # REQUESTS_CA_BUNDLE): no network problem, and sending again fails the same way
        problem = f"the CA bundle could not be read ({reason or 'not a PEM file'})"
        return CertificateRejected(
            f"the TLS certificate of {urlsplit(url).hostname or host} could not be checked: {problem}; point "
            "options.ca_bundle at a PEM file of the CA certificates to trust",
            host=urlsplit(url).hostname or host,
            problem=problem,
        )
    if reason in TLS_MISMATCH_REASONS:
        # no version or cipher in common, or (unrecognized_name) no certificate for the host name sent: tls.py
        # words each with the server setting to change
        problem, fix = mismatch_problem(reason, urlsplit(url).hostname or host)
        return TlsMismatch(f"{problem}: {fix}; retrying does not help")
    if reason in _CLIENT_CERTIFICATE:
        return TlsMismatch(
            f"{host} asks for a TLS client certificate (OpenSSL: {reason}), which contactsync does not present: "
            "the server (or the proxy in front of it) must let this client in without one"
        )
    if reason in _NOT_TLS:
        return Transient(
            f"{host} did not answer in TLS (OpenSSL: {reason}): retried later; if it lasts, check that options.url "
            "names the server's HTTPS port (a plain-HTTP port answers so) and any proxy in the way"
        )
    if isinstance(found, ssl.SSLEOFError | ssl.SSLZeroReturnError | ssl.SSLSyscallError):
        return Transient(
            f"the connection to {host} closed during TLS (a network problem, the server restarting, or a proxy or "
            "firewall cutting it): retried later"
        )
    # not the library's text: it can carry the URL's path, which may name the user
    what = reason or type(found if found is not None else exc).__name__
    return Transient(f"TLS with {host} failed ({what}): a network problem, retried later")


def precondition_failed(status: int, what: str) -> PreconditionFailed:
    return PreconditionFailed(f"{what}: the card changed on the server since we read it ({status})", gone=status == 404)
