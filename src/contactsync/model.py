"""The canonical contact: one frozen value per real person, the same for every platform.

Everything here is a frozen, hashable value. Two contacts that mean the same compare equal: values are normalized
when built through :mod:`contactsync.normalize`, so a reordered, re-serialized or re-typed card is not a change.

Multi-valued fields (emails, phones, addresses, urls) are tuples of elements; each element has a *key* (its
normalized identity: the address, the E.164 number and whether it is a fax or a pager, …) so the engine can merge
them element by element.
Tags compare case-insensitively but keep their display case.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar


class EmailKind(enum.Enum):
    __hash__ = object.__hash__  # members are singletons: identity hashing is exact and C-fast

    HOME = "home"
    WORK = "work"
    OTHER = "other"


class PhoneKind(enum.Enum):
    __hash__ = object.__hash__  # members are singletons: identity hashing is exact and C-fast

    MOBILE = "mobile"
    HOME = "home"
    WORK = "work"
    MAIN = "main"
    HOME_FAX = "home_fax"
    WORK_FAX = "work_fax"
    PAGER = "pager"
    OTHER = "other"


class AddressKind(enum.Enum):
    __hash__ = object.__hash__  # members are singletons: identity hashing is exact and C-fast

    HOME = "home"
    WORK = "work"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date where the year (or, rarely, more) may be unknown: vCard's ``--04-15``."""

    year: int | None
    month: int | None
    day: int | None

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1..12")
        if self.day is not None and not 1 <= self.day <= 31:
            raise ValueError(f"day {self.day} is not 1..31")
        if self.year is None and self.month is None and self.day is None:
            raise ValueError("a date needs at least one of year, month, day")
        if self.year is not None and self.month is None and self.day is not None:
            raise ValueError("a date with a year and a day needs a month")

    def to_iso(self) -> str:
        """``1980-04-15``, ``--04-15`` (no year), ``1980`` (year only) or ``1980-04``."""
        if self.year is not None and self.month is not None and self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.year is None and self.month is not None and self.day is not None:
            return f"--{self.month:02d}-{self.day:02d}"
        if self.year is not None and self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        if self.year is not None:
            return f"{self.year:04d}"
        if self.month is not None:
            return f"--{self.month:02d}"
        return f"---{self.day:02d}"

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ISO 8601 / vCard forms: ``1980-04-15``, ``19800415``, ``--04-15``, ``--0415``, ``1980-04``.

        Raises ValueError on anything else.
        """
        raw = text.strip()
        if "T" in raw:  # vCard 4 allows a date-time; the time is noise for a birthday
            raw = raw.split("T", 1)[0]
        if raw.startswith("---"):
            return cls(None, None, int(raw[3:5]))
        if raw.startswith("--"):
            body = raw[2:].replace("-", "")
            if len(body) == 4:
                return cls(None, int(body[:2]), int(body[2:]))
            if len(body) == 2:
                return cls(None, int(body), None)
            raise ValueError(f"not a date: {text!r}")
        digits = raw.replace("-", "")
        if not digits.isdigit():
            raise ValueError(f"not a date: {text!r}")
        if len(digits) == 8:
            return cls(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        if len(digits) == 6 and "-" in raw:
            return cls(int(digits[:4]), int(digits[4:6]), None)
        if len(digits) == 4:
            return cls(int(digits), None, None)
        raise ValueError(f"not a date: {text!r}")


class RelationKind(enum.Enum):
    """How a related person relates to the contact: the union of Google's ``relations.type`` values, vCard's
    RELATED types and Outlook's fixed slots (spouseName, children, manager, assistantName). A label no kind
    names (Apple's ``_$!<Godparent>!$_``, a Google custom type) is ``OTHER`` with the label kept."""

    __hash__ = object.__hash__  # members are singletons: identity hashing is exact and C-fast

    SPOUSE = "spouse"
    PARTNER = "partner"
    DOMESTIC_PARTNER = "domestic_partner"
    CHILD = "child"
    PARENT = "parent"
    MOTHER = "mother"
    FATHER = "father"
    SIBLING = "sibling"
    BROTHER = "brother"
    SISTER = "sister"
    RELATIVE = "relative"
    FRIEND = "friend"
    COLLEAGUE = "colleague"
    MANAGER = "manager"
    ASSISTANT = "assistant"
    REFERRED_BY = "referred_by"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Name:
    given: str = ""
    family: str = ""
    middle: str = ""
    prefix: str = ""
    suffix: str = ""

    def is_empty(self) -> bool:
        return not (self.given or self.family or self.middle or self.prefix or self.suffix)

    def formatted(self) -> str:
        return " ".join(p for p in (self.prefix, self.given, self.middle, self.family, self.suffix) if p)


@dataclass(frozen=True, slots=True)
class PhoneticName:
    """How the name (and the organization) is pronounced: Apple's X-PHONETIC-*, Google's ``phoneticGivenName``
    …, Outlook's ``yomiGivenName``/``yomiSurname``/``yomiCompanyName``."""

    given: str = ""
    middle: str = ""
    family: str = ""
    organization: str = ""

    def is_empty(self) -> bool:
        return not (self.given or self.middle or self.family or self.organization)


@dataclass(frozen=True, slots=True)
class Email:
    """``label`` is a custom label the kind does not express (Apple X-ABLabel, a Google custom ``type``); it is
    not part of the key, so a relabelled address is the same address with a changed label."""

    address: str
    kind: EmailKind = EmailKind.OTHER
    label: str = ""

    @property
    def key(self) -> str:
        return self.address.casefold()


#: what a number of each kind reaches, when that is not a voice line: a phone's identity holds it (see Phone.key)
_PHONE_MEDIUM: dict[PhoneKind, str] = {
    PhoneKind.HOME_FAX: "fax",
    PhoneKind.WORK_FAX: "fax",
    PhoneKind.PAGER: "pager",
}


def phone_medium(kind: PhoneKind) -> str:
    """What a number of ``kind`` reaches: ``"fax"``, ``"pager"``, or ``""`` for a voice line (mobile, home, work,
    main, other)."""
    return _PHONE_MEDIUM.get(kind, "")


@dataclass(frozen=True, slots=True)
class Phone:
    """``number`` is E.164 when it could be parsed, else the text as given (whitespace folded).

    Its key is the number and what the number reaches: an office's switchboard number held as its voice line and
    as its fax (vCard ``TYPE=work,voice`` and ``TYPE=work,fax``, Google ``work`` and ``workFax``) is two phones,
    where one of them was lost on every copy. A number re-typed within its medium (home to work, home fax to work
    fax) is the same phone with another kind; a voice number's key is the number alone, as before."""

    number: str
    kind: PhoneKind = PhoneKind.OTHER
    label: str = ""  # a custom label, as on Email

    @property
    def key(self) -> str:
        medium = _PHONE_MEDIUM.get(self.kind)
        # an empty number keys as empty (normalize.unique drops it), whatever its kind
        return f"{self.number}|{medium}" if medium is not None and self.number else self.number


@dataclass(frozen=True, slots=True)
class PostalAddress:
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    po_box: str = ""
    extended: str = ""
    kind: AddressKind = AddressKind.OTHER
    label: str = ""  # a custom label, as on Email
    #: the address as the owner wants it printed (vCard 4 ADR's LABEL parameter, vCard 3 LABEL, Google's
    #: ``formattedValue``); not part of the key
    formatted: str = ""

    @property
    def key(self) -> str:
        parts = (self.po_box, self.extended, self.street, self.locality, self.region, self.postal_code, self.country)
        return "|".join(p.casefold() for p in parts)


@dataclass(frozen=True, slots=True)
class Url:
    value: str
    label: str = ""  # what the page is (vCard TYPE, Google ``type``: "blog", "homePage", a custom label)

    @property
    def key(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class InstantMessage:
    """An instant-messaging or SIP handle. ``service`` is lower-case and names the network ("xmpp", "skype",
    "sip", "aim", "icq", "qq", "msn", "yahoo", "gadugadu", "googletalk", "teams"…; "" when unknown); SIP
    addresses are ``service="sip"`` (Google keeps them apart, in ``sipAddresses``)."""

    handle: str
    service: str = ""
    label: str = ""

    @property
    def key(self) -> str:
        return f"{self.service}:{self.handle.casefold()}"


@dataclass(frozen=True, slots=True)
class Relation:
    """A related person, by name (or URI, as vCard 4's RELATED may hold)."""

    name: str
    kind: RelationKind = RelationKind.OTHER
    label: str = ""  # the label when ``kind`` is OTHER and the platform had one

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.label.casefold()}:{self.name.casefold()}"


@dataclass(frozen=True, slots=True)
class Event:
    """A date worth remembering other than the birthday and the anniversary (their own fields): Apple's
    X-ABDATE, Google's ``events`` of another type. ``label`` says what it is ("other" when nothing does)."""

    date: PartialDate
    label: str = "other"

    @property
    def key(self) -> str:
        return f"{self.label.casefold()}|{self.date.to_iso()}"


@dataclass(frozen=True, slots=True, order=True)
class Tag:
    """A tag (Google label, Outlook category, CardDAV category or group). Equal ignoring case."""

    name: str = field(compare=False)
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.name.casefold())


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo, stored once by content hash. Equality is by hash: the bytes ride along for writing."""

    digest: str
    media_type: str
    data: bytes = field(compare=False, repr=False)

    @classmethod
    def from_bytes(cls, data: bytes, media_type: str) -> Photo:
        return cls(hashlib.sha256(data).hexdigest(), media_type, data)


class Field(enum.Enum):
    """Every field of a contact the engine merges separately. Values are the dataclass attribute names."""

    # Enum hashes members by name in Python; the engine looks fields up millions of times at 100k contacts.
    # Members are singletons compared by identity, so the identity hash is exact.
    __hash__ = object.__hash__

    NAME = "name"
    DISPLAY_NAME = "display_name"
    NICKNAMES = "nicknames"
    EMAILS = "emails"
    PHONES = "phones"
    ADDRESSES = "addresses"
    ORGANIZATION = "organization"
    DEPARTMENT = "department"
    JOB_TITLE = "job_title"
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    URLS = "urls"
    NOTE = "note"
    PHOTO = "photo"
    TAGS = "tags"
    CUSTOM = "custom"
    # added for issue #15 (a richer model); after the older fields so the store's encoding order of those stays
    PHONETIC_NAME = "phonetic_name"
    GENDER = "gender"
    IMS = "ims"
    RELATIONS = "relations"
    EVENTS = "events"
    ROLE = "role"
    LANGUAGES = "languages"
    #: the vCard properties (and the written forms of mapped ones) the other fields do not hold; only accounts
    #: that speak vCard hold it, so it travels verbatim between them and nowhere else
    VCARD_LINES = "vcard_lines"

    @property
    def multi_valued(self) -> bool:
        return self in MULTI_VALUED

    @classmethod
    def named(cls, name: str) -> Field:
        """The field a config key or a stored record names, old names included ("nickname" was one string
        before it became ``nicknames``). Raises ValueError on an unknown name."""
        return cls(_RENAMED.get(name, name))


#: names a field had before, as configs, journals and stores may still hold them
_RENAMED = {"nickname": "nicknames"}


#: Field → attribute name, looked up on every comparison: an enum's ``.value`` is a slow descriptor
_ATTR: dict[Field, str] = {f: f.value for f in Field}

#: every field in declaration order, as a tuple: iterating the Enum class itself is a slow generator, and the engine
#: walks the fields of every contact several times per run
FIELDS: tuple[Field, ...] = tuple(Field)

MULTI_VALUED = frozenset(
    {
        Field.NICKNAMES,
        Field.EMAILS,
        Field.PHONES,
        Field.ADDRESSES,
        Field.URLS,
        Field.TAGS,
        Field.CUSTOM,
        Field.IMS,
        Field.RELATIONS,
        Field.EVENTS,
        Field.LANGUAGES,
        Field.VCARD_LINES,
    }
)
ALL_FIELDS = frozenset(Field)

Element = Email | Phone | PostalAddress | Url | Tag | InstantMessage | Relation | Event | tuple[str, str] | str


def element_key(element: Element) -> str:
    """The identity of one element of a multi-valued field (custom entries are keyed by their key; a vCard line
    by its whole text; a nickname or a language by itself)."""
    if isinstance(element, str):
        return element
    if isinstance(element, tuple):
        return element[0]
    return element.key


class _Derived:
    """A place on a contact for what code derives from it, outside the dataclass: the vCard codec keeps there what
    it read a card into (the lines it lexed and decoded), so that a contact's fit and render in the same run need
    not read its ``vcard_lines`` again nor hash the contact to find them in a memo (#18).

    A slot, not a field: it is not compared, hashed, repr'd, pickled nor passed on by ``dataclasses.replace`` (a
    contact made from another starts without it), and ``Contact``'s generated methods are the same as without it.
    Unset until set (``getattr(contact, "derived", None)``); set with ``object.__setattr__`` (the contact is frozen).
    Only what is a function of the contact's own (immutable) values may go there."""

    __slots__ = ("derived",)


