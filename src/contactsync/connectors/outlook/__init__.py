"""Outlook / Microsoft 365 contacts through Microsoft Graph, with msal for Entra ID tokens.

Modules: ``mapping`` (Contact ↔ Graph JSON, pure), ``auth`` (client credentials and device code), ``graph``
(HTTP, retries, ``$batch``), ``connector`` (the connector protocol). ``emulator`` is a Graph emulator for tests.
"""

from contactsync.registry import ConnectorType, Rate, SignInRequest

from .connector import OutlookConnector, OutlookOptions, run_device_flow
from .doctor import run_checks


def _sign_in(request: SignInRequest) -> None:
    # a device code needs no browser here: the admin opens the printed address on any device
    run_device_flow(request.account, request.book, prompt=request.echo)


#: ``type: outlook``. Graph allows 10,000 requests per 10 minutes per mailbox; 10 calls/s (burst 20) stays
#: under it even when a call is a $batch of several requests.
CONNECTOR_TYPE = ConnectorType(
    name="outlook",
    build=OutlookConnector.from_settings,
    options_schema=OutlookConnector.options_schema,
    default_rate=Rate(per_second=10.0, burst=20),
    # Graph's Outlook limit: 4 concurrent requests per app (connectors/outlook/throttle.py holds it per request)
    default_in_flight=4,
    sign_in=_sign_in,
    doctor=run_checks,
)

__all__ = ["CONNECTOR_TYPE", "OutlookConnector", "OutlookOptions", "run_device_flow"]
