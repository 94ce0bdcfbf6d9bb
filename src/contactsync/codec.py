"""Contact ↔ JSON-ready data, for the store (canonical rows, bases, journal values) and test fixtures.

Compact on purpose: empty fields are left out, so a 100k-contact store stays small. Photos are written as their
digest and media type only; the bytes live once in the store's photo table and are re-attached by a resolver.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .model import (
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
    Photo,
    PostalAddress,
    Relation,
    RelationKind,
    Tag,
    Url,
)

PhotoResolver = Callable[[str], bytes | None]

# enum lookups by value go through Enum.__call__, slow at 100k contacts: plain dicts instead
_EMAIL_KINDS = {k.value: k for k in EmailKind}
_PHONE_KINDS = {k.value: k for k in PhoneKind}
_ADDRESS_KINDS = {k.value: k for k in AddressKind}
_VALUES: dict[EmailKind | PhoneKind | AddressKind, str] = {
    k: k.value for kinds in (EmailKind, PhoneKind, AddressKind) for k in kinds
}

_RELATION_KINDS = {k.value: k for k in RelationKind}
_ADDRESS_PARTS = (
    "street",
    "locality",
    "region",
    "postal_code",
    "country",
    "po_box",
    "extended",
    "label",
    "formatted",
)
_PHONETIC_PARTS = ("given", "middle", "family", "organization")


def field_to_data(f: Field, value: Any) -> Any:
    """One field's value as JSON-ready data (also what the journal records as before/after)."""
    if f is Field.NAME:
        n: Name = value
        return {
            k: v
            for k, v in (
                ("given", n.given),
                ("family", n.family),
                ("middle", n.middle),
                ("prefix", n.prefix),
                ("suffix", n.suffix),
            )
            if v
        }
    if f is Field.EMAILS:
        return _emails_to_data(value)
    if f is Field.PHONES:
        return _phones_to_data(value)
    if f is Field.ADDRESSES:
        return [{**{k: getattr(a, k) for k in _ADDRESS_PARTS if getattr(a, k)}, "kind": a.kind.value} for a in value]
    if f is Field.URLS:
        return [[u.value, u.label] if u.label else u.value for u in value]
    if f in (Field.NICKNAMES, Field.LANGUAGES):
        return list(value)
    if f is Field.PHONETIC_NAME:
        return {k: getattr(value, k) for k in _PHONETIC_PARTS if getattr(value, k)}
    if f is Field.IMS:
        return [[m.handle, m.service, m.label] if m.label else [m.handle, m.service] for m in value]
    if f is Field.RELATIONS:
        return [[r.name, r.kind.value, r.label] if r.label else [r.name, r.kind.value] for r in value]
    if f is Field.EVENTS:
        return [[e.date.to_iso(), e.label] for e in value]
    if f is Field.TAGS:
        return sorted((t.name for t in value), key=str.casefold)
    if f is Field.CUSTOM:
        return [list(kv) for kv in value]
    if f is Field.VCARD_LINES:
        return list(value)
    if f in (Field.BIRTHDAY, Field.ANNIVERSARY):
        return value.to_iso() if value is not None else None
    if f is Field.PHOTO:
        return {"digest": value.digest, "type": value.media_type} if value is not None else None
    return value


def field_from_data(f: Field, data: Any, photos: PhotoResolver | None = None) -> Any:
    if f is Field.NAME:
        return Name(**data) if data else Name()
    if f is Field.EMAILS:
        return _emails_from_data(data or ())
    if f is Field.PHONES:
        return _phones_from_data(data or ())
    if f is Field.ADDRESSES:
        return tuple(PostalAddress(**{**a, "kind": _ADDRESS_KINDS[a.get("kind", "other")]}) for a in data or ())
    if f is Field.URLS:
        return tuple(Url(u) if isinstance(u, str) else Url(u[0], u[1]) for u in data or ())
    if f is Field.NICKNAMES:
        # a store written before nicknames became a list holds one string
        return (data,) if isinstance(data, str) else tuple(data or ())
    if f is Field.LANGUAGES:
        return tuple(data or ())
    if f is Field.PHONETIC_NAME:
        return PhoneticName(**data) if data else PhoneticName()
    if f is Field.IMS:
        return tuple(InstantMessage(*m) for m in data or ())
    if f is Field.RELATIONS:
        return tuple(Relation(r[0], _RELATION_KINDS[r[1]], *r[2:]) for r in data or ())
    if f is Field.EVENTS:
        return tuple(Event(PartialDate.parse(d), label) for d, label in data or ())
    if f is Field.TAGS:
        return _tag_set(tuple(data or ()))
    if f is Field.CUSTOM:
        return tuple((k, v) for k, v in data or ())
    if f is Field.VCARD_LINES:
        return tuple(data or ())
    if f in (Field.BIRTHDAY, Field.ANNIVERSARY):
        return PartialDate.parse(data) if data else None
    if f is Field.PHOTO:
        if not data:
            return None
        blob = photos(data["digest"]) if photos else None
        return Photo(data["digest"], data["type"], blob or b"")
    return data or ""


