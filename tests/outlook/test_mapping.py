"""Contact ↔ Graph mapping: what Outlook holds survives a round trip; what it cannot hold is cut by ``fit`` only."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from contactsync.connectors.outlook import mapping
from contactsync.emulators.outlook.mailbox import validate_contact_body
from contactsync.model import (
    AddressKind,
    Contact,
    Email,
    EmailKind,
    Event,
    Field,
    InstantMessage,
    Name,
    PartialDate,
    Phone,
    PhoneKind,
    PhoneticName,
    PostalAddress,
    Relation,
    RelationKind,
    Tag,
    Url,
)
from contactsync.normalize import normalize_contact

words = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), max_size=12)
emails = st.builds(
    Email, st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.(org|com)", fullmatch=True), st.sampled_from(EmailKind), words
)
phones = st.builds(Phone, st.from_regex(r"\+1415555[0-9]{4}", fullmatch=True), st.sampled_from(PhoneKind), words)
# services as the other platforms name them, none (a bare handle), and ones that are no URI scheme; handles that
# hold a colon themselves
ims = st.builds(
    InstantMessage,
    st.from_regex(r"[a-z0-9.@:]{1,12}", fullmatch=True) | words,
    st.sampled_from(["", "sip", "xmpp", "skype", "teams", "gadugadu", "my net", "x_y"]),
    words,
)
relations = st.builds(Relation, words, st.sampled_from(RelationKind), words)
events = st.builds(
    Event, st.builds(PartialDate, st.integers(1900, 2030), st.integers(1, 12), st.integers(1, 28)), words
)
addresses = st.builds(
    PostalAddress,
    street=words,
    locality=words,
    region=words,
    postal_code=words,
    country=words,
    po_box=words,
    extended=words,
    kind=st.sampled_from(AddressKind),
    label=words,
    formatted=words,
)
dates = st.builds(PartialDate, st.none() | st.integers(1900, 2030), st.integers(1, 12), st.integers(1, 28))
contacts = st.builds(
    Contact,
    name=st.builds(Name, words, words, words, words, words),
    display_name=words,
    nicknames=st.lists(words, max_size=1).map(tuple),
    emails=st.lists(emails, max_size=5).map(tuple),
    phones=st.lists(phones, max_size=7).map(tuple),
    addresses=st.lists(addresses, max_size=4).map(tuple),
    organization=words,
    department=words,
    job_title=words,
    birthday=st.none() | dates,
    urls=st.lists(
        st.builds(Url, st.from_regex(r"https://[a-z]{1,8}\.org/[a-z]{0,5}", fullmatch=True), words), max_size=3
    ).map(tuple),
    note=st.text(max_size=40),
    tags=st.frozensets(st.builds(Tag, st.sampled_from(["Staff", "staff", "VIP", "Family", "Ünïcode"])), max_size=3),
    custom=st.lists(st.tuples(words, words), max_size=2).map(tuple),
    phonetic_name=st.builds(PhoneticName, words, words, words, words),
    gender=st.sampled_from(["", "female", "male", "nonbinary"]),
    ims=st.lists(ims, max_size=5).map(tuple),
    relations=st.lists(relations, max_size=6).map(tuple),
    events=st.lists(events, max_size=2).map(tuple),
    role=words,
    languages=st.lists(st.sampled_from(["en", "pt-BR", "ja"]), max_size=2).map(tuple),
    vcard_lines=st.lists(st.sampled_from(["X-FOO:bar", "GEO:geo:1,2"]), max_size=2).map(tuple),
).map(normalize_contact)


@settings(max_examples=150, deadline=None)
@given(contacts)
def test_fit_is_what_a_write_and_a_re_read_give_and_is_stable(contact: Contact) -> None:
    fitted = mapping.fit(contact)
    assert mapping.fit(fitted) == fitted
    assert mapping.from_graph(mapping.as_created(mapping.create_body(fitted))) == fitted


@settings(max_examples=150, deadline=None)
@given(contacts, contacts)
def test_a_patch_carries_exactly_the_properties_that_differ(before: Contact, after: Contact) -> None:
    old, new = mapping.fit(before), mapping.fit(after)
    patch = mapping.patch_body(old, new)
    assert {**mapping.to_graph(old), **patch} == mapping.to_graph(new)
    assert mapping.patch_body(new, new) == {}


@settings(max_examples=100, deadline=None)
@given(contacts)
def test_fit_keeps_every_field_outlook_holds_whole(contact: Contact) -> None:
    fitted = mapping.fit(contact)
    for f in mapping.FIELDS - set(mapping.LOSSY) - {Field.DISPLAY_NAME}:
        assert fitted.get(f) == contact.get(f), f
    for f in set(Field) - mapping.FIELDS:
        assert fitted.get(f) == Contact().get(f), f


def test_what_outlook_cannot_hold_is_cut_by_fit() -> None:
    contact = normalize_contact(
        Contact(
            name=Name(given="Ana", family="Lima"),
            emails=tuple(Email(f"a{i}@example.org", EmailKind.WORK) for i in range(4)),
            phones=(
                Phone("+14155550101", PhoneKind.MOBILE),
                Phone("+14155550102", PhoneKind.MOBILE),
                Phone("+14155550103", PhoneKind.WORK_FAX),
                Phone("+14155550104", PhoneKind.OTHER),
                Phone("+14155550105", PhoneKind.HOME),
            ),
            addresses=(
                PostalAddress(street="1 Main St", po_box="PO 9", kind=AddressKind.HOME),
                PostalAddress(street="2 Side St", kind=AddressKind.HOME),
            ),
            birthday=PartialDate(None, 4, 15),
            urls=(Url("https://a.example.org"), Url("https://b.example.org")),
        )
    )
    fitted = mapping.fit(contact)
    assert [e.address for e in fitted.emails] == ["a0@example.org", "a1@example.org", "a2@example.org"]
    assert all(e.kind is EmailKind.OTHER for e in fitted.emails)
    assert [(p.number, p.kind) for p in fitted.phones] == [
        ("+14155550101", PhoneKind.MOBILE),
        ("+14155550104", PhoneKind.WORK),
        ("+14155550105", PhoneKind.HOME),
    ]
    assert fitted.addresses == (PostalAddress(street="1 Main St", kind=AddressKind.HOME),)
    assert fitted.birthday is None
    assert fitted.urls == (Url("https://a.example.org"),)
    assert fitted.display_name == "Ana Lima"  # Graph computes it on create
    assert set(mapping.LOSSY) == {
        Field.NICKNAMES,
        Field.PHONETIC_NAME,
        Field.EMAILS,
        Field.PHONES,
        Field.ADDRESSES,
        Field.BIRTHDAY,
        Field.URLS,
        Field.IMS,
        Field.RELATIONS,
    }


def test_birthday_is_the_date_of_the_nearest_midnight_of_the_utc_instant() -> None:
    # 11:59 UTC (Outlook on the web, us), UTC midnight, local midnight east (UTC+1) and west (UTC-5) of Greenwich
    for answered in ("1990-05-17T11:59:00Z", "1990-05-17T00:00:00Z", "1990-05-16T23:00:00.0000000+00:00",
                     "1990-05-17T05:00:00Z"):  # fmt: skip
        assert mapping.from_graph({"birthday": answered}).birthday == PartialDate(1990, 5, 17)
    assert mapping.to_graph(Contact(birthday=PartialDate(1990, 5, 17)))["birthday"].startswith("1990-05-17T")


def test_marker_is_found_whatever_the_case_of_its_type_and_guid_but_not_of_its_name() -> None:
    kind, guid, keyword, name = mapping.MARKER_PROPERTY.split(" ", 3)
    item = {mapping.EXTENDED: [{"id": f"{kind.lower()} {guid.upper()} {keyword.upper()} {name}", "value": "cid-7"}]}
    assert mapping.marker_of(item) == "cid-7"
    # Exchange compares a named property's name case-sensitively: this is another application's property
    other = {mapping.EXTENDED: [{"id": f"{kind} {guid} {keyword} {name.upper()}", "value": "cid-8"}]}
    assert mapping.marker_of(other) is None
    assert mapping.marker_of({}) is None


def test_the_new_fields_outlook_holds_map_to_their_slots_and_back() -> None:
    contact = normalize_contact(
        Contact(
            name=Name(given="Aiko", family="Sato"),
            display_name="Aiko Sato",
            nicknames=("Ai", "Kochan"),
            phonetic_name=PhoneticName(given="あいこ", middle="ま", family="さとう", organization="そにー"),
            role="Chief chemist",
            ims=(
                InstantMessage("aiko@contoso.com", "sip", "work"),
                InstantMessage("aiko@jabber.example", "xmpp"),
                InstantMessage("aiko.sato"),
                InstantMessage("live:aiko", "skype"),
            ),
            relations=(
                Relation("Kenji", RelationKind.SPOUSE),
                Relation("Hana", RelationKind.CHILD),
                Relation("Yuto", RelationKind.CHILD),
                Relation("Mr. Tanaka", RelationKind.MANAGER),
                Relation("Rin", RelationKind.ASSISTANT),
                Relation("Second spouse", RelationKind.SPOUSE),
                Relation("Mother", RelationKind.MOTHER),
                Relation("Godmother", RelationKind.OTHER, "godmother"),
            ),
            gender="female",
            events=(Event(PartialDate(2010, 4, 1), "graduation"),),
            languages=("ja", "en"),
            custom=(("employee", "42"),),
        )
    )
    body = mapping.create_body(contact)
    assert body["nickName"] == "Ai"
    assert (body["yomiGivenName"], body["yomiSurname"], body["yomiCompanyName"]) == ("あいこ", "さとう", "そにー")
    assert body["profession"] == "Chief chemist"
    # three IM slots; the service is written as the address's scheme, a bare handle stays bare
    assert body["imAddresses"] == ["sip:aiko@contoso.com", "xmpp:aiko@jabber.example", "aiko.sato"]
    assert (body["spouseName"], body["children"], body["manager"], body["assistantName"]) == (
        "Kenji",
        ["Hana", "Yuto"],
        "Mr. Tanaka",
        "Rin",
    )
    for absent in ("gender", "events", "languages", "custom"):
        assert absent not in body
    fitted = mapping.fit(contact)
    assert fitted.nicknames == ("Ai",)
    assert fitted.phonetic_name == PhoneticName(given="あいこ", family="さとう", organization="そにー")
    assert fitted.ims == (
        InstantMessage("aiko@contoso.com", "sip"),
        InstantMessage("aiko@jabber.example", "xmpp"),
        InstantMessage("aiko.sato"),
    )
    assert fitted.relations == (
        Relation("Kenji", RelationKind.SPOUSE),
        Relation("Hana", RelationKind.CHILD),
        Relation("Yuto", RelationKind.CHILD),
        Relation("Mr. Tanaka", RelationKind.MANAGER),
        Relation("Rin", RelationKind.ASSISTANT),
    )
    assert (fitted.gender, fitted.events, fitted.languages, fitted.custom) == ("", (), (), ())
    # everything cut is declared: a field Outlook does not hold, or one it holds in part
    for f in contact.differing(fitted):
        assert f not in mapping.FIELDS or f in mapping.LOSSY, f


def test_an_im_address_outlook_holds_is_read_with_its_service_and_written_back_as_it_was() -> None:
    held = {"imAddresses": ["sip:ana@contoso.com", "ana@example.org", "SIP:Ana@Fabrikam.com"]}
    contact = mapping.from_graph(held)
    assert contact.ims == (
        InstantMessage("ana@contoso.com", "sip"),
        InstantMessage("ana@example.org"),
        InstantMessage("Ana@Fabrikam.com", "sip"),
    )
    # the scheme's case is not kept (schemes are case-insensitive, RFC 3986 3.1), the handle is
    assert mapping.to_graph(contact)["imAddresses"] == [
        "sip:ana@contoso.com",
        "ana@example.org",
        "sip:Ana@Fabrikam.com",
    ]
    # a change elsewhere sends nothing about them; a removed IM address sends the two others as held
    assert mapping.patch_body(contact, replace(contact, role="Buyer")) == {"profession": "Buyer"}
    fewer = replace(contact, ims=contact.ims[1:])
    assert mapping.patch_body(contact, fewer) == {"imAddresses": ["ana@example.org", "sip:Ana@Fabrikam.com"]}


def test_a_patch_of_a_new_field_leaves_every_other_property_alone() -> None:
    """What the model does not map (fileAs, officeLocation, another app's extended property) is never sent: a
    PATCH names only the mapped properties whose value changed, so Outlook keeps the rest as it was."""
    item = {
        "givenName": "Ana",
        "fileAs": "Lima, Ana",
        "officeLocation": "B2",
        "children": ["Rui"],
        "spouseName": "Leo",
        "imAddresses": ["sip:ana@contoso.com"],
    }
    held = mapping.from_graph(item)
    more = replace(held, relations=(*held.relations, Relation("Bia", RelationKind.CHILD)))
    assert mapping.patch_body(held, more) == {"children": ["Rui", "Bia"]}
    gone = replace(held, relations=tuple(r for r in held.relations if r.kind is not RelationKind.SPOUSE))
    assert mapping.patch_body(held, gone) == {"spouseName": None}


@settings(max_examples=150, deadline=None)
@given(contacts, contacts)
def test_the_emulator_accepts_every_body_the_mapping_sends_and_stores_what_fit_says(
    before: Contact, after: Contact
) -> None:
    """The Graph emulator is as strict as Graph (types, three IM addresses, two business phones…): a create or a
    patch the mapping builds is never refused, and what it stores reads back as ``fit``."""
    old, new = mapping.fit(before), mapping.fit(after)
    stored, _extended = validate_contact_body(mapping.create_body(old), creating=True)
    assert mapping.from_graph(stored) == old
    changes, _extended = validate_contact_body(mapping.patch_body(old, new), creating=False)
    patched = {k: v for k, v in {**stored, **changes}.items() if v not in (None, [], {})}
    assert mapping.from_graph(patched) == new
