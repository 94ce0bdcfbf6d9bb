"""docs/properties.md is generated from the connectors' declared capabilities, and up to date."""

from __future__ import annotations

from pathlib import Path

from contactsync.connectors.vdir import VdirConnector
from contactsync.model import Field
from contactsync.properties import declared, table

DOC = Path(__file__).parent.parent / "docs" / "properties.md"


def test_the_committed_table_is_the_generated_one() -> None:
    assert DOC.read_text() == table(), "run: python -m contactsync.properties > docs/properties.md"


def test_the_table_reads_what_the_connectors_are_built_with(tmp_path: Path) -> None:
    """The vCard row is the vdir connector's own capabilities (CardDAV is built from the same declaration)."""
    built, doc = VdirConnector("v", tmp_path).capabilities, declared()["vdir"]
    assert (built.fields, built.holds_tags, dict(built.lossy)) == (doc.fields, doc.holds_tags, dict(doc.lossy))
    assert Field.VCARD_LINES in built.fields and Field.VCARD_LINES not in declared()["Google"].fields
    assert table().count("\n| ") == len(Field) + 1  # a row per field, and the header