@dataclass(frozen=True, slots=True)
class Contact(_Derived):
    """One person. Construct through :func:`contactsync.normalize.normalize_contact` to get comparable values."""

    name: Name = Name()
    display_name: str = ""
    nicknames: tuple[str, ...] = ()
    emails: tuple[Email, ...] = ()
    phones: tuple[Phone, ...] = ()
    addresses: tuple[PostalAddress, ...] = ()
    organization: str = ""
    department: str = ""
    job_title: str = ""
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    urls: tuple[Url, ...] = ()
    note: str = ""
    photo: Photo | None = None
    tags: frozenset[Tag] = frozenset()
    #: custom key/values (sorted by key), e.g. from Google userDefined or X- properties the admin maps
    custom: tuple[tuple[str, str], ...] = ()
    phonetic_name: PhoneticName = PhoneticName()
    #: as written ("male", "female", "other", "none", "unknown", or the owner's own words)
    gender: str = ""
    ims: tuple[InstantMessage, ...] = ()
    relations: tuple[Relation, ...] = ()
    events: tuple[Event, ...] = ()
    #: the role or function in the organization (vCard ROLE, Google ``jobDescription``, Outlook ``profession``)
    role: str = ""
    #: languages spoken, as BCP 47 tags (vCard LANG, Google ``locales``)
    languages: tuple[str, ...] = ()
    #: content lines (unfolded, in 3.0/4.0 form, in the card's order) of the properties and parameters the
    #: fields above do not hold, kept verbatim for accounts that speak vCard (see :mod:`contactsync.vcard`)
    vcard_lines: tuple[str, ...] = ()

    EMPTY: ClassVar[Contact]

    def get(self, f: Field) -> Any:
        return getattr(self, _ATTR[f])

    def with_field(self, f: Field, value: Any) -> Contact:
        return replace(self, **{_ATTR[f]: value})

    def project(self, kept: frozenset[Field]) -> Contact:
        """The contact as a platform holding only ``kept`` would hold it."""
        if kept == ALL_FIELDS:
            return self
        empty = Contact()
        return replace(self, **{_ATTR[f]: empty.get(f) for f in FIELDS if f not in kept})

    def differing(self, other: Contact) -> tuple[Field, ...]:
        """The fields whose values differ between the two contacts, in declaration order."""
        if self == other:
            return ()
        return tuple(f for f in FIELDS if getattr(self, _ATTR[f]) != getattr(other, _ATTR[f]))

    def label(self) -> str:
        """A human name for messages meant for the admin's eyes (never for logs unless personal data is on)."""
        return (
            self.display_name
            or self.name.formatted()
            or self.organization
            or (self.emails[0].address if self.emails else "")
        )

    def identity_emails(self) -> Iterable[str]:
        return (e.key for e in self.emails)

    def identity_phones(self) -> Iterable[str]:
        return (p.number for p in self.phones if p.number.startswith("+"))

    def is_empty(self) -> bool:
        # the shared empty contact, not a new one per call (24 fields set through object.__setattr__)
        return self is Contact.EMPTY or self == Contact.EMPTY


