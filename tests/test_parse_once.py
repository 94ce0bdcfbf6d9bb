"""parse_card does each value's work once (issue #18) and reads every card as before: the contact it makes is
``normalize_contact`` of the values its lines decode to, exactly (tag spellings and photo bytes included), and
``normalize_contact`` of a parsed contact is that contact. Checked over the fidelity corpus, the sample cards,
cards made to hit each step normalize_contact adds beyond the line decoder, and hostile cards. No timing here:
bench/codec_bench.py prints the figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from contactsync import normalize
from contactsync.model import Contact, Name, PhoneticName
from contactsync.vcard import CardError, ParsedCard, decode_card_bytes, mapping, parse_card
from contactsync.vcard import lines as vlines
from contactsync.vcard.lines import ContentLine, lex_line
from tests.fidelity import corpus
from tests.test_fuzz_hostile import FUZZ, cards

_SAMPLES = sorted((Path(__file__).parent / "data" / "vcards").glob("*.vcf"))
_Slot = mapping._Slot


def _long_way_contact(
    values: dict[Any, list[Any]], lists: dict[Any, tuple[str, ...]], carried: list[str], region: str
) -> Contact:
    """The contact as parse_card made it before #18: the decoded values as they are, then normalize_contact."""

    def first(slot: Any, default: Any) -> Any:
        return values[slot][0] if values[slot] else default

    org, department = first(_Slot.ORG, ("", ""))
    return normalize.normalize_contact(
        Contact(
            name=first(_Slot.N, Name()),
            display_name=first(_Slot.FN, ""),
            nicknames=tuple(values[_Slot.NICKNAME]),
            emails=tuple(values[_Slot.EMAIL]),
            phones=tuple(values[_Slot.TEL]),
            addresses=tuple(values[_Slot.ADR]),
            organization=org,
            department=department,
            job_title=first(_Slot.TITLE, ""),
            birthday=first(_Slot.BDAY, None),
            anniversary=first(_Slot.ANNIVERSARY, None),
            urls=tuple(values[_Slot.URL]),
            note=first(_Slot.NOTE, ""),
            photo=first(_Slot.PHOTO, None),
            tags=normalize.tags(t for tags in values[_Slot.CATEGORIES] for t in tags),
            custom=tuple(values[_Slot.CUSTOM]),
            phonetic_name=PhoneticName(
                first(_Slot.PHONETIC_GIVEN, ""),
                first(_Slot.PHONETIC_MIDDLE, ""),
                first(_Slot.PHONETIC_FAMILY, ""),
                first(_Slot.PHONETIC_ORG, ""),
            ),
            gender=first(_Slot.GENDER, ""),
            ims=tuple(values[_Slot.IMPP]),
            relations=tuple(values[_Slot.RELATED]),
            events=tuple(values[_Slot.EVENT]),
            role=first(_Slot.ROLE, ""),
            languages=tuple(values[_Slot.LANG]),
            vcard_lines=tuple(carried),
        ),
        region,
    )


_consumed_groups = mapping._consumed_groups


def _groups_decoded_again(
    lines: list[ContentLine], context: Any, region: str, photo_max_bytes: int
) -> tuple[frozenset[str], dict[int, Any]]:
    """The consumed groups, none of their lines' values handed on: parse_card decodes each line again."""
    return _consumed_groups(lines, context, region, photo_max_bytes)[0], {}


@contextmanager
def _the_long_way() -> Iterator[None]:
    with (
        mock.patch.object(mapping, "_normalized", _long_way_contact),
        mock.patch.object(mapping, "_consumed_groups", _groups_decoded_again),
    ):
        yield


def _exactly(parsed: ParsedCard) -> tuple[object, ...]:
    """Everything parse_card says, tag spellings and photo bytes included (a contact's equality ignores both)."""
    contact = parsed.contact
    photo = contact.photo.data if contact.photo is not None else None
    return (parsed, tuple(sorted(t.name for t in contact.tags)), photo)


def _contact_exactly(contact: Contact) -> tuple[object, ...]:
    photo = contact.photo.data if contact.photo is not None else None
    return (contact, tuple(sorted(t.name for t in contact.tags)), photo)


