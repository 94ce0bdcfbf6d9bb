"""vCard (2.1 read, 3.0 and 4.0 read and written) ↔ the canonical :class:`contactsync.model.Contact`.

Reading is tolerant: only a text with no card structure at all raises :class:`CardError`. Writing back over an
``original`` card replaces only the properties the model maps and keeps every other line as it was
(X- properties, Apple's grouped ``item1.X-ABLabel``, LABEL, PRODID, URL photos, photos over the cap), so
that a write-back never strips what another client stored (sync invariant 12). A mapped property whose
meaning did not change keeps its original line byte for byte, so rewriting an unchanged card is a no-op
(invariant 6).
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
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
    Photo,
    PostalAddress,
    Url,
)

from .lines import ContentLine, escape_text, read_lines, split_unescaped, unescape_text, write_line

MARKER_PROPERTY = "X-CONTACTSYNC-ID"
PRODID = "-//contactsync//contactsync//EN"
DEFAULT_PHOTO_MAX_BYTES = 1_000_000

#: what a vCard holds of a contact: everything but ``custom`` (no X- property is mapped yet)
VCARD_FIELDS = ALL_FIELDS - {Field.CUSTOM}


class CardError(Exception):
    """A card that cannot be read at all. The message says why and never quotes the card's content."""


@dataclass(frozen=True)
class ParsedCard:
    uid: str
    version: str
    contact: Contact
    marker: str | None
    is_group: bool
    members: tuple[str, ...]
    photo_dropped: bool


class _Slot(enum.Enum):
    """A mapped property. Multi-valued slots match original lines element by element."""

    FN = "FN"
    N = "N"
    NICKNAME = "NICKNAME"
    EMAIL = "EMAIL"
    TEL = "TEL"
    ADR = "ADR"
    ORG = "ORG"
    TITLE = "TITLE"
    BDAY = "BDAY"
    ANNIVERSARY = "ANNIVERSARY"
    URL = "URL"
    NOTE = "NOTE"
    PHOTO = "PHOTO"
    CATEGORIES = "CATEGORIES"


_MULTI = frozenset({_Slot.EMAIL, _Slot.TEL, _Slot.ADR, _Slot.URL})
_ABSENT = object()
_BOOKKEEPING = frozenset({"VERSION", "UID", "REV", MARKER_PROPERTY})


class _PhotoLine(enum.Enum):
    """A PHOTO line the model does not hold: kept on rewrite unless the model now has a photo."""

    NOT_INLINE = "not inline"  # a URL: never fetched
    DROPPED = "dropped"  # over the cap or undecodable


@dataclass(frozen=True, slots=True)
class _Card:
    version: str  # as written: "2.1", "3.0", "4.0" or "" when missing
    lines: tuple[ContentLine, ...]


def _read_card(text: str) -> _Card:
    lines = read_lines(text)
    begin = next(
        (i for i, line in enumerate(lines) if line.name == "BEGIN" and line.value.strip().upper() == "VCARD"), None
    )
    if begin is None:
        raise CardError("no BEGIN:VCARD line: this is not a vCard")
    body: list[ContentLine] = []
    depth = 0
    end: int | None = None
    for index in range(begin + 1, len(lines)):
        line = lines[index]
        if line.name == "END" and depth == 0:
            end = index
            break
        if line.name == "BEGIN":
            depth += 1
        elif line.name == "END":
            depth -= 1
        body.append(replace(line, nested=True) if depth or line.name == "END" else line)
    if end is None:
        raise CardError("the card has no END:VCARD line (truncated?)")
    if any(line.name == "BEGIN" and line.value.strip().upper() == "VCARD" for line in lines[end + 1 :]):
        raise CardError("the text holds more than one card")
    version = next((line.value.strip() for line in body if line.name == "VERSION" and not line.nested), "")
    return _Card(version, tuple(body))


def _output_version(written: str) -> str:
    return "4.0" if written.startswith("4") else "3.0"


# ---------------------------------------------------------------- one line → one model value


