"""RemoteRef, RemoteContact, Change, ChangeResult and the store's Link are made without the frozen dataclass's
``object.__setattr__`` call a field (#18): the same parameters, the same objects, still frozen."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime
from typing import Any

import pytest

from contactsync import connector
from contactsync.connector import Change, ChangeKind, ChangeResult, RemoteContact, RemoteRef
from contactsync.errors import Transient
from contactsync.model import Contact
from contactsync.store import links
from contactsync.store.links import Link

_WHEN = datetime(2026, 1, 2, tzinfo=UTC)
_REF = RemoteRef("a.vcf", "e1")
_CONTACT = Contact(display_name="Ana")
CASES: list[tuple[type, Any, tuple[Any, ...]]] = [
    (RemoteRef, connector._dataclass_inits[RemoteRef], ("a.vcf", "e1")),
    (RemoteContact, connector._dataclass_inits[RemoteContact], (_REF,)),
    (RemoteContact, connector._dataclass_inits[RemoteContact], (_REF, _CONTACT, "m", _WHEN, (("photo", "why"),))),
    (Change, connector._dataclass_inits[Change], (ChangeKind.CREATE, "c1")),
    (Change, connector._dataclass_inits[Change], (ChangeKind.UPDATE, "c1", _CONTACT, _REF, Contact.EMPTY)),
    (ChangeResult, connector._dataclass_inits[ChangeResult], (Change(ChangeKind.DELETE, "c1"),)),
    (ChangeResult, connector._dataclass_inits[ChangeResult], (Change(ChangeKind.DELETE, "c1"), _REF, Transient("x"))),
    (Link, links._dataclass_link_init, ("a", "a.vcf", "c1", "e1", _CONTACT)),
    (Link, links._dataclass_link_init, ("a", "a.vcf", "c1", "e1", _CONTACT, _WHEN, True, "{}")),
]


@pytest.mark.parametrize(("cls", "theirs", "args"), CASES)
def test_made_as_the_dataclass_makes_it(cls: type, theirs: Any, args: tuple[Any, ...]) -> None:
    if cls is RemoteContact and len(args) == 1:
        args = (*args, _CONTACT)
    ours_params = inspect.signature(vars(cls)["__init__"]).parameters
    their_params = inspect.signature(theirs).parameters
    assert list(ours_params) == list(their_params)
    for name, parameter in their_params.items():
        assert ours_params[name].kind is parameter.kind and ours_params[name].default == parameter.default, name
    made = cls(*args)
    by_the_dataclass: Any = object.__new__(cls)
    theirs(by_the_dataclass, *args)
    every = [f.name for f in dataclasses.fields(cls)]
    assert [getattr(made, f) for f in every] == [getattr(by_the_dataclass, f) for f in every]
    assert made == by_the_dataclass
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, every[0], "x")
