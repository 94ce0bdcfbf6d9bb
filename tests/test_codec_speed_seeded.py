"""parse_card hands the render the carried lines it lexed (issue #18, ``mapping._LEXED``): each line it hands
over is exactly what lex_line makes of its text, and a contact rendered from those lines gives the very card,
fit and carried lines a render that lexes them afresh gives. Checked over the fidelity corpus, the sample cards,
cards whose lines are folded, 2.1, nested or re-spelled, and hostile cards. No timing here:
bench/codec_bench.py prints the figures."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from contactsync.vcard import CardError, decode_card_bytes, fit_contact, mapping, parse_card, render_card
from contactsync.vcard import lines as vlines
from contactsync.vcard.lines import ContentLine, lex_line
from tests.fidelity import corpus
from tests.test_codec_speed_equivalence import _lex_long_way
from tests.test_fuzz_hostile import FUZZ, cards

_SAMPLES = sorted((Path(__file__).parent / "data" / "vcards").glob("*.vcf"))
#: a REV line (the clock's: two renders a second apart differ there), parameters and group included
_REV = re.compile(r"^(?:[A-Za-z0-9-]+\.)?REV[;:][^\r\n]*\r\n", re.MULTILINE | re.IGNORECASE)

#: lines the seeding must get right or leave alone: folded, 2.1 bare parameters and quoted-printable, a nested
#: AGENT holding the text of a carried line, a quoted parameter, a TEL re-spelled in E.164, one already E.164
_AWKWARD = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nUID:a1\r\nFN:Ann\r\nN:A;Ann;;;\r\nTEL;CELL:+1 415 555 0100\r\n"
    "TEL;TYPE=WORK:+14155550101\r\nTEL;TYPE=HOME,VOICE:+1 415 555 0102\r\nTEL;CELL;X-Z=1:+1 415 555 0103\r\n"
    'EMAIL;TYPE=WORK:ann@example.org\r\nEMAIL;TYPE=WORK;X-P="a,b":b@example.org\r\n'
    "NOTE;ENCODING=QUOTED-PRINTABLE:a=0D=0Ab\r\nX-LONG;X-P=1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    " aaaa\r\nitem1.EMAIL;TYPE=INTERNET:c@example.org\r\nitem1.X-ABLabel:Club\r\nAGENT:\r\nBEGIN:VCARD\r\n"
    'EMAIL;TYPE=WORK:ann@example.org\r\nEND:VCARD\r\nX-A;X-Q=x"y:1\r\nEND:VCARD\r\n'
)


def _texts() -> list[str]:
    out = [_AWKWARD]
    for path in [*corpus(), *_SAMPLES]:
        text = decode_card_bytes(path.read_bytes())
        out += [m.group(0) for m in re.finditer(r"BEGIN:VCARD.*?END:VCARD\r?\n?", text, re.DOTALL | re.IGNORECASE)]
    return out


def _forget() -> None:
    mapping._LEXED.cache_clear()
    mapping._read_carried_memo.cache_clear()
    mapping._CARRIED.cache_clear()
    mapping._FITTED.cache_clear()
    mapping._OWN_FITS.cache_clear()


def _seeded_are_lexed(text: str) -> int:
    """Parse ``text`` alone; every line handed over is lex_line's of its text, field by field. The count."""
    mapping._LEXED.cache_clear()
    try:
        contact = parse_card(text).contact
    except CardError:
        return 0
    len(mapping._LEXED)  # its seeds settled (put)
    seeded = dict(mapping._LEXED._known)
    for key, line in seeded.items():
        assert key in contact.vcard_lines
        lexed = lex_line(key)
        assert lexed is not None
        assert _fields(line) == _fields(lexed), key
    return len(seeded)


def _fields(line: ContentLine) -> tuple[object, ...]:
    return (line.name, line.value, line.params, line.group, line.nested, line.raw)


def _outputs(text: str) -> tuple[object, ...]:
    """What a first sync and a write-back ask of the codec for ``text`` (REV left out: it is the clock's)."""
    parsed = parse_card(text)
    contact = parsed.contact
    fitted = fit_contact(contact)
    return (
        contact,
        fitted,
        mapping._read_carried(contact.vcard_lines, "US", mapping.DEFAULT_PHOTO_MAX_BYTES),
        *(
            _REV.sub("", render_card(fitted, uid=parsed.uid or "u", marker="m", version=version))
            for version in ("2.1", "3.0", "4.0")
        ),
        _REV.sub("", render_card(contact, uid=parsed.uid or "u", marker="m", original=text, previous=contact)),
    )


