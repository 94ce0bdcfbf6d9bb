"""Issue #15 item 5, Google's pairs with vCard: vCard → Google → vCard and Google → vCard → Google, through the
whole engine, with the real Google connector on the People API emulator and vdir folders.

What a trip through a platform may lose is what that platform *declares* it cannot hold: a field outside its
connector's ``capabilities.fields``, or one it holds in part (``capabilities.lossy``, the reasons the docs table
shows). The declarations are read from the connectors, never listed here, so a field the vCard side does not map
yet is lost "by vCard's own declaration" and a field it maps must come back. Anything else that does not come
back fails, naming the field (and for a card, the property line). What comes back must also be exactly what the
two fits predict, and the item on the starting side must stay as it was when nobody changed it: the same bytes
and time on the vdir file, no write at all (same etag) on Google.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from contactsync.connector import Capabilities, Connector
from contactsync.connectors.google import mapping
from contactsync.emulators.google import PeopleEmulator
from contactsync.model import Contact, Field
from contactsync.normalize import phone_number
from contactsync.vcard import decode_card_bytes, parse_card
from tests.carddav.conftest import radicale_server  # noqa: F401 - the fixture, for the CardDAV trips
from tests.fidelity import corpus, lost
from tests.google.full_person import EVERY_FIELD
from tests.roundtrip import Account, Book, declared_cut, declared_fields, google, vdir

ALICE, BOB = "alice@example.com", "bob@example.com"

# ------------------------------------------------------------------------------------------- what was lost


def _same(a: Any, b: Any, f: Field) -> bool:
    """Equal; for a list, the same elements in any order (an order is nothing a platform promises to keep)."""
    return a == b or (f.multi_valued and Counter(a) == Counter(b))


def undeclared_losses(source: Contact, back: Contact, via: Capabilities) -> list[str]:
    """The fields ``back`` does not hold as ``source`` did although ``via`` declares it holds them whole."""
    cut = declared_cut(via)
    return [
        f"{f.value}: {source.get(f)!r} came back as {back.get(f)!r}"
        for f in source.differing(back)
        if source.get(f) != Contact.EMPTY.get(f) and not _same(source.get(f), back.get(f), f) and f not in cut
    ]


def fields_of_line(line: str, version: str) -> frozenset[Field]:
    """The model fields one vCard property line fills, read alone on a card of ``version``."""
    card = f"BEGIN:VCARD\r\nVERSION:{version}\r\nUID:probe\r\n{line}\r\nEND:VCARD\r\n"
    return frozenset(parse_card(card).contact.differing(Contact.EMPTY))


def undeclared_lines(source: str, back: str, via: Capabilities) -> list[str]:
    """The source card's property lines the card that came back lacks, whose fields ``via`` holds whole."""
    version = "4.0" if "\nVERSION:4.0" in source else "3.0"
    cut = declared_cut(via)
    return [line for line in lost(source, back) if not fields_of_line(line, version) & cut]


#: the keys of each person field the mapping carries, compared as Google holds them. The other keys (a
#: nickname's type, an address's countryCode, a gender's addressMeAs, organizations after the primary one…)
#: are Google's own leftovers: they stay on the person and are not expected to travel.
CARRIED: dict[str, tuple[str, ...]] = {
    "names": (
        "givenName", "familyName", "middleName", "honorificPrefix", "honorificSuffix", "unstructuredName",
        "phoneticGivenName", "phoneticMiddleName", "phoneticFamilyName",
    ),
    "nicknames": ("value",),
    "emailAddresses": ("value", "type"),
    "phoneNumbers": ("value", "type"),
    "addresses": (
        "streetAddress", "city", "region", "postalCode", "country", "poBox", "extendedAddress", "type",
        "formattedValue",
    ),
    "organizations": ("name", "department", "title", "jobDescription", "phoneticName"),
    "birthdays": ("date",),
    "events": ("date", "type"),
    "urls": ("value", "type"),
    "biographies": ("value",),
    "userDefined": ("key", "value"),
    "genders": ("value",),
    "imClients": ("username", "protocol", "type"),
    "sipAddresses": ("value", "type"),
    "relations": ("person", "type"),
    "locales": ("value",),
}  # fmt: skip


