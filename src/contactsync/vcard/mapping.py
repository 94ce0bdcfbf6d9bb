"""vCard (2.1 read, 3.0 and 4.0 read and written) ↔ the canonical :class:`contactsync.model.Contact`.

Reading is tolerant: only a text with no card structure at all raises :class:`CardError`. Writing back over an
``original`` card replaces only the properties the model maps and keeps every other line as it was
(X- properties, Apple's grouped ``item1.X-ABLabel``, LABEL, PRODID, URL photos, photos over the cap, a second
photo, FN, ORG, TITLE or NOTE), so that a write-back never strips what another client stored (sync invariant 12):
a value that changed rewrites the line of its old value only. A mapped property whose
meaning did not change keeps its original line byte for byte, so rewriting an unchanged card is a no-op
(invariant 6).

What maps where (issue #15; each read from 2.1, 3.0 and 4.0, written the same in 3.0 and 4.0 so that a copy to a
book of the other version loses nothing):

- ``nicknames``: every NICKNAME line and every value of its comma list; written a line per nickname. The lines
  as written are kept (and travel) while together they still say the same list.
- custom labels: Apple's group, ``item1.EMAIL`` + ``item1.X-ABLabel:Club``, on EMAIL, TEL, ADR, URL, IMPP,
  X-ABRELATEDNAMES and X-ABDATE. Apple's built-in labels (``_$!<Home>!$_``, ``_$!<Mobile>!$_``…) are kinds where
  the model has the kind (home, work, other; mobile, main, fax, pager), else a label (``_$!<HomePage>!$_`` is the
  URL label ``homePage``). A URL's label is also its TYPE (home, work). A label written anew goes in a group of its
  own (``itemN``); a group whose value changes kind keeps Apple's built-in label of the new kind.
- ``PostalAddress.formatted``: ADR's LABEL parameter (RFC 6868 escapes; ``\n`` as clients write it), or a 3.0/2.1
  LABEL property with the same TYPE; written as the LABEL parameter.
- ``phonetic_name``: X-PHONETIC-FIRST-NAME, -MIDDLE-NAME, -LAST-NAME, -ORG.
- ``gender``: GENDER (M, F, O, N, U as "male", "female", "other", "none", "unknown"; the identity text when no sex
  is given; with both, the sex word, the line itself travelling between vCard accounts), X-GENDER read.
- ``ims``: IMPP (the URI scheme or X-SERVICE-TYPE names the service: xmpp, skype, sip, aim, icq, msnim → msn,
  ymsgr → yahoo, gg → gadugadu, qq; others ``IMPP;X-SERVICE-TYPE=name:x-apple:handle``), and 3.0's X-JABBER,
  X-SKYPE(-USERNAME), X-AIM, X-ICQ, X-MSN, X-YAHOO, X-QQ, X-GADUGADU, X-GTALK, X-SIP, Outlook's X-MS-IMADDRESS read.
- ``relations``: RELATED (TYPE spouse, child, parent, sibling, friend, colleague/co-worker, kin; another TYPE is the
  label of an "other" relation; a URI value is kept as the name), Apple's ``itemN.X-ABRELATEDNAMES`` with its label
  (``_$!<Spouse>!$_``…), Outlook's X-MS-SPOUSE, X-MS-MANAGER, X-MS-ASSISTANT, Evolution's X-EVOLUTION-SPOUSE,
  -MANAGER, -ASSISTANT. Written as Apple writes them: ``itemN.X-ABRELATEDNAMES:name`` +
  ``itemN.X-ABLabel:_$!<Spouse>!$_`` (Apple's style also for kinds Apple lacks).
- ``events``: ``itemN.X-ABDATE`` with its label (``_$!<Anniversary>!$_`` is the anniversary; so are
  X-MS-ANNIVERSARY and X-EVOLUTION-ANNIVERSARY).
- ``role``: ROLE. ``languages``: LANG, one line per language, in the card's order.
- ``custom``: an ungrouped X- property without parameters that nothing above maps, given once, is the custom value
  keyed by its name, upper-cased as vCard names compare (``X-EMPLOYEE-ID:4711`` ↔ ``("X-EMPLOYEE-ID", "4711")``;
  the card keeps its own spelling while the value is unchanged); a key that is not an upper-case X-
  name is written ``X-CUSTOM;X-KEY=<key>:<value>`` (the key RFC 6868-escaped) and read back as that key. So a
  Google userDefined entry survives Google → vCard → Google, and such an X- property reaches Google and comes back
  as it was. An X- property with parameters, in a group, or given twice travels verbatim in ``vcard_lines`` only.
"""

from __future__ import annotations

import base64
import binascii
import enum
import operator
import re
import threading
import time
import weakref
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any, Generic, TypeVar

from contactsync import normalize
from contactsync.model import (
    AddressKind,
    Contact,
    Email,
    EmailKind,
    Event,
    InstantMessage,
    Name,
    PartialDate,
    Phone,
    PhoneKind,
    PhoneticName,
    Photo,
    PostalAddress,
    Relation,
    RelationKind,
    Tag,
    Url,
    element_key,
    new_contact,
    new_email,
    new_name,
    new_phone,
)

from .basics import DEFAULT_PHOTO_MAX_BYTES, MARKER_PROPERTY, VCARD_FIELDS, CardError
from .lines import (
    ContentLine,
    _without_control,
    escape_text,
    fold,
    lex_line,
    line_text,
    new_line,
    read_card_lines,
    split_unescaped,
    unescape_text,
    write_line,
    write_line_21,
    write_lines,
)

PRODID = "-//contactsync//contactsync//EN"
#: lines no contact carries from card to card: they say which card this is and who wrote it, not who the person is
_NOT_CARRIED = frozenset({"VERSION", "UID", "REV", "PRODID", MARKER_PROPERTY, "BEGIN", "END"})


@dataclass(frozen=True)
class ParsedCard:
    uid: str
    version: str
    contact: Contact
    marker: str | None
    is_group: bool
    members: tuple[str, ...]
    photo_dropped: bool


def _parsed_card_init(
    self: ParsedCard,
    uid: str,
    version: str,
    contact: Contact,
    marker: str | None,
    is_group: bool,
    members: tuple[str, ...],
    photo_dropped: bool,
) -> None:
    """ParsedCard's constructor, the dataclass's one without its seven ``object.__setattr__`` calls: the fields
    put in the instance's ``__dict__`` in one call, in their order, as those calls put them (a parse makes one a
    card, #18). The same parameters; the instance stays frozen (``__setattr__`` still refuses).
    tests/test_codec_speed3_parse.py compares it with the dataclass's own."""
    self.__dict__.update(
        uid=uid,
        version=version,
        contact=contact,
        marker=marker,
        is_group=is_group,
        members=members,
        photo_dropped=photo_dropped,
    )


#: the dataclass's own constructor, kept for the test that compares the two
_parsed_card_dataclass_init = ParsedCard.__init__
_PARSED_FIELDS = ["uid", "version", "contact", "marker", "is_group", "members", "photo_dropped"]
if [f.name for f in fields(ParsedCard)] != _PARSED_FIELDS:  # not an assert: -O would let a reorder through
    raise ImportError("ParsedCard's fields changed: update _parsed_card_init")
ParsedCard.__init__ = _parsed_card_init  # type: ignore[method-assign]


class _Slot(enum.Enum):
    """A mapped property. Multi-valued slots match original lines element by element; aggregate slots (a
    property whose lines together hold one list: NICKNAME, LANG) are kept or rewritten as a whole. The order is
    a fresh card's order."""

    __hash__ = object.__hash__  # members are singletons: identity hashing is exact and C-fast (#18)

    FN = "FN"
    N = "N"
    NICKNAME = "NICKNAME"
    PHONETIC_GIVEN = "X-PHONETIC-FIRST-NAME"
    PHONETIC_MIDDLE = "X-PHONETIC-MIDDLE-NAME"
    PHONETIC_FAMILY = "X-PHONETIC-LAST-NAME"
    PHONETIC_ORG = "X-PHONETIC-ORG"
    GENDER = "GENDER"
    EMAIL = "EMAIL"
    TEL = "TEL"
    ADR = "ADR"
    IMPP = "IMPP"
    ORG = "ORG"
    TITLE = "TITLE"
    ROLE = "ROLE"
    BDAY = "BDAY"
    ANNIVERSARY = "ANNIVERSARY"
    EVENT = "X-ABDATE"
    RELATED = "RELATED"
    LANG = "LANG"
    URL = "URL"
    NOTE = "NOTE"
    CUSTOM = "CUSTOM"
    PHOTO = "PHOTO"
    CATEGORIES = "CATEGORIES"


#: every slot, and each one's place in a fresh card: iterating an Enum class is slow, and both are needed per card
_SLOTS = tuple(_Slot)
_ORDER = {slot: i for i, slot in enumerate(_SLOTS)}
_MULTI = frozenset({_Slot.EMAIL, _Slot.TEL, _Slot.ADR, _Slot.URL, _Slot.IMPP, _Slot.RELATED, _Slot.EVENT, _Slot.CUSTOM})
_AGGREGATE = frozenset({_Slot.NICKNAME, _Slot.LANG})
#: slots whose element may carry a label in an Apple group (``item1.EMAIL`` + ``item1.X-ABLabel``)
_LABELLED = frozenset({_Slot.EMAIL, _Slot.TEL, _Slot.ADR, _Slot.URL, _Slot.IMPP, _Slot.RELATED, _Slot.EVENT})
#: multi-valued slots whose element is empty exactly when its key is (see _empty_name)
_KEYED = frozenset({_Slot.EMAIL, _Slot.TEL, _Slot.ADR, _Slot.URL})
_ABSENT = object()
_BOOKKEEPING = frozenset({"VERSION", "UID", "REV", MARKER_PROPERTY})


class _PhotoLine(enum.Enum):
    """A PHOTO line the model does not hold: kept on rewrite unless the model now has a photo."""

    __hash__ = object.__hash__

    NOT_INLINE = "not inline"  # a URL: never fetched
    DROPPED = "dropped"  # over the cap or undecodable


@dataclass(frozen=True, slots=True)
class _Card:
    version: str  # as written: "2.1", "3.0", "4.0" or "" when missing
    lines: tuple[ContentLine, ...]


def _read_card(text: str) -> _Card:
    lines = read_card_lines(text)
    names = [line.name for line in lines]
    if names.count("BEGIN") == 1 and names[0] == "BEGIN" and lines[0].value.strip().upper() == "VCARD":
        # one card, nothing nested in it (the usual text): what the walk below makes of it, by slicing (#18). No
        # other BEGIN, so no line is nested, the card ends at the first END, and nothing after it is a card
        try:
            last = names.index("END", 1)
        except ValueError:
            raise CardError("the card has no END:VCARD line (truncated?)") from None
        try:
            version = lines[names.index("VERSION", 1, last)].value.strip()
        except ValueError:
            version = ""
        return _Card(version, tuple(lines[1:last]))
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
        if depth or line.name == "END":
            line = ContentLine(line.name, line.value, line.params, line.group, True, line.raw)
        body.append(line)
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
    # (nothing escaped, the usual value: unescape_text would give it back as it is, #18)
    return normalize.text(unescape_text(value) if "\\" in value else value)


def _components(value: str, count: int) -> list[str]:
    if "\\" not in value:
        # nothing escaped (the usual N or ORG): every ";" splits, and no part has an escape to undo (#18)
        return (value.split(";") + [""] * count)[:count]
    parts = [unescape_text(p) for p in split_unescaped(value, ";")]
    return (parts + [""] * count)[:count]


#: the slots and kinds the parse names, as module globals (#18): on Python 3.11 each read of an Enum class's member
#: (``_Slot.FN``) goes through ``EnumType.__getattr__``'s hook, some 1,000 instructions (75 reads a card); a global
#: is one dict lookup
_S_FN = _Slot.FN
_S_N = _Slot.N
_S_NICKNAME = _Slot.NICKNAME
_S_PHONETIC_GIVEN = _Slot.PHONETIC_GIVEN
_S_PHONETIC_MIDDLE = _Slot.PHONETIC_MIDDLE
_S_PHONETIC_FAMILY = _Slot.PHONETIC_FAMILY
_S_PHONETIC_ORG = _Slot.PHONETIC_ORG
_S_GENDER = _Slot.GENDER
_S_EMAIL = _Slot.EMAIL
_S_TEL = _Slot.TEL
_S_ADR = _Slot.ADR
_S_IMPP = _Slot.IMPP
_S_ORG = _Slot.ORG
_S_TITLE = _Slot.TITLE
_S_ROLE = _Slot.ROLE
_S_BDAY = _Slot.BDAY
_S_ANNIVERSARY = _Slot.ANNIVERSARY
_S_EVENT = _Slot.EVENT
_S_RELATED = _Slot.RELATED
_S_LANG = _Slot.LANG
_S_URL = _Slot.URL
_S_NOTE = _Slot.NOTE
_S_CUSTOM = _Slot.CUSTOM
_S_PHOTO = _Slot.PHOTO
_S_CATEGORIES = _Slot.CATEGORIES
_EMAIL_WORK, _EMAIL_HOME, _EMAIL_OTHER = EmailKind.WORK, EmailKind.HOME, EmailKind.OTHER
_PHONE_MOBILE, _PHONE_PAGER, _PHONE_MAIN = PhoneKind.MOBILE, PhoneKind.PAGER, PhoneKind.MAIN
_PHONE_HOME_FAX, _PHONE_WORK_FAX = PhoneKind.HOME_FAX, PhoneKind.WORK_FAX
_PHONE_HOME, _PHONE_WORK, _PHONE_OTHER = PhoneKind.HOME, PhoneKind.WORK, PhoneKind.OTHER
_ADDRESS_WORK, _ADDRESS_HOME, _ADDRESS_OTHER = AddressKind.WORK, AddressKind.HOME, AddressKind.OTHER
_NOT_INLINE, _DROPPED = _PhotoLine.NOT_INLINE, _PhotoLine.DROPPED
#: each slot's ``value`` (an Enum member's ``value`` is a Python-level descriptor: a call per read)
_PROPERTY_OF = {slot: slot.value for slot in _SLOTS}


