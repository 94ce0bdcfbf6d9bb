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

from .lines import (
    ContentLine,
    escape_text,
    lex_line,
    line_text,
    read_lines,
    split_unescaped,
    unescape_text,
    write_line,
    write_line_21,
)

MARKER_PROPERTY = "X-CONTACTSYNC-ID"
PRODID = "-//contactsync//contactsync//EN"
DEFAULT_PHOTO_MAX_BYTES = 1_000_000

#: what a vCard holds of a contact: everything but ``custom`` (the X- properties travel in ``vcard_lines``)
VCARD_FIELDS = ALL_FIELDS - {Field.CUSTOM}
#: lines no contact carries from card to card: they say which card this is and who wrote it, not who the person is
_NOT_CARRIED = frozenset({"VERSION", "UID", "REV", "PRODID", MARKER_PROPERTY, "BEGIN", "END"})


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
    """The version a card is written back in: its own (2.1 included: the codec writes 2.1 lines), 3.0 when it
    said none or one we do not know."""
    if written.startswith("4"):
        return "4.0"
    if written.startswith("2"):
        return "2.1"
    return "3.0"


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


def fit_contact(contact: Contact, *, region: str = "US") -> Contact:
    """The contact as a vCard holds it after a write and a re-read: custom data dropped, FN filled in, the
    carried lines a card would carry (see :func:`fit_lines`)."""
    projected = fit_lines(contact.project(VCARD_FIELDS), region=region)
    return replace(projected, display_name=derived_display_name(projected))


