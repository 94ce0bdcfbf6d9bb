"""Issue #15 item 5, Outlook's pairs: A → Outlook → A and Outlook → B → Outlook through the whole engine, on the
Graph emulator with the real connector, against vdir folders and the People API emulator.

What may be lost on a trip through a platform is what that platform *declares* it cannot hold (its connector's
``capabilities``: a field it does not hold, or one it holds only in part, with the reason the docs table shows).
Anything else that does not come back fails, naming the field (and, for a vCard, the property line). The trip
must also lose nothing its fits do not predict (what comes back is ``A.fit(B.fit(source))``), and the item on A
must stay as it was when nobody changed it: the same bytes on a vdir, no PATCH on Outlook, no update on Google.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from contactsync.connector import Capabilities, Connector
from contactsync.connectors.outlook import mapping
from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.outlook import GraphEmulator, RequestKind
from contactsync.model import Contact, Field
from contactsync.vcard import decode_card_bytes, parse_card
from tests.fidelity import corpus, lost
from tests.outlook.conftest import CLIENT_ID, SECRET, TENANT, USER
from tests.outlook.fixtures import outlook
from tests.roundtrip import Account, Book, declared_cut, declared_fields, google, vdir

OTHER_USER = "bo@contoso.test"  # a second mailbox: the far end of Outlook → X → Outlook
ALICE, BOB = "alice@example.com", "bob@example.com"


# ------------------------------------------------------------------------------------------------ what was lost


def undeclared_losses(source: Contact, back: Contact, via: Capabilities) -> list[str]:
    """The fields ``back`` does not hold as ``source`` did although ``via`` declares it holds them whole."""
    found = []
    for f in source.differing(back):
        if source.get(f) == Contact.EMPTY.get(f):
            continue  # filled in on the way (Graph computes a display name), nothing lost
        if same_elements(source.get(f), back.get(f), f):
            continue  # the same elements in another order (Google lists SIP addresses after IM clients)
        if f not in via.fields or f in via.lossy or (f is Field.TAGS and not via.holds_tags):
            continue
        found.append(f"{f.value}: {source.get(f)!r} came back as {back.get(f)!r}")
    return found


def same_elements(a: Any, b: Any, f: Field) -> bool:
    """Equal values; for a list, the same elements in any order (an order is no property a platform keeps)."""
    return a == b or (f.multi_valued and Counter(a) == Counter(b))


def fields_of_line(line: str, version: str) -> frozenset[Field]:
    """The model fields one vCard property line fills, read alone on a card of ``version``."""
    card = f"BEGIN:VCARD\r\nVERSION:{version}\r\nUID:probe\r\n{line}\r\nEND:VCARD\r\n"
    return frozenset(parse_card(card).contact.differing(Contact.EMPTY))


def undeclared_lines(source: str, back: str, via: Capabilities) -> list[str]:
    """The source card's property lines the card that came back lacks and whose fields ``via`` holds whole."""
    version = "4.0" if "\nVERSION:4.0" in source else "3.0"
    cut = declared_cut(via)
    return [line for line in lost(source, back) if not fields_of_line(line, version) & cut]


def undeclared_properties(original: Mapping[str, Any], copy: Mapping[str, Any], via: Capabilities) -> list[str]:
    """Property by property, in Graph's own terms: the mapped properties set on the original Outlook item that
    the copy does not hold as read the same, although ``via`` holds whole every field they fill."""
    cut = declared_cut(via)
    found = []
    for name in mapping.SELECT:
        if name not in original:
            continue
        held = mapping.from_graph({name: original[name]})
        filled = frozenset(held.differing(Contact.EMPTY))
        came = mapping.from_graph({name: copy.get(name)})
        if filled and not filled & cut and not all(same_elements(held.get(f), came.get(f), f) for f in filled):
            found.append(f"{name}: {original[name]!r} came back as {copy.get(name)!r}")
    return found


def read(connector: Connector) -> list[Contact]:
    try:
        return [item.contact for item in connector.pull(None).changed]
    finally:
        connector.close()


def by_name(contacts: Sequence[Contact]) -> dict[str, Contact]:
    named = {c.display_name: c for c in contacts}
    assert len(named) == len(contacts), "two contacts with one display name: the test cannot pair them"
    return named


