"""parse_card keeps on the contact what its fit and render need of the card (issue #18, ``mapping._Read`` in
``Contact.derived``): that it is its own fit, and the carried lines it lexed and decoded. Each noted line is what
lex_line makes of its text and decodes as among the contact's carried lines, and a contact fitted and rendered
from its notes gives the very contact and cards a copy of it without notes gives. Checked over the fidelity
corpus, the sample cards, cards whose lines are grouped, 3.0 LABELs, custom X- values given twice, re-spelled
phones, and hostile cards. No timing here: bench/codec_bench.py prints the figures."""

from __future__ import annotations

import copy
import pickle
from dataclasses import replace

import pytest
from hypothesis import given

from contactsync.model import Contact
from contactsync.vcard import CardError, fit_contact, mapping, parse_card, render_card
from contactsync.vcard.lines import ContentLine, lex_line
from tests.test_codec_speed_seeded import _REV, _forget
from tests.test_codec_speed_seeded import _texts as _seeded_texts
from tests.test_fuzz_hostile import FUZZ, cards

#: lines whose decoding depends on the lines around them (a group's label, a 3.0 LABEL printing an ADR, a custom
#: X- value given twice), next to plain carried ones (TYPE in upper case, a URL photo, NICKNAMEs in their order)
_CONTEXTUAL = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Bo\r\nN:B;Bo;;;\r\nNICKNAME:Zed\r\nNICKNAME:Al\r\n"
    "item1.TEL;TYPE=CELL:+1 415 555 0100\r\nitem1.X-ABLabel:Boat\r\nitem2.EMAIL;TYPE=INTERNET:b@example.org\r\n"
    "item2.X-ABLabel:_$!<Work>!$_\r\nitem2.X-FOO:1\r\nADR;TYPE=HOME:;;1 Main St;Town;;1000;US\r\n"
    "LABEL;TYPE=HOME:1 Main St\\nTown\r\nX-TWICE:1\r\nX-TWICE:2\r\nX-ONCE;X-P=1:3\r\nX-EMPLOYEE-ID:4711\r\n"
    "TEL;TYPE=WORK:+1 (415) 555-0101\r\nURL;TYPE=WORK:https://example.org\r\nPHOTO;VALUE=URI:https://example.org/p.jpg\r\n"
    "EMAIL;TYPE=WORK:bo@example.org\r\nEMAIL;TYPE=HOME:bo@example.org\r\nBDAY;VALUE=text:circa 1800\r\n"
    "END:VCARD\r\n"
)


def _texts() -> list[str]:
    """The seeded tests' cards (the awkward card, the corpus, the samples) and the context-dependent one."""
    return [_CONTEXTUAL, *_seeded_texts()]


def _fields(line: ContentLine) -> tuple[object, ...]:
    return (line.name, line.value, line.params, line.group, line.nested, line.raw)


def _exactly(contact: Contact) -> tuple[object, ...]:
    """Everything of a contact, tag spellings and photo bytes included (equality ignores both)."""
    photo = contact.photo.data if contact.photo is not None else None
    return (contact, tuple(sorted(t.name for t in contact.tags)), contact.vcard_lines, photo)


def _noted_are_read(text: str, region: str) -> None:
    """Every noted line is lex_line's of its text; the lines read from the notes are the lines read afresh."""
    try:
        contact = parse_card(text, region=region, photo_max_bytes=1000).contact
    except CardError:
        return
    read = mapping._read_of(contact, region, 1000)
    assert read is not None
    for key, (line, _decoded) in read.known.items():
        assert key in contact.vcard_lines
        lexed = lex_line(key)
        assert lexed is not None and _fields(line) == _fields(lexed), key
    noted = mapping._read_noted(contact.vcard_lines, read.known, region, 1000)
    afresh = mapping._read_carried_now(contact.vcard_lines, region, 1000)
    assert [(_fields(line), value) for line, value in noted] == [(_fields(line), value) for line, value in afresh]


