"""Normalization, so that equal things compare equal across platforms.

- emails: any leading ``mailto:`` removed, the local part kept as written, the domain lower-cased and
  IDNA-encoded (email-validator does the IDNA work); anything that does not parse is kept verbatim (stripped),
  never dropped;
- phones: any leading ``tel:`` removed, then E.164 through phonenumbers, with the book's default region for
  national numbers; unparseable numbers, those whose E.164 form phonenumbers would not read back as itself and
  those it cannot validate whose E.164 form would lose a digit are kept verbatim with whitespace folded;
- every function here is idempotent: what it returns, it returns unchanged when given again (a value read back
  after a write is normalized again, so anything else would change a contact nobody edited);
- text: surrounding whitespace removed, runs of inner whitespace folded (notes keep their line breaks);
- lists: duplicates (by element key) removed, first occurrence kept; tags deduplicated case-insensitively;
  custom entries sorted by key;
- vCard lines: kept verbatim, sorted, a repeated line once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from .model import (
    Contact,
    Email,
    Event,
    InstantMessage,
    Name,
    Phone,
    PhoneticName,
    PostalAddress,
    Relation,
    Tag,
    Url,
)

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: an address email-validator would leave as local@domain.lower() whether it accepts it or not (see email_address)
_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")
#: RFC 2142's mailbox names, which email-validator lower-cases (its CASE_INSENSITIVE_MAILBOX_NAMES, compared in
#: tests/test_cpu_paths.py): such an address goes the long way
_CASE_INSENSITIVE_LOCAL = frozenset(
    {"info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster", "usenet",
     "news", "webmaster", "www", "uucp", "ftp"}
)  # fmt: skip


def text(value: str | None) -> str:
    if not value:
        return ""
    if value.isprintable() and "  " not in value:
        # the common case, an already clean value: printable text holds no control character and no whitespace
        # but the plain space (the others are all "Other" or "Separator"), so only the ends can change (#18)
        return value.strip()
    return _SPACES.sub(" ", _CONTROL.sub("", value)).strip()


def multiline(value: str | None) -> str:
    if not value:
        return ""
    if value.isprintable():  # one line, no control character (see text): only the ends can change
        return value.strip()
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in value.split("\n")]
    return "\n".join(lines).strip()


@lru_cache(maxsize=65536)
def email_address(raw: str) -> str:
    value = _without_scheme(text(raw), "mailto:")
    if "@" not in value:
        return value
    if _PLAIN_EMAIL.fullmatch(value) and "xn--" not in value.lower() and not _case_insensitive_local(value):
        # a plain ASCII address (most of them): email-validator keeps such a local part as written and its
        # domain as is, lower-cased, and what it rejects is kept the same way below, so it has nothing to say
        # here; it is ~60 µs an address (#18). A-labels ("xn--") and anything else still go through it
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"
    return _validated(value)


def _case_insensitive_local(value: str) -> bool:
    return value.rpartition("@")[0].lower() in _CASE_INSENSITIVE_LOCAL


def _validated(value: str) -> str:
    # imported here: a run whose addresses are all plain never needs it (its import is ~15 ms of start-up)
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"
    # ascii_domain is the IDNA (punycode) form: the one every platform accepts and compares equal
    return f"{result.local_part}@{result.ascii_domain.lower()}"


def _without_scheme(value: str, scheme: str) -> str:
    """``value`` (as :func:`text` leaves it) without the URI scheme (``mailto:``, ``tel:``) it starts with, in any
    case, nor the blanks after it; a doubled scheme (``mailto:mailto:x@example.com``, from an app that prefixed
    a value already prefixed) loses every copy. A scheme is never part of an address (an unquoted local part
    holds no colon) nor of a number, so the person meant ``x@example.com``; and taking off only the first would
    leave a value that loses the next one each time it is read again, which is a change nobody made."""
    n = len(scheme)
    while value[:n].lower() == scheme:
        value = value[n:].lstrip()
    return value


#: a NANP number written in E.164: "+1", then ten digits whose area code starts with 2-9. phonenumbers reads any
#: "+1" number with the metadata of country code 1's main region (US), whose national prefix for parsing ("1")
#: cannot match such digits and whose numbers are ten digits long: it is possible and formats back to itself, in
#: every region. Taken as it is, without phonenumbers (~20 µs a number, and ~100 M instructions to import it in
#: a run whose numbers are all such, #18); tests/test_phone_shortcut.py holds it to phonenumbers' own answer
_NANP_E164 = re.compile(r"\+1[2-9][0-9]{9}")


@lru_cache(maxsize=65536)
def phone_number(raw: str, region: str) -> str:
    value = _without_scheme(text(raw), "tel:")
    if _NANP_E164.fullmatch(value):
        return value
    e164 = _e164(value, region)
    if e164 is None or e164 == value:
        return value
    # What is written must read back as itself: reading a card normalizes again, and so does the push of a book
    # whose phones are written nationally (engine/push.py). phonenumbers does not always parse its own E.164
    # form back to it: for some impossible-looking national numbers ("0000000" in DE → +49000000) it strips a
    # "national prefix" from the digits after the country code, a digit lost on every read, so a copy would
    # drift from the source and the next edit would carry the loss back. Such a number is kept as written,
    # as an unparseable one is; a valid number re-parses to itself and is E.164 as before (every region's
    # examples are, tests/test_normalize_idempotent.py). Asked through the cache: a copy written in E.164 is
    # read back as that very string.
    return e164 if phone_number(e164, region) == e164 else value


def _e164(value: str, region: str) -> str | None:
    """``value`` in E.164, read with ``region`` for a national number (None: not a number phonenumbers can
    parse, not a possible one, or one it cannot validate and would write with other digits than the person
    did)."""
    import phonenumbers  # here: a run that reads no card (most no-change runs) never needs it (#18)

    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if e164 == value:
        # written in E.164 already (the usual stored number): _same_digits would find every digit of it, as the
        # value is "+" and those very digits and so holds no extension; no second pass over it (#18)
        return e164
    if _same_digits(value, e164, parsed, region) or phonenumbers.is_valid_number(parsed):
        return e164
    # a number phonenumbers cannot validate (a short or made-up one) whose E.164 form drops digits the person
    # wrote ("+4900000" → +490000: a "national prefix" taken out after the country code) is no reading of
    # it we can stand by: kept as written. A valid number is trusted ("+49 (0)30 1234567" → +49301234567).
    return None


def _same_digits(value: str, e164: str, parsed: PhoneNumber, region: str) -> bool:
    """Whether ``e164`` spells the digits of ``value``: all of them after its country code (the international
    prefix, if any, aside), or, for a national number, all of them but the region's trunk prefix."""
    import phonenumbers

    digits = phonenumbers.normalize_digits_only(value)
    if parsed.extension and digits.endswith(parsed.extension):
        digits = digits[: -len(parsed.extension)]
    if digits.endswith(e164[1:]):
        return True
    national = e164[1 + len(str(parsed.country_code)) :]
    return digits in (national, (phonenumbers.ndd_prefix_for_region(region, True) or "") + national)


