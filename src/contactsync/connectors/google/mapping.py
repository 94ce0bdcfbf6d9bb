"""People API ``Person`` ↔ the canonical :class:`contactsync.model.Contact`: pure functions, no I/O.

Reading (:func:`contact_from_person`) is tolerant: a value Google holds that the model cannot (a birthday given
only as free text, a fifth custom phone type) is read as well as it can be, and only a person whose structure is
not what the API documents raises :class:`MappingError` (the connector quarantines it).

Writing (:func:`person_fields`) renders only the person fields it is asked for, and renders each over the person
as Google holds it now (``current``), so that what the model does not hold survives a write-back (sync invariant
12): an entry whose mapped value is unchanged is sent back as Google held it (its spelling, ``type``,
``metadata``, ``countryCode``, a nickname's ``type``, a gender's ``addressMeAs``…), and an entry that changed
keeps what the model does not map. Memberships in system groups (``starred``) stay, other clients'
``clientData`` entries stay, anniversaries after the first stay.

Choices, mirrored by :func:`fit`:

- ``display_name`` ↔ ``names[0].unstructuredName``. Google derives that from the name parts when it is not given,
  so a contact without a display name reads back with ``name.formatted()``; ``fit`` fills it in the same way.
- ``nicknames`` ↔ every ``nicknames[].value`` (a nickname's ``type``, e.g. MAIDEN_NAME, stays on Google).
- ``organization``/``department``/``job_title``/``role`` ↔ the primary organization's ``name``/``department``/
  ``title``/``jobDescription``; ``phonetic_name`` ↔ the name's ``phoneticGivenName``/``phoneticMiddleName``/
  ``phoneticFamilyName`` and that organization's ``phoneticName``.
- Emails, phones and addresses: Google's one ``type`` holds a predefined kind (``home``, ``work``, ``mobile``…)
  or a custom label. A custom label is the model's ``label`` with the kind "other"; a label that names a
  predefined type is that kind. So a kind and a label together keep the label only, except on a fax or a pager
  number, which keeps its kind's type (``workFax``, ``homeFax``, ``pager``) and not its label: a label reads
  back as a voice number, and one number held as an office's voice line and as its fax is two phones only while
  each reads back as what it reaches (``Phone.key``). ``otherFax`` is read as a work fax, as a vCard's fax that
  says neither home nor work is.
- ``addresses[].formattedValue`` ↔ ``formatted``. Google computes it from the parts when it is not given, so a
  formatted text with no word beyond the parts' is read as not given (``fit`` drops such a text); an address
  typed as one line (only ``formattedValue``) is read as its street.
- ``urls[].type`` ↔ ``Url.label``, verbatim.
- ``ims`` ↔ ``imClients`` {``username``, ``protocol``, ``type``} and ``sipAddresses`` {``value``, ``type``} for the
  service "sip" (its value a ``sip:`` URI, RFC 3261, the handle without the scheme). Protocols are the model's
  lower-case services; ``jabber`` is "xmpp", ``googleTalk`` "googletalk".
- ``relations`` ↔ ``relations`` {``person``, ``type``}: Google's predefined types are the kinds (``sibling`` and
  ``colleague``, which Google does not predefine, are written as those custom types); another custom type is
  the kind "other" with the type as label. A label on a relation of another kind is not held.
- ``gender`` ↔ ``genders[0].value`` (``male``, ``female``, ``unspecified`` or the owner's words, verbatim).
- ``events`` ↔ ``events`` of a type other than ``anniversary`` (type ↔ label, "other" when none); ``anniversary``
  ↔ the first event of type ``anniversary``. An event labelled "anniversary" is not held (it would read back as
  the anniversary).
- ``languages`` ↔ ``locales[].value``: well-formed BCP 47 tags only (the discovery document asks for one); a
  locale Google holds that is not one is not read, and stays on a write-back.
- ``custom`` ↔ ``userDefined`` (key/value; an entry with an empty value is not stored by Google).
- ``note`` ↔ the (single) biography.
- Dates: Google holds a full date, a month and day, a year and month, or a year; other partial dates are dropped.
- Photos are read-only URLs in the People API: not held.
- Tags ↔ user contact groups (by name, compared case-insensitively); system groups are not tags, and a tag named
  as one ("myContacts", "starred": a Google Contacts export lists them in CATEGORIES) is not held.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any, Final, TypeVar

from contactsync import normalize
from contactsync.model import (
    ALL_FIELDS,
    AddressKind,
    Contact,
    Email,
    EmailKind,
    Event,
    Field,
    InstantMessage,
    Name,
    PartialDate,
    Phone,
    PhoneKind,
    PhoneticName,
    PostalAddress,
    Relation,
    RelationKind,
    Url,
    phone_medium,
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
        Field.EMAILS: "one type per address: a custom label replaces the home/work kind",
        Field.PHONES: "one type per number: a custom label replaces the kind (a fax's or pager's label is not "
        "kept: its kind is)",
        Field.ADDRESSES: "one type per address (a custom label replaces the kind); a formatted text that only "
        "repeats the address's parts is Google's own and not kept",
        Field.ORGANIZATION: "the first of the contact's organizations (the others stay on Google, reported as left "
        "on the account)",
        Field.DEPARTMENT: "the first of the contact's organizations",
        Field.JOB_TITLE: "the first of the contact's organizations",
        Field.ROLE: "the first of the contact's organizations",
        Field.BIRTHDAY: "a full date, month and day, year and month, or a year",
        Field.ANNIVERSARY: "the first event of type anniversary; dates as for birthdays",
        Field.EVENTS: "dates as for birthdays; an event labelled anniversary is not kept",
        Field.RELATIONS: "one type per relation: a custom label on a relation of a known kind is not kept",
        Field.LANGUAGES: "well-formed BCP 47 language tags only",
        Field.CUSTOM: "Google's custom fields (userDefined) that have a value; of a key held twice, the first value "
        "(the others stay on Google, reported as left on the account)",
        Field.TAGS: "the user's contact groups (labels); system groups (myContacts, starred…) are not tags",
    }
)

#: model field → the person fields that hold it
PERSON_FIELDS: Mapping[Field, tuple[str, ...]] = MappingProxyType(
    {
        Field.NAME: ("names",),
        Field.DISPLAY_NAME: ("names",),
        Field.NICKNAMES: ("nicknames",),
        Field.EMAILS: ("emailAddresses",),
        Field.PHONES: ("phoneNumbers",),
        Field.ADDRESSES: ("addresses",),
        Field.ORGANIZATION: ("organizations",),
        Field.DEPARTMENT: ("organizations",),
        Field.JOB_TITLE: ("organizations",),
        Field.ROLE: ("organizations",),
        Field.BIRTHDAY: ("birthdays",),
        Field.ANNIVERSARY: ("events",),
        Field.EVENTS: ("events",),
        Field.URLS: ("urls",),
        Field.NOTE: ("biographies",),
        Field.TAGS: ("memberships",),
        Field.CUSTOM: ("userDefined",),
        Field.PHONETIC_NAME: ("names", "organizations"),
        Field.GENDER: ("genders",),
        Field.IMS: ("imClients", "sipAddresses"),
        Field.RELATIONS: ("relations",),
        Field.LANGUAGES: ("locales",),
    }
)

_MAPPED_PERSON_FIELDS = frozenset(f for names in PERSON_FIELDS.values() for f in names)
#: the person fields a listing asks for: what we map, the marker, and metadata (deletions, update times)
READ_FIELDS = (*sorted(_MAPPED_PERSON_FIELDS), "clientData", "metadata")
#: the person fields contactsync ever writes (``updatePersonFields`` never names anything else)
WRITE_FIELDS = _MAPPED_PERSON_FIELDS | {"clientData"}

_EMAIL_TYPES = {EmailKind.HOME: "home", EmailKind.WORK: "work", EmailKind.OTHER: "other"}
_EMAIL_KINDS = {v: k for k, v in _EMAIL_TYPES.items()}
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
    # a fax: read as one (a number read as "other" is a voice line, and took the place of the office's voice
    # line of the same number), of work as a vCard's TYPE=fax that says neither home nor work
    "otherfax": PhoneKind.WORK_FAX,
    "googlevoice": PhoneKind.OTHER,
}
_ADDRESS_TYPES = {AddressKind.HOME: "home", AddressKind.WORK: "work", AddressKind.OTHER: "other"}
_ADDRESS_KINDS = {v: k for k, v in _ADDRESS_TYPES.items()}
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
_PHONETIC_NAME_PARTS = (
    ("given", "phoneticGivenName"),
    ("middle", "phoneticMiddleName"),
    ("family", "phoneticFamilyName"),
)
# Google's predefined relation types (the discovery document's list), plus the two kinds Google does not
# predefine, written as custom types of the same name so they read back as themselves.
_RELATION_TYPES = {
    RelationKind.SPOUSE: "spouse",
    RelationKind.PARTNER: "partner",
    RelationKind.DOMESTIC_PARTNER: "domesticPartner",
    RelationKind.CHILD: "child",
    RelationKind.PARENT: "parent",
    RelationKind.MOTHER: "mother",
    RelationKind.FATHER: "father",
    RelationKind.SIBLING: "sibling",
    RelationKind.BROTHER: "brother",
    RelationKind.SISTER: "sister",
    RelationKind.RELATIVE: "relative",
    RelationKind.FRIEND: "friend",
    RelationKind.COLLEAGUE: "colleague",
    RelationKind.MANAGER: "manager",
    RelationKind.ASSISTANT: "assistant",
    RelationKind.REFERRED_BY: "referredBy",
    RelationKind.OTHER: "",
}
_RELATION_KINDS = (
    {v.casefold(): k for k, v in _RELATION_TYPES.items() if v}
    | {k.value: k for k in RelationKind}
    | {"other": RelationKind.OTHER}
)
# imClients protocols whose model service is spelled otherwise (the rest: the protocol in lower case)
_SERVICES = {"jabber": "xmpp", "googletalk": "googletalk", "netmeeting": "netmeeting"}
_PROTOCOLS = {"xmpp": "jabber", "googletalk": "googleTalk", "netmeeting": "netMeeting"}
SIP = "sip"
# Keys Google computes or attaches; never sent back. (``formattedValue`` is computed on genders only: on an
# address it is the owner's text.)
_OUTPUT_KEYS = frozenset(
    {
        "formattedType",
        "canonicalForm",
        "displayName",
        "displayNameLastFirst",
        "formattedProtocol",
        "contactGroupId",
    }
)
# FieldMetadata: "primary" and "verified" are output only; "source" and "sourcePrimary" are the client's to keep
_OUTPUT_METADATA_KEYS = frozenset({"primary", "verified"})
# A well-formed BCP 47 tag (RFC 5646 section 2.1, without the grandfathered irregular tags): Locale.value is
# "the well-formed IETF BCP 47 language tag".
BCP47 = re.compile(
    r"""(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})
        (?:-[a-z]{4})?
        (?:-(?:[a-z]{2}|[0-9]{3}))?
        (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
        (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*
        (?:-x(?:-[a-z0-9]{1,8})+)?
      |x(?:-[a-z0-9]{1,8})+""",
    re.IGNORECASE | re.VERBOSE,
)
# The names of the system contact groups Google makes for every user: a user group of the same name is refused
# (409), so such a tag cannot be held. A Google Contacts export lists "myContacts" and "starred" in CATEGORIES.
SYSTEM_GROUP_NAMES = frozenset(
    {"myContacts", "starred", "friends", "family", "coworkers", "chatBuddies", "all", "blocked"}
)
_WORD = re.compile(r"\w+")
# words a computed formatted address may add to the parts ("P.O. Box 12"); Google's exact wording is not documented
_ADDRESS_FILLER = frozenset({"p", "o", "po", "box"})


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


def _primary_index(entries: Sequence[Mapping[str, Any]]) -> int | None:
    """The entry Google marks primary, else the first (None: no entries)."""
    for index, entry in enumerate(entries):
        metadata = entry.get("metadata")
        if isinstance(metadata, Mapping) and metadata.get("primary"):
            return index
    return 0 if entries else None


def _first(entries: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The primary entry if Google marks one, else the first."""
    index = _primary_index(entries)
    return None if index is None else entries[index]


#: what a person holds that the model keeps one of: carried as the first (the primary), the rest left on Google
_LEFT_ON_GOOGLE: Final = (
    (
        Field.CUSTOM.value,
        "a custom field whose key Google holds more than once: its first value is carried to the other accounts, "
        "the others stay on Google",
    ),
    (
        Field.ORGANIZATION.value,
        "the contact's further organizations on Google: the first (the primary) is carried to the other accounts, "
        "the others stay on Google",
    ),
)


def left_on_google(person: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """What ``person`` holds that no other account gets (``RemoteContact.left_behind``, journaled for the contact
    and shown by ``contactsync person show``): a custom field's key held twice, organizations past the first.
    Neither is lost (a write-back keeps them on Google), but nothing else would say they are not copied."""
    keys = [normalize.text(_str(e, "key")) for e in _entries(person, "userDefined") if _str(e, "value")]
    repeated = len(keys) != len(set(keys))
    further_organizations = len(_entries(person, "organizations")) > 1
    if not repeated and not further_organizations:
        return ()
    return tuple(left for left, held in zip(_LEFT_ON_GOOGLE, (repeated, further_organizations), strict=True) if held)


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


K = TypeVar("K", EmailKind, PhoneKind, AddressKind, RelationKind)


def _kind_label(google_type: str, kinds: Mapping[str, K], default: K) -> tuple[K, str]:
    """A Google ``type`` as the model's kind and custom label: a predefined type is a kind, else a label."""
    cleaned = normalize.text(google_type)
    if not cleaned:
        return default, ""
    kind = kinds.get(cleaned.casefold())
    return (kind, "") if kind is not None else (default, cleaned)


def _email_kind_label(google_type: str) -> tuple[EmailKind, str]:
    return _kind_label(google_type, _EMAIL_KINDS, EmailKind.OTHER)


def phone_kind_label(google_type: str) -> tuple[PhoneKind, str]:
    """A phone's Google ``type`` as the model's kind and custom label (``workMobile`` is a mobile number)."""
    return _kind_label(google_type, _PHONE_KINDS, PhoneKind.OTHER)


def _phone_type(phone: Phone) -> str:
    """The ``type`` Google is given for a phone: its custom label, else its kind's. A fax's or a pager's label
    is not given when it would read back as another medium ("Office fax" reads as a voice number): its kind's
    type is, so that it stays a fax (its key, ``Phone.key``, holds the medium; one read as a voice number would
    take the place of the voice line of the same number, and an edit on Google would no longer find the phone).
    Likewise a voice number's label that names a fax or pager type ("workFax") is not given."""
    if phone.label and phone_medium(phone_kind_label(phone.label)[0]) == phone_medium(phone.kind):
        return phone.label
    return _PHONE_TYPES[phone.kind]


def _phone_key(entry: Mapping[str, Any], region: str) -> str:
    """The key of the phone a ``phoneNumbers`` entry reads as (its number and its medium: see ``Phone.key``)."""
    number = normalize.phone_number(_str(entry, "value") or _str(entry, "canonicalForm"), region)
    return Phone(number, phone_kind_label(_str(entry, "type"))[0]).key


def _address_kind_label(google_type: str) -> tuple[AddressKind, str]:
    return _kind_label(google_type, _ADDRESS_KINDS, AddressKind.OTHER)


def _relation_kind_label(google_type: str) -> tuple[RelationKind, str]:
    return _kind_label(google_type, _RELATION_KINDS, RelationKind.OTHER)


def _service(protocol: str) -> str:
    folded = normalize.text(protocol).lower()
    return _SERVICES.get(folded, folded)


def _sip_handle(value: str) -> str:
    """A SIP URI's handle: the address without its ``sip:`` scheme."""
    cleaned = normalize.text(value)
    return normalize.text(cleaned[4:]) if cleaned[:4].lower() == "sip:" else cleaned


def _read(person: Mapping[str, Any], group_names: Mapping[str, str]) -> Contact:
    name_entry = _first(_entries(person, "names")) or {}
    name = Name(**{attr: _str(name_entry, key) for attr, key in _NAME_PARTS})
    display = _str(name_entry, "unstructuredName") or _str(name_entry, "displayName")

    emails = tuple(
        Email(_str(e, "value"), *_email_kind_label(_str(e, "type"))) for e in _entries(person, "emailAddresses")
    )
    phones = tuple(
        Phone(_str(p, "value") or _str(p, "canonicalForm"), *phone_kind_label(_str(p, "type")))
        for p in _entries(person, "phoneNumbers")
    )
    addresses = tuple(_read_address(a) for a in _entries(person, "addresses"))
    org = _first(_entries(person, "organizations")) or {}
    birthday = _read_date(_first(_entries(person, "birthdays")))
    events = _entries(person, "events")
    anniversary = _read_date(next((e for e in events if _is_anniversary(e)), None))
    other_events = tuple(_read_event(e) for e in events if not _is_anniversary(e))
    urls = tuple(Url(_str(u, "value"), _str(u, "type")) for u in _entries(person, "urls"))
    bio = _first(_entries(person, "biographies")) or {}
    tags = normalize.tags(group_names[g] for g in group_resource_names(person) if g in group_names)
    custom: dict[str, tuple[str, str]] = {}
    for entry in _entries(person, "userDefined"):
        if _str(entry, "value"):  # a key Google holds twice is its first value (the others stay on a write-back)
            custom.setdefault(normalize.text(_str(entry, "key")), (_str(entry, "key"), _str(entry, "value")))
    ims = tuple(_read_im(i) for i in _entries(person, "imClients")) + tuple(
        _read_sip(s) for s in _entries(person, "sipAddresses")
    )
    ims = tuple(sorted(ims, key=lambda m: m.service == SIP))  # SIP last, wherever Google holds it (as fit says)
    gender = _first(_entries(person, "genders")) or {}
    return Contact(
        name=name,
        display_name=display,
        nicknames=tuple(_str(n, "value") for n in _entries(person, "nicknames")),
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
        custom=tuple(custom.values()),
        phonetic_name=PhoneticName(
            **{attr: _str(name_entry, key) for attr, key in _PHONETIC_NAME_PARTS},
            organization=_str(org, "phoneticName"),
        ),
        gender=_str(gender, "value"),
        ims=ims,
        relations=tuple(_read_relation(r) for r in _entries(person, "relations")),
        events=tuple(e for e in other_events if e is not None),
        role=_str(org, "jobDescription"),
        languages=tuple(
            tag for loc in _entries(person, "locales") if BCP47.fullmatch(tag := _str(loc, "value").strip())
        ),
    )


def _is_anniversary(entry: Mapping[str, Any]) -> bool:
    return _str(entry, "type").strip().casefold() == "anniversary"


def _read_event(entry: Mapping[str, Any]) -> Event | None:
    date = _read_date(entry)
    return None if date is None else Event(date, normalize.text(_str(entry, "type")) or "other")


def _read_im(entry: Mapping[str, Any]) -> InstantMessage:
    service = _service(_str(entry, "protocol"))
    handle = _sip_handle(_str(entry, "username")) if service == SIP else _str(entry, "username")
    return InstantMessage(handle, service, _str(entry, "type"))


def _read_sip(entry: Mapping[str, Any]) -> InstantMessage:
    return InstantMessage(_sip_handle(_str(entry, "value")), SIP, _str(entry, "type"))


def _read_relation(entry: Mapping[str, Any]) -> Relation:
    return Relation(_str(entry, "person"), *_relation_kind_label(_str(entry, "type")))


def _read_address(entry: Mapping[str, Any]) -> PostalAddress:
    parts = {attr: _str(entry, key) for attr, key in _ADDRESS_PARTS}
    formatted = _str(entry, "formattedValue")
    if not any(parts.values()):
        # an address typed as one line in Google Contacts has only its formatted form
        parts["street"], formatted = formatted, ""
    elif _only_repeats(formatted, [*parts.values(), _str(entry, "countryCode")]):
        formatted = ""  # Google's own rendering of the parts, not the owner's text
    kind, label = _address_kind_label(_str(entry, "type"))
    return PostalAddress(**parts, kind=kind, label=label, formatted=formatted)


def _only_repeats(formatted: str, parts: Sequence[str]) -> bool:
    """Whether a formatted address says nothing beyond its parts (every word of it is a word of theirs)."""
    words = set(_WORD.findall(" ".join(parts).casefold())) | _ADDRESS_FILLER
    return set(_WORD.findall(formatted.casefold())) <= words


# ------------------------------------------------------------------------------------------------- fitting


def fit_date(date: PartialDate | None) -> PartialDate | None:
    """The date as Google can hold it: full, month-day, year-month or year; anything else is dropped."""
    if date is None:
        return None
    if date.month is None and date.day is not None:
        return None
    if date.year is None and (date.month is None or date.day is None):
        return None
    if date.year is not None and not 1 <= date.year <= 9999:
        return None  # Date.year: "from 1 to 9999, or 0 to specify a date without a year"
    # Date.day: "valid for the year and month" (a February 29th without a year is a valid month and day)
    if date.month is not None and date.day is not None and date.day > _days_in(date.year, date.month):
        return None
    return date


def _days_in(year: int | None, month: int) -> int:
    return calendar.monthrange(year or 2000, month)[1]  # 2000: a leap year


def _fit_address(address: PostalAddress) -> PostalAddress:
    address = _relabel(address, _address_kind_label(address.label or _ADDRESS_TYPES[address.kind]))
    parts = [getattr(address, attr) for attr, _ in _ADDRESS_PARTS]
    if not any(parts):
        return replace(address, street=address.formatted, formatted="")
    return replace(address, formatted="" if _only_repeats(address.formatted, parts) else address.formatted)


E = TypeVar("E", Email, Phone, PostalAddress, Relation)


def _relabel(element: E, kind_label: tuple[Any, str]) -> E:
    kind, label = kind_label
    return replace(element, kind=kind, label=label)


def _fit_im(im: InstantMessage) -> InstantMessage:
    if im.service == SIP:
        return replace(im, handle=_sip_handle(im.handle))
    # the service as its protocol reads back: "jabber" is written as Google's jabber and read as "xmpp"
    return replace(im, service=_service(_PROTOCOLS.get(im.service, im.service)))


def _fit_relation(relation: Relation) -> Relation:
    return _relabel(relation, _relation_kind_label(_relation_type(relation)))


def _relation_type(relation: Relation) -> str:
    """The ``type`` Google is given for a relation: its custom label when it has no kind, else its kind's."""
    return relation.label if relation.kind is RelationKind.OTHER and relation.label else _RELATION_TYPES[relation.kind]


def fit(contact: Contact, region: str = "US") -> Contact:
    """The contact as Google holds it after a write and a re-read."""
    projected = normalize.normalize_contact(contact.project(GOOGLE_FIELDS), region)
    fitted = replace(
        projected,
        display_name=projected.display_name or projected.name.formatted(),
        emails=tuple(_relabel(e, _email_kind_label(e.label or _EMAIL_TYPES[e.kind])) for e in projected.emails),
        phones=tuple(_relabel(p, phone_kind_label(_phone_type(p))) for p in projected.phones),
        addresses=normalize.unique(_fit_address(a) for a in projected.addresses),
        birthday=fit_date(projected.birthday),
        anniversary=fit_date(projected.anniversary),
        events=tuple(
            replace(e, date=date)
            for e in projected.events
            if (date := fit_date(e.date)) is not None and e.label.casefold() != "anniversary"
        ),
        # imClients are read before sipAddresses
        ims=normalize.unique(
            sorted((m for m in map(_fit_im, projected.ims) if m.handle), key=lambda m: m.service == SIP)
        ),
        relations=normalize.unique(_fit_relation(r) for r in projected.relations),
        languages=tuple(tag for tag in projected.languages if BCP47.fullmatch(tag)),
        custom=tuple((k, v) for k, v in projected.custom if v.strip()),
        tags=frozenset(t for t in projected.tags if t.name not in SYSTEM_GROUP_NAMES),
    )
    # a changed kind, label or handle can make two elements one (unique above): the second goes, as on a re-read;
    # emails' keys do not depend on their kind or label, and phones' on their medium alone, which _phone_type keeps
    return fitted


# ------------------------------------------------------------------------------------------------- writing


def person_fields_to_write(current: Contact | None, desired: Contact) -> set[str]:
    """The person fields whose mapped value differs between what Google holds and what we want."""
    held = current if current is not None else Contact()
    out: set[str] = set()
    for f in GOOGLE_FIELDS:
        if desired.get(f) == held.get(f):
            continue
        if f is Field.PHONETIC_NAME:
            want, have = desired.phonetic_name, held.phonetic_name
            if (want.given, want.middle, want.family) != (have.given, have.middle, have.family):
                out.add("names")
            if want.organization != have.organization:
                out.add("organizations")
        else:
            out.update(PERSON_FIELDS[f])
    return out


def _date_to_google(date: PartialDate) -> JsonDict:
    return {k: v for k, v in (("year", date.year), ("month", date.month), ("day", date.day)) if v is not None}


def _clean(entry: Mapping[str, Any], field: str = "") -> JsonDict:
    """An entry as it can be sent back: without what Google computes, with everything else it held."""
    out = {k: v for k, v in entry.items() if k not in _OUTPUT_KEYS}
    if field == "genders":
        out.pop("formattedValue", None)  # output only on a gender
    metadata = out.get("metadata")
    if isinstance(metadata, Mapping):
        kept = {k: v for k, v in metadata.items() if k not in _OUTPUT_METADATA_KEYS}
        if kept:
            out["metadata"] = kept
        else:
            del out["metadata"]
    membership = out.get("contactGroupMembership")
    if isinstance(membership, Mapping):
        out["contactGroupMembership"] = {"contactGroupResourceName": membership.get("contactGroupResourceName")}
    return out


def _by_key(entries: Sequence[Mapping[str, Any]], key: Callable[[Mapping[str, Any]], str]) -> dict[str, JsonDict]:
    """Existing entries by the normalized key of what they hold (first wins), to re-send them as Google held them."""
    out: dict[str, JsonDict] = {}
    for entry in entries:
        out.setdefault(key(entry), dict(entry))
    return out


def _reuse(old: dict[str, JsonDict], key: str, fresh: JsonDict, field: str) -> JsonDict:
    """The entry Google holds for ``key`` (taken: a repeated element gets a fresh one), else ``fresh``."""
    entry = old.pop(key, None)
    return _clean(entry, field) if entry is not None else fresh


def _set(entry: JsonDict, key: str, value: str, same: Callable[[str], str] = normalize.text) -> None:
    """Set ``key`` to ``value`` unless the entry already holds it (in any spelling that normalizes alike)."""
    if same(_str(entry, key)) == value:
        return
    if value:
        entry[key] = value
    else:
        entry.pop(key, None)


def _set_type(entry: JsonDict, wanted: tuple[Any, str], read: Callable[[str], tuple[Any, str]], google: str) -> None:
    """Give the entry the ``type`` that reads as ``wanted`` (kind, label), keeping Google's spelling if it does."""
    if read(_str(entry, "type")) != wanted:
        if google:
            entry["type"] = google
        else:
            entry.pop("type", None)


def _has_content(entry: Mapping[str, Any]) -> bool:
    return any(k != "metadata" for k in entry)


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
        body["names"] = _write_names(desired, cur)
    if "nicknames" in fields:
        old = _by_key(_entries(cur, "nicknames"), lambda e: normalize.text(_str(e, "value")).casefold())
        body["nicknames"] = [_reuse(old, n.casefold(), {"value": n}, "nicknames") for n in desired.nicknames]
    if "emailAddresses" in fields:
        old = _by_key(_entries(cur, "emailAddresses"), lambda e: normalize.email_address(_str(e, "value")).casefold())
        out = []
        for email in desired.emails:
            entry = _reuse(old, email.key, {"value": email.address}, "emailAddresses")
            _set_type(entry, (email.kind, email.label), _email_kind_label, email.label or _EMAIL_TYPES[email.kind])
            out.append(entry)
        body["emailAddresses"] = out
    if "phoneNumbers" in fields:
        # by number and medium: the voice line's entry and the fax's entry of one number are each their own
        old = _by_key(_entries(cur, "phoneNumbers"), lambda e: _phone_key(e, region))
        out = []
        for phone in desired.phones:
            entry = _reuse(old, phone.key, {"value": phone.number}, "phoneNumbers")
            _set_type(entry, (phone.kind, phone.label), phone_kind_label, _phone_type(phone))
            out.append(entry)
        body["phoneNumbers"] = out
    if "addresses" in fields:
        body["addresses"] = _write_addresses(desired, cur)
    if "organizations" in fields:
        body["organizations"] = _write_organizations(desired, cur)
    if "birthdays" in fields:
        held_birthday = _first(_entries(cur, "birthdays"))
        if desired.birthday is None:
            body["birthdays"] = []
        elif held_birthday is not None and _read_date(held_birthday) == desired.birthday:
            body["birthdays"] = [_clean(held_birthday, "birthdays")]  # its text and metadata as held
        else:
            body["birthdays"] = [{"date": _date_to_google(desired.birthday)}]
    if "events" in fields:
        body["events"] = _write_events(desired, cur)
    if "urls" in fields:
        old = _by_key(_entries(cur, "urls"), lambda e: normalize.text(_str(e, "value")))
        out = []
        for url in desired.urls:
            entry = _reuse(old, url.key, {"value": url.value}, "urls")
            _set(entry, "type", url.label)
            out.append(entry)
        body["urls"] = out
    if "biographies" in fields:
        bio = _first(_entries(cur, "biographies"))
        if not desired.note:
            body["biographies"] = []
        elif bio is not None and normalize.note(_str(bio, "value")) == desired.note:
            body["biographies"] = [_clean(bio, "biographies")]
        else:
            body["biographies"] = [{"value": desired.note, "contentType": "TEXT_PLAIN"}]
    if "userDefined" in fields:
        held_custom = _entries(cur, "userDefined")
        position = {_custom_key(e): i for i, e in reversed(list(enumerate(held_custom)))}
        old = _by_key(held_custom, _custom_key)
        # the model sorts them by key: those Google holds keep Google's order, new ones follow
        wanted = sorted(desired.custom, key=lambda kv: position.get(f"{kv[0]}\0{kv[1]}", len(position)))
        body["userDefined"] = [_reuse(old, f"{k}\0{v}", {"key": k, "value": v}, "userDefined") for k, v in wanted]
    if "genders" in fields:
        held_gender = _first(_entries(cur, "genders"))
        gender = _clean(held_gender or {}, "genders")
        _set(gender, "value", desired.gender)
        # an addressMeAs alone stays
        body["genders"] = [gender] if _has_content(gender) or held_gender is not None else []
    if "imClients" in fields or "sipAddresses" in fields:
        body.update(_write_ims(desired, cur))
    if "relations" in fields:
        old = _by_key(_entries(cur, "relations"), lambda e: _relation_key(_read_relation(e)))
        out = []
        for relation in desired.relations:
            entry = _reuse(old, _relation_key(relation), {"person": relation.name}, "relations")
            _set_type(entry, (relation.kind, relation.label), _relation_kind_label, _relation_type(relation))
            out.append(entry)
        body["relations"] = out
    if "locales" in fields:
        held = _entries(cur, "locales")
        old = _by_key(held, lambda e: normalize.text(_str(e, "value")).casefold())
        body["locales"] = [_reuse(old, tag.casefold(), {"value": tag}, "locales") for tag in desired.languages] + [
            _clean(e, "locales") for e in held if not BCP47.fullmatch(_str(e, "value").strip())
        ]  # a locale that is no BCP 47 tag is not read: it stays as held
    if "memberships" in fields:
        groups = [*system_groups, *sorted({tag_groups[t.key] for t in desired.tags})]
        if not groups or (current is None and MY_CONTACTS not in groups):
            # a new contact joins "My Contacts" like one made in the UI; and a contact keeps one membership
            groups.insert(0, MY_CONTACTS)
        body["memberships"] = [{"contactGroupMembership": {"contactGroupResourceName": g}} for g in groups]
    if "clientData" in fields:
        others = [_clean(e) for e in _entries(cur, "clientData") if e.get("key") != MARKER_KEY]
        body["clientData"] = [*others, {"key": MARKER_KEY, "value": marker}]
    for name, key in _repeat_keys(region).items():
        if name in body and name in cur:
            body[name] = _with_repeats(name, body[name], _entries(cur, name), key)
    return body


def _custom_key(entry: Mapping[str, Any]) -> str:
    return f"{normalize.text(_str(entry, 'key'))}\0{_str(entry, 'value')}"


def _repeat_keys(region: str) -> dict[str, Callable[[Mapping[str, Any]], str]]:
    """Per list field, the key of what an entry holds ("" for an entry the model does not read as an element)."""
    return {
        "nicknames": lambda e: normalize.text(_str(e, "value")).casefold(),
        "emailAddresses": lambda e: normalize.email_address(_str(e, "value")).casefold(),
        "phoneNumbers": lambda e: _phone_key(e, region),
        "urls": lambda e: normalize.text(_str(e, "value")),
        "userDefined": lambda e: normalize.text(_str(e, "key")),
        "relations": lambda e: _relation_key(_read_relation(e)),
        "locales": lambda e: v.casefold() if BCP47.fullmatch(v := _str(e, "value").strip()) else "",
        "addresses": _address_key,
        "events": lambda e: "" if _is_anniversary(e) else _event_key(e),
        "imClients": lambda e: _im_key(_read_im(e)),
        "sipAddresses": lambda e: _im_key(_read_sip(e)),
    }


def _with_repeats(
    field: str, written: list[JsonDict], held: Sequence[Mapping[str, Any]], key: Callable[[Mapping[str, Any]], str]
) -> list[JsonDict]:
    """``written`` with, after the entry of each value, the further entries Google held of the same value (the model
    holds a value once; Google may hold it twice, e.g. with two nickname types): they stay as held."""
    by_key: dict[str, list[Mapping[str, Any]]] = {}
    for entry in held:
        by_key.setdefault(key(entry), []).append(entry)
    out: list[JsonDict] = []
    done: set[str] = {""}
    for entry in written:
        out.append(entry)
        value = key(entry)
        if value not in done:
            done.add(value)
            out.extend(_clean(e, field) for e in by_key.get(value, [])[1:])
    return out


def _write_names(desired: Contact, cur: Mapping[str, Any]) -> list[JsonDict]:
    """The one name, over Google's (its phoneticFullName, honorific phonetics and metadata stay)."""
    held = _first(_entries(cur, "names"))
    entry = _clean(held or {}, "names")
    for attr, key in _NAME_PARTS:
        _set(entry, key, getattr(desired.name, attr))
    for attr, key in _PHONETIC_NAME_PARTS:
        _set(entry, key, getattr(desired.phonetic_name, attr))
    shown = normalize.text(_str(entry, "unstructuredName") or _str(held or {}, "displayName"))
    if shown != desired.display_name:  # read as unstructuredName, else Google's displayName: so compared
        _set(entry, "unstructuredName", desired.display_name)
    return [entry] if _has_content(entry) or held is not None else []


def _write_organizations(desired: Contact, cur: Mapping[str, Any]) -> list[JsonDict]:
    """The primary organization over Google's (its type, dates, symbol… stay), first; the others as they are."""
    held = _entries(cur, "organizations")
    index = _primary_index(held)
    rest = [_clean(e, "organizations") for i, e in enumerate(held) if i != index]
    org = _clean(held[index], "organizations") if index is not None else {}
    for key, value in (
        ("name", desired.organization),
        ("department", desired.department),
        ("title", desired.job_title),
        ("jobDescription", desired.role),
        ("phoneticName", desired.phonetic_name.organization),
    ):
        _set(org, key, value)
    mapped = ("name", "department", "title", "jobDescription", "phoneticName")
    return [org, *rest] if any(org.get(k) for k in mapped) else rest


def _address_key(entry: Mapping[str, Any]) -> str:
    read = normalize.normalize_contact(Contact(addresses=(_read_address(entry),))).addresses
    return read[0].key if read else ""


def _write_addresses(desired: Contact, cur: Mapping[str, Any]) -> list[JsonDict]:
    held = _entries(cur, "addresses")
    old = _by_key(held, _address_key)
    # the ISO code Google holds for a country name (not mapped): an address whose parts changed elsewhere is
    # written fresh, and keeps the code while its country is still the one the code was given for
    codes = {
        normalize.text(_str(e, "country")).casefold(): _str(e, "countryCode")
        for e in held
        if _str(e, "country") and _str(e, "countryCode")
    }
    out = []
    for address in desired.addresses:
        fresh = {key: getattr(address, attr) for attr, key in _ADDRESS_PARTS if getattr(address, attr)}
        if address.country and (code := codes.get(address.country.casefold())):
            fresh["countryCode"] = code
        entry = _reuse(old, address.key, fresh, "addresses")
        google = address.label or _ADDRESS_TYPES[address.kind]
        _set_type(entry, (address.kind, address.label), _address_kind_label, google)
        if normalize.multiline(_read_address(entry).formatted) != address.formatted:
            if address.formatted:
                entry["formattedValue"] = address.formatted
            else:
                entry.pop("formattedValue", None)  # Google computes it from the parts
        out.append(entry)
    return out


def _event_key(entry: Mapping[str, Any]) -> str:
    event = _read_event(entry)
    return "" if event is None else Event(event.date, event.label).key


def _write_events(desired: Contact, cur: Mapping[str, Any]) -> list[JsonDict]:
    """The anniversary first, then the anniversaries after Google's first (not mapped: kept), then the other
    events; an event the model cannot read (no date) stays."""
    held = _entries(cur, "events")
    anniversaries = [e for e in held if _is_anniversary(e)]
    out: list[JsonDict] = []
    if desired.anniversary is not None:
        first = anniversaries[0] if anniversaries else None
        if first is not None and _read_date(first) == desired.anniversary:
            out.append(_clean(first, "events"))
        else:
            out.append({"date": _date_to_google(desired.anniversary), "type": "anniversary"})
        out.extend(_clean(e, "events") for e in anniversaries[1:])
    others = [e for e in held if not _is_anniversary(e)]
    old = _by_key([e for e in others if _read_event(e) is not None], _event_key)
    for event in desired.events:
        out.append(_reuse(old, event.key, {"date": _date_to_google(event.date), "type": event.label}, "events"))
    out.extend(_clean(e, "events") for e in others if _read_event(e) is None)
    return out


def _relation_key(relation: Relation) -> str:
    return Relation(normalize.text(relation.name), relation.kind, normalize.text(relation.label)).key


def _im_key(im: InstantMessage) -> str:
    return InstantMessage(normalize.text(im.handle), normalize.text(im.service).lower(), "").key


def _write_ims(desired: Contact, cur: Mapping[str, Any]) -> JsonDict:
    """IMs to imClients, SIP addresses to sipAddresses; an element Google holds stays where it is."""
    old_ims = _by_key(_entries(cur, "imClients"), lambda e: _im_key(_read_im(e)))
    old_sips = _by_key(_entries(cur, "sipAddresses"), lambda e: _im_key(_read_sip(e)))
    ims: list[JsonDict] = []
    sips: list[JsonDict] = []
    for im in desired.ims:
        key = _im_key(im)
        if key in old_ims or (key not in old_sips and im.service != SIP):
            protocol = _PROTOCOLS.get(im.service, im.service)
            entry = _reuse(
                old_ims, key, {"username": im.handle, **({"protocol": protocol} if protocol else {})}, "imClients"
            )
            ims.append(entry)
        else:
            value = im.handle if im.handle[:4].lower() == "sip:" else f"sip:{im.handle}"
            entry = _reuse(old_sips, key, {"value": value}, "sipAddresses")
            sips.append(entry)
        _set(entry, "type", im.label)
    return {"imClients": ims, "sipAddresses": sips}


def copy_fields(fields: set[str], current: Mapping[str, Any]) -> JsonDict:
    """The person's own entries for ``fields``, as they can be sent back unchanged."""
    return {f: [_clean(e, f) for e in _entries(current, f)] for f in fields}