#: the dataclass's own constructor, kept for the test that compares the two
_dataclass_init = Contact.__init__
#: the default objects of the fields that have no literal one (one object serves every contact, as before)
_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Contact)}
#: each field's slot setter (module globals: the constructor reads each with one lookup)
(
    _set_name,
    _set_display_name,
    _set_nicknames,
    _set_emails,
    _set_phones,
    _set_addresses,
    _set_organization,
    _set_department,
    _set_job_title,
    _set_birthday,
    _set_anniversary,
    _set_urls,
    _set_note,
    _set_photo,
    _set_tags,
    _set_custom,
    _set_phonetic_name,
    _set_gender,
    _set_ims,
    _set_relations,
    _set_events,
    _set_role,
    _set_languages,
    _set_vcard_lines,
) = tuple(vars(Contact)[f.name].__set__ for f in fields(Contact))
if [f.name for f in fields(Contact)] != [
    "name",
    "display_name",
    "nicknames",
    "emails",
    "phones",
    "addresses",
    "organization",
    "department",
    "job_title",
    "birthday",
    "anniversary",
    "urls",
    "note",
    "photo",
    "tags",
    "custom",
    "phonetic_name",
    "gender",
    "ims",
    "relations",
    "events",
    "role",
    "languages",
    "vcard_lines",
]:  # not an assert: under -O a reordered field would go silently into another field's slot
    raise ImportError("Contact's fields changed: update _contact_init and its setters")


