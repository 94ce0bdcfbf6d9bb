"""The vCard codec's shortcuts (issue #18) give what the long way gives: each fast path is checked against the
plain computation it skips, over any text. No timing here: bench/codec_bench.py prints the figures."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactsync import normalize
from contactsync.model import Contact, Phone, Photo, Tag
from contactsync.vcard import CardError, decode_card_bytes, fit_contact, mapping, parse_card, render_card
from contactsync.vcard import lines as vlines
from tests.fidelity import corpus
from tests.test_fuzz_hostile import FUZZ, cards

#: text with what the shortcuts look for: control characters, tabs, line breaks, runs of spaces, Unicode spaces
_AWKWARD = st.text(
    alphabet=st.one_of(
        st.sampled_from([" ", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "\x85", "\xa0", "\u2028", "\u3000"]),
        st.characters(),
    ),
    max_size=40,
)


def _text_long_way(value: str | None) -> str:
    if not value:
        return ""
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value)).strip()


def _multiline_long_way(value: str | None) -> str:
    if not value:
        return ""
    value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


@given(_AWKWARD)
def test_text_is_the_regex_fold(value: str) -> None:
    assert normalize.text(value) == _text_long_way(value)


@given(_AWKWARD)
def test_multiline_is_the_line_by_line_fold(value: str) -> None:
    assert normalize.multiline(value) == _multiline_long_way(value)


@given(_AWKWARD)
def test_a_line_value_loses_control_characters_as_before(value: str) -> None:
    assert vlines._without_control(value) == re.sub(r"[\x00-\x08\x0a-\x1f\x7f]", "", value)


@given(st.text(max_size=20), st.text(max_size=20), st.booleans())
def test_a_changed_line_is_the_dataclass_replace_without_its_text_as_read(value: str, group: str, nested: bool) -> None:
    line = vlines.ContentLine("EMAIL", "a@example.org", (("TYPE", ("work",)),), "item1", False, raw="EMAIL:raw")
    changed = line.changed(value=value, group=group, nested=nested)
    expected = replace(line, raw="", value=value, group=group, nested=nested)
    assert (changed, changed.raw) == (expected, "")


def test_a_line_read_keeps_its_text_as_read_and_nests_as_before() -> None:
    text = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nAGENT:\r\nBEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\nEND:VCARD\r\n"
    card = mapping._read_card(text)
    assert [(line.name, line.nested, line.raw) for line in card.lines] == [
        ("VERSION", False, "VERSION:2.1"),
        ("FN", False, "FN:A"),
        ("AGENT", False, "AGENT:"),
        ("BEGIN", True, "BEGIN:VCARD"),
        ("FN", True, "FN:B"),
        ("END", True, "END:VCARD"),
    ]


_CARRIED = (
    "item1.EMAIL;TYPE=INTERNET:a@example.org",
    "item1.X-ABLabel:Club",
    "TEL;TYPE=CELL:+1 415 555 0100",
    "X-EMPLOYEE-ID;X-P=1:4711",
    "LABEL;TYPE=HOME:Main St 1",
)


def test_carried_lines_read_from_the_memo_are_those_read_afresh() -> None:
    mapping._read_carried_memo.cache_clear()
    afresh = mapping._read_carried_now(_CARRIED, "US", 1000)
    assert mapping._read_carried(_CARRIED, "US", 1000) == afresh
    assert mapping._read_carried(_CARRIED, "US", 1000) == afresh  # the second time from the memo
    assert mapping._read_carried_memo.cache_info().hits == 1
    # another region is another reading: a national number is read in it
    assert mapping._read_carried(("TEL:0151 1234567",), "DE", 1000) != mapping._read_carried(
        ("TEL:0151 1234567",), "US", 1000
    )


def test_a_contact_with_long_carried_lines_is_read_afresh_and_not_kept() -> None:
    mapping._read_carried_memo.cache_clear()
    long_lines = ("X-BLOB;X-P=1:" + "a" * (mapping._MEMO_CHARS + 1),)
    assert mapping._read_carried(long_lines, "US", 1000) == mapping._read_carried_now(long_lines, "US", 1000)
    assert mapping._read_carried_memo.cache_info().currsize == 0


def _forget() -> None:
    mapping._read_carried_memo.cache_clear()
    mapping._CARRIED.cache_clear()
    mapping._FITTED.cache_clear()
    mapping._OWN_FITS.cache_clear()


def test_fit_and_render_give_the_same_with_and_without_the_memos() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Ann Example\r\nN:Example;Ann;;;\r\n"
        "item1.EMAIL;TYPE=INTERNET:ann@example.org\r\nitem1.X-ABLabel:Club\r\nTEL;TYPE=CELL:+1 415 555 0100\r\n"
        "X-EMPLOYEE-ID;X-P=1:4711\r\nNICKNAME:Annie,An\r\nEND:VCARD\r\n"
    )
    contact = parse_card(card).contact
    # a contact with a line of an email it no longer has: fit leaves that line out
    changed = replace(contact, emails=())
    strip_rev = re.compile(r"REV:[^\r]*\r\n")

    def ask() -> tuple[Contact, Contact, str, str]:
        rendered = render_card(contact, uid="u1", marker=None, version="3.0")
        rewritten = render_card(changed, uid="u1", marker="m", version="3.0", original=card, previous=contact)
        return fit_contact(contact), fit_contact(changed), strip_rev.sub("", rendered), strip_rev.sub("", rewritten)

    _forget()
    afresh = ask()
    assert len(mapping._CARRIED) == 2 and len(mapping._FITTED) == 2
    assert ask() == afresh  # from the memos
    assert afresh[1].vcard_lines != contact.vcard_lines and "ann@example.org" not in afresh[3]
    _forget()
    assert ask() == afresh


def test_equal_contacts_with_other_tag_spellings_or_photo_bytes_are_fitted_as_themselves() -> None:
    contact = parse_card(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nEMAIL;TYPE=WORK:a@example.org\r\nCATEGORIES:Club\r\nEND:VCARD\r\n"
    ).contact
    other = replace(contact, tags=frozenset({Tag("CLUB")}))
    assert other == contact  # tags compare ignoring case: one memo entry serves both
    _forget()
    assert {t.name for t in fit_contact(contact).tags} == {"Club"}
    assert {t.name for t in fit_contact(other).tags} == {"CLUB"}
    with_photo = replace(contact, photo=Photo.from_bytes(b"\xff\xd8\xff" + b"1" * 50, "image/jpeg"))
    assert fit_contact(with_photo).photo == with_photo.photo
    assert fit_contact(with_photo).photo.data == with_photo.photo.data  # type: ignore[union-attr]


def test_a_contact_that_cannot_be_hashed_is_fitted_without_the_memo() -> None:
    contact = parse_card("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nTEL;TYPE=CELL:+14155550100\r\nEND:VCARD\r\n").contact
    odd = replace(contact, custom=[("X-A", "1")])  # type: ignore[arg-type]  # a list where a tuple belongs
    assert fit_contact(odd).vcard_lines == fit_contact(contact).vcard_lines


def test_fit_returns_the_same_contact_when_nothing_changes() -> None:
    contact = parse_card("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann\r\nTEL:+14155550100\r\nEND:VCARD\r\n").contact
    assert contact.display_name == "Ann" and contact.phones == (Phone("+14155550100"),)
    assert fit_contact(contact) == contact
    assert fit_contact(Contact(emails=())).display_name == ""


def _split_long_way(value: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


@given(st.text(alphabet="ab;,\\ ", max_size=30), st.sampled_from([";", ","]))
def test_split_is_the_character_walk(value: str, separator: str) -> None:
    assert vlines.split_unescaped(value, separator) == _split_long_way(value, separator)


def _value_start_long_way(line: str) -> int:
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    return len(line)


@given(st.text(alphabet='AB;:"=,x', max_size=30))
def test_the_value_starts_where_the_quote_walk_says(line: str) -> None:
    assert vlines._value_start(line) == _value_start_long_way(line)


def _lex_long_way(line: str) -> tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...], str, list[str]] | None:
    """The lexer's scans as character loops (as they were before #18): name, group, parameters, value."""
    i, n = 0, len(line)
    while i < n and line[i] not in ";:":
        i += 1
    if i >= n:
        return None
    group, _, name = line[:i].strip().rpartition(".")
    if not re.match(r"[A-Za-z0-9_-]+\Z", name) or (
        group and not re.match(r"[A-Za-z0-9_-]+\Z", group.replace(".", "-"))
    ):
        return None
    params: list[tuple[str, tuple[str, ...]]] = []
    singletons: list[str] = []
    while line[i] == ";":
        start = i + 1
        i = start
        while i < n and line[i] not in "=;:":
            i += 1
        if i >= n:
            return None
        pname = line[start:i].strip().upper()
        if line[i] != "=":
            if pname:
                singletons.append(pname)
            continue
        values: list[str] = []
        i += 1
        while True:
            if i < n and line[i] == '"':
                end = line.find('"', i + 1)
                if end < 0:
                    return None
                values.append(line[i + 1 : end])
                i = end + 1
            else:
                start = i
                while i < n and line[i] not in ",;:":
                    i += 1
                values.append(line[start:i])
            if i >= n:
                return None
            if line[i] != ",":
                break
            i += 1
        if pname:
            params.append((pname, tuple(values)))
        if i >= n:
            return None
    if i >= n or line[i] != ":":
        return None
    return name, line[i + 1 :], tuple(params), group, singletons