_FIELDS = tuple((f, f.value) for f in Field)
_BY_NAME = {f.value: f for f in Field}
_EMPTY_NAME = Name()
_PLAIN = frozenset(
    {
        Field.DISPLAY_NAME,
        Field.ORGANIZATION,
        Field.DEPARTMENT,
        Field.JOB_TITLE,
        Field.NOTE,
        Field.GENDER,
        Field.ROLE,
    }
)


@lru_cache(maxsize=4096)
def _tag_set(names: tuple[str, ...]) -> frozenset[Tag]:
    # an organization has few distinct tag sets and many contacts: share one frozenset per set (saves ~400 bytes
    # per contact at 100k contacts)
    return frozenset(Tag(t) for t in names)


def _name_to_data(n: Name) -> dict[str, str]:
    out = {}
    if n.given:
        out["given"] = n.given
    if n.family:
        out["family"] = n.family
    if n.middle:
        out["middle"] = n.middle
    if n.prefix:
        out["prefix"] = n.prefix
    if n.suffix:
        out["suffix"] = n.suffix
    return out


# an email or a phone is [value, kind], or [value, kind, label] when it has a custom label


def _emails_from_data(data: Any) -> tuple[Email, ...]:
    return tuple([Email(e[0], _EMAIL_KINDS[e[1]], *e[2:]) for e in data])


def _phones_from_data(data: Any) -> tuple[Phone, ...]:
    return tuple([Phone(p[0], _PHONE_KINDS[p[1]], *p[2:]) for p in data])


def _emails_to_data(value: tuple[Email, ...]) -> list[list[str]]:
    return [[e.address, _VALUES[e.kind], e.label] if e.label else [e.address, _VALUES[e.kind]] for e in value]


def _phones_to_data(value: tuple[Phone, ...]) -> list[list[str]]:
    return [[p.number, _VALUES[p.kind], p.label] if p.label else [p.number, _VALUES[p.kind]] for p in value]


def _tags_to_data(value: frozenset[Tag]) -> list[str]:
    return sorted([t.name for t in value], key=str.casefold)


def _name_from_data(data: dict[str, str]) -> Name:
    return Name(**data) if data else _EMPTY_NAME


def _tags_from_data(data: list[str]) -> frozenset[Tag]:
    return _tag_set(tuple(data))


def _generic_encoder(f: Field) -> Callable[[Any], Any]:
    return lambda value: field_to_data(f, value)


def _generic_decoder(f: Field) -> Callable[[Any], Any]:
    return lambda data: field_from_data(f, data)


# the hot paths of a 100k-contact run: one function per attribute instead of field_to_data's chain of tests
# (None: a plain string, kept as it is)
_ENCODERS: dict[str, Callable[[Any], Any] | None] = {
    attr: None if f in _PLAIN else _generic_encoder(f) for f, attr in _FIELDS
}
_ENCODERS.update(name=_name_to_data, emails=_emails_to_data, phones=_phones_to_data, tags=_tags_to_data)
# a card's lines kept verbatim (most cards have some): a list of them, as field_to_data makes, without its tests
_ENCODERS.update(vcard_lines=list, nicknames=list, languages=list)
_DECODERS: dict[str, Callable[[Any], Any] | None] = {
    attr: None if f in _PLAIN else _generic_decoder(f) for f, attr in _FIELDS
}
_DECODERS.update(name=_name_from_data, emails=_emails_from_data, phones=_phones_from_data, tags=_tags_from_data)
_DECODERS["nickname"] = _DECODERS["nicknames"]  # a store written before nicknames became a list
_RENAMED_ATTRS = {"nickname": "nicknames"}
_ENCODE_ORDER = tuple((attr, _ENCODERS[attr]) for _f, attr in _FIELDS)


def contact_to_data(contact: Contact) -> dict[str, Any]:
    """The contact as JSON-ready data. Keys come in one fixed order (fields, then parts), so encoding the result
    needs no key sorting to be canonical."""
    out: dict[str, Any] = {}
    for attr, encode in _ENCODE_ORDER:
        value = getattr(contact, attr)
        if not value:
            continue  # empty strings, tuples, sets and None are left out: a compact store
        if encode is None:
            out[attr] = value
        else:
            data = encode(value)
            if data:  # an empty name encodes to {}: left out too
                out[attr] = data
    return out


def contact_from_data(data: dict[str, Any], photos: PhotoResolver | None = None) -> Contact:
    kwargs = {}
    for attr, value in data.items():
        if attr == "photo":
            kwargs[attr] = field_from_data(Field.PHOTO, value, photos)
            continue
        decode = _DECODERS[attr]
        kwargs[_RENAMED_ATTRS.get(attr, attr)] = value if decode is None else decode(value)
    return Contact(**kwargs)
