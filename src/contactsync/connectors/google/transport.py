"""How requests reach Google: an HTTP object that never re-sends, and error translation.

Why not the client library's defaults:

- httplib2 (googleapiclient's default transport) re-sends a request once, whatever its method, when the server
  closes the connection without answering (``_conn_request`` treats that as a stale keep-alive connection,
  regardless of ``httplib2.RETRIES``). After a create that the server applied, that re-send creates the contact
  a second time and the client sees success. :class:`SingleShotHttp` speaks httplib2's ``request`` interface to
  googleapiclient over ``requests`` with urllib3 retries off, so a request is sent exactly once; a lost answer
  surfaces as :class:`Transient` and the engine adopts the contact by its marker in the next pull.
- ``execute(num_retries=N)`` ignores Retry-After. :class:`Api` sends each request once (``num_retries=0``) and
  raises our typed errors; whether and when to send again is decided by the one policy in
  :mod:`contactsync.retry`, applied by the engine.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
from typing import Any

import google.auth.exceptions
import httplib2
import requests
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from googleapiclient.errors import HttpError

from contactsync.deadline import DeadlineAdapter, request_deadline
from contactsync.errors import (
    AuthFailed,
    ConnectorError,
    ItemRejected,
    PreconditionFailed,
    RateLimited,
    SyncTokenExpired,
    Transient,
)
from contactsync.retry import parse_retry_after
from contactsync.tls import certificate_rejected

log = logging.getLogger("contactsync.google")

#: Google's certificates are public: a refused one means something in between (a TLS-inspecting proxy) whose CA
#: the system does not trust; Google accounts have no ca_bundle option, the system's trust store is used
GOOGLE_CERTIFICATE_ADVICE = (
    "Google's certificates are public, so something between this host and Google (a TLS-inspecting proxy?) "
    "presented its own: add that proxy's CA to the system's trust store (Google accounts have no `ca_bundle` "
    "option; CardDAV and Outlook accounts do)"
)

JsonDict = dict[str, Any]


class AlreadyExists(ItemRejected):
    """409 ALREADY_EXISTS (a contact group of that name exists)."""


class SingleShotHttp:
    """The part of ``httplib2.Http`` googleapiclient uses, over an authorized ``requests`` session.

    Each request is sent once: urllib3 does not retry, and a connection dropped after the request was sent
    raises instead of re-sending. google-auth refreshes the access token and re-sends on a 401, which is safe:
    a 401 is answered before anything is applied. ``timeout`` bounds the whole request (connect and the whole
    answer, :mod:`contactsync.deadline`), not only each read.
    """

    def __init__(self, credentials: Credentials, *, timeout: float) -> None:
        self.credentials = credentials  # googleapiclient reads it to check the universe domain
        self.timeout = timeout
        self._session = AuthorizedSession(credentials)
        adapter = DeadlineAdapter(max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        try:
            with request_deadline(self.timeout):
                answer = self._session.request(
                    method, uri, data=body, headers=headers, timeout=self.timeout, allow_redirects=False
                )
        except requests.exceptions.SSLError as exc:
            rejected = certificate_rejected(exc, uri, advice=GOOGLE_CERTIFICATE_ADVICE)
            if rejected is None:
                raise
            raise rejected from exc  # permanent, and past googleapiclient as it is: a ConnectorError

        info = {name.lower(): value for name, value in answer.headers.items()}
        info["status"] = str(answer.status_code)
        response = httplib2.Response(info)
        response.reason = answer.reason or ""
        return response, answer.content

    def close(self) -> None:
        self._session.close()


#: a value Google quotes back ("Invalid value at 'person.birthdays[0]' (TYPE_INT32), \"Ana\""): the field's path
#: is in single quotes and stays, the value is in double quotes
_QUOTED_VALUE = re.compile(r'"[^"]*"?')
_EMAIL = re.compile(r"[^\s\"'<>(),;:]+@[^\s\"'<>(),;:]+")
#: a phone number, or any id long enough to be one (digits with their usual separators)
_PHONE = re.compile(r"\+?\d[\d ().-]{5,}\d")


def scrubbed(message: str) -> str:
    """A platform's error message as a ConnectorError may carry it whatever ``log.personal_data`` says: its first
    line, at most 200 characters, with every value it quotes back ("…"), every email-shaped token and every run of
    digits long enough to be a phone number replaced by "…". What is left names the field, the limit or the rule
    ("Invalid value at 'person.birthdays[0].date.month' (TYPE_INT32), …"), which is what an admin acts on."""
    # bounded before the patterns run: they are linear per token but a hostile or broken answer may be megabytes;
    # 2,000 characters leave what is masked whole at the 200 kept
    line = (message.splitlines()[0] if message else "")[:2000]
    line = _QUOTED_VALUE.sub("…", line)
    line = _EMAIL.sub("…", line)
    return _PHONE.sub("…", line)[:200]


def _details(error: HttpError) -> tuple[str, str, list[str], str]:
    """(status, message, ErrorInfo reasons, Retry-After) of a Google error answer."""
    status = message = ""
    reasons: list[str] = []
    try:
        body = json.loads(error.content or b"{}")
        inner = body.get("error", {}) if isinstance(body, dict) else {}
        if isinstance(inner, dict):
            status = str(inner.get("status", ""))
            message = scrubbed(str(inner.get("message", "")))
            for detail in inner.get("details", []) or []:
                if isinstance(detail, dict) and isinstance(detail.get("reason"), str):
                    reasons.append(detail["reason"])
    except (ValueError, UnicodeDecodeError):
        pass
    retry_after = str(error.resp.get("retry-after", "")) if error.resp is not None else ""
    return status, message, reasons, retry_after


#: Google's read and write quotas are counted per minute per user (People API "Usage limits"); a 429 for one of
#: them may come without Retry-After, and trying again before the minute is over only spends the next request
QUOTA_WINDOW_S = 60.0


def translate(error: HttpError, *, account: str, auth_hint: str) -> ConnectorError:
    """A Google error answer as our error. Matches on the ErrorInfo reason first, then the status."""
    code = error.resp.status if error.resp is not None else 0
    status, message, reasons, retry_after = _details(error)
    said = f"Google answered {code} {status}: {message}".strip()
    if "EXPIRED_SYNC_TOKEN" in reasons or (code == 400 and "sync token" in message.lower()):
        return SyncTokenExpired(f"{said} (a full listing follows)", account=account)
    if code == 429 or status == "RESOURCE_EXHAUSTED" or {"RATE_LIMIT_EXCEEDED", "rateLimitExceeded"} & set(reasons):
        return RateLimited(
            said, retry_after=parse_retry_after(retry_after or None), window_s=QUOTA_WINDOW_S, account=account
        )
    if code in (401, 403):
        return AuthFailed(f"{said}. {auth_hint}", account=account)
    if code == 404:
        return PreconditionFailed(said, gone=True, account=account)
    if status == "ABORTED":
        # a concurrency conflict (another mutation for the user at the same moment): nothing was applied, and
        # the same request may go again later; not a refusal of the item
        return Transient(said, account=account)
    if code == 409:
        return AlreadyExists(said, account=account)
    if status == "FAILED_PRECONDITION" or code == 412:
        return PreconditionFailed(said, account=account)
    if code >= 500 or code in (408,):
        return Transient(said, account=account)
    return ItemRejected(said, account=account)


def translate_io(exc: BaseException, *, account: str, auth_hint: str) -> ConnectorError:
    if isinstance(exc, google.auth.exceptions.RefreshError) and not getattr(exc, "retryable", False):
        return AuthFailed(f"Google refused to issue an access token ({_first_line(exc)}). {auth_hint}", account=account)
    return Transient(
        f"no answer from Google ({type(exc).__name__}); the request may or may not have been applied", account=account
    )


def _first_line(exc: BaseException) -> str:
    """google-auth's refusal ("invalid_grant: Invalid email or User ID"), scrubbed: it may quote the subject a
    service account acts for, an email."""
    text = str(exc).splitlines()
    return scrubbed(text[0]) if text else type(exc).__name__


#: what a request can fail with below the HTTP layer (resets, timeouts, refused connections, token endpoint)
IO_ERRORS: tuple[type[BaseException], ...] = (
    requests.RequestException,
    google.auth.exceptions.TransportError,
    google.auth.exceptions.RefreshError,
    httplib2.HttpLib2Error,
    socket.timeout,
    ConnectionError,
    OSError,
)


class Api:
    """Executes googleapiclient requests, each sent once, with translated errors."""

    def __init__(self, account: str, *, auth_hint: str) -> None:
        self.account = account
        self.auth_hint = auth_hint
        #: requests sent, by method id (``people.connections.list``): for logs and benchmarks
        self.sent: dict[str, int] = {}
        self._sent_lock = threading.Lock()  # reads of one user may be sent from several threads at once

    def execute(self, request: Any) -> JsonDict:
        """Send ``request`` once. Never re-sent here: after a 5xx or a lost answer a create may have been applied,
        and only the engine's retry policy knows whether the call may be repeated.

        Raises AuthFailed, RateLimited, Transient, PreconditionFailed, SyncTokenExpired, ItemRejected.
        """
        method = str(getattr(request, "methodId", "") or "request")
        with self._sent_lock:
            self.sent[method] = self.sent.get(method, 0) + 1
        try:
            answer = request.execute(num_retries=0)
        except HttpError as exc:
            raise translate(exc, account=self.account, auth_hint=self.auth_hint) from exc
        except IO_ERRORS as exc:
            raise translate_io(exc, account=self.account, auth_hint=self.auth_hint) from exc
        return answer if isinstance(answer, dict) else {}
