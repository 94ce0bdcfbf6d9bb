"""Export a book (CSV or vCard) and import a file into one, validated, matched, and queued to every account.

vCard text is read and written by a :class:`CardCodec` the caller hands in (the CLI passes the connectors'
vCard mapping): this package stays below the connectors, as the engine does.

An imported row becomes a contact only when it is valid (a name, an email or a phone; emails and phones that
parse) and is not already in the book: a row sharing an email or an E.164 phone with a contact is *matched* and
its values merged into that contact with the book's conflict rules, so an import never creates a duplicate of
someone the book already holds, nor of an earlier row of the same file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from email_validator import EmailNotValidError, validate_email

from ..engine.merge import EPOCH, Side, merge
from ..logs import safe_error_text
from ..model import ALL_FIELDS, Contact, Email, EmailKind, Name, PartialDate, Phone, PhoneKind, Tag
from ..normalize import normalize_contact
from ..settings import Settings
from ..store import CanonicalRecord, Store, Transaction
from . import StewardshipError
from .common import journal_row, queue_everywhere


class UnreadableCard(ValueError):
    """A card a :class:`CardCodec` cannot read, with a message that says why and never quotes the card's content:
    the only codec error ``import`` shows whatever ``log.personal_data`` says (any other is withheld)."""


class CardCodec(Protocol):
    def parse(self, text: str) -> list[Contact]:
        """Every card of a .vcf text (one may hold many). Raises UnreadableCard (or another ValueError, whose
        text is then withheld) on a text with no card at all."""
        ...

    def render(self, contact: Contact, uid: str) -> str: ...


#: the columns ``export --format csv`` writes, and the field names ``--mapping`` may map a column to
CSV_FIELDS = (
    "given",
    "family",
    "middle",
    "display_name",
    "nickname",
    "emails",
    "phones",
    "organization",
    "department",
    "job_title",
    "birthday",
    "note",
    "tags",
)
_ALIASES = {"email": "emails", "phone": "phones", "tag": "tags", "company": "organization", "title": "job_title"}
_SEPARATOR = " ; "  # between values of one multi-valued cell (commas appear inside names and notes)

#: headers of Google Contacts' and Outlook's CSV exports, recognised without a mapping
KNOWN_HEADERS: Mapping[str, str] = {
    "first name": "given",
    "given name": "given",
    "last name": "family",
    "family name": "family",
    "middle name": "middle",
    "additional name": "middle",
    "name": "display_name",
    "nickname": "nickname",
    "e-mail 1 - value": "emails",
    "e-mail 2 - value": "emails",
    "e-mail address": "emails",
    "e-mail 2 address": "emails",
    "email": "emails",
    "phone 1 - value": "phones",
    "phone 2 - value": "phones",
    "mobile phone": "phones",
    "business phone": "phones",
    "home phone": "phones",
    "phone": "phones",
    "organization 1 - name": "organization",
    "organization name": "organization",
    "company": "organization",
    "organization 1 - title": "job_title",
    "organization title": "job_title",
    "job title": "job_title",
    "department": "department",
    "birthday": "birthday",
    "notes": "note",
    "note": "note",
    "labels": "tags",
    "group membership": "tags",
    "categories": "tags",
}


@dataclass(frozen=True, slots=True)
class Rejected:
    where: str  # "line 7" or "card 3"
    reason: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    created: tuple[str, ...]
    matched: tuple[str, ...]
    rejected: tuple[Rejected, ...]
    dry_run: bool


# ------------------------------------------------------------------------------------------------ export
def _cells(c: Contact) -> dict[str, str]:
    return {
        "given": c.name.given,
        "family": c.name.family,
        "middle": c.name.middle,
        "display_name": c.display_name,
        "nickname": _SEPARATOR.join(c.nicknames),
        "emails": _SEPARATOR.join(e.address for e in c.emails),
        "phones": _SEPARATOR.join(p.number for p in c.phones),
        "organization": c.organization,
        "department": c.department,
        "job_title": c.job_title,
        "birthday": c.birthday.to_iso() if c.birthday else "",
        "note": c.note,
        "tags": _SEPARATOR.join(sorted((t.name for t in c.tags), key=str.casefold)),
    }


def export_contacts(store: Store, book: str, *, tag: str | None = None) -> list[tuple[str, Contact]]:
    """(id, contact) of the book's active contacts, with ``tag`` if given, in a stable order."""
    records = store.contacts(store.active_contact_ids(book))
    wanted = Tag(tag).key if tag else None
    chosen = [
        (r.id, r.contact)
        for r in records.values()
        if not r.erased and (wanted is None or any(t.key == wanted for t in r.contact.tags))
    ]
    return sorted(chosen, key=lambda item: (item[1].label().casefold(), item[0]))


