"""The merge's Side and the plan's ContactToPlan are made without the frozen dataclass's ``object.__setattr__``
call a field (#18): the same parameters, the same object, still frozen."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime
from typing import Any

import pytest

from contactsync.engine import merge, plan
from contactsync.engine.merge import Side
from contactsync.engine.plan import ContactToPlan
from contactsync.model import Contact, Field, Name


def test_side_takes_the_dataclass_parameters() -> None:
    ours = inspect.signature(Side.__init__).parameters
    theirs = inspect.signature(merge._dataclass_side_init).parameters
    assert list(ours) == list(theirs)
    for name, parameter in theirs.items():
        assert ours[name].kind is parameter.kind
        assert ours[name].default is parameter.default, name


@pytest.mark.parametrize("base", [None, Contact.EMPTY, Contact(name=Name(given="Ana"))])
def test_a_side_is_made_as_the_dataclass_makes_it(base: Contact | None) -> None:
    args: tuple[Any, ...] = (
        "a",
        base,
        Contact(display_name="Ana"),
        datetime(2026, 1, 2, tzinfo=UTC),
        3,
        frozenset({Field.NAME}),
    )
    made = Side(*args)
    by_the_dataclass = object.__new__(Side)
    merge._dataclass_side_init(by_the_dataclass, *args)
    assert [getattr(made, f.name) for f in dataclasses.fields(Side)] == list(args)
    assert made == by_the_dataclass and hash(made) == hash(by_the_dataclass)
    assert Side(**{f.name: a for f, a in zip(dataclasses.fields(Side), args, strict=True)}) == made
    assert made.changed_fields == by_the_dataclass.changed_fields
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.account = "b"  # type: ignore[misc]


def test_a_contact_to_plan_is_made_as_the_dataclass_makes_it() -> None:
    ours = inspect.signature(ContactToPlan.__init__).parameters
    theirs = inspect.signature(plan._dataclass_to_plan_init).parameters
    assert list(ours) == list(theirs)
    for name, parameter in theirs.items():
        assert ours[name].kind is parameter.kind and ours[name].default is parameter.default, name
    values: dict[str, Any] = {
        "id": "c1",
        "record": None,
        "fresh": True,
        "listed": [],
        "deleted_by": ["a"],
        "links_before": {},
    }
    made = ContactToPlan(**values)
    by_the_dataclass = object.__new__(ContactToPlan)
    plan._dataclass_to_plan_init(by_the_dataclass, **values)
    assert made == by_the_dataclass
    assert {f.name: getattr(made, f.name) for f in dataclasses.fields(ContactToPlan)} == values
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.fresh = False  # type: ignore[misc]