def assert_round_trip(
    sources: Sequence[Contact], backs: Sequence[Contact], via: Connector, home: Connector, trip: str
) -> None:
    """Each source came back with nothing lost but what ``via`` declares, and exactly as the fits predict."""
    back_by_name = by_name(backs)
    assert set(back_by_name) == {c.display_name for c in sources}, trip
    for source in sources:
        back = back_by_name[source.display_name]
        assert undeclared_losses(source, back, via.capabilities) == [], f"{trip}: {source.display_name}"
        expected = home.fit(via.fit(source))
        unexpected = [
            f"{f.value}: {expected.get(f)!r} expected, {back.get(f)!r} came" for f in back.differing(expected)
        ]
        assert unexpected == [], f"{trip}: {source.display_name}: the trip changed more than the fits say"


# ------------------------------------------------------------------------------------------------ the platforms


@pytest.fixture
def graph() -> Iterator[GraphEmulator]:
    with GraphEmulator(seed=15) as emu:
        emu.add_tenant(TENANT)
        emu.add_app(TENANT, CLIENT_ID, secret=SECRET)
        emu.add_mailbox(TENANT, USER)
        emu.add_mailbox(TENANT, OTHER_USER)
        yield emu


@pytest.fixture
def people() -> Iterator[PeopleEmulator]:
    with PeopleEmulator() as emu:
        emu.add_user(ALICE)
        emu.add_user(BOB)
        yield emu
        assert emu.internal_errors == []


def mailbox(emu: GraphEmulator, name: str, user: str) -> Account:
    return Account(name, "outlook", lambda: outlook(emu, name=name, mailbox=user))


def capabilities_of(account: Account) -> Capabilities:
    connector = account.make()
    connector.close()
    return connector.capabilities


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def graph_writes(emu: GraphEmulator) -> int:
    return sum(emu.requests[k] for k in (RequestKind.CREATE, RequestKind.UPDATE, RequestKind.DELETE))


def google_writes(emu: PeopleEmulator) -> int:
    return sum(n for kind, n in emu.requests.items() if kind.is_write)


# ------------------------------------------------------------------------------------------------ vCard ↔ Outlook


def test_the_vcard_corpus_through_outlook_loses_only_what_outlook_declares(
    graph: GraphEmulator, tmp_path: Path
) -> None:
    """vdir → Outlook → another vdir: every card of the corpus (as Apple, Google, Outlook, Nextcloud,
    Thunderbird and DAVx5 export them, and RFC 6350's) comes back with what Outlook holds; the source folder is
    untouched, and a second run writes nothing anywhere."""
    source_dir = tmp_path / "source"
    source_dir.mkdir()
    for card in corpus():
        (source_dir / card.name).write_bytes(card.read_bytes())
    before = files(source_dir)
    there = Book(tmp_path / "there.db", (vdir("cards", source_dir), mailbox(graph, "outlook", USER)))
    back_dir = tmp_path / "back"
    back = Book(tmp_path / "back.db", (mailbox(graph, "outlook", USER), vdir("copies", back_dir)))

    assert there.run() == {"cards": (0, 0), "outlook": (len(before), 0)}
    # what Outlook could not hold was counted, and only under fields it declares it cuts
    assert there.not_carried["outlook"]
    assert declared_fields(there.not_carried["outlook"]) <= declared_cut(capabilities_of(mailbox(graph, "p", USER)))
    assert files(source_dir) == before  # not even a marker written: the cards' identity is their href and UID
    graph.reset_counters()
    assert there.run() == {"cards": (0, 0), "outlook": (0, 0)}
    assert graph_writes(graph) == 0  # no PATCH for a contact nobody changed
    assert files(source_dir) == before

    assert back.run() == {"outlook": (0, 0), "copies": (len(before), 0)}
    assert back.not_carried["copies"] == set()  # a vCard holds all Outlook holds
    graph.reset_counters()
    assert back.run() == {"outlook": (0, 0), "copies": (0, 0)}
    assert graph_writes(graph) == 0

    via, home = outlook(graph, name="probe"), vdir("probe", back_dir).make()
    sources, backs = read(vdir("cards", source_dir).make()), read(vdir("copies", back_dir).make())
    assert_round_trip(sources, backs, via, home, "vCard→Outlook→vCard")
    # and line by line: a property line that did not come back belongs to a field Outlook declares it cuts
    copies = {parse_card(decode_card_bytes(p.read_bytes())).contact.display_name: p for p in back_dir.iterdir()}
    for card in corpus():
        text = decode_card_bytes(card.read_bytes())
        copy = decode_card_bytes(copies[parse_card(text).contact.display_name].read_bytes())
        assert undeclared_lines(text, copy, via.capabilities) == [], card.name
    via.close()

    # edited in Outlook: the Apple card's spouse, a child added. The card on the source changes those lines only:
    # what Outlook never held of it (labels, the social profile, the X-ABUID, a second email's label) stays
    apple = next(c for c in graph.contacts(USER) if c["displayName"] == "Dr. Ayse Nur Ozturk PhD")
    assert (apple["spouseName"], apple["imAddresses"]) == ("Deniz Ozturk", ["skype:ayse.nur"])
    graph.edit(USER, apple["id"], {"spouseName": "Deniz Öztürk", "children": ["Ela"]})
    assert there.run() == {"cards": (0, 1), "outlook": (0, 0)}
    original = decode_card_bytes(next(p for p in corpus() if p.stem == "apple-contacts").read_bytes())
    edited = decode_card_bytes((source_dir / "apple-contacts.vcf").read_bytes())
    # the spouse's line, and its label as a member of the group that held the old name
    assert lost(original, edited) == ["X-ABLABEL:_$!<Spouse>!$_", "X-ABRELATEDNAMES;TYPE=pref:Deniz Ozturk"]
    assert {(r.name, r.kind.value) for r in parse_card(edited).contact.relations} == {
        ("Deniz Öztürk", "spouse"),
        ("Ela", "child"),
    }
    after = files(source_dir)
    assert all(after[name] == before[name] for name in before if name != "apple-contacts.vcf")