def test_every_line_handed_over_is_the_line_lex_line_makes() -> None:
    handed = sum(_seeded_are_lexed(text) for text in _texts())
    assert handed > 20  # the corpus's carried lines are handed over: the path is taken


@pytest.mark.parametrize("index", range(len(_texts())))
def test_a_render_from_the_lines_handed_over_is_a_render_from_lines_lexed_afresh(index: int) -> None:
    text = _texts()[index]
    try:
        parse_card(text)
    except CardError:
        return
    _forget()
    seeded = _outputs(text)
    _forget()
    contact = parse_card(text).contact
    mapping._LEXED.cache_clear()  # the render lexes every carried line itself
    afresh = _outputs(text)
    assert parse_card(text).contact == contact
    assert seeded == afresh


def test_the_awkward_card_hands_over_only_what_reads_back_the_same() -> None:
    mapping._LEXED.cache_clear()
    contact = parse_card(_AWKWARD).contact
    len(mapping._LEXED)  # its seeds settled (put)
    handed = set(mapping._LEXED._known)
    # lines as read (an E.164 TEL, an EMAIL, a grouped one) and a TEL re-spelled in E.164 are handed over; not a
    # folded line, a 2.1 one, one whose quote was dropped, nor a label spelled otherwise than read
    for key in (
        "TEL;TYPE=WORK:+14155550101",
        "TEL;TYPE=HOME,VOICE:+14155550102",
        "item1.EMAIL;TYPE=INTERNET:c@example.org",
    ):
        assert key in handed
    for key in ("TEL;X-Z=1;TYPE=cell:+14155550103", "X-A;X-Q=xy:1", "item1.X-ABLABEL:Club"):
        assert key in contact.vcard_lines and key not in handed
    assert not any(key.startswith("X-LONG") for key in handed)
    assert _seeded_are_lexed(_AWKWARD) == len(handed)


@FUZZ
@given(cards())
@example(_AWKWARD)
def test_hostile_cards_hand_over_only_lines_lex_line_makes_alike(text: str) -> None:
    _seeded_are_lexed(text)


# ------------------------------------------------------------- the lexer's and types()' short paths (#18)


@given(st.text(alphabet='TEL;:"=,x_-1 \tA', max_size=30))
@example("EMAIL;TYPE=WORK,pref;X-A=a=b:x@example.org")
@example("tel_x;type=CELL:+1")
def test_the_lexer_reads_a_line_with_named_parameters_as_the_walk_does(line: str) -> None:
    lexed, expected = lex_line(line), _lex_long_way(line)
    assert (lexed is None) == (expected is None)
    if lexed is not None and expected is not None:
        name, value, params, group, singletons = expected
        assert (lexed.name, lexed.group, lexed.value) == (name.upper().replace("_", "-"), group, value)
        bare = tuple(("ENCODING" if s in vlines._ENCODINGS_21 else "TYPE", (s.lower(),)) for s in singletons)
        assert lexed.params == params + bare


_PARAM_VALUES = st.lists(st.text(alphabet=" ,aBc", max_size=6), max_size=3).map(tuple)


@given(st.lists(st.tuples(st.sampled_from(["TYPE", "PREF", "X-A"]), _PARAM_VALUES), max_size=3))
def test_a_lines_types_are_the_type_values_split_and_folded(params: list[tuple[str, tuple[str, ...]]]) -> None:
    line = ContentLine("TEL", "1", tuple(params))
    walked = frozenset(t.strip().lower() for v in line.param("TYPE") for t in v.split(",") if t.strip())
    assert line.types() == walked


_FIELD_NAMES = ("name", "value", "params", "group", "nested", "raw")


@given(st.text(max_size=5), st.text(max_size=5), _PARAM_VALUES, st.text(max_size=5), st.booleans(), st.text(max_size=5))
def test_a_line_is_made_as_the_dataclass_made_it(
    name: str, value: str, values: tuple[str, ...], group: str, nested: bool, raw: str
) -> None:
    params = (("TYPE", values),)
    made = ContentLine(name, value, params, group, nested, raw)
    by_dataclass = object.__new__(ContentLine)
    vlines._dataclass_init(by_dataclass, name, value, params, group, nested, raw)
    assert [getattr(made, f) for f in _FIELD_NAMES] == [getattr(by_dataclass, f) for f in _FIELD_NAMES]
    assert made == by_dataclass and hash(made) == hash(by_dataclass) and repr(made) == repr(by_dataclass)
    assert ContentLine(value=value, name=name) == ContentLine(name, value, (), "", False, "")
    assert ContentLine(name, value).raw == "" and ContentLine(name, value, raw=raw).raw == raw
    with pytest.raises(FrozenInstanceError):
        made.value = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ContentLine(name)  # type: ignore[call-arg]
