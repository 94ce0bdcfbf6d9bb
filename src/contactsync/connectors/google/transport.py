"""How requests reach Google: an HTTP object that never re-sends, retries we control, and error translation.

Why not the client library's defaults:

- httplib2 (googleapiclient's default transport) re-sends a request once, whatever its method, when the server
  closes the connection without answering (``_conn_request`` treats that as a stale keep-alive connection,
  regardless of ``httplib2.RETRIES``). After a create that the server applied, that re-send creates the contact
  a second time and the client sees success. :class:`SingleShotHttp` speaks httplib2's ``request`` interface to
  googleapiclient over ``requests`` with urllib3 retries off, so a request is sent exactly once; a lost answer
  surfaces as :class:`Transient` and the engine adopts the contact by its marker in the next pull.
- ``execute(num_retries=N)`` ignores Retry-After. :class:`Api` retries with tenacity: rate limits after the
  wait Google asks for (capped), server errors and resets with backoff, and creates never after an unknown
  outcome.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable
from typing import Any

import google.auth.exceptions
import httplib2
import requests
import requests.adapters
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from googleapiclient.errors import HttpError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from contactsync.errors import (
    AuthFailed,
    ConnectorError,
    ItemRejected,
    PreconditionFailed,
    RateLimited,
    SyncTokenExpired,
    Transient,
)

log = logging.getLogger("contactsync.google")

JsonDict = dict[str, Any]


class AlreadyExists(ItemRejected):
    """409 ALREADY_EXISTS (a contact group of that name exists)."""


class SingleShotHttp:
    """The part of ``httplib2.Http`` googleapiclient uses, over an authorized ``requests`` session.

    Each request is sent once: urllib3 does not retry, and a connection dropped after the request was sent
    raises instead of re-sending. google-auth refreshes the access token and re-sends on a 401, which is safe:
    a 401 is answered before anything is applied.
    """

    def __init__(self, credentials: Credentials, *, timeout: float) -> None:
        self.credentials = credentials  # googleapiclient reads it to check the universe domain
        self.timeout = timeout
        self._session = AuthorizedSession(credentials)
        adapter = requests.adapters.HTTPAdapter(max_retries=0)
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
        answer = self._session.request(
            method, uri, data=body, headers=headers, timeout=self.timeout, allow_redirects=False
        )
        info = {name.lower(): value for name, value in answer.headers.items()}
        info["status"] = str(answer.status_code)
        response = httplib2.Response(info)
        response.reason = answer.reason or ""
        return response, answer.content

    def close(self) -> None:
        self._session.close()


def _details(error: HttpError) -> tuple[str, str, list[str], str]:
    """(status, message, ErrorInfo reasons, Retry-After) of a Google error answer."""
    status = message = ""
    reasons: list[str] = []
    try:
        body = json.loads(error.content or b"{}")
        inner = body.get("error", {}) if isinstance(body, dict) else {}
        if isinstance(inner, dict):
            status = str(inner.get("status", ""))
            message = str(inner.get("message", ""))
            for detail in inner.get("details", []) or []:
                if isinstance(detail, dict) and isinstance(detail.get("reason"), str):
                    reasons.append(detail["reason"])
    except (ValueError, UnicodeDecodeError):
        pass
    retry_after = str(error.resp.get("retry-after", "")) if error.resp is not None else ""
    return status, message, reasons, retry_after


def _seconds(value: str) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: Google sends seconds; treat anything else as "not said"


def translate(error: HttpError, *, account: str, auth_hint: str) -> ConnectorError:
    """A Google error answer as our error. Matches on the ErrorInfo reason first, then the status."""
    code = error.resp.status if error.resp is not None else 0
    status, message, reasons, retry_after = _details(error)
    said = f"Google answered {code} {status}: {message}".strip()
    if "EXPIRED_SYNC_TOKEN" in reasons or (code == 400 and "sync token" in message.lower()):
        return SyncTokenExpired(f"{said} (a full listing follows)", account=account)
    if code == 429 or status == "RESOURCE_EXHAUSTED" or {"RATE_LIMIT_EXCEEDED", "rateLimitExceeded"} & set(reasons):
        return RateLimited(said, retry_after=_seconds(retry_after), account=account)
    if code in (401, 403):
        return AuthFailed(f"{said}. {auth_hint}", account=account)
    if code == 404:
        return PreconditionFailed(said, gone=True, account=account)
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
    text = str(exc).splitlines()
    return text[0][:200] if text else type(exc).__name__


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
    """Executes googleapiclient requests with bounded retries and translated errors."""

    def __init__(
        self,
        account: str,
        *,
        auth_hint: str,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 4,
        max_wait_s: float = 60.0,
        backoff_s: float = 1.0,
    ) -> None:
        self.account = account
        self.auth_hint = auth_hint
        self.sleep = sleep
        self.max_attempts = max_attempts
        self.max_wait_s = max_wait_s
        self.backoff_s = backoff_s
        #: requests sent, by method id (``people.connections.list``): for logs and benchmarks
        self.sent: dict[str, int] = {}

    def execute(self, request: Any, *, resend_safe: bool = True) -> JsonDict:
        """Run ``request``; retry rate limits, and server errors and resets when ``resend_safe``.

        ``resend_safe`` is False for creates: after a 5xx or a lost answer the contacts may exist, and sending
        them again would duplicate them. A 429 is always safe to retry: Google refuses it before doing anything.
        Raises AuthFailed, RateLimited, Transient, PreconditionFailed, SyncTokenExpired, ItemRejected.
        """

        def retryable(exc: BaseException) -> bool:
            if isinstance(exc, RateLimited):
                return exc.retry_after is None or exc.retry_after <= self.max_wait_s
            return isinstance(exc, Transient) and resend_safe

        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(retryable),
            sleep=self.sleep,
            reraise=True,
            before_sleep=self._log_retry,
        )
        result: JsonDict = retrying(self._once, request)
        return result

    def _once(self, request: Any) -> JsonDict:
        method = str(getattr(request, "methodId", "") or "request")
        self.sent[method] = self.sent.get(method, 0) + 1
        try:
            answer = request.execute(num_retries=0)
        except HttpError as exc:
            raise translate(exc, account=self.account, auth_hint=self.auth_hint) from exc
        except IO_ERRORS as exc:
            raise translate_io(exc, account=self.account, auth_hint=self.auth_hint) from exc
        return answer if isinstance(answer, dict) else {}

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return min(exc.retry_after, self.max_wait_s)
        return float(min(self.backoff_s * 2 ** (state.attempt_number - 1), self.max_wait_s))

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.info("account %s: %s; retrying in %.1fs", self.account, type(exc).__name__, wait)