def _text(value: str) -> str:
    return normalize.text(unescape_text(value))


def _components(value: str, count: int) -> list[str]:
    parts = [unescape_text(p) for p in split_unescaped(value, ";")]
    return (parts + [""] * count)[:count]


def _email_kind(types: frozenset[str]) -> EmailKind:
    if "work" in types:
        return EmailKind.WORK
    if "home" in types:
        return EmailKind.HOME
    return EmailKind.OTHER


def _phone_kind(types: frozenset[str]) -> PhoneKind:
    if types & {"cell", "mobile", "iphone"}:
        return PhoneKind.MOBILE
    if "pager" in types:
        return PhoneKind.PAGER
    if "fax" in types:
        # a fax that says neither home nor work is usually an office one
        return PhoneKind.HOME_FAX if "home" in types else PhoneKind.WORK_FAX
    if "main" in types:
        return PhoneKind.MAIN
    if "home" in types:
        return PhoneKind.HOME
    if "work" in types:
        return PhoneKind.WORK
    return PhoneKind.OTHER


_PHONE_TYPES: dict[PhoneKind, tuple[str, ...]] = {
    PhoneKind.MOBILE: ("cell",),
    PhoneKind.HOME: ("home",),
    PhoneKind.WORK: ("work",),
    PhoneKind.MAIN: ("main",),
    PhoneKind.HOME_FAX: ("home", "fax"),
    PhoneKind.WORK_FAX: ("work", "fax"),
    PhoneKind.PAGER: ("pager",),
    PhoneKind.OTHER: (),
}


def _address_kind(types: frozenset[str]) -> AddressKind:
    if "work" in types:
        return AddressKind.WORK
    if "home" in types:
        return AddressKind.HOME
    return AddressKind.OTHER


def _date(line: ContentLine) -> PartialDate | None:
    if any(v.lower() == "text" for v in line.param("VALUE")):
        return None  # free text ("circa 1800"): not a date, kept as an unknown line
    try:
        parsed = PartialDate.parse(unescape_text(line.value))
        omitted = line.param("X-APPLE-OMIT-YEAR")  # Apple writes 1604-04-15 for "April 15, year unknown"
        if omitted and parsed.year is not None and str(parsed.year) == omitted[0].strip():
            parsed = PartialDate(None, parsed.month, parsed.day)
    except ValueError:
        return None
    return parsed


_DATA_URI = re.compile(r"data:([^;,]*)((?:;[^;,]*)*),", re.IGNORECASE)
_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG", "image/png"), (b"GIF8", "image/gif"))


def _media_type(declared: str, data: bytes) -> str:
    declared = declared.strip().lower()
    if declared:
        return declared if "/" in declared else f"image/{declared}"
    return next((media for magic, media in _MAGIC if data.startswith(magic)), "image/jpeg")


def _photo(line: ContentLine, max_bytes: int) -> Photo | _PhotoLine:
    value = line.value.strip()
    encodings = {v.lower() for v in line.param("ENCODING")}
    data_uri = _DATA_URI.match(value)
    if data_uri is not None and "base64" in data_uri.group(2).lower():
        payload, declared = value[data_uri.end() :], data_uri.group(1)
    elif encodings & {"b", "base64"}:
        payload, declared = value, next(iter(line.param("TYPE") or line.param("MEDIATYPE")), "")
    else:
        return _PhotoLine.NOT_INLINE
    payload = "".join(payload.split())
    if len(payload) * 3 // 4 > max_bytes + 3:  # checked before decoding: a 50 MB photo is never decoded
        return _PhotoLine.DROPPED
    try:
        data = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
    except (binascii.Error, ValueError):
        return _PhotoLine.DROPPED
    if not data or len(data) > max_bytes:
        return _PhotoLine.DROPPED
    return Photo.from_bytes(data, _media_type(declared, data))


