"""People API ``Person`` ↔ the canonical :class:`contactsync.model.Contact`: pure functions, no I/O.

Reading (:func:`contact_from_person`) is tolerant: a value Google holds that the model cannot (a birthday given
only as free text, a fifth custom phone type) is read as well as it can be, and only a person whose structure is
not what the API documents raises :class:`MappingError` (the connector quarantines it).

Writing (:func:`person_fields`) renders only the person fields it is asked for, and renders each over the person
as Google holds it now (``current``), so that what the model does not hold survives a write-back (sync invariant
12): an email keeps its custom label when its address is unchanged, non-anniversary events stay, memberships in
system groups (``starred``) stay, other clients' ``clientData`` entries stay.

Choices, mirrored by :func:`fit`:

- ``display_name`` ↔ ``names[0].unstructuredName``. Google derives that from the name parts when it is not given,
  so a contact without a display name reads back with ``name.formatted()``; ``fit`` fills it in the same way.
- ``nickname`` is the first nickname, ``organization``/``department``/``job_title`` the first organization,
  ``anniversary`` the first event of type ``anniversary``, ``note`` the (single) biography.
- ``custom`` ↔ ``userDefined`` (key/value; an entry with an empty value is not stored by Google).
- Dates: Google holds a full date, a month and day, a year and month, or a year; other partial dates are dropped.
- Photos are read-only URLs in the People API: not held.
- Tags ↔ user contact groups (by name, compared case-insensitively); system groups are not tags.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from contactsync import normalize
from contactsync.model import (
    ALL_FIELDS,
    AddressKind,
    Contact,
    Email,
    EmailKind,
    Field,
    Name,
    PartialDate,
    Phone,
    PhoneKind,
    PostalAddress,
    Url,
)

JsonDict = dict[str, Any]

MARKER_KEY = "contactsync-id"
MY_CONTACTS = "contactGroups/myContacts"

#: what Google holds of a contact (photos are read-only URLs in the People API)
GOOGLE_FIELDS = ALL_FIELDS - {Field.PHOTO, Field.VCARD_LINES}
#: what Google holds of a field only in part (Capabilities.lossy: the run's "not carried" reasons, docs/properties.md)
GOOGLE_LOSSY: Mapping[Field, str] = MappingProxyType(
    {
        Field.DISPLAY_NAME: "derived by Google from the name parts when not given",
        Field.ORGANIZATION: "the first of the contact's organizations",
        Field.DEPARTMENT: "the first of the contact's organizations",
        Field.JOB_TITLE: "the first of the contact's organizations",
        Field.BIRTHDAY: "a full date, month and day, year and month, or a year",
        Field.ANNIVERSARY: "the first event of type anniversary; dates as for birthdays",
        Field.CUSTOM: "Google's custom fields (userDefined) that have a value",
        Field.TAGS: "the user's contact groups (labels); system groups are not tags",
    }
)

#: model field → the person field that holds it
PERSON_FIELD: Mapping[Field, str] = {
    Field.NAME: "names",
    Field.DISPLAY_NAME: "names",
    Field.NICKNAMES: "nicknames",
    Field.EMAILS: "emailAddresses",
    Field.PHONES: "phoneNumbers",
    Field.ADDRESSES: "addresses",
    Field.ORGANIZATION: "organizations",
    Field.DEPARTMENT: "organizations",
    Field.JOB_TITLE: "organizations",
    Field.BIRTHDAY: "birthdays",
    Field.ANNIVERSARY: "events",
    Field.URLS: "urls",
    Field.NOTE: "biographies",
    Field.TAGS: "memberships",
    Field.CUSTOM: "userDefined",
}

#: the person fields a listing asks for: what we map, the marker, and metadata (deletions, update times)
READ_FIELDS = (*sorted(set(PERSON_FIELD.values())), "clientData", "metadata")
#: the person fields contactsync ever writes (``updatePersonFields`` never names anything else)
WRITE_FIELDS = frozenset(PERSON_FIELD.values()) | {"clientData"}

_EMAIL_TYPES = {EmailKind.HOME: "home", EmailKind.WORK: "work", EmailKind.OTHER: "other"}
_PHONE_TYPES = {
    PhoneKind.MOBILE: "mobile",
    PhoneKind.HOME: "home",
    PhoneKind.WORK: "work",
    PhoneKind.MAIN: "main",
    PhoneKind.HOME_FAX: "homeFax",
    PhoneKind.WORK_FAX: "workFax",
    PhoneKind.PAGER: "pager",
    PhoneKind.OTHER: "other",
}
# Google's other predefined phone types, read as the nearest kind the model has.
_PHONE_KINDS = {v.casefold(): k for k, v in _PHONE_TYPES.items()} | {
    "workmobile": PhoneKind.MOBILE,
    "workpager": PhoneKind.PAGER,
    "otherfax": PhoneKind.OTHER,
    "googlevoice": PhoneKind.OTHER,
}
_ADDRESS_TYPES = {AddressKind.HOME: "home", AddressKind.WORK: "work", AddressKind.OTHER: "other"}
_ADDRESS_PARTS = (
    ("street", "streetAddress"),
    ("locality", "city"),
    ("region", "region"),
    ("postal_code", "postalCode"),
    ("country", "country"),
    ("po_box", "poBox"),
    ("extended", "extendedAddress"),
)
_NAME_PARTS = (
    ("given", "givenName"),
    ("family", "familyName"),
    ("middle", "middleName"),
    ("prefix", "honorificPrefix"),
    ("suffix", "honorificSuffix"),
)
# Keys Google computes or attaches; never sent back.
_OUTPUT_KEYS = frozenset(
    {
        "metadata",
        "formattedType",
        "canonicalForm",
        "displayName",
        "displayNameLastFirst",
        "formattedValue",
        "formattedProtocol",
        "contactGroupId",
    }
)


class MappingError(Exception):
    """A person whose structure is not what the People API documents. The message quotes no personal data."""


# ----------------------------------------------------------------------------------------------- reading


def contact_from_person(person: Mapping[str, Any], group_names: Mapping[str, str], region: str = "US") -> Contact:
    """The canonical contact a person holds. ``group_names`` maps user group resource names to tag names.

    Raises MappingError when the person's structure is not the documented one.
    """
    try:
        return normalize.normalize_contact(_read(person, group_names), region)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise MappingError(f"unexpected person structure ({type(exc).__name__})") from exc


def marker_of(person: Mapping[str, Any]) -> str | None:
    for entry in _entries(person, "clientData"):
        if entry.get("key") == MARKER_KEY and isinstance(entry.get("value"), str):
            return str(entry["value"])
    return None


def group_resource_names(person: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    for entry in _entries(person, "memberships"):
        membership = entry.get("contactGroupMembership")
        if isinstance(membership, Mapping):
            name = membership.get("contactGroupResourceName")
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names


def _entries(person: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = person.get(key) or []
    if not isinstance(value, list):
        raise TypeError(key)
    return [e for e in value if isinstance(e, Mapping)]


def _str(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    return value if isinstance(value, str) else ""


def _first(entries: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The primary entry if Google marks one, else the first."""
    for entry in entries:
        metadata = entry.get("metadata")
        if isinstance(metadata, Mapping) and metadata.get("primary"):
            return entry
    return entries[0] if entries else None