#: an Outlook contact with every property Graph's contact resource has, as Outlook clients write them: a birthday
#: at local midnight in UTC+2, national phone spellings, a SIP address with its prefix, and properties contactsync
#: does not map (fileAs, initials, officeLocation, another application's extended property)
FULL_GRAPH_CONTACT: dict[str, Any] = {
    "givenName": "Aiko",
    "middleName": "Mei",
    "surname": "Sato",
    "title": "Dr.",
    "generation": "Jr.",
    "displayName": "Dr. Aiko Sato",
    "nickName": "Ai",
    "initials": "A.M.S.",
    "fileAs": "Sato, Aiko",
    "yomiGivenName": "あいこ",
    "yomiSurname": "さとう",
    "yomiCompanyName": "こんとそ",
    "emailAddresses": [
        {"name": "Aiko Sato", "address": "aiko@contoso.example"},
        {"name": "Aiko (home)", "address": "aiko.sato@mail.example"},
        {"name": "aiko@lab.example", "address": "aiko@lab.example"},
    ],
    "imAddresses": ["sip:aiko@contoso.example", "aiko@jabber.example", "xmpp:aiko@chat.example"],
    "mobilePhone": "(415) 555-0100",
    "businessPhones": ["+1 415 555 0101", "+1 415 555 0102"],
    "homePhones": ["415-555-0103", "+44 20 7946 0958"],
    "homeAddress": {
        "street": "12 Linden Street\nApt 4",
        "city": "Berkeley",
        "state": "CA",
        "postalCode": "94702",
        "countryOrRegion": "United States",
    },
    "businessAddress": {"street": "1 Main St", "city": "Redmond", "state": "WA", "postalCode": "98052"},
    "otherAddress": {"city": "Kyoto", "countryOrRegion": "Japan"},
    "companyName": "Contoso",
    "department": "Research",
    "jobTitle": "Principal Scientist",
    "profession": "Chemist",
    "officeLocation": "B2/114",
    "spouseName": "Kenji Sato",
    "children": ["Hana", "Yuto"],
    "manager": "Mr. Tanaka",
    "assistantName": "Rin",
    "birthday": "1990-05-16T22:00:00Z",
    "businessHomePage": "https://contoso.example/aiko",
    "personalNotes": "Met at the fair.\nPrefers email.",
    "categories": ["VIP", "Research"],
    mapping.EXTENDED: [{"id": "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color", "value": "teal"}],
}


def _untouched(emu: GraphEmulator, user: str, seeded: dict[str, Any]) -> None:
    (item,) = emu.contacts(user)
    assert item == seeded, "the Outlook item changed although nobody changed it"