@given(st.text(alphabet='AB.;:"=,x ', max_size=30))
def test_the_lexer_splits_a_line_as_the_character_loops_did(line: str) -> None:
    lexed, expected = vlines.lex_line(line), _lex_long_way(line)
    assert (lexed is None) == (expected is None)
    if lexed is not None and expected is not None:
        name, value, params, group, singletons = expected
        assert lexed.name == name.upper().replace("_", "-") and lexed.group == group
        assert lexed.value == value
        bare = tuple(("ENCODING" if s in vlines._ENCODINGS_21 else "TYPE", (s.lower(),)) for s in singletons)
        assert lexed.params == params + bare


# ------------------------------------------------------------- a parsed contact is its own fit (_OWN_FITS, #18)
def _exactly(contact: Contact) -> tuple[object, ...]:
    """Everything of a contact, tag spellings and photo bytes included (equality ignores both)."""
    photo = contact.photo.data if contact.photo is not None else None
    return (contact, tuple(sorted(t.name for t in contact.tags)), photo)


def _fit_long_way(contact: Contact, region: str) -> Contact:
    """fit_contact with every memo of the codec emptied first: the walk through the mapping."""
    _forget()
    return fit_contact(contact, region=region)


_SAMPLES = sorted((Path(__file__).parent / "data" / "vcards").glob("*.vcf"))