def date_from_google(value: object) -> PartialDate | None:
    """A Google ``Date`` (zeros or absent parts mean unknown) as a PartialDate; None when it is not a date."""
    if not isinstance(value, Mapping):
        return None
    parts = [value.get(k) for k in ("year", "month", "day")]
    year, month, day = (p if isinstance(p, int) and p > 0 else None for p in parts)
    try:
        return PartialDate(year, month, day)
    except ValueError:
        return None


def _read_date(entry: Mapping[str, Any] | None) -> PartialDate | None:
    if entry is None:
        return None
    date = date_from_google(entry.get("date"))
    if date is None and _str(entry, "text"):
        try:
            date = PartialDate.parse(_str(entry, "text"))
        except ValueError:
            return None
    return fit_date(date)


def _read(person: Mapping[str, Any], group_names: Mapping[str, str]) -> Contact:
    name_entry = _first(_entries(person, "names")) or {}
    name = Name(**{attr: _str(name_entry, key) for attr, key in _NAME_PARTS})
    display = _str(name_entry, "unstructuredName") or _str(name_entry, "displayName")

    nicknames = _entries(person, "nicknames")
    emails = tuple(Email(_str(e, "value"), _email_kind(_str(e, "type"))) for e in _entries(person, "emailAddresses"))
    phones = tuple(
        Phone(
            _str(p, "value") or _str(p, "canonicalForm"), _PHONE_KINDS.get(_str(p, "type").casefold(), PhoneKind.OTHER)
        )
        for p in _entries(person, "phoneNumbers")
    )
    addresses = tuple(_read_address(a) for a in _entries(person, "addresses"))
    org = _first(_entries(person, "organizations")) or {}
    birthday = _read_date(_first(_entries(person, "birthdays")))
    anniversary = _read_date(
        next((e for e in _entries(person, "events") if _str(e, "type").casefold() == "anniversary"), None)
    )
    urls = tuple(Url(_str(u, "value")) for u in _entries(person, "urls"))
    bio = _first(_entries(person, "biographies")) or {}
    tags = normalize.tags(group_names[g] for g in group_resource_names(person) if g in group_names)
    custom = tuple((_str(u, "key"), _str(u, "value")) for u in _entries(person, "userDefined") if _str(u, "value"))
    return Contact(
        name=name,
        display_name=display,
        nicknames=tuple(_str(n, "value") for n in nicknames if _str(n, "value")),
        emails=emails,
        phones=phones,
        addresses=addresses,
        organization=_str(org, "name"),
        department=_str(org, "department"),
        job_title=_str(org, "title"),
        birthday=birthday,
        anniversary=anniversary,
        urls=urls,
        note=_str(bio, "value"),
        tags=tags,
        custom=custom,
    )


