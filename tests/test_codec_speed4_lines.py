"""The codec's hot paths make their lines and contacts without slot-setter calls (issue #18, the fourth pass):
``lines.new_line`` and ``model.new_contact`` store the fields into a twin class of the same slots and then make
the object the frozen class. What they make must be what the constructors make: the same fields, equal, the same
hash and repr, frozen, copied and pickled alike. No timing here: bench/codec_bench.py prints the figures."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import FrozenInstanceError
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactsync import model
from contactsync.model import Contact, Email, EmailKind, Name, Phone, PhoneKind
from contactsync.vcard import lines as vlines
from contactsync.vcard import parse_card
from contactsync.vcard.lines import ContentLine, new_line
from tests.fidelity import sample_contacts

_FIELD_NAMES = ("name", "value", "params", "group", "nested", "raw")
_PARAMS = st.lists(
    st.tuples(st.sampled_from(["TYPE", "PREF", "X-A"]), st.lists(st.text(max_size=4), max_size=2).map(tuple)),
    max_size=2,
).map(tuple)


def _fields(line: ContentLine) -> list[object]:
    return [getattr(line, f) for f in _FIELD_NAMES]


@given(st.text(max_size=5), st.text(max_size=5), _PARAMS, st.text(max_size=5), st.booleans(), st.text(max_size=5))
def test_a_new_line_is_the_line_the_constructor_makes(
    name: str, value: str, params: tuple[tuple[str, tuple[str, ...]], ...], group: str, nested: bool, raw: str
) -> None:
    made = new_line(name, value, params, group, nested, raw)
    by_dataclass = object.__new__(ContentLine)
    vlines._dataclass_init(by_dataclass, name, value, params, group, nested, raw)
    assert type(made) is ContentLine
    assert _fields(made) == _fields(by_dataclass) == _fields(ContentLine(name, value, params, group, nested, raw))
    assert made == by_dataclass and hash(made) == hash(by_dataclass) and repr(made) == repr(by_dataclass)
    # raw is not compared: two lines meaning the same are equal whatever their text as read
    assert made == new_line(name, value, params, group, nested, raw + "x")
    assert made != new_line(name + "x", value, params, group, nested, raw)
    assert {made: 1}[by_dataclass] == 1


def test_a_new_line_stays_frozen_and_copies_as_any() -> None:
    made = new_line("EMAIL", "a@example.org", (("TYPE", ("WORK",)),), "item1", False, "item1.EMAIL;TYPE=WORK:a")
    with pytest.raises(FrozenInstanceError):
        made.value = "changed"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del made.name
    # a name that is no field: refused as on any line (the dataclass's __setattr__ says so with a TypeError, a
    # known quirk of frozen dataclasses with slots)
    for line in (made, ContentLine("EMAIL", "a@example.org")):
        with pytest.raises((AttributeError, TypeError)):
            line.other = 1  # type: ignore[attr-defined]
        assert not hasattr(line, "other")
    for copied in (copy.copy(made), copy.deepcopy(made), pickle.loads(pickle.dumps(made))):
        assert type(copied) is ContentLine and _fields(copied) == _fields(made)
    made_so = ContentLine(*_fields(made))  # type: ignore[arg-type]
    assert _fields(dataclasses.replace(made, value="b")) == _fields(dataclasses.replace(made_so, value="b"))
    assert made.changed(value="b") == ContentLine("EMAIL", "b", (("TYPE", ("WORK",)),), "item1")
    assert made.types() == frozenset({"work"})


def test_the_lexer_makes_its_lines_as_the_constructor_would() -> None:
    text = "item1.EMAIL;TYPE=WORK:a@example.org\r\nFN:Ann\r\nTEL;CELL:1\r\nNOTE;CHARSET=UTF-8:x\r\n"
    for line in vlines.read_lines(text):
        assert type(line) is ContentLine
        assert _fields(line) == _fields(ContentLine(*_fields(line)))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------ contacts


def _exactly(contact: Contact) -> list[object]:
    return [getattr(contact, f.name) for f in dataclasses.fields(Contact)]


def test_new_contact_takes_the_constructors_parameters() -> None:
    ours = inspect.signature(model.new_contact).parameters
    theirs = inspect.signature(model._dataclass_init).parameters
    assert ["self", *ours] == list(theirs)
    for name, parameter in ours.items():
        assert parameter.kind is theirs[name].kind
        assert parameter.default is theirs[name].default, name


def test_every_sample_contact_is_made_alike_by_new_contact() -> None:
    samples = [*sample_contacts(), Contact()]
    assert len(samples) > 10
    for contact in samples:
        values = {f.name: getattr(contact, f.name) for f in dataclasses.fields(Contact)}
        made = model.new_contact(**values)
        assert type(made) is Contact
        assert _exactly(made) == _exactly(Contact(**values)) == _exactly(model.new_contact(*values.values()))
        assert made == contact and hash(made) == hash(contact) and repr(made) == repr(contact)
        assert not hasattr(made, "derived")  # unset until set, as on any contact
        with pytest.raises(FrozenInstanceError):
            made.note = "changed"  # type: ignore[misc]
        for copied in (copy.copy(made), pickle.loads(pickle.dumps(made))):
            assert type(copied) is Contact and _exactly(copied) == _exactly(made)
        assert dataclasses.replace(made, note="n") == dataclasses.replace(contact, note="n")
    assert _exactly(model.new_contact()) == _exactly(Contact())
    with pytest.raises(TypeError):
        model.new_contact(nickname="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        model.new_contact(*range(30))


def test_the_parse_makes_its_contact_as_the_constructor() -> None:
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u\r\nFN:Ann\r\nN:Lee;Ann;;;\r\nEMAIL;TYPE=WORK:a@example.org\r\n"
    text += "END:VCARD\r\n"
    contact = parse_card(text).contact
    assert type(contact) is Contact
    assert contact == Contact(**{f.name: getattr(contact, f.name) for f in dataclasses.fields(Contact)})
    assert getattr(contact, "derived", None) is not None  # what the parse left on it for the render


@given(st.lists(st.text(max_size=6), min_size=5, max_size=5), st.data())
def test_new_email_phone_and_name_make_what_their_constructors_make(texts: list[str], data: st.DataObject) -> None:
    email_kind, phone_kind = data.draw(st.sampled_from(list(EmailKind))), data.draw(st.sampled_from(list(PhoneKind)))
    pairs: list[tuple[Any, Any]] = [
        (model.new_email(texts[0], email_kind, texts[1]), Email(texts[0], email_kind, texts[1])),
        (model.new_phone(texts[0], phone_kind, texts[1]), Phone(texts[0], phone_kind, texts[1])),
        (model.new_name(*texts), Name(*texts)),
    ]
    for made, constructed in pairs:
        assert type(made) is type(constructed)
        names = [f.name for f in dataclasses.fields(constructed)]
        assert [getattr(made, n) for n in names] == [getattr(constructed, n) for n in names]
        assert made == constructed and hash(made) == hash(constructed) and repr(made) == repr(constructed)
        with pytest.raises(FrozenInstanceError):
            setattr(made, names[0], "x")
        assert pickle.loads(pickle.dumps(made)) == constructed and copy.copy(made) == constructed