def _email_kind(types: frozenset[str]) -> EmailKind:
    if "work" in types:
        return _EMAIL_WORK
    if "home" in types:
        return _EMAIL_HOME
    return _EMAIL_OTHER


_MOBILE_TYPES = frozenset({"cell", "mobile", "iphone"})


def _phone_kind(types: frozenset[str]) -> PhoneKind:
    if not types.isdisjoint(_MOBILE_TYPES):
        return _PHONE_MOBILE
    if "pager" in types:
        return _PHONE_PAGER
    if "fax" in types:
        # a fax that says neither home nor work is usually an office one
        return _PHONE_HOME_FAX if "home" in types else _PHONE_WORK_FAX
    if "main" in types:
        return _PHONE_MAIN
    if "home" in types:
        return _PHONE_HOME
    if "work" in types:
        return _PHONE_WORK
    return _PHONE_OTHER


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
        return _ADDRESS_WORK
    if "home" in types:
        return _ADDRESS_HOME
    return _ADDRESS_OTHER


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


# ---------------------------------------------------------------- labels, IM services, relation kinds

#: the label line of an Apple group (``item1.X-ABLabel``), upper-cased as the lexer names it
_LABEL = "X-ABLABEL"
#: a parameter the renderer puts on a line it generates for a labelled value: (label text or "", the built-in
#: label of the value's kind or ""); :func:`_expand_labels` turns it into the line's group and label line
_LABEL_PARAM = "X-CONTACTSYNC-LABEL"
_BUILTIN = re.compile(r"_\$!<(.*)>!\$_\Z", re.DOTALL)

_EMAIL_BUILTINS = {"home": EmailKind.HOME, "work": EmailKind.WORK, "other": EmailKind.OTHER}
_ADDRESS_BUILTINS = {"home": AddressKind.HOME, "work": AddressKind.WORK, "other": AddressKind.OTHER}
_PHONE_BUILTINS = {
    "mobile": PhoneKind.MOBILE,
    "iphone": PhoneKind.MOBILE,
    "home": PhoneKind.HOME,
    "work": PhoneKind.WORK,
    "main": PhoneKind.MAIN,
    "homefax": PhoneKind.HOME_FAX,
    "workfax": PhoneKind.WORK_FAX,
    "pager": PhoneKind.PAGER,
    "other": PhoneKind.OTHER,
}
_PHONE_BUILTIN_NAMES = {
    PhoneKind.MOBILE: "Mobile",
    PhoneKind.HOME: "Home",
    PhoneKind.WORK: "Work",
    PhoneKind.MAIN: "Main",
    PhoneKind.HOME_FAX: "HomeFAX",
    PhoneKind.WORK_FAX: "WorkFAX",
    PhoneKind.PAGER: "Pager",
    PhoneKind.OTHER: "Other",
}
#: Apple's built-in labels of related names; kinds Apple has none for are written in the same style
_RELATION_BUILTIN_NAMES = {
    RelationKind.SPOUSE: "Spouse",
    RelationKind.PARTNER: "Partner",
    RelationKind.DOMESTIC_PARTNER: "DomesticPartner",
    RelationKind.CHILD: "Child",
    RelationKind.PARENT: "Parent",
    RelationKind.MOTHER: "Mother",
    RelationKind.FATHER: "Father",
    RelationKind.SIBLING: "Sibling",
    RelationKind.BROTHER: "Brother",
    RelationKind.SISTER: "Sister",
    RelationKind.RELATIVE: "Relative",
    RelationKind.FRIEND: "Friend",
    RelationKind.COLLEAGUE: "Colleague",
    RelationKind.MANAGER: "Manager",
    RelationKind.ASSISTANT: "Assistant",
    RelationKind.REFERRED_BY: "ReferredBy",
    RelationKind.OTHER: "Other",
}
_RELATION_BUILTINS = {name.casefold(): kind for kind, name in _RELATION_BUILTIN_NAMES.items()}
#: RFC 6350 6.6.6 RELATED types (4.0 writes these kinds as TYPE, the others with a label)
_RELATED_TYPES = {
    RelationKind.SPOUSE: "spouse",
    RelationKind.CHILD: "child",
    RelationKind.PARENT: "parent",
    RelationKind.SIBLING: "sibling",
    RelationKind.FRIEND: "friend",
    RelationKind.COLLEAGUE: "colleague",
    RelationKind.RELATIVE: "kin",
}
_RELATED_KINDS = {t: k for k, t in _RELATED_TYPES.items()} | {"co-worker": RelationKind.COLLEAGUE}
#: Outlook's and Evolution's vCard exports: one property per related person
_MS_RELATIONS = {
    "X-MS-SPOUSE": RelationKind.SPOUSE,
    "X-MS-MANAGER": RelationKind.MANAGER,
    "X-MS-ASSISTANT": RelationKind.ASSISTANT,
    "X-EVOLUTION-SPOUSE": RelationKind.SPOUSE,
    "X-EVOLUTION-MANAGER": RelationKind.MANAGER,
    "X-EVOLUTION-ASSISTANT": RelationKind.ASSISTANT,
}
#: labels of values without a kind (URL, IMPP, X-ABDATE) that are written as Apple's built-ins
_PLAIN_BUILTINS = {"home": "Home", "work": "Work", "other": "Other", "homePage": "HomePage"}
#: IMPP URI scheme ↔ service (RFC 4770 and the schemes clients write)
_IM_SCHEMES = {
    "xmpp": "xmpp",
    "skype": "skype",
    "sip": "sip",
    "aim": "aim",
    "icq": "icq",
    "msnim": "msn",
    "ymsgr": "yahoo",
    "gg": "gadugadu",
    "qq": "qq",
}
_IM_SCHEME_OF = {service: scheme for scheme, service in _IM_SCHEMES.items()}
#: X-SERVICE-TYPE names (Apple's) for the services the model names otherwise
_SERVICE_NAMES = {"jabber": "xmpp", "gadu-gadu": "gadugadu", "google talk": "googletalk", "gtalk": "googletalk"}
#: vCard 3.0's one-property-per-network IM properties
_IM_PROPERTIES = {
    "X-JABBER": "xmpp",
    "X-SKYPE": "skype",
    "X-SKYPE-USERNAME": "skype",
    "X-AIM": "aim",
    "X-ICQ": "icq",
    "X-MSN": "msn",
    "X-YAHOO": "yahoo",
    "X-QQ": "qq",
    "X-GADUGADU": "gadugadu",
    "X-GTALK": "googletalk",
    "X-GOOGLE-TALK": "googletalk",
    "X-SIP": "sip",
    "X-MS-IMADDRESS": "",
}
_PHONETIC = {
    "X-PHONETIC-FIRST-NAME": _Slot.PHONETIC_GIVEN,
    "X-PHONETIC-MIDDLE-NAME": _Slot.PHONETIC_MIDDLE,
    "X-PHONETIC-LAST-NAME": _Slot.PHONETIC_FAMILY,
    "X-PHONETIC-ORG": _Slot.PHONETIC_ORG,
}
_GENDERS = {"m": "male", "f": "female", "o": "other", "n": "none", "u": "unknown"}
_GENDER_LETTERS = {word: letter.upper() for letter, word in _GENDERS.items()}
#: a custom key that is a property name of its own (``X-EMPLOYEE-ID``); any other key is ``X-CUSTOM;X-KEY=``
_X_NAME = re.compile(r"X-[A-Z0-9-]+\Z")
_CUSTOM = "X-CUSTOM"
_CUSTOM_KEY = "X-KEY"
#: X- properties that are never custom values: mapped, Apple's group parts, or a card's bookkeeping
_NOT_CUSTOM = frozenset(
    {_LABEL, "X-ABADR", "X-ABDATE", "X-ABRELATEDNAMES", "X-ANNIVERSARY", "X-GENDER", MARKER_PROPERTY}
    | set(_MS_RELATIONS)
    | set(_IM_PROPERTIES)
    | set(_PHONETIC)
    | {"X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-ADDRESSBOOKSERVER-KIND", "X-ADDRESSBOOKSERVER-MEMBER"}
)
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\\,;]+\Z")


def _builtin(label: str) -> str | None:
    """The name in Apple's ``_$!<Name>!$_`` label, None for a label of the owner's own words."""
    match = _BUILTIN.match(label)
    return match.group(1) if match is not None else None


def _word(name: str) -> str:
    """``HomePage`` → ``homePage``: Apple's built-in name as a label (Google spells its types so)."""
    return name[:1].lower() + name[1:]


def _plain_label(label: str) -> str:
    """A URL's, IM's or date's label as the model holds it."""
    name = _builtin(label)
    return _word(name) if name is not None else normalize.text(label)


def _param_text(value: str) -> str:
    """A parameter value as text: RFC 6868's ``^n``/``^^``/``^'`` and the ``\\n`` clients write for a line break."""
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char == "^":
            following = next(chars, "")
            out.append({"n": "\n", "^": "^", "'": '"'}.get(following, "^" + following))
        elif char == "\\":
            following = next(chars, "")
            out.append("\n" if following in ("n", "N") else following)
        else:
            out.append(char)
    return "".join(out)


def _param_value(text: str) -> str:
    """Text as a parameter value (RFC 6868); a backslash is written as ``\\\\`` so that it reads back."""
    return text.replace("^", "^^").replace("\\", "\\\\").replace("\n", "^n").replace('"', "^'")


@dataclass(frozen=True, slots=True)
class _Context:
    """What the lines of one card (or one contact's carried lines) say about each other: a group's label, and
    vCard 3.0's LABEL properties (an address's printed form, matched to its ADR by TYPE)."""

    labels: dict[str, str]
    sizes: dict[str, int]
    address_labels: dict[frozenset[str], str]
    #: X- properties given more than once: none of them is a custom value (a key holds one value)
    repeated: frozenset[str] = frozenset()

    @classmethod
    def of(cls, lines: Iterable[ContentLine]) -> _Context:
        labels: dict[str, str] = {}
        sizes: dict[str, int] = {}
        address_labels: dict[frozenset[str], str] = {}
        seen: set[str] = set()
        repeated: set[str] = set()
        distinct: set[tuple[str, ContentLine]] = set()
        ranks: dict[str, tuple[bool, str]] = {}
        grouped: set[ContentLine] = set()
        address_ranks: dict[frozenset[str], str] = {}
        for line in lines:
            if line.nested:
                continue
            if not line.group and line.name.startswith("X-"):
                name = line.name if line.name != _CUSTOM else f"{_CUSTOM};{line.param(_CUSTOM_KEY)}"
                if (name, line) not in distinct:  # the same line twice says it once
                    distinct.add((name, line))
                    (repeated if name in seen else seen).add(name)
            if line.group and line not in grouped:  # a line given twice says it once (carried lines are a set)
                grouped.add(line)
                value = _decode(line, "US", 0) if line.name in ("EMAIL", "TEL", "ADR", "URL", "IMPP") else None
                if value is None or not _empty_name(*value):  # an empty EMAIL… never travels: it does not count
                    sizes[line.group] = sizes.get(line.group, 0) + 1
            if line.group:
                if line.name == _LABEL:
                    # a group with two labels (a degenerate card): the same one whatever the lines' order, so
                    # that a card and its carried lines (sorted) agree
                    ranked = (bool(line.params), line_text(line))
                    if line.group not in ranks or ranked < ranks[line.group]:
                        ranks[line.group] = ranked
                        labels[line.group] = unescape_text(line.value)
            elif line.name == "LABEL":
                types = line.types() - {"pref"}
                if types not in address_ranks or line_text(line) < address_ranks[types]:  # order-free, as above
                    address_ranks[types] = line_text(line)
                    address_labels[types] = unescape_text(line.value)
        if not labels and not sizes and not address_labels and not repeated:
            # what the lines say about each other: nothing (most cards, #18): the empty context, not another one
            return _NO_CONTEXT
        return cls(labels, sizes, address_labels, frozenset(repeated))

    def label(self, line: ContentLine) -> str | None:
        return self.labels.get(line.group) if line.group else None


_NO_CONTEXT = _Context({}, {}, {})