def _decode(line: ContentLine, region: str, photo_max_bytes: int) -> tuple[_Slot, Any] | None:
    """The model value one line carries, or None when the model does not map this line."""
    if line.nested:
        return None
    name = line.name
    if name == "FN":
        return _Slot.FN, _text(line.value)
    if name == "N":
        family, given, middle, prefix, suffix = (normalize.text(p) for p in _components(line.value, 5))
        return _Slot.N, Name(given, family, middle, prefix, suffix)
    if name == "NICKNAME":
        return _Slot.NICKNAME, _text(split_unescaped(line.value, ",")[0])
    if name == "EMAIL":
        address = normalize.email_address(unescape_text(line.value))
        return _Slot.EMAIL, Email(address, _email_kind(line.types()))
    if name == "TEL":
        number = normalize.phone_number(unescape_text(line.value), region)
        return _Slot.TEL, Phone(number, _phone_kind(line.types()))
    if name == "ADR":
        po_box, extended, street, locality, area, code, country = _components(line.value, 7)
        postal = PostalAddress(
            normalize.multiline(street),
            normalize.text(locality),
            normalize.text(area),
            normalize.text(code),
            normalize.text(country),
            normalize.text(po_box),
            normalize.text(extended),
            _address_kind(line.types()),
        )
        return _Slot.ADR, postal
    if name == "ORG":
        org, department = _components(line.value, 2)
        return _Slot.ORG, (normalize.text(org), normalize.text(department))
    if name == "TITLE":
        return _Slot.TITLE, _text(line.value)
    if name == "NOTE":
        return _Slot.NOTE, normalize.multiline(unescape_text(line.value))
    if name == "URL":
        return _Slot.URL, Url(_text(line.value))
    if name in ("BDAY", "ANNIVERSARY", "X-ANNIVERSARY"):
        date = _date(line)
        if date is None:
            return None
        return (_Slot.BDAY if name == "BDAY" else _Slot.ANNIVERSARY), date
    if name == "PHOTO":
        return _Slot.PHOTO, _photo(line, photo_max_bytes)
    if name == "CATEGORIES":
        return _Slot.CATEGORIES, normalize.tags(_text(p) for p in split_unescaped(line.value, ","))
    return None


# ---------------------------------------------------------------- parse


def derived_display_name(contact: Contact) -> str:
    """What a card shows as FN when the contact has no display name: vCard requires one."""
    if contact.display_name:
        return contact.display_name
    first_email = contact.emails[0].address if contact.emails else ""
    return contact.name.formatted() or contact.organization or first_email


def fit_contact(contact: Contact) -> Contact:
    """The contact as a vCard holds it after a write and a re-read: custom data dropped, FN filled in."""
    projected = contact.project(VCARD_FIELDS)
    return replace(projected, display_name=derived_display_name(projected))


def parse_card(text: str, *, region: str = "US", photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES) -> ParsedCard:
    """Read one card. Raises CardError when ``text`` has no card structure; tolerates everything else."""
    card = _read_card(text)
    values: dict[_Slot, list[Any]] = {slot: [] for slot in _Slot}
    photo_dropped = False
    for line in card.lines:
        decoded = _decode(line, region, photo_max_bytes)
        if decoded is None:
            continue
        slot, value = decoded
        if slot is _Slot.PHOTO and isinstance(value, _PhotoLine):
            photo_dropped = photo_dropped or value is _PhotoLine.DROPPED
            continue
        values[slot].append(value)

    def first(slot: _Slot, default: Any) -> Any:
        return values[slot][0] if values[slot] else default

    org, department = first(_Slot.ORG, ("", ""))
    contact = normalize.normalize_contact(
        Contact(
            name=first(_Slot.N, Name()),
            display_name=first(_Slot.FN, ""),
            nickname=first(_Slot.NICKNAME, ""),
            emails=tuple(values[_Slot.EMAIL]),
            phones=tuple(values[_Slot.TEL]),
            addresses=tuple(values[_Slot.ADR]),
            organization=org,
            department=department,
            job_title=first(_Slot.TITLE, ""),
            birthday=first(_Slot.BDAY, None),
            anniversary=first(_Slot.ANNIVERSARY, None),
            urls=tuple(values[_Slot.URL]),
            note=first(_Slot.NOTE, ""),
            photo=first(_Slot.PHOTO, None),
            tags=normalize.tags(t for tags in values[_Slot.CATEGORIES] for t in tags),
        ),
        region,
    )
    contact = replace(contact, display_name=derived_display_name(contact))

    def single(*names: str) -> str:
        return next((_text(line.value) for line in card.lines if line.name in names and not line.nested), "")

    kinds = {single("KIND").lower(), single("X-ADDRESSBOOKSERVER-KIND").lower()}
    members = tuple(
        line.value.strip()
        for line in card.lines
        if line.name in ("MEMBER", "X-ADDRESSBOOKSERVER-MEMBER") and not line.nested
    )
    return ParsedCard(
        uid=single("UID"),
        version=_output_version(card.version),
        contact=contact,
        marker=single(MARKER_PROPERTY) or None,
        is_group="group" in kinds,
        members=members,
        photo_dropped=photo_dropped,
    )