def _contact_init(
    self: Contact,
    name: Name = _DEFAULTS["name"],
    display_name: str = "",
    nicknames: tuple[str, ...] = (),
    emails: tuple[Email, ...] = (),
    phones: tuple[Phone, ...] = (),
    addresses: tuple[PostalAddress, ...] = (),
    organization: str = "",
    department: str = "",
    job_title: str = "",
    birthday: PartialDate | None = None,
    anniversary: PartialDate | None = None,
    urls: tuple[Url, ...] = (),
    note: str = "",
    photo: Photo | None = None,
    tags: frozenset[Tag] = _DEFAULTS["tags"],
    custom: tuple[tuple[str, str], ...] = (),
    phonetic_name: PhoneticName = _DEFAULTS["phonetic_name"],
    gender: str = "",
    ims: tuple[InstantMessage, ...] = (),
    relations: tuple[Relation, ...] = (),
    events: tuple[Event, ...] = (),
    role: str = "",
    languages: tuple[str, ...] = (),
    vcard_lines: tuple[str, ...] = (),
) -> None:
    """Contact's constructor, the dataclass's one without its 24 ``object.__setattr__`` calls: each field set
    through its slot directly (twice as fast; a sync makes several contacts a card, #18), as ContentLine's is.
    The same parameters in the same order with the very same default objects; the contact stays frozen
    (``__setattr__`` still refuses). tests/test_codec_speed2_contact.py compares it with the dataclass's own."""
    _set_name(self, name)
    _set_display_name(self, display_name)
    _set_nicknames(self, nicknames)
    _set_emails(self, emails)
    _set_phones(self, phones)
    _set_addresses(self, addresses)
    _set_organization(self, organization)
    _set_department(self, department)
    _set_job_title(self, job_title)
    _set_birthday(self, birthday)
    _set_anniversary(self, anniversary)
    _set_urls(self, urls)
    _set_note(self, note)
    _set_photo(self, photo)
    _set_tags(self, tags)
    _set_custom(self, custom)
    _set_phonetic_name(self, phonetic_name)
    _set_gender(self, gender)
    _set_ims(self, ims)
    _set_relations(self, relations)
    _set_events(self, events)
    _set_role(self, role)
    _set_languages(self, languages)
    _set_vcard_lines(self, vcard_lines)