def _decode(
    line: ContentLine, region: str, photo_max_bytes: int, context: _Context = _NO_CONTEXT
) -> tuple[_Slot, Any] | None:
    """The model value one line carries, or None when the model does not map this line. ``context`` is the card
    the line is on (its group's label, 3.0 LABEL properties)."""
    if line.nested:
        return None
    name = line.name
    if name == "FN":
        return _S_FN, _text(line.value)
    if name == "N":
        family, given, middle, prefix, suffix = _components(line.value, 5)
        text = normalize.text
        # (an empty part is "" without the call: most names have three or four, #18)
        return _S_N, new_name(
            text(given) if given else "",
            text(family) if family else "",
            text(middle) if middle else "",
            text(prefix) if prefix else "",
            text(suffix) if suffix else "",
        )
    if name == "NICKNAME":
        return _S_NICKNAME, normalize.unique_texts(unescape_text(p) for p in split_unescaped(line.value, ","))
    if name == "LANG":
        return _S_LANG, normalize.unique_texts([unescape_text(line.value)])
    label = context.label(line)
    builtin = _builtin(label) if label is not None else None
    custom_label = normalize.text(label) if label is not None and builtin is None else ""
    if name == "EMAIL":
        address = normalize.email_address(unescape_text(line.value))
        kind = _EMAIL_BUILTINS.get((builtin or "").casefold()) or _email_kind(line.types())
        known = builtin is None or builtin.casefold() in _EMAIL_BUILTINS
        return _S_EMAIL, new_email(address, kind, custom_label if known else normalize.text(builtin))
    if name == "TEL":
        number = normalize.phone_number(unescape_text(line.value), region)
        phone_kind = _PHONE_BUILTINS.get((builtin or "").casefold()) or _phone_kind(line.types())
        known = builtin is None or builtin.casefold() in _PHONE_BUILTINS
        return _S_TEL, new_phone(number, phone_kind, custom_label if known else normalize.text(builtin))
    if name == "ADR":
        po_box, extended, street, locality, area, code, country = _components(line.value, 7)
        types = line.types()
        formatted = next(iter(line.param("LABEL")), None)
        formatted = _param_text(formatted) if formatted is not None else context.address_labels.get(types - {"pref"})
        known = builtin is None or builtin.casefold() in _ADDRESS_BUILTINS
        postal = PostalAddress(
            normalize.multiline(street),
            normalize.text(locality),
            normalize.text(area),
            normalize.text(code),
            normalize.text(country),
            normalize.text(po_box),
            normalize.text(extended),
            _ADDRESS_BUILTINS.get((builtin or "").casefold()) or _address_kind(types),
            custom_label if known else normalize.text(builtin),
            normalize.multiline(formatted),
        )
        return _S_ADR, postal
    if name == "ORG":
        org, department = _components(line.value, 2)
        return _S_ORG, (normalize.text(org), normalize.text(department) if department else "")
    if name == "TITLE":
        return _S_TITLE, _text(line.value)
    if name == "ROLE":
        return _S_ROLE, _text(line.value)
    if name in _PHONETIC:
        return _PHONETIC[name], _text(line.value)
    if name == "GENDER":
        sex, identity = _components(line.value, 2)
        word = _GENDERS.get(sex.strip().lower(), normalize.text(sex))
        return _S_GENDER, word or normalize.text(identity)
    if name == "X-GENDER":
        value = _text(line.value)
        return _S_GENDER, _GENDERS.get(value.lower(), value.lower() if value.lower() in _GENDER_LETTERS else value)
    if name == "NOTE":
        return _S_NOTE, normalize.note(unescape_text(line.value))
    if name == "URL":
        if label is not None:
            url_label = _plain_label(label)
        else:
            url_label = next(iter(sorted(line.types() - {"pref", "internet"})), "")
        return _S_URL, Url(_text(line.value), url_label)
    if name == "IMPP" or name in _IM_PROPERTIES:
        return _S_IMPP, _instant_message(line, label)
    if name in ("RELATED", "X-ABRELATEDNAMES") or name in _MS_RELATIONS:
        return _S_RELATED, _relation(line, label)
    if name in ("BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-ABDATE"):
        date = _date(line)
        if date is None:
            return None
        if name == "BDAY":
            return _S_BDAY, date
        if name != "X-ABDATE" or (builtin or "").casefold() == "anniversary":
            return _S_ANNIVERSARY, date
        return _S_EVENT, Event(date, _plain_label(label) if label is not None else "other")
    if name == "PHOTO":
        return _S_PHOTO, _photo(line, photo_max_bytes)
    if name == "CATEGORIES":
        return _S_CATEGORIES, _categories(line.value)
    return _custom(line, context)


def _categories(value: str) -> frozenset[Tag]:
    """The tags a CATEGORIES value says. Many cards say the same few (a team, a club): each value is read once
    and its set shared (a frozenset of frozen tags: one object serves every contact, #18). A plain dict emptied
    when full: one lookup, nothing to lock, an entry lost is only read again."""
    tags = _CATEGORY_SETS.get(value)
    if tags is None:
        tags = normalize.tags(_text(p) for p in split_unescaped(value, ","))
        if len(_CATEGORY_SETS) >= 1024:
            _CATEGORY_SETS.clear()
        _CATEGORY_SETS[value] = tags
    return tags


_CATEGORY_SETS: dict[str, frozenset[Tag]] = {}


def _instant_message(line: ContentLine, label: str | None) -> InstantMessage:
    im_label = _plain_label(label) if label is not None else ""
    if line.name != "IMPP":
        return InstantMessage(_text(line.value), _IM_PROPERTIES[line.name], im_label)
    uri = _text(line.value)
    scheme, colon, handle = uri.partition(":")
    declared = next(iter(line.param("X-SERVICE-TYPE")), None)
    if not colon:
        scheme, handle = "", uri
    if declared is not None:
        service = normalize.text(declared).lower()
        service = _SERVICE_NAMES.get(service, service)
    elif scheme.lower() == "x-apple":
        service = ""
    else:
        service = _IM_SCHEMES.get(scheme.lower(), scheme.lower())
    return InstantMessage(normalize.text(handle), service, im_label)


def _relation(line: ContentLine, label: str | None) -> Relation:
    if line.name in _MS_RELATIONS:
        return Relation(_text(line.value), _MS_RELATIONS[line.name])
    text = any(v.lower() == "text" for v in line.param("VALUE")) or line.name == "X-ABRELATEDNAMES"
    name = _text(line.value) if text else normalize.text(line.value)
    if label is not None:
        builtin = _builtin(label)
        if builtin is not None and builtin.casefold() in _RELATION_BUILTINS:
            return Relation(name, _RELATION_BUILTINS[builtin.casefold()])
        return Relation(name, RelationKind.OTHER, normalize.text(builtin if builtin is not None else label))
    for t in sorted(line.types() - {"pref"}):
        if t in _RELATED_KINDS:
            return Relation(name, _RELATED_KINDS[t])
    other = sorted(line.types() - {"pref"})
    return Relation(name, RelationKind.OTHER, other[0] if other else "")


def _custom(line: ContentLine, context: _Context) -> tuple[_Slot, tuple[str, str]] | None:
    """An ungrouped X- property without parameters that nothing else maps is a custom value (key: its name);
    ``X-CUSTOM;X-KEY=key:value`` holds a key that is no property name. A property given twice is none."""
    if line.group or not line.name.startswith("X-") or line.name in _NOT_CUSTOM:
        return None
    if line.name == _CUSTOM:
        if f"{_CUSTOM};{line.param(_CUSTOM_KEY)}" in context.repeated:
            return None
        keys = line.param(_CUSTOM_KEY)
        if len(line.params) != 1 or len(keys) != 1 or not normalize.text(_param_text(keys[0])):
            return None
        return _S_CUSTOM, (normalize.text(_param_text(keys[0])), unescape_text(line.value))
    if line.params or line.name in context.repeated:
        return None
    return _S_CUSTOM, (line.name, unescape_text(line.value))


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
    if _read_of(contact, region, None) is not None:
        return contact  # read from a card of this region: its own fit (see _OWN_FITS), known without a hash
    key = _own_fit_key(contact, region)
    if key is not None and _OWN_FITS.known(key):
        return contact  # equal to a contact a card of this region was read as: its own fit (see _OWN_FITS)
    projected = _as_a_card_holds(fit_lines(contact.project(VCARD_FIELDS), region=region))
    display_name = derived_display_name(projected)
    if display_name == projected.display_name:
        return projected  # nothing to fill in: the same value, without another copy of the contact
    return replace(projected, display_name=display_name)


def _as_a_card_holds(contact: Contact) -> Contact:
    """The values a card cannot spell as given, as it spells them."""
    if not contact.relations and not contact.custom:
        return contact
    # a relation of a kind has no label of its own on a card (the label says the kind)
    relations = normalize.unique(
        r if r.kind is RelationKind.OTHER or not r.label else replace(r, label="") for r in contact.relations
    )
    # a card's text holds no control characters but the tab and the line break
    custom = tuple((k, _CUSTOM_CONTROL.sub("", v.replace("\r\n", "\n"))) for k, v in contact.custom)
    if (
        custom == contact.custom
        and len(relations) == len(contact.relations)
        and all(new is old for new, old in zip(relations, contact.relations, strict=True))
    ):
        # nothing to spell otherwise (a contact read from a card): the contact itself, not an equal copy, so that
        # what its card's reading left on it (see _Read) is found (#18)
        return contact
    return replace(contact, relations=relations, custom=custom)


_CUSTOM_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def parse_card(text: str, *, region: str = "US", photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES) -> ParsedCard:
    """Read one card. Raises CardError when ``text`` has no card structure; tolerates everything else."""
    card = _read_card(text)
    version = _output_version(card.version)
    context = _Context.of(card.lines)
    # each slot's values, a list made when the first comes (most cards fill a few of the 25 slots, #18)
    values: defaultdict[_Slot, list[Any]] = defaultdict(list)
    # each NICKNAME or LANG line with its value as decoded (they decode alike in any context)
    aggregates: dict[_Slot, list[tuple[ContentLine, tuple[str, ...]]]] = {}
    carried: list[str] = []  # what vcard_lines holds: unmapped lines and the forms of mapped ones
    # the value line of each consumed group, by its place in the card, as _consumed_groups decoded it
    consumed, decoded_in_groups = _consumed_groups(card.lines, context, region, photo_max_bytes)
    # the first line of each value (its text, the lines that travel with it, whether they travel already): a value
    # given again otherwise (another TYPE, another FN) travels as a line of its own, and the first one then
    # travels too, so that a copy tells the two apart (see _Carried.of). A tuple (see _repeat): most values are
    # given once, and a tuple is made for a fifth of a class instance's instructions (#18)
    firsts: dict[tuple[_Slot, str], tuple[str, list[str], bool]] = {}
    #: TEL lines re-spelled in E.164 whose text lex_line reads back as the very line (see _remember_lexed)
    respelled: dict[str, ContentLine] = {}
    #: carried texts with their line as lex_line reads it and what it decodes to among the carried lines (see _Read)
    known: dict[str, tuple[ContentLine, Any]] = {}
    photo_dropped = False
    extra_photo_bytes = 0  # the bytes of the further embedded photos carried (see below)
    lines_of_group: dict[str, list[ContentLine]] | None = None  # each group's lines, made when first needed
    for index, line in enumerate(card.lines):
        if line.nested or line.name in _NOT_CARRIED:
            continue
        if line.group in consumed:
            if line.name != _LABEL:
                decoded_label = decoded_in_groups.get(index) or _decode(line, region, photo_max_bytes, context)
                assert decoded_label is not None  # a consumed group's value line is one we map
                slot, value = decoded_label
                identity = (slot, element_key(value))
                if identity in firsts:
                    _repeat(firsts, identity, line_text(line), carried)
                    continue
                if lines_of_group is None:
                    # each group's lines in card order, made once: not a scan of the card per group (#18)
                    lines_of_group = {}
                    for m in card.lines:
                        if m.group and not m.nested:
                            lines_of_group.setdefault(m.group, []).append(m)
                group = [line_text(m) for m in lines_of_group[line.group]]
                firsts[identity] = (line_text(line), group, False)
                values[slot].append(value)
            continue  # a labelled value written as we write it: the value alone says how
        decoded = _decode(line, region, photo_max_bytes, context)
        if decoded is None:
            text = line_text(line)
            carried.append(text)
            _note(known, line, text, None)
            continue
        slot, value = decoded
        if slot is _S_PHOTO and isinstance(value, _PhotoLine):
            photo_dropped = photo_dropped or value is _DROPPED
            if value is _NOT_INLINE:
                text = line_text(line)
                carried.append(text)  # a photo by URL: never fetched, passed on as it is
                _note(known, line, text, decoded)
            continue
        if slot in _KEYED:
            # what _empty_name and element_key say of an email, phone, address or URL, its key read once (#18)
            key = value.key
            if not key.strip("|"):
                continue  # maps to nothing: the card keeps it as it is, and no copy needs it
            identity = (slot, key)
        else:
            if _empty_name(slot, value):
                continue  # maps to nothing: the card keeps it as it is, and no copy needs it
            if slot in _AGGREGATE:
                values[slot] += value
                aggregates.setdefault(slot, []).append((line, value))
                continue
            if slot in _NO_FORMS:
                if slot is _S_PHOTO and _S_PHOTO in values:
                    # a further embedded photo: the model holds one photo (the first), so this one travels as its
                    # line, and a write-back keeps it where it is (see _merge). Its line is kept in the store and
                    # in memory with the contact, so photo_max_bytes bounds these too: the further photos of a
                    # card are carried while together they stay within it (a contact then holds at most twice the
                    # cap of photo data, whatever a card holds); one past that stays on its card, is not carried
                    # and is reported as a photo left behind, as a photo over the cap is. The same photo again
                    # says nothing more: not carried (it follows the first on a write-back)
                    if value != values[_S_PHOTO][0]:
                        if extra_photo_bytes + len(value.data) <= photo_max_bytes:
                            extra_photo_bytes += len(value.data)
                            carried.append(line_text(line))  # not noted (see _Read): a photo's text is long
                        else:
                            photo_dropped = True
                    continue
                values[slot].append(value)
                continue
            identity = (slot, element_key(value) if slot in _MULTI else "")
        # a second FN, ORG… (the model holds the first, the card all), an email given twice
        if identity in firsts:
            _repeat(firsts, identity, line_text(line), carried)
            continue
        values[slot].append(value)
        as_written = as_carried = line_text(line)
        if slot is _S_TEL:
            spelled = _spelled_canonically(line, value)
            if spelled is not line:
                if line.raw and spelled.value.isprintable() and line_text(line) == line.raw:
                    respelled[line_text(spelled)] = spelled
                    known[line_text(spelled)] = (spelled, _UNDECODED)
                line, as_carried = spelled, line_text(spelled)
        plain = _is_plain(slot, value, line, version)
        firsts[identity] = (as_written, [as_carried], not plain)
        if not plain:
            # written otherwise than we would write this value (parameters, group, what the model does not hold
            # of it): the line itself travels, and is written wherever this value is
            carried.append(as_carried)
            if as_carried == as_written:  # the card's line itself (a TEL re-spelled is noted above)
                _note(known, line, as_carried, decoded)
    lists: dict[_Slot, tuple[str, ...]] = {_S_NICKNAME: (), _S_LANG: ()}  # no line: no value (most cards)
    for slot in _AGGREGATE:
        read = aggregates.get(slot)
        if read is None:
            continue
        # a line given twice says it once (the same text: the same value)
        unique = list({line_text(line): (slot, value, line) for line, value in read}.values())
        value = lists[slot] = normalize.unique_texts(values[slot])
        # the lines as written travel, all together, when a copy can tell their order from the list
        if not _aggregate_is_plain(slot, unique) and _in_list_order(unique, value) is not None:
            for line, line_value in read:
                text = line_text(line)
                carried.append(text)
                _note(known, line, text, (slot, line_value))
    contact = _normalized(values, lists, carried, region)
    if carried and not extra_photo_bytes:
        _remember_lexed(card.lines, contact.vcard_lines, respelled, known)
    display_name = derived_display_name(contact)
    if display_name != contact.display_name:
        contact = replace(contact, display_name=display_name)
    # what the contact's fit and render need of this card, kept on the contact itself (see _Read)
    reading = _Read(region, photo_max_bytes, known or _NO_NOTES)
    if extra_photo_bytes:
        # a further photo carried: its lines are read the long way each time, as lines too long for the memos
        # are (see _MEMO_CHARS), rather than kept lexed with the contact or in _LEXED (another copy of the photo
        # per contact held, for a whole run)
        reading.let_go()
    object.__setattr__(contact, "derived", reading)

    # the first UID, marker and kinds, and every member, in one pass over the lines
    singles: dict[str, str] = {}
    members: list[str] = []
    for line in card.lines:
        if line.nested:
            continue
        if line.name in _SINGLES:
            singles.setdefault(line.name, line.value)
        elif line.name in _MEMBERS:
            members.append(line.value.strip())

    fit_key = _own_fit_key(contact, region)
    if fit_key is not None:
        _OWN_FITS.seed(fit_key, True)
    kind, apple_kind = singles.get("KIND"), singles.get("X-ADDRESSBOOKSERVER-KIND")
    is_group = (kind is not None and _text(kind).lower() == "group") or (
        apple_kind is not None and _text(apple_kind).lower() == "group"
    )
    marker = _text(singles[MARKER_PROPERTY]) if MARKER_PROPERTY in singles else ""
    uid = _text(singles["UID"]) if "UID" in singles else ""
    return ParsedCard(uid, version, contact, marker or None, is_group, tuple(members), photo_dropped)


