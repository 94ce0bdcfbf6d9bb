"""Directory entries to canonical contacts: which attribute fills which part of a contact.

An admin's directory rarely uses only the standard attributes, so the map is configurable per account
(``options.attributes``); the defaults follow RFC 4519 / RFC 2798 (inetOrgPerson) for OpenLDAP and the
Active Directory schema for ``flavor: active_directory``.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from contactsync.connectors.directory import Slot as Slot  # moved there: every directory source shares it
from contactsync.model import (
    AddressKind,
    Contact,
    Email,
    EmailKind,
    Name,
    Phone,
    PhoneKind,
    Photo,
    PostalAddress,
    Url,
)
from contactsync.settings import BookSettings

#: the photo cap when no book sets one (a distribution's source): ``books[].photo_max_bytes``' default
DEFAULT_PHOTO_MAX_BYTES = BookSettings.photo_max_bytes


class Flavor(enum.Enum):
    OPENLDAP = "openldap"
    ACTIVE_DIRECTORY = "active_directory"


_COMMON: dict[Slot, str] = {
    Slot.GIVEN_NAME: "givenName",
    Slot.FAMILY_NAME: "sn",
    Slot.DISPLAY_NAME: "displayName",
    Slot.EMAIL: "mail",
    Slot.WORK_PHONE: "telephoneNumber",
    Slot.MOBILE_PHONE: "mobile",
    Slot.HOME_PHONE: "homePhone",
    Slot.FAX: "facsimileTelephoneNumber",
    Slot.PAGER: "pager",
    Slot.JOB_TITLE: "title",
    Slot.STREET: "street",
    Slot.LOCALITY: "l",
    Slot.REGION: "st",
    Slot.POSTAL_CODE: "postalCode",
    Slot.COUNTRY: "c",
    Slot.NOTE: "description",
}

#: the attributes each flavor reads by default; ``options.attributes`` replaces single slots
DEFAULT_ATTRIBUTES: Mapping[Flavor, Mapping[Slot, str]] = MappingProxyType(
    {
        Flavor.OPENLDAP: MappingProxyType(
            {**_COMMON, Slot.ORGANIZATION: "o", Slot.DEPARTMENT: "ou", Slot.URL: "labeledURI", Slot.PHOTO: "jpegPhoto"}
        ),
        Flavor.ACTIVE_DIRECTORY: MappingProxyType(
            {
                **_COMMON,
                Slot.ORGANIZATION: "company",
                Slot.DEPARTMENT: "department",
                Slot.URL: "wWWHomePage",
                Slot.PHOTO: "thumbnailPhoto",
            }
        ),
    }
)

_PHONES = {
    Slot.WORK_PHONE: PhoneKind.WORK,
    Slot.MOBILE_PHONE: PhoneKind.MOBILE,
    Slot.HOME_PHONE: PhoneKind.HOME,
    Slot.FAX: PhoneKind.WORK_FAX,
    Slot.PAGER: PhoneKind.PAGER,
}


def _texts(values: Any) -> list[str]:
    if values is None:
        return []
    if isinstance(values, (str, bytes)):
        values = [values]
    out = []
    for value in values:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        if text.strip():
            out.append(text.strip())
    return out


def _first(values: Any) -> str:
    texts = _texts(values)
    return texts[0] if texts else ""


def _photo_data(values: Any) -> bytes | None:
    """The bytes of the first value of a photo attribute, if it holds any."""
    if not values:
        return None
    data = values[0] if isinstance(values, Sequence) and not isinstance(values, bytes) else values
    return data if isinstance(data, bytes) and data else None


def _photo(values: Any, max_bytes: int) -> Photo | None:
    data = _photo_data(values)
    if data is None or len(data) > max_bytes:
        return None
    media_type = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return Photo(hashlib.sha256(data).hexdigest(), media_type, data)


def _getter(attributes: Mapping[str, Any], slots: Mapping[Slot, str]) -> Callable[[Slot], Any]:
    """The value of a slot's attribute; names compare case-insensitively, as LDAP's do."""
    folded = {name.lower(): value for name, value in attributes.items()}

    def get(slot: Slot) -> Any:
        attribute = slots.get(slot)
        return folded.get(attribute.lower()) if attribute else None

    return get


def photo_over_cap(
    attributes: Mapping[str, Any], slots: Mapping[Slot, str], *, photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES
) -> bool:
    """Whether the entry holds a photo larger than ``photo_max_bytes``, which :func:`entry_to_contact` leaves out
    (the source says so: a photo is never dropped in silence)."""
    data = _photo_data(_getter(attributes, slots)(Slot.PHOTO))
    return data is not None and len(data) > photo_max_bytes


def entry_to_contact(
    attributes: Mapping[str, Any], slots: Mapping[Slot, str], *, photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES
) -> Contact:
    """The contact an entry describes. ``attributes`` is the entry's attributes by name, as the LDAP client gives
    them (lists of str, or bytes for binary ones); names compare case-insensitively, as LDAP's do. A photo over
    ``photo_max_bytes`` is left out (:func:`photo_over_cap` tells)."""
    get = _getter(attributes, slots)

    phones = tuple(Phone(number, kind) for slot, kind in _PHONES.items() for number in _texts(get(slot)))
    address = PostalAddress(
        street=_first(get(Slot.STREET)),
        locality=_first(get(Slot.LOCALITY)),
        region=_first(get(Slot.REGION)),
        postal_code=_first(get(Slot.POSTAL_CODE)),
        country=_first(get(Slot.COUNTRY)),
        kind=AddressKind.WORK,
    )
    urls = tuple(Url(text.split(" ", 1)[0]) for text in _texts(get(Slot.URL)))  # labeledURI: "URI label"
    return Contact(
        name=Name(given=_first(get(Slot.GIVEN_NAME)), family=_first(get(Slot.FAMILY_NAME))),
        display_name=_first(get(Slot.DISPLAY_NAME)),
        emails=tuple(Email(address, EmailKind.WORK) for address in _texts(get(Slot.EMAIL))),
        phones=phones,
        addresses=(address,) if address != PostalAddress(kind=AddressKind.WORK) else (),
        organization=_first(get(Slot.ORGANIZATION)),
        department=_first(get(Slot.DEPARTMENT)),
        job_title=_first(get(Slot.JOB_TITLE)),
        note="\n".join(_texts(get(Slot.NOTE))),
        urls=urls,
        photo=_photo(get(Slot.PHOTO), photo_max_bytes),
    )