Contact.__init__ = _contact_init  # type: ignore[method-assign]


class _UnsealedContact(_Derived):
    """Contact's slots (its own, in its order, over the same base) without its frozen ``__setattr__``: see
    :func:`new_contact`."""

    __slots__ = Contact.__slots__


def new_contact(
    name: Name = _DEFAULTS["name"],
    display_name: str = "",
    nicknames: tuple[str, ...] = (),
    emails: tuple[Email, ...] = (),
    phones: tuple[Phone, ...] = (),
    addresses: tuple[PostalAddress, ...] = (),
    organization: str = "",
    department: str = "",
    job_title: str = "",
    birthday: PartialDate | None = None,
    anniversary: PartialDate | None = None,
    urls: tuple[Url, ...] = (),
    note: str = "",
    photo: Photo | None = None,
    tags: frozenset[Tag] = _DEFAULTS["tags"],
    custom: tuple[tuple[str, str], ...] = (),
    phonetic_name: PhoneticName = _DEFAULTS["phonetic_name"],
    gender: str = "",
    ims: tuple[InstantMessage, ...] = (),
    relations: tuple[Relation, ...] = (),
    events: tuple[Event, ...] = (),
    role: str = "",
    languages: tuple[str, ...] = (),
    vcard_lines: tuple[str, ...] = (),
) -> Contact:
    """``Contact(...)``, the same parameters, made without its 24 slot-setter calls: the fields stored into a
    :class:`_UnsealedContact` as plain attributes are, which then becomes a Contact (``__class__`` assigned:
    Python allows it between two classes of the same layout), frozen as any. A fifth of the constructor's
    instructions; for the codec's parse, which makes a contact a card (#18). tests/test_codec_speed4_lines.py
    compares the two."""
    contact = _UnsealedContact()
    contact.name = name  # type: ignore[attr-defined]
    contact.display_name = display_name  # type: ignore[attr-defined]
    contact.nicknames = nicknames  # type: ignore[attr-defined]
    contact.emails = emails  # type: ignore[attr-defined]
    contact.phones = phones  # type: ignore[attr-defined]
    contact.addresses = addresses  # type: ignore[attr-defined]
    contact.organization = organization  # type: ignore[attr-defined]
    contact.department = department  # type: ignore[attr-defined]
    contact.job_title = job_title  # type: ignore[attr-defined]
    contact.birthday = birthday  # type: ignore[attr-defined]
    contact.anniversary = anniversary  # type: ignore[attr-defined]
    contact.urls = urls  # type: ignore[attr-defined]
    contact.note = note  # type: ignore[attr-defined]
    contact.photo = photo  # type: ignore[attr-defined]
    contact.tags = tags  # type: ignore[attr-defined]
    contact.custom = custom  # type: ignore[attr-defined]
    contact.phonetic_name = phonetic_name  # type: ignore[attr-defined]
    contact.gender = gender  # type: ignore[attr-defined]
    contact.ims = ims  # type: ignore[attr-defined]
    contact.relations = relations  # type: ignore[attr-defined]
    contact.events = events  # type: ignore[attr-defined]
    contact.role = role  # type: ignore[attr-defined]
    contact.languages = languages  # type: ignore[attr-defined]
    contact.vcard_lines = vcard_lines  # type: ignore[attr-defined]
    contact.__class__ = Contact  # type: ignore[assignment]
    return contact  # type: ignore[return-value]


