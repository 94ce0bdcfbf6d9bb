"""Issue #15 on Outlook: the contact properties the richer model maps, as the Graph emulator stores them (the
contact resource's documented types, Outlook's fixed slots) and as the real connector writes and reads them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from contactsync.connector import Change, ChangeKind
from contactsync.emulators.outlook import GraphEmulator
from contactsync.model import (
    Contact,
    Event,
    InstantMessage,
    Name,
    PartialDate,
    PhoneticName,
    Relation,
    RelationKind,
)
from contactsync.normalize import normalize_contact
from tests.contract import create, push_one

from .conftest import USER, Graph
from .fixtures import outlook

CONTACTS = f"/users/{USER}/contacts"

NEW_PROPERTIES: dict[str, Any] = {
    "nickName": "Ai",
    "yomiGivenName": "あいこ",
    "yomiSurname": "さとう",
    "yomiCompanyName": "こんとそ",
    "imAddresses": ["sip:aiko@contoso.example", "aiko@jabber.example", "SIP:Aiko@Fabrikam.example"],
    "spouseName": "Kenji",
    "children": ["Hana", "Yuto", "Mei", "Sora"],
    "manager": "Mr. Tanaka",
    "assistantName": "Rin",
    "profession": "Chemist",
}


def test_every_new_property_is_stored_and_returned_as_sent(graph: Graph) -> None:
    created = graph.post(CONTACTS, {"givenName": "Aiko", **NEW_PROPERTIES})
    assert created.status_code == 201, created.text
    read = graph.get(f"{CONTACTS}/{created.json()['id']}").json()
    for name, value in NEW_PROPERTIES.items():
        assert read[name] == value, name  # a prefix's case too: Graph keeps strings as written
    selected = graph.get(f"{CONTACTS}/{created.json()['id']}", params={"$select": "children,imAddresses"}).json()
    assert (selected["children"], selected["imAddresses"]) == (
        NEW_PROPERTIES["children"],
        NEW_PROPERTIES["imAddresses"],
    )


def test_a_fourth_im_address_is_refused_like_a_fourth_email(graph: Graph) -> None:
    four = ["a@x.example", "b@x.example", "c@x.example", "d@x.example"]
    refused = graph.post(CONTACTS, {"givenName": "Ana", "imAddresses": four})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        "The multi value property ImAddresses has 4 entries, that exceeds the max allowed value of 3"
    )
    item = graph.post(CONTACTS, {"givenName": "Ana", "imAddresses": four[:3]}).json()
    assert graph.patch(f"{CONTACTS}/{item['id']}", {"imAddresses": four}).status_code == 400
    assert graph.get(f"{CONTACTS}/{item['id']}").json()["imAddresses"] == four[:3]  # nothing of it applied


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("children", "Hana", "Collection"),
        ("children", ["Hana", 7], "Collection(Edm.String)"),
        ("imAddresses", [{"address": "a@x.example"}], "Collection(Edm.String)"),
        ("spouseName", ["Kenji"], "Edm.String"),
        ("yomiGivenName", 1, "Edm.String"),
        ("profession", {"name": "Chemist"}, "Edm.String"),
    ],
)
def test_a_value_of_another_type_is_refused(graph: Graph, name: str, value: Any, expected: str) -> None:
    refused = graph.post(CONTACTS, {"givenName": "Ana", name: value})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        f"Cannot convert the value of property '{name}' to the expected type '{expected}'."
    )


def test_a_patch_of_children_replaces_the_list_and_null_clears_a_slot(graph: Graph) -> None:
    item = graph.post(CONTACTS, {"givenName": "Ana", **NEW_PROPERTIES}).json()
    patched = graph.patch(f"{CONTACTS}/{item['id']}", {"children": ["Bia"], "spouseName": None})
    assert patched.status_code == 200, patched.text
    after = graph.get(f"{CONTACTS}/{item['id']}").json()
    assert (after["children"], after["spouseName"], after["manager"]) == (["Bia"], None, "Mr. Tanaka")
    cleared = graph.patch(f"{CONTACTS}/{item['id']}", {"children": []}).json()
    assert cleared["children"] == []


def _full() -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given="Aiko", family="Sato"),
            display_name="Aiko Sato",
            nicknames=("Ai", "Kochan"),
            phonetic_name=PhoneticName(given="あいこ", middle="ま", family="さとう", organization="こんとそ"),
            role="Chemist",
            ims=(
                InstantMessage("aiko@contoso.example", "sip"),
                InstantMessage("aiko@jabber.example", "xmpp", "chat"),
                InstantMessage("aiko.sato"),
                InstantMessage("live:aiko", "skype"),
            ),
            relations=(
                Relation("Kenji", RelationKind.SPOUSE),
                Relation("Hana", RelationKind.CHILD),
                Relation("Yuto", RelationKind.CHILD),
                Relation("Mr. Tanaka", RelationKind.MANAGER),
                Relation("Rin", RelationKind.ASSISTANT),
                Relation("Emi", RelationKind.MOTHER),
            ),
            gender="female",
            events=(Event(PartialDate(2010, 4, 1), "graduation"),),
            languages=("ja",),
        )
    )


def test_the_connector_writes_what_fit_says_and_reads_it_back(emulator: GraphEmulator) -> None:
    """Through HTTP and the emulator's validation: a create holds fit(contact), and a re-read gives it."""
    connector = outlook(emulator)
    try:
        contact = _full()
        result = create(connector, contact)
        (item,) = emulator.contacts(USER)
        assert item["imAddresses"] == ["sip:aiko@contoso.example", "xmpp:aiko@jabber.example", "aiko.sato"]
        assert (item["spouseName"], item["children"], item["manager"], item["assistantName"]) == (
            "Kenji",
            ["Hana", "Yuto"],
            "Mr. Tanaka",
            "Rin",
        )
        (listed,) = connector.pull(None).changed
        assert listed.contact == connector.fit(contact)
        assert listed.contact.ims[0] == InstantMessage("aiko@contoso.example", "sip")
        assert result.ref is not None
    finally:
        connector.close()


def test_an_update_of_one_new_field_patches_that_property_only(emulator: GraphEmulator) -> None:
    """A user's own values on the item (fileAs, officeLocation, an IM address with an upper-case prefix) stay
    as written when contactsync changes something else."""
    (item_id,) = emulator.seed(
        USER,
        [
            {
                "givenName": "Aiko",
                "displayName": "Aiko Sato",
                "fileAs": "Sato, Aiko",
                "officeLocation": "B2",
                "imAddresses": ["SIP:Aiko@Contoso.example"],
                "children": ["Hana"],
            }
        ],
    )
    connector = outlook(emulator)
    try:
        (listed,) = connector.pull(None).changed
        held = listed.contact
        desired = replace(held, relations=(*held.relations, Relation("Yuto", RelationKind.CHILD)))
        change = Change(ChangeKind.UPDATE, "cid-1", contact=desired, ref=listed.ref, previous=held)
        assert push_one(connector, change).ok
    finally:
        connector.close()
    (item,) = emulator.contacts(USER)
    assert item["id"] == item_id
    assert item["children"] == ["Hana", "Yuto"]
    assert (item["imAddresses"], item["fileAs"], item["officeLocation"]) == (
        ["SIP:Aiko@Contoso.example"],
        "Sato, Aiko",
        "B2",
    )
