"""The pure half of a distribution: what the source's listing means (joins, changes, leaves, the brake), and what
one target needs written. No I/O here: the executor (:mod:`.run`) reads the store and the platforms and applies
the actions this module returns.

The desired contact of a source item is computed once per cycle (:func:`shape`), hashed, and stored with the
distribution's revision; each target then compares hashes only, never re-planning content per target.
"""

from __future__ import annotations

import enum
import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..connector import Change, ChangeKind, RemoteContact, RemoteRef
from ..model import Contact, Field, PhoneKind, Tag
from ..settings import BrakeSettings, DistributionSettings
from ..store.contacts import encode_contact
from ..store.distribution import DesiredItem, TargetLink, content_hash

#: uuid5 namespace of the canonical ids a distribution writes as markers (a constant: ids never change)
_NAMESPACE = uuid.UUID("7f0d3c52-1b7e-4d7a-9a51-3f2f6d9b8c11")


def contact_id_for(distribution: str, source_id: str) -> str:
    """The canonical id of a source item in a distribution: derived, not drawn, so every daemon and every retry
    names the same person the same way, and an item found on a target by its marker is known to be ours."""
    return str(uuid.uuid5(_NAMESPACE, f"{distribution}\x00{source_id}"))


@dataclass(frozen=True, slots=True)
class Shaping:
    """What of a source contact travels (from :class:`~contactsync.settings.DistributionSettings`)."""

    fields: frozenset[Field]
    mobile: bool
    photos: bool
    container: Tag
    exclude: frozenset[str]

    @property
    def fingerprint(self) -> str:
        """Short and stable: changes exactly when the shape of a distributed contact may change."""
        parts = [
            ",".join(sorted(f.value for f in self.fields)),
            str(self.mobile),
            str(self.photos),
            self.container.name,
            ",".join(sorted(self.exclude)),
        ]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]

    @classmethod
    def of(cls, settings: DistributionSettings) -> Shaping:
        return cls(
            settings.fields - {Field.TAGS},
            settings.mobile,
            settings.photos,
            Tag(settings.container),
            frozenset(e.casefold() for e in settings.exclude),
        )


def shape(contact: Contact, shaping: Shaping) -> Contact | None:
    """The contact as every target receives it, or None when it is not distributed (an excluded address, or
    nothing left to show). The container is its only tag: the source's own tags stay in the source."""
    if shaping.exclude and any(k in shaping.exclude for k in contact.identity_emails()):
        return None
    kept = shaping.fields if shaping.photos else shaping.fields - {Field.PHOTO}
    shaped = contact.project(kept)
    if not shaping.mobile and shaped.phones:
        shaped = replace(shaped, phones=tuple(p for p in shaped.phones if p.kind is not PhoneKind.MOBILE))
    if shaped.is_empty() or not (shaped.label() or shaped.phones):
        return None
    return replace(shaped, tags=frozenset({shaping.container}))


def owner_keys(contact: Contact) -> frozenset[str]:
    return frozenset(contact.identity_emails())


# ------------------------------------------------------------------------------------------------- the source
class SourceKind(enum.Enum):
    JOIN = "join"
    CHANGE = "change"
    LEAVE = "leave"


@dataclass(frozen=True, slots=True)
class SourceAction:
    kind: SourceKind
    contact_id: str
    source_id: str
    #: the desired contact (join, change); None for a leave
    contact: Contact | None
    hash: str
    owner_keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class SourcePlan:
    actions: tuple[SourceAction, ...]
    #: leaves held back by the brake (not in ``actions``)
    held: int = 0
    brake_reason: str | None = None

    @property
    def leaves(self) -> int:
        return sum(1 for a in self.actions if a.kind is SourceKind.LEAVE)


def plan_source(
    distribution: str,
    changed: Iterable[RemoteContact],
    gone: Iterable[str],
    known: Mapping[str, DesiredItem],
    present_count: int,
    shaping: Shaping,
    brake: BrakeSettings,
    *,
    allow_deletes: bool = False,
) -> SourcePlan:
    """Actions for the items a source listing reported. ``known`` holds the stored item of every source id in
    ``changed`` and ``gone`` that has one; ``gone`` lists the source ids no longer in scope (deleted, or absent
    from a full listing). ``present_count`` is how many items are distributed now (for the brake's ratio).

    The brake: more leaves than ``brake.max_deletes``, or above ``brake.max_delete_ratio`` of what is distributed
    (a source that suddenly lists nothing is 100 %), holds every leave of this plan back unless ``allow_deletes``.
    """
    actions: list[SourceAction] = []
    leaves: list[SourceAction] = []
    for rc in changed:
        source_id = rc.ref.id
        cid = contact_id_for(distribution, source_id)
        desired = shape(rc.contact, shaping)
        item = known.get(source_id)
        if desired is None:
            if item is not None and item.present:
                leaves.append(SourceAction(SourceKind.LEAVE, cid, source_id, None, item.hash))
            continue
        digest = content_hash(encode_contact(desired))
        if item is not None and item.present and item.hash == digest:
            continue  # touched at the source, nothing that travels changed
        kind = SourceKind.CHANGE if item is not None and item.present else SourceKind.JOIN
        actions.append(SourceAction(kind, cid, source_id, desired, digest, owner_keys(desired)))
    for source_id in gone:
        item = known.get(source_id)
        if item is not None and item.present:
            leaves.append(SourceAction(SourceKind.LEAVE, item.contact_id, source_id, None, item.hash))
    reason = brake_reason(len(leaves), present_count, brake)
    if reason is not None and not allow_deletes:
        return SourcePlan(tuple(actions), held=len(leaves), brake_reason=reason)
    return SourcePlan(tuple(actions + leaves))