#: Email's, Phone's and Name's own constructors, kept for the test that compares them with the ones below
_dataclass_inits = {cls: cls.__init__ for cls in (Email, Phone, Name)}
_set_email_address, _set_email_kind, _set_email_label = (vars(Email)[f].__set__ for f in ("address", "kind", "label"))
_set_phone_number, _set_phone_kind, _set_phone_label = (vars(Phone)[f].__set__ for f in ("number", "kind", "label"))
_set_given, _set_family, _set_middle, _set_prefix, _set_suffix = (
    vars(Name)[f].__set__ for f in ("given", "family", "middle", "prefix", "suffix")
)
if (
    [f.name for f in fields(Email)] != ["address", "kind", "label"]
    or [f.name for f in fields(Phone)] != ["number", "kind", "label"]
    or [f.name for f in fields(Name)] != ["given", "family", "middle", "prefix", "suffix"]
):  # not an assert: under -O a reordered field would go silently into another field's slot
    raise ImportError("Email's, Phone's or Name's fields changed: update their constructors")


def _email_init(self: Email, address: str, kind: EmailKind = EmailKind.OTHER, label: str = "") -> None:
    """Email's constructor without the dataclass's ``object.__setattr__`` calls, as Contact's (a card's parse
    makes an email, a phone and a name, #18); tests/test_codec_speed3_parse.py compares it with the dataclass's."""
    _set_email_address(self, address)
    _set_email_kind(self, kind)
    _set_email_label(self, label)