def _carried(person: dict[str, Any], name: str) -> Counter[tuple[tuple[str, Any], ...]]:
    entries = person.get(name, [])[:1] if name == "organizations" else person.get(name, [])  # the primary one

    def value(key: str, raw: Any) -> Any:
        if isinstance(raw, dict):  # a date
            return tuple(sorted(raw.items()))
        if (name, key) == ("phoneNumbers", "value"):  # compared in E.164: the spelling is the writer's
            return phone_number(raw, "US")
        if (name, key) == ("phoneNumbers", "type"):  # workMobile is a mobile number: the nearest kind
            return mapping.phone_kind_label(raw)
        if (name, key) == ("imClients", "protocol"):  # services are lower case in the model
            return raw.casefold()
        return raw

    return Counter(tuple(sorted((k, value(k, e[k])) for k in CARRIED[name] if k in e)) for e in entries)


def undeclared_person_losses(original: dict[str, Any], copy: dict[str, Any], via: Capabilities) -> list[str]:
    """Person field by person field, in Google's own terms: what the original holds of the keys the mapping
    carries that the copy does not hold alike, although ``via`` holds whole every model field it fills."""
    cut = declared_cut(via)
    found = []
    for name in CARRIED:
        filled = frozenset(mapping.contact_from_person({name: original.get(name, [])}, {}).differing(Contact.EMPTY))
        if filled & cut:
            continue
        if _carried(original, name) != _carried(copy, name):
            found.append(f"{name}: {original.get(name)!r} came back as {copy.get(name)!r}")
    return found


def by_name(contacts: Sequence[Contact]) -> dict[str, Contact]:
    named = {c.display_name: c for c in contacts}
    assert len(named) == len(contacts), "two contacts with one display name: the test cannot pair them"
    return named


def assert_round_trip(sources: Sequence[Contact], backs: Sequence[Contact], via: Connector, home: Connector) -> None:
    """Each source came back with nothing lost but what ``via`` declares, and exactly as the fits predict."""
    came = by_name(backs)
    assert set(came) == {c.display_name for c in sources}
    for source in sources:
        back = came[source.display_name]
        assert undeclared_losses(source, back, via.capabilities) == [], source.display_name
        expected = home.fit(via.fit(source))
        more = [f"{f.value}: {expected.get(f)!r} expected, {back.get(f)!r} came" for f in back.differing(expected)]
        assert more == [], f"{source.display_name}: the trip changed more than the fits say"


# ------------------------------------------------------------------------------------------------ the accounts


@pytest.fixture
def people() -> Iterator[PeopleEmulator]:
    with PeopleEmulator() as emu:
        emu.add_user(ALICE)
        emu.add_user(BOB)
        yield emu
        assert emu.internal_errors == []


def read(account: Account) -> list[Contact]:
    connector = account.make()
    try:
        return [item.contact for item in connector.pull(None).changed]
    finally:
        connector.close()


def capabilities(account: Account) -> Capabilities:
    connector = account.make()
    try:
        return connector.capabilities
    finally:
        connector.close()


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def google_writes(emu: PeopleEmulator) -> int:
    return sum(n for kind, n in emu.requests.items() if kind.is_write)


# ------------------------------------------------------------------------------------------- vCard → Google