def _settled(contact: Contact, region: str) -> bool:
    """Every phone number and email address of the contact is its own normalization: so for every text since
    normalization is idempotent (tests/test_normalize_idempotent.py). Before, phonenumbers did not always read
    back what it wrote (``TEL:0000000`` in Germany was +4900000, whose normalization was +490000), and
    ``mailto:mailto:mailto:a@b`` lost one ``mailto:`` a time; "unsettled" now says that came back."""
    return all(normalize.phone_number(p.number, region) == p.number for p in contact.phones) and all(
        normalize.email_address(e.address) == e.address for e in contact.emails
    )


def _check(text: str, region: str = "US", photo_max_bytes: int = 1_000_000) -> str:
    """parse_card reads ``text`` as the long way reads it, and its contact is normalize_contact's fixed point
    when its numbers and addresses are (see _settled). Says which: "settled", "unsettled" or "no card"."""
    try:
        parsed = parse_card(text, region=region, photo_max_bytes=photo_max_bytes)
    except CardError:
        return "no card"
    with _the_long_way():
        long_way = parse_card(text, region=region, photo_max_bytes=photo_max_bytes)
    assert _exactly(parsed) == _exactly(long_way)
    if not _settled(parsed.contact, region):
        return "unsettled"
    renormalized = normalize.normalize_contact(parsed.contact, region)
    assert _contact_exactly(renormalized) == _contact_exactly(parsed.contact)
    return "settled"


@pytest.mark.parametrize("region", ["US", "DE"])
@pytest.mark.parametrize("path", corpus() + _SAMPLES, ids=lambda p: p.stem)
def test_a_card_is_read_as_the_long_way_reads_it(path: Path, region: str) -> None:
    assert _check(decode_card_bytes(path.read_bytes()), region) in ("settled", "no card")


def test_the_corpus_is_there() -> None:
    assert len(corpus()) >= 10 and len(_SAMPLES) >= 15
    assert sum(_check(decode_card_bytes(p.read_bytes())) == "settled" for p in corpus() + _SAMPLES) >= 20


