"""Outlook / Microsoft 365 contacts through Microsoft Graph, with msal for Entra ID tokens.

Modules: ``mapping`` (Contact ↔ Graph JSON, pure), ``auth`` (client credentials and device code), ``graph``
(HTTP, retries, ``$batch``), ``connector`` (the connector protocol). ``emulator`` is a Graph emulator for tests.
"""

from .connector import OutlookConnector, OutlookOptions, run_device_flow

__all__ = ["OutlookConnector", "OutlookOptions", "run_device_flow"]
