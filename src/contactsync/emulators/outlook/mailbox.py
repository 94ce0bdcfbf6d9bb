"""One Exchange mailbox: contact folders, contacts, master categories and a per-folder change log.

The change log is what makes delta cheap: every write appends ``(sequence, contact id)`` to the log of the
folder it touched, so "what changed since watermark W" is a bisect plus a walk over the changes, never a scan
of the 50,000 contacts. Contact records are frozen and replaced on each write, so a record handed to a
renderer can never change under it.

Field rules follow the Graph v1.0 ``contact`` resource. Where the real service is vague we chose, and say so:

* Every property of the v1.0 ``contact`` resource is accepted with its documented type
  (https://learn.microsoft.com/graph/api/resources/contact): strings (``nickName``, ``profession``, ``spouseName``,
  ``manager``, ``assistantName``, ``yomiGivenName``, ``yomiSurname``, ``yomiCompanyName``…), string collections
  (``businessPhones``, ``homePhones``, ``imAddresses``, ``children``, ``categories``), ``emailAddresses`` of
  ``{name, address}``, physicalAddress objects and ``birthday``. A value of another type is answered ``400
  RequestBodyRead``, an unknown property too; stored values come back as sent (an IM address keeps its ``sip:``
  prefix as written).
* ``emailAddresses`` holds at most 3 entries, ``businessPhones`` and ``homePhones`` 2, ``imAddresses`` 3
  (Outlook's fixed slots: Email 1-3, Business/Business 2, Home/Home 2, IM 1-3). The reference does not document
  these limits; the real service answers 400 "The multi value property BusinessPhones has 3 entries, that exceeds
  the max allowed value of 2" (likewise EmailAddresses with 4; microsoft-graph-docs issue 15276, "Personal
  contacts: property limits"). Nobody has reported what a fourth IM address gets: we model the stricter
  reading, the same 400, rather than dropping the extra in silence, so a connector has to decide what to do with
  it. ``children`` has no slot limit in Outlook (a list in the contact form) and none here.
* ``birthday`` must be an ``Edm.DateTimeOffset`` (contact resource: "represented in ISO 8601 format and is always in
  UTC time"). It is kept as the UTC instant sent: Outlook clients store the user's *local* midnight, so a birthday
  written in UTC+2 reads ``…-16T22:00:00Z`` for the 17th (#14, divergence 8). ``seed``/``edit`` take such values as
  a desktop Outlook would write them; a connector must decide the date the way Outlook shows it.
* ``displayName`` is computed from the name parts on create when it is not sent.
* A complex property (an address) sent in a PATCH replaces the stored one entirely; omitted fields are
  untouched.
"""

from __future__ import annotations

import base64
import bisect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from random import Random
from typing import Any

from .errors import GraphError, bad_request

STRING_FIELDS = frozenset(
    {
        "assistantName", "businessHomePage", "companyName", "department", "displayName", "fileAs",
        "generation", "givenName", "initials", "jobTitle", "manager", "middleName", "mobilePhone",
        "nickName", "officeLocation", "personalNotes", "profession", "spouseName", "surname", "title",
        "yomiCompanyName", "yomiGivenName", "yomiSurname",
    }
)  # fmt: skip
STRING_LIST_FIELDS = frozenset({"businessPhones", "homePhones", "imAddresses", "categories", "children"})
ADDRESS_FIELDS = frozenset({"homeAddress", "businessAddress", "otherAddress"})
ADDRESS_KEYS = frozenset({"street", "city", "state", "countryOrRegion", "postalCode"})
EMAIL_KEYS = frozenset({"name", "address"})
READ_ONLY_FIELDS = frozenset(
    {"id", "changeKey", "createdDateTime", "lastModifiedDateTime", "parentFolderId", "@odata.etag"}
)
SETTABLE_FIELDS = STRING_FIELDS | STRING_LIST_FIELDS | ADDRESS_FIELDS | {"emailAddresses", "birthday"}
ALL_FIELDS = SETTABLE_FIELDS | READ_ONLY_FIELDS
# Outlook's fixed slots; see the module docstring for what exceeding them does.
MAX_ENTRIES = {"emailAddresses": 3, "businessPhones": 2, "homePhones": 2, "imAddresses": 3}
EXTENDED_PROPERTIES = "singleValueExtendedProperties"
_EXTENDED_ID = re.compile(
    r"^(?P<type>\w+) (?:\{(?P<guid>[0-9a-fA-F-]{36})\} (?:Name (?P<name>\S.*)|Id (?P<id>0x[0-9a-fA-F]+))"
    r"|(?P<tag>0x[0-9a-fA-F]{4}))$",
    re.IGNORECASE,
)


