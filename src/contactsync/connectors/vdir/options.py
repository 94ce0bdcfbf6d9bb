"""The ``options`` of a vdir account, apart from the connector: checking a configuration reads them without
importing the vCard codec (#18)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

OPTIONS_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["path"],
    "properties": {
        "path": {
            "type": "string",
            "description": "Folder holding one .vcf file per contact; new contacts are written here too.",
            "examples": ["/var/lib/contactsync/vdir/sales"],
        },
        "version": {
            "type": "string",
            "enum": ["3.0", "4.0"],
            "description": "vCard version of new cards. Existing cards keep the version they have.",
            "examples": ["4.0"],
        },
        "read_only": {
            "type": "boolean",
            "description": "Only read the folder, never write to it.",
            "examples": [False],
        },
    },
}
