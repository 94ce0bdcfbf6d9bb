"""Contact ↔ Microsoft Graph ``contact`` JSON: pure functions, no I/O.

What Outlook holds, and what it does not (each declared in :data:`LOSSY` and cut by :func:`fit`, never
silently dropped on the way out; property names and types from the Graph v1.0 ``contact`` resource,
https://learn.microsoft.com/graph/api/resources/contact):

- names: givenName, surname, middleName, title (prefix), generation (suffix), displayName, one nickName (a
  second nickname has no slot);
- phonetic names: yomiGivenName, yomiSurname, yomiCompanyName ("phonetic Japanese" in Graph's words, Outlook's
  "Furigana" fields, but any script is stored); there is no phonetic middle name;
- three email slots (``emailAddresses``), without a home/work kind or a custom label;
- one ``mobilePhone``, two ``businessPhones``, two ``homePhones``; main and other numbers fill free business
  slots; fax and pager numbers have no slot, custom labels neither (Outlook's phone slots are fixed);
- one home, one business and one other address; a physicalAddress has no PO box, extended line, custom label
  or formatted (printed) form;
- companyName, department, jobTitle, profession (the role), personalNotes, categories (tags), one
  businessHomePage;
- three ``imAddresses`` (strings; Outlook's IM 1-3): an address is written ``service:handle`` ("sip:ana@…",
  "xmpp:ana@…") or the bare handle when the service is unknown, and read back the same way: a leading URI scheme
  is the service, so an address Outlook holds as "sip:ana@contoso.com" keeps its prefix. Labels are not held;
- related people in fixed slots: ``spouseName``, ``children`` (any number), ``manager``, ``assistantName``; other
  kinds of relation (parent, friend, a partner…) have no slot;
- a birthday only as a full date, stored by Graph as a UTC instant (see :func:`birthday_date`); we write
  ``YYYY-MM-DDT11:59:00Z`` and compare dates, never strings. A birthday without a year (or day) cannot be held.

Not held at all: anniversary, other dates (events), gender, languages, the photo, user-defined key/values
(``custom``: Graph can store them only as extended properties, which a delta listing does not return and which
can only be read by their exact id) and vCard's carried lines. What the model does not map (fileAs, initials,
officeLocation, extended properties of other applications…) stays on the item: :func:`patch_body` sends only
the mapped properties whose value changed, so a property nobody changed is never written.

:func:`fit` is literally "write, then read back": ``from_graph(as_created(to_graph(contact)))``, so what the
engine expects an account to hold is by construction what a re-read gives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Final

from contactsync.model import (
    AddressKind,
    Contact,
    Email,
    EmailKind,
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
    Tag,
    Url,
)
from contactsync.normalize import normalize_contact

#: our marker: a single-value extended property in a property set of our own (a fixed GUID, never change it)
MARKER_GUID: Final = "8f4e2c71-3b5a-4d9e-a6c1-5e2b7d0f9a34"
MARKER_PROPERTY: Final = f"String {{{MARKER_GUID}}} Name contactsync-id"
EXTENDED: Final = "singleValueExtendedProperties"

MAX_EMAILS: Final = 3
MAX_BUSINESS_PHONES: Final = 2
MAX_HOME_PHONES: Final = 2
#: Outlook's IM address 1-3; Graph answers 400 to a fourth (see the emulator's mailbox module)
MAX_IM_ADDRESSES: Final = 3

FIELDS: Final = frozenset(
    {
        Field.NAME,
        Field.DISPLAY_NAME,
        Field.NICKNAMES,
        Field.EMAILS,
        Field.PHONES,
        Field.ADDRESSES,
        Field.ORGANIZATION,
        Field.DEPARTMENT,
        Field.JOB_TITLE,
        Field.BIRTHDAY,
        Field.URLS,
        Field.NOTE,
        Field.TAGS,
        Field.PHONETIC_NAME,
        Field.IMS,
        Field.RELATIONS,
        Field.ROLE,
    }
)

LOSSY: Final[Mapping[Field, str]] = MappingProxyType(
    {
        Field.NICKNAMES: "one nickname",
        Field.PHONETIC_NAME: "phonetic given name, surname and company name; no phonetic middle name",
        Field.EMAILS: "three addresses at most, without a home/work kind or a custom label",
        Field.PHONES: "one mobile, two business and two home numbers (main and other numbers take free business "
        "slots); fax and pager numbers and custom labels are not kept",
        Field.ADDRESSES: "one home, one business and one other address, without PO box, extended line, custom "
        "label or printed form",
        Field.BIRTHDAY: "full dates only: a birthday without a year cannot be held",
        Field.URLS: "one web page (businessHomePage), without its label",
        Field.IMS: "three IM addresses at most, without labels",
        Field.RELATIONS: "a spouse, a manager, an assistant (one each) and children; other relations (parents, "
        "friends, partners…) and their labels are not kept",
    }
)

_ADDRESS_SLOTS: Final = (
    ("homeAddress", AddressKind.HOME),
    ("businessAddress", AddressKind.WORK),
    ("otherAddress", AddressKind.OTHER),
)
_TEXT_SLOTS: Final = (
    "givenName",
    "surname",
    "middleName",
    "title",
    "generation",
    "displayName",
    "nickName",
    "companyName",
    "department",
    "jobTitle",
    "personalNotes",
    "businessHomePage",
    "mobilePhone",
    "profession",
    "yomiGivenName",
    "yomiSurname",
    "yomiCompanyName",
    "spouseName",
    "manager",
    "assistantName",
)

#: every contact property the mapping reads: the delta's ``$select`` (plus the modification time)
SELECT: Final = (
    *_TEXT_SLOTS,
    "emailAddresses",
    "businessPhones",
    "homePhones",
    "imAddresses",
    "children",
    "homeAddress",
    "businessAddress",
    "otherAddress",
    "birthday",
    "categories",
    "lastModifiedDateTime",
)

#: the time we write a birthday at: near noon UTC, the instant shows the same date from UTC-11 to UTC+12 (Outlook
#: shows a birthday in the viewer's time zone), and it is what Outlook on the web writes itself
BIRTHDAY_TIME: Final = "T11:59:00Z"


def _phone_slots(phones: tuple[Phone, ...]) -> tuple[str | None, list[str], list[str]]:
    mobile: str | None = None
    business: list[str] = []
    home: list[str] = []
    spill: list[str] = []
    for phone in phones:
        if phone.kind is PhoneKind.MOBILE and mobile is None:
            mobile = phone.number
        elif phone.kind is PhoneKind.HOME:
            if len(home) < MAX_HOME_PHONES:
                home.append(phone.number)
        elif phone.kind is PhoneKind.WORK:
            if len(business) < MAX_BUSINESS_PHONES:
                business.append(phone.number)
        elif phone.kind in (PhoneKind.MAIN, PhoneKind.OTHER):
            spill.append(phone.number)
    # main/other numbers have no slot of their own: they take what business slots are left, after the work ones
    business.extend(spill[: MAX_BUSINESS_PHONES - len(business)])
    return mobile, business, home


def _address(a: PostalAddress) -> dict[str, str]:
    parts = {
        "street": a.street,
        "city": a.locality,
        "state": a.region,
        "postalCode": a.postal_code,
        "countryOrRegion": a.country,
    }
    return {k: v for k, v in parts.items() if v}


#: Outlook's slots for related people, in the order a contact reads them
_RELATION_SLOTS: Final = (
    ("spouseName", RelationKind.SPOUSE),
    ("children", RelationKind.CHILD),
    ("manager", RelationKind.MANAGER),
    ("assistantName", RelationKind.ASSISTANT),
)

#: a URI scheme (RFC 3986 section 3.1) opening an IM address: the service, as in vCard's IMPP ("sip:", "xmpp:")
_IM_SCHEME: Final = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.+)", re.DOTALL)


def im_address(im: InstantMessage) -> str:
    """The string Outlook holds for an IM handle: ``service:handle``, or the handle alone when the service is
    unknown (an address like ``sip:ana@contoso.com`` is how Outlook and Teams write SIP addresses)."""
    return f"{im.service}:{im.handle}" if im.service else im.handle


def read_im_address(value: str) -> InstantMessage:
    """An Outlook IM address as a handle: a leading URI scheme is its service, kept so that writing the handle
    back gives the address as it was (``sip:ana@contoso.com`` stays ``sip:…``)."""
    match = _IM_SCHEME.fullmatch(value.strip())
    if match is None:
        return InstantMessage(value)
    return InstantMessage(match.group(2), match.group(1).lower())


def _first_related(relations: tuple[Relation, ...], kind: RelationKind) -> str | None:
    return next((r.name for r in relations if r.kind is kind), None)


def _birthday(date: PartialDate | None) -> str | None:
    if date is None or date.year is None or date.month is None or date.day is None:
        return None
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}{BIRTHDAY_TIME}"


def to_graph(contact: Contact) -> dict[str, Any]:
    """Every mapped property, empty ones as ``None``/``[]`` (so a PATCH carrying them clears them)."""
    n = contact.name
    mobile, business, home = _phone_slots(contact.phones)
    addresses: dict[str, dict[str, str] | None] = {slot: None for slot, _ in _ADDRESS_SLOTS}
    for a in contact.addresses:
        slot = next(s for s, kind in _ADDRESS_SLOTS if kind is a.kind)
        if addresses[slot] is None and _address(a):
            addresses[slot] = _address(a)
    body: dict[str, Any] = {
        "givenName": n.given or None,
        "surname": n.family or None,
        "middleName": n.middle or None,
        "title": n.prefix or None,
        "generation": n.suffix or None,
        "displayName": contact.display_name or None,
        "nickName": contact.nicknames[0] if contact.nicknames else None,
        "yomiGivenName": contact.phonetic_name.given or None,
        "yomiSurname": contact.phonetic_name.family or None,
        "yomiCompanyName": contact.phonetic_name.organization or None,
        "emailAddresses": [{"name": e.address, "address": e.address} for e in contact.emails[:MAX_EMAILS]],
        "mobilePhone": mobile,
        "businessPhones": business,
        "homePhones": home,
        **addresses,
        "companyName": contact.organization or None,
        "department": contact.department or None,
        "jobTitle": contact.job_title or None,
        "profession": contact.role or None,
        "imAddresses": [im_address(m) for m in contact.ims[:MAX_IM_ADDRESSES]],
        "spouseName": _first_related(contact.relations, RelationKind.SPOUSE),
        "children": [r.name for r in contact.relations if r.kind is RelationKind.CHILD],
        "manager": _first_related(contact.relations, RelationKind.MANAGER),
        "assistantName": _first_related(contact.relations, RelationKind.ASSISTANT),
        "birthday": _birthday(contact.birthday),
        "businessHomePage": contact.urls[0].value if contact.urls else None,
        "personalNotes": contact.note or None,
        "categories": sorted((t.name for t in contact.tags), key=str.casefold),
    }
    return body


def phone_key(number: str, region: str = "US") -> str:
    """A number as the model reads it (what :func:`from_graph` makes of it): two spellings of one number match."""
    phones = normalize_contact(Contact(phones=(Phone(number, PhoneKind.WORK),)), region).phones
    return phones[0].key if phones else number


def create_body(contact: Contact) -> dict[str, Any]:
    """A POST body: only what is set (Graph needs no explicit nulls on a new item)."""
    return {k: v for k, v in to_graph(contact).items() if v not in (None, [], {})}


def patch_body(previous: Contact | None, desired: Contact) -> dict[str, Any]:
    """Only the properties whose Graph form differs from what the item holds now (all of them without one)."""
    new = to_graph(desired)
    if previous is None:
        return new
    old = to_graph(previous)
    return {k: v for k, v in new.items() if old.get(k) != v}


def as_created(body: Mapping[str, Any]) -> dict[str, Any]:
    """What Graph stores for a POST ``body``: it computes displayName from the name parts when none is sent."""
    stored = dict(body)
    if not stored.get("displayName"):
        parts = [stored.get(k) for k in ("givenName", "middleName", "surname")]
        stored["displayName"] = " ".join(p for p in parts if p) or None
    return stored


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return value if isinstance(value, str) else ""


def _strings(item: Mapping[str, Any], key: str) -> list[str]:
    value = item.get(key)
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def birthday_date(value: str) -> date:
    """The date Outlook shows for a ``birthday`` instant (#14, divergence 8).

    Graph keeps a birthday as a UTC DateTimeOffset, and Outlook clients write the user's *local midnight*: the 17th
    written in UTC+2 reads ``…-16T22:00:00Z``, in UTC-5 ``…-17T05:00:00Z``; Outlook on the web and we write
    ``…-17T11:59:00Z``. Without the writer's time zone, the date is that of the nearest midnight (the instant plus
    12 hours, then its UTC date): right for every writer from UTC-11 to UTC+12 and for the 11:59 convention. A
    local midnight in UTC+13/+14 (Tonga, Samoa, Kiribati) or UTC-12 reads one day off.
    """
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.astimezone(UTC) + timedelta(hours=12)).date()


def _read_birthday(value: Any) -> PartialDate | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    if "T" not in value:
        year, month, day = (int(x) for x in value[:10].split("-"))
        return PartialDate(year, month, day)
    shown = birthday_date(value)
    return PartialDate(shown.year, shown.month, shown.day)


def from_graph(item: Mapping[str, Any], region: str = "US") -> Contact:
    """A Graph contact as a normalized canonical Contact. Raises ValueError/TypeError on unreadable values."""
    emails = item.get("emailAddresses")
    addresses = []
    for slot, kind in _ADDRESS_SLOTS:
        raw = item.get(slot)
        if isinstance(raw, Mapping) and any(raw.values()):
            addresses.append(
                PostalAddress(
                    street=_text(raw, "street"),
                    locality=_text(raw, "city"),
                    region=_text(raw, "state"),
                    postal_code=_text(raw, "postalCode"),
                    country=_text(raw, "countryOrRegion"),
                    kind=kind,
                )
            )
    mobile = _text(item, "mobilePhone")
    phones = (
        ([Phone(mobile, PhoneKind.MOBILE)] if mobile else [])
        + [Phone(p, PhoneKind.WORK) for p in _strings(item, "businessPhones")]
        + [Phone(p, PhoneKind.HOME) for p in _strings(item, "homePhones")]
    )
    page = _text(item, "businessHomePage")
    relations = [
        Relation(name, kind)
        for slot, kind in _RELATION_SLOTS
        for name in (_strings(item, slot) if slot == "children" else (_text(item, slot),))
        if name
    ]
    contact = Contact(
        name=Name(
            given=_text(item, "givenName"),
            family=_text(item, "surname"),
            middle=_text(item, "middleName"),
            prefix=_text(item, "title"),
            suffix=_text(item, "generation"),
        ),
        display_name=_text(item, "displayName"),
        nicknames=(_text(item, "nickName"),) if _text(item, "nickName") else (),
        emails=tuple(
            Email(e["address"], EmailKind.OTHER)
            for e in (emails if isinstance(emails, list) else ())
            if isinstance(e, Mapping) and isinstance(e.get("address"), str) and e["address"]
        ),
        phones=tuple(phones),
        addresses=tuple(addresses),
        organization=_text(item, "companyName"),
        department=_text(item, "department"),
        job_title=_text(item, "jobTitle"),
        birthday=_read_birthday(item.get("birthday")),
        urls=(Url(page),) if page else (),
        note=_text(item, "personalNotes"),
        tags=frozenset(Tag(c) for c in _strings(item, "categories")),
        phonetic_name=PhoneticName(
            given=_text(item, "yomiGivenName"),
            family=_text(item, "yomiSurname"),
            organization=_text(item, "yomiCompanyName"),
        ),
        ims=tuple(read_im_address(a) for a in _strings(item, "imAddresses")),
        relations=tuple(relations),
        role=_text(item, "profession"),
    )
    return normalize_contact(contact, region)


def fit(contact: Contact, region: str = "US") -> Contact:
    """The contact as Outlook holds it after a create and a re-read."""
    return from_graph(as_created(to_graph(contact)), region)


def _property_key(property_id: str) -> str:
    """An extended property id as Exchange compares it: type, GUID and keyword in any case, the name exactly."""
    parts = property_id.strip().split(" ", 3)
    if len(parts) == 4 and parts[2].casefold() == "name":
        return f"{parts[0].casefold()} {parts[1].casefold()} name {parts[3]}"
    return property_id.strip().casefold()


def marker_of(item: Mapping[str, Any]) -> str | None:
    """Our marker from an item read with ``$expand`` of our extended property (its name compares case-sensitively:
    a property "Contactsync-Id" someone else wrote is not ours)."""
    ours = _property_key(MARKER_PROPERTY)
    for prop in item.get(EXTENDED) or ():
        if isinstance(prop, Mapping) and _property_key(str(prop.get("id", ""))) == ours:
            value = prop.get("value")
            return value if isinstance(value, str) and value else None
    return None


def marker_property(contact_id: str) -> list[dict[str, str]]:
    return [{"id": MARKER_PROPERTY, "value": contact_id}]
