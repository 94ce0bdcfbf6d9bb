"""The emulator's entity shapes against Microsoft's published Graph v1.0 metadata.

tests/data/graph/contacts-v1.0.csdl.xml is an extract of msgraph-metadata's schemas/v1.0-Prod.csdl (its header names
the commit): contact, contactFolder, outlookCategory, the extended property, their complex and enum types and the
delta functions. What the emulator answers and what the connector sends must fit those types.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from contactsync.connectors.outlook import mapping
from contactsync.emulators.outlook import GraphEmulator
from contactsync.emulators.outlook.mailbox import CATEGORY_COLORS, SETTABLE_FIELDS

from .conftest import USER, Graph

EXTRACT = Path(__file__).parents[1] / "data" / "graph" / "contacts-v1.0.csdl.xml"
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
#: in the metadata, not modelled by the emulator (answered 400 like an unknown property); the connector never uses
#: them. Microsoft's contact resource page does not list them either.
NOT_MODELLED = frozenset({"primaryEmailAddress", "secondaryEmailAddress", "tertiaryEmailAddress"})
ANNOTATIONS = frozenset({"@odata.etag", "@odata.context", "@odata.type"})


@cache
def types() -> dict[str, ET.Element]:
    schema = ET.parse(EXTRACT).getroot().find(f".//{EDM}Schema")
    assert schema is not None
    return {el.attrib["Name"]: el for el in schema if "Name" in el.attrib and el.tag != f"{EDM}Function"}


def properties(name: str) -> dict[str, str]:
    """Every structural property of a type, its base types' included: name → EDM type."""
    element = types()[name]
    found = {p.attrib["Name"]: p.attrib["Type"] for p in element.findall(f"{EDM}Property")}
    base = element.attrib.get("BaseType")
    return {**(properties(base.removeprefix("graph.")) if base else {}), **found}


def navigation(name: str) -> set[str]:
    return {p.attrib["Name"] for p in types()[name].findall(f"{EDM}NavigationProperty")}


def check_value(edm: str, value: Any) -> None:
    if value is None:
        return
    if edm.startswith("Collection("):
        assert isinstance(value, list), edm
        for item in value:
            check_value(edm[len("Collection(") : -1], item)
    elif edm == "Edm.String":
        assert isinstance(value, str)
    elif edm == "Edm.DateTimeOffset":
        assert isinstance(value, str) and value.endswith("Z")
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    elif edm.startswith("graph."):
        kind = types()[edm.removeprefix("graph.")]
        if kind.tag == f"{EDM}EnumType":
            assert value in {m.attrib["Name"] for m in kind.findall(f"{EDM}Member")}
        else:
            assert isinstance(value, dict)
            inner = properties(edm.removeprefix("graph."))
            assert set(value) <= set(inner), (edm, set(value) - set(inner))
            for key, item in value.items():
                check_value(inner[key], item)
    else:
        raise AssertionError(f"no check for {edm}")


def check_entity(name: str, body: dict[str, Any]) -> None:
    props = properties(name)
    for key, value in body.items():
        if key in ANNOTATIONS or key == "@removed":
            continue
        if key in navigation(name):
            continue
        assert key in props, f"{name} has no property {key}"
        check_value(props[key], value)


def test_the_extract_names_its_source_and_holds_the_types_used() -> None:
    head = EXTRACT.read_text(encoding="utf-8")[:600]
    assert "msgraph-metadata" in head and "schemas/v1.0-Prod.csdl" in head and "commit " in head
    assert {"contact", "contactFolder", "outlookCategory", "singleValueLegacyExtendedProperty"} <= types().keys()


def test_every_contact_property_the_emulator_takes_is_in_the_metadata_and_vice_versa() -> None:
    published = set(properties("contact")) - {"id", "changeKey", "createdDateTime", "lastModifiedDateTime"}
    published -= {"parentFolderId"}  # read-only
    assert set(SETTABLE_FIELDS) == published - NOT_MODELLED


def test_what_the_connector_selects_and_sends_is_in_the_metadata() -> None:
    props = properties("contact")
    assert set(mapping.SELECT) <= set(props)
    assert mapping.EXTENDED in navigation("contact")
    assert set(properties("singleValueLegacyExtendedProperty")) == {"id", "value"}


def test_contacts_folders_categories_and_delta_answers_fit_the_metadata(emulator: GraphEmulator, graph: Graph) -> None:
    marker = {"id": mapping.MARKER_PROPERTY, "value": "c-1"}
    body = {
        "givenName": "Ana",
        "emailAddresses": [{"address": "ana@example.org", "name": "Ana"}],
        "homeAddress": {"street": "Rua 1", "city": "Lisboa", "countryOrRegion": "PT"},
        "birthday": "1990-05-17T11:59:00Z",
        "categories": ["Team"],
        "businessPhones": ["+351 21 000 0000"],
        "singleValueExtendedProperties": [marker],
    }
    made = graph.post(f"/users/{USER}/contacts", body).json()
    check_entity("contact", made)
    expand = {"$expand": f"singleValueExtendedProperties($filter=id eq '{mapping.MARKER_PROPERTY}')"}
    read = graph.get(f"/users/{USER}/contacts/{made['id']}", params=expand).json()
    check_entity("contact", read)
    for prop in read["singleValueExtendedProperties"]:
        check_entity("singleValueLegacyExtendedProperty", prop)
    folder = graph.post(f"/users/{USER}/contactFolders", {"displayName": "Kunden"}).json()
    check_entity("contactFolder", folder)
    check_entity("contactFolder", graph.get(f"/users/{USER}/contactFolders/contacts").json())
    for category in graph.get(f"/users/{USER}/outlook/masterCategories").json()["value"]:
        check_entity("outlookCategory", category)
    delta = graph.get(f"/users/{USER}/contactFolders/contacts/contacts/delta").json()
    assert "@odata.deltaLink" in delta
    for entry in delta["value"]:
        check_entity("contact", entry)
    graph.delete(f"/users/{USER}/contacts/{made['id']}")
    removed = graph.get(delta["@odata.deltaLink"]).json()["value"]
    assert [e["@removed"] for e in removed] == [{"reason": "deleted"}]


@pytest.mark.parametrize("color", sorted(CATEGORY_COLORS))
def test_category_colours_are_the_published_enum(color: str) -> None:
    check_value("graph.categoryColor", color)


def test_the_published_enum_has_no_colour_the_emulator_refuses() -> None:
    members = {m.attrib["Name"] for m in types()["categoryColor"].findall(f"{EDM}Member")}
    assert members == CATEGORY_COLORS


def test_delta_is_a_function_bound_to_a_collection_of_contacts() -> None:
    schema = ET.parse(EXTRACT).getroot().find(f".//{EDM}Schema")
    assert schema is not None
    bound = {
        f.find(f"{EDM}Parameter").attrib["Type"]  # type: ignore[union-attr]
        for f in schema.findall(f"{EDM}Function")
        if f.attrib["Name"] == "delta"
    }
    assert "Collection(graph.contact)" in bound
