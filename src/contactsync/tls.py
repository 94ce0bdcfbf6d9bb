"""A TLS certificate the client refused, as a permanent error that tells the admin what to do.

Retrying cannot fix a certificate: an expired, self-signed or wrongly named one, or one signed by a private CA
the system does not trust, fails the same way every time (before, it was retried as transient, 9 times on Google,
with "SSLError" as the only words). :func:`certificate_rejected` finds the verification failure under whatever an
HTTP library wrapped it in and names the host, the problem and the fix.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from urllib.parse import urlsplit

from .errors import CertificateRejected

__all__ = [
    "CA_BUNDLE_ADVICE",
    "TLS_MISMATCH_REASONS",
    "TLS_UNRECOGNIZED_NAME",
    "certificate_rejected",
    "mismatch_problem",
]

#: the fix for connectors that have the option (CardDAV, Outlook)
CA_BUNDLE_ADVICE = (
    "if the server's certificate is signed by a private CA (or a TLS-inspecting proxy's), set the account's "
    "`ca_bundle` option to a PEM file of that CA; otherwise the server's certificate must be fixed"
)

#: OpenSSL's reasons (``ssl.SSLError.reason``) for a handshake the server and this system cannot agree on: no TLS
#: version or cipher in common, or what the server offers is too weak for this system's policy. Sending again gets
#: the same answer (the CardDAV transport's ``tls_failure`` and the doctor's TLS check sort by it)
TLS_MISMATCH_REASONS = frozenset(
    {
        "UNSUPPORTED_PROTOCOL",
        "TLSV1_ALERT_PROTOCOL_VERSION",
        "NO_PROTOCOLS_AVAILABLE",
        "WRONG_SSL_VERSION",
        "SSLV3_ALERT_HANDSHAKE_FAILURE",
        "NO_SHARED_CIPHER",
        "NO_CIPHERS_AVAILABLE",
        "NO_CIPHER_MATCH",
        "TLSV1_ALERT_INSUFFICIENT_SECURITY",
        "DH_KEY_TOO_SMALL",
        "NO_SUITABLE_SIGNATURE_ALGORITHM",
        "NO_SHARED_SIGNATURE_ALGORITHMS",
        "UNSAFE_LEGACY_RENEGOTIATION_DISABLED",
        "TLSV1_UNRECOGNIZED_NAME",
    }
)

#: the server's ``unrecognized_name`` alert: it holds no certificate for the host name the client sent (SNI), a
#: setting of the server (or of the proxy in front of it): permanent like the reasons above, with its own advice.
#: Retried as transient, it failed every cycle forever with "a network problem"
TLS_UNRECOGNIZED_NAME = "TLSV1_UNRECOGNIZED_NAME"


def mismatch_problem(reason: str, host: str) -> tuple[str, str]:
    """What a handshake that failed for ``reason`` (one of :data:`TLS_MISMATCH_REASONS`) with ``host`` says: the
    problem, and what to change on the server."""
    if reason == TLS_UNRECOGNIZED_NAME:
        return (
            f"{host} has no TLS certificate for the host name it was asked for (alert unrecognized_name, OpenSSL: "
            f"{reason})",
            f"the server's host name setting (its server name, virtual host or SNI names; or the proxy's in front of "
            f"it) must include {host}, or the account's URL must name a host the server is set up for",
        )
    return (
        f"{host} and this system share no TLS version or cipher (OpenSSL: {reason})",
        "the server (or the proxy in front of it) must offer TLS 1.2 or later with a current cipher",
    )


def exception_causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception under it (an HTTP library's wrappers: causes, contexts, arguments, ``reason``),
    outermost first."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        todo.extend(a for a in current.args if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)


def _verification_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate verification failure somewhere under ``exc``, None when there is none."""
    return next((e for e in exception_causes(exc) if isinstance(e, ssl.SSLCertVerificationError)), None)


def certificate_rejected(
    exc: BaseException, url: str | None = None, *, account: str = "", advice: str = CA_BUNDLE_ADVICE
) -> CertificateRejected | None:
    """``exc`` as a CertificateRejected naming the host (of ``url``, else of the request ``exc`` carries), the
    certificate problem and ``advice``; None when ``exc`` is no certificate verification failure (then it is the
    caller's to translate)."""
    found = _verification_error(exc)
    if found is None:
        return None
    problem = found.verify_message or str(found)
    if url is None:
        request = getattr(exc, "request", None)  # requests and niquests exceptions carry the request they sent
        url = str(getattr(request, "url", "") or "")
    host = urlsplit(url).hostname or url or "the server"
    return CertificateRejected(
        f"the TLS certificate of {host} was refused: {problem}; {advice}", host=host, problem=problem, account=account
    )
