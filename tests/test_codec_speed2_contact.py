"""Contact's constructor sets its fields through their slots (issue #18, ``model._slot_init``): the same
parameters, defaults and result as the dataclass's own constructor, and the contact stays frozen."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from contactsync import model
from contactsync.model import Contact, Email, EmailKind, Name, Phone, PhoneKind, Tag
from tests.fidelity import sample_contacts


def _exactly(contact: Contact) -> list[object]:
    return [getattr(contact, f.name) for f in dataclasses.fields(Contact)]


def test_the_same_parameters_and_default_objects() -> None:
    ours = inspect.signature(Contact.__init__).parameters
    theirs = inspect.signature(model._dataclass_init).parameters
    assert list(ours) == list(theirs)
    for name, parameter in theirs.items():
        assert ours[name].kind is parameter.kind
        assert ours[name].default is parameter.default, name


def _made_by_dataclass(*args: object, **kwargs: object) -> Contact:
    contact = object.__new__(Contact)
    model._dataclass_init(contact, *args, **kwargs)
    return contact


def test_every_sample_contact_is_made_alike() -> None:
    samples = sample_contacts()
    assert len(samples) > 10
    for contact in samples:
        values = {f.name: getattr(contact, f.name) for f in dataclasses.fields(Contact)}
        ours, theirs = Contact(**values), _made_by_dataclass(**values)
        assert _exactly(ours) == _exactly(theirs) == _exactly(contact)
        assert ours == theirs and hash(ours) == hash(theirs)
        assert _exactly(Contact(*values.values())) == _exactly(theirs)  # positionally too


def test_defaults_positional_arguments_and_errors_as_the_dataclass() -> None:
    assert _exactly(Contact()) == _exactly(_made_by_dataclass())
    name = Name("Ann", "Lee")
    assert _exactly(Contact(name, "Ann Lee")) == _exactly(_made_by_dataclass(name, "Ann Lee"))
    full = Contact(
        emails=(Email("a@example.org", EmailKind.WORK),),
        phones=(Phone("+49305550001", PhoneKind.MOBILE),),
        tags=frozenset({Tag("x")}),
    )
    values = {f.name: getattr(full, f.name) for f in dataclasses.fields(Contact)}
    assert _exactly(dataclasses.replace(full, note="n")) == _exactly(_made_by_dataclass(**{**values, "note": "n"}))
    with pytest.raises(TypeError):
        Contact(nickname="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Contact(*range(30))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Contact(name, name=name)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        full.note = "changed"  # type: ignore[misc]
