"""``type: carddav`` account options: the schema a configuration is checked against, and the two choices it
offers (:class:`AuthType`, :class:`GroupStyle`).

Apart from the connector so that checking a configuration (every ``status``, every ``sync``) never imports the
HTTP and DAV libraries (#18); the connector, the transport and the group cards take these names from here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any


class AuthType(enum.Enum):
    """How to log in. ``AUTO`` over https sends a basic login with the first request (no 401 round, no delay a
    server adds to one); a server that refuses it, and every server over plain http, decides by its
    ``WWW-Authenticate`` (one extra request). A login the server chose is remembered in the pull state, so later
    runs log in from their first request, and a 401 to it starts the negotiation afresh."""

    AUTO = "auto"
    BASIC = "basic"
    DIGEST = "digest"


class GroupStyle(enum.Enum):
    CATEGORIES = "categories"  # CATEGORIES on each card
    KIND_GROUP = "kind-group"  # KIND:group + MEMBER:urn:uuid:<uid> (vCard 4)
    APPLE_GROUP = "apple-group"  # X-ADDRESSBOOKSERVER-KIND:group + X-ADDRESSBOOKSERVER-MEMBER (3.0)

    @property
    def uses_group_cards(self) -> bool:
        return self is not GroupStyle.CATEGORIES

    @property
    def version(self) -> str:
        return "4.0" if self is GroupStyle.KIND_GROUP else "3.0"

    @property
    def kind_property(self) -> str:
        return "KIND" if self is GroupStyle.KIND_GROUP else "X-ADDRESSBOOKSERVER-KIND"

    @property
    def member_property(self) -> str:
        return "MEMBER" if self is GroupStyle.KIND_GROUP else "X-ADDRESSBOOKSERVER-MEMBER"


OPTIONS_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["url"],
    "properties": {
        "url": {
            "type": "string",
            "format": "uri",
            "description": "The address book's URL (find it with `contactsync discover carddav`).",
            "examples": ["https://dav.example.org/alice/contacts/"],
        },
        "username": {
            "type": "string",
            "description": "The login name; the password comes from the account's `password` secret.",
            "examples": ["alice"],
        },
        "auth": {
            "enum": [a.value for a in AuthType],
            "description": (
                "HTTP authentication: `auto` sends a basic login at once over https and follows the server's "
                "challenge when refused or over http."
            ),
            "examples": ["auto", "digest"],
        },
        "verify_tls": {
            "type": "boolean",
            "description": "Check the server's TLS certificate (keep this on; use `ca_bundle` for a private CA).",
            "examples": [True],
        },
        "ca_bundle": {
            "type": "string",
            "description": "A PEM file of CA certificates to trust instead of the system's.",
            "examples": ["/etc/contactsync/ca.pem"],
        },
        "timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Seconds to wait for each request.",
            "examples": [30],
        },
        "multiget_chunk": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "description": "Cards read per addressbook-multiget request.",
            "examples": [100],
        },
        "max_response_mb": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Refuse server answers larger than this (MiB).",
            "examples": [50],
        },
        "group_style": {
            "enum": [s.value for s in GroupStyle],
            "description": "How tags are stored: CATEGORIES on each card, vCard 4 group "
            "cards (`kind-group`) or Apple group cards (`apple-group`).",
            "examples": ["categories", "apple-group"],
        },
        "use_sync_collection": {
            "type": "boolean",
            "description": "Use RFC 6578 sync-collection when the server offers it; "
            "false lists every href and etag with PROPFIND on each run instead.",
            "examples": [True],
        },
        "max_in_flight": {
            "type": "integer",
            "minimum": 1,
            "maximum": 64,
            "description": "Requests (card writes, multigets) sent to the server at once for this book, each on a "
            "connection kept open (for the run; in a daemon, shared by its accounts on the server and held within "
            "`daemon.max_in_flight`); 1 sends one at a time.",
            "examples": [8],
        },
    },
}
