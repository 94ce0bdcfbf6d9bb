"""The vCard codec's shortcuts of the second round of issue #18 give what the long way gives: lines shared between
cards, lines made only where written, plain lines told without making them, category sets shared. Each is checked
against the plain computation it skips, over the fidelity corpus, the sample cards and hostile cards. No timing
here: bench/codec_bench.py prints the figures."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactsync import normalize
from contactsync.model import Contact, Phone
from contactsync.vcard import CardError, decode_card_bytes, mapping, parse_card
from contactsync.vcard import lines as vlines
from contactsync.vcard.lines import ContentLine
from tests.fidelity import corpus
from tests.test_fuzz_hostile import FUZZ, cards

_SAMPLES = sorted((Path(__file__).parent / "data" / "vcards").glob("*.vcf"))


def _texts() -> list[str]:
    out: list[str] = []
    for path in [*corpus(), *_SAMPLES]:
        text = decode_card_bytes(path.read_bytes())
        out += [m.group(0) for m in re.finditer(r"BEGIN:VCARD.*?END:VCARD\r?\n?", text, re.DOTALL | re.IGNORECASE)]
    return out


_TEXTS = _texts()
_FIELDS = ("name", "value", "params", "group", "nested", "raw")


def _exactly(lines: list[ContentLine]) -> list[tuple[object, ...]]:
    return [tuple(getattr(line, f) for f in _FIELDS) for line in lines]


def _read_lines_long_way(text: str) -> list[ContentLine]:
    """read_lines as it was before lines were shared: every line lexed afresh."""
    out: list[ContentLine] = []
    for joined, raw in vlines.logical_lines_raw(text):
        clean = raw.isprintable() or vlines._CLEAN_RAW.fullmatch(raw) is not None
        lexed = vlines._lex(vlines._repair(joined), False, raw if clean else "")
        if lexed is not None:
            out.append(lexed)
    return out


def _read_twice(text: str) -> None:
    vlines._SHARED.clear()
    first = vlines.read_lines(text)  # lexed, and kept
    again = vlines.read_lines(text)  # from what was kept
    assert _exactly(first) == _exactly(again) == _exactly(_read_lines_long_way(text))


@pytest.mark.parametrize("index", range(len(_TEXTS)))
def test_lines_shared_between_cards_are_the_lines_lexed_afresh(index: int) -> None:
    _read_twice(_TEXTS[index])


@FUZZ
@given(cards())
def test_a_hostile_cards_shared_lines_are_the_lines_lexed_afresh(text: str) -> None:
    _read_twice(text)


def test_the_lines_kept_are_bounded_and_a_line_read_again_after_is_the_same() -> None:
    vlines._SHARED.clear()
    for i in range(vlines._SHARED_SIZE + 10):
        vlines.read_lines(f"BEGIN:VCARD\r\nFN:P{i}\r\nEND:VCARD\r\n")
    assert len(vlines._SHARED) <= vlines._SHARED_SIZE
    text = "BEGIN:VCARD\r\nFN:P0\r\nEND:VCARD\r\n"
    assert _exactly(vlines.read_lines(text)) == _exactly(_read_lines_long_way(text))


# ------------------------------------------------------------- lines made only where written


def _desired_long_way(contact: Contact, version: str, categories: bool, region: str) -> list[tuple[Any, Any, Any]]:
    """render_card's list of every mapped line as it was before the lines were made lazily (#18)."""
    slot_ = mapping._Slot
    values: list[tuple[Any, Any]] = []
    display = mapping.derived_display_name(contact)
    if display:
        values.append((slot_.FN, display))
    if version != "4.0" or not contact.name.is_empty():
        values.append((slot_.N, contact.name))
    values += [(s, v) for s, v in mapping._single_values(contact) if s not in (slot_.FN, slot_.N)]
    values += mapping._multi_values(contact)
    out: list[tuple[Any, Any, Any]] = []
    for phone in contact.phones:
        line = mapping._generate(slot_.TEL, phone, version)
        number = normalize.phone_number(phone.number, region)
        tel = phone if number == phone.number else Phone(number, phone.kind, phone.label)
        out.append((slot_.TEL, tel, mapping._with_label(slot_.TEL, tel, line, version)))  # type: ignore[arg-type]
    for s, v in values:
        line = mapping._generate(s, v, version)
        out.append((s, v, mapping._with_label(s, v, line, version)))  # type: ignore[arg-type]
    if contact.photo is not None and contact.photo.data:
        out.append((slot_.PHOTO, contact.photo, mapping._photo_line(contact.photo, version)))
    if categories and contact.tags:
        names = sorted((t.name for t in contact.tags), key=lambda name: (name.casefold(), name))
        out.append(
            (slot_.CATEGORIES, contact.tags, mapping._line("CATEGORIES", ",".join(map(vlines.escape_text, names))))
        )
    out.sort(key=lambda d: mapping._ORDER[d[0]])
    return out


