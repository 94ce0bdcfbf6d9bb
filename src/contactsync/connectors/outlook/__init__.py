"""Outlook / Microsoft 365 contacts through Microsoft Graph, with msal for Entra ID tokens.

Modules: ``mapping`` (Contact ↔ Graph JSON, pure), ``auth`` (client credentials and device code), ``graph``
(HTTP, retries, ``$batch``), ``connector`` (the connector protocol). ``emulator`` is a Graph emulator for tests.
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
    from .connector import OutlookConnector, OutlookOptions, run_device_flow

# This registration is what checking a configuration loads (every status and sync): it names the connector's
# parts without importing them, so msal and requests load only when an account is built, signed in or checked
# by the doctor (#18: start-up imports only what the command needs)


def _build(account: AccountSettings, book: BookSettings) -> Connector:
    from .connector import OutlookConnector

    return OutlookConnector.from_settings(account, book)


def _sign_in(request: SignInRequest) -> None:
    from .connector import run_device_flow

    # a device code needs no browser here: the admin opens the printed address on any device
    run_device_flow(request.account, request.book, prompt=request.echo)


def _doctor(context: DoctorContext) -> Iterable[CheckResult]:
    from .doctor import run_checks

    return run_checks(context)


#: ``type: outlook``. Graph allows 10,000 requests per 10 minutes per mailbox; 10 calls/s (burst 20) stays
#: under it even when a call is a $batch of several requests.
CONNECTOR_TYPE = ConnectorType(
    name="outlook",
    build=_build,
    options_schema=OPTIONS_SCHEMA,
    default_rate=Rate(per_second=10.0, burst=20),
    # Graph's Outlook limit: 4 concurrent requests per app (connectors/outlook/throttle.py holds it per request)
    default_in_flight=4,
    sign_in=_sign_in,
    doctor=_doctor,
)

__all__ = ["CONNECTOR_TYPE", "OutlookConnector", "OutlookOptions", "run_device_flow"]


def __getattr__(name: str) -> object:
    """The public names of the connector module, imported on first use."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(".connector", __name__), name)
