"""The endpoint checks every account gets: the server answers, its TLS certificate is trusted, our clock agrees.

An account's endpoints are the http(s) URLs among its options (``url``, ``endpoint``, ``graph_url`` …) and the
URL-valued ``default`` of each option its type's schema declares, so the core names no platform. Each is
checked with the standard library alone: a TCP connect (names the host and port that do not answer), a TLS
handshake with the trust the connector will use (``ca_bundle``, else the system's) that names the certificate
problem, and one ``HEAD`` whose ``Date`` header (RFC 9110 section 6.6.1, second resolution) measures the clock
skew. Signed tokens (a service account's JWT, an Entra assertion) are refused when the clock is off by minutes.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final
from urllib.parse import urlsplit

from ..checks import CheckResult, Outcome
from ..settings import AccountSettings
from ..tls import CA_BUNDLE_ADVICE, TLS_MISMATCH_REASONS, mismatch_problem

CONNECT_TIMEOUT: Final = 10.0
#: a clock off by more than this is reported: the Date header has one-second resolution, so a minute leaves
#: room for the round trip while catching the drift that makes token endpoints refuse us (their leeway is
#: about five minutes)
CLOCK_SKEW_WARN_S: Final = 60.0
#: a certificate expiring within this many days is reported before it breaks the daemon at night
CERT_EXPIRY_WARN_DAYS: Final = 14

CHECK_ENDPOINT: Final = "endpoint"
CHECK_TLS: Final = "tls"
CHECK_CLOCK: Final = "clock"


@dataclass(frozen=True)
class Endpoint:
    """One server an account talks to: the option it comes from, its URL, and the trust to use for it."""

    option: str
    url: str
    #: True: the system's CAs; a path: that PEM bundle (``ca_bundle``); False: verification off (``verify_tls``)
    verify: bool | str = True

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def https(self) -> bool:
        return urlsplit(self.url).scheme == "https"


def _is_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and bool(urlsplit(value).hostname)


def endpoints_of(account: AccountSettings, options_schema: Mapping[str, Any]) -> tuple[Endpoint, ...]:
    """The endpoints of ``account``: URL-valued options, then URL-valued schema defaults of options not given.

    One per host and port: two options on the same server (a token URL beside an API URL) are one TLS check.
    """
    options = account.options
    ca_bundle = options.get("ca_bundle")
    verify: bool | str = ca_bundle if isinstance(ca_bundle, str) and ca_bundle else True
    if options.get("verify_tls") is False:
        verify = False
    found: list[Endpoint] = [Endpoint(key, value, verify) for key, value in options.items() if _is_url(value)]
    properties = options_schema.get("properties", {})
    if isinstance(properties, Mapping):
        for key, spec in properties.items():
            default = spec.get("default") if isinstance(spec, Mapping) else None
            if key not in options and _is_url(default):
                found.append(Endpoint(key, str(default), verify))
    seen: set[tuple[str, str, int]] = set()
    unique = []
    for endpoint in found:
        where = (urlsplit(endpoint.url).scheme, endpoint.host, endpoint.port)
        if where not in seen:
            seen.add(where)
            unique.append(endpoint)
    return tuple(unique)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _context(endpoint: Endpoint) -> ssl.SSLContext:
    if endpoint.verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    cafile = endpoint.verify if isinstance(endpoint.verify, str) else None
    return ssl.create_default_context(cafile=cafile)


def _trust_fix(endpoint: Endpoint) -> str:
    if isinstance(endpoint.verify, str):
        return (
            f"the server's certificate must chain to a CA in ca_bundle ({endpoint.verify}): put the issuing CA's "
            "PEM there, or fix the certificate on the server"
        )
    # the same advice a sync's refused certificate gives (contactsync.tls)
    return CA_BUNDLE_ADVICE


def check_endpoint(account: str, endpoint: Endpoint, *, timeout: float = CONNECT_TIMEOUT) -> Iterator[CheckResult]:
    """Connect, TLS and clock results for one endpoint. Never raises: a failure is a result naming its fix."""
    where = f"{endpoint.host}:{endpoint.port}"
    label = CHECK_ENDPOINT
    try:
        raw = socket.create_connection((endpoint.host, endpoint.port), timeout=timeout)
    except socket.gaierror as exc:
        yield CheckResult(
            account,
            label,
            Outcome.FAIL,
            f"cannot resolve {endpoint.host}: {exc.strerror}",
            f"check options.{endpoint.option} for a typo, and this machine's DNS",
        )
        return
    except TimeoutError:
        yield CheckResult(
            account,
            label,
            Outcome.FAIL,
            f"{where} did not answer within {timeout:.0f}s",
            "a firewall or proxy may block the way out: allow this host and port from the machine running contactsync",
        )
        return
    except OSError as exc:
        yield CheckResult(
            account,
            label,
            Outcome.FAIL,
            f"cannot connect to {where}: {exc.strerror or exc}",
            f"check options.{endpoint.option} (host and port) and that the server is running",
        )
        return
    with raw:
        if not endpoint.https:
            if _loopback(endpoint.host):
                yield CheckResult(account, label, Outcome.PASS, f"{where} answers (plain HTTP on loopback)")
            else:
                yield CheckResult(
                    account,
                    label,
                    Outcome.WARN,
                    f"{where} answers over plain HTTP: the password and the contacts cross the network unencrypted",
                    f"use an https:// URL in options.{endpoint.option}",
                )
        else:
            yield CheckResult(account, label, Outcome.PASS, f"{where} answers")
            tls = _check_tls(account, endpoint, raw)
            yield tls
            if tls.outcome is Outcome.FAIL:
                yield CheckResult(account, CHECK_CLOCK, Outcome.SKIP, f"no trusted connection to {where}")
                return
    yield _check_clock(account, endpoint, timeout)


def _check_tls(account: str, endpoint: Endpoint, raw: socket.socket) -> CheckResult:
    context = _context(endpoint)
    try:
        with context.wrap_socket(raw, server_hostname=endpoint.host, do_handshake_on_connect=True) as tls:
            certificate = tls.getpeercert()
            version = tls.version()
    except ssl.SSLCertVerificationError as exc:
        return CheckResult(
            account,
            CHECK_TLS,
            Outcome.FAIL,
            f"the certificate of {endpoint.host} is not trusted: {exc.verify_message or exc.reason}",
            _trust_fix(endpoint),
        )
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionError) as exc:
        # closed or reset mid-handshake: the network, a proxy or firewall, a server restarting; a sync retries it
        return CheckResult(
            account,
            CHECK_TLS,
            Outcome.FAIL,
            f"the connection to {endpoint.host}:{endpoint.port} closed during the TLS handshake: {exc}",
            "a network problem, not the credentials: check the way to the server (a proxy or firewall cutting "
            f"TLS), then run the doctor again; if it lasts, check that options.{endpoint.option} names its HTTPS port",
        )
    except (ssl.SSLError, OSError) as exc:
        reason = str(getattr(exc, "reason", None) or "")
        if reason in TLS_MISMATCH_REASONS:
            problem, fix = mismatch_problem(reason, endpoint.host)
            return CheckResult(account, CHECK_TLS, Outcome.FAIL, f"{problem}: {exc}", fix)
        return CheckResult(
            account,
            CHECK_TLS,
            Outcome.FAIL,
            f"the TLS handshake with {endpoint.host}:{endpoint.port} failed: {exc}",
            f"check that options.{endpoint.option} names the server's HTTPS port (not plain HTTP)",
        )
    if endpoint.verify is False:
        return CheckResult(
            account,
            CHECK_TLS,
            Outcome.WARN,
            f"{endpoint.host}: {version}, certificate NOT verified (verify_tls: false): anyone on the way can read "
            "and change the contacts",
            "set verify_tls: true, with options.ca_bundle naming the server's CA if it is private",
        )
    expires = _expiry(certificate)
    trusted_by = f"ca_bundle {endpoint.verify}" if isinstance(endpoint.verify, str) else "the system's CAs"
    if expires is not None:
        days = (expires - datetime.now(UTC)).total_seconds() / 86400
        if days < CERT_EXPIRY_WARN_DAYS:
            return CheckResult(
                account,
                CHECK_TLS,
                Outcome.WARN,
                f"{endpoint.host}: the certificate expires in {days:.0f} days ({expires:%Y-%m-%d})",
                "renew the server's certificate before then, or the sync stops",
            )
        return CheckResult(
            account,
            CHECK_TLS,
            Outcome.PASS,
            f"{endpoint.host}: {version}, certificate trusted by {trusted_by}, valid until {expires:%Y-%m-%d}",
        )
    return CheckResult(account, CHECK_TLS, Outcome.PASS, f"{endpoint.host}: {version}, trusted by {trusted_by}")


def _expiry(certificate: Mapping[str, Any] | None) -> datetime | None:
    not_after = (certificate or {}).get("notAfter")
    if not isinstance(not_after, str):
        return None
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)


def _check_clock(account: str, endpoint: Endpoint, timeout: float) -> CheckResult:
    parts = urlsplit(endpoint.url)
    connection: http.client.HTTPConnection
    if endpoint.https:
        connection = http.client.HTTPSConnection(
            endpoint.host, endpoint.port, timeout=timeout, context=_context(endpoint)
        )
    else:
        connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=timeout)
    try:
        before = time.time()
        connection.request("HEAD", parts.path or "/", headers={"User-Agent": "contactsync-doctor"})
        response = connection.getresponse()
        after = time.time()
        date = response.getheader("Date")
    except (OSError, http.client.HTTPException) as exc:
        return CheckResult(account, CHECK_CLOCK, Outcome.SKIP, f"{endpoint.host} did not answer a HEAD request: {exc}")
    finally:
        connection.close()
    if not date:
        return CheckResult(account, CHECK_CLOCK, Outcome.SKIP, f"{endpoint.host} sends no Date header to compare with")
    try:
        server = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        return CheckResult(account, CHECK_CLOCK, Outcome.SKIP, f"{endpoint.host} sent an unreadable Date header")
    # the server stamped its answer somewhere between our send and receive, truncated to the second
    local = (before + after) / 2
    skew = server + 0.5 - local
    if abs(skew) > CLOCK_SKEW_WARN_S:
        direction = "behind" if skew > 0 else "ahead of"
        return CheckResult(
            account,
            CHECK_CLOCK,
            Outcome.WARN,
            f"this machine's clock is {abs(skew):.0f}s {direction} {endpoint.host}'s",
            "sign-ins and tokens are refused when the clock is off by minutes: turn on time synchronisation "
            "(`timedatectl set-ntp true`, chrony); if this machine is right, the server's clock is wrong",
        )
    return CheckResult(
        account, CHECK_CLOCK, Outcome.PASS, f"within {CLOCK_SKEW_WARN_S:.0f}s of {endpoint.host} ({skew:+.0f}s)"
    )
