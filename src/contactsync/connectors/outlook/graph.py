"""A small Microsoft Graph client: bearer tokens, typed errors, and ``$batch``.

Each request is sent once (a 401 gets one fresh token and one more try: Graph refused it before doing anything).
What Graph refused without doing it becomes :class:`RateLimited` (429, or 503 with ``Retry-After``, carrying the
wait) or :class:`Transient`; whether and when to send again is decided by the one policy in
:mod:`contactsync.retry`, applied by the engine. A ``$batch`` that carries writes and got a dropped connection or
an ambiguous 5xx raises :class:`OutcomeUnknown`: the writes may or may not have happened.

Many requests go as sequential ``$batch`` calls (:meth:`GraphClient.run`): chains of up to 20 members, each
depending on the one before (Graph runs such a batch one member at a time, so it holds one of the app's 4
concurrency slots), up to 4 chains in flight at once on the one session. A chained member Graph did not run (424,
its predecessor failed) is sent again in a new chain, or reported throttled when its chain stopped on a 429.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import requests

from contactsync.deadline import DeadlineAdapter, request_deadline
from contactsync.errors import AuthFailed, ConnectorError, RateLimited, Transient
from contactsync.retry import parse_retry_after
from contactsync.tls import certificate_rejected

from .auth import TokenSource

MAX_BATCH = 20
#: requests one app may have running at Outlook at once (throttling-limits, Outlook service limits); as many
#: sequential batches are kept in flight
MAX_IN_FLIGHT = 4
#: a member Graph did not run because the one it depends on failed (json-batching: "424 Failed Dependency")
FAILED_DEPENDENCY = 424
#: 503 and 429 mean "not done, come back later"; other 5xx may hide a write that happened
NOT_APPLIED = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class BatchRequest:
    id: str
    method: str
    url: str  # relative to the Graph root, e.g. "/users/x/contacts"
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    depends_on: str | None = None  # the member that must succeed first (a sequential batch)

    def as_json(self) -> dict[str, Any]:
        member: dict[str, Any] = {"id": self.id, "method": self.method, "url": self.url}
        if self.depends_on is not None:
            member["dependsOn"] = [self.depends_on]
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
        permissions: str = "Contacts.ReadWrite",
    ) -> None:
        self.account = account
        #: the application permission(s) this client's calls need, named in the advice of a 401 or a 403
        self.permissions = permissions
        self.graph_url = graph_url.rstrip("/")
        self.tokens = tokens
        self.http = http
        self.timeout = timeout  # per request, whole: connect and the whole answer (contactsync.deadline)
        for scheme in ("https://", "http://"):
            http.mount(scheme, DeadlineAdapter())
        self._token: str | None = None
        #: requests sent, per HTTP method (a $batch is one): what ``sync --json`` reports as requests
        self.sent: dict[str, int] = {}
        self._sent_lock = threading.Lock()

    # ------------------------------------------------------------------ plumbing
    def url(self, path_or_url: str) -> str:
        return path_or_url if path_or_url.startswith("https://") else self.graph_url + path_or_url

    def owns(self, url: str) -> bool:
        """Links Graph hands us (nextLink, deltaLink) must point back at Graph: a token never goes elsewhere."""
        return url.startswith(self.graph_url + "/")

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
            with self._sent_lock:
                self.sent[method] = self.sent.get(method, 0) + 1
            try:
                with request_deadline(self.timeout):
                    response = self.http.request(
                        method, self.url(url), json=json, headers=sent, params=params, timeout=self.timeout
                    )
            except requests.exceptions.SSLError as exc:
                rejected = certificate_rejected(exc, self.url(url), account=self.account)
                if rejected is None:
                    raise
                raise rejected from exc  # permanent: a certificate is not fixed by sending again
            if response.status_code != 401:
                return response
            response.close()
        raise AuthFailed(
            "Graph refused a freshly issued token (401): check that the app has the "
            f"{self.permissions} application permission with admin consent",
            account=self.account,
        )

    def _status_error(self, response: requests.Response, what: str) -> ConnectorError:
        status = response.status_code
        code = error_code(_json_or_none(response))
        wait = parse_retry_after(response.headers.get("Retry-After"))
        if status == 429 or (status == 503 and wait is not None):
            return RateLimited(f"Graph throttled {what} ({status})", account=self.account, retry_after=wait)
        if status == 403:
            return AuthFailed(
                f"Graph denied {what} (403 {code}): check the {self.permissions} permission and, for "
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
        """One GET; statuses in ``passthrough`` come back to the caller instead of raising."""
        try:
            response = self._send("GET", url, headers=headers, params=params)
        except requests.RequestException as exc:
            raise Transient(
                f"Graph could not be reached for {what}: {type(exc).__name__}", account=self.account
            ) from exc
        with response:
            if response.status_code in passthrough or response.ok:
                return response.status_code, _json_or_none(response)
            raise self._status_error(response, what)

    # ------------------------------------------------------------------ $batch
    def batch(self, requests_: Sequence[BatchRequest], *, writes: bool) -> dict[str, BatchResponse]:
        """Run up to 20 requests in one ``$batch``, sent once.

        Returns one response per request id; a member Graph throttled keeps its 429 and Retry-After (Graph counts
        members one by one: the caller sends them again under the retry policy). Raises RateLimited/Transient
        when the envelope was refused, OutcomeUnknown when writes may have been applied.
        """
        if len(requests_) > MAX_BATCH:
            raise ValueError(f"a $batch holds at most {MAX_BATCH} requests")
        return {answer.id: answer for answer in self._envelope(requests_, writes=writes)}

    def run(self, requests_: Sequence[BatchRequest], *, writes: bool) -> dict[str, BatchResponse | ConnectorError]:
        """Run any number of requests (unique ids, no ``depends_on`` of their own) as sequential ``$batch`` calls,
        up to :data:`MAX_IN_FLIGHT` at once; each request's answer, or the error of the envelope that carried it.

        Nothing is raised: an envelope refused (RateLimited, Transient, AuthFailed…) or lost (OutcomeUnknown: its
        writes may have been applied, and are never sent again here) is the answer of each of its members. A member
        Graph did not run (424) goes again in the next round; when its chain stopped on a 429 it gets that 429, so
        the caller's retry policy waits as Graph asked before sending it again."""
        answers: dict[str, BatchResponse | ConnectorError] = {}
        pending = list(requests_)
        with ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT, thread_name_prefix="graph-batch") as pool:
            while pending:
                chains = [_chained(pending[i : i + MAX_BATCH]) for i in range(0, len(pending), MAX_BATCH)]
                outcomes = list(pool.map(lambda chain: self._chain(chain, writes=writes), chains))
                pending = []
                for chain, outcome in zip(chains, outcomes, strict=True):
                    if isinstance(outcome, ConnectorError):
                        answers.update({member.id: outcome for member in chain})
                        continue
                    throttled = next((a for a in outcome.values() if a.status == 429), None)
                    for member in chain:
                        answer = outcome[member.id]
                        if answer.status != FAILED_DEPENDENCY:
                            answers[member.id] = answer
                        elif throttled is not None:
                            answers[member.id] = replace(throttled, id=member.id)
                        else:
                            pending.append(replace(member, depends_on=None))
        return answers

    def _chain(self, chain: Sequence[BatchRequest], *, writes: bool) -> dict[str, BatchResponse] | ConnectorError:
        try:
            return {answer.id: answer for answer in self._envelope(chain, writes=writes)}
        except ConnectorError as exc:
            return exc

    def _envelope(self, members: Sequence[BatchRequest], *, writes: bool) -> list[BatchResponse]:
        payload = {"requests": [m.as_json() for m in members]}
        ids = {m.id for m in members}

        try:
            response = self._send("POST", "/$batch", json=payload)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            message = f"the connection to Graph failed during a $batch: {type(exc).__name__}"
            if writes:
                raise OutcomeUnknown(message, account=self.account) from exc
            raise Transient(message, account=self.account) from exc
        except requests.RequestException as exc:
            raise Transient(f"Graph could not be reached: {type(exc).__name__}", account=self.account) from exc
        with response:
            if response.ok:
                answers = _batch_answers(_json_or_none(response), ids)
                if answers is None:
                    message = "Graph answered a $batch with an unreadable body"
                    if writes:
                        raise OutcomeUnknown(message, account=self.account)
                    raise Transient(message, account=self.account)
                return answers
            error = self._status_error(response, "a $batch")
            if writes and response.status_code >= 500 and response.status_code not in NOT_APPLIED:
                raise OutcomeUnknown(str(error), account=self.account)
            raise error


def _chained(members: Sequence[BatchRequest]) -> list[BatchRequest]:
    """The members as one sequential batch: each depends on the one before (Graph refuses a batch that is neither
    fully sequential nor fully parallel)."""
    return [replace(m, depends_on=members[i - 1].id if i else None) for i, m in enumerate(members)]


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