def _email_kind(google_type: str) -> EmailKind:
    try:
        return EmailKind(google_type.casefold())
    except ValueError:
        return EmailKind.OTHER  # a custom label ("school"): kept on Google, read as "other"


def _read_address(entry: Mapping[str, Any]) -> PostalAddress:
    parts = {attr: _str(entry, key) for attr, key in _ADDRESS_PARTS}
    if not any(parts.values()):
        # an address typed as one line in Google Contacts has only its formatted form
        parts["street"] = _str(entry, "formattedValue")
    try:
        kind = AddressKind(_str(entry, "type").casefold())
    except ValueError:
        kind = AddressKind.OTHER
    return PostalAddress(**parts, kind=kind)


# ------------------------------------------------------------------------------------------------- fitting


def fit_date(date: PartialDate | None) -> PartialDate | None:
    """The date as Google can hold it: full, month-day, year-month or year; anything else is dropped."""
    if date is None:
        return None
    if date.month is None and date.day is not None:
        return None
    if date.year is None and (date.month is None or date.day is None):
        return None
    return date


def fit(contact: Contact, region: str = "US") -> Contact:
    """The contact as Google holds it after a write and a re-read."""
    projected = normalize.normalize_contact(contact.project(GOOGLE_FIELDS), region)
    return replace(
        projected,
        display_name=projected.display_name or projected.name.formatted(),
        birthday=fit_date(projected.birthday),
        anniversary=fit_date(projected.anniversary),
        custom=tuple((k, v) for k, v in projected.custom if v.strip()),
    )


# ------------------------------------------------------------------------------------------------- writing


def person_fields_to_write(current: Contact | None, desired: Contact) -> set[str]:
    """The person fields whose mapped value differs between what Google holds and what we want."""
    if current is None:
        return {PERSON_FIELD[f] for f in GOOGLE_FIELDS if desired.get(f) != Contact().get(f)}
    return {PERSON_FIELD[f] for f in GOOGLE_FIELDS if desired.get(f) != current.get(f)}


def _date_to_google(date: PartialDate) -> JsonDict:
    return {k: v for k, v in (("year", date.year), ("month", date.month), ("day", date.day)) if v is not None}


def _clean(entry: Mapping[str, Any]) -> JsonDict:
    """An entry as it can be sent back: without what Google computes."""
    out = {k: v for k, v in entry.items() if k not in _OUTPUT_KEYS}
    membership = out.get("contactGroupMembership")
    if isinstance(membership, Mapping):
        out["contactGroupMembership"] = {"contactGroupResourceName": membership.get("contactGroupResourceName")}
    return out


def _by_key(entries: Sequence[Mapping[str, Any]], key: Callable[[str], str]) -> dict[str, Mapping[str, Any]]:
    """Existing entries by the normalized key of their value (first wins), to re-send them with their labels."""
    out: dict[str, Mapping[str, Any]] = {}
    for entry in entries:
        out.setdefault(key(_str(entry, "value")), entry)
    return out


def _reuse(old: Mapping[str, Mapping[str, Any]], key: str, fresh: JsonDict) -> JsonDict:
    entry = old.get(key)
    return _clean(entry) if entry is not None else fresh