def _remember_lexed(
    lines: Sequence[ContentLine],
    vcard_lines: tuple[str, ...],
    respelled: dict[str, ContentLine],
    known: dict[str, tuple[ContentLine, Any]],
) -> None:
    """Hand the render the carried lines already lexed (#18): each text of ``vcard_lines`` that is a line of the
    card as read, or a TEL line re-spelled, goes into :data:`_LEXED` as the line :func:`lex_line` makes of it.

    A line whose text as read (``raw``) is one of the carried texts is that very line: a carried text is a
    :func:`line_text` and holds no line break, so the line was not folded, and it was clean (a line that was not
    has no ``raw``), so nothing was repaired; lex_line of the text lexes what the card's lexer lexed, and the
    line differs from its result in ``raw`` alone. A nested line (inside a 2.1 AGENT) is not: lex_line's is not
    nested. A TEL line re-spelled (``respelled``) is its card line with another printable value: where a
    line's value starts and how its head reads does not depend on the value, so when the card line is its own
    text as read, lex_line of the new text gives the new value as is. tests/test_codec_speed_seeded.py holds
    every entry to lex_line over the corpus and hostile cards."""
    wanted = set(vcard_lines)
    for line in lines:
        if line.raw in wanted and not line.nested:
            # the line without its text as read (what line.changed() makes, made directly; the one noted if noted)
            noted = known.get(line.raw)
            _LEXED.seed(
                line.raw,
                noted[0] if noted is not None else new_line(line.name, line.value, line.params, line.group, False, ""),
            )
    for text, line in respelled.items():
        if text in wanted:
            _LEXED.seed(text, line)


def _note(known: dict[str, tuple[ContentLine, Any]], line: ContentLine, text: str, decoded: Any) -> None:
    """Note a carried line of the card being read (``text``: its line_text) with what it decoded to, when both are
    what the render would make of ``text`` among the contact's carried lines: the line is its own text as read
    (so lex_line of the text lexes what the card's lexer lexed, see :func:`_remember_lexed`), and what it decodes
    to does not depend on the lines around it. A line's context (:class:`_Context`) is read only for a grouped
    line (its label), an ADR (a 3.0 LABEL printing it) and an X- property (a custom value given twice is none):
    those are decoded again among the carried lines."""
    if line.raw == text and not line.group and line.name != "ADR" and not line.name.startswith("X-"):
        params = line.params
        if params:
            # one tuple for the same parameters (TYPE=WORK, TYPE=CELL...: most lines of a book): a contact's
            # notes are held while it is (the whole first sync), and a line's parameters are ~250 bytes
            params = _PARAMS.setdefault(params, params)
            if len(_PARAMS) > 4096:
                _PARAMS.clear()
        known[text] = (new_line(line.name, line.value, params, "", False, ""), decoded)


#: the parameters of the lines noted, each once (see _note; emptied when full)
_PARAMS: dict[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, tuple[str, ...]], ...]] = {}


#: a noted carried line whose value is not known yet (a TEL re-spelled: decoded when the render reads it)
_UNDECODED: Any = object()


#: the notes of a card with no carried line noted (shared, never written to: most cards of a book)
_NO_NOTES: dict[str, tuple[ContentLine, Any]] = {}


class _Read:
    """What parse_card read a contact from, kept on the contact (``Contact.derived``, see
    :class:`contactsync.model._Derived`) for its fit and render in the same run (#18): that it is its own fit in
    ``region`` (see :data:`_OWN_FITS`), each carried line it noted (see :func:`_note`), and, once asked, the
    contact's carried lines read (:class:`_Carried`) and its fitted lines, for ``region`` and ``photo_max_bytes``.
    Found by the contact's identity, not by hashing its values; a contact made from it (``replace``) has none.
    Valid while :data:`_generation` is the one it was made in: emptying the codec's memos forgets these too.

    The lines are let go of (:meth:`let_go`, ``known`` and ``carried`` None) when no longer likely to be needed,
    so that contacts held for a run or kept between runs (a listing, the store's encodings) do not hold them: the
    notes once read (:data:`_SPENT`), those of the oldest cards read (:data:`_NOTED`), all of them when the memos
    are emptied. What is left is the own-fit flag; the carried lines are then read the long way, as for a copy."""

    __slots__ = ("__weakref__", "carried", "fitted", "generation", "known", "photo_max_bytes", "region")

    def __init__(self, region: str, photo_max_bytes: int, known: dict[str, tuple[ContentLine, Any]]) -> None:
        self.generation = _generation
        self.region = region
        self.photo_max_bytes = photo_max_bytes
        self.known: dict[str, tuple[ContentLine, Any]] | None = known
        self.carried: _Carried | None = None
        self.fitted: Any = _ABSENT
        _NOTED.add(self)

    def let_go(self) -> None:
        """Let go of the lines noted and read: the contact's fit and render read them the long way (the memos)."""
        self.known = None
        self.carried = None
        self.fitted = _ABSENT


class _Reads:
    """The last ``size`` :class:`_Read` s put here, by weak reference (a contact that dies frees its notes at
    once); the oldest is let go of when a newer one comes. Thread-safe: deque's append and popleft are atomic, and
    letting go twice, or of a read another thread is using, only costs that thread a read the long way."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._refs: deque[weakref.ref[_Read]] = deque()

    def add(self, read: _Read) -> None:
        refs = self._refs
        refs.append(weakref.ref(read))
        try:
            # the oldest reads whose contacts died, out (a reference is 72 bytes: contacts die about in the order
            # they were read, a chunk at a time, so the references to them go about as soon)
            while refs[0]() is None:
                refs.popleft()
            if len(refs) > self._size:
                oldest = refs.popleft()()
                if oldest is not None:
                    oldest.let_go()
        except IndexError:  # another thread took the last one
            return

    def let_go_all(self) -> None:
        while True:
            try:
                read = self._refs.popleft()()
            except IndexError:
                return
            if read is not None:
                read.let_go()


#: every card read, its notes kept for the last 32,768: more than a run holds (the engine keeps 20,000 listed
#: contacts, the rest as text), so a first sync renders each contact of the cards it read from its notes, and
#: the notes of older cards still held somewhere go
_NOTED = _Reads(32768)
#: the notes once read into carried lines (``known`` gone): kept for the last 4,096 (two of the engine's chunks,
#: as the memos: each account's render of a chunk's contacts), the older let go of; a render is one read
_SPENT = _Reads(4096)


def _read_of(contact: Contact, region: str, photo_max_bytes: int | None) -> _Read | None:
    """What parse_card read ``contact`` from, when it read it in ``region`` (and with ``photo_max_bytes``, unless
    None) since the codec's memos were last emptied."""
    read = getattr(contact, "derived", None)
    if (
        read.__class__ is _Read
        and read.generation == _generation
        and read.region == region
        and (photo_max_bytes is None or read.photo_max_bytes == photo_max_bytes)
    ):
        return read
    return None


def _read_noted(
    vcard_lines: tuple[str, ...], known: dict[str, tuple[ContentLine, Any]], region: str, photo_max_bytes: int
) -> tuple[tuple[ContentLine, tuple[_Slot, Any] | None], ...]:
    """:func:`_read_carried_now` of a contact's lines, from the lines parse_card noted where it noted them: each
    line lexed as lex_line lexes it, decoded as among the carried lines (the context read only when a line needs
    it). tests/test_codec_noted.py holds this to _read_carried_now over the corpus and hostile cards."""
    read: list[tuple[ContentLine, Any]] = []
    undecoded = contextual = False
    for text in vcard_lines:
        entry = known.get(text)
        if entry is None:
            line = _lexed(text)
            if line is None:
                continue
            entry = (line, _UNDECODED)
        if entry[1] is _UNDECODED:
            undecoded = True
            line = entry[0]
            contextual = contextual or bool(line.group) or line.name == "ADR" or line.name.startswith("X-")
        read.append(entry)
    if not undecoded:
        return tuple(read)
    context = _Context.of([line for line, _d in read]) if contextual else _NO_CONTEXT
    return tuple(
        (line, _decode(line, region, photo_max_bytes, context) if decoded is _UNDECODED else decoded)
        for line, decoded in read
    )


#: the properties a card says once (the first one counts) and the members of a group card, apart from the contact
_SINGLES = frozenset({"UID", MARKER_PROPERTY, "KIND", "X-ADDRESSBOOKSERVER-KIND"})
_MEMBERS = frozenset({"MEMBER", "X-ADDRESSBOOKSERVER-MEMBER"})


def _normalized(
    values: dict[_Slot, list[Any]], lists: dict[_Slot, tuple[str, ...]], carried: list[str], region: str
) -> Contact:
    """``normalize.normalize_contact`` of the contact a card's decoded values make, without doing again what
    :func:`_decode` did (#18): each text it returns is normalize.text's, multiline's or note's result already, and
    all give their own result back, so the names, ORG, TITLE, ROLE, NOTE, FN, the phonetic names, the gender, the
    addresses and the labels of emails and phones are taken as decoded. What normalize_contact adds beyond that
    is done here as it does it: the lists deduplicated (an element given twice, an empty one; an email address
    and a phone number are decoded normalized, and normalizing is idempotent), the labels of URLs, IMs,
    relations and events folded (a built-in label is read as written) and an IM's service lower-cased, the
    custom entries sorted and the carried lines sorted. Tags are tags() of tags() read per line (the same set,
    the same spellings). tests/test_parse_once.py holds this to normalize_contact over the corpus, the sample
    cards and hostile ones."""

    # each slot's first value: (its values, or a tuple of the default)[0], without a call per slot (#18); a slot
    # nothing was given for may have no list
    get = values.get
    unique, text = normalize.unique, normalize.text
    org, department = (get(_S_ORG) or (("", ""),))[0]
    emails, phones, addresses = get(_S_EMAIL) or (), get(_S_TEL) or (), get(_S_ADR) or ()
    urls, ims, relations, events = get(_S_URL), get(_S_IMPP), get(_S_RELATED), get(_S_EVENT)
    categories, custom = get(_S_CATEGORIES) or (), get(_S_CUSTOM)
    # (an empty list has nothing to deduplicate: most cards have no URL, IM, relation or event)
    phonetic = (
        (get(_S_PHONETIC_GIVEN) or ("",))[0],
        (get(_S_PHONETIC_MIDDLE) or ("",))[0],
        (get(_S_PHONETIC_FAMILY) or ("",))[0],
        (get(_S_PHONETIC_ORG) or ("",))[0],
    )
    return new_contact(
        name=(get(_S_N) or (_NO_NAME,))[0],
        display_name=(get(_S_FN) or ("",))[0],
        nicknames=lists[_S_NICKNAME],
        emails=_unique(emails),
        phones=_unique(phones),
        addresses=_unique(addresses),
        organization=org,
        department=department,
        job_title=(get(_S_TITLE) or ("",))[0],
        birthday=(get(_S_BDAY) or (None,))[0],
        anniversary=(get(_S_ANNIVERSARY) or (None,))[0],
        urls=unique(Url(u.value, text(u.label)) for u in urls) if urls else (),
        note=(get(_S_NOTE) or ("",))[0],
        photo=(get(_S_PHOTO) or (None,))[0],
        # one CATEGORIES line (the usual card) is its own tags(); several are merged, the first spelling kept
        tags=categories[0] if len(categories) == 1 else normalize.tags(t for tags in categories for t in tags),
        # keys are given once (a repeated key is a carried line) and are X- names or folded X-KEY values
        custom=tuple(sorted(dict(custom).items())) if custom else (),
        phonetic_name=PhoneticName(*phonetic) if any(phonetic) else _NO_PHONETIC_NAME,
        gender=(get(_S_GENDER) or ("",))[0],
        ims=unique(InstantMessage(m.handle, text(m.service).lower(), text(m.label)) for m in ims if m.handle)
        if ims
        else (),
        relations=unique(Relation(r.name, r.kind, text(r.label)) for r in relations if r.name) if relations else (),
        events=unique(Event(e.date, text(e.label) or "other") for e in events) if events else (),
        role=(get(_S_ROLE) or ("",))[0],
        languages=lists[_S_LANG],
        vcard_lines=tuple(sorted(set(carried))),
    )