def _contacts() -> list[Contact]:
    out = []
    for text in _TEXTS:
        for region in ("US", "DE"):
            try:
                out.append(parse_card(text, region=region).contact)
            except CardError:
                continue
    return out


@pytest.mark.parametrize("version", ["2.1", "3.0", "4.0"])
def test_the_lines_made_where_written_are_the_lines_made_before(version: str) -> None:
    for contact in _contacts():
        for categories in (True, False):
            wanted = mapping._wanted(contact, version, categories, "US")
            made = [(s, v, mapping._line_of(s, v, source, version)) for s, v, source in wanted]
            assert made == _desired_long_way(contact, version, categories, "US")
            # a phone's form is spelled as the line made for it would be
            for (s, _v, line), (_s, _v2, source) in zip(made, wanted, strict=True):
                assert mapping._spelled(s, source) == (line.value if s is mapping._Slot.TEL else None)


def test_a_carried_forms_groups_and_labels_are_found_as_the_long_way_finds_them() -> None:
    for contact in _contacts():
        carried = mapping._Carried._of(contact, "US", mapping.DEFAULT_PHOTO_MAX_BYTES)
        for taken in (set(), set(range(len(carried.forms)))):
            used = {carried.forms[i][2].group for i in taken}
            assert carried.orphaned_groups(taken) == {line.group for _s, _v, line in carried.forms if line.group} - used
            written = {
                line.types() - {"pref"}
                for i in taken
                for slot, _v, line in [carried.forms[i]]
                if slot is mapping._Slot.ADR
            }
            printed = {line.types() - {"pref"} for slot, _v, line in carried.forms if slot is mapping._Slot.ADR}
            assert carried.stale_labels(taken) == {
                vlines.line_text(line)
                for line in carried.unmapped
                if line.name == "LABEL" and not line.group and line.types() - {"pref"} in printed - written
            }


# ------------------------------------------------------------- plain lines told without making them


def _is_plain_long_way(slot: Any, value: Any, line: ContentLine) -> bool:
    if line.group or line.nested:
        return False
    for written in ("4.0", "3.0") if slot is mapping._Slot.ANNIVERSARY else ("4.0",):
        if line == mapping._generate(slot, value, written) and mapping._label_text(slot, value, written) is None:
            return True
    return False


def _plain_as_before(text: str) -> int:
    try:
        card = mapping._read_card(text)
    except CardError:
        return 0
    context = mapping._Context.of(card.lines)
    told = 0
    for line in card.lines:
        decoded = mapping._decode(line, "US", mapping.DEFAULT_PHOTO_MAX_BYTES, context)
        if decoded is None or decoded[0] in mapping._NO_FORMS or mapping._Slot.NICKNAME is decoded[0]:
            continue
        slot, value = decoded
        for variant in (line, line.changed(value=line.value.upper()), line.changed(params=())):
            assert mapping._is_plain(slot, value, variant) == _is_plain_long_way(slot, value, variant), line
            told += 1
    return told


def test_plain_lines_are_told_as_the_generated_line_tells_them() -> None:
    assert sum(_plain_as_before(text) for text in _TEXTS) > 100


@FUZZ
@given(cards())
def test_a_hostile_cards_plain_lines_are_told_as_the_generated_line_tells_them(text: str) -> None:
    _plain_as_before(text)


# ------------------------------------------------------------- category sets shared


def test_a_category_set_read_again_is_the_set_read_afresh() -> None:
    values = ["Bench,Team5", "a\\,b,c", " Club , club ", "", ",", "x\\\\,y"]
    mapping._CATEGORY_SETS.clear()
    for value in values * 2:
        shared = mapping._categories(value)
        afresh = normalize.tags(mapping._text(p) for p in vlines.split_unescaped(value, ","))
        assert shared == afresh and sorted(t.name for t in shared) == sorted(t.name for t in afresh)
    assert len(mapping._CATEGORY_SETS) == len(values)


# ------------------------------------------------------------- a line's text


def _quote_param_long_way(value: str) -> str:
    value = re.sub(r"[\x00-\x08\x0a-\x1f\x7f]", "", value.replace('"', ""))
    return f'"{value}"' if "," in value or ";" in value or ":" in value else value


_PARAM_TEXT = st.text(alphabet=st.one_of(st.sampled_from('",;:\x00\n\t =^'), st.characters()), max_size=12)


