"""One user's contacts and contact groups, indexed for paging and for incremental listing.

Every mutation takes the next value of a per-user change sequence. Two indexes make listings cheap at 50,000
contacts: ``_live_seqs`` (live persons ordered by last change, i.e. Google's default LAST_MODIFIED_ASCENDING
order) lets a full listing resume after any position with a bisection, and the change log
(``_log_seqs``/``_log_names``, append-only) lets an incremental listing cost proportional to the changes
since the token instead of to the number of contacts. Deleted persons stay as tombstones so incremental
listings can report them with ``metadata.deleted``.

The store is not thread-safe; the service serializes access with one lock per emulator.
"""

from __future__ import annotations

import base64
import bisect
import enum
import hashlib
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import STALE_ETAG_MESSAGE, ApiError, failed_precondition, invalid_argument, not_found
from .fields import (
    IGNORED_INPUT_FIELDS,
    SINGLETON_FIELDS,
    WRITABLE_FIELDS,
    JsonDict,
    membership_entry,
    membership_group_names,
    normalize_field,
)

MY_CONTACTS = "contactGroups/myContacts"
STARRED = "contactGroups/starred"
# System groups and their display names; only myContacts and starred take membership changes from clients.
SYSTEM_GROUPS = {
    "myContacts": "My Contacts",
    "starred": "Starred",
    "friends": "Friends",
    "family": "Family",
    "coworkers": "Coworkers",
}
MEMBERSHIP_EDITABLE_SYSTEM_GROUPS = frozenset({MY_CONTACTS, STARRED})
DEFAULT_PHOTO_URL = "https://lh3.googleusercontent.com/cm/default-contact-photo"


class GroupType(enum.Enum):
    USER = "USER_CONTACT_GROUP"
    SYSTEM = "SYSTEM_CONTACT_GROUP"


class ReadSource(enum.Enum):
    """``ReadSourceType`` of the discovery document: which sources a read returns."""

    UNSPECIFIED = "READ_SOURCE_TYPE_UNSPECIFIED"
    PROFILE = "READ_SOURCE_TYPE_PROFILE"
    CONTACT = "READ_SOURCE_TYPE_CONTACT"
    DOMAIN_CONTACT = "READ_SOURCE_TYPE_DOMAIN_CONTACT"
    OTHER_CONTACT = "READ_SOURCE_TYPE_OTHER_CONTACT"


#: "Defaults to READ_SOURCE_TYPE_CONTACT and READ_SOURCE_TYPE_PROFILE if not set" (every method with ``sources``)
DEFAULT_READ_SOURCES = frozenset({ReadSource.CONTACT, ReadSource.PROFILE})


class PersonSort(enum.Enum):
    LAST_MODIFIED_ASCENDING = "LAST_MODIFIED_ASCENDING"
    LAST_MODIFIED_DESCENDING = "LAST_MODIFIED_DESCENDING"
    FIRST_NAME_ASCENDING = "FIRST_NAME_ASCENDING"
    LAST_NAME_ASCENDING = "LAST_NAME_ASCENDING"


