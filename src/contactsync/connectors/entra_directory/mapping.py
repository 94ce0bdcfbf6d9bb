"""Entra ID users and organizational contacts to canonical contacts.

Users: which Graph user property fills which part of a contact is the admin's (``options.attributes``, over
:data:`DEFAULT_ATTRIBUTES`); property names are those of the v1.0 user resource
(https://learn.microsoft.com/graph/api/resources/user), including directory extension properties
(``extension_{appId}_{name}``). Org contacts have a fixed shape (orgContact resource: ``phones`` and ``addresses``
collections), so they map the same way in every tenant.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from contactsync.connectors.directory import Slot
from contactsync.model import AddressKind, Contact, Email, EmailKind, Name, Phone, PhoneKind, PostalAddress, Url

#: Graph user properties by slot, what a tenant usually fills (the Microsoft 365 admin center's contact fields)
DEFAULT_ATTRIBUTES: Mapping[Slot, str] = MappingProxyType(
    {
        Slot.GIVEN_NAME: "givenName",
        Slot.FAMILY_NAME: "surname",
        Slot.DISPLAY_NAME: "displayName",
        Slot.EMAIL: "mail",
        Slot.WORK_PHONE: "businessPhones",
        Slot.MOBILE_PHONE: "mobilePhone",
        Slot.FAX: "faxNumber",
        Slot.ORGANIZATION: "companyName",
        Slot.DEPARTMENT: "department",
        Slot.JOB_TITLE: "jobTitle",
        Slot.STREET: "streetAddress",
        Slot.LOCALITY: "city",
        Slot.REGION: "state",
        Slot.POSTAL_CODE: "postalCode",
        Slot.COUNTRY: "country",
    }
)
#: a user's photo is a separate binary resource (/users/{id}/photo/$value), not a property: not read
UNSUPPORTED_SLOTS = frozenset({Slot.PHOTO})

_PHONES = {
    Slot.WORK_PHONE: PhoneKind.WORK,
    Slot.MOBILE_PHONE: PhoneKind.MOBILE,
    Slot.HOME_PHONE: PhoneKind.HOME,
    Slot.FAX: PhoneKind.WORK_FAX,
    Slot.PAGER: PhoneKind.PAGER,
}
#: orgContact phone ``type`` values (phone resource type) to our kinds
_ORG_PHONES = {
    "business": PhoneKind.WORK,
    "mobile": PhoneKind.MOBILE,
    "home": PhoneKind.HOME,
    "businessFax": PhoneKind.WORK_FAX,
    "homeFax": PhoneKind.HOME_FAX,
    "pager": PhoneKind.PAGER,
}


def _texts(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if isinstance(v, str | int | float) and str(v).strip()]


def _first(value: Any) -> str:
    texts = _texts(value)
    return texts[0] if texts else ""


def user_to_contact(properties: Mapping[str, Any], slots: Mapping[Slot, str]) -> Contact:
    """The contact a user's selected properties describe."""

    def get(slot: Slot) -> Any:
        name = slots.get(slot)
        return properties.get(name) if name else None

    address = PostalAddress(
        street=_first(get(Slot.STREET)),
        locality=_first(get(Slot.LOCALITY)),
        region=_first(get(Slot.REGION)),
        postal_code=_first(get(Slot.POSTAL_CODE)),
        country=_first(get(Slot.COUNTRY)),
        kind=AddressKind.WORK,
    )
    return Contact(
        name=Name(given=_first(get(Slot.GIVEN_NAME)), family=_first(get(Slot.FAMILY_NAME))),
        display_name=_first(get(Slot.DISPLAY_NAME)),
        emails=tuple(Email(a, EmailKind.WORK) for a in _texts(get(Slot.EMAIL))),
        phones=tuple(Phone(n, kind) for slot, kind in _PHONES.items() for n in _texts(get(slot))),
        addresses=(address,) if address != PostalAddress(kind=AddressKind.WORK) else (),
        organization=_first(get(Slot.ORGANIZATION)),
        department=_first(get(Slot.DEPARTMENT)),
        job_title=_first(get(Slot.JOB_TITLE)),
        note="\n".join(_texts(get(Slot.NOTE))),
        urls=tuple(Url(u) for u in _texts(get(Slot.URL))),
    )


def org_contact_to_contact(properties: Mapping[str, Any]) -> Contact:
    """The contact an orgContact describes (a supplier, a partner: someone outside the tenant)."""
    phones = []
    for phone in properties.get("phones") or []:
        if isinstance(phone, Mapping) and _first(phone.get("number")):
            phones.append(Phone(_first(phone.get("number")), _ORG_PHONES.get(str(phone.get("type")), PhoneKind.OTHER)))
    addresses = []
    for where in properties.get("addresses") or []:
        if not isinstance(where, Mapping):
            continue
        address = PostalAddress(
            street=_first(where.get("street")),
            locality=_first(where.get("city")),
            region=_first(where.get("state")),
            postal_code=_first(where.get("postalCode")),
            country=_first(where.get("countryOrRegion")),
            kind=AddressKind.WORK,
        )
        if address != PostalAddress(kind=AddressKind.WORK):
            addresses.append(address)
    return Contact(
        name=Name(given=_first(properties.get("givenName")), family=_first(properties.get("surname"))),
        display_name=_first(properties.get("displayName")),
        emails=tuple(Email(a, EmailKind.WORK) for a in _texts(properties.get("mail"))),
        phones=tuple(phones),
        addresses=tuple(addresses),
        organization=_first(properties.get("companyName")),
        department=_first(properties.get("department")),
        job_title=_first(properties.get("jobTitle")),
    )


def stamp(properties: Mapping[str, Any], names: frozenset[str]) -> str:
    """A version stamp of the properties read (Graph gives directory objects no etag): equal values, equal
    stamp, so an unchanged user is never rewritten downstream."""
    picked = {name: properties.get(name) for name in sorted(names)}
    return hashlib.sha256(json.dumps(picked, sort_keys=True, default=str).encode()).hexdigest()[:24]