def _phone_init(self: Phone, number: str, kind: PhoneKind = PhoneKind.OTHER, label: str = "") -> None:
    """Phone's constructor, as Email's."""
    _set_phone_number(self, number)
    _set_phone_kind(self, kind)
    _set_phone_label(self, label)


def _name_init(
    self: Name, given: str = "", family: str = "", middle: str = "", prefix: str = "", suffix: str = ""
) -> None:
    """Name's constructor, as Email's."""
    _set_given(self, given)
    _set_family(self, family)
    _set_middle(self, middle)
    _set_prefix(self, prefix)
    _set_suffix(self, suffix)


Email.__init__ = _email_init  # type: ignore[method-assign]
Phone.__init__ = _phone_init  # type: ignore[method-assign]
Name.__init__ = _name_init  # type: ignore[method-assign]


class _UnsealedEmail:
    """Email's slots without its frozen ``__setattr__`` (see :func:`new_contact`); Phone's and Name's below."""

    __slots__ = Email.__slots__


class _UnsealedPhone:
    __slots__ = Phone.__slots__


class _UnsealedName:
    __slots__ = Name.__slots__


def new_email(address: str, kind: EmailKind, label: str) -> Email:
    """``Email(address, kind, label)`` made as :func:`new_contact` makes a contact, for the codec's parse (an
    email, a phone and a name a card, #18); tests/test_codec_speed4_lines.py compares the three with their
    constructors."""
    email = _UnsealedEmail()
    email.address = address  # type: ignore[attr-defined]
    email.kind = kind  # type: ignore[attr-defined]
    email.label = label  # type: ignore[attr-defined]
    email.__class__ = Email  # type: ignore[assignment]
    return email  # type: ignore[return-value]


def new_phone(number: str, kind: PhoneKind, label: str) -> Phone:
    """``Phone(number, kind, label)``, as :func:`new_email`."""
    phone = _UnsealedPhone()
    phone.number = number  # type: ignore[attr-defined]
    phone.kind = kind  # type: ignore[attr-defined]
    phone.label = label  # type: ignore[attr-defined]
    phone.__class__ = Phone  # type: ignore[assignment]
    return phone  # type: ignore[return-value]


def new_name(given: str, family: str, middle: str, prefix: str, suffix: str) -> Name:
    """``Name(given, family, middle, prefix, suffix)``, as :func:`new_email`."""
    name = _UnsealedName()
    name.given = given  # type: ignore[attr-defined]
    name.family = family  # type: ignore[attr-defined]
    name.middle = middle  # type: ignore[attr-defined]
    name.prefix = prefix  # type: ignore[attr-defined]
    name.suffix = suffix  # type: ignore[attr-defined]
    name.__class__ = Name  # type: ignore[assignment]
    return name  # type: ignore[return-value]


Contact.EMPTY = Contact()
# made once here: a layout Python would refuse to switch (a field added to Contact and not here) fails at import
if (
    new_contact(display_name="x") != Contact(display_name="x")
    or new_email("a", EmailKind.WORK, "") != Email("a", EmailKind.WORK)
    or new_phone("1", PhoneKind.WORK, "") != Phone("1", PhoneKind.WORK)
    or new_name("a", "b", "c", "d", "e") != Name("a", "b", "c", "d", "e")
):
    raise ImportError("new_contact, new_email, new_phone or new_name does not make what its class makes")

CONTACT_FIELD_NAMES = tuple(f.name for f in fields(Contact))