@given(_PARAM_TEXT)
def test_a_parameter_value_is_quoted_as_before(value: str) -> None:
    assert vlines._quote_param(value) == _quote_param_long_way(value)


@given(
    st.lists(
        st.tuples(st.sampled_from(["TYPE", "X-A", "LABEL"]), st.lists(_PARAM_TEXT, min_size=1, max_size=3).map(tuple)),
        max_size=3,
    )
)
def test_a_lines_text_is_written_as_before(params: list[tuple[str, tuple[str, ...]]]) -> None:
    line = ContentLine("EMAIL", "a@example.org", tuple(params), "item1")
    joined = "".join(f";{key}={','.join(_quote_param_long_way(v) for v in values)}" for key, values in params)
    assert vlines.line_text(line) == f"item1.EMAIL{joined}:a@example.org"


# ------------------------------------------------------------- one card, nothing nested: read by slicing


def _read_card_long_way(text: str) -> tuple[str, list[tuple[object, ...]]] | str:
    """_read_card as it was before the sliced path (or the CardError's message)."""
    lines = vlines.read_card_lines(text)  # a 2.1 card read as 2.1, as _read_card reads it
    begin = next(
        (i for i, line in enumerate(lines) if line.name == "BEGIN" and line.value.strip().upper() == "VCARD"), None
    )
    if begin is None:
        return "no BEGIN:VCARD line: this is not a vCard"
    body: list[ContentLine] = []
    depth = 0
    end: int | None = None
    for index in range(begin + 1, len(lines)):
        line = lines[index]
        if line.name == "END" and depth == 0:
            end = index
            break
        if line.name == "BEGIN":
            depth += 1
        elif line.name == "END":
            depth -= 1
        if depth or line.name == "END":
            line = ContentLine(line.name, line.value, line.params, line.group, True, line.raw)
        body.append(line)
    if end is None:
        return "the card has no END:VCARD line (truncated?)"
    if any(line.name == "BEGIN" and line.value.strip().upper() == "VCARD" for line in lines[end + 1 :]):
        return "the text holds more than one card"
    version = next((line.value.strip() for line in body if line.name == "VERSION" and not line.nested), "")
    return version, _exactly(body)


def _read_card_now(text: str) -> tuple[str, list[tuple[object, ...]]] | str:
    try:
        card = mapping._read_card(text)
    except CardError as exc:
        return str(exc)
    return card.version, _exactly(list(card.lines))


_CARD_SHAPES = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n",
    "begin:vcard\r\nfn:A\r\nversion: 4.0 \r\nend:vcard\r\nX-AFTER:1\r\n",
    "BEGIN:VCARD\r\nFN:A\r\n",
    "BEGIN:VCARD\r\nVERSION:2.1\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nEND:VCARD\r\nFN:A\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\n",
    "X-JUNK:1\r\nBEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n",
    "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    "BEGIN:VCALENDAR\r\nBEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\nEND:VCALENDAR\r\n",
    "BEGIN:VCARD\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\nEND:VCARD\r\nVERSION:9\r\n",
    "",
)


def test_a_card_is_read_as_the_walk_reads_it() -> None:
    for text in [*_CARD_SHAPES, *_TEXTS]:
        assert _read_card_now(text) == _read_card_long_way(text), text


@FUZZ
@given(cards())
def test_a_hostile_card_is_read_as_the_walk_reads_it(text: str) -> None:
    assert _read_card_now(text) == _read_card_long_way(text)


@pytest.mark.parametrize(
    ("kept", "empty"),
    [
        ("item1.TEL:+14155550100", "item1.EMAIL:"),
        ("item1.TEL:+14155550100", "item1.ADR:;;;;;;"),
        ("item1.EMAIL:ann@example.org", "item1.TEL:"),
    ],
)
def test_an_empty_line_of_a_labelled_group_makes_no_empty_item(kept: str, empty: str) -> None:
    """Apple's groups: an empty EMAIL, TEL or ADR beside a real one under one label is no email, phone or
    address. A single one found is no shortcut past that (the contact kept an empty email, the store and every
    other account got it, and its render read back as another contact)."""
    text = (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nN:A;Ann;;;\r\n{kept}\r\n{empty}\r\n"
        "item1.X-ABLabel:Boat\r\nEND:VCARD\r\n"
    )
    contact = parse_card(text).contact
    assert contact == normalize.normalize_contact(contact)
    assert all(item.key.strip("|") for item in (*contact.emails, *contact.phones, *contact.addresses))
    assert len(contact.emails) + len(contact.phones) + len(contact.addresses) == 1
    again = parse_card(mapping.render_card(contact, uid="u", marker=None)).contact
    assert again == contact