def _unique(found: Sequence[Any]) -> tuple[Any, ...]:
    """normalize.unique of a card's emails, phones or addresses: one (the usual card) is its own unless it is
    empty (parse_card leaves out what :func:`_empty_name` says is, but not an empty line of a group it consumed:
    ``item1.EMAIL:`` beside ``item1.TEL``)."""
    if len(found) == 1:
        return (found[0],) if found[0].key.strip("|") else ()
    return normalize.unique(found) if found else ()


#: the empty name and phonetic name most cards have (values: one object serves every contact, as the defaults)
_NO_NAME = Name()
_NO_PHONETIC_NAME = PhoneticName()


def _repeat(
    firsts: dict[tuple[_Slot, str], tuple[str, list[str], bool]],
    identity: tuple[_Slot, str],
    text: str,
    carried: list[str],
) -> None:
    """A value given again: the same line again says nothing; another line travels as it is, with the first.
    ``firsts`` holds, for each value, its first line (as written: a phone's number as spelled), the lines that
    carry it (as carried: a phone's number in E.164; its group's, when grouped) and whether they travel."""
    first_text, lines, travels = firsts[identity]
    if text == first_text:
        return
    carried.append(text)
    if not travels:
        firsts[identity] = (first_text, lines, True)
        carried.extend(lines)


def _consumed_groups(
    lines: Sequence[ContentLine], context: _Context, region: str, photo_max_bytes: int
) -> tuple[frozenset[str], dict[int, tuple[_Slot, Any]]]:
    """Groups that are exactly a labelled value as the renderer writes it (``itemN.EMAIL:…`` and
    ``itemN.X-ABLabel:Club``, nothing else): the value and its label say all, neither line is carried. With
    them, each value line of theirs decoded here, by its place in ``lines`` (decoded once: see parse_card)."""
    out: set[str] = set()
    decoded_at: dict[int, tuple[_Slot, Any]] = {}
    labels: dict[str, ContentLine] | None = None  # each group's first label line, made when first needed
    for index, line in enumerate(lines):
        if not line.group or line.nested or line.name == _LABEL or context.sizes.get(line.group) != 2:
            continue
        if labels is None:
            # once per card, not a scan of the card per group: a card of thousands of groups stays linear
            labels = {}
            for m in lines:
                if m.group and m.name == _LABEL and not m.nested:
                    labels.setdefault(m.group, m)
        label = labels.get(line.group)
        if label is None or label.params:
            continue
        decoded = _decode(line, region, photo_max_bytes, context)
        if decoded is None or decoded[0] not in _LABELLED or _empty_name(*decoded):
            continue
        slot, value = decoded
        ungrouped = replace(_spelled_canonically(line, value) if slot is _S_TEL else line, group="")
        generated = _generate(slot, value, "4.0")  # labelled values are written alike in 3.0 and 4.0
        wanted = _label_text(slot, value, "4.0")
        if ungrouped == generated and wanted is not None and label.value == escape_text(wanted):
            out.add(line.group)
            decoded_at[index] = decoded
    return frozenset(out), decoded_at


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
    if not params:  # most lines we write (FN, N, ORG…): no generator to run for nothing (#18)
        return new_line(name, value, (), group, False, "")
    return new_line(name, value, tuple((k, tuple(v)) for k, v in params if v), group, False, "")


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
    """The line we write for one mapped value in a card of ``version`` (None: photos and tags, written apart).
    A value's label is not on it: see :func:`_label_text`. The properties of issue #15 are written the same in
    3.0 and 4.0 (IMPP, GENDER, LANG, Apple's X-ABRELATEDNAMES and X-ABDATE), so a card copied to a book of the
    other version loses nothing."""
    if slot is _S_FN:
        return _line("FN", escape_text(value))
    if slot is _S_N:
        return _line("N", _structured_text(slot, value))
    if slot is _S_NICKNAME:
        return _line("NICKNAME", ",".join(escape_text(v) for v in value))
    if slot is _S_EMAIL:
        email: Email = value
        kind = [] if email.kind is _EMAIL_OTHER else [email.kind.value]
        return _line("EMAIL", escape_text(email.address), [("TYPE", kind)])
    if slot is _S_TEL:
        phone: Phone = value
        return _line("TEL", escape_text(phone.number), [("TYPE", _PHONE_TYPES[phone.kind])])
    if slot is _S_ADR:
        a: PostalAddress = value
        parts = (a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code, a.country)
        kind = [] if a.kind is _ADDRESS_OTHER else [a.kind.value]
        formatted = [_param_value(a.formatted)] if a.formatted else []
        return _line("ADR", ";".join(escape_text(p) for p in parts), [("TYPE", kind), ("LABEL", formatted)])
    if slot is _S_ORG:
        return _line("ORG", _structured_text(slot, value))
    if slot in (_S_TITLE, _S_ROLE, *_PHONETIC.values()):
        return _line(_PROPERTY_OF[slot], escape_text(value))
    if slot is _S_GENDER:
        letter = _GENDER_LETTERS.get(value)
        return _line("GENDER", letter if letter is not None else ";" + escape_text(value))
    if slot is _S_LANG:
        return _line("LANG", escape_text(value[0]))
    if slot is _S_BDAY:
        return _line("BDAY", value.to_iso())
    if slot is _S_ANNIVERSARY:
        return _line("ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY", value.to_iso())
    if slot is _S_EVENT:
        return _line("X-ABDATE", value.date.to_iso())
    if slot is _S_URL:
        url: Url = value
        # URIs are not text, but escaping the backslash keeps a stray one from eating the next character
        kind = [url.label] if url.label in ("home", "work") else []
        return _line("URL", url.value.replace("\\", "\\\\"), [("TYPE", kind)])
    if slot is _S_IMPP:
        im: InstantMessage = value
        handle = im.handle.replace("\\", "\\\\")
        scheme = _IM_SCHEME_OF.get(im.service)
        if scheme is not None:
            return _line("IMPP", f"{scheme}:{handle}")
        return _line("IMPP", f"x-apple:{handle}", [("X-SERVICE-TYPE", [im.service] if im.service else [])])
    if slot is _S_RELATED:
        relation: Relation = value
        return _line("X-ABRELATEDNAMES", escape_text(relation.name))
    if slot is _S_NOTE:
        return _line("NOTE", escape_text(value))
    if slot is _S_CUSTOM:
        key, text = value
        if _X_NAME.match(key) and key not in _NOT_CUSTOM and key != _CUSTOM:
            return _line(key, escape_text(text))
        return _line(_CUSTOM, escape_text(text), [(_CUSTOM_KEY, [_param_value(key)])])
    return None


def _structured_text(slot: _Slot, value: Any) -> str:
    """The value of the N or ORG line we write for ``value``."""
    if slot is _S_N:
        n: Name = value
        return ";".join(
            [
                escape_text(n.family),
                escape_text(n.given),
                escape_text(n.middle),
                escape_text(n.prefix),
                escape_text(n.suffix),
            ]
        )
    org, department = value
    return escape_text(org) + (f";{escape_text(department)}" if department else "")


def _label_text(slot: _Slot, value: Any, version: str) -> str | None:
    """What the group's X-ABLabel line says for a value (None: the value needs no label line)."""
    if slot in (_S_EMAIL, _S_TEL, _S_ADR):
        return value.label or None
    if slot in (_S_URL, _S_IMPP, _S_EVENT):
        label: str = value.label
        if not label or (slot is _S_URL and label in ("home", "work")):
            return None
        builtin = _PLAIN_BUILTINS.get(label)
        return f"_$!<{builtin}>!$_" if builtin is not None else label
    if slot is _S_RELATED:
        relation: Relation = value
        if relation.kind is RelationKind.OTHER:
            return relation.label or None
        return f"_$!<{_RELATION_BUILTIN_NAMES[relation.kind]}>!$_"
    return None


def _label_fallback(slot: _Slot, value: Any) -> str:
    """The label a group keeps when its value needs none: Apple's built-in for the value's kind ("" to drop)."""
    if slot is _S_EMAIL or slot is _S_ADR:
        return f"_$!<{value.kind.value.capitalize()}>!$_"
    if slot is _S_TEL:
        return f"_$!<{_PHONE_BUILTIN_NAMES[value.kind]}>!$_"
    return ""


def _with_label(slot: _Slot, value: Any, line: ContentLine, version: str) -> ContentLine:
    """The generated line with what :func:`_expand_labels` needs to give it its label (or take an old one)."""
    if slot not in _LABELLED:
        return line
    wanted = _label_text(slot, value, version)
    params = (*line.params, (_LABEL_PARAM, (wanted or "", _label_fallback(slot, value))))
    return new_line(line.name, line.value, params, line.group, line.nested, line.raw)


def _empty_name(slot: _Slot, value: Any) -> bool:
    """A line that maps to nothing ("N:;;;;", "FN:", "item1.NICKNAME:", "EMAIL:") says nothing: never a form
    to carry, and left as it is on its card."""
    if slot in _NO_FORMS:
        return False
    if slot is _S_IMPP:
        return not value.handle
    if slot is _S_RELATED:
        return not value.name
    if slot is _S_CUSTOM:
        return not value[0]
    if slot is _S_EVENT:
        return False
    if slot in _MULTI:
        return not element_key(value).strip("|")  # an empty EMAIL, TEL, ADR or URL: the model drops it
    if slot is _S_N:
        return bool(value.is_empty())
    if slot is _S_ORG:
        return not any(value)
    return not value


def _spelled_canonically(line: ContentLine, phone: Phone) -> ContentLine:
    """A TEL line with its number as the model holds it (E.164): a phone's spelling is the book's to choose on
    the cards it writes (``phone_format``), and a card written back keeps its own line anyway. A ``tel:`` URI or
    a number with an extension is kept as written: it holds more than the number."""
    raw = unescape_text(line.value).strip()
    if raw.lower().startswith("tel:") or ";" in raw or "ext" in raw.lower() or not phone.number.startswith("+"):
        return line
    spelled = escape_text(phone.number)
    # already so spelled (the usual number, stored in E.164): the line itself, no copy of it to compare (#18)
    return line if spelled == line.value else line.changed(value=spelled)


def _is_plain(slot: _Slot, value: Any, line: ContentLine, version: str = "") -> bool:
    """The line is what we would write for its value (in 3.0 or 4.0: ANNIVERSARY is X-ANNIVERSARY in 3.0), so
    the value alone says how to write it. A value with a label is never written as one line alone."""
    if line.group or line.nested:
        return False  # the line we write for a value alone is neither: not worth generating it to compare
    if line.params and not _may_be_written(slot, line.params):
        return False  # parameters we never write so (``TYPE=WORK``, ``LANGUAGE=de``): not worth generating either
    if slot in _TEXT_SLOTS:
        # what comparing with the generated line compares (no group, not nested, no parameters: seen above), and
        # such a value has no label: without making the line (#18)
        return line.name == _PROPERTY_OF[slot] and line.value == escape_text(value)
    if slot is _S_N or slot is _S_ORG:
        # the same for N and ORG (their lines are made so in _generate, in every version)
        return line.name == _PROPERTY_OF[slot] and line.value == _structured_text(slot, value)
    for written in ("4.0", "3.0") if slot is _S_ANNIVERSARY else ("4.0",):  # the rest is written alike
        if line == _generate(slot, value, written) and _label_text(slot, value, written) is None:
            return True
    return False


#: the slots whose line we write may have parameters, and those whose parameters are only TYPE, with lower-case
#: values of ours (``_PHONE_TYPES``, the kinds' values, a URL's home or work), and ADR's LABEL
_WITH_PARAMS = frozenset({_Slot.EMAIL, _Slot.TEL, _Slot.ADR, _Slot.URL, _Slot.IMPP, _Slot.CUSTOM, _Slot.PHOTO})
_TYPED = frozenset({_Slot.EMAIL, _Slot.TEL, _Slot.ADR, _Slot.URL})
#: slots whose line we write is ``<the slot's name>:<the text escaped>``, without parameters or a label
_TEXT_SLOTS = frozenset({_Slot.FN, _Slot.TITLE, _Slot.ROLE, _Slot.NOTE, *_PHONETIC.values()})


