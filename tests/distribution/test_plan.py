"""The pure planner: what a source listing means, and what one target needs, without any server.

These are the cases a live test reaches only by luck of timing: an answer lost after a create, a duplicate left
by a crash, an unconfirmed create no longer wanted, a brake at exactly its limit."""

from __future__ import annotations

from contactsync.connector import ChangeKind, RemoteContact, RemoteRef
from contactsync.distribution.plan import (
    Shaping,
    Wanted,
    brake_reason,
    contact_id_for,
    plan_source,
    plan_target,
    shape,
)
from contactsync.model import Contact, Email, Field, Name, Phone, PhoneKind, Tag
from contactsync.settings import BrakeSettings, DistributionSettings
from contactsync.store.distribution import DesiredItem, TargetLink

SHAPING = Shaping.of(DistributionSettings("d", "src", (), "Company directory", exclude=("Boss@Example.org",)))
ANA = Contact(
    name=Name("Ana"),
    emails=(Email("ana@example.org"),),
    phones=(Phone("+5511988887777", PhoneKind.MOBILE), Phone("+551133334444", PhoneKind.WORK)),
    note="private note",
    tags=frozenset({Tag("Board")}),
)


def listed(remote_id: str, contact: Contact, marker: str | None, etag: str = "e1") -> RemoteContact:
    return RemoteContact(RemoteRef(remote_id, etag), contact, marker)


def test_shape_keeps_the_chosen_fields_drops_mobiles_and_puts_only_the_container() -> None:
    shaped = shape(ANA, SHAPING)
    assert shaped is not None
    assert [p.kind for p in shaped.phones] == [PhoneKind.WORK]
    assert shaped.note == "" and shaped.tags == frozenset({Tag("Company directory")})
    assert shape(Contact(name=Name("Boss"), emails=(Email("boss@example.org"),)), SHAPING) is None
    with_mobiles = Shaping.of(DistributionSettings("d", "s", (), "C", mobile=True, fields=frozenset({Field.PHONES})))
    assert shape(ANA, with_mobiles) is not None and len(shape(ANA, with_mobiles).phones) == 2  # type: ignore[union-attr]


def test_ids_are_derived_so_every_daemon_names_a_person_the_same() -> None:
    assert contact_id_for("d", "uuid-1") == contact_id_for("d", "uuid-1") != contact_id_for("e", "uuid-1")


def test_the_brake_counts_against_what_is_distributed() -> None:
    brake = BrakeSettings(max_deletes=3, max_delete_ratio=0.2)
    assert brake_reason(1, 5, brake) is None  # 20 %: at the limit, not above
    assert brake_reason(2, 5, brake) is not None
    assert brake_reason(4, 100, brake) is not None
    assert brake_reason(0, 0, brake) is None
    item = DesiredItem(contact_id_for("d", "s1"), "s1", "h", 1, True, frozenset())
    plan = plan_source("d", [], ["s1"], {"s1": item}, 1, SHAPING, brake)
    assert plan.held == 1 and plan.actions == () and plan.brake_reason is not None
    allowed = plan_source("d", [], ["s1"], {"s1": item}, 1, SHAPING, brake, allow_deletes=True)
    assert allowed.leaves == 1


def test_a_create_whose_answer_was_lost_is_adopted_without_a_write() -> None:
    want = shape(ANA, SHAPING)
    assert want is not None
    cid = "c1"
    plan = plan_target(
        [cid],
        {cid: Wanted(want, "h1")},
        {cid: TargetLink(cid, None, "", "")},  # attempted, never confirmed
        {cid: [listed("r1", want, cid)]},
        frozenset(),
        {cid: want},
    )
    assert plan.changes == () and plan.adopted == (TargetLink(cid, "r1", "e1", "h1"),)


def test_a_duplicate_with_our_marker_is_removed_and_the_linked_item_kept() -> None:
    want = shape(ANA, SHAPING)
    assert want is not None
    cid = "c1"
    plan = plan_target(
        [cid],
        {cid: Wanted(want, "h1")},
        {cid: TargetLink(cid, "r1", "e0", "h1")},
        {cid: [listed("r1", want, cid), listed("r2", want, cid)]},
        frozenset(),
        {cid: want},
    )
    assert [(c.kind, c.ref.id if c.ref else None) for c in plan.changes] == [(ChangeKind.DELETE, "r2")]
    assert plan.adopted == (TargetLink(cid, "r1", "e1", "h1"),)


def test_an_item_deleted_inside_is_created_again_and_one_no_longer_wanted_is_deleted() -> None:
    want = shape(ANA, SHAPING)
    assert want is not None
    plan = plan_target(
        ["gone", "left", "ghost"],
        {"gone": Wanted(want, "h1")},
        {
            "gone": TargetLink("gone", "r1", "e1", "h1"),
            "left": TargetLink("left", "r2", "e2", "h2"),
            "ghost": TargetLink("ghost", None, "", ""),  # an unconfirmed create of someone who left since
        },
        {},
        frozenset({"gone"}),
        {"gone": want},
    )
    kinds = {c.contact_id: c.kind for c in plan.changes}
    assert kinds == {"gone": ChangeKind.CREATE, "left": ChangeKind.DELETE}
    assert set(plan.forgotten) == {"gone", "ghost"}


def test_an_edit_inside_the_container_is_put_back_and_our_own_echo_is_not() -> None:
    want = shape(ANA, SHAPING)
    assert want is not None
    edited = want.with_field(Field.JOB_TITLE, "mine")
    link = TargetLink("c1", "r1", "e1", "h1")
    back = plan_target(
        ["c1"],
        {"c1": Wanted(want, "h1")},
        {"c1": link},
        {"c1": [listed("r1", edited, "c1", "e2")]},
        frozenset(),
        {"c1": want},
    )
    assert [(c.kind, c.contact) for c in back.changes] == [(ChangeKind.UPDATE, want)]
    echo = plan_target(
        ["c1"],
        {"c1": Wanted(want, "h1")},
        {"c1": link},
        {"c1": [listed("r1", want, "c1", "e2")]},
        frozenset(),
        {"c1": want},
    )
    assert echo.changes == () and echo.adopted == (TargetLink("c1", "r1", "e2", "h1"),)