def person_fields(
    fields: set[str],
    desired: Contact,
    *,
    current: Mapping[str, Any] | None,
    marker: str,
    tag_groups: Mapping[str, str],
    system_groups: Sequence[str] = (),
    region: str = "US",
) -> JsonDict:
    """The body parts for ``fields`` (person field names), rendered over ``current`` (None for a create).

    ``tag_groups`` maps a tag key (casefolded name) to its group's resource name; every tag of ``desired`` must
    be there. ``system_groups`` are the memberships that are not tags and must stay (``starred``).
    """
    cur: Mapping[str, Any] = current or {}
    body: JsonDict = {}
    if "names" in fields:
        entry: JsonDict = {key: getattr(desired.name, attr) for attr, key in _NAME_PARTS if getattr(desired.name, attr)}
        if desired.display_name:
            entry["unstructuredName"] = desired.display_name
        body["names"] = [entry] if entry else []
    if "nicknames" in fields:
        body["nicknames"] = [{"value": n} for n in desired.nicknames]
    if "emailAddresses" in fields:
        old = _by_key(_entries(cur, "emailAddresses"), lambda v: normalize.email_address(v).casefold())
        out = []
        for email in desired.emails:
            entry = _reuse(old, email.key, {"value": email.address})
            if _email_kind(_str(entry, "type")) is not email.kind:
                entry["type"] = _EMAIL_TYPES[email.kind]
            out.append(entry)
        body["emailAddresses"] = out
    if "phoneNumbers" in fields:
        old = _by_key(_entries(cur, "phoneNumbers"), lambda v: normalize.phone_number(v, region))
        out = []
        for phone in desired.phones:
            entry = _reuse(old, phone.key, {"value": phone.number})
            if _PHONE_KINDS.get(_str(entry, "type").casefold(), PhoneKind.OTHER) is not phone.kind:
                entry["type"] = _PHONE_TYPES[phone.kind]
            out.append(entry)
        body["phoneNumbers"] = out
    if "addresses" in fields:
        body["addresses"] = [
            {
                **{key: getattr(a, attr) for attr, key in _ADDRESS_PARTS if getattr(a, attr)},
                "type": _ADDRESS_TYPES[a.kind],
            }
            for a in desired.addresses
        ]
    if "organizations" in fields:
        rest = [_clean(e) for e in _entries(cur, "organizations")[1:]]
        org = {
            k: v
            for k, v in (
                ("name", desired.organization),
                ("department", desired.department),
                ("title", desired.job_title),
            )
            if v
        }
        body["organizations"] = [org, *rest] if org else rest
    if "birthdays" in fields:
        body["birthdays"] = [{"date": _date_to_google(desired.birthday)}] if desired.birthday else []
    if "events" in fields:
        others = [_clean(e) for e in _entries(cur, "events") if _str(e, "type").casefold() != "anniversary"]
        mine = [{"date": _date_to_google(desired.anniversary), "type": "anniversary"}] if desired.anniversary else []
        body["events"] = others + mine
    if "urls" in fields:
        old = _by_key(_entries(cur, "urls"), normalize.text)
        body["urls"] = [_reuse(old, u.key, {"value": u.value}) for u in desired.urls]
    if "biographies" in fields:
        body["biographies"] = [{"value": desired.note, "contentType": "TEXT_PLAIN"}] if desired.note else []
    if "userDefined" in fields:
        body["userDefined"] = [{"key": k, "value": v} for k, v in desired.custom]
    if "memberships" in fields:
        groups = [*system_groups, *sorted({tag_groups[t.key] for t in desired.tags})]
        if not groups or (current is None and MY_CONTACTS not in groups):
            # a new contact joins "My Contacts" like one made in the UI; and a contact keeps one membership
            groups.insert(0, MY_CONTACTS)
        body["memberships"] = [{"contactGroupMembership": {"contactGroupResourceName": g}} for g in groups]
    if "clientData" in fields:
        others = [_clean(e) for e in _entries(cur, "clientData") if e.get("key") != MARKER_KEY]
        body["clientData"] = [*others, {"key": MARKER_KEY, "value": marker}]
    return body


def copy_fields(fields: set[str], current: Mapping[str, Any]) -> JsonDict:
    """The person's own entries for ``fields``, as they can be sent back unchanged."""
    return {f: [_clean(e) for e in _entries(current, f)] for f in fields}