def brake_reason(leaves: int, present: int, brake: BrakeSettings) -> str | None:
    if leaves == 0:
        return None
    if leaves > brake.max_deletes:
        return f"{leaves} people left the source in one cycle, more than brake.max_deletes ({brake.max_deletes})"
    if leaves / max(present, 1) > brake.max_delete_ratio:
        share = leaves / max(present, 1)
        return (
            f"{leaves} of {present} people ({share:.0%}) left the source in one cycle, more than "
            f"brake.max_delete_ratio ({brake.max_delete_ratio:.0%})"
        )
    return None


# ------------------------------------------------------------------------------------------------- a target
@dataclass(frozen=True, slots=True)
class Wanted:
    """One desired contact as a target sees it: its content (None: must not be there) and hash."""

    contact: Contact | None
    hash: str


@dataclass(frozen=True, slots=True)
class TargetPlan:
    changes: tuple[Change, ...]
    #: links learned from the listing without a write (an unconfirmed create found, an edit that changed nothing)
    adopted: tuple[TargetLink, ...]
    #: contact ids whose link is gone (the user deleted the item inside the container)
    forgotten: tuple[str, ...]


def plan_target(
    candidates: Iterable[str],
    wanted: Mapping[str, Wanted],
    links: Mapping[str, TargetLink],
    seen: Mapping[str, Sequence[RemoteContact]],
    gone: frozenset[str],
    fit: Mapping[str, Contact],
) -> TargetPlan:
    """What one target needs, for the contact ids in ``candidates`` only.

    ``wanted``: per candidate, the desired content (None: must not be on the target). ``links``: what we recorded
    on the target. ``seen``: the items this listing showed carrying a candidate's marker (more than one: a
    duplicate, ours to remove). ``gone``: candidates whose linked item the listing says is gone. ``fit``: the
    desired content as the platform holds it (``Connector.fit``), to tell an edit inside the container from
    the platform's own rewriting.
    """
    changes: list[Change] = []
    adopted: list[TargetLink] = []
    forgotten: list[str] = []
    for cid in sorted(set(candidates)):
        want = wanted.get(cid, Wanted(None, ""))
        link = links.get(cid)
        listed = list(seen.get(cid, ()))
        if cid in gone and link is not None:
            forgotten.append(cid)
            link = None
        # the item the link names, if listed; any other listed item with our marker is a duplicate
        current = next((rc for rc in listed if link is not None and rc.ref.id == link.remote_id), None)
        if current is None and listed and (link is None or link.remote_id is None):
            current = listed[0]  # a create whose answer was lost, or a link forgotten: the item is ours
        extras = [rc for rc in listed if rc is not current]
        for rc in extras:
            changes.append(Change(ChangeKind.DELETE, cid, ref=rc.ref))
        if want.contact is None:
            if current is not None:
                changes.append(Change(ChangeKind.DELETE, cid, ref=current.ref))
            elif link is not None and link.remote_id is not None:
                changes.append(Change(ChangeKind.DELETE, cid, ref=RemoteRef(link.remote_id, link.etag)))
            elif link is not None:
                forgotten.append(cid)  # an unconfirmed create that never showed up, and is no longer wanted
            continue
        if current is not None:
            # an unconfirmed create's link knows no hash yet: the item's content is what tells
            known_hash = link.hash if link is not None and link.remote_id is not None else want.hash
            if current.contact == fit.get(cid, want.contact) and known_hash == want.hash:
                if link is None or link.remote_id != current.ref.id or link.etag != current.ref.etag:
                    adopted.append(TargetLink(cid, current.ref.id, current.ref.etag, want.hash))
                continue
            # changed at the source, or edited by the user inside the container: the source's version wins
            changes.append(Change(ChangeKind.UPDATE, cid, want.contact, current.ref, current.contact))
            continue
        if link is not None and link.remote_id is not None:
            if link.hash != want.hash:
                changes.append(Change(ChangeKind.UPDATE, cid, want.contact, RemoteRef(link.remote_id, link.etag)))
            continue
        changes.append(Change(ChangeKind.CREATE, cid, want.contact))
    return TargetPlan(tuple(changes), tuple(adopted), tuple(forgotten))