def parse_card(text: str, *, region: str = "US", photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES) -> ParsedCard:
    """Read one card. Raises CardError when ``text`` has no card structure; tolerates everything else."""
    card = _read_card(text)
    version = _output_version(card.version)
    values: dict[_Slot, list[Any]] = {slot: [] for slot in _Slot}
    carried: list[str] = []  # what vcard_lines holds: unmapped lines and the forms of mapped ones
    photo_dropped = False
    for line in card.lines:
        if line.nested or line.name in _NOT_CARRIED:
            continue
        decoded = _decode(line, region, photo_max_bytes)
        if decoded is None:
            carried.append(line_text(line))
            continue
        slot, value = decoded
        if slot is _Slot.PHOTO and isinstance(value, _PhotoLine):
            photo_dropped = photo_dropped or value is _PhotoLine.DROPPED
            if value is _PhotoLine.NOT_INLINE:
                carried.append(line_text(line))  # a photo by URL: never fetched, passed on as it is
            continue
        if _empty_name(slot, value):
            continue  # maps to nothing: the card keeps it as it is, and no copy needs it
        if slot not in _MULTI and slot not in _NO_FORMS and values[slot]:
            # a second FN, ORG…: the model holds the first, the card all (a plain repeat of the first says nothing)
            if not (values[slot][0] == value and _is_plain(slot, value, line)):
                carried.append(line_text(line))
            continue
        values[slot].append(value)
        if slot is _Slot.TEL:
            line = _spelled_canonically(line, value)
        if slot not in _NO_FORMS and not _is_plain(slot, value, line) and not _empty_name(slot, value):
            # written otherwise than we would write this value (parameters, group, what the model does not hold
            # of it): the line itself travels, and is written wherever this value is
            carried.append(line_text(line))

    def first(slot: _Slot, default: Any) -> Any:
        return values[slot][0] if values[slot] else default

    org, department = first(_Slot.ORG, ("", ""))
    contact = normalize.normalize_contact(
        Contact(
            name=first(_Slot.N, Name()),
            display_name=first(_Slot.FN, ""),
            nicknames=tuple(values[_Slot.NICKNAME][:1]),
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
            vcard_lines=tuple(carried),
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
        version=version,
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
    return _line("PHOTO", payload, [("ENCODING", ["BASE64" if version == "2.1" else "b"]), ("TYPE", [subtype])])


#: slots whose lines never travel as forms: a photo's bytes are in the model already, and tags are written
#: the account's own way (CATEGORIES or group cards)
_NO_FORMS = frozenset({_Slot.PHOTO, _Slot.CATEGORIES})


def _generate(slot: _Slot, value: Any, version: str) -> ContentLine | None:
    """The line we write for one mapped value in a card of ``version`` (None: photos and tags, written apart)."""
    if slot is _Slot.FN:
        return _line("FN", escape_text(value))
    if slot is _Slot.N:
        n: Name = value
        return _line("N", ";".join(escape_text(p) for p in (n.family, n.given, n.middle, n.prefix, n.suffix)))
    if slot is _Slot.NICKNAME:
        return _line("NICKNAME", escape_text(value))
    if slot is _Slot.EMAIL:
        email: Email = value
        kind = [] if email.kind is EmailKind.OTHER else [email.kind.value]
        return _line("EMAIL", escape_text(email.address), [("TYPE", kind)])
    if slot is _Slot.TEL:
        phone: Phone = value
        return _line("TEL", escape_text(phone.number), [("TYPE", _PHONE_TYPES[phone.kind])])
    if slot is _Slot.ADR:
        a: PostalAddress = value
        parts = (a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code, a.country)
        kind = [] if a.kind is AddressKind.OTHER else [a.kind.value]
        return _line("ADR", ";".join(escape_text(p) for p in parts), [("TYPE", kind)])
    if slot is _Slot.ORG:
        org, department = value
        return _line("ORG", escape_text(org) + (f";{escape_text(department)}" if department else ""))
    if slot is _Slot.TITLE:
        return _line("TITLE", escape_text(value))
    if slot is _Slot.BDAY:
        return _line("BDAY", value.to_iso())
    if slot is _Slot.ANNIVERSARY:
        return _line("ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY", value.to_iso())
    if slot is _Slot.URL:
        # URIs are not text, but escaping the backslash keeps a stray one from eating the next character
        return _line("URL", value.value.replace("\\", "\\\\"))
    if slot is _Slot.NOTE:
        return _line("NOTE", escape_text(value))
    return None


def _empty_name(slot: _Slot, value: Any) -> bool:
    """A line that maps to nothing ("N:;;;;", "FN:", "item1.NICKNAME:", "EMAIL:") says nothing: never a form
    to carry, and left as it is on its card."""
    if slot in _NO_FORMS:
        return False
    if slot in _MULTI:
        return not value.key.strip("|")  # an empty EMAIL, TEL, ADR or URL: the model drops it
    if slot is _Slot.N:
        return bool(value.is_empty())
    if slot is _Slot.ORG:
        return not any(value)
    return not value


def _spelled_canonically(line: ContentLine, phone: Phone) -> ContentLine:
    """A TEL line with its number as the model holds it (E.164): a phone's spelling is the book's to choose on
    the cards it writes (``phone_format``), and a card written back keeps its own line anyway. A ``tel:`` URI or
    a number with an extension is kept as written: it holds more than the number."""
    raw = unescape_text(line.value).strip()
    if raw.lower().startswith("tel:") or ";" in raw or "ext" in raw.lower() or not phone.number.startswith("+"):
        return line
    return line.changed(value=escape_text(phone.number))


def _is_plain(slot: _Slot, value: Any, line: ContentLine) -> bool:
    """The line is what we would write for its value (in 3.0 or 4.0: ANNIVERSARY is X-ANNIVERSARY in 3.0), so
    the value alone says how to write it."""
    return line == _generate(slot, value, "4.0") or line == _generate(slot, value, "3.0")


def _single_values(contact: Contact) -> list[tuple[_Slot, Any]]:
    """The contact's single-valued mapped values, as the card's lines decode them."""
    out: list[tuple[_Slot, Any]] = []
    display = derived_display_name(contact)
    if display:
        out.append((_Slot.FN, display))
    if not contact.name.is_empty():  # an empty N ("N:" or "N:;;;;") says nothing: never a form
        out.append((_Slot.N, contact.name))
    if contact.nicknames:  # (interim: the first; the others travel as written)
        out.append((_Slot.NICKNAME, contact.nicknames[0]))
    if contact.organization or contact.department:
        out.append((_Slot.ORG, (contact.organization, contact.department)))
    if contact.job_title:
        out.append((_Slot.TITLE, contact.job_title))
    if contact.birthday is not None:
        out.append((_Slot.BDAY, contact.birthday))
    if contact.anniversary is not None:
        out.append((_Slot.ANNIVERSARY, contact.anniversary))
    if contact.note:
        out.append((_Slot.NOTE, contact.note))
    return out


def _desired(contact: Contact, version: str, categories: bool, region: str) -> list[tuple[_Slot, Any, ContentLine]]:
    """Every mapped line the contact needs, in a fresh card's order, with the value each carries (as the card's
    lines decode: a phone as its E.164 number, whatever spelling the line is written in)."""
    values: list[tuple[_Slot, Any]] = []
    display = derived_display_name(contact)
    if display:  # a card with nothing to show gets no empty FN: the card keeps what it had
        values.append((_Slot.FN, display))
    if version != "4.0" or not contact.name.is_empty():  # 2.1 and 3.0 require N, even empty
        values.append((_Slot.N, contact.name))
    if contact.nicknames:  # (interim: the first; the others travel as written)
        values.append((_Slot.NICKNAME, contact.nicknames[0]))
    values += [(_Slot.EMAIL, e) for e in contact.emails]
    out: list[tuple[_Slot, Any, ContentLine]] = []
    for phone in contact.phones:
        line = _generate(_Slot.TEL, phone, version)
        assert line is not None
        out.append((_Slot.TEL, replace(phone, number=normalize.phone_number(phone.number, region)), line))
    values += [(_Slot.ADR, a) for a in contact.addresses]
    if contact.organization or contact.department:
        values.append((_Slot.ORG, (contact.organization, contact.department)))
    if contact.job_title:
        values.append((_Slot.TITLE, contact.job_title))
    if contact.birthday is not None:
        values.append((_Slot.BDAY, contact.birthday))
    if contact.anniversary is not None:
        values.append((_Slot.ANNIVERSARY, contact.anniversary))
    values += [(_Slot.URL, u) for u in contact.urls]
    if contact.note:
        values.append((_Slot.NOTE, contact.note))
    for slot, value in values:
        line = _generate(slot, value, version)
        assert line is not None
        out.append((slot, value, line))
    if contact.photo is not None and contact.photo.data:
        out.append((_Slot.PHOTO, contact.photo, _photo_line(contact.photo, version)))
    if categories and contact.tags:
        names = sorted((t.name for t in contact.tags), key=lambda name: (name.casefold(), name))
        value = ",".join(escape_text(t) for t in names)
        out.append((_Slot.CATEGORIES, contact.tags, _line("CATEGORIES", value)))
    order = {slot: i for i, slot in enumerate(_Slot)}
    out.sort(key=lambda d: order[d[0]])  # stable: the elements of one slot keep their order
    return out


@dataclass(frozen=True, slots=True)
class _Carried:
    """A contact's ``vcard_lines`` read back: lines the model does not map, and the forms of mapped values."""

    unmapped: tuple[ContentLine, ...]
    forms: tuple[tuple[_Slot, Any, ContentLine], ...]

    @classmethod
    def of(cls, contact: Contact, region: str, photo_max_bytes: int) -> _Carried:
        unmapped: list[ContentLine] = []
        forms: list[tuple[_Slot, Any, ContentLine]] = []
        for text in contact.vcard_lines:
            line = lex_line(text)
            if line is None:
                continue
            decoded = _decode(line, region, photo_max_bytes)
            if decoded is None or isinstance(decoded[1], _PhotoLine) or decoded[0] in _NO_FORMS:
                unmapped.append(line)
            else:
                forms.append((decoded[0], decoded[1], line))
        # a single-valued property given twice (FN in two languages, a second ORG): the line whose value the
        # contact holds is the form of that value, the others are lines of their own, carried as they are. When
        # none holds the contact's value, the value changed since: they were all forms of the old one
        singles = {slot: value for slot, value in _single_values(contact)}
        matched = {slot for slot, value, _l in forms if slot in singles and singles[slot] == value}
        second = [f for f in forms if f[0] in matched and f[1] != singles[f[0]]]
        unmapped += [line for _s, _v, line in second]
        return cls(tuple(unmapped), tuple(f for f in forms if f not in second))

    def form_for(
        self, slot: _Slot, value: Any, taken: set[int], generated: ContentLine | None = None
    ) -> ContentLine | None:
        """The line the value was written as where it came from (each form used once). A phone's form holds its
        number as E.164: it is written in the spelling of ``generated`` (the book's phone format)."""
        for index, (form_slot, form_value, line) in enumerate(self.forms):
            if index not in taken and form_slot is slot and form_value == value:
                taken.add(index)
                if slot is _Slot.TEL and generated is not None and line.value == escape_text(value.number):
                    return line.changed(value=generated.value)
                return line
        return None

    def orphaned_groups(self, taken: set[int]) -> set[str]:
        """Groups whose mapped line is gone (a label of an email removed since): their other lines go too."""
        used = {self.forms[i][2].group for i in taken}
        return {line.group for _s, _v, line in self.forms if line.group} - used


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
            lines[first] = lines[first].changed(value=value)
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


def _fresh(desired: list[tuple[_Slot, Any, ContentLine]], carried: _Carried, version: str) -> list[ContentLine]:
    """A new card's lines: each value in the form it was written in where it came from, then the lines the
    model does not map, as they were (a label whose element is gone is left out with it)."""
    taken: set[int] = set()
    lines = [_line("VERSION", version), _line("PRODID", PRODID)]
    for slot, value, line in desired:
        lines.append(carried.form_for(slot, value, taken, line) or line)
    orphaned = carried.orphaned_groups(taken)
    lines += [line for line in carried.unmapped if line.group not in orphaned]
    return lines


def fit_lines(contact: Contact, *, region: str = "US", photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES) -> Contact:
    """The contact with only the ``vcard_lines`` a new card would carry (forms of values it no longer has,
    and labels of elements it no longer has, left out)."""
    if not contact.vcard_lines:
        return contact
    carried = _Carried.of(contact, region, photo_max_bytes)
    if not carried.forms:
        return contact
    taken: set[int] = set()
    for slot, value, _generated in _desired(contact, "4.0", categories=False, region=region):
        carried.form_for(slot, value, taken)
    orphaned = carried.orphaned_groups(taken)
    kept = {
        line_text(line) for i in taken for slot, value, line in [carried.forms[i]] if not _is_plain(slot, value, line)
    }
    kept |= {line_text(line) for line in carried.unmapped if line.group not in orphaned}
    return replace(contact, vcard_lines=tuple(t for t in contact.vcard_lines if t in kept))


def _merge(
    original: _Card,
    desired: list[tuple[_Slot, Any, ContentLine]],
    contact: Contact,
    carried: _Carried,
    previous: Contact | None,
    *,
    version: str,
    categories: bool,
    photo_max_bytes: int,
    region: str,
) -> list[ContentLine]:
    """The original's lines with the mapped ones brought in line with ``desired``; lines the model does not map
    stay as they were, unless the contact no longer carries one it did (removed on another vCard account);
    lines it carries that the card lacks are added."""
    same_version = _output_version(original.version) == version
    decoded: list[tuple[_Slot, Any] | None] = []
    for line in original.lines:
        item = _decode(line, region, photo_max_bytes)
        if item is not None and item[0] is _Slot.CATEGORIES and not categories:
            item = None  # the caller keeps tags in group cards: CATEGORIES is left as it is
        if item is not None and isinstance(item[1], _PhotoLine) and contact.photo is None:
            item = None  # a URL photo or one over the cap, and nothing to replace it with: keep it
        if item is not None and item[0] is _Slot.PHOTO and contact.photo is not None and not contact.photo.data:
            item = None  # the model knows this photo by digest only (bytes not loaded): nothing to write
        if item is not None and _empty_name(*item) and not any(slot is item[0] for slot, _v, _l in desired):
            item = None  # an empty FN, NICKNAME…, and nothing to write instead: left as it is
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
    carried_now = set(contact.vcard_lines)
    carried_before = set(previous.vcard_lines) if previous is not None else set()
    taken: set[int] = set()

    out: list[ContentLine | None] = list(original.lines)
    removed_groups: set[str] = set()
    placed: set[_Slot] = set()
    # pass 1: keep lines that already carry a wanted value (multi-valued: element by element)
    kept = [False] * len(out)
    for index, item in enumerate(decoded):
        line = original.lines[index]
        if item is None:
            text = line_text(line)
            # a line another vCard account removed (we carried it, the contact no longer does) goes here too
            kept[index] = line.nested or text in carried_now or text not in carried_before
            continue
        slot, value = item
        if slot in _MULTI:
            match = next((d for d in remaining_multi if same_version and d[0] is slot and d[1] == value), None)
            if match is not None:
                remaining_multi.remove(match)
                kept[index] = True
        elif slot in satisfied and wanted_single.get(slot, _ABSENT) == value:
            kept[index] = True
        elif slot in satisfied and line_text(line) in carried_now:
            kept[index] = True  # a second FN, ORG… the contact carries: stays where it is
    # pass 2: rewrite the rest in place (an element whose kind changed keeps its group), remove what is gone
    for index, item in enumerate(decoded):
        if kept[index]:
            continue
        line = original.lines[index]
        if item is None:
            if line.group:
                removed_groups.add(line.group)
            out[index] = None
            continue
        slot, value = item
        replacement: ContentLine | None = None
        if slot in _MULTI:
            key = getattr(value, "key", None)
            match = next((d for d in remaining_multi if d[0] is slot and getattr(d[1], "key", None) == key), None)
            if match is not None:
                remaining_multi.remove(match)
                form = carried.form_for(slot, match[1], taken, match[2]) or match[2]
                replacement = replace(form, group=form.group or line.group)
        elif slot in new_single and slot not in satisfied and slot not in placed:
            placed.add(slot)
            form = carried.form_for(slot, wanted_single[slot], taken) or new_single[slot]
            replacement = replace(form, group=form.group or line.group)
        if replacement is None and line.group:
            removed_groups.add(line.group)
        out[index] = replacement

    lines = [line for line in out if line is not None]
    still_mapped = {line.group for line in lines if line.group and _decode(line, region, photo_max_bytes)}
    orphaned = removed_groups - still_mapped
    lines = [line for line in lines if line.group not in orphaned]
    # what the contact carries that this card lacks: values new here, in the form they came in, and lines the
    # model does not map; a group name the card already uses for something else is renamed
    present = {line_text(line) for line in lines}
    added: list[ContentLine] = []
    for slot, line in new_single.items():
        if slot not in satisfied and slot not in placed:
            added.append(carried.form_for(slot, wanted_single[slot], taken) or line)
    for slot, value, line in remaining_multi:
        added.append(carried.form_for(slot, value, taken, line) or line)
    gone = carried.orphaned_groups(taken) - {line.group for line in lines if line_text(line) in carried_now}
    added += [
        line for line in carried.unmapped if line_text(line) not in present and line_text(line) not in carried_before
    ]
    added = [line for line in added if not line.group or line.group not in gone]
    renamed = _renamed_groups(lines, added, present)
    for line in added:
        if line.group in renamed:
            line = replace(line, group=renamed[line.group])
        _insert_after_same_name(lines, line)
    return lines


def _renamed_groups(lines: list[ContentLine], added: list[ContentLine], present: set[str]) -> dict[str, str]:
    """New names for the groups of ``added`` lines that the card uses already for lines of its own."""
    used = {line.group for line in lines if line.group}
    clashing = {line.group for line in added if line.group in used}
    # a group some of whose carried lines are on the card already is the same group, not a clash
    clashing -= {line.group for line in added if line.group and line_text(line) in present}
    renamed: dict[str, str] = {}
    number = 1
    for group in sorted(clashing):
        while f"item{number}" in used:
            number += 1
        renamed[group] = f"item{number}"
        used.add(renamed[group])
    return renamed


def render_card(
    contact: Contact,
    *,
    uid: str,
    marker: str | None,
    version: str = "4.0",
    original: str | None = None,
    categories: bool = True,
    photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES,
    region: str = "US",
    previous: Contact | None = None,
) -> str:
    """The card text (CRLF, folded) for ``contact`` in vCard ``version`` ("2.1", "3.0" or "4.0").

    With ``original`` (the card as stored now), every line the model does not map is kept as it was, and
    mapped lines whose meaning did not change are kept byte for byte (their folding, CHARSET, quoted-printable
    and all); when no value changed, ``original`` itself is returned, marker or not (a card nobody changed is
    never rewritten, not even to carry our marker). REV is updated only when something changed. ``previous`` is
    what the card held when last read (the engine's base): a carried line it held that ``contact`` no longer
    carries was removed elsewhere and is removed here too. An unreadable ``original`` is ignored (a fresh card is
    written). ``marker`` None means no marker on the card. With ``categories`` False, CATEGORIES is neither
    written nor removed. ``photo_max_bytes`` must be the cap the card is read with: an original photo over it is
    one the model never saw, so it is kept. ``region`` is the one the card is read with: a phone whose number
    did not change keeps its spelling. ``uid`` must not be empty.
    """
    if version not in ("2.1", "3.0", "4.0"):
        raise ValueError(f"vCard version must be 2.1, 3.0 or 4.0, not {version!r}")
    if not uid.strip():
        raise ValueError("a card needs a UID: an empty one is refused by servers")
    desired = _desired(contact, version, categories, region)
    carried = _Carried.of(contact, region, photo_max_bytes)
    previous_card: _Card | None = None
    if original is not None:
        try:
            previous_card = _read_card(original)
        except CardError:
            previous_card = None
    if previous_card is None:
        lines = _fresh(desired, carried, version)
        before: list[ContentLine] | None = None
    else:
        lines = _merge(
            previous_card,
            desired,
            contact,
            carried,
            previous,
            version=version,
            categories=categories,
            photo_max_bytes=photo_max_bytes,
            region=region,
        )
        before = list(previous_card.lines)
        if _content(lines) == _content(before) and (
            previous_card.version == version or _output_version(previous_card.version) == version
        ):
            assert original is not None
            return original
    # VERSION comes first (4.0 requires it), then the identity lines
    lines = [line for line in lines if not (line.name == "VERSION" and not line.nested)]
    lines.insert(0, _line("VERSION", version))
    _set(lines, "UID", uid)
    _set(lines, MARKER_PROPERTY, escape_text(marker) if marker is not None else None, after="UID")
    if before is None or _without_rev(lines) != _without_rev(before):
        _set(lines, "REV", _now_rev(), after=None)
    write = write_line_21 if version == "2.1" else write_line
    body = "".join(write(line) for line in lines)
    return f"BEGIN:VCARD\r\n{body}END:VCARD\r\n"


def _without_rev(lines: Iterable[ContentLine]) -> list[ContentLine]:
    return [line for line in lines if line.name != "REV"]


def _content(lines: Iterable[ContentLine]) -> list[ContentLine]:
    """The lines that say who the person is: without the card's identity and bookkeeping."""
    return [line for line in lines if line.nested or line.name not in ("REV", "UID", "VERSION", MARKER_PROPERTY)]


__all__ = [
    "DEFAULT_PHOTO_MAX_BYTES",
    "MARKER_PROPERTY",
    "VCARD_FIELDS",
    "CardError",
    "ParsedCard",
    "card_uid",
    "derived_display_name",
    "fit_contact",
    "fit_lines",
    "parse_card",
    "render_card",
]