def test_a_full_outlook_contact_through_vcard_comes_back_unchanged(graph: GraphEmulator, tmp_path: Path) -> None:
    """Outlook → vdir → another mailbox: every mapped property comes back (vCard holds all Outlook maps); the
    original item is not written at all, its unmapped properties and extended property stay as they were."""
    graph.seed(USER, [FULL_GRAPH_CONTACT])
    (seeded,) = graph.contacts(USER)
    cards = tmp_path / "cards"
    there = Book(tmp_path / "there.db", (mailbox(graph, "outlook", USER), vdir("cards", cards)))
    back = Book(tmp_path / "back.db", (vdir("cards", cards), mailbox(graph, "other", OTHER_USER)))
    assert there.run() == {"outlook": (0, 0), "cards": (1, 0)}
    assert there.not_carried["cards"] == set()
    graph.reset_counters()
    assert there.run() == {"outlook": (0, 0), "cards": (0, 0)}
    assert graph_writes(graph) == 0
    _untouched(graph, USER, seeded)
    written = files(cards)

    assert back.run() == {"cards": (0, 0), "other": (1, 0)}
    assert back.run() == {"cards": (0, 0), "other": (0, 0)}
    assert files(cards) == written
    _untouched(graph, USER, seeded)

    via, home = vdir("probe", cards).make(), outlook(graph, name="probe", mailbox=USER)
    (source,) = read(outlook(graph, name="o", mailbox=USER))
    (came_back,) = read(outlook(graph, name="b", mailbox=OTHER_USER))
    assert_round_trip([source], [came_back], via, home, "Outlook→vCard→Outlook")
    (copy,) = graph.contacts(OTHER_USER)
    assert undeclared_properties(seeded, copy, via.capabilities) == []
    home.close()


def test_an_email_edit_elsewhere_keeps_the_names_outlook_holds_for_the_other_addresses(
    graph: GraphEmulator, tmp_path: Path
) -> None:
    """Outlook names each address ("Aiko (home)"); the model has no place for the name. When an address is removed
    on the card, the write-back rewrites the list: the addresses still there keep their names, not the bare
    address (issue #15: what a platform holds beyond the model stays on it)."""
    graph.seed(USER, [FULL_GRAPH_CONTACT])
    cards = tmp_path / "cards"
    book = Book(tmp_path / "book.db", (mailbox(graph, "outlook", USER), vdir("cards", cards)))
    assert book.run() == {"outlook": (0, 0), "cards": (1, 0)}
    (card,) = cards.iterdir()
    text = card.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True) if "aiko@lab.example" not in line]
    assert len(kept) == len(text.splitlines()) - 1
    card.write_text("".join(kept), encoding="utf-8")
    assert book.run() == {"outlook": (0, 1), "cards": (0, 0)}
    (item,) = graph.contacts(USER)
    assert item["emailAddresses"] == [
        {"name": "Aiko Sato", "address": "aiko@contoso.example"},
        {"name": "Aiko (home)", "address": "aiko.sato@mail.example"},
    ]


# ------------------------------------------------------------------------------------------------ Google ↔ Outlook

#: a Google contact with every field the People API has for what the model maps, as Google Contacts saves them
FULL_PERSON: dict[str, Any] = {
    "names": [
        {
            "givenName": "Marco",
            "middleName": "Giovanni",
            "familyName": "Bellini",
            "honorificPrefix": "Prof.",
            "honorificSuffix": "Jr.",
            "unstructuredName": "Prof. Marco Bellini",
            "phoneticGivenName": "MAR-ko",
            "phoneticMiddleName": "jo-VAN-nee",
            "phoneticFamilyName": "bel-LEE-nee",
        }
    ],
    "nicknames": [{"value": "Marc"}, {"value": "Il Professore"}],
    "emailAddresses": [
        {"value": "marco@uni.example", "type": "work"},
        {"value": "marco@casa.example", "type": "home"},
        {"value": "m.bellini@lab.example", "type": "Lab notebook"},
        {"value": "marco@old.example", "type": "other"},
    ],
    "phoneNumbers": [
        {"value": "+39 333 123 4567", "type": "mobile"},
        {"value": "+39 02 1234 5678", "type": "work"},
        {"value": "+39 02 8765 4321", "type": "home"},
        {"value": "+39 02 1111 2222", "type": "homeFax"},
        {"value": "+39 02 3333 4444", "type": "Studio"},
    ],
    "addresses": [
        {
            "streetAddress": "Via Roma 1",
            "city": "Milano",
            "region": "MI",
            "postalCode": "20121",
            "country": "Italy",
            "type": "work",
        },
        {"streetAddress": "Via Verdi 7", "city": "Como", "poBox": "CP 12", "type": "home"},
        {"city": "Lugano", "country": "Switzerland", "type": "Summer house"},
    ],
    "organizations": [
        {
            "name": "Università di Milano",
            "department": "Fisica",
            "title": "Professore ordinario",
            "jobDescription": "Teaches quantum mechanics",
            "phoneticName": "oo-nee-ver-see-TA",
        }
    ],
    "birthdays": [{"date": {"year": 1975, "month": 3, "day": 14}}],
    "events": [
        {"date": {"year": 2001, "month": 6, "day": 9}, "type": "anniversary"},
        {"date": {"year": 1999, "month": 7, "day": 15}, "type": "graduation"},
    ],
    "urls": [
        {"value": "https://uni.example/~bellini", "type": "work"},
        {"value": "https://marco.example", "type": "blog"},
    ],
    "biographies": [{"value": "Met at CERN.\nPrefers phone calls.", "contentType": "TEXT_PLAIN"}],
    "genders": [{"value": "male"}],
    "imClients": [
        {"username": "marco.bellini", "protocol": "skype"},
        {"username": "marco@jabber.example", "protocol": "jabber"},
    ],
    "sipAddresses": [{"value": "sip:marco@voip.example", "type": "work"}],
    "relations": [
        {"person": "Giulia Bellini", "type": "spouse"},
        {"person": "Luca", "type": "child"},
        {"person": "Sofia", "type": "child"},
        {"person": "Prof. Rossi", "type": "manager"},
        {"person": "Anna", "type": "assistant"},
        {"person": "Paola", "type": "mother"},
        {"person": "Gino", "type": "Godfather"},
    ],
    "locales": [{"value": "it"}, {"value": "en-GB"}],
    "userDefined": [{"key": "Employee ID", "value": "E-42"}, {"key": "Badge", "value": "7"}],
}