def google_time(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Records are mutable on purpose: the store updates them in place and never hands them out; whatever
# leaves the store is a freshly rendered dict whose field lists are replaced, never mutated, on change.
@dataclass(slots=True)
class StoredPerson:
    resource_name: str
    source_id: str
    fields: dict[str, list[JsonDict]]
    etag: str
    source_etag: str
    seq: int
    updated: datetime
    deleted: bool = False
    # names the person had before a merge or a relink; listed in metadata.previousResourceNames by sync listings
    previous_names: list[str] = field(default_factory=list)
    # the change that created it: a sync listing whose snapshot predates it does not show it yet
    created_seq: int = 0
    # fields of the Workspace domain profile Google linked the contact to (same email): read only, and
    # returned only when the read asks for READ_SOURCE_TYPE_PROFILE (or names no sources: the default)
    profile: dict[str, list[JsonDict]] = field(default_factory=dict)

    def group_names(self) -> list[str]:
        return membership_group_names(self.fields.get("memberships", ()))


@dataclass(slots=True)
class StoredGroup:
    resource_name: str
    name: str
    formatted_name: str
    group_type: GroupType
    etag: str
    seq: int
    updated: datetime
    client_data: list[JsonDict] = field(default_factory=list)
    # dict as an insertion-ordered set: memberResourceNames keep the order members joined.
    members: dict[str, None] = field(default_factory=dict)
    deleted: bool = False


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: int | None


@dataclass(frozen=True)
class MembersModified:
    not_found: list[str]
    cannot_remove_last: list[str]


class UserStore:
    def __init__(self, user: str, now: datetime) -> None:
        self.user = user
        self.seq = 0
        self.persons: dict[str, StoredPerson] = {}
        self._live_seqs: list[int] = []
        self._live_by_seq: dict[int, str] = {}
        self._log_seqs: list[int] = []
        self._log_names: list[str] = []
        self._log_times: list[float] = []  # the emulator clock only moves forward: sorted too
        self.groups: dict[str, StoredGroup] = {}
        for group_id, display in SYSTEM_GROUPS.items():
            name = f"contactGroups/{group_id}"
            self.groups[name] = StoredGroup(name, group_id, display, GroupType.SYSTEM, _etag("", name, 0), 0, now)

    # ----------------------------------------------------------------------------------------- persons

    @property
    def live_count(self) -> int:
        return len(self._live_seqs)

    def live_person(self, resource_name: str) -> StoredPerson:
        person = self.persons.get(resource_name)
        if person is None or person.deleted:
            raise not_found()
        return person

    def create_person(self, body: JsonDict, now: datetime) -> StoredPerson:
        number = self._new_person_number()
        resource_name = f"people/c{number}"
        source_id = format(number, "x")
        fields = self._normalized_fields(body, body.keys(), source_id)
        groups = membership_group_names(fields.get("memberships", ()))
        if MY_CONTACTS not in groups:
            # A contact created through the API always lands in "My Contacts".
            groups.append(MY_CONTACTS)
        fields["memberships"] = [membership_entry(name, source_id) for name in groups]
        person = StoredPerson(resource_name, source_id, fields, "", "", 0, now)
        self.persons[resource_name] = person
        for name in groups:
            self.groups[name].members[resource_name] = None
        self._record_change(person, now)
        person.created_seq = person.seq
        return person

    def check_new_person(self, body: JsonDict) -> None:
        """Everything createContact refuses, checked before anything changes (batches are all-or-nothing)."""
        self._normalized_fields(body, body.keys(), "0")

    def check_update(
        self, resource_name: str, body: JsonDict, mask: Iterable[str], *, lagging_since: datetime | None = None
    ) -> StoredPerson:
        """Everything updateContact refuses, checked before anything changes (batches are all-or-nothing).

        A person written after ``lagging_since`` refuses even its current etag: Google may answer "person.etag
        is different" right after a write, until its replicas agree (the etag lag).
        """
        person = self.live_person(resource_name)
        if lagging_since is not None and person.updated > lagging_since:
            raise failed_precondition(STALE_ETAG_MESSAGE, reason="FAILED_PRECONDITION")
        if body.get("resourceName", resource_name) != resource_name:
            raise invalid_argument("person.resourceName does not match the resource name in the URL.")
        etag = body.get("etag")
        source_etags = [
            source.get("etag")
            for source in (body.get("metadata") or {}).get("sources", [])
            if isinstance(source, dict) and source.get("type") == "CONTACT"
        ]
        if etag is None and not any(source_etags):
            raise invalid_argument("Request person.etag or person.metadata.sources.etag must be set.")
        if (etag is not None and etag != person.etag) or (etag is None and person.source_etag not in source_etags):
            raise failed_precondition(STALE_ETAG_MESSAGE, reason="FAILED_PRECONDITION")
        self._normalized_fields(body, mask, person.source_id)
        return person

    def update_person(self, resource_name: str, body: JsonDict, mask: Iterable[str], now: datetime) -> StoredPerson:
        """Replace the fields named in ``mask`` (absent ones are cleared), leave the others as they are."""
        person = self.live_person(resource_name)
        mask = list(mask)
        updated = self._normalized_fields(body, mask, person.source_id)
        if "memberships" in mask:
            new_groups = membership_group_names(updated.get("memberships", ()))
            if not new_groups:
                raise failed_precondition("A contact must belong to at least one contact group.")
            self._set_groups(person, new_groups)
            del updated["memberships"]
        for name in mask:
            if name == "memberships":
                continue
            if name in updated:
                person.fields[name] = updated[name]
            else:
                person.fields.pop(name, None)
        self._record_change(person, now)
        return person

    def delete_person(self, resource_name: str, now: datetime) -> None:
        person = self.live_person(resource_name)
        for name in person.group_names():
            group = self.groups.get(name)
            if group is not None:
                group.members.pop(resource_name, None)
        person.deleted = True
        self._record_change(person, now)

    def merge_persons(self, keep: str, other: str, now: datetime, *, new_name: bool) -> StoredPerson:
        """What Google Contacts' "merge duplicates" leaves: one person holding both, ``other`` gone.

        List fields are joined (``keep``'s entries first, ``other``'s that differ after them), a singleton
        field keeps ``keep``'s value when it has one, ``clientData`` keeps ``keep``'s value for a key both hold,
        memberships are joined. ``other`` becomes a tombstone; with ``new_name`` the survivor also gets a new
        resource name (as when a merge links a profile) and ``keep`` becomes a tombstone too. The survivor lists
        every name it replaced in ``metadata.previousResourceNames`` of sync listings.
        """
        survivor = self.live_person(keep)
        absorbed = self.live_person(other)
        if survivor is absorbed:
            raise invalid_argument("A contact cannot be merged with itself.")
        joined: dict[str, list[JsonDict]] = {name: list(entries) for name, entries in survivor.fields.items()}
        for name, entries in absorbed.fields.items():
            mine = joined.get(name, [])
            if name == "memberships" or (name in SINGLETON_FIELDS and mine):
                continue
            if name == "clientData":
                keys = {entry.get("key") for entry in mine}
                joined[name] = mine + [entry for entry in entries if entry.get("key") not in keys]
                continue
            seen = {_identity(entry) for entry in mine}
            joined[name] = mine + [entry for entry in entries if _identity(entry) not in seen]
        groups = survivor.group_names()
        groups += [name for name in absorbed.group_names() if name not in groups]
        replaced = [other, *absorbed.previous_names, *survivor.previous_names]
        self.delete_person(other, now)
        target = survivor
        if new_name:
            number = self._new_person_number()
            target = StoredPerson(f"people/c{number}", format(number, "x"), {}, "", "", 0, now)
            self.persons[target.resource_name] = target
            self.delete_person(keep, now)
            replaced.insert(0, keep)
        target.fields = {
            name: normalize_field(name, [_without_metadata(e) for e in entries], target.source_id)
            for name, entries in joined.items()
            if name != "memberships" and entries
        }
        self._set_groups(target, groups or [MY_CONTACTS])
        target.previous_names = list(dict.fromkeys(name for name in replaced if name != target.resource_name))
        self._record_change(target, now)
        if new_name:
            target.created_seq = target.seq
        return target

    def set_person_groups(self, person: StoredPerson, groups: list[str], now: datetime) -> None:
        if groups != person.group_names():
            self._set_groups(person, groups)
            self._record_change(person, now)

    def _set_groups(self, person: StoredPerson, groups: list[str]) -> None:
        for name in person.group_names():
            if name not in groups and name in self.groups:
                self.groups[name].members.pop(person.resource_name, None)
        for name in groups:
            self.groups[name].members[person.resource_name] = None
        person.fields["memberships"] = [membership_entry(name, person.source_id) for name in groups]

    def _normalized_fields(self, body: JsonDict, names: Iterable[str], source_id: str) -> dict[str, list[JsonDict]]:
        fields: dict[str, list[JsonDict]] = {}
        for name in names:
            if name in IGNORED_INPUT_FIELDS or name not in WRITABLE_FIELDS:
                continue
            value = body.get(name) or []
            if not isinstance(value, list):
                raise invalid_argument(f"Invalid value at 'person.{name}', expected a list.")
            entries = normalize_field(name, value, source_id)
            if name == "memberships":
                self._check_memberships(membership_group_names(entries))
            if entries:
                fields[name] = entries
        return fields

    def _check_memberships(self, groups: list[str]) -> None:
        for name in groups:
            group = self.groups.get(name)
            if group is None or group.deleted:
                raise invalid_argument(f"Contact group {name} does not exist.")
            if group.group_type is GroupType.SYSTEM and name not in MEMBERSHIP_EDITABLE_SYSTEM_GROUPS:
                raise invalid_argument(f"Cannot add a contact to the system contact group {name}.")

    def _record_change(self, person: StoredPerson, now: datetime) -> None:
        if person.seq:
            index = bisect.bisect_left(self._live_seqs, person.seq)
            if index < len(self._live_seqs) and self._live_seqs[index] == person.seq:
                del self._live_seqs[index]
            self._live_by_seq.pop(person.seq, None)
        self.seq += 1
        person.seq = self.seq
        person.updated = now
        person.etag = _etag("%", person.resource_name, self.seq)
        person.source_etag = _etag("#", person.resource_name, self.seq)
        if not person.deleted:
            self._live_seqs.append(self.seq)
            self._live_by_seq[self.seq] = person.resource_name
        self._log_seqs.append(self.seq)
        self._log_names.append(person.resource_name)
        self._log_times.append(now.timestamp())

    def visible_seq(self, cutoff: datetime) -> int:
        """The change sequence a sync listing reaches when only writes made at or before ``cutoff`` propagated."""
        index = bisect.bisect_right(self._log_times, cutoff.timestamp())
        if index == len(self._log_seqs):
            return self.seq
        return self._log_seqs[index] - 1

    def _new_person_number(self) -> int:
        while True:
            # Real contact ids are large and unordered; clients must not rely on their order.
            number = secrets.randbits(63) | (1 << 62)
            if f"people/c{number}" not in self.persons:
                return number

    # --------------------------------------------------------------------------------------- listings

    def full_page(self, sort: PersonSort, cursor: int, size: int) -> Page:
        """Live persons after ``cursor`` (a change sequence, or an offset for the name orders)."""
        if sort is PersonSort.LAST_MODIFIED_ASCENDING:
            start = bisect.bisect_right(self._live_seqs, cursor)
            seqs = self._live_seqs[start : start + size]
            more = start + size < len(self._live_seqs)
            items = [self.persons[self._live_by_seq[s]] for s in seqs]
            return Page(items, seqs[-1] if more and seqs else None)
        if sort is PersonSort.LAST_MODIFIED_DESCENDING:
            end = len(self._live_seqs) if cursor < 0 else bisect.bisect_left(self._live_seqs, cursor)
            seqs = self._live_seqs[max(0, end - size) : end][::-1]
            more = end - size > 0
            items = [self.persons[self._live_by_seq[s]] for s in seqs]
            return Page(items, seqs[-1] if more and seqs else None)
        # Name orders have no stable position to resume from; an offset into a fresh sort will do here.
        offset = max(cursor, 0)
        ordered = sorted((self.persons[self._live_by_seq[s]] for s in self._live_seqs), key=_name_key(sort))
        items = ordered[offset : offset + size]
        more = offset + size < len(ordered)
        return Page(items, offset + size if more else None)

    def changes_page(self, since: int, snapshot: int, cursor: int, size: int) -> Page:
        """Persons changed after ``since`` up to ``snapshot``, each once, at its latest change."""
        items: list[StoredPerson] = []
        last_seq = cursor
        for seq, person in self._changes(max(since, cursor), snapshot):
            if len(items) == size:
                return Page(items, last_seq)
            items.append(person)
            last_seq = seq
        return Page(items, None)

    def count_changes(self, since: int, snapshot: int) -> int:
        return sum(1 for _ in self._changes(since, snapshot))

    def _changes(self, after: int, snapshot: int) -> Iterator[tuple[int, StoredPerson]]:
        index = bisect.bisect_right(self._log_seqs, after)
        while index < len(self._log_seqs) and self._log_seqs[index] <= snapshot:
            seq = self._log_seqs[index]
            person = self.persons[self._log_names[index]]
            # Only a person's latest change counts, so one person appears once however often it changed.
            if person.seq == seq:
                yield seq, person
            index += 1

    # ----------------------------------------------------------------------------------------- groups

    def live_group(self, resource_name: str) -> StoredGroup:
        group = self.groups.get(resource_name)
        if group is None or group.deleted:
            raise not_found()
        return group

    def create_group(self, name: str, client_data: list[JsonDict], now: datetime) -> StoredGroup:
        self._check_group_name(name, None)
        while True:
            resource_name = f"contactGroups/{secrets.token_hex(8)}"
            if resource_name not in self.groups:
                break
        group = StoredGroup(resource_name, name, name, GroupType.USER, "", 0, now, list(client_data))
        self.groups[resource_name] = group
        self._touch_group(group, now)
        return group

    def update_group(
        self, group: StoredGroup, name: str | None, client_data: list[JsonDict] | None, now: datetime
    ) -> None:
        if group.group_type is GroupType.SYSTEM:
            raise ApiError(400, "FAILED_PRECONDITION", "Cannot update a system contact group.")
        if name is not None:
            self._check_group_name(name, group.resource_name)
            group.name = group.formatted_name = name
        if client_data is not None:
            group.client_data = list(client_data)
        self._touch_group(group, now)

    def delete_group(self, group: StoredGroup, delete_contacts: bool, now: datetime) -> None:
        if group.group_type is GroupType.SYSTEM:
            raise ApiError(400, "FAILED_PRECONDITION", "Cannot delete a system contact group.")
        for resource_name in list(group.members):
            person = self.persons[resource_name]
            if delete_contacts:
                self.delete_person(resource_name, now)
                continue
            remaining = [name for name in person.group_names() if name != group.resource_name]
            self.set_person_groups(person, remaining or [MY_CONTACTS], now)
        group.members.clear()
        group.deleted = True
        self._touch_group(group, now)

    def modify_members(self, group: StoredGroup, add: list[str], remove: list[str], now: datetime) -> MembersModified:
        editable = group.resource_name in MEMBERSHIP_EDITABLE_SYSTEM_GROUPS
        if group.group_type is GroupType.SYSTEM and not editable:
            raise invalid_argument(f"Cannot modify the members of system contact group {group.resource_name}.")
        missing: list[str] = []
        last: list[str] = []
        for resource_name in add:
            person = self.persons.get(resource_name)
            if person is None or person.deleted:
                missing.append(resource_name)
                continue
            groups = person.group_names()
            if group.resource_name not in groups:
                self.set_person_groups(person, [*groups, group.resource_name], now)
        for resource_name in remove:
            person = self.persons.get(resource_name)
            if person is None or person.deleted:
                missing.append(resource_name)
                continue
            groups = person.group_names()
            if group.resource_name not in groups:
                continue
            if len(groups) == 1:
                last.append(resource_name)
                continue
            self.set_person_groups(person, [name for name in groups if name != group.resource_name], now)
        return MembersModified(missing, last)

    def groups_changed_since(self, since: int) -> list[StoredGroup]:
        return [group for group in self.groups.values() if group.seq > since]

    def live_groups(self) -> list[StoredGroup]:
        return [group for group in self.groups.values() if not group.deleted]

    def _check_group_name(self, name: str, own: str | None) -> None:
        if not name.strip():
            raise invalid_argument("Contact group name must not be empty.")
        for group in self.groups.values():
            if not group.deleted and group.name == name and group.resource_name != own:
                raise ApiError(409, "ALREADY_EXISTS", "Contact group name already exists.")

    def _touch_group(self, group: StoredGroup, now: datetime) -> None:
        self.seq += 1
        group.seq = self.seq
        group.updated = now
        group.etag = _etag("", group.resource_name, self.seq)

    # -------------------------------------------------------------------------------------- rendering

    def link_profile(self, resource_name: str, fields: dict[str, list[JsonDict]], now: datetime) -> StoredPerson:
        """Google linked the contact to a domain profile: its fields show next to the contact's own."""
        person = self.live_person(resource_name)
        profile_id = format(int(hashlib.sha256(resource_name.encode()).hexdigest()[:15], 16), "d")
        person.profile = {
            name: [
                {**_without_metadata(entry), "metadata": {"source": {"type": "DOMAIN_PROFILE", "id": profile_id}}}
                for entry in entries
            ]
            for name, entries in fields.items()
            if entries
        }
        self._record_change(person, now)
        return person

    def render_person(
        self,
        person: StoredPerson,
        mask: Iterable[str],
        *,
        sync: bool = False,
        sources: frozenset[ReadSource] = DEFAULT_READ_SOURCES,
    ) -> JsonDict:
        """A person as the API returns it; ``sync`` for a listing with a sync token (previous names shown).

        ``sources``: the read source types asked for. A linked profile's fields follow the contact's own when
        READ_SOURCE_TYPE_PROFILE is among them (the default when a request names none), as Google does.
        """
        if person.deleted:
            return {
                "resourceName": person.resource_name,
                "etag": person.etag,
                "metadata": {**self._person_metadata(person, sources), "deleted": True},
            }
        contact = ReadSource.CONTACT in sources
        profile = ReadSource.PROFILE in sources
        out: JsonDict = {"resourceName": person.resource_name, "etag": person.etag}
        for name in mask:
            if name == "metadata":
                out["metadata"] = self._person_metadata(person, sources)
                if sync and person.previous_names:
                    out["metadata"]["previousResourceNames"] = list(person.previous_names)
            elif name == "photos":
                out["photos"] = [_default_photo(person)]
            else:
                entries = (person.fields.get(name) or []) if contact else []
                if profile:
                    entries = [*entries, *person.profile.get(name, [])]
                if entries:
                    out[name] = entries
        return out

    def _person_metadata(self, person: StoredPerson, sources: frozenset[ReadSource]) -> JsonDict:
        listed = [
            {
                "type": "CONTACT",
                "id": person.source_id,
                "etag": person.source_etag,
                "updateTime": google_time(person.updated),
            }
        ]
        if person.profile and ReadSource.PROFILE in sources:
            first = next(iter(person.profile.values()))[0]["metadata"]["source"]
            listed.append({"type": "DOMAIN_PROFILE", "id": first["id"], "etag": "#" + first["id"]})
        return {"sources": listed, "objectType": "PERSON"}

    def render_group(self, group: StoredGroup, mask: Iterable[str], max_members: int = 0) -> JsonDict:
        out: JsonDict = {"resourceName": group.resource_name, "etag": group.etag}
        if group.deleted:
            out["metadata"] = {"updateTime": google_time(group.updated), "deleted": True}
            return out
        for name in mask:
            if name == "metadata":
                out["metadata"] = {"updateTime": google_time(group.updated)}
            elif name == "groupType":
                out["groupType"] = group.group_type.value
            elif name == "name":
                out["name"] = group.name
                out["formattedName"] = group.formatted_name
            elif name == "memberCount":
                out["memberCount"] = len(group.members)
            elif name == "clientData" and group.client_data:
                out["clientData"] = group.client_data
        if max_members > 0 and group.members:
            out["memberResourceNames"] = list(group.members)[:max_members]
        return out


def _name_key(sort: PersonSort) -> Any:
    def key(person: StoredPerson) -> tuple[str, int]:
        names = person.fields.get("names") or [{}]
        wanted = "givenName" if sort is PersonSort.FIRST_NAME_ASCENDING else "familyName"
        return (str(names[0].get(wanted) or names[0].get("displayName") or "").casefold(), person.seq)

    return key


def _without_metadata(entry: JsonDict) -> JsonDict:
    return {key: value for key, value in entry.items() if key != "metadata"}


def _identity(entry: JsonDict) -> str:
    """What makes two entries of a field the same for a merge: the value, else everything but metadata."""
    value = entry.get("canonicalForm") or entry.get("value")
    if isinstance(value, str):
        return value.casefold()
    return repr(sorted((key, repr(v)) for key, v in entry.items() if key != "metadata"))


def _default_photo(person: StoredPerson) -> JsonDict:
    return {
        "metadata": {"primary": True, "source": {"type": "CONTACT", "id": person.source_id}},
        "url": f"{DEFAULT_PHOTO_URL}/{person.source_id}",
        "default": True,
    }


_ETAG_SECRET = secrets.token_bytes(16)


def _etag(prefix: str, resource_name: str, seq: int) -> str:
    digest = hashlib.sha256(_ETAG_SECRET + f"{resource_name}:{seq}".encode()).digest()[:18]
    return prefix + base64.urlsafe_b64encode(digest).decode()