_UID_LINE = re.compile(r"^UID(?:;[^:\r\n]*)?:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.IGNORECASE | re.MULTILINE)


def card_uid(text: str) -> str | None:
    """The UID without a full parse (the first UID line, unfolded), or None when there is none."""
    match = _UID_LINE.search(text)
    if match is None:
        return None
    uid = re.sub(r"\r?\n[ \t]", "", match.group(1)).strip()
    return uid or None


# ---------------------------------------------------------------- render


def _line(name: str, value: str, params: Sequence[tuple[str, Sequence[str]]] = (), group: str = "") -> ContentLine:
    return ContentLine(name, value, tuple((k, tuple(v)) for k, v in params if v), group)


def _photo_line(photo: Photo, version: str) -> ContentLine:
    payload = base64.b64encode(photo.data).decode("ascii")
    if version == "4.0":
        return _line("PHOTO", f"data:{photo.media_type};base64,{payload}")
    subtype = photo.media_type.removeprefix("image/").upper()
    return _line("PHOTO", payload, [("ENCODING", ["b"]), ("TYPE", [subtype])])


def _desired(contact: Contact, version: str, categories: bool) -> list[tuple[_Slot, Any, ContentLine]]:
    """Every mapped line the contact needs, in a fresh card's order, with the value each carries."""
    out: list[tuple[_Slot, Any, ContentLine]] = []
    display = derived_display_name(contact)
    out.append((_Slot.FN, display, _line("FN", escape_text(display))))
    n = contact.name
    if version == "3.0" or not n.is_empty():  # 3.0 requires N, even empty
        name_parts = (n.family, n.given, n.middle, n.prefix, n.suffix)
        out.append((_Slot.N, n, _line("N", ";".join(escape_text(p) for p in name_parts))))
    if contact.nickname:
        out.append((_Slot.NICKNAME, contact.nickname, _line("NICKNAME", escape_text(contact.nickname))))
    for email in contact.emails:
        kind = [] if email.kind is EmailKind.OTHER else [email.kind.value]
        out.append((_Slot.EMAIL, email, _line("EMAIL", escape_text(email.address), [("TYPE", kind)])))
    for phone in contact.phones:
        types = _PHONE_TYPES[phone.kind]
        out.append((_Slot.TEL, phone, _line("TEL", escape_text(phone.number), [("TYPE", types)])))
    for a in contact.addresses:
        parts = (a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code, a.country)
        kind = [] if a.kind is AddressKind.OTHER else [a.kind.value]
        value = ";".join(escape_text(p) for p in parts)
        out.append((_Slot.ADR, a, _line("ADR", value, [("TYPE", kind)])))
    if contact.organization or contact.department:
        org = (contact.organization, contact.department)
        value = escape_text(contact.organization) + (
            f";{escape_text(contact.department)}" if contact.department else ""
        )
        out.append((_Slot.ORG, org, _line("ORG", value)))
    if contact.job_title:
        out.append((_Slot.TITLE, contact.job_title, _line("TITLE", escape_text(contact.job_title))))
    if contact.birthday is not None:
        out.append((_Slot.BDAY, contact.birthday, _line("BDAY", contact.birthday.to_iso())))
    if contact.anniversary is not None:
        name = "ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY"
        out.append((_Slot.ANNIVERSARY, contact.anniversary, _line(name, contact.anniversary.to_iso())))
    for url in contact.urls:
        # URIs are not text, but escaping the backslash keeps a stray one from eating the next character
        out.append((_Slot.URL, url, _line("URL", url.value.replace("\\", "\\\\"))))
    if contact.note:
        out.append((_Slot.NOTE, contact.note, _line("NOTE", escape_text(contact.note))))
    if contact.photo is not None and contact.photo.data:
        out.append((_Slot.PHOTO, contact.photo, _photo_line(contact.photo, version)))
    if categories and contact.tags:
        names = sorted((t.name for t in contact.tags), key=lambda name: (name.casefold(), name))
        value = ",".join(escape_text(t) for t in names)
        out.append((_Slot.CATEGORIES, contact.tags, _line("CATEGORIES", value)))
    return out


def _now_rev() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _set(lines: list[ContentLine], name: str, value: str | None, *, after: str | None = "VERSION") -> None:
    """One line named ``name`` with ``value`` (None: none), at the place of the first existing one."""
    positions = [i for i, line in enumerate(lines) if line.name == name and not line.nested]
    if value is None:
        for i in reversed(positions):
            del lines[i]
        return
    if positions:
        first = positions[0]
        if lines[first].value != value:
            lines[first] = replace(lines[first], value=value)
        for i in reversed(positions[1:]):
            del lines[i]
        return
    if after is None:
        lines.append(_line(name, value))
        return
    anchor = next((i for i, line in enumerate(lines) if line.name == after and not line.nested), -1)
    lines.insert(anchor + 1, _line(name, value))


def _insert_after_same_name(lines: list[ContentLine], new: ContentLine) -> None:
    last = max((i for i, line in enumerate(lines) if line.name == new.name and not line.nested), default=None)
    lines.insert(len(lines) if last is None else last + 1, new)


def _merge(
    original: _Card,
    desired: list[tuple[_Slot, Any, ContentLine]],
    contact: Contact,
    *,
    version: str,
    categories: bool,
    photo_max_bytes: int,
) -> list[ContentLine]:
    """The original's lines with the mapped ones brought in line with ``desired``; other lines untouched."""
    same_version = original.version == version
    decoded: list[tuple[_Slot, Any] | None] = []
    for line in original.lines:
        item = _decode(line, "US", photo_max_bytes)
        if item is not None and item[0] is _Slot.CATEGORIES and not categories:
            item = None  # the caller keeps tags in group cards: CATEGORIES is left as it is
        if item is not None and isinstance(item[1], _PhotoLine) and contact.photo is None:
            item = None  # a URL photo or one over the cap, and nothing to replace it with: keep it
        if item is not None and item[0] is _Slot.PHOTO and contact.photo is not None and not contact.photo.data:
            item = None  # the model knows this photo by digest only (bytes not loaded): nothing to write
        decoded.append(item)

    wanted_single = {slot: value for slot, value, _ in desired if slot not in _MULTI}
    new_single = {slot: line for slot, _, line in desired if slot not in _MULTI}
    # singletons already right somewhere in the original stay where they are
    satisfied = {
        item[0]
        for item in decoded
        if same_version
        and item is not None
        and item[0] not in _MULTI
        and wanted_single.get(item[0], _ABSENT) == item[1]
    }
    remaining_multi = [(slot, value, line) for slot, value, line in desired if slot in _MULTI]

    out: list[ContentLine | None] = list(original.lines)
    removed_groups: set[str] = set()
    placed: set[_Slot] = set()
    # pass 1: keep lines that already carry a wanted value (multi-valued: element by element)
    kept = [False] * len(out)
    for index, item in enumerate(decoded):
        if item is None:
            kept[index] = True
            continue
        slot, value = item
        if slot in _MULTI:
            match = next((d for d in remaining_multi if same_version and d[0] is slot and d[1] == value), None)
            if match is not None:
                remaining_multi.remove(match)
                kept[index] = True
        elif slot in satisfied and wanted_single.get(slot, _ABSENT) == value:
            kept[index] = True
    # pass 2: rewrite the rest in place (an element whose kind changed keeps its group), remove what is gone
    for index, item in enumerate(decoded):
        if kept[index] or item is None:
            continue
        slot, value = item
        line = original.lines[index]
        replacement: ContentLine | None = None
        if slot in _MULTI:
            key = getattr(value, "key", None)
            match = next((d for d in remaining_multi if d[0] is slot and getattr(d[1], "key", None) == key), None)
            if match is not None:
                remaining_multi.remove(match)
                replacement = replace(match[2], group=line.group)
        elif slot in new_single and slot not in satisfied and slot not in placed:
            placed.add(slot)
            replacement = replace(new_single[slot], group=line.group)
        if replacement is None and line.group:
            removed_groups.add(line.group)
        out[index] = replacement

    lines = [line for line in out if line is not None]
    still_mapped = {line.group for line in lines if line.group and _decode(line, "US", photo_max_bytes)}
    orphaned = removed_groups - still_mapped
    lines = [line for line in lines if line.group not in orphaned]
    for slot, line in new_single.items():
        if slot not in satisfied and slot not in placed:
            _insert_after_same_name(lines, line)
    for _, _, line in remaining_multi:
        _insert_after_same_name(lines, line)
    return lines


def render_card(
    contact: Contact,
    *,
    uid: str,
    marker: str | None,
    version: str = "4.0",
    original: str | None = None,
    categories: bool = True,
    photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES,
) -> str:
    """The card text (CRLF, folded) for ``contact`` in vCard ``version`` ("3.0" or "4.0").

    With ``original`` (the card as stored now), every line the model does not map is kept as it was and mapped
    lines whose meaning did not change are kept verbatim; REV is updated only when something changed. An
    unreadable ``original`` is ignored (a fresh card is written). ``marker`` None means no marker on the card.
    With ``categories`` False, CATEGORIES is neither written nor removed. ``photo_max_bytes`` must be the cap
    the card is read with: an original photo over it is one the model never saw, so it is kept.
    """
    if version not in ("3.0", "4.0"):
        raise ValueError(f"vCard version must be 3.0 or 4.0, not {version!r}")
    desired = _desired(contact, version, categories)
    previous: _Card | None = None
    if original is not None:
        try:
            previous = _read_card(original)
        except CardError:
            previous = None
    if previous is None:
        lines = [_line("VERSION", version), _line("PRODID", PRODID)]
        lines += [line for _, _, line in desired]
        before: list[ContentLine] | None = None
    else:
        lines = _merge(
            previous, desired, contact, version=version, categories=categories, photo_max_bytes=photo_max_bytes
        )
        before = list(previous.lines)
    # VERSION comes first (4.0 requires it), then the identity lines
    lines = [line for line in lines if not (line.name == "VERSION" and not line.nested)]
    lines.insert(0, _line("VERSION", version))
    _set(lines, "UID", uid)
    _set(lines, MARKER_PROPERTY, escape_text(marker) if marker is not None else None, after="UID")
    if before is None or _without_rev(lines) != _without_rev(before):
        _set(lines, "REV", _now_rev(), after=None)
    body = "".join(write_line(line) for line in lines)
    return f"BEGIN:VCARD\r\n{body}END:VCARD\r\n"


def _without_rev(lines: Iterable[ContentLine]) -> list[ContentLine]:
    return [line for line in lines if line.name != "REV"]


__all__ = [
    "DEFAULT_PHOTO_MAX_BYTES",
    "MARKER_PROPERTY",
    "VCARD_FIELDS",
    "CardError",
    "ParsedCard",
    "card_uid",
    "derived_display_name",
    "fit_contact",
    "parse_card",
    "render_card",
]