def national_format(e164: str) -> str:
    """``+14155550100`` → ``(415) 555-0100``; anything not E.164 is returned as is, and so is a number whose
    national spelling would not read back as the same number in its own region."""
    if not e164.startswith("+"):
        return e164
    import phonenumbers

    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    # A book writes its region's numbers nationally and reads them back with that region. For a number
    # phonenumbers cannot validate, the national form is the bare digits without the trunk prefix
    # (+33541185788024845 → 541185788024845) or drops an extension, and reads back as another value: the
    # country code would be lost on the copy, and from there on the source. Those stay international.
    region = phonenumbers.region_code_for_number(parsed)
    if region is None or phone_number(national, region) != phone_number(e164, region):
        return e164
    return national


T = TypeVar("T", Email, Phone, PostalAddress, Url, InstantMessage, Relation, Event)


def unique(items: Iterable[T]) -> tuple[T, ...]:
    seen: set[str] = set()
    out: list[T] = []
    for item in items:
        key = item.key
        if key in seen or not key.strip("|"):
            continue
        seen.add(key)
        out.append(item)
    return tuple(out)


def unique_texts(values: Iterable[str]) -> tuple[str, ...]:
    """Nicknames, languages: folded, empty ones dropped, a repeat (ignoring case) once, first spelling kept."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in values:
        value = text(raw)
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return tuple(out)


def tags(names: Iterable[str | Tag]) -> frozenset[Tag]:
    by_key: dict[str, Tag] = {}
    for n in names:
        tag = Tag(text(n.name if isinstance(n, Tag) else n))
        if tag.name and tag.key not in by_key:
            by_key[tag.key] = tag
    return frozenset(by_key.values())


def normalize_contact(contact: Contact, region: str = "US") -> Contact:
    """The canonical form of a contact: apply to everything a connector reads before comparing."""
    name = contact.name
    return replace(
        contact,
        name=Name(text(name.given), text(name.family), text(name.middle), text(name.prefix), text(name.suffix)),
        display_name=text(contact.display_name),
        nicknames=unique_texts(contact.nicknames),
        emails=unique(Email(email_address(e.address), e.kind, text(e.label)) for e in contact.emails),
        phones=unique(Phone(phone_number(p.number, region), p.kind, text(p.label)) for p in contact.phones),
        addresses=unique(
            replace(
                a,
                street=multiline(a.street),
                locality=text(a.locality),
                region=text(a.region),
                postal_code=text(a.postal_code),
                country=text(a.country),
                po_box=text(a.po_box),
                extended=text(a.extended),
                label=text(a.label),
                formatted=multiline(a.formatted),
            )
            for a in contact.addresses
        ),
        organization=text(contact.organization),
        department=text(contact.department),
        job_title=text(contact.job_title),
        urls=unique(Url(text(u.value), text(u.label)) for u in contact.urls),
        note=multiline(contact.note),
        tags=tags(contact.tags),
        custom=tuple(sorted({text(k): v for k, v in contact.custom if text(k)}.items())),
        phonetic_name=PhoneticName(
            text(contact.phonetic_name.given),
            text(contact.phonetic_name.middle),
            text(contact.phonetic_name.family),
            text(contact.phonetic_name.organization),
        ),
        gender=text(contact.gender),
        ims=unique(
            InstantMessage(text(m.handle), text(m.service).lower(), text(m.label))
            for m in contact.ims
            if text(m.handle)
        ),
        relations=unique(Relation(text(r.name), r.kind, text(r.label)) for r in contact.relations if text(r.name)),
        events=unique(Event(e.date, text(e.label) or "other") for e in contact.events),
        role=text(contact.role),
        languages=unique_texts(contact.languages),
        # verbatim (they are written back as they were), sorted: a card copied elsewhere comes back in another
        # order (values first, then the rest), and the order of a card's lines says nothing (RFC 6350 3.3)
        vcard_lines=tuple(sorted(set(contact.vcard_lines))),
    )
