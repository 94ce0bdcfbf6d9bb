"""``contactsync doctor`` for a Google account: what a first sync needs from Google, checked live.

1. ``credentials``: the service account's JSON key (or the user's saved authorization) can be read and used;
2. ``token``: Google's token endpoint issues an access token: for a service account, domain-wide delegation
   grants the contacts scope for ``options.subject``; for one user, the saved authorization still refreshes;
3. ``clock``: our clock against the token endpoint's ``Date`` header (a service account's signed assertion is
   refused when the clocks are minutes apart);
4. ``contacts read``: the People API is enabled in the Cloud project and the token may list contacts;
5. ``size``: the account's contacts against Google's limit of 25,000 per account;
6. ``labels``: the contact groups (labels, contactsync's tags) can be listed;
7. ``contacts write``: the token may write (the ``contacts`` scope, not ``contacts.readonly``), probed by deleting
   a contact group that does not exist: Google checks the scope first (403), then finds nothing (404). Skipped
   for a pull-only account;
8. ``write`` (``--write`` only): one scratch contact created, read back and deleted through the connector, as a
   sync writes (:func:`contactsync.checks.scratch_round_trip`).

The file modes of the key and the token file, TLS and the endpoint are the generic checks every account gets
(:mod:`contactsync.doctor`). Each failure names the fix. The checks never raise; nothing is written without
``write`` (the probe of 7 addresses a group that does not exist).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final

import google.auth.exceptions
import requests
from google.auth.transport.requests import Request

from contactsync.checks import CheckResult, DoctorContext, Outcome, scratch_round_trip
from contactsync.errors import AuthFailed, ConfigError, ConnectorError, ItemRejected, PreconditionFailed

from .auth import SCOPES, SERVICE_ACCOUNT_SECRET, GoogleAuth, credentials_for
from .connector import CONTACT_LIMIT, CONTACT_SOURCES, GoogleConnector
from .transport import scrubbed

CHECK_CREDENTIALS: Final = "credentials"
CHECK_TOKEN: Final = "token"
CHECK_CLOCK: Final = "clock"
CHECK_READ: Final = "contacts read"
CHECK_SIZE: Final = "size"
CHECK_LABELS: Final = "labels"
CHECK_WRITE_PERMISSION: Final = "contacts write"

#: Google refuses a service account's assertion whose time is off by more than a few minutes
CLOCK_SKEW_FAIL_S: Final = 300.0
CLOCK_SKEW_WARN_S: Final = 60.0
#: the share of the contact limit past which new contacts may soon be refused
SIZE_WARN_RATIO: Final = 0.9
#: a contact group that exists nowhere: its deletion is refused for want of scope (403) or not found (404)
#: (hex, as Google's user group ids are, so the answer is about scope then existence, not the id's form)
_NO_GROUP: Final = "contactGroups/d0c7d0c7d0c7d0c7"

ENABLE_API_FIX: Final = (
    "Google Cloud console → APIs & Services → Library → People API → Enable, in the project of the service "
    "account (or of the OAuth client); then wait a few minutes"
)


def _delegation_fix(client_id: str) -> str:
    return (
        "Google Admin console → Security → Access and data control → API controls → Domain-wide delegation → "
        f"Add new (or edit) client ID {client_id} → OAuth scopes: {SCOPES[0]}"
    )


def _consent_fix(account: str) -> str:
    return f"run `contactsync auth {account}` again and allow contactsync to see, edit and delete your contacts"


def run_checks(ctx: DoctorContext) -> Iterator[CheckResult]:
    """The Google checks of ``ctx.account``, in the order above."""
    name = ctx.account.name
    token_uri = ctx.account.options.get("token_uri")
    try:
        auth = credentials_for(ctx.account, token_uri=token_uri if isinstance(token_uri, str) else None)
    except ConfigError as exc:
        yield CheckResult(
            name,
            CHECK_CREDENTIALS,
            Outcome.FAIL,
            "; ".join(f"{p.path}: {p.message}" for p in exc.problems),
            "fix the account's options (see the README's Google setup)",
        )
        return
    except AuthFailed as exc:
        yield CheckResult(name, CHECK_CREDENTIALS, Outcome.FAIL, str(exc), _consent_fix(name))
        return
    delegated = SERVICE_ACCOUNT_SECRET in ctx.account.secrets
    yield CheckResult(name, CHECK_CREDENTIALS, Outcome.PASS, f"credentials read: {auth.description}")
    yield from _token_and_api(ctx, auth, delegated)


def _client_id(ctx: DoctorContext) -> str:
    """The service account's client ID (what the Admin console's delegation is keyed by)."""
    try:
        info = json.loads(ctx.account.secrets[SERVICE_ACCOUNT_SECRET].value)
        return str(info.get("client_id") or "of the service account")
    except (ValueError, KeyError, AttributeError):
        return "of the service account"


def _token_and_api(ctx: DoctorContext, auth: GoogleAuth, delegated: bool) -> Iterator[CheckResult]:
    name = ctx.account.name
    dates: list[str] = []
    session = requests.Session()
    session.hooks["response"].append(lambda answer, *_a, **_k: dates.append(answer.headers.get("Date", "")))
    try:
        auth.credentials.refresh(Request(session))
    except google.auth.exceptions.RefreshError as exc:
        yield _token_refused(ctx, str(exc), delegated)
        return
    except google.auth.exceptions.TransportError as exc:
        yield CheckResult(
            name,
            CHECK_TOKEN,
            Outcome.FAIL,
            f"Google's token endpoint did not answer ({type(exc).__name__})",
            "check the network path to oauth2.googleapis.com (proxy, firewall, DNS)",
        )
        return
    finally:
        session.close()
    how = "the service account, for options.subject" if delegated else "the saved user authorization"
    yield CheckResult(name, CHECK_TOKEN, Outcome.PASS, f"Google issued an access token ({how})")
    yield _clock(name, dates[-1] if dates else "")
    try:
        connector = GoogleConnector.from_settings(ctx.account, ctx.book)
    except (ConfigError, ConnectorError) as exc:
        yield CheckResult(name, CHECK_READ, Outcome.FAIL, str(exc), "fix the account's options")
        return
    try:
        yield from _people_api(ctx, connector, delegated)
        yield from scratch_round_trip(
            ctx,
            connector,
            refused_fix=_delegation_fix(_client_id(ctx)) if delegated else _consent_fix(name),
        )
    finally:
        connector.close()


def _token_refused(ctx: DoctorContext, said: str, delegated: bool) -> CheckResult:
    name = ctx.account.name
    first = said.splitlines()[0][:300] if said else "refused"
    if not delegated:
        return CheckResult(
            name, CHECK_TOKEN, Outcome.FAIL, f"the saved authorization was refused: {first}", _consent_fix(name)
        )
    if "unauthorized_client" in said:
        detail = "domain-wide delegation does not grant the contacts scope to the service account"
        return CheckResult(name, CHECK_TOKEN, Outcome.FAIL, f"{detail} ({first})", _delegation_fix(_client_id(ctx)))
    if "Invalid email or User ID" in said:
        return CheckResult(
            name,
            CHECK_TOKEN,
            Outcome.FAIL,
            f"options.subject is not a user of the Workspace domain ({first})",
            "set options.subject to the address of an existing, active user of the domain",
        )
    return CheckResult(
        name,
        CHECK_TOKEN,
        Outcome.FAIL,
        f"Google refused the service account ({first})",
        "Google Cloud console → IAM & Admin → Service accounts → the account → Keys: make a new JSON key (the one "
        "in service_account_file was deleted, or the account disabled) and point service_account_file at it",
    )


def _clock(name: str, date: str) -> CheckResult:
    try:
        theirs = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return CheckResult(name, CHECK_CLOCK, Outcome.SKIP, "the token endpoint sent no Date header")
    skew = (datetime.now(UTC) - theirs).total_seconds()
    said = f"our clock is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} Google's token endpoint"
    fix = "synchronize the clock (e.g. `timedatectl set-ntp true`, or chrony/ntpd)"
    if abs(skew) > CLOCK_SKEW_FAIL_S:
        return CheckResult(name, CHECK_CLOCK, Outcome.FAIL, f"{said}: signed token requests are refused", fix)
    if abs(skew) > CLOCK_SKEW_WARN_S:
        return CheckResult(name, CHECK_CLOCK, Outcome.WARN, said, fix)
    return CheckResult(name, CHECK_CLOCK, Outcome.PASS, said)


def _refusal(error: Exception) -> tuple[int, str, str]:
    """(HTTP status, ErrorInfo reason, message) of a googleapiclient HttpError."""
    resp: Any = getattr(error, "resp", None)
    status = int(getattr(resp, "status", 0) or 0)
    try:
        body = json.loads(getattr(error, "content", b"") or b"{}")["error"]
        reasons = [d.get("reason", "") for d in body.get("details", []) if isinstance(d, dict)]
        # scrubbed as the connector's errors are: a check's detail may be kept by whatever runs `doctor --json`
        return status, (reasons[0] if reasons else ""), scrubbed(str(body.get("message", "")))
    except (ValueError, KeyError, TypeError):
        return status, "", ""


def _people_api(ctx: DoctorContext, connector: GoogleConnector, delegated: bool) -> Iterator[CheckResult]:
    from googleapiclient.errors import HttpError

    name = ctx.account.name
    scope_fix = _delegation_fix(_client_id(ctx)) if delegated else _consent_fix(name)
    people = connector.people()
    try:
        page = (
            people.connections()
            .list(resourceName="people/me", personFields="metadata", pageSize=1, sources=CONTACT_SOURCES)
            .execute(num_retries=0)
        )
    except HttpError as exc:
        status, reason, message = _refusal(exc)
        if reason == "SERVICE_DISABLED" or "has not been used in project" in message:
            yield CheckResult(name, CHECK_READ, Outcome.FAIL, "the People API is not enabled", ENABLE_API_FIX)
        elif status == 403:
            yield CheckResult(name, CHECK_READ, Outcome.FAIL, f"listing contacts was refused: {message}", scope_fix)
        else:
            yield CheckResult(name, CHECK_READ, Outcome.FAIL, f"Google answered {status} to a contacts listing", None)
        return
    except Exception as exc:  # network: the generic endpoint check says more
        yield CheckResult(name, CHECK_READ, Outcome.FAIL, f"no answer to a contacts listing ({type(exc).__name__})")
        return
    yield CheckResult(name, CHECK_READ, Outcome.PASS, "the account's contacts can be listed")
    yield _size(name, int(page.get("totalItems") or page.get("totalPeople") or 0))

    try:
        connector.contact_groups().list(pageSize=1, groupFields="name").execute(num_retries=0)
        yield CheckResult(name, CHECK_LABELS, Outcome.PASS, "the labels (contactsync's tags) can be listed")
    except HttpError as exc:
        status, _reason, message = _refusal(exc)
        yield CheckResult(
            name, CHECK_LABELS, Outcome.FAIL, f"listing labels was refused ({status}: {message})", scope_fix
        )

    if not ctx.account.writable:
        yield CheckResult(name, CHECK_WRITE_PERMISSION, Outcome.SKIP, "pull-only account: nothing is written")
        return
    try:
        connector.api.execute(connector.contact_groups().delete(resourceName=_NO_GROUP))
        detail = "the probe deleted a label that should not exist"  # not expected: the name is ours
        yield CheckResult(name, CHECK_WRITE_PERMISSION, Outcome.WARN, detail, None)
    except PreconditionFailed:  # 404: allowed, and nothing there
        yield CheckResult(name, CHECK_WRITE_PERMISSION, Outcome.PASS, "contacts and labels can be written")
    except AuthFailed:
        yield CheckResult(
            name,
            CHECK_WRITE_PERMISSION,
            Outcome.FAIL,
            "the token may read contacts but not write them (the contacts.readonly scope)",
            scope_fix,
        )
    except ItemRejected as exc:  # the probe's form refused: no answer about the permission
        yield CheckResult(
            name,
            CHECK_WRITE_PERMISSION,
            Outcome.WARN,
            f"the write probe got no answer about permissions ({exc})",
            "run `contactsync doctor --write` to check by writing one scratch contact",
        )
    except ConnectorError as exc:
        yield CheckResult(name, CHECK_WRITE_PERMISSION, Outcome.FAIL, f"the write probe failed: {exc}", None)


def _size(name: str, count: int) -> CheckResult:
    room = CONTACT_LIMIT - count
    said = f"{count:,} contacts of Google's limit of {CONTACT_LIMIT:,} per account"
    if room <= 0:
        return CheckResult(
            name,
            CHECK_SIZE,
            Outcome.FAIL,
            f"{said}: Google refuses every new contact",
            "delete contacts in Google Contacts, or make this account pull-only",
        )
    if count >= SIZE_WARN_RATIO * CONTACT_LIMIT:
        return CheckResult(
            name,
            CHECK_SIZE,
            Outcome.WARN,
            f"{said}: room for {room:,} more",
            "plan for it: past the limit contactsync reports each contact it could not create",
        )
    return CheckResult(name, CHECK_SIZE, Outcome.PASS, said)


__all__ = [
    "CHECK_CLOCK",
    "CHECK_CREDENTIALS",
    "CHECK_LABELS",
    "CHECK_READ",
    "CHECK_SIZE",
    "CHECK_TOKEN",
    "CHECK_WRITE_PERMISSION",
    "run_checks",
]
