"""``type: outlook`` account options: the schema a configuration is checked against.

Apart from the connector so that checking a configuration (every ``status``, every ``sync``) never imports msal
and requests (#18); :class:`.connector.OutlookConnector` takes its ``options_schema`` from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_PATH = {"type": "string", "format": "path"}

OPTIONS_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["tenant_id", "client_id"],
    "properties": {
        "tenant_id": {
            "type": "string",
            "description": "Directory (tenant) id or verified domain.",
            "examples": ["00000000-0000-0000-0000-000000000000", "contoso.onmicrosoft.com"],
        },
        "client_id": {
            "type": "string",
            "description": "Application (client) id of the app registration.",
            "examples": ["11111111-1111-1111-1111-111111111111"],
        },
        "client_secret": {
            "type": "string",
            "description": "Client secret for app-only access (application permission "
            "Contacts.ReadWrite with admin consent; MailboxSettings.Read and .ReadWrite for category "
            "colours). Give it as client_secret_file, client_secret_credential or ${ENV}.",
            "examples": ["${GRAPH_CLIENT_SECRET}"],
        },
        "certificate_file": {
            "type": "string",
            "description": "PEM file with the private key (and the certificate) for "
            "app-only access with a certificate instead of a secret.",
            "examples": ["graph-app.pem"],
        },
        "certificate_thumbprint": {
            "type": "string",
            "description": "Thumbprint (hex) of that certificate, as shown in the app registration.",
            "examples": ["3F2504E04F8911D39A0C0305E82C3301AB12CD34"],
        },
        "mailbox": {
            "type": "string",
            "description": "Mailbox to sync (UPN or user id); required for app-only access, "
            "the signed-in user's own mailbox when omitted in delegated mode.",
            "examples": ["ana@example.com"],
        },
        "folder": {
            "type": "string",
            "description": "Contact folder: its id, or its path of display names from inside the "
            "default Contacts folder (Customers/Key accounts); default: the default Contacts folder "
            "(well-known name contacts, whatever the mailbox language calls it).",
            "examples": ["Customers"],
        },
        "authority_host": {
            "type": "string",
            "description": "Entra ID host (national clouds, tests).",
            "examples": ["https://login.microsoftonline.com"],
        },
        "graph_url": {
            "type": "string",
            "description": "Microsoft Graph root with its version.",
            "examples": ["https://graph.microsoft.com/v1.0"],
        },
        "ca_bundle": {
            **_PATH,
            "description": "PEM bundle of CAs to trust instead of the system's "
            "(a TLS-inspecting proxy, the test emulator).",
            "examples": ["/etc/ssl/certs/corporate-ca.pem"],
        },
        "token_cache_file": {
            **_PATH,
            "description": "Delegated mode: where `contactsync auth ACCOUNT` keeps the sign-in (written with "
            "mode 0600).",
            "examples": ["outlook-ana.token.json"],
        },
        "category_color": {
            "type": "string",
            "enum": ["none", *(f"preset{n}" for n in range(25))],
            "description": "Color of the categories contactsync creates (needs MailboxSettings."
            "ReadWrite; without it tags are written uncoloured); default: a stable preset derived from the "
            "tag name.",
            "examples": ["preset7"],
        },
        "page_size": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "description": "Items per delta or list page (Prefer: odata.maxpagesize).",
            "examples": [1000],
        },
        "timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Seconds to wait for one Graph answer.",
            "examples": [30],
        },
    },
}