def _card(*lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"


#: what normalize_contact does beyond the line decoder, one card each
_STEPS = {
    # a doubled mailto: (every one taken off at once), and then equal to another address
    "email-twice": ("EMAIL:mailto:mailto:ann@example.org", "EMAIL:mailto:ann@example.org", "EMAIL:Ann@Example.ORG"),
    "email-space": ("EMAIL:mailto: ann@example.org", "EMAIL;TYPE=work:ann@example.org"),
    # a tel: URI in a tel: URI, then equal to another number; a number whose E.164 form would lose a zero
    # after the country code (+49 0085832 → +49085832, which reads as +4985832) is kept as written
    "phone-twice": (
        "TEL:tel:tel:+1 415 555 0100",
        "TEL:+14155550100",
        "TEL;TYPE=CELL:(415) 555-0100",
        "TEL:tel:tel:35586971278",
        "TEL:+49 0085832",
        "TEL;TYPE=work:+4985832",
    ),
    "phone-national": ("TEL:0151 1234567", "TEL:030 1234567", "TEL;TYPE=work:+49 30 1234567"),
    "tags": ("CATEGORIES:Club,club, Team ,,Team", "CATEGORIES:CLUB,Other,other"),
    "one-tag-line": ("CATEGORIES:b,A,a,  c  d ",),
    "custom": ("X-ZETA:1", "X-ALPHA:2", "X-CUSTOM;X-KEY=mid:3", "X-CUSTOM;X-KEY=X-ALPHA:4", "X-CUSTOM;X-KEY= k :5"),
    "custom-repeated": ("X-DUP:1", "X-DUP:2", "X-CUSTOM;X-KEY=a:1", "X-CUSTOM;X-KEY=a:2"),
    "urls": (
        "item1.URL:https://example.org/a",
        "item1.X-ABLabel:_$!< Home  Page >!$_",
        "URL;TYPE=blog:https://example.org/b",
        "URL:https://example.org/b",
    ),
    "ims": (
        "IMPP:xmpp :ann@example.org",
        "IMPP;X-SERVICE-TYPE= Jabber :xmpp:ann@example.org",
        "X-SKYPE:ann",
        "IMPP:sip:ann@example.org",
        "IMPP:",
    ),
    "relations": (
        "RELATED;TYPE=spouse:Bob",
        "item2.X-ABRELATEDNAMES:Carl",
        "item2.X-ABLabel:_$!< Cousin >!$_",
        "RELATED;TYPE=x-  odd:Dan",
        "RELATED:",
        "X-MS-MANAGER:Eve",
    ),
    "events": ("item3.X-ABDATE:2001-02-03", "item3.X-ABLabel:_$!< Party  >!$_", "item4.X-ABDATE:2002-02-03"),
    "grouped": (
        "item1.EMAIL;TYPE=INTERNET:ann@example.org",
        "item1.X-ABLabel:Club",
        "item2.TEL:+14155550100",
        "item2.X-ABLabel:_$!<Mobile>!$_",
        "item3.IMPP:xmpp:ann@example.org",
        "item3.IMPP:",
        "item3.X-ABLabel:Chat",
        "item4.ADR:;;1 Main St;Town;;;",
        "item4.ADR:;;;;;;",
        "item4.X-ABLabel:Cottage",
    ),
    "lists": (
        "NICKNAME:Annie,annie, An ",
        "NICKNAME:An",
        "NICKNAME:Annie,annie, An ",
        "LANG:de",
        "LANG:DE",
        "LANG:en",
    ),
    "texts": (
        "FN:  Ann \t Example ",
        "N:Example ;  Ann;;Dr.  ;",
        "ORG: Bench\\, Inc ; Sales ",
        "TITLE:\tBoss\u00a0 ",
        "ROLE: x ",
        "NOTE:line one  \\n\\n  line two \\n",
        "X-PHONETIC-FIRST-NAME: an ",
        "X-GENDER: Male ",
        'ADR;TYPE=home;LABEL=" 1 Main St \\n Town ":; ;1 Main St \\n;Town ;; ;',
        "LABEL;TYPE=work: Printed \\n form ",
        "ADR;TYPE=work:;;2 Side St;;;;",
    ),
    "gender": ("GENDER:;  their words ",),
    "no-fn": ("N:;;;;", "EMAIL: mailto:x@example.org"),
}


@pytest.mark.parametrize("region", ["US", "DE"])
@pytest.mark.parametrize("version", ["2.1", "3.0", "4.0"])
@pytest.mark.parametrize("step", sorted(_STEPS))
def test_each_step_normalize_contact_adds_is_taken_as_before(step: str, version: str, region: str) -> None:
    assert _check(_card(*_STEPS[step], version=version), region) == "settled"


def test_a_contact_whose_number_was_not_its_own_normalization_is_settled() -> None:
    text = _card("TEL:0000000", "EMAIL:mailto:mailto:mailto:ann@example.org")
    assert _check(text, "DE") == "settled"
    contact = parse_card(text, region="DE").contact
    assert [p.number for p in contact.phones] == ["+49000000"]
    assert [e.address for e in contact.emails] == ["ann@example.org"]


def _decoded(text: str) -> Any:
    """The value the line decoder alone makes of one line."""
    line = lex_line(text)
    assert line is not None
    decoded = mapping._decode(line, "US", 0)
    assert decoded is not None
    return decoded[1]


def test_the_steps_are_there_to_see() -> None:
    """The cards above hit what they are about: where the line decoder alone leaves a value that normalize_contact
    changes, the contact read holds normalize_contact's (if the decoder changes so that they no longer do, this
    says so)."""
    decoded = _decoded("EMAIL:mailto:mailto:ann@example.org")
    assert decoded.address == "ann@example.org"
    contact = parse_card(_card(*_STEPS["email-twice"])).contact
    assert [e.address for e in contact.emails] == ["ann@example.org"]
    decoded = _decoded("TEL:+49 0085832")
    assert decoded.number == "+49 0085832"
    contact = parse_card(_card(*_STEPS["phone-twice"])).contact
    assert [p.number for p in contact.phones] == ["+14155550100", "35586971278", "+49 0085832", "+4985832"]
    decoded = _decoded("IMPP:xmpp :ann@example.org")
    assert decoded.service == "xmpp "
    contact = parse_card(_card(*_STEPS["ims"])).contact
    assert [(m.service, m.handle) for m in contact.ims][:2] == [("xmpp", "ann@example.org"), ("skype", "ann")]
    contact = parse_card(_card(*_STEPS["urls"])).contact
    assert [u.label for u in contact.urls] == ["Home Page", "blog"]
    contact = parse_card(_card(*_STEPS["events"])).contact
    assert [e.label for e in contact.events] == ["Party", "other"]
    contact = parse_card(_card(*_STEPS["relations"])).contact
    assert [r.label for r in contact.relations] == ["", "Cousin", "x- odd", ""]
    contact = parse_card(_card(*_STEPS["tags"])).contact
    assert sorted(t.name for t in contact.tags) == ["Club", "Other", "Team"]
    contact = parse_card(_card(*_STEPS["custom"])).contact
    assert contact.custom == (("X-ALPHA", "2"), ("X-ZETA", "1"), ("k", "5"), ("mid", "3"))
    contact = parse_card(_card(*_STEPS["grouped"])).contact
    assert [m.label for m in contact.ims] == ["Chat"] and [a.label for a in contact.addresses] == ["Cottage"]
    contact = parse_card(_card(*_STEPS["lists"])).contact
    assert contact.nicknames == ("Annie", "An") and contact.languages == ("de", "en")


@FUZZ
@given(text=cards())
def test_a_hostile_card_is_read_as_the_long_way_reads_it(text: str) -> None:
    _check(text)
    _check(text, "DE", photo_max_bytes=16)


# ------------------------------------------------------------- the lexer's shortcuts give what its walk gives
def _logical_lines_long_way(text: str) -> list[tuple[str, str]]:
    """logical_lines_raw as it was before #18: every physical line walked, folds and soft breaks joined."""
    out: list[list[str]] = []
    raws: list[list[str]] = []
    quoted_printable = soft_break = False
    for raw in re.split(r"\r\n|\r|\n", text.lstrip("\ufeff")):
        if soft_break and out:
            out[-1][-1] = out[-1][-1][:-1]
            out[-1].append(raw)
            raws[-1].append(raw)
        elif raw[:1] in (" ", "\t") and out:
            out[-1].append(raw[1:])
            raws[-1].append(raw)
        elif raw.strip():
            out.append([raw])
            raws.append([raw])
            quoted_printable = "QUOTED-PRINTABLE" in raw[: vlines._value_start(raw)].upper()
        else:
            continue
        soft_break = quoted_printable and out[-1][-1].endswith("=")
    return [("".join(pieces), "\r\n".join(raw)) for pieces, raw in zip(out, raws, strict=True)]


#: what the shortcuts look at: line breaks, folds, soft breaks, QUOTED-PRINTABLE however spelled (ı upper-cases
#: to I), a BOM
_LINES = st.lists(
    st.one_of(
        st.sampled_from(["\r\n", "\n", "\r", " ", "\t", "=", ":", ";", "\ufeff", "ı", "FN", "x", "\r ", "\n\t"]),
        st.sampled_from(["TEL;QUOTED-PRINTABLE:", "TEL;ENCODING=quoted-printable:", "N;QUOTED-PRıNTABLE:"]),
    ),
    max_size=30,
).map("".join)


@given(_LINES)
@example("FN:a\r b\r\n")
@example("FN:a\n\tb\n")
@example(" FN:a\r\nN:b\r\n")
@example("TEL;ENCODING=quoted-printable:1=\r\n2\r\n")
@example("TEL;QUOTED-PRıNTABLE:1=\r\n2\r\n")
@example("\ufeffFN:a\r\n\r\n  \r\nN:b")
def test_lines_are_unfolded_as_the_walk_unfolds_them(text: str) -> None:
    assert vlines.logical_lines_raw(text) == _logical_lines_long_way(text)


@FUZZ
@given(text=cards())
def test_a_hostile_card_is_unfolded_as_the_walk_unfolds_it(text: str) -> None:
    assert vlines.logical_lines_raw(text) == _logical_lines_long_way(text)


_HEADS = st.text(alphabet="aZ09_-.", max_size=6)
_RESTS = st.text(alphabet='aZ_-.;:=," \t\x00\x7f\u00e9', max_size=12)


@given(_HEADS, st.sampled_from(["", ":", ";", " :", "."]), _RESTS, st.booleans(), st.sampled_from(["", "FN:x"]))
@example("a_b", ":", "x", False, "")
@example("FN", ":", "a\x00b", False, "")
@example("x.FN", ":", "a", False, "")
@example("FN", " :", "a", False, "")
def test_a_bare_line_is_lexed_as_the_walk_lexes_it(head: str, sep: str, rest: str, nested: bool, as_read: str) -> None:
    line = head + sep + rest
    fast = vlines._lex(line, nested, as_read)
    with mock.patch.object(vlines, "_BARE_HEAD", re.compile(r"(?!)")):  # never matches: always the walk
        walked = vlines._lex(line, nested, as_read)
    assert (fast, fast and fast.raw) == (walked, walked and walked.raw)
