"""Issue #15 at the codec: a card as real clients export it (tests/data/fidelity) is copied to a new card
without losing a property, and written back over itself unchanged when nothing changed, byte for byte."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from contactsync.model import (
    Email,
    EmailKind,
    Event,
    InstantMessage,
    PartialDate,
    Phone,
    PhoneKind,
    PhoneticName,
    Relation,
    RelationKind,
    Url,
)
from contactsync.normalize import normalize_contact
from contactsync.vcard import decode_card_bytes, fit_contact, parse_card, render_card
from tests.fidelity import corpus, lost

CARDS = corpus()


def _read(path: Path) -> str:
    return decode_card_bytes(path.read_bytes())


def test_the_corpus_holds_a_card_of_every_client() -> None:
    names = {p.stem for p in CARDS}
    assert {"apple-contacts", "google-export", "outlook-export", "nextcloud", "thunderbird-cardbook", "davx5"} <= names
    assert {"rfc6350-example", "rfc6350-every-property"} <= names
    assert {"apple-ios", "evolution"} <= names


def _card(stem: str) -> str:
    return _read(next(p for p in CARDS if p.stem == stem))


def test_the_richer_model_is_read_from_the_cards_clients_export() -> None:
    """Issue #15: what Apple, Evolution, Thunderbird and Outlook write lands in the model's own fields, so it
    reaches Google and Outlook too (not only other vCard accounts)."""
    apple = parse_card(_card("apple-ios")).contact
    assert apple.phonetic_name == PhoneticName("ゆき", "けんじ", "なかむら", "そにっく")
    assert apple.emails[1] == Email("yuki@uni.example", EmailKind.OTHER, "School")  # _$!<School>!$_
    assert [(p.kind, p.label) for p in apple.phones] == [
        (PhoneKind.MOBILE, ""),  # _$!<iPhone>!$_
        (PhoneKind.HOME_FAX, ""),
        (PhoneKind.OTHER, "Studio B"),
    ]
    assert apple.addresses[0].label == "Studio" and apple.urls == (Url("https://portfolio.example/yuki", "Portfolio"),)
    assert apple.ims == (
        InstantMessage("yuki@jabber.example", "xmpp"),
        InstantMessage("yuki.nakamura", "facebook", "other"),
    )
    assert apple.relations == (
        Relation("Aiko Nakamura", RelationKind.MOTHER),
        Relation("Haruto Sato", RelationKind.OTHER, "Godfather"),
    )
    assert apple.events == (
        Event(PartialDate(2020, 4, 1), "other"),
        Event(PartialDate(None, 8, 15), "First gig"),  # X-APPLE-OMIT-YEAR
    )
    evolution = parse_card(_card("evolution")).contact
    assert [(m.service, m.handle) for m in evolution.ims] == [
        ("xmpp", "petra@jabbim.example"),
        ("skype", "petra.novak.br"),
        ("icq", "123456789"),
        ("gadugadu", "987654"),
    ]
    assert {r.kind for r in evolution.relations} == {RelationKind.MANAGER, RelationKind.ASSISTANT, RelationKind.SPOUSE}
    assert evolution.addresses[0].formatted == "Technicka 12\n616 00 Brno\nCzech Republic"  # 3.0 LABEL
    assert evolution.role == "Firmware" and evolution.anniversary == PartialDate(2014, 9, 6)
    assert ("X-EVOLUTION-FILE-AS", "Novak, Petra") in evolution.custom
    thunderbird = parse_card(_card("thunderbird-cardbook")).contact
    assert thunderbird.nicknames == ("Svenne", "Jojo") and thunderbird.languages == ("sv", "en")
    assert thunderbird.gender == "male" and thunderbird.addresses[0].formatted.startswith("Varvsgatan 3\n")
    assert parse_card(_card("rfc6350-every-property")).contact.nicknames == ("Hiro", "Hiro-kun")
    outlook = parse_card(_card("outlook-export")).contact
    assert Relation("Anna Schmidt", RelationKind.SPOUSE) in outlook.relations


def test_values_from_another_platform_are_written_the_way_apple_writes_them() -> None:
    """A contact from Google or Outlook (no card lines): labels in groups, relations and dates as Apple's
    grouped items, custom values as X- properties; read back the same in 3.0 and 4.0."""
    source = replace(
        parse_card(_card("apple-ios")).contact, vcard_lines=(), custom=(("Cost center", "4711"), ("X-TEAM", "A"))
    )
    contact = normalize_contact(source)
    for version in ("3.0", "4.0"):
        card = render_card(contact, uid="u", marker=None, version=version)
        unfolded = card.replace("\r\n ", "")
        for expected in (
            "EMAIL:yuki@uni.example\r\nitem",
            ".X-ABLabel:School\r\n",
            ".X-ABRELATEDNAMES:Aiko Nakamura\r\nitem",
            ".X-ABLabel:_$!<Mother>!$_\r\n",
            ".X-ABDATE:--08-15\r\nitem",
            "X-PHONETIC-ORG:そにっく\r\n",
            "IMPP:xmpp:yuki@jabber.example\r\n",
            "IMPP;X-SERVICE-TYPE=facebook:x-apple:yuki.nakamura\r\n",
            "X-CUSTOM;X-KEY=Cost center:4711\r\n",
            "X-TEAM:A\r\n",
        ):
            assert expected in unfolded, (version, expected)
        assert parse_card(card).contact == fit_contact(contact)


def test_a_label_changed_elsewhere_changes_only_the_label_line() -> None:
    """Google renames a custom label: the card's grouped email keeps its line, the label line says the new one."""
    source = _card("apple-contacts")
    parsed = parse_card(source)
    emails = tuple(replace(e, label="Lab archive") if e.label == "Lab notebook" else e for e in parsed.contact.emails)
    out = render_card(
        replace(parsed.contact, emails=emails), uid=parsed.uid, marker=None, version="3.0", original=source
    )
    # (the email counts as changed too: the measure compares a line with its group's other lines)
    assert lost(source, out) == ["EMAIL;TYPE=internet:ayse.private@mail.example", "X-ABLABEL:Lab notebook"]
    assert "item2.EMAIL;type=INTERNET:ayse.private@mail.example\r\nitem2.X-ABLabel:Lab archive\r\n" in out
    assert parse_card(out).contact.emails == emails


