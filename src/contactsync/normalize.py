"""Normalization, so that equal things compare equal across platforms.

- emails: any leading ``mailto:`` removed, the local part kept as written, the domain lower-cased and
  IDNA-encoded (email-validator does the IDNA work); anything that does not parse is kept verbatim (stripped),
  never dropped;
- phones: any leading ``tel:`` removed, then E.164 through phonenumbers, with the book's default region for
  national numbers; a number with an extension is its E.164 form, `` ext. `` and the extension's digits
  (``+12125550101 ext. 123``, whatever way it was written: ``x123``, ``ext 123``, ``;ext=123``), so two
  extensions of one line are two phones; unparseable numbers, those whose canonical form phonenumbers would not
  read back as itself, those it cannot validate whose E.164 form would lose a digit and numbers dialable only
  locally (``555-0199`` in US: no area code, no E.164 form) are kept verbatim with whitespace folded;
- every function here is idempotent: what it returns, it returns unchanged when given again (a value read back
  after a write is normalized again, so anything else would change a contact nobody edited);
- text: surrounding whitespace removed, runs of inner whitespace folded (notes and streets keep their line breaks);
- notes: line breaks as LF, each line's trailing whitespace and the blank lines before and after the text removed;
  the rest kept as written, the indentation of its first line included (an indented block, a tab-aligned table);
- lists: duplicates (by element key) removed, first occurrence kept (a phone's key is its number and whether it
  is a fax or a pager: one number as an office's voice line and as its fax is two phones, one number spelled two
  ways as the same kind is one); tags deduplicated case-insensitively;
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


def note(value: str | None) -> str:
    """A note as it is compared and kept: :func:`multiline`'s, but the first line keeps its indentation.

    What is taken off is what platforms and editors add or take off in a note nobody edited: a CRLF or a lone CR
    (Outlook's line ends, a vCard written on Windows) is LF, whitespace at a line's end goes (a vCard writer folds
    at a space, an editor strips it), and so do blank lines before and after the text (an editor's final newline). A
    note that is whitespace alone is no note. Leading spaces or a tab on the first line are the text's own (an
    indented block, a tab-aligned list): trimmed, they were lost on every copy, and the next edit of the note
    carried the loss back to where it was written."""
    if not value:
        return ""
    if value.isprintable():  # one line, no control character (see text): only its end can change
        return value.rstrip()
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in value.split("\n")]
    # each blank line is "" now: strip("\n") takes off those before and after the text, and nothing else
    return "\n".join(lines).strip("\n")


@lru_cache(maxsize=65536)
def email_address(raw: str) -> str:
    # text()'s usual case and _without_scheme's (no colon: no scheme) without their calls (#18)
    value = raw.strip() if raw.isprintable() and "  " not in raw else text(raw)
    if ":" in value:
        value = _without_scheme(value, "mailto:")
    local, at, domain = value.rpartition("@")
    if not at:
        return value
    if (
        _PLAIN_EMAIL.fullmatch(value)
        and ("-" not in value or "xn--" not in value.lower())
        and local.lower() not in _CASE_INSENSITIVE_LOCAL
    ):
        # a plain ASCII address (most of them): email-validator keeps such a local part as written and its
        # domain as is, lower-cased, and what it rejects is kept the same way below, so it has nothing to say
        # here; it is ~60 µs an address (#18). A-labels ("xn--") and anything else still go through it. (The
        # pattern admits one "@", so ``local`` is what _case_insensitive_local reads; a lower-case domain is
        # the address as it is)
        return value if domain.islower() else f"{local}@{domain.lower()}"
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
#: the first digit of a NANP area code (see _NANP_E164)
_NANP_AREA_FIRST = frozenset("23456789")

#: the country codes whose numbers written in E.164 are taken as they are, with the lengths of their national
#: numbers: "+", the code, then a national number of one of those lengths, not starting with 0. phonenumbers reads
#: any "+<code>" number with the metadata of the code's main region; for these, that metadata strips no national
#: prefix from a number not starting with 0 (its prefix for parsing is none or "0", with no transform rule), so
#: the national number is the digits after the code, a possible one exactly when its length is one of the
#: region's possible lengths (local-only ones included), and its E.164 form is the value itself, in every region.
#: Made from phonenumbers' metadata (see tests/test_codec_speed2_phones.py, which makes it again and holds each
#: code and length to phonenumbers' own answer); the codes not here (+1 is above; +44, +7, +61, +81, +86… strip a
#: national prefix of another form) go to phonenumbers. Read once, when the first such number is asked for
_E164_TAKEN = (
    "20:6-10 27:5-10 30:10-12 31:5-11 32:8-9 33:9 34:9 39:6-12 40:6,9 41:9,12 43:3-13 45:8 46:6-10,12 47:5,8 "
    "48:6-10 49:2-15 51:6-9 52:7-8,10 53:4-8,10 56:9-11 58:7,10 60:6-10 62:5-17 63:4-13 64:5-10 65:8,10-11 "
    "66:8-10,13 84:7-10 90:7,10,12-13 91:6-13 92:5-12 93:7,9 94:7,9 95:5-10 98:4-8,10 211:9 212:9 213:8-9 "
    "216:8 218:7,9 220:7,9 221:9 222:8 223:8 224:8-9 225:10 226:8 227:8 228:8 229:10 230:7-8,10 231:7-9 "
    "232:6,8 233:7-9 234:6-7,10-14 235:8 236:8 237:8-9 238:7 239:7 240:9 242:9 243:7-10 244:9 245:7,9 246:7 "
    "247:5-6 248:7 249:9 250:8-9 251:7,9 252:6-9 253:8 254:7-10 255:9 256:5-7,9 257:8 258:8-9 260:6,9 262:9 "
    "263:6-7,9-10 264:8-9 265:7,9 266:8 267:7-8,10 268:8-9 269:4,7 290:4-5 291:6-7 297:7 299:6 350:8 351:9 "
    "353:5-10 354:7,9 355:5-9 356:8 357:8 358:5-12 359:4-9,12 371:8 372:7-8,10 373:8 374:5-6,8 376:6,8-9 "
    "377:8-9 380:5-7,9-10 381:4-12 382:6,8-9 383:8-12 385:6-9 386:5-8 387:6,8-9 389:6-8 420:9-12 421:6-7,9 "
    "500:5 501:7,11 502:8,11 503:7-8,11 504:8,11 505:8 507:7-8,10-11 508:6,9 509:8 590:9 592:7 593:7-11 "
    "594:9 595:5-11 596:9 597:6-7 598:4-13 599:7-8 670:7-8 673:7 674:7 675:7-8 676:5,7 677:5,7 678:5,7 "
    "679:7,11 680:7 681:6,9 682:5 683:4,7 685:5-7,10 686:5,8 687:6 688:5-7 689:6,8-9 690:4-7 691:7 800:8 "
    "808:8 850:6-8,10 852:5-9,11 853:7-8 855:6-10 856:6,8-10 870:9,12 878:12 880:6-10 881:9-10 882:7-12 "
    "883:8-12 886:7-11 888:11 960:7,10 961:7-8 962:8-9 963:6-9 964:6-10 965:7-8 966:7,9-10 967:6-9 968:7-9 "
    "970:7-10 971:5-12 972:7-12 973:8 974:7-9,11 975:6-8 976:4-6,8-10 977:6-8,10-11 979:8-9 992:3,5-7,9 "
    "994:7,9 995:6-7,9 996:5-6,9-10 998:9"
)


@lru_cache(maxsize=1)
def _e164_lengths() -> dict[str, frozenset[int]]:
    """:data:`_E164_TAKEN` as a dict: country code → the national numbers' lengths taken."""
    out: dict[str, frozenset[int]] = {}
    for entry in _E164_TAKEN.split():
        code, _, spans = entry.partition(":")
        lengths: set[int] = set()
        for span in spans.split(","):
            low, _, high = span.partition("-")
            lengths.update(range(int(low), int(high or low) + 1))
        out[code] = frozenset(lengths)
    return out


def _taken_as_e164(value: str) -> bool:
    """Whether ``value`` is a number in E.164 that phonenumbers would read as possible and write back as itself,
    known without it (see :data:`_E164_TAKEN`)."""
    digits = value[1:]
    if value[:1] != "+" or not digits.isdigit() or not digits.isascii() or digits[:1] == "0":
        return False
    lengths = _e164_lengths()
    for size in (1, 2, 3):
        taken = lengths.get(digits[:size])
        if taken is not None:
            # country codes are prefix-free: a code that is not here is no other code's beginning either
            return digits[size : size + 1] != "0" and len(digits) - size in taken
    return False


@lru_cache(maxsize=65536)
def phone_number(raw: str, region: str) -> str:
    # text()'s usual case and _without_scheme's (no colon: no scheme) without their calls (#18)
    value = raw.strip() if raw.isprintable() and "  " not in raw else text(raw)
    if ":" in value:
        value = _without_scheme(value, "tel:")
    if (
        # _NANP_E164's match, by string tests (a tenth of the regex's instructions): "+1", [2-9], nine ASCII digits
        (
            len(value) == 12
            and value[:2] == "+1"
            and value[2] in _NANP_AREA_FIRST
            and value.isascii()
            and value[2:].isdigit()
        )
        or _taken_as_e164(value)
    ):
        return value
    canonical = _e164(value, region)
    if canonical is None or canonical == value:
        return value
    # What is written must read back as itself: reading a card normalizes again, and so does the push of a book
    # whose phones are written nationally (engine/push.py). phonenumbers does not always parse its own E.164
    # form back to it: for some impossible-looking national numbers ("0000000" in DE → +49000000) it strips a
    # "national prefix" from the digits after the country code, a digit lost on every read, so a copy would
    # drift from the source and the next edit would carry the loss back. Such a number is kept as written,
    # as an unparseable one is; a valid number re-parses to itself and is E.164 as before (every region's
    # examples are, tests/test_normalize_idempotent.py). Asked through the cache: a copy written in E.164 is
    # read back as that very string.
    return canonical if phone_number(canonical, region) == canonical else value


#: between a number's E.164 form and its extension's digits in the canonical form (``+12125550101 ext. 123``):
#: phonenumbers reads it back as that extension, and so does every platform's own parser (it is how phonenumbers
#: writes an extension in the US national format)
EXTENSION = " ext. "


#: a local number as people write one: digits, spaces and phone punctuation, then maybe an extension
_LOCAL_SPELLING = re.compile(r"[0-9\s\-().\/]+(?:\s*(?:x|ext\.?|extension|#|;ext=)\s*[0-9]+)?", re.IGNORECASE)


def _e164(value: str, region: str) -> str | None:
    """``value``'s canonical form: E.164, read with ``region`` for a national number, then :data:`EXTENSION` and
    the extension's digits when it has one (None: not a number phonenumbers can parse, not a possible one, one
    dialable only locally, or one it cannot validate and would write with other digits than the person did)."""
    import phonenumbers  # here: a run that reads no card (most no-change runs) never needs it (#18)

    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    local_only = reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE and not local_only:
        return None  # is_possible_number's answer
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    # possible only within its area ("555-0199" in US): +15550199 is no number anywhere, and a copy would get a
    # number nobody can dial. Its national spelling is its one form ("555-0199", "(555) 0199" and "5550199" are one
    # phone, on every account). Written in E.164 already, as an earlier version stored it, it is taken as it is,
    # as _E164_TAKEN takes it: the first run after the update reads the platforms' spelling again (migration 0012)
    local = local_only and (parsed.extension or e164 != value)
    if local and not _LOCAL_SPELLING.fullmatch(value):
        # phonenumbers finds a short number in any text ("tab here313" → 313): only a value that is a number,
        # digits and its punctuation (and an extension), is respelled; any other text stays as written
        return None
    if local:
        bare = phonenumbers.PhoneNumber(
            country_code=parsed.country_code,
            national_number=parsed.national_number,
            italian_leading_zero=parsed.italian_leading_zero,
            number_of_leading_zeros=parsed.number_of_leading_zeros,
        )
        e164 = phonenumbers.format_number(bare, phonenumbers.PhoneNumberFormat.NATIONAL)
    extension = parsed.extension or ""
    if extension:
        # E.164 has no extension: dropped, the desk behind the switchboard was lost on every copy and two
        # extensions of one line became one phone. Its digits (phonenumbers keeps them as written, "0123"
        # included), in ASCII: "x123", "ext 123", ";ext=123" and "ext. 123" are one phone
        extension = phonenumbers.normalize_digits_only(extension)
        if not extension:
            return None
        canonical = f"{e164}{EXTENSION}{extension}"
    else:
        canonical = e164
    if canonical == value:
        # written so already (the usual stored number): _same_digits would find every digit of it, as the value
        # is "+", those very digits and the extension; no second pass over it (#18)
        return canonical
    if local:
        return canonical  # its own digits, spelled as its region writes them (phone_number checks it reads back)
    if _same_digits(value, e164, parsed, region) or phonenumbers.is_valid_number(parsed):
        return canonical
    # a number phonenumbers cannot validate (a short or made-up one) whose E.164 form drops digits the person
    # wrote ("+4900000" → +490000: a "national prefix" taken out after the country code) is no reading of
    # it we can stand by: kept as written. A valid number is trusted ("+49 (0)30 1234567" → +49301234567).
    return None


def _same_digits(value: str, e164: str, parsed: PhoneNumber, region: str) -> bool:
    """Whether ``e164`` spells the digits of ``value`` before its extension (which the canonical form carries
    apart): all of them after its country code (the international prefix, if any, aside), or, for a national
    number, all of them but the region's trunk prefix."""
    import phonenumbers

    digits = phonenumbers.normalize_digits_only(value)
    extension = phonenumbers.normalize_digits_only(parsed.extension or "")
    if extension and digits.endswith(extension):
        digits = digits[: -len(extension)]
    if digits.endswith(e164[1:]):
        return True
    national = e164[1 + len(str(parsed.country_code)) :]
    return digits in (national, (phonenumbers.ndd_prefix_for_region(region, True) or "") + national)


def national_format(e164: str) -> str:
    """``+14155550100`` → ``(415) 555-0100``, ``+14155550100 ext. 12`` → ``(415) 555-0100 ext. 12`` (the extension
    kept); anything not E.164 is returned as is, and so is a number whose national spelling would not read back
    as the same number in its own region."""
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
        note=note(contact.note),
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