def _may_be_written(slot: _Slot, params: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """False when no line :func:`_generate` makes for ``slot`` has ``params`` (True: it may have them)."""
    if slot not in _WITH_PARAMS:
        return False
    if slot in _TYPED:
        for key, values in params:
            if key == "TYPE":
                for v in values:
                    if v != v.lower():
                        return False
            elif key != "LABEL":
                return False
    return True


def _aggregate_lines(slot: _Slot, value: tuple[str, ...]) -> list[ContentLine]:
    """The lines we write for a whole NICKNAME or LANG list: a line per value. (One ``NICKNAME:a,b`` is as valid,
    but Radicale's vobject keeps only the first value of such a line.)"""
    return [line for v in value if (line := _generate(slot, (v,), "4.0")) is not None]


def _aggregate_value(lines: Iterable[tuple[_Slot, Any, ContentLine]]) -> tuple[str, ...]:
    return normalize.unique_texts(v for _s, value, _l in lines for v in value)


def _in_list_order(
    lines: Sequence[tuple[_Slot, Any, ContentLine]], value: tuple[str, ...]
) -> list[tuple[_Slot, Any, ContentLine]] | None:
    """NICKNAME or LANG lines (carried lines are sorted as text) in the order that says the list ``value``, or
    None when they do not say it (the list changed since)."""
    position = {v.casefold(): i for i, v in enumerate(value)}
    ordered = sorted(lines, key=lambda f: [position.get(v.casefold(), len(position)) for v in f[1]])
    return ordered if ordered and _aggregate_value(ordered) == value else None


def _aggregate_is_plain(slot: _Slot, decoded: list[tuple[_Slot, Any, ContentLine]]) -> bool:
    """NICKNAME or LANG lines (with their decoded values, each line once) are the lines we write for their list."""
    value = _aggregate_value(decoded)
    return [replace(line, raw="") for _s, _v, line in decoded] == _aggregate_lines(slot, value)


def _aggregate_of(contact: Contact, slot: _Slot) -> tuple[str, ...]:
    return contact.nicknames if slot is _S_NICKNAME else contact.languages


def _single_values(contact: Contact) -> list[tuple[_Slot, Any]]:
    """The contact's single-valued mapped values, as the card's lines decode them."""
    out: list[tuple[_Slot, Any]] = []
    display = derived_display_name(contact)
    if display:
        out.append((_S_FN, display))
    if not contact.name.is_empty():  # an empty N ("N:" or "N:;;;;") says nothing: never a form
        out.append((_S_N, contact.name))
    return out + _other_single_values(contact)


def _other_single_values(contact: Contact) -> list[tuple[_Slot, Any]]:
    """:func:`_single_values` but FN and N."""
    out: list[tuple[_Slot, Any]] = []
    phonetic = contact.phonetic_name
    for slot, text in (
        (_S_PHONETIC_GIVEN, phonetic.given),
        (_S_PHONETIC_MIDDLE, phonetic.middle),
        (_S_PHONETIC_FAMILY, phonetic.family),
        (_S_PHONETIC_ORG, phonetic.organization),
        (_S_GENDER, contact.gender),
    ):
        if text:
            out.append((slot, text))
    if contact.organization or contact.department:
        out.append((_S_ORG, (contact.organization, contact.department)))
    if contact.job_title:
        out.append((_S_TITLE, contact.job_title))
    if contact.role:
        out.append((_S_ROLE, contact.role))
    if contact.birthday is not None:
        out.append((_S_BDAY, contact.birthday))
    if contact.anniversary is not None:
        out.append((_S_ANNIVERSARY, contact.anniversary))
    if contact.note:
        out.append((_S_NOTE, contact.note))
    return out


def _multi_values(contact: Contact) -> list[tuple[_Slot, Any]]:
    out: list[tuple[_Slot, Any]] = []
    # an empty field (most of them on most contacts) costs a test, not a generator (#18)
    for slot, elements in (
        (_S_EMAIL, contact.emails),
        (_S_ADR, contact.addresses),
        (_S_IMPP, contact.ims),
        (_S_EVENT, contact.events),
        (_S_RELATED, contact.relations),
        (_S_URL, contact.urls),
        (_S_CUSTOM, contact.custom),
    ):
        if elements:
            out += [(slot, element) for element in elements]
    return out


def _wanted(contact: Contact, version: str, categories: bool, region: str) -> list[tuple[_Slot, Any, Any]]:
    """Every mapped value the contact needs, in a fresh card's order, as the card's lines decode it (a phone as its
    E.164 number, whatever spelling the line is written in), with what :func:`_line_of` writes its line from (a
    phone as the contact spells it). NICKNAME and LANG are not here: they are written as a whole
    (:func:`_aggregate_lines`). A line is made only where it is written: a fresh card writes the form a value
    was carried in instead, and a fit writes none (#18)."""
    # built in a fresh card's order (the order of _Slot) rather than sorted: no key function called per value (#18)
    out: list[tuple[_Slot, Any, Any]] = []
    display = derived_display_name(contact)
    if display:  # a card with nothing to show gets no empty FN: the card keeps what it had
        out.append((_S_FN, display, display))
    if version != "4.0" or not contact.name.is_empty():  # 2.1 and 3.0 require N, even empty
        out.append((_S_N, contact.name, contact.name))
    phonetic = contact.phonetic_name
    for slot, text in (
        (_S_PHONETIC_GIVEN, phonetic.given),
        (_S_PHONETIC_MIDDLE, phonetic.middle),
        (_S_PHONETIC_FAMILY, phonetic.family),
        (_S_PHONETIC_ORG, phonetic.organization),
        (_S_GENDER, contact.gender),
    ):
        if text:
            out.append((slot, text, text))
    if contact.emails:
        out += [(_S_EMAIL, email, email) for email in contact.emails]
    for phone in contact.phones:
        number = normalize.phone_number(phone.number, region)
        # (a number read from a card is normalized already: the same phone, without another copy)
        tel = phone if number == phone.number else Phone(number, phone.kind, phone.label)
        out.append((_S_TEL, tel, phone))
    if contact.addresses:
        out += [(_S_ADR, address, address) for address in contact.addresses]
    if contact.ims:
        out += [(_S_IMPP, im, im) for im in contact.ims]
    if contact.organization or contact.department:
        organization = (contact.organization, contact.department)
        out.append((_S_ORG, organization, organization))
    for slot, value in (
        (_S_TITLE, contact.job_title),
        (_S_ROLE, contact.role),
    ):
        if value:
            out.append((slot, value, value))
    if contact.birthday is not None:
        out.append((_S_BDAY, contact.birthday, contact.birthday))
    if contact.anniversary is not None:
        out.append((_S_ANNIVERSARY, contact.anniversary, contact.anniversary))
    for slot, elements in ((_S_EVENT, contact.events), (_S_RELATED, contact.relations), (_S_URL, contact.urls)):
        if elements:
            out += [(slot, element, element) for element in elements]
    if contact.note:
        out.append((_S_NOTE, contact.note, contact.note))
    if contact.custom:
        out += [(_S_CUSTOM, entry, entry) for entry in contact.custom]
    if contact.photo is not None and contact.photo.data:
        out.append((_S_PHOTO, contact.photo, contact.photo))
    if categories and contact.tags:
        out.append((_S_CATEGORIES, contact.tags, contact.tags))
    return out


def _line_of(slot: _Slot, value: Any, source: Any, version: str) -> ContentLine:
    """The line we write for one of :func:`_wanted`'s values (generated from ``source``)."""
    if slot is _S_PHOTO:
        return _photo_line(source, version)
    if slot is _S_CATEGORIES:
        names = sorted((t.name for t in source), key=lambda name: (name.casefold(), name))
        return _line("CATEGORIES", ",".join(escape_text(t) for t in names))
    line = _generate(slot, source, version)
    assert line is not None
    return _with_label(slot, value, line, version)


def _spelled(slot: _Slot, source: Any) -> str | None:
    """The value of the line :func:`_line_of` writes for a phone (its number as the contact spells it), which
    :meth:`_Carried.form_for` spells a phone's form in; None for any other value (not asked)."""
    return escape_text(source.number) if slot is _S_TEL else None


#: the empty aggregates, lists and anchored forms of a contact's lines read (shared; never written to)
_NONE: dict[Any, Any] = {}
_NOT_ANCHORED: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Carried:
    """A contact's ``vcard_lines`` read back: lines the model does not map, and the forms of mapped values."""

    unmapped: tuple[ContentLine, ...]
    forms: tuple[tuple[_Slot, Any, ContentLine], ...]
    #: NICKNAME and LANG lines as written, written together when together they still say the contact's list
    aggregates: dict[_Slot, tuple[tuple[_Slot, Any, ContentLine], ...]]
    #: the contact's NICKNAME and LANG lists (the non-empty ones)
    wanted: dict[_Slot, tuple[str, ...]]
    #: forms (as texts) of values given again in lines of their own: they travel even when plain
    anchored: frozenset[str] = frozenset()

    @classmethod
    def of(cls, contact: Contact, region: str, photo_max_bytes: int) -> _Carried:
        """The contact's carried lines read (once for the same contact's values: see :func:`_memo_key`)."""
        read = _read_of(contact, region, photo_max_bytes)
        if read is not None:
            # read from a card: kept on the contact, its lines as parse_card noted them (no hash, no memo)
            carried = read.carried
            if carried is not None:
                return carried
            known = read.known
            if known is not None:
                noted = _read_noted(contact.vcard_lines, known, region, photo_max_bytes)
                carried = read.carried = cls._of(contact, region, photo_max_bytes, noted)
                read.known = None  # read: not needed again, and the contact may be held for the whole run
                _SPENT.add(read)
                return carried
            # let go of (see _Read): the long way
        key = _memo_key(contact, region, photo_max_bytes)
        if key is None:
            return cls._of(contact, region, photo_max_bytes)
        return _CARRIED.get(key, lambda: cls._of(contact, region, photo_max_bytes))

    @classmethod
    def _of(
        cls,
        contact: Contact,
        region: str,
        photo_max_bytes: int,
        read: tuple[tuple[ContentLine, tuple[_Slot, Any] | None], ...] | None = None,
    ) -> _Carried:
        unmapped: list[ContentLine] = []
        forms: list[tuple[_Slot, Any, ContentLine]] = []
        aggregates: dict[_Slot, list[tuple[_Slot, Any, ContentLine]]] = {slot: [] for slot in _AGGREGATE}
        if read is None:
            read = _read_carried(contact.vcard_lines, region, photo_max_bytes)
        for line, decoded in read:
            if decoded is None or isinstance(decoded[1], _PhotoLine) or decoded[0] in _NO_FORMS:
                unmapped.append(line)
            elif decoded[0] in _AGGREGATE:
                aggregates[decoded[0]].append((decoded[0], decoded[1], line))
            else:
                forms.append((decoded[0], decoded[1], line))
        # a value given twice (FN in two languages, a second ORG, an email with two TYPEs): one line whose value
        # the contact holds is the form of that value, the others are lines of their own, carried as they are.
        # When none holds the contact's value, the value changed since: they were all forms of the old one
        by_identity: dict[tuple[_Slot, str], list[tuple[_Slot, Any, ContentLine]]] = {}
        if len({slot for slot, _v, _l in forms}) < len(forms):  # else no value is given twice (most contacts, #18)
            for form in forms:
                slot, value, _line = form
                by_identity.setdefault((slot, element_key(value) if slot in _MULTI else ""), []).append(form)
        second: list[tuple[_Slot, Any, ContentLine]] = []
        anchored: set[str] = set()
        held: dict[tuple[_Slot, str], Any] = {}
        if by_identity and len(by_identity) < len(forms):  # a value given twice (else the loop below finds nothing)
            held = {(slot, ""): value for slot, value in _single_values(contact)}
            held |= {(slot, element_key(value)): value for slot, value in _multi_values(contact)}
            held |= {(_S_TEL, p.key): p for p in contact.phones}
        for identity, group in by_identity.items():
            matching = [f for f in group if identity in held and f[1] == held[identity]]
            if matching and len(group) > 1:
                anchored.add(line_text(matching[0][2]))
                second += [f for f in group if f is not matching[0]]
        unmapped += [line for _s, _v, line in second]
        wanted = {slot: _aggregate_of(contact, slot) for slot in _AGGREGATE}
        for slot, lines in aggregates.items():
            if lines:  # (no line: nothing to order, most contacts)
                ordered = _in_list_order(lines, wanted[slot])
                lines[:] = ordered or []  # none: the list changed since, it is written afresh
        # no empty list, dict or set of its own: a contact's lines read are kept while it may be rendered (a
        # chunk's, see _SPENT), and an empty frozenset is 216 bytes, an empty dict 64 (most contacts have no
        # NICKNAME, LANG nor value given twice)
        return cls(
            tuple(unmapped),
            tuple(f for f in forms if not any(f is g for g in second)) if second else tuple(forms),
            {slot: tuple(lines) for slot, lines in aggregates.items() if lines} if any(aggregates.values()) else _NONE,
            {slot: value for slot, value in wanted.items() if value} if any(wanted.values()) else _NONE,
            frozenset(anchored) if anchored else _NOT_ANCHORED,
        )

    def aggregate(self, slot: _Slot, value: tuple[str, ...]) -> list[ContentLine]:
        """The lines to write for a NICKNAME or LANG list: as they were written, else as we write them."""
        carried = self.aggregates.get(slot, ())
        return [line for _s, _v, line in carried] if carried else _aggregate_lines(slot, value)

    def form_for(self, slot: _Slot, value: Any, taken: set[int], spelled: str | None = None) -> ContentLine | None:
        """The line the value was written as where it came from (each form used once). A phone's form holds its
        number as E.164: it is written as ``spelled`` (the value of the line generated for it: the book's phone
        format)."""
        for index, (form_slot, form_value, line) in enumerate(self.forms):
            if index not in taken and form_slot is slot and form_value == value:
                taken.add(index)
                if slot is _S_TEL and spelled is not None and line.value == escape_text(value.number):
                    if line.value == spelled and not line.raw:
                        return line  # already spelled so (a carried line has no text as read): no copy (#18)
                    return line.changed(value=spelled)
                return line
        return None

    def stale_labels(self, taken: set[int]) -> set[str]:
        """3.0 LABEL lines (as texts) that print no address written: the address they went with changed."""
        if not any(line.name == "LABEL" and not line.group for line in self.unmapped):
            return set()  # no such line (most contacts): nothing to compare (#18)
        written = {line.types() - {"pref"} for i in taken for slot, _v, line in [self.forms[i]] if slot is _S_ADR}
        carried = {line.types() - {"pref"} for slot, _v, line in self.forms if slot is _S_ADR}
        return {
            line_text(line)
            for line in self.unmapped
            if line.name == "LABEL" and not line.group and line.types() - {"pref"} in carried - written
        }

    def orphaned_groups(self, taken: set[int]) -> set[str]:
        """Groups whose mapped line is gone (a label of an email removed since): their other lines go too."""
        if not any(line.group for _s, _v, line in self.forms):
            return set()  # no form in a group (most contacts): none to lose (#18)
        used = {self.forms[i][2].group for i in taken}
        return {line.group for _s, _v, line in self.forms if line.group} - used


#: carried lines read once for every ask of the same contact's lines (fit for each account, then render): their
#: total length beyond which a contact's lines are read again rather than kept, so that the memo stays small
_MEMO_CHARS = 16384


def _read_carried(
    vcard_lines: tuple[str, ...], region: str, photo_max_bytes: int
) -> tuple[tuple[ContentLine, tuple[_Slot, Any] | None], ...]:
    """Each carried line lexed, with what it decodes to among the others (lines and values are immutable)."""
    if sum(map(len, vcard_lines)) > _MEMO_CHARS:
        return _read_carried_now(vcard_lines, region, photo_max_bytes)
    return _read_carried_memo(vcard_lines, region, photo_max_bytes)


def _read_carried_now(
    vcard_lines: tuple[str, ...], region: str, photo_max_bytes: int
) -> tuple[tuple[ContentLine, tuple[_Slot, Any] | None], ...]:
    lexed = [line for line in map(_lexed, vcard_lines) if line is not None]
    context = _Context.of(lexed)
    return tuple((line, _decode(line, region, photo_max_bytes, context)) for line in lexed)


def _lexed(text: str) -> ContentLine | None:
    """lex_line of one carried line: the line parse_card read it from when it handed it over (see _LEXED)."""
    seeded = _LEXED.find(text)
    return seeded if seeded is not None else lex_line(text)


# keyed by the lines' exact text (the key is the contact's own tuple, no copy). Bounded: 4,096 contacts' lines,
# enough for a first sync to render a book of thousands from the memo its planning filled (#18), each entry at
# most _MEMO_CHARS; the engine holds the contacts themselves anyway
_read_carried_memo = lru_cache(maxsize=4096)(_read_carried_now)


#: bumped when a memo is emptied: a :class:`_Read` of an older one is not used (a cold start, as for the memos)
_generation = 0

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Memo(Generic[K, V]):
    """The last ``size`` values made, by key (thread-safe: CardDAV writes render on the slots' threads).

    A value may be seeded (:meth:`seed`): kept as :meth:`put` keeps it, but its key hashed only when the memo is
    next read. parse_card seeds what later fits and renders may ask for, and in a first sync nothing asks:
    hashing a contact's values or a line's text there was work for nothing (#18). Seeds wait in a deque of at
    most ``size`` (the oldest dropped, as the memo drops its oldest), and every read settles them first, in the
    order they came: what a read finds is what it found had each seed been a put."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._known: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._seeds: deque[tuple[K, V]] = deque(maxlen=size)

    def _settle(self) -> None:
        """The seeds put (called with the lock held); a key that cannot be hashed is dropped, as get drops it."""
        seeds, known = self._seeds, self._known
        while seeds:
            try:
                key, value = seeds.popleft()
            except IndexError:  # (appends come from other threads without the lock: taken meanwhile)
                break
            try:
                known[key] = value
                known.move_to_end(key)
            except TypeError:
                continue
        while len(known) > self._size:
            known.popitem(last=False)

    def get(self, key: K, make: Callable[[], V]) -> V:
        try:
            with self._lock:
                if self._seeds:
                    self._settle()
                if key in self._known:
                    self._known.move_to_end(key)
                    return self._known[key]
        except TypeError:  # a value that cannot be hashed (a list where a tuple belongs): made, not kept
            return make()
        value = make()
        with self._lock:
            self._known[key] = value
            if len(self._known) > self._size:
                self._known.popitem(last=False)
        return value

    def find(self, key: K) -> V | None:
        """The value kept for ``key``, None when there is none (its place in the order unchanged: cheaper). For a
        memo keyed by text (:data:`_LEXED`): a get is then one step of the dict's own, which no other thread
        interleaves (hashing and comparing ``str`` runs no Python code), so it takes no lock (#18) unless there
        are seeds to settle."""
        if self._seeds:
            with self._lock:
                self._settle()
        return self._known.get(key)

    def known(self, key: K) -> bool:
        """Whether ``key`` has a value here (made the most recently used if so); False for a key that cannot be
        hashed (a list where a tuple belongs)."""
        try:
            with self._lock:
                if self._seeds:
                    self._settle()
                if key in self._known:
                    self._known.move_to_end(key)
                    return True
        except TypeError:
            pass
        return False

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if self._seeds:
                self._settle()
            self._known[key] = value
            self._known.move_to_end(key)
            if len(self._known) > self._size:
                self._known.popitem(last=False)

    def seed(self, key: K, value: V) -> None:
        """:meth:`put`, its key hashed when the memo is next read (deque's append is atomic: no lock). A full deque
        is settled first: dropping its oldest seed would lose a key a put keeps (seeds of one key repeated)."""
        seeds = self._seeds
        if len(seeds) >= self._size:
            with self._lock:
                self._settle()
        seeds.append((key, value))

    def cache_clear(self) -> None:
        """Forget every value, and what parse_card kept on the contacts it read (see :class:`_Read`)."""
        global _generation
        with self._lock:
            self._seeds.clear()
            self._known.clear()
        _generation += 1
        _NOTED.let_go_all()  # retired: no stale read keeps its lines
        _SPENT.let_go_all()

    def __len__(self) -> int:
        if self._seeds:
            with self._lock:
                self._settle()
        return len(self._known)


#: every field of a contact but its photo and tags: what a contact's carried lines are read against, and what
#: fit_lines looks at (a photo never has a form, tags are written apart). Without the photo, an entry holds no
#: bytes; without tags, none of their spellings (equal tags may be spelled otherwise: Tag compares ignoring case)
_KEYED_FIELDS = tuple(f.name for f in fields(Contact) if f.name not in ("photo", "tags"))
_keyed_values = operator.attrgetter(*_KEYED_FIELDS)


def _memo_key(contact: Contact, region: str, photo_max_bytes: int) -> tuple[Any, ...] | None:
    """The key the same contact's carried lines are read by, None for a contact whose lines are too long to keep
    (they are read every time)."""
    if sum(map(len, contact.vcard_lines)) > _MEMO_CHARS:
        return None
    return (_keyed_values(contact), region, photo_max_bytes)


#: the contacts' carried lines read, and what fit_lines keeps of them: a first sync asks for each contact's fit
#: once per account, then renders it (#18). 4,096 contacts (the connectors' FitMemo holds as many), the key the
#: contact's own values (no copy); the engine holds these contacts anyway
_CARRIED: _Memo[tuple[Any, ...], _Carried] = _Memo(4096)
_FITTED: _Memo[tuple[Any, ...], tuple[str, ...] | None] = _Memo(4096)
#: the contacts parse_card made lately, by their values but photo and tags, and the region. Each is its own fit
#: there, ``fit_contact(c) == c`` (the codec's contract, checked on the corpus and on hostile cards by
#: tests/test_fit_of_parsed.py; the connectors' fit memos are seeded on it), and a fit passes the photo and the
#: tags through as they are: so any contact with the same other values is its own fit in that region. A first
#: sync asks the target account for the fit of every contact its source's cards were read as: each is answered
#: here without a walk through the mapping (#18; a vCard account's fit of a Google or Outlook contact is not).
#: 16,384: a listing is read whole before the engine plans it chunk by chunk, so a bound of 4,096 answered only
#: the last 4,096 cards of a 10,000-card first sync (0.46 s of fits for the rest). An entry holds references to
#: the contact's values (no photo, no lines over _MEMO_CHARS): about 1.6 KB each once the run has let go of them
_OWN_FITS: _Memo[tuple[Any, ...], bool] = _Memo(16384)
#: carried lines as parse_card lexed them, by their text, each exactly what lex_line makes of it
#: (see _remember_lexed): the render of a contact just read reads its carried lines without lexing them again
#: (#18). 16,384 lines: a first sync parses a whole listing before it renders, and most cards carry a few lines
_LEXED: _Memo[str, ContentLine] = _Memo(16384)


def _own_fit_key(contact: Contact, region: str) -> tuple[Any, ...] | None:
    """The key of :data:`_OWN_FITS` (None for a contact whose lines are too long to keep: see _MEMO_CHARS)."""
    if sum(map(len, contact.vcard_lines)) > _MEMO_CHARS:
        return None
    return (_keyed_values(contact), region)


def _now_rev() -> str:
    global _last_rev
    second = int(time.time())  # the clock datetime.now reads, without a datetime made per card (#18)
    last = _last_rev  # one tuple: another writing thread replaces it whole
    if last[0] == second:
        return last[1]  # strftime once per second, not once per card written (#18)
    rev = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second))
    _last_rev = (second, rev)
    return rev


#: the last REV written and the second (since the epoch) it stands for
_last_rev: tuple[int | None, str] = (None, "")


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


def _fresh(wanted: list[tuple[_Slot, Any, Any]], carried: _Carried, version: str) -> list[ContentLine]:
    """A new card's lines after VERSION and PRODID (``wanted``: :func:`_wanted`'s): each value in the form it was
    written in where it came from, else as we write it, then the lines the model does not map, as they were (a
    label whose element is gone is left out with it)."""
    taken: set[int] = set()
    if not carried.wanted and not carried.forms:
        # nothing carried to place among them (most contacts from another platform, #18): in _wanted's order
        lines = [_line_of(slot, value, source, version) for slot, value, source in wanted]
    elif not carried.wanted:
        # no NICKNAME nor LANG list to place among them: in _wanted's order already (#18)
        lines = [
            carried.form_for(slot, value, taken, _spelled(slot, source)) or _line_of(slot, value, source, version)
            for slot, value, source in wanted
        ]
    else:
        placed: list[tuple[int, list[ContentLine]]] = []
        for slot, value, source in wanted:
            form = carried.form_for(slot, value, taken, _spelled(slot, source)) if carried.forms else None
            placed.append((_ORDER[slot], [form or _line_of(slot, value, source, version)]))
        for slot, value in carried.wanted.items():
            placed.append((_ORDER[slot], carried.aggregate(slot, value)))
        placed.sort(key=lambda p: p[0])  # stable: a slot's values keep their order
        lines = [line for _o, group in placed for line in group]
    orphaned = carried.orphaned_groups(taken)
    stale = carried.stale_labels(taken)
    lines += [
        line for line in carried.unmapped if line.group not in orphaned and (not stale or line_text(line) not in stale)
    ]
    return lines


def fit_lines(contact: Contact, *, region: str = "US", photo_max_bytes: int = DEFAULT_PHOTO_MAX_BYTES) -> Contact:
    """The contact with only the ``vcard_lines`` a new card would carry (forms of values it no longer has,
    and labels of elements it no longer has, left out)."""
    if not contact.vcard_lines:
        return contact
    read = _read_of(contact, region, photo_max_bytes)
    if read is not None and (read.fitted is not _ABSENT or read.known is not None or read.carried is not None):
        vcard_lines = read.fitted
        if vcard_lines is _ABSENT:
            vcard_lines = read.fitted = _fitted_lines(contact, region, photo_max_bytes)
        return contact if vcard_lines is None else replace(contact, vcard_lines=vcard_lines)
    key = _memo_key(contact, region, photo_max_bytes)
    if key is None:
        vcard_lines = _fitted_lines(contact, region, photo_max_bytes)
    else:
        vcard_lines = _FITTED.get(key, lambda: _fitted_lines(contact, region, photo_max_bytes))
    return contact if vcard_lines is None else replace(contact, vcard_lines=vcard_lines)


def _fitted_lines(contact: Contact, region: str, photo_max_bytes: int) -> tuple[str, ...] | None:
    """The ``vcard_lines`` :func:`fit_lines` leaves, None when that is all of them."""
    carried = _Carried.of(contact, region, photo_max_bytes)
    if len(carried.unmapped) == len(contact.vcard_lines):
        return None  # nothing but lines the model does not map: a card carries them all
    taken: set[int] = set()
    for slot, value, _source in _wanted(contact, "4.0", categories=False, region=region):
        carried.form_for(slot, value, taken)
    orphaned = carried.orphaned_groups(taken)
    kept = {
        line_text(line)
        for i in taken
        for slot, value, line in [carried.forms[i]]
        if not _is_plain(slot, value, line) or line_text(line) in carried.anchored
    }
    kept |= {line_text(line) for line in carried.unmapped if line.group not in orphaned}
    kept -= carried.stale_labels(taken)
    for slot, lines in carried.aggregates.items():
        if lines and not _aggregate_is_plain(slot, list({line_text(f[2]): f for f in lines}.values())):
            kept |= {line_text(line) for _s, _v, line in lines}
    vcard_lines = tuple(t for t in contact.vcard_lines if t in kept)
    if len(vcard_lines) == len(contact.vcard_lines):
        return None  # every line kept: the contact as it is, without another copy
    return vcard_lines


def _expand_labels(lines: list[ContentLine]) -> list[ContentLine]:
    """Lines generated for labelled values (see :func:`_with_label`) get their label the way Apple writes it: in
    a group of their own (``item3.EMAIL`` and ``item3.X-ABLabel:Club``), or the group they are in has its label
    line set; a value that needs none takes the label line of its group with it, or leaves Apple's built-in
    label of its kind there."""
    for line in lines:
        if line.params and line.param(_LABEL_PARAM):
            break
    else:
        return lines  # no line generated for a labelled value (a loop, not a generator: most cards, #18)
    used = {line.group for line in lines if line.group}
    has_label = {line.group for line in lines if line.group and line.name == _LABEL and not line.nested}
    wanted: dict[str, str | None] = {}  # group → its label line's text (None: no label line)
    out: list[ContentLine] = []
    number = 1
    for line in lines:
        param = line.param(_LABEL_PARAM)
        if not param:
            out.append(line)
            continue
        text, fallback = param[0], param[1]
        line = replace(line, params=tuple(p for p in line.params if p[0] != _LABEL_PARAM))
        if not line.group and text:
            while f"item{number}" in used:
                number += 1
            group = f"item{number}"
            used.add(group)
            out += [line.changed(group=group), _line("X-ABLabel", escape_text(text), group=group)]
            continue
        if line.group:
            wanted[line.group] = text or fallback or None
            if line.group not in has_label and text:
                out += [line, _line("X-ABLabel", escape_text(text), group=line.group)]
                has_label.add(line.group)
                continue
        out.append(line)
    result: list[ContentLine] = []
    relabelled: set[str] = set()
    for line in out:
        # a nested card's label (inside a 2.1 AGENT) is that card's own, whatever its group
        if line.name.upper() == _LABEL and line.group in wanted and line.group not in relabelled and not line.nested:
            relabelled.add(line.group)
            label = wanted[line.group]
            if label is None:
                continue
            if unescape_text(line.value) != label:
                line = line.changed(name="X-ABLabel", value=escape_text(label))  # spelled as Apple does
        result.append(line)
    return result


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
    context = _Context.of(original.lines)
    seen: dict[tuple[_Slot, str], int] = {}  # the index of a multi value's first line
    echoes: dict[int, int] = {}
    decoded: list[tuple[_Slot, Any] | None] = []
    photos: list[int] | None = None  # where the PHOTO lines are, when the model's photo is to be written
    for line in original.lines:
        item = _decode(line, region, photo_max_bytes, context)
        if item is not None and item[0] is _S_PHOTO:
            if contact.photo is None:
                if isinstance(item[1], _PhotoLine):
                    item = None  # a URL photo or one over the cap, and nothing to replace it with: keep it
            elif not contact.photo.data:
                item = None  # the model knows this photo by digest only (bytes not loaded): nothing to write
            elif photos is None:
                photos = [len(decoded)]
            else:
                photos.append(len(decoded))
        elif item is not None and item[0] is _S_CATEGORIES and not categories:
            item = None  # the caller keeps tags in group cards: CATEGORIES is left as it is
        if item is not None and _empty_name(*item) and not any(slot is item[0] for slot, _v, _l in desired):
            item = None  # an empty FN, NICKNAME…, and nothing to write instead: left as it is
        if item is not None and item[0] in _MULTI:
            identity = (item[0], element_key(item[1]))
            if identity in seen:
                first = seen[identity]
                if line_text(line) == line_text(original.lines[first]):
                    echoes[len(decoded)] = first  # the very same line again: goes where the first goes
                item = None  # the same value again (another TYPE…): a line of its own, kept or removed as one
            else:
                seen[identity] = len(decoded)
        decoded.append(item)
    if photos is not None and len(photos) > 1:
        _photos_of_their_own(decoded, photos)
    # NICKNAME and LANG: the card's lines stay when together they say the contact's list; else they all go, and
    # the list is written anew (in the form it came in, when it came from another card)
    whole: dict[int, bool] = {}
    added_whole: list[ContentLine] = []
    for slot in _AGGREGATE:
        indices = [i for i, item in enumerate(decoded) if item is not None and item[0] is slot]
        want = _aggregate_of(contact, slot)
        same = normalize.unique_texts(v for i in indices for v in decoded[i][1]) == want  # type: ignore[index]
        whole.update((i, same) for i in indices)
        if not same and want:
            added_whole += carried.aggregate(slot, want)

    wanted_single = {slot: value for slot, value, _ in desired if slot not in _MULTI}
    new_single = {slot: line for slot, _, line in desired if slot not in _MULTI}
    # singletons already right in the original stay where they are: by their slot's first line, the one a card is
    # read as (a later line of the value, say the second ORG a Google edit made the company, is no value yet: the
    # card would keep being read as its first, and the edit sent again every run)
    first_values: dict[_Slot, Any] = {}
    for item in decoded:
        # an empty line (``NOTE:``) is read as nothing: the card's value is its first that says something
        if item is not None and item[0] not in _MULTI and item[0] not in first_values and not _empty_name(*item):
            first_values[item[0]] = item[1]
    satisfied = {
        slot for slot, value in first_values.items() if same_version and wanted_single.get(slot, _ABSENT) == value
    }
    remaining_multi = [(slot, value, line) for slot, value, line in desired if slot in _MULTI]
    carried_now = set(contact.vcard_lines)
    carried_before = set(previous.vcard_lines) if previous is not None else set()
    taken: set[int] = set()

    out: list[ContentLine | None] = list(original.lines)
    removed_groups: set[str] = set()
    placed: set[_Slot] = set()
    rewritten: set[_Slot] = set()  # single-valued slots whose first line pass 2 rewrites
    # carried lines of the card that pass 2 rewrites with the new value of their slot, or removes, although the
    # contact still carries them (another account put a new first value before them): added back after it
    displaced: set[str] | None = None
    # pass 1: keep lines that already carry a wanted value (multi-valued: element by element)
    kept = [False] * len(out)
    for index, item in enumerate(decoded):
        line = original.lines[index]
        if index in whole:
            kept[index] = whole[index]
            continue
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
        elif slot in satisfied:
            # a second FN, ORG… the contact carries stays where it is
            kept[index] = line_text(line) in carried_now
        elif slot in rewritten:
            # as well when the first one changed, but for a line of the new value, which the first line now says
            kept[index] = line_text(line) in carried_now and value != wanted_single[slot]
            if kept[index] and not same_version and line.raw:
                out[index] = line.changed()  # its text as read is its card's version's: written afresh, as the first
        elif slot in new_single:
            # the slot's first line, whose value changed (or, in a card written in another version, which is
            # written afresh): rewritten in place in pass 2, so that the new value stays the first, the one a card
            # is read as; the slot's later lines are seconds, kept where they are while the contact carries them,
            # in any version (as the lines the model does not map are). Only dropped with the first, and added back
            # after it (see ``displaced``), they were lost in another version once the first value had changed: the
            # contact then carries them as forms of the old value, which are not added back. A value that is gone
            # (cleared on Google or Outlook, which hold no second one) takes its seconds with it: kept, the next
            # would be read as the value, a note or a photo the user did not put back
            rewritten.add(slot)
    for index, first in echoes.items():
        kept[index] = kept[first]
    # pass 2: rewrite the rest in place (an element whose kind changed keeps its group), remove what is gone
    for index, item in enumerate(decoded):
        if kept[index]:
            continue
        line = original.lines[index]
        if item is None or index in whole:
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
                if slot in _LABELLED and same_version and replace(value, label=match[1].label) == match[1]:
                    # only its label changed (elsewhere): the line stays, its group's label line changes
                    replacement = _with_label(slot, match[1], line, version)
                else:
                    form = carried.form_for(slot, match[1], taken, match[2].value) or match[2]
                    replacement = replace(form, group=form.group or line.group)
        elif slot in new_single and slot not in satisfied and slot not in placed:
            placed.add(slot)
            carried_form = carried.form_for(slot, wanted_single[slot], taken)
            if carried_form is not None:
                replacement = carried_form  # as it was written where it came from
            elif slot is _S_ANNIVERSARY and line.name == "X-ABDATE":
                replacement = line.changed(value=wanted_single[slot].to_iso())  # Apple's anniversary, new date
            else:
                replacement = replace(new_single[slot], group=line.group)
        if replacement is None and line.group:
            removed_groups.add(line.group)
        elif (
            slot not in _MULTI
            and slot is not _S_PHOTO
            and slot in new_single
            and not line.group
            and line_text(line) in carried_now
        ):
            # a line of a single-valued slot the contact still carries, rewritten or removed here: it goes back
            # after the slot's new line. (A PHOTO line is not: see _photos_of_their_own; a URL photo or one over
            # the cap is replaced by the model's photo)
            displaced = displaced or set()
            displaced.add(line_text(line))
        out[index] = replacement

    # a 3.0 LABEL printed an address that is rewritten or gone: it goes too (the new one prints itself)
    addresses = [(kept[i], line.types() - {"pref"}) for i, line in enumerate(original.lines) if line.name == "ADR"]
    unprinted = {types for was_kept, types in addresses if not was_kept} - {t for was_kept, t in addresses if was_kept}
    out = [
        None
        if line is not None and line.name == "LABEL" and not line.group and line.types() - {"pref"} in unprinted
        else line
        for line in out
    ]
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
        added.append(carried.form_for(slot, value, taken, line.value) or line)
    added += added_whole
    gone = carried.orphaned_groups(taken) - {line.group for line in lines if line_text(line) in carried_now}
    stale = carried.stale_labels(taken)
    added += [
        line
        for line in carried.unmapped
        if line_text(line) not in present
        and (line_text(line) not in carried_before or (displaced is not None and line_text(line) in displaced))
        and line_text(line) not in stale
    ]
    added = [line for line in added if not line.group or line.group not in gone]
    # a group some of whose carried lines are on the card already is the same group, not a clash
    same_groups = {line.group for line in carried.unmapped if line.group and line_text(line) in present}
    same_groups |= {line.group for _s, _v, line in carried.forms if line.group and line_text(line) in present}
    renamed = _renamed_groups(lines, added, present, same_groups)
    for line in added:
        if line.group in renamed:
            line = replace(line, group=renamed[line.group])
        _insert_after_same_name(lines, line)
    if not same_version and "2.1" in (version, _output_version(original.version)):
        # a line's text as read is in its card's version: 2.1 text (a backslash is text there) says another thing
        # in a 3.0/4.0 card and the other way round, so across 2.1 every line is written afresh from its value
        lines = [line.changed() if line.raw else line for line in lines]
    return lines


def _photos_of_their_own(decoded: list[tuple[_Slot, Any] | None], photos: list[int]) -> None:
    """A card's PHOTO lines (``photos``: where they are in ``decoded``) when it holds more than one and the model's
    photo is written: the first embedded photo is the model's (as parse_card reads it), and the others are lines
    of their own (None: kept unless they were carried and the contact no longer carries them), but for the same
    photo again, which follows the first (kept while the photo is, else removed with it). Without an embedded
    photo, the first line (a URL photo, one over the cap) is the one the model's photo replaces."""
    first = next((i for i in photos if not isinstance(decoded[i][1], _PhotoLine)), None)  # type: ignore[index]
    if first is None:
        return
    model = decoded[first][1]  # type: ignore[index]
    for i in photos:
        if i != first and decoded[i][1] != model:  # type: ignore[index]
            decoded[i] = None


def _renamed_groups(
    lines: list[ContentLine], added: list[ContentLine], present: set[str], same: set[str]
) -> dict[str, str]:
    """New names for the groups of ``added`` lines that the card uses already for lines of its own."""
    used = {line.group for line in lines if line.group}
    clashing = {line.group for line in added if line.group in used}
    # a group some of whose carried lines are on the card already is the same group, not a clash
    clashing -= {line.group for line in added if line.group and line_text(line) in present}
    clashing -= same  # groups the caller knows are the same
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
    contact = _as_a_card_holds(contact)
    wanted = _wanted(contact, version, categories, region)
    carried = _Carried.of(contact, region, photo_max_bytes)
    previous_card: _Card | None = None
    if original is not None:
        try:
            previous_card = _read_card(original)
        except CardError:
            previous_card = None
    if previous_card is None:
        lines = _expand_labels(_fresh(wanted, carried, version))
        if version != "2.1" and not any(
            line.name in _STAMPS or line.name == "VERSION" for line in lines if not line.nested
        ):
            # no VERSION, UID, marker nor REV among them (carried lines hold none, see _NOT_CARRIED): the card
            # the lines below make, its own lines written as text directly, without a line object each (#18)
            stamp = fold(f"{MARKER_PROPERTY}:{_without_control(escape_text(marker))}") if marker is not None else ""
            return (
                f"BEGIN:VCARD\r\nVERSION:{version}\r\n{fold('UID:' + _without_control(uid))}{stamp}"
                f"{_PRODID_TEXT}{write_lines(lines)}REV:{_now_rev()}\r\nEND:VCARD\r\n"
            )
        lines = [_line("VERSION", version), _line("PRODID", PRODID), *lines]
        before: list[ContentLine] | None = None
    else:
        lines = _merge(
            previous_card,
            [(slot, value, _line_of(slot, value, source, version)) for slot, value, source in wanted],
            contact,
            carried,
            previous,
            version=version,
            categories=categories,
            photo_max_bytes=photo_max_bytes,
            region=region,
        )
        lines = _expand_labels(lines)
        before = list(previous_card.lines)
        if _content(lines) == _content(before) and (
            previous_card.version == version or _output_version(previous_card.version) == version
        ):
            assert original is not None
            return original
    # VERSION comes first (4.0 requires it), then the identity lines
    lines = [line for line in lines if not (line.name == "VERSION" and not line.nested)]
    lines.insert(0, _line("VERSION", version))
    if all(line.nested or line.name not in _STAMPS for line in lines):
        # no UID, marker nor REV yet (a fresh card: carried lines hold none): what the _set calls below make, by
        # place (VERSION is first, and the UID just put after it), without three walks over the lines (#18)
        lines.insert(1, _line("UID", uid))
        if marker is not None:
            lines.insert(2, _line(MARKER_PROPERTY, escape_text(marker)))
        if before is None or _without_rev(lines) != _without_rev(before):
            lines.append(_line("REV", _now_rev()))
    else:
        _set(lines, "UID", uid)
        _set(lines, MARKER_PROPERTY, escape_text(marker) if marker is not None else None, after="UID")
        if before is None or _without_rev(lines) != _without_rev(before):
            _set(lines, "REV", _now_rev(), after=None)
    write = write_line_21 if version == "2.1" else write_line
    body = "".join(map(write, lines))
    return f"BEGIN:VCARD\r\n{body}END:VCARD\r\n"


#: the lines render_card stamps on every card it writes
_STAMPS = frozenset({"UID", MARKER_PROPERTY, "REV"})
#: PRODID as a fresh card's line (3.0 and 4.0)
_PRODID_TEXT = write_line(ContentLine("PRODID", PRODID))


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
