"""A small Microsoft Graph client: bearer tokens, retries that honour Retry-After, and ``$batch``.

Retries (tenacity) cover what is safe to repeat: every read, and any request Graph refused without doing it
(429, 503). They wait what ``Retry-After`` says, capped at ``max_wait``, at most ``attempts`` times; then the
last answer becomes :class:`RateLimited` (with ``retry_after``) or :class:`Transient`. A 401 gets one fresh
token and one more try. A ``$batch`` that carries writes is never re-sent after a dropped connection or an
ambiguous 5xx: :class:`OutcomeUnknown` tells the caller the writes may or may not have happened.

Requests are sent one at a time on one session: never more than one in flight per mailbox (Outlook allows 4).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests
import tenacity

from contactsync.errors import AuthFailed, ConnectorError, RateLimited, Transient

from .auth import TokenSource

MAX_BATCH = 20
#: 503 and 429 mean "not done, come back later"; other 5xx may hide a write that happened
NOT_APPLIED = frozenset({429, 503})
RETRYABLE_READ = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class BatchRequest:
    id: str
    method: str
    url: str  # relative to the Graph root, e.g. "/users/x/contacts"
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        member: dict[str, Any] = {"id": self.id, "method": self.method, "url": self.url}
        headers = dict(self.headers)
        if self.body is not None:
            headers.setdefault("Content-Type", "application/json")  # Graph refuses a body without it
            member["body"] = self.body
        if headers:
            member["headers"] = headers
        return member


@dataclass(frozen=True, slots=True)
class BatchResponse:
    id: str
    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def retry_after(self) -> float | None:
        return parse_retry_after({k.lower(): v for k, v in self.headers.items()}.get("retry-after"))

    def error_code(self) -> str:
        return error_code(self.body)


class OutcomeUnknown(Transient):
    """The request may have been applied: the connection dropped, or Graph failed in a way that does not say."""


class _Again(Exception):
    """One more try is allowed; ``error`` is what to raise if none is left."""

    def __init__(self, error: ConnectorError, wait: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare from Graph, and the backoff covers it


def error_code(body: Any) -> str:
    if isinstance(body, Mapping):
        error = body.get("error")
        if isinstance(error, Mapping):
            return str(error.get("code", ""))
    return ""


class GraphClient:
    def __init__(
        self,
        *,
        account: str,
        graph_url: str,
        tokens: TokenSource,
        http: requests.Session,
        timeout: float = 30.0,
        attempts: int = 5,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.account = account
        self.graph_url = graph_url.rstrip("/")
        self.tokens = tokens
        self.http = http
        self.timeout = timeout
        self.attempts = attempts
        self.max_wait = max_wait
        self.sleep = sleep
        self._token: str | None = None

    # ------------------------------------------------------------------ plumbing
    def url(self, path_or_url: str) -> str:
        return path_or_url if path_or_url.startswith("https://") else self.graph_url + path_or_url

    def owns(self, url: str) -> bool:
        """Links Graph hands us (nextLink, deltaLink) must point back at Graph: a token never goes elsewhere."""
        return url.startswith(self.graph_url + "/")

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        said = exc.wait if isinstance(exc, _Again) else None
        backoff = min(2.0 ** (state.attempt_number - 1) * 0.5, self.max_wait)
        return min(said if said is not None else backoff, self.max_wait)

    def _retrying(self, what: Callable[[], Any]) -> Any:
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception_type(_Again),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(what)
        except _Again as exc:
            raise exc.error from None

    def _send(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """One HTTP exchange, with one fresh token after a 401. Lets requests' exceptions through."""
        for fresh in (False, True):
            if self._token is None or fresh:
                self._token = self.tokens.token(fresh=fresh)
            sent = {"Authorization": f"Bearer {self._token}", "Accept": "application/json", **(headers or {})}
            response = self.http.request(
                method, self.url(url), json=json, headers=sent, params=params, timeout=self.timeout
            )
            if response.status_code != 401:
                return response
            response.close()
        raise AuthFailed(
            "Graph refused a freshly issued token (401): check that the app has the "
            "Contacts.ReadWrite application permission with admin consent",
            account=self.account,
        )

    def _status_error(self, response: requests.Response, what: str) -> ConnectorError:
        status = response.status_code
        code = error_code(_json_or_none(response))
        if status == 429:
            return RateLimited(
                f"Graph throttled {what} (429)",
                account=self.account,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if status == 403:
            return AuthFailed(
                f"Graph denied {what} (403 {code}): check the Contacts.ReadWrite permission and, for "
                "app-only access, any application access policy limiting mailboxes",
                account=self.account,
            )
        if status >= 500:
            return Transient(f"Graph failed {what} ({status} {code})", account=self.account)
        return ConnectorError(f"Graph refused {what} ({status} {code})", account=self.account)

    # ------------------------------------------------------------------ reads
    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        what: str = "a read",
        passthrough: frozenset[int] = frozenset(),
    ) -> tuple[int, Any]:
        """GET with retries; statuses in ``passthrough`` come back to the caller instead of raising."""

        def once() -> tuple[int, Any]:
            try:
                response = self._send("GET", url, headers=headers, params=params)
            except requests.RequestException as exc:
                raise _Again(
                    Transient(f"Graph could not be reached for {what}: {type(exc).__name__}", account=self.account),
                    None,
                ) from exc
            with response:
                if response.status_code in passthrough or response.ok:
                    return response.status_code, _json_or_none(response)
                error = self._status_error(response, what)
                if response.status_code in RETRYABLE_READ:
                    raise _Again(error, parse_retry_after(response.headers.get("Retry-After")))
                raise error

        result: tuple[int, Any] = self._retrying(once)
        return result

    def post(self, url: str, body: Mapping[str, Any], *, what: str) -> tuple[int, Any]:
        """A single write (a master category); retried only when Graph says it did nothing."""

        def once() -> tuple[int, Any]:
            try:
                response = self._send("POST", url, json=body)
            except requests.RequestException as exc:
                raise Transient(
                    f"Graph could not be reached for {what}: {type(exc).__name__}", account=self.account
                ) from exc
            with response:
                if response.status_code in NOT_APPLIED:
                    raise _Again(
                        self._status_error(response, what), parse_retry_after(response.headers.get("Retry-After"))
                    )
                return response.status_code, _json_or_none(response)

        result: tuple[int, Any] = self._retrying(once)
        return result

    # ------------------------------------------------------------------ $batch
    def batch(self, requests_: Sequence[BatchRequest], *, writes: bool) -> dict[str, BatchResponse]:
        """Run up to 20 requests in one ``$batch``; members Graph throttled (429) are sent again, in later
        envelopes, after the longest Retry-After among them, a bounded number of times.

        Returns one response per request id (a member still throttled at the end keeps its 429). Raises
        RateLimited/Transient when an envelope was refused, OutcomeUnknown when writes may have been applied.
        """
        if len(requests_) > MAX_BATCH:
            raise ValueError(f"a $batch holds at most {MAX_BATCH} requests")
        pending = {r.id: r for r in requests_}
        done: dict[str, BatchResponse] = {}
        for round_ in itertools.count(1):
            answers = self._envelope(list(pending.values()), writes=writes)
            throttled = [a for a in answers if a.status == 429]
            for answer in answers:
                done[answer.id] = answer
            pending = {a.id: pending[a.id] for a in throttled}
            if not pending or round_ >= self.attempts:
                break
            said = [w for w in (a.retry_after() for a in throttled) if w is not None]
            self.sleep(min(max(said) if said else 2.0**round_ * 0.5, self.max_wait))
        return done

    def _envelope(self, members: Sequence[BatchRequest], *, writes: bool) -> list[BatchResponse]:
        payload = {"requests": [m.as_json() for m in members]}
        ids = {m.id for m in members}

        def once() -> list[BatchResponse]:
            try:
                response = self._send("POST", "/$batch", json=payload)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                error: ConnectorError = Transient(
                    f"the connection to Graph failed during a $batch: {type(exc).__name__}", account=self.account
                )
                if writes:
                    raise OutcomeUnknown(str(error), account=self.account) from exc
                raise _Again(error, None) from exc
            except requests.RequestException as exc:
                raise Transient(f"Graph could not be reached: {type(exc).__name__}", account=self.account) from exc
            with response:
                if response.ok:
                    body = _json_or_none(response)
                    answers = _batch_answers(body, ids)
                    if answers is None:
                        if writes:
                            raise OutcomeUnknown(
                                "Graph answered a $batch with an unreadable body", account=self.account
                            )
                        raise _Again(
                            Transient("Graph answered a $batch with an unreadable body", account=self.account), None
                        )
                    return answers
                error = self._status_error(response, "a $batch")
                wait = parse_retry_after(response.headers.get("Retry-After"))
                if response.status_code in NOT_APPLIED or (not writes and response.status_code >= 500):
                    raise _Again(error, wait)
                if writes and response.status_code >= 500:
                    raise OutcomeUnknown(str(error), account=self.account)
                raise error

        result: list[BatchResponse] = self._retrying(once)
        return result


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


def _batch_answers(body: Any, ids: set[str]) -> list[BatchResponse] | None:
    if not isinstance(body, Mapping) or not isinstance(body.get("responses"), list):
        return None
    answers = []
    for entry in body["responses"]:
        if not isinstance(entry, Mapping) or str(entry.get("id")) not in ids:
            continue
        headers = entry.get("headers") if isinstance(entry.get("headers"), Mapping) else {}
        answers.append(
            BatchResponse(
                str(entry["id"]),
                int(entry.get("status", 0)),
                entry.get("body"),
                {str(k): str(v) for k, v in (headers or {}).items()},
            )
        )
    # a member Graph did not answer at all is as unknown as a dropped connection
    return answers if {a.id for a in answers} == ids else None