def property_key(property_id: str) -> str | None:
    """The identity of an extended property id (None when malformed). The type, the GUID and the keywords are
    case-insensitive, the *name* of a named property is not: MAPI named properties compare their names
    case-sensitively, so "contactsync-id" and "ContactSync-Id" are two properties (issue #14, divergence 7;
    https://learn.microsoft.com/graph/api/resources/extended-properties-overview, "id formats")."""
    match = _EXTENDED_ID.match(property_id.strip())
    if match is None:
        return None
    kind = match.group("type").lower()
    if match.group("tag"):
        return f"{kind} {match.group('tag').lower()}"
    guid = match.group("guid").lower()
    if match.group("name") is not None:
        return f"{kind} {{{guid}}} name {match.group('name')}"
    return f"{kind} {{{guid}}} id {int(match.group('id'), 16):#x}"


CATEGORY_COLORS = frozenset({"none"} | {f"preset{n}" for n in range(25)})
DEFAULT_CATEGORIES = (
    ("Red category", "preset0"),
    ("Orange category", "preset1"),
    ("Yellow category", "preset3"),
    ("Green category", "preset4"),
    ("Blue category", "preset7"),
    ("Purple category", "preset8"),
)


def format_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def etag_of(change_key: str) -> str:
    return f'W/"{change_key}"'


class IdMaker:
    """Exchange-looking ids (``AAMkA…=``) from a seeded generator, so seeded runs are reproducible."""

    def __init__(self, rng: Random) -> None:
        self._rng = rng

    def _b64(self, prefix: bytes, size: int) -> str:
        return base64.urlsafe_b64encode(prefix + self._rng.randbytes(size)).decode()

    def item_id(self) -> str:
        # 46 random bytes after a fixed prefix: long, URL-safe, with a trailing '=' like the real ones.
        return self._b64(b"\x00\x03\x24\x00", 46)

    def change_key(self) -> str:
        return self._b64(b"\x11\x00\x00\x00", 14)

    def guid(self) -> str:
        raw = self._rng.randbytes(16).hex()
        return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-a{raw[17:20]}-{raw[20:32]}"


@dataclass(frozen=True)
class ContactRecord:
    id: str
    folder_id: str
    fields: Mapping[str, Any]
    # Keyed by property_key (a name compares case-sensitively, the rest not); the value keeps the id as sent.
    extended: Mapping[str, tuple[str, str]]
    change_key: str
    created: datetime
    modified: datetime

    def render(self, select: frozenset[str] | None = None, expand_ids: frozenset[str] | None = None) -> dict[str, Any]:
        """The contact as Graph answers it; ``select`` limits the fields (id and etag always come)."""
        body: dict[str, Any] = {"@odata.etag": etag_of(self.change_key), "id": self.id}
        names = sorted(SETTABLE_FIELDS | {"changeKey", "createdDateTime", "lastModifiedDateTime", "parentFolderId"})
        for name in names:
            if select is not None and name not in select:
                continue
            body[name] = self._value(name)
        if expand_ids is not None:
            wanted = [pair for key, pair in self.extended.items() if not expand_ids or key in expand_ids]
            if wanted:
                body[EXTENDED_PROPERTIES] = [{"id": pid, "value": value} for pid, value in wanted]
        return body

    def _value(self, name: str) -> Any:
        match name:
            case "changeKey":
                return self.change_key
            case "createdDateTime":
                return format_time(self.created)
            case "lastModifiedDateTime":
                return format_time(self.modified)
            case "parentFolderId":
                return self.folder_id
        value = self.fields.get(name)
        if value is None:
            if name in STRING_LIST_FIELDS or name == "emailAddresses":
                return []
            if name in ADDRESS_FIELDS:
                return {}
            return None
        if isinstance(value, list):
            return [dict(v) if isinstance(v, dict) else v for v in value]
        if isinstance(value, dict):
            return dict(value)
        return value


@dataclass(frozen=True)
class ContactFolder:
    id: str
    display_name: str
    parent_id: str

    def render(self) -> dict[str, Any]:
        return {"id": self.id, "displayName": self.display_name, "parentFolderId": self.parent_id}


@dataclass(frozen=True)
class MasterCategory:
    id: str
    display_name: str
    color: str

    def render(self) -> dict[str, Any]:
        return {"id": self.id, "displayName": self.display_name, "color": self.color}


@dataclass
class ChangeLog:
    """Sequence numbers and the contact each one touched, in order, for one folder."""

    sequences: list[int] = field(default_factory=list)
    contact_ids: list[str] = field(default_factory=list)

    def append(self, sequence: int, contact_id: str) -> None:
        self.sequences.append(sequence)
        self.contact_ids.append(contact_id)

    def changed_since(self, watermark: int) -> list[str]:
        """Ids changed after ``watermark``, each once, ordered by its latest change."""
        start = bisect.bisect_right(self.sequences, watermark)
        latest: dict[str, None] = {}
        for contact_id in self.contact_ids[start:]:
            latest.pop(contact_id, None)
            latest[contact_id] = None
        return list(latest)


