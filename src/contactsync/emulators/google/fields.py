"""What the People API does to the fields of a person it stores: validation, output-only values, metadata.

The emulator stores each field as the list the client sent, minus what Google treats as output only, plus
what Google computes (``canonicalForm``, ``formattedType``, ``displayName``, field ``metadata``). Fields the
emulator has no special knowledge of are stored and returned as given.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from typing import Any

import phonenumbers

from .discovery import people_v1
from .errors import invalid_argument

_DOCUMENT = people_v1()

JsonDict = dict[str, Any]

# Every property of the Person schema in the bundled discovery document (people.v1.json).
PERSON_SCHEMA_FIELDS = frozenset(
    {
        "addresses", "ageRange", "ageRanges", "biographies", "birthdays", "braggingRights", "calendarUrls",
        "clientData", "coverPhotos", "emailAddresses", "etag", "events", "externalIds", "fileAses", "genders",
        "imClients", "interests", "locales", "locations", "memberships", "metadata", "miscKeywords", "names",
        "nicknames", "occupations", "organizations", "phoneNumbers", "photos", "relations",
        "relationshipInterests", "relationshipStatuses", "residences", "resourceName", "sipAddresses",
        "skills", "taglines", "urls", "userDefined",
    }
)  # fmt: skip

# Fields a client may write (updatePersonFields) and read (personFields / readMask): the paths the discovery
# document lists as valid ("Valid values are: * addresses * …"), so the emulator takes no path Google refuses.
WRITABLE_FIELDS = _DOCUMENT.mask("people.people.updateContact", "updatePersonFields") or frozenset()
READABLE_FIELDS = _DOCUMENT.mask("people.people.connections.list", "personFields") or frozenset()

# Deprecated or read-only schema fields: accepted in a body and ignored, as Google does.
IGNORED_INPUT_FIELDS = PERSON_SCHEMA_FIELDS - WRITABLE_FIELDS - {"resourceName", "etag", "metadata"}

SINGLETON_FIELDS = frozenset({"names", "birthdays", "genders", "biographies"})

_TYPED_FIELDS = frozenset(
    {
        "emailAddresses", "addresses", "organizations", "events", "urls", "relations", "sipAddresses",
        "externalIds", "calendarUrls", "phoneNumbers", "imClients",
    }
)  # fmt: skip
# What the discovery document marks "Output only" on each field's entries: a client's value is dropped and the
# server's computed one returned. (``formattedValue`` is output only on a gender; on an address it is the
# client's, computed only when not given.)
_OUTPUT_ONLY_KEYS: Mapping[str, frozenset[str]] = {
    "names": frozenset({"displayName", "displayNameLastFirst"}),
    "phoneNumbers": frozenset({"canonicalForm", "formattedType"}),
    "genders": frozenset({"formattedValue"}),
    "imClients": frozenset({"formattedType", "formattedProtocol"}),
    "memberships": frozenset({"domainMembership"}),
} | {field: frozenset({"formattedType"}) for field in _TYPED_FIELDS - {"phoneNumbers", "imClients"}}

# Google's display forms of the predefined ``type`` values (the discovery document's lists for emails, phones,
# addresses, urls, events, relations, organizations, SIP and IM clients); custom types are shown as written.
_FORMATTED_TYPES = {
    "home": "Home",
    "work": "Work",
    "other": "Other",
    "mobile": "Mobile",
    "homeFax": "Home Fax",
    "workFax": "Work Fax",
    "otherFax": "Other Fax",
    "pager": "Pager",
    "workMobile": "Work Mobile",
    "workPager": "Work Pager",
    "main": "Main",
    "googleVoice": "Google Voice",
    "anniversary": "Anniversary",
    "birthday": "Birthday",
    "homePage": "Home Page",
    "blog": "Blog",
    "profile": "Profile",
    "ftp": "FTP",
    "reservations": "Reservations",
    "appInstallPage": "App Install Page",
    "account": "Account",
    "customer": "Customer",
    "network": "Network",
    "organization": "Organization",
    "school": "School",
    "spouse": "Spouse",
    "child": "Child",
    "mother": "Mother",
    "father": "Father",
    "parent": "Parent",
    "brother": "Brother",
    "sister": "Sister",
    "friend": "Friend",
    "relative": "Relative",
    "domesticPartner": "Domestic Partner",
    "manager": "Manager",
    "assistant": "Assistant",
    "referredBy": "Referred by",
    "partner": "Partner",
}
# ImClient.protocol's predefined values and how Google shows them (formattedProtocol); custom ones as written
_FORMATTED_PROTOCOLS = {
    "aim": "AIM",
    "msn": "MSN",
    "yahoo": "Yahoo",
    "skype": "Skype",
    "qq": "QQ",
    "googleTalk": "Google Talk",
    "icq": "ICQ",
    "jabber": "Jabber",
    "netMeeting": "NetMeeting",
}
# Locale.value is "the well-formed IETF BCP 47 language tag": RFC 5646 section 2.1's grammar, without the
# grandfathered irregular tags. Whether Google refuses a malformed one is not documented: the emulator does
# (the stricter reading).
_BCP47 = re.compile(
    r"""(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})
        (?:-[a-z]{4})?
        (?:-(?:[a-z]{2}|[0-9]{3}))?
        (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
        (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*
        (?:-x(?:-[a-z0-9]{1,8})+)?
      |x(?:-[a-z0-9]{1,8})+""",
    re.IGNORECASE | re.VERBOSE,
)
_FORMATTED_GENDERS = {"male": "Male", "female": "Female", "unspecified": "Unspecified"}


def parse_mask(raw: str | None, *, allowed: frozenset[str], parameter: str, required: bool) -> list[str]:
    """Split a comma-separated field mask, refusing unknown paths like Google (400 INVALID_ARGUMENT)."""
    if raw is None or not raw.strip():
        if required:
            raise invalid_argument(f"{parameter} mask is required. Please specify one or more valid paths.")
        return []
    paths = []
    for part in raw.split(","):
        path = part.strip()
        # Masks may be written with a "person." prefix (e.g. "person.names").
        path = path.removeprefix("person.")
        if path not in allowed:
            raise invalid_argument(
                f'Invalid {parameter} mask path: "{path}". Valid paths are documented at '
                "https://developers.google.com/people/api/rest/v1/people/get."
            )
        if path not in paths:
            paths.append(path)
    return paths


def check_person_body(body: object, where: str = "person") -> JsonDict:
    """Refuse what Google's JSON parser refuses: a non-object, or a name the Person schema lacks."""
    if not isinstance(body, dict):
        raise invalid_argument(f"Invalid JSON payload received. Expected an object at '{where}'.")
    for key in body:
        if key not in PERSON_SCHEMA_FIELDS:
            raise invalid_argument(
                f"Invalid JSON payload received. Unknown name \"{key}\" at '{where}': Cannot find field."
            )
    for key, value in body.items():
        if key in {"resourceName", "etag"}:
            if not isinstance(value, str):
                raise invalid_argument(f"Invalid value at '{where}.{key}', expected a string.")
        elif key != "metadata" and not isinstance(value, list):
            raise invalid_argument(f"Invalid value at '{where}.{key}', expected a list.")
    return body


def normalize_field(field: str, entries: Iterable[object], source_id: str) -> list[JsonDict]:
    """Store one field: drop client metadata and output-only keys, compute what Google computes.

    Of a client's field metadata only ``sourcePrimary`` counts (FieldMetadata: ``primary`` and ``verified`` are
    output only, ``source`` is the server's): the entry it marks is the primary one, else the first. "Each source
    must have at most one field with source_primary set to true": two are refused.
    """
    result: list[JsonDict] = []
    items = list(entries)
    if field in SINGLETON_FIELDS and len(items) > 1:
        raise invalid_argument(f"Invalid person: only one {field[:-1]} is allowed, {len(items)} were given.")
    marked = [i for i, raw in enumerate(items) if isinstance(raw, dict) and _source_primary(raw)]
    if len(marked) > 1:
        raise invalid_argument(f"Invalid person: at most one of {field} may have metadata.sourcePrimary set.")
    primary = marked[0] if marked else 0
    for index, raw in enumerate(items):
        if not isinstance(raw, dict):
            raise invalid_argument(f"Invalid value at 'person.{field}[{index}]', expected an object.")
        dropped = _OUTPUT_ONLY_KEYS.get(field, frozenset()) | {"metadata"}
        entry = {key: value for key, value in raw.items() if key not in dropped}
        if field in {"birthdays", "events"}:
            _check_date(field, index, entry)
        _compute(field, entry)
        entry["metadata"] = _field_metadata(source_id, primary=index == primary)
        result.append(entry)
    return result


def _source_primary(entry: JsonDict) -> bool:
    metadata = entry.get("metadata")
    return isinstance(metadata, dict) and metadata.get("sourcePrimary") is True


def _field_metadata(source_id: str, *, primary: bool) -> JsonDict:
    metadata: JsonDict = {"source": {"type": "CONTACT", "id": source_id}}
    if primary:
        return {"primary": True, "sourcePrimary": True, **metadata}
    return metadata


def _check_date(field: str, index: int, entry: JsonDict) -> None:
    """Date: "year … from 1 to 9999, or 0"; "month … from 1 to 12, or 0"; "day … from 1 to 31 and valid for the
    year and month, or 0", in one of the four documented forms (full, month and day, year and month, year)."""
    date = entry.get("date")
    if not isinstance(date, dict):
        return
    year, month, day = (date.get(k) or 0 for k in ("year", "month", "day"))
    valid_form = (year and month and day) or (not year and month and day) or (year and month and not day)
    valid_form = valid_form or (year and not month and not day)
    in_range = 0 <= year <= 9999 and 0 <= month <= 12 and 0 <= day <= 31
    if in_range and valid_form and month and day:
        in_range = day <= calendar.monthrange(year or 2000, month)[1]
    if not (in_range and valid_form):
        raise invalid_argument(f"Invalid date at 'person.{field}[{index}].date': not a valid whole or partial date.")


def _compute(field: str, entry: JsonDict) -> None:
    if field in _TYPED_FIELDS and isinstance(entry.get("type"), str) and entry["type"]:
        entry["formattedType"] = _FORMATTED_TYPES.get(entry["type"], entry["type"])
    if field == "names":
        _compute_name(entry)
    elif field == "phoneNumbers":
        canonical = canonical_phone(entry.get("value"))
        if canonical is not None:
            entry["canonicalForm"] = canonical
    elif field == "genders" and isinstance(entry.get("value"), str):
        entry["formattedValue"] = _FORMATTED_GENDERS.get(entry["value"], entry["value"])
    elif field == "addresses" and not entry.get("formattedValue"):
        # Address.formattedValue: "If this is not set by the user it will be automatically constructed from
        # structured values." Google's exact layout (locale-dependent) is not documented; this one uses the
        # parts' own words only, in a US-like order.
        formatted = _formatted_address(entry)
        if formatted:
            entry["formattedValue"] = formatted
    elif field == "imClients" and isinstance(entry.get("protocol"), str) and entry["protocol"]:
        entry["formattedProtocol"] = _FORMATTED_PROTOCOLS.get(entry["protocol"], entry["protocol"])
    elif field == "locales":
        value = entry.get("value")
        if isinstance(value, str) and value and not _BCP47.fullmatch(value):
            raise invalid_argument(f"Invalid locale value: {value!r} is not a well-formed IETF BCP 47 language tag.")
    elif field == "memberships":
        membership = entry.get("contactGroupMembership")
        if isinstance(membership, dict) and isinstance(membership.get("contactGroupResourceName"), str):
            name = membership["contactGroupResourceName"]
            entry["contactGroupMembership"] = {
                "contactGroupId": name.removeprefix("contactGroups/"),
                "contactGroupResourceName": name,
            }


def _formatted_address(entry: JsonDict) -> str:
    def part(key: str) -> str:
        value = entry.get(key)
        return value.strip() if isinstance(value, str) else ""

    place = " ".join(p for p in (", ".join(p for p in (part("city"), part("region")) if p), part("postalCode")) if p)
    lines = (
        part("poBox"),
        part("streetAddress"),
        part("extendedAddress"),
        place,
        part("country") or part("countryCode"),
    )
    return "\n".join(line for line in lines if line)


def _compute_name(entry: JsonDict) -> None:
    def part(key: str) -> str:
        value = entry.get(key)
        return value.strip() if isinstance(value, str) else ""

    given, middle, family = part("givenName"), part("middleName"), part("familyName")
    structured = " ".join(p for p in (part("honorificPrefix"), given, middle, family, part("honorificSuffix")) if p)
    display = structured or part("unstructuredName")
    if display:
        entry["displayName"] = display
        first_last = " ".join(p for p in (given, middle) if p)
        entry["displayNameLastFirst"] = f"{family}, {first_last}" if family and first_last else display
        entry.setdefault("unstructuredName", display)


def canonical_phone(value: object) -> str | None:
    """E.164 form when the number is parsable without a region (Google uses the account's region)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def membership_group_names(entries: Iterable[JsonDict]) -> list[str]:
    """The group resource names a stored ``memberships`` field points at, in order, without duplicates."""
    names: list[str] = []
    for entry in entries:
        membership = entry.get("contactGroupMembership") or {}
        name = membership.get("contactGroupResourceName")
        if isinstance(name, str) and name not in names:
            names.append(name)
    return names


def membership_entry(group_resource_name: str, source_id: str) -> JsonDict:
    return {
        "contactGroupMembership": {
            "contactGroupId": group_resource_name.removeprefix("contactGroups/"),
            "contactGroupResourceName": group_resource_name,
        },
        "metadata": {"source": {"type": "CONTACT", "id": source_id}},
    }