def test_a_custom_value_survives_vcard_to_google_shape_and_back_byte_for_byte() -> None:
    """An X- property nothing else maps is a custom value (what Google keeps in userDefined): a card written
    back with it unchanged is the card as it was; a Google key that is no property name round-trips too."""
    source = _card("davx5")
    parsed = parse_card(source)
    assert ("X-ANDROID-CUSTOM", "vnd.android.cursor.item/nickname;Pri;1;;;;;;;;;;;;;") in parsed.contact.custom
    # only what Google holds comes back: the model fields, no card lines
    from_google = replace(parsed.contact, vcard_lines=())
    out = render_card(from_google, uid=parsed.uid, marker=None, version="3.0", original=source, previous=parsed.contact)
    assert "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Pri;1;;;;;;;;;;;;;\r\n" in out
    assert parse_card(out).contact.custom == parsed.contact.custom
    keyed = normalize_contact(replace(from_google, custom=(("Employee ID", 'a "quoted" ^ value'),)))
    card = render_card(keyed, uid="u", marker=None, version="3.0")
    assert 'X-CUSTOM;X-KEY=Employee ID:a "quoted" ^ value\r\n' in card
    assert parse_card(card).contact.custom == (("Employee ID", 'a "quoted" ^ value'),)


@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.stem)
def test_a_card_copied_to_a_new_card_loses_no_property(path: Path) -> None:
    """What a CardDAV or vdir account receives of a card from another one: every property and parameter,
    grouped labels with their element, in the card's own version and in 3.0 (a server's default)."""
    source = _read(path)
    parsed = parse_card(source)
    for version in sorted({parsed.version, "3.0"}):
        copy = render_card(parsed.contact, uid="copy-uid", marker="cid-1", version=version)
        assert lost(source, copy) == [], version
        # and the copy reads back as the same person: a second sync finds nothing to do
        assert parse_card(copy).contact == fit_contact(parsed.contact)