def test_the_vcard_corpus_through_google_loses_only_what_google_declares(
    people: PeopleEmulator, tmp_path: Path
) -> None:
    """vdir → Google → another vdir: every card of the corpus (Apple, Google, Outlook, Nextcloud, Thunderbird,
    DAVx5 exports and RFC 6350's) comes back with all Google holds; the source folder is never written, and a
    second run writes nothing anywhere."""
    source_dir = tmp_path / "source"
    source_dir.mkdir()
    for card in corpus():
        (source_dir / card.name).write_bytes(card.read_bytes())
    before = files(source_dir)
    cards, alice = vdir("cards", source_dir), google(people, "google", ALICE)
    there = Book(tmp_path / "there.db", (cards, alice))
    back_dir = tmp_path / "back"
    back = Book(tmp_path / "back.db", (google(people, "google", ALICE), vdir("copies", back_dir)))

    assert there.run() == {"cards": (0, 0), "google": (len(before), 0)}
    # what Google could not hold was counted, under fields it declares it cuts only
    assert there.not_carried["google"]
    assert declared_fields(there.not_carried["google"]) <= declared_cut(capabilities(alice))
    assert files(source_dir) == before  # not even a marker: a card's identity is its href and UID
    people.reset_counters()
    assert there.run() == {"cards": (0, 0), "google": (0, 0)}
    assert google_writes(people) == 0  # Google holds what fit said: no update for a contact nobody changed
    assert files(source_dir) == before

    assert back.run() == {"google": (0, 0), "copies": (len(before), 0)}
    people.reset_counters()
    assert back.run() == {"google": (0, 0), "copies": (0, 0)}
    assert google_writes(people) == 0

    assert_round_trip(read(cards), read(vdir("copies", back_dir)), alice.make(), vdir("probe", back_dir).make())
    # line by line: a property that did not come back belongs to a field Google declares it cuts
    via = capabilities(alice)
    copies = {parse_card(decode_card_bytes(p.read_bytes())).contact.display_name: p for p in back_dir.iterdir()}
    for card in corpus():
        text = decode_card_bytes(card.read_bytes())
        came = decode_card_bytes(copies[parse_card(text).contact.display_name].read_bytes())
        assert undeclared_lines(text, came, via) == [], card.name


def test_an_edit_in_google_changes_only_its_lines_on_the_source_card(people: PeopleEmulator, tmp_path: Path) -> None:
    """A card that went to Google and is edited there: the card on the source changes that property only, and
    what Google never held of it (labels, X- properties, parameters) stays as written."""
    source_dir = tmp_path / "source"
    source_dir.mkdir()
    original = next(p for p in corpus() if p.stem == "google-export")
    (source_dir / original.name).write_bytes(original.read_bytes())
    there = Book(tmp_path / "there.db", (vdir("cards", source_dir), google(people, "google", ALICE)))
    assert there.run() == {"cards": (0, 0), "google": (1, 0)}
    (person,) = people.persons(ALICE)
    people.edit(
        ALICE, person["resourceName"], {"biographies": [{"value": "Moved to Lisbon.", "contentType": "TEXT_PLAIN"}]}
    )
    assert there.run() == {"cards": (0, 1), "google": (0, 0)}
    before, after = (
        decode_card_bytes(original.read_bytes()),
        decode_card_bytes((source_dir / original.name).read_bytes()),
    )
    assert [line.split(":", 1)[0] for line in lost(before, after)] == ["NOTE"]
    assert "NOTE:Moved to Lisbon.\r\n" in after
    assert lost(after, before) == [line for line in lost(after, before) if line.startswith(("NOTE", "X-CONTACTSYNC"))]
    assert there.run() == {"cards": (0, 0), "google": (0, 0)}


# ------------------------------------------------------------------------------------------- Google → vCard


# a CardDAV book on Radicale too: Radicale stores a card as vobject re-serializes it, and vobject keeps only the
# first value of a comma-separated NICKNAME, which is why the vCard writer puts each nickname on its own line
@pytest.fixture(params=["vdir", "carddav"])
def vcard_book(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Account, Callable[[], Any]]:
    """A vCard account (a vdir folder, or a CardDAV book on Radicale) and a snapshot of what it stores."""
    if request.param == "vdir":
        folder = tmp_path / "cards"
        return vdir("cards", folder), lambda: files(folder)
    from tests.carddav.helpers import make_connector

    server = request.getfixturevalue("radicale_server")
    url = server.new_addressbook()
    with server.session() as session:
        snapshot = lambda: session.get(url, timeout=10).content  # noqa: E731 - Radicale answers a GET of a book
    return Account("cards", "carddav", lambda: make_connector(server, url)), snapshot


