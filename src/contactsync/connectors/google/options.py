"""``type: google`` account options: the schema a configuration is checked against and the limits it names.

Apart from the connector so that checking a configuration (every ``status``, every ``sync``) never imports the
Google client libraries (#18); :mod:`.connector` and :mod:`.auth` take these names from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_ENDPOINT = "https://people.googleapis.com/"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
MAX_PAGE_SIZE = 1000
MAX_BATCH = 200  # batchCreateContacts, batchUpdateContacts and getBatchGet take 200 at most

OPTIONS_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "subject": {
            "type": "string",
            "description": "The Workspace user whose contacts are synchronized (the service account acts "
            "as this user through domain-wide delegation).",
            "examples": ["ana@example.com"],
        },
        "service_account_file": {
            "type": "string",
            "description": "The service account's JSON key (read as a secret). Its client ID must be "
            "granted https://www.googleapis.com/auth/contacts in the Admin console.",
            "examples": ["google-service-account.json"],
        },
        "token_file": {
            "type": "string",
            "format": "path",
            "description": "For one user without a Workspace admin: where `contactsync auth ACCOUNT` saves "
            "the user's authorization (written with mode 0600).",
            "examples": ["/var/lib/contactsync/google-ana.token.json"],
        },
        "client_secrets_file": {
            "type": "string",
            "description": 'With token_file: the OAuth client (type "Desktop app") from the Google Cloud '
            "console, used to ask for the user's consent.",
            "examples": ["google-oauth-client.json"],
        },
        "endpoint": {
            "type": "string",
            "description": "People API base URL, ending in a slash (change only for tests).",
            "examples": [DEFAULT_ENDPOINT],
        },
        "token_uri": {
            "type": "string",
            "description": "OAuth token endpoint (change only for tests).",
            "examples": [GOOGLE_TOKEN_URI],
        },
        "page_size": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PAGE_SIZE,
            "description": "Contacts per listing page.",
            "examples": [1000],
        },
        "batch_size": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_BATCH,
            "description": "Contacts per batch write.",
            "examples": [200],
        },
        "timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Seconds to wait for one answer from Google.",
            "examples": [60],
        },
    },
}