def test_a_full_google_contact_through_outlook_loses_only_what_outlook_declares(
    people: PeopleEmulator, graph: GraphEmulator, tmp_path: Path
) -> None:
    """Google → Outlook → another Google user: what came back is all Outlook holds of it; the source person is
    not written at all, on the first run or the next."""
    people.seed(ALICE, [FULL_PERSON])
    seeded = people.persons(ALICE)
    there = Book(tmp_path / "there.db", (google(people, "google", ALICE), mailbox(graph, "outlook", USER)))
    back = Book(tmp_path / "back.db", (mailbox(graph, "outlook", USER), google(people, "other", BOB)))
    assert there.run() == {"google": (0, 0), "outlook": (1, 0)}
    assert declared_fields(there.not_carried["outlook"]) <= declared_cut(capabilities_of(mailbox(graph, "p", USER)))
    people.reset_counters()
    graph.reset_counters()
    assert there.run() == {"google": (0, 0), "outlook": (0, 0)}
    assert (google_writes(people), graph_writes(graph)) == (0, 0)
    assert back.run() == {"outlook": (0, 0), "other": (1, 0)}
    assert back.run() == {"outlook": (0, 0), "other": (0, 0)}
    assert people.persons(ALICE) == seeded  # etag and all: nobody changed it, nobody wrote it

    via, home = outlook(graph, name="probe"), google(people, "probe", ALICE).make()
    sources, backs = read(google(people, "a", ALICE).make()), read(google(people, "b", BOB).make())
    assert_round_trip(sources, backs, via, home, "Google→Outlook→Google")
    via.close()
    home.close()


def test_a_full_outlook_contact_through_google_loses_only_what_google_declares(
    people: PeopleEmulator, graph: GraphEmulator, tmp_path: Path
) -> None:
    """Outlook → Google → another mailbox: the original Outlook item is never written, and what came back is all
    Google holds of it."""
    graph.seed(USER, [FULL_GRAPH_CONTACT])
    (seeded,) = graph.contacts(USER)
    there = Book(tmp_path / "there.db", (mailbox(graph, "outlook", USER), google(people, "google", ALICE)))
    back = Book(tmp_path / "back.db", (google(people, "google", ALICE), mailbox(graph, "other", OTHER_USER)))
    assert there.run() == {"outlook": (0, 0), "google": (1, 0)}
    assert declared_fields(there.not_carried["google"]) <= declared_cut(capabilities_of(google(people, "p", ALICE)))
    graph.reset_counters()
    people.reset_counters()
    assert there.run() == {"outlook": (0, 0), "google": (0, 0)}
    assert (graph_writes(graph), google_writes(people)) == (0, 0)
    assert back.run() == {"google": (0, 0), "other": (1, 0)}
    assert back.run() == {"google": (0, 0), "other": (0, 0)}
    _untouched(graph, USER, seeded)

    via, home = google(people, "probe", ALICE).make(), outlook(graph, name="probe", mailbox=USER)
    (source,) = read(outlook(graph, name="o", mailbox=USER))
    (came_back,) = read(outlook(graph, name="b", mailbox=OTHER_USER))
    assert_round_trip([source], [came_back], via, home, "Outlook→Google→Outlook")
    (copy,) = graph.contacts(OTHER_USER)
    assert undeclared_properties(seeded, copy, via.capabilities) == []
    via.close()
    home.close()