def _outputs(contact: Contact, text: str, uid: str, region: str) -> tuple[object, ...]:
    """What a first sync and a write-back ask of the codec for ``contact`` (REV left out: it is the clock's)."""
    fitted = fit_contact(contact, region=region)
    return (
        _exactly(fitted),
        _exactly(mapping.fit_lines(contact, region=region)),
        *(
            _REV.sub("", render_card(contact, uid=uid, marker="m", version=version, region=region))
            for version in ("2.1", "3.0", "4.0")
        ),
        _REV.sub("", render_card(contact, uid=uid, marker="m", original=text, previous=contact, region=region)),
    )


def _noted_give_what_a_copy_gives(text: str, region: str) -> None:
    _forget()
    try:
        parsed = parse_card(text, region=region)
    except CardError:
        return
    contact = parsed.contact
    noted = _outputs(contact, text, parsed.uid or "u", region)
    copied = replace(contact)  # equal, without the notes: the memos and the long way
    assert getattr(copied, "derived", None) is None
    _forget()
    assert _outputs(copied, text, parsed.uid or "u", region) == noted


@pytest.mark.parametrize("region", ["US", "DE"])
def test_every_noted_line_is_the_line_read_afresh(region: str) -> None:
    for text in _texts():
        _noted_are_read(text, region)
    contact = parse_card(_CONTEXTUAL).contact
    read = mapping._read_of(contact, "US", mapping.DEFAULT_PHOTO_MAX_BYTES)
    assert read is not None
    # the path is taken: lines noted with their value, and lines left to be read among the others
    assert "EMAIL;TYPE=WORK:bo@example.org" in read.known and "X-TWICE:1" not in read.known
    assert "item2.X-FOO:1" in contact.vcard_lines and "item2.X-FOO:1" not in read.known


@pytest.mark.parametrize("region", ["US", "DE"])
@pytest.mark.parametrize("index", range(len(_texts())))
def test_a_fit_and_render_from_the_notes_are_those_of_a_copy_without(index: int, region: str) -> None:
    _noted_give_what_a_copy_gives(_texts()[index], region)


@FUZZ
@given(text=cards())
def test_a_hostile_card_is_fitted_and_rendered_from_its_notes_as_a_copy_is(text: str) -> None:
    _noted_are_read(text, "US")
    _noted_give_what_a_copy_gives(text, "US")


def test_a_contact_read_is_fitted_and_rendered_without_the_memos() -> None:
    _forget()
    parsed = parse_card(_CONTEXTUAL)
    contact = parsed.contact
    assert fit_contact(contact) is contact
    assert mapping.fit_lines(contact) == mapping.fit_lines(contact)
    render_card(contact, uid="c1", marker="m")
    render_card(contact, uid="c1", marker="m", version="3.0")
    # neither hashed the contact into a memo: what they needed was on the contact
    assert len(mapping._CARRIED) == 0 and len(mapping._FITTED) == 0
    # read in another region, or with another photo cap: the memos, as for any contact
    render_card(contact, uid="c1", marker="m", region="DE")
    assert len(mapping._CARRIED) == 1
    mapping.fit_lines(contact, photo_max_bytes=10)
    assert len(mapping._FITTED) == 1


def test_emptying_the_memos_forgets_the_notes_too() -> None:
    contact = parse_card(_CONTEXTUAL).contact
    _forget()  # a cold start (bench/codec_bench.py's): the contact is read again the long way
    assert mapping._read_of(contact, "US", None) is None
    render_card(contact, uid="c1", marker="m")
    assert len(mapping._CARRIED) == 1


def test_the_notes_are_no_part_of_the_contact() -> None:
    text = _CONTEXTUAL
    contact = parse_card(text).contact
    assert getattr(contact, "derived", None) is not None
    same = replace(contact)
    assert getattr(same, "derived", None) is None
    # equal, the same hash, the same repr and fields; a copy, a pickle or a replace leaves the notes behind
    assert same == contact and hash(same) == hash(contact) and repr(same) == repr(contact)
    assert "derived" not in Contact.__slots__ and "derived" not in Contact.__dataclass_fields__
    for other in (copy.copy(contact), pickle.loads(pickle.dumps(contact)), replace(contact, note="n")):
        assert getattr(other, "derived", None) is None
    # and it stays frozen: a field cannot be assigned, nor the notes but by object.__setattr__
    with pytest.raises(AttributeError):
        contact.note = "n"  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        contact.derived = None