def to_csv(contacts: Iterable[tuple[str, Contact]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", *CSV_FIELDS], lineterminator="\r\n")
    writer.writeheader()
    for cid, c in contacts:
        writer.writerow({"id": cid, **_cells(c)})
    return out.getvalue()


def to_vcf(contacts: Iterable[tuple[str, Contact]], codec: CardCodec) -> str:
    return "".join(codec.render(c, cid) for cid, c in contacts)


# ------------------------------------------------------------------------------------------------ import
def parse_mapping(text: str | None) -> dict[str, str]:
    """``'First Name=given,E-mail=email'`` → {column: field}. Raises StewardshipError naming a wrong field."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        column, sep, fname = part.rpartition("=")
        fname = _ALIASES.get(fname.strip(), fname.strip())
        if not sep or not column.strip() or fname not in CSV_FIELDS:
            raise StewardshipError(
                f"--mapping: {part.strip()!r} is not COLUMN=FIELD with FIELD one of {', '.join(CSV_FIELDS)}"
            )
        mapping[column.strip()] = fname
    return mapping


def _split(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"\s*(?::::|;)\s*", value) if v.strip()]


def _row_contact(row: Mapping[str, str], mapping: Mapping[str, str], show_values: bool) -> Contact:
    values: dict[str, list[str]] = {}
    for column, raw in row.items():
        if column is None or raw is None:
            continue
        fname = mapping.get(column) or mapping.get(column.strip()) or _ALIASES.get(column.strip().casefold())
        if fname is None:
            fname = column.strip() if column.strip() in CSV_FIELDS else KNOWN_HEADERS.get(column.strip().casefold())
        if fname is None or not raw.strip():
            continue
        values.setdefault(fname, []).append(raw.strip())

    def one(name: str) -> str:
        return " ".join(values.get(name, []))

    birthday = None
    if one("birthday"):
        try:
            birthday = PartialDate.parse(one("birthday"))
        except ValueError:
            what = f"birthday {one('birthday')!r}" if show_values else "the birthday"
            raise ValueError(f"{what} is not a date (use YYYY-MM-DD or --MM-DD)") from None
    return Contact(
        name=Name(given=one("given"), family=one("family"), middle=one("middle")),
        display_name=one("display_name"),
        nicknames=tuple(v for cell in values.get("nickname", []) for v in _split(cell)),
        emails=tuple(Email(v, EmailKind.OTHER) for cell in values.get("emails", []) for v in _split(cell)),
        phones=tuple(Phone(v, PhoneKind.OTHER) for cell in values.get("phones", []) for v in _split(cell)),
        organization=one("organization"),
        department=one("department"),
        job_title=one("job_title"),
        birthday=birthday,
        note="\n".join(values.get("note", [])),
        tags=frozenset(Tag(v) for cell in values.get("tags", []) for v in _split(cell) if v != "* myContacts"),
    )


def read_csv(text: str, mapping: Mapping[str, str], *, show_values: bool = False) -> list[tuple[str, Contact | str]]:
    """(where, contact or the reason it cannot be read) per data row; the reason quotes the value only with
    ``show_values`` (see :func:`import_contacts`)."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise StewardshipError("the CSV file has no header line")
    unknown = [c for c in mapping if c not in reader.fieldnames]
    if unknown:
        raise StewardshipError(
            f"--mapping names columns the file does not have: {', '.join(unknown)} "
            f"(columns: {', '.join(reader.fieldnames)})"
        )
    out: list[tuple[str, Contact | str]] = []
    for row in reader:
        where = f"line {reader.line_num}"
        try:
            out.append((where, _row_contact(row, mapping, show_values)))
        except ValueError as exc:
            out.append((where, str(exc)))
    return out


def read_vcf(text: str, codec: CardCodec, *, show_values: bool = False) -> list[tuple[str, Contact | str]]:
    """(where, contact or the reason it cannot be read) per card. A codec's :class:`UnreadableCard` is said as it
    is; any other ValueError (a library's, which may quote the card) only by its type unless ``show_values``."""
    chunks = re.findall(r"BEGIN:VCARD.*?(?:END:VCARD|(?=BEGIN:VCARD)|\Z)", text, flags=re.S | re.I)
    if not chunks:
        raise StewardshipError("the file holds no vCard (no BEGIN:VCARD line)")
    out: list[tuple[str, Contact | str]] = []
    for n, chunk in enumerate(chunks, 1):
        try:
            parsed = codec.parse(chunk)
        except UnreadableCard as exc:
            out.append((f"card {n}", f"unreadable card: {exc}"))
            continue
        except ValueError as exc:
            out.append((f"card {n}", f"unreadable card: {safe_error_text(exc, personal_data=show_values)}"))
            continue
        out.extend((f"card {n}", c) for c in parsed)
    return out


def _which(kind: str, count: int) -> str:
    """A value named without quoting it: "the phone", or "one of the phones". Not "phone 2 of 3": the contact is
    normalized by now, its repeats dropped, so a position would point at another column than the one typed."""
    return f"the {kind}" if count == 1 else f"one of the {kind}s"


def _problem(contact: Contact, region: str, show_values: bool) -> str | None:
    """Why ``contact`` cannot be imported, or None. The value is quoted only with ``show_values``: the reason is
    printed, and pasted into tickets, whatever ``log.personal_data`` says otherwise; the line and the field say
    where to look in the file."""
    if (
        contact.name.is_empty()
        and not contact.display_name
        and not contact.emails
        and not contact.phones
        and not contact.organization
    ):
        return "no name, email, phone or company"
    for e in contact.emails:
        try:
            validate_email(e.address, check_deliverability=False, allow_smtputf8=True)
        except EmailNotValidError:
            what = f"email {e.address!r}" if show_values else _which("email", len(contact.emails))
            return f"{what} is not an email address"
    for p in contact.phones:
        if not p.number.startswith("+"):
            what = f"phone {p.number!r}" if show_values else _which("phone", len(contact.phones))
            return f"{what} is not a phone number (for {region}; give +country for others)"
    return None


def import_contacts(
    store: Store,
    settings: Settings,
    book_name: str,
    rows: Sequence[tuple[str, Contact | str]],
    *,
    dry_run: bool = False,
    show_values: bool = False,
    progress: Callable[[], None] | None = None,
) -> ImportSummary:
    """Validate, match and write ``rows`` into the book; everything is queued to every writable account. A rejected
    row's reason names its field, and quotes the value only with ``show_values`` (``import --show-values``, or
    ``log.personal_data: true``)."""
    book = settings.book(book_name)
    created: list[str] = []
    matched: list[str] = []
    rejected: list[Rejected] = []
    new: dict[str, Contact] = {}
    changed: dict[str, Contact] = {}
    seen_emails: dict[str, str] = {}
    seen_phones: dict[str, str] = {}
    existing: dict[str, CanonicalRecord] = {}
    for where, item in rows:
        if progress is not None:
            progress()
        if isinstance(item, str):
            rejected.append(Rejected(where, item))
            continue
        contact = normalize_contact(item, book.default_region)
        if not contact.display_name and contact.name.is_empty() and contact.organization:
            contact = replace(contact, display_name=contact.organization)
        problem = _problem(contact, book.default_region, show_values)
        if problem:
            rejected.append(Rejected(where, problem))
            continue
        emails, phones = list(contact.identity_emails()), list(contact.identity_phones())
        target = next((seen_emails[e] for e in emails if e in seen_emails), None) or next(
            (seen_phones[p] for p in phones if p in seen_phones), None
        )
        if target is None:
            hits = store.match_identities(book.name, "email", emails)
            ids = sorted({cid for e in emails for cid in hits.get(e, ())})
            if not ids:
                phone_hits = store.match_identities(book.name, "phone", phones)
                ids = sorted({cid for p in phones for cid in phone_hits.get(p, ())})
            live = store.contacts(ids)
            target = next(
                (cid for cid in ids if cid in live and live[cid].deleted_at is None and not live[cid].erased), None
            )
            if target is not None:
                existing[target] = live[target]
        if target is None:
            cid = Transaction.new_id()
            new[cid] = contact
            created.append(cid)
        else:
            base = new.get(target) or changed.get(target) or existing[target].contact
            outcome = merge(
                base,
                existing[target].updated_at if target in existing else EPOCH,
                [Side("import", None, contact, None, 20_000, ALL_FIELDS)],
                book.conflicts,
            )
            (new if target in new else changed)[target] = outcome.contact
            cid = target
            matched.append(target)  # one entry per matched row: the summary counts rows
        for e in emails:
            seen_emails.setdefault(e, cid)
        for p in phones:
            seen_phones.setdefault(p, cid)
    if not dry_run and (new or changed):
        with store.transaction() as tx:
            tx.put_contacts(book.name, {**changed, **new})
            for cid in new:
                journal_row(tx, {"book": book.name, "contact_id": cid, "action": "import", "note": "created"})
            for cid in changed:
                journal_row(
                    tx,
                    {
                        "book": book.name,
                        "contact_id": cid,
                        "action": "import",
                        "note": "matched an imported row; its values were merged",
                    },
                )
            queue_everywhere(store, tx, book, [*new, *changed])
    return ImportSummary(tuple(created), tuple(matched), tuple(rejected), dry_run)