def test_a_google_person_with_every_field_through_vcard_comes_back_unchanged(
    people: PeopleEmulator, tmp_path: Path, vcard_book: tuple[Account, Callable[[], Any]]
) -> None:
    """Google → vdir or CardDAV → another Google user: every field comes back but what vCard declares it cannot
    hold; the original person is never written (same etag, no update call), its unmapped entries stay as they
    were, and the card is not rewritten by the way back."""
    people.seed(ALICE, [EVERY_FIELD])
    seeded = people.persons(ALICE)
    cards, stored_cards = vcard_book
    alice = google(people, "google", ALICE)
    there = Book(tmp_path / "there.db", (alice, cards))
    back = Book(tmp_path / "back.db", (cards, google(people, "other", BOB)))
    assert there.run() == {"google": (0, 0), "cards": (1, 0)}
    assert declared_fields(there.not_carried.get("cards", set())) <= declared_cut(capabilities(cards))
    people.reset_counters()
    assert there.run() == {"google": (0, 0), "cards": (0, 0)}
    assert google_writes(people) == 0
    written = stored_cards()

    assert back.run() == {"cards": (0, 0), "other": (1, 0)}
    people.reset_counters()
    assert back.run() == {"cards": (0, 0), "other": (0, 0)}
    assert google_writes(people) == 0
    assert stored_cards() == written
    assert people.persons(ALICE) == seeded  # etag and every entry: nobody changed it, nobody wrote it

    assert_round_trip(read(alice), read(google(people, "b", BOB)), cards.make(), alice.make())
    (original,), (came_back,) = seeded, people.persons(BOB)
    assert undeclared_person_losses(original, came_back, capabilities(cards)) == []


def test_an_edit_on_the_card_reaches_google_keeping_what_the_model_does_not_map(
    people: PeopleEmulator, tmp_path: Path
) -> None:
    """Google → vdir, the note edited on the card: the person gets the new note, and every other entry stays
    exactly as Google held it (a nickname's type, a gender's addressMeAs, an address's countryCode, the
    organization's symbol, metadata)."""
    (name,) = people.seed(ALICE, [EVERY_FIELD])
    (seeded,) = people.persons(ALICE)
    cards_dir = tmp_path / "cards"
    there = Book(tmp_path / "there.db", (google(people, "google", ALICE), vdir("cards", cards_dir)))
    assert there.run() == {"google": (0, 0), "cards": (1, 0)}
    (card,) = cards_dir.iterdir()
    text = decode_card_bytes(card.read_bytes())
    note = next(line for line in text.split("\r\n") if line.startswith("NOTE"))
    card.write_bytes(text.replace(note, "NOTE:Likes green tea.").encode())
    people.reset_counters()
    assert there.run() == {"google": (0, 1), "cards": (0, 0)}
    now = people.person(ALICE, name)
    assert now["biographies"][0]["value"] == "Likes green tea."
    assert now["etag"] != seeded["etag"]
    unchanged = {k: v for k, v in copy.deepcopy(seeded).items() if k not in {"etag", "biographies", "metadata"}}
    # the marker joins clientData (the person is now written by contactsync); everything else is as it was
    now_client = now.pop("clientData")
    assert [e for e in now_client if e["key"] != "contactsync-id"] == [
        {k: v for k, v in e.items() if k != "metadata"} | {"metadata": e["metadata"]} for e in seeded["clientData"]
    ]
    assert {k: v for k, v in now.items() if k not in {"etag", "biographies", "metadata"}} == {
        k: v for k, v in unchanged.items() if k != "clientData"
    }
    assert there.run() == {"google": (0, 0), "cards": (0, 0)}
