"""Google Contacts through the People API v1: ``type: google`` in the configuration.

Modules: :mod:`.auth` (service account with domain-wide delegation, or one user's OAuth consent),
:mod:`.mapping` (Person ↔ Contact, pure), :mod:`.transport` (no-resend HTTP, retries, error translation),
:mod:`.connector` (the connector), :mod:`.emulator` (a People API emulator for tests and benchmarks).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from contactsync.checks import CheckResult, DoctorContext
from contactsync.connector import Connector
from contactsync.registry import ConnectorType, Rate, SignInRequest
from contactsync.settings import AccountSettings, BookSettings

from .options import OPTIONS_SCHEMA

if TYPE_CHECKING:
    from .auth import run_consent_flow, write_token_file
    from .connector import GoogleConnector

# This registration is what checking a configuration loads (every status and sync): it names the connector's
# parts without importing them, so the Google client libraries load only when an account is built, signed in
# or checked by the doctor (#18: start-up imports only what the command needs)


def _build(account: AccountSettings, book: BookSettings) -> Connector:
    from .connector import GoogleConnector

    return GoogleConnector.from_settings(account, book)


def _sign_in(request: SignInRequest) -> None:
    from .auth import run_consent_flow

    run_consent_flow(request.account, open_browser=request.open_browser, echo=request.echo, prompt=request.prompt)


def _doctor(context: DoctorContext) -> Iterable[CheckResult]:
    from .doctor import run_checks

    return run_checks(context)


#: ``type: google``. The People API allows 90 reads per minute per user; one connector call may be several
#: requests, so 1 call/s (burst 5) stays well under it.
CONNECTOR_TYPE = ConnectorType(
    name="google",
    build=_build,
    options_schema=OPTIONS_SCHEMA,
    default_rate=Rate(per_second=1.0, burst=5),
    # Google publishes per-minute quotas, no concurrency cap: 8 users' calls at once is our judgement (#18)
    default_in_flight=8,
    sign_in=_sign_in,
    doctor=_doctor,
)

__all__ = ["CONNECTOR_TYPE", "GoogleConnector", "run_consent_flow", "write_token_file"]
_WHERE = {"GoogleConnector": ".connector", "run_consent_flow": ".auth", "write_token_file": ".auth"}


def __getattr__(name: str) -> object:
    """The public names of the connector's modules, imported on first use."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name], __name__), name)