@pytest.mark.parametrize("region", ["US", "DE"])
@pytest.mark.parametrize("path", corpus() + _SAMPLES, ids=lambda p: p.stem)
def test_a_contact_equal_to_one_read_from_a_card_is_fitted_as_the_long_way_fits_it(path: Path, region: str) -> None:
    try:
        contact = parse_card(decode_card_bytes(path.read_bytes()), region=region).contact
    except CardError:
        return
    long_way = _fit_long_way(contact, region)
    _forget()
    parse_card(decode_card_bytes(path.read_bytes()), region=region)  # another account read the same card
    assert len(mapping._OWN_FITS) == 1
    assert _exactly(fit_contact(contact, region=region)) == _exactly(long_way) == _exactly(contact)
    assert len(mapping._FITTED) == 0  # answered without the walk
    # the same person with its tags spelled otherwise (another account's group names): as the long way
    respelled = replace(contact, tags=frozenset(Tag(t.name.upper()) for t in contact.tags))
    assert _exactly(fit_contact(respelled, region=region)) == _exactly(_fit_long_way(respelled, region))


@FUZZ
@given(text=cards())
def test_a_hostile_card_read_is_fitted_as_the_long_way_fits_it(text: str) -> None:
    try:
        contact = parse_card(text).contact
    except CardError:
        return
    long_way = _fit_long_way(contact, "US")
    parse_card(text)
    assert _exactly(fit_contact(contact)) == _exactly(long_way)


def test_a_contact_read_is_not_the_fit_of_another_value_or_region() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nitem1.EMAIL;TYPE=INTERNET:ann@example.org\r\n"
        "item1.X-ABLabel:Club\r\nTEL;TYPE=CELL:tel:0151-1234567\r\nEND:VCARD\r\n"
    )
    _forget()
    contact = parse_card(card, region="DE").contact
    # a contact whose email went since: its line is left out, as the long way leaves it
    changed = replace(contact, emails=())
    fitted = fit_contact(changed, region="DE")
    assert fitted.vcard_lines != contact.vcard_lines
    assert _exactly(fitted) == _exactly(_fit_long_way(changed, "DE"))
    # read in Germany, asked for in the US: not known there, fitted the long way (where the number as written,
    # kept as a tel: URI, is not the contact's: its line is left out)
    _forget()
    contact = parse_card(card, region="DE").contact
    in_the_us = fit_contact(contact, region="US")
    assert in_the_us != contact
    assert _exactly(in_the_us) == _exactly(_fit_long_way(contact, "US"))
    assert not mapping._OWN_FITS.known(mapping._own_fit_key(contact, "US"))  # type: ignore[arg-type]


def test_the_memo_of_contacts_read_is_bounded_and_skips_long_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    # a listing is read whole before it is planned: the memo holds a 10,000-card book
    assert mapping._OWN_FITS._size >= 10_000
    monkeypatch.setattr(mapping, "_OWN_FITS", mapping._Memo(16))
    read = [parse_card(f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:P{i}\r\nEND:VCARD\r\n").contact for i in range(26)]
    assert len(mapping._OWN_FITS) == 16
    # the most recent are kept: the first ones read are gone (fitted the long way), the last is known
    assert not mapping._OWN_FITS.known(mapping._own_fit_key(read[0], "US"))  # type: ignore[arg-type]
    assert mapping._OWN_FITS.known(mapping._own_fit_key(read[-1], "US"))  # type: ignore[arg-type]
    _forget()
    blob = "X-BLOB;X-P=1:" + "a" * (mapping._MEMO_CHARS + 1)
    parse_card(f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:P\r\n{blob}\r\nEND:VCARD\r\n")
    assert len(mapping._OWN_FITS) == 0


def test_rev_is_the_time_of_the_write_to_the_second() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    revs = [mapping._now_rev() for _ in range(3)]
    after = datetime.now(UTC)
    for rev in revs:
        assert before <= datetime.strptime(rev, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) <= after