def validate_contact_body(body: Any, *, creating: bool) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """Check a POST/PATCH body like Graph does; return (field changes, extended property upserts).

    Raises GraphError 400 for unknown properties, wrong types and over-full slots.
    """
    if not isinstance(body, dict):
        raise bad_request("Empty Payload. JSON content expected.", "BadRequest")
    changes: dict[str, Any] = {}
    extended: dict[str, tuple[str, str]] = {}
    for name, value in body.items():
        if name.startswith("@odata.") or name in READ_ONLY_FIELDS:
            continue  # clients echo read-only fields back; Graph ignores them
        if name == EXTENDED_PROPERTIES:
            extended.update(_validate_extended(value))
        elif name in SETTABLE_FIELDS:
            changes[name] = _validate_field(name, value)
        else:
            raise GraphError(
                400,
                "RequestBodyRead",
                f"The property '{name}' does not exist on type 'microsoft.graph.contact'. Make sure to only "
                "use property names that are defined by the type or mark the type as open type.",
            )
    if creating and not changes.get("displayName"):
        parts = [changes.get(n) for n in ("givenName", "middleName", "surname")]
        computed = " ".join(p for p in parts if p)
        if computed:
            changes["displayName"] = computed
    return changes, extended


def _type_error(name: str, expected: str) -> GraphError:
    return GraphError(
        400,
        "RequestBodyRead",
        f"Cannot convert the value of property '{name}' to the expected type '{expected}'.",
    )