@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.stem)
def test_a_card_nobody_changed_is_written_back_byte_for_byte(path: Path) -> None:
    """Not even our marker or a missing UID makes a rewrite: the original text comes back as it was."""
    source = _read(path)
    parsed = parse_card(source)
    out = render_card(
        parsed.contact, uid=parsed.uid or "new-uid", marker="cid-1", version=parsed.version, original=source
    )
    assert out == source


def test_a_copy_of_a_copy_is_the_copy() -> None:
    """A → B → A: the card B made, copied again, is B's card with nothing lost on the way."""
    for path in CARDS:
        source = _read(path)
        once = render_card(parse_card(source).contact, uid="u", marker=None, version="3.0")
        twice = render_card(parse_card(once).contact, uid="u", marker=None, version="3.0")
        assert lost(source, twice) == [], path.name
        assert lost(once, twice) == [] and lost(twice, once) == [], path.name


def test_a_21_card_edited_stays_21_and_keeps_its_untouched_lines_as_written() -> None:
    source = _read(next(p for p in CARDS if p.stem == "outlook-export"))
    parsed = parse_card(source)
    assert parsed.version == "2.1" and parsed.uid == ""
    edited = replace(parsed.contact, job_title="Leiter Einkauf & Logistik", note="Zeile eins\nZweite Zeile: Grüße")
    out = render_card(edited, uid="new-uid", marker="cid-1", version=parsed.version, original=source)
    assert out.startswith("BEGIN:VCARD\r\nVERSION:2.1\r\n")
    for kept in (  # as Outlook wrote them: CHARSET, quoted-printable, bare parameters
        "N;LANGUAGE=de;CHARSET=Windows-1252:Schmidt;Hans;Peter;Herr;\r\n",
        "ADR;WORK;PREF;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:;;Marienplatz 1;M=FCnchen;Bayern;80331;"
        "Deutschland\r\n",
        "TEL;HOME;VOICE:089 7654321\r\n",
        "X-MS-SPOUSE;CHARSET=Windows-1252:Anna Schmidt\r\n",
    ):
        assert kept in out
    assert "UID:new-uid\r\n" in out  # a real UID, never an empty one
    reread = parse_card(out)
    assert reread.version == "2.1"
    assert reread.contact == fit_contact(edited)
    assert "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" in out


def test_a_phone_keeps_its_spelling_when_another_field_changes() -> None:
    """Compared in E.164 with the book's region, written as found: ``(11) 3333-4444`` in a Brazilian book."""
    source = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Ana\r\nN:;Ana;;;\r\nTEL;TYPE=CELL:(11) 3333-4444\r\nEND:VCARD\r\n"
    )
    parsed = parse_card(source, region="BR")
    assert parsed.contact.phones == (Phone("+551133334444", PhoneKind.MOBILE),)
    edited = replace(parsed.contact, emails=(Email("ana@example.com", EmailKind.HOME),))
    out = render_card(edited, uid="u1", marker="cid", version="3.0", original=source, region="BR")
    assert "TEL;TYPE=CELL:(11) 3333-4444\r\n" in out and "+5511" not in out
    # the phone the engine sends in the book's format (as_written) is still the same number
    national = replace(edited, phones=(Phone("(11) 3333-4444", PhoneKind.MOBILE),))
    assert render_card(national, uid="u1", marker="cid", version="3.0", original=source, region="BR") == out


def test_no_empty_fn_and_no_empty_uid() -> None:
    empty = normalize_contact(parse_card("BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:only a note\r\nEND:VCARD\r\n").contact)
    out = render_card(empty, uid="u", marker=None, version="3.0")
    assert "\r\nFN:" not in out and "UID:u\r\n" in out
    with pytest.raises(ValueError):
        render_card(empty, uid="", marker=None, version="3.0")