def _validate_field(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "birthday":
        if not isinstance(value, str):
            raise _type_error(name, "Edm.DateTimeOffset")
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise _type_error(name, "Edm.DateTimeOffset") from exc
        if "T" not in value or moment.tzinfo is None:
            raise _type_error(name, "Edm.DateTimeOffset")
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if name in STRING_FIELDS:
        if not isinstance(value, str):
            raise _type_error(name, "Edm.String")
        return value
    if name in ADDRESS_FIELDS:
        if not isinstance(value, dict) or set(value) - ADDRESS_KEYS:
            raise _type_error(name, "microsoft.graph.physicalAddress")
        if any(v is not None and not isinstance(v, str) for v in value.values()):
            raise _type_error(name, "microsoft.graph.physicalAddress")
        return {k: v for k, v in value.items() if v is not None}
    if not isinstance(value, list):
        raise _type_error(name, "Collection")
    limit = MAX_ENTRIES.get(name)
    if limit is not None and len(value) > limit:
        # the wording the real service answers (see the module docstring), with the property's name capitalized
        raise GraphError(
            400,
            "ErrorInvalidProperty",
            f"The multi value property {name[0].upper()}{name[1:]} has {len(value)} entries, that exceeds the max "
            f"allowed value of {limit}",
        )
    if name == "emailAddresses":
        for entry in value:
            if not isinstance(entry, dict) or set(entry) - EMAIL_KEYS:
                raise _type_error(name, "Collection(microsoft.graph.emailAddress)")
            if any(v is not None and not isinstance(v, str) for v in entry.values()):
                raise _type_error(name, "Collection(microsoft.graph.emailAddress)")
        return [{k: v for k, v in entry.items() if v is not None} for entry in value]
    if any(not isinstance(v, str) for v in value):
        raise _type_error(name, "Collection(Edm.String)")
    return list(value)


def _validate_extended(value: Any) -> Iterator[tuple[str, tuple[str, str]]]:
    if not isinstance(value, list):
        raise _type_error(EXTENDED_PROPERTIES, "Collection(microsoft.graph.singleValueLegacyExtendedProperty)")
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise _type_error(EXTENDED_PROPERTIES, "microsoft.graph.singleValueLegacyExtendedProperty")
        property_id, property_value = entry["id"], entry.get("value")
        key = property_key(property_id)
        if key is None:
            raise GraphError(400, "ErrorInvalidProperty", f"The extended property id '{property_id}' is malformed.")
        if not isinstance(property_value, str):
            raise _type_error("value", "Edm.String")
        yield key, (property_id, property_value)


class Mailbox:
    """All state of one user's mailbox. Not thread-safe: the emulator calls it under its state lock."""

    def __init__(
        self,
        *,
        mailbox_id: str,
        upn: str,
        tenant_id: str,
        ids: IdMaker,
        now: datetime,
        contacts_folder_name: str = "Contacts",
    ) -> None:
        self.id = mailbox_id
        self.upn = upn
        self.tenant_id = tenant_id
        self._ids = ids
        root = ids.item_id()
        # the default folder is named in the mailbox's language ("Kontakte", "Contactos"): only its well-known
        # name "contacts" is stable (https://learn.microsoft.com/graph/api/resources/contactfolder)
        default = ContactFolder(ids.item_id(), contacts_folder_name, root)
        self.default_folder_id = default.id
        self.folders: dict[str, ContactFolder] = {default.id: default}
        self.contacts: dict[str, ContactRecord] = {}
        # Insertion-ordered membership per folder: lists keep creation order, like Outlook's default view.
        self.members: dict[str, dict[str, None]] = {default.id: {}}
        self.logs: dict[str, ChangeLog] = {default.id: ChangeLog()}
        self.sequence = 0
        self.categories: dict[str, MasterCategory] = {}
        for name, color in DEFAULT_CATEGORIES:
            category = MasterCategory(ids.guid(), name, color)
            self.categories[category.id] = category
        self.created = now

    # ----- folders
    def folder(self, folder_id: str) -> ContactFolder:
        if folder_id.lower() == "contacts":  # the well-known name of the default folder
            folder_id = self.default_folder_id
        folder = self.folders.get(folder_id)
        if folder is None:
            raise GraphError(404, "ErrorItemNotFound", "The specified folder could not be found in the store.")
        return folder

    def children(self, parent_id: str) -> list[ContactFolder]:
        """The folders directly inside ``parent_id``. ``GET /contactFolders`` is ``children(default)``: the folders
        inside the default Contacts folder, never the default itself (user-list-contactfolders)."""
        return [f for f in self.folders.values() if f.parent_id == parent_id]

    def create_folder(self, display_name: str, parent_id: str | None = None) -> ContactFolder:
        """A folder inside ``parent_id`` (default: inside the default Contacts folder, where Outlook puts a new
        contact folder and where ``POST /contactFolders`` creates one)."""
        parent = self.folder(parent_id).id if parent_id else self.default_folder_id
        if any(f.display_name.lower() == display_name.lower() for f in self.children(parent)):
            raise GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists.")
        folder = ContactFolder(self._ids.item_id(), display_name, parent)
        self.folders[folder.id] = folder
        self.members[folder.id] = {}
        self.logs[folder.id] = ChangeLog()
        return folder

    def delete_folder(self, folder_id: str, now: datetime) -> None:
        folder = self.folder(folder_id)
        if folder.id == self.default_folder_id:
            raise GraphError(403, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
        for child in self.children(folder.id):
            self.delete_folder(child.id, now)
        for contact_id in list(self.members[folder.id]):
            self.delete(contact_id, now)
        del self.folders[folder.id], self.members[folder.id], self.logs[folder.id]

    # ----- contacts
    def _touch(self, record: ContactRecord) -> None:
        self.sequence += 1
        self.logs[record.folder_id].append(self.sequence, record.id)

    def contact(self, contact_id: str, folder_id: str | None = None) -> ContactRecord:
        record = self.contacts.get(contact_id)
        if record is None or (folder_id is not None and record.folder_id != folder_id):
            raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return record

    def create(
        self, changes: dict[str, Any], extended: dict[str, tuple[str, str]], folder_id: str, now: datetime
    ) -> ContactRecord:
        record = ContactRecord(
            id=self._ids.item_id(),
            folder_id=folder_id,
            fields={k: v for k, v in changes.items() if v is not None},
            extended=dict(extended),
            change_key=self._ids.change_key(),
            created=now,
            modified=now,
        )
        self.contacts[record.id] = record
        self.members[folder_id][record.id] = None
        self._touch(record)
        return record

    def update(
        self, contact_id: str, changes: dict[str, Any], extended: dict[str, tuple[str, str]], now: datetime
    ) -> ContactRecord:
        record = self.contact(contact_id)
        fields = dict(record.fields)
        for name, value in changes.items():
            if value is None or value == [] or value == {}:
                fields.pop(name, None)
            else:
                fields[name] = value
        # Exchange gives every save a new change key, even one that changes nothing.
        updated = replace(
            record,
            fields=fields,
            extended={**record.extended, **extended},
            change_key=self._ids.change_key(),
            modified=now,
        )
        self.contacts[contact_id] = updated
        self._touch(updated)
        return updated

    def delete(self, contact_id: str, now: datetime) -> None:
        record = self.contact(contact_id)
        del self.contacts[contact_id]
        del self.members[record.folder_id][contact_id]
        self._touch(record)

    # ----- master categories
    def create_category(self, display_name: str, color: str) -> MasterCategory:
        if any(c.display_name.lower() == display_name.lower() for c in self.categories.values()):
            raise GraphError(409, "ErrorDuplicateObject", "An object with this name already exists.")
        category = MasterCategory(self._ids.guid(), display_name, color)
        self.categories[category.id] = category
        return category

    def category(self, category_id: str) -> MasterCategory:
        category = self.categories.get(category_id)
        if category is None:
            raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return category