def test_a_carried_line_removed_elsewhere_is_removed_and_one_never_carried_is_kept() -> None:
    """Three-way on the lines the model does not map: ``previous`` is what the card held when last read."""
    source = _read(next(p for p in CARDS if p.stem == "apple-contacts"))
    parsed = parse_card(source)
    social = next(t for t in parsed.contact.vcard_lines if t.startswith("X-SOCIALPROFILE"))
    without = replace(parsed.contact, vcard_lines=tuple(t for t in parsed.contact.vcard_lines if t != social))
    out = render_card(without, uid=parsed.uid, marker=None, version="3.0", original=source, previous=parsed.contact)
    assert "X-SOCIALPROFILE" not in out and "X-ABUID" in out
    # a contact that never carried it (a base from before lines were carried): the card keeps it
    old_base = replace(parsed.contact, vcard_lines=())
    kept = render_card(without, uid=parsed.uid, marker=None, version="3.0", original=source, previous=old_base)
    assert "X-SOCIALPROFILE" in kept


def test_a_label_whose_email_is_gone_does_not_travel() -> None:
    source = _read(next(p for p in CARDS if p.stem == "apple-contacts"))
    contact = parse_card(source).contact
    gone = replace(contact, emails=tuple(e for e in contact.emails if e.address != "ayse.private@mail.example"))
    copy = render_card(gone, uid="u", marker=None, version="3.0")
    assert "Lab notebook" not in copy and "London office" in copy
    assert fit_contact(gone) == parse_card(copy).contact


def test_a_vdir_to_vdir_sync_of_the_corpus_loses_nothing_and_rewrites_nothing(tmp_path: Path) -> None:
    """The whole engine, folder to folder: the source files stay as they were (bytes and times), each copy
    holds every property, a second run writes nothing, and an edit made on the copy comes back to the source
    changing only the edited line."""
    from contactsync.connectors.vdir import VdirConnector
    from contactsync.engine import Engine
    from contactsync.settings import AccountSettings, BookSettings, BrakeSettings
    from contactsync.store import Store

    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for path in CARDS:
        (a / path.name).write_bytes(path.read_bytes())
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in a.iterdir()}
    book = BookSettings(
        "corpus", (AccountSettings("a", "vdir"), AccountSettings("b", "vdir")), brake=BrakeSettings(max_delete_ratio=1)
    )

    def run() -> dict[str, tuple[int, int]]:
        connectors = {"a": VdirConnector("a", a), "b": VdirConnector("b", b)}
        report = Engine(store, book, connectors).run()
        return {n: (r.created, r.updated) for n, r in report.accounts.items()}

    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        assert run() == {"a": (0, 0), "b": (len(CARDS), 0)}
        assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in a.iterdir()} == before
        copies = {parse_card(_read(p)).contact.display_name: p for p in b.iterdir()}
        for path in CARDS:
            source = _read(path)
            assert lost(source, _read(copies[parse_card(source).contact.display_name])) == [], path.name
        assert run() == {"a": (0, 0), "b": (0, 0)}

        # edited on B: the note of the Apple card; A gets the new note and nothing else changes there
        apple = copies["Dr. Ayse Nur Ozturk PhD"]
        edited = _read(apple).replace("NOTE:Met at ISMB 2019.\\nPrefers email.", "NOTE:Met at ISMB 2019.")
        apple.write_bytes(edited.encode())
        assert run() == {"a": (0, 1), "b": (0, 0)}
        source = _read(a / "apple-contacts.vcf")
        original = _read(next(p for p in CARDS if p.stem == "apple-contacts"))
        assert lost(original, source) == ["NOTE:Met at ISMB 2019.\\nPrefers email."]
        assert "NOTE:Met at ISMB 2019.\r\n" in source and "X-CONTACTSYNC-ID:" in source  # written: marked now
        assert run() == {"a": (0, 0), "b": (0, 0)}
