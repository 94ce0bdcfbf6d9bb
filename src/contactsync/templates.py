"""Book templates (``templates:``, issue #17 part 2): one book per person of a directory source.

A template's ``book`` is a book whose name, account names and account option strings carry placeholders; each
person the directory source lists (``people()``, :mod:`contactsync.connectors.directory`) and the template's
filter keeps gets that book with the placeholders filled from their identity attributes:

    {email}     the person's primary email address           subject: "{email}"  (Google delegation)
    {upn}       their sign-in name (Entra ID userPrincipalName; LDAP uid or sAMAccountName)   mailbox: "{upn}"
    {username}  the same sign-in name                         url: "https://dav.example.com/{username}/contacts/"
    {user}      the sign-in name made fit for a name (lowercase; anything but a-z 0-9 _ . - becomes -)
    {id}        the directory's stable id of the person

``{{`` and ``}}`` write a literal brace. :func:`expand` is pure: the daemon records its result in the store
(``store/templates.py``), which knows since when a book exists and since when it is retired; the books of the
people the store holds as active are added to the settings by :func:`with_template_books` (the daemon, ``status``).

Nothing here logs a person's attributes: a person is named by the directory's id, as every log line is (#16).
A book or account name built from ``{user}``, ``{upn}``, ``{username}`` or ``{email}`` holds the person's sign-in
name, and every log line names its book and accounts: :func:`with_template_books` registers each such name with
the log formatter, which shows it with those placeholders' part replaced by :func:`pseudonym` (``google-{user}``
→ ``google-~3f9a1c2e7b04``; ``log.personal_data: true`` shows the name). ``status`` shows both (``log_name``), and
``config check`` warns about such a pattern, naming ``{id}`` as the fix. The sign-in name itself, where an
option holds it (``path: /srv/vdir/{username}``, shown in an OSError's line), is shown by the same pseudonym
(:func:`personal_tokens`).
"""

from __future__ import annotations

import enum
import fnmatch
import hashlib
import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final

from .connectors.directory import DirectoryPerson, DirectorySource
from .errors import ConnectorError, NotFound
from .logs import register_pseudonyms
from .settings import (
    AccountSettings,
    BookSettings,
    BookTemplate,
    DistributionSettings,
    DistributionTarget,
    Settings,
    TemplateFilter,
    frozen_mapping,
)

if TYPE_CHECKING:  # the config package uses the placeholders without loading the store (SQLAlchemy)
    from .connector import Connector  # nor the connector protocol (#18)
    from .store import ExpansionChanges, Store, TemplateBookRecord

#: placeholder → what it is filled with (``config check`` names them when one is unknown)
PLACEHOLDERS: Final[Mapping[str, str]] = {
    "email": "the person's primary email address",
    "upn": "the person's sign-in name (userPrincipalName, uid, sAMAccountName)",
    "username": "the person's sign-in name (same as upn)",
    "user": "the sign-in name fit for a book or account name (lowercase, other characters become '-')",
    "id": "the directory's id of the person",
}

#: the placeholders filled with what names a person (a sign-in name, an email): log lines show a name built from
#: one as its pseudonym (:func:`log_names`)
PERSONAL_PLACEHOLDERS: Final = frozenset({"email", "upn", "username", "user"})

#: the book and account name rule of the configuration (config/schema.py NAME_PATTERN), checked per person
_NAME: Final = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_NAME_MAX: Final = 64
_UNSAFE: Final = re.compile(r"[^a-z0-9_.-]+")
#: ``${NAME}``, an environment variable's secret (config/secrets.py): its braces are no placeholder
_ENV_REFERENCE: Final = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")


class PlaceholderError(ValueError):
    """A template string that is not a valid pattern (an unknown placeholder, a stray brace); the message says
    which."""


def placeholders_in(text: str) -> tuple[str, ...]:
    """The placeholders ``text`` uses, in order (none in a ``${ENV}`` secret reference). Raises PlaceholderError
    naming an unknown one or a bad brace."""
    if _ENV_REFERENCE.match(text):
        return ()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise PlaceholderError(f"{exc}; write a literal brace as '{{{{' or '}}}}'") from None
    found: list[str] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise PlaceholderError(
                f"unknown placeholder {shown}; the placeholders are " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            )
        found.append(name)
    return tuple(found)


def substitute(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each placeholder replaced (no attribute access or format spec: only plain names, which
    :func:`placeholders_in` checked when the configuration was read)."""
    if _ENV_REFERENCE.match(text):
        return text
    out: list[str] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(values[name])
    return "".join(out)


def name_safe(text: str) -> str:
    """``text`` fit for a book or account name: lowercase, other characters replaced by '-'."""
    return _UNSAFE.sub("-", text.casefold()).lstrip("-_.")


def person_values(person: DirectoryPerson) -> dict[str, str]:
    return {
        "email": person.email,
        "upn": person.username,
        "username": person.username,
        "user": name_safe(person.username or person.email),
        "id": person.id,
    }


#: the person a template is checked with when the configuration is read (`config check`)
SAMPLE_PERSON: Final = DirectoryPerson("sample-id", "user@example.com", "user", "Sample User")


def _strings(value: Any, fill: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fill(value)
    if isinstance(value, Mapping):
        return frozen_mapping({k: _strings(v, fill) for k, v in value.items()})
    if isinstance(value, tuple | list):
        return tuple(_strings(v, fill) for v in value)
    return value


def _pattern_strings(book: BookSettings) -> Iterable[str]:
    yield book.name
    yield from book.priority
    for account in book.accounts:
        yield account.name
        stack: list[Any] = [account.options]
        while stack:
            value = stack.pop()
            if isinstance(value, str):
                yield value
            elif isinstance(value, Mapping):
                stack.extend(value.values())
            elif isinstance(value, tuple | list):
                stack.extend(value)


def placeholders_of(template: BookTemplate) -> frozenset[str]:
    """Every placeholder the template's book uses."""
    return frozenset(p for text in _pattern_strings(template.book) for p in placeholders_in(text))


def expand_book(template: BookTemplate, person: DirectoryPerson) -> BookSettings:
    """The template's book for ``person`` (names not checked: :func:`expand` does)."""
    values = person_values(person)

    def fill(text: str) -> str:
        return substitute(text, values)

    pattern = template.book
    accounts = tuple(replace(a, name=fill(a.name), options=_strings(a.options, fill)) for a in pattern.accounts)
    return replace(
        pattern, name=fill(pattern.name), accounts=accounts, priority=tuple(fill(p) for p in pattern.priority)
    )


#: hex digits of a pseudonym: 48 bits, so two of a template's people share one with a chance of about 2e-7 at 10,000
#: people, 2e-5 at 100,000 (32 bits: 1.2 % at 10,000, and ``status --book`` could not tell their books apart)
PSEUDONYM_HEX: Final = 12


def pseudonym(template_name: str, person_id: str) -> str:
    """What stands for the person's sign-in name or email in the names log lines show: "~" (no name holds one) and
    12 hex digits of a hash of the template and the directory's id. The id is what log lines already name the
    person by (``person=``), so the hash needs no key: undoing it gives the id, nothing more. Stable across runs
    and restarts, and the same for the book and each of its accounts."""
    digest = hashlib.sha256(f"{template_name}\0{person_id}".encode()).hexdigest()
    return f"~{digest[:PSEUDONYM_HEX]}"


def log_names(template: BookTemplate, person: DirectoryPerson) -> dict[str, str]:
    """Each name of the person's book (the book's, its accounts') built from a personal placeholder → that name
    with the placeholder's part replaced by :func:`pseudonym`, as log lines show it."""
    values = person_values(person)
    token = pseudonym(template.name, person.id)
    masked = {k: (token if k in PERSONAL_PLACEHOLDERS else v) for k, v in values.items()}
    out: dict[str, str] = {}
    for pattern in (template.book.name, *(a.name for a in template.book.accounts)):
        if PERSONAL_PLACEHOLDERS & set(placeholders_in(pattern)):
            out[substitute(pattern, values)] = substitute(pattern, masked)
    return out


def personal_tokens(template: BookTemplate, person: DirectoryPerson) -> dict[str, str]:
    """The person's sign-in name and email's local part, as the template uses them anywhere (a vdir ``path:
    /srv/vdir/{username}``, a CardDAV ``url``) → :func:`pseudonym`: a line showing such an option's value (a vdir
    folder's OSError) shows the pseudonym where it stands as a segment of a path, as the book's name does. An
    ordinary word (``info``: a role, not a person), all digits or one of the file's names is left out by
    :func:`contactsync.logs.register_pseudonyms`."""
    used = PERSONAL_PLACEHOLDERS & placeholders_of(template)
    if not used:
        return {}
    token = pseudonym(template.name, person.id)
    values = person_values(person)
    raw = {values[p] for p in used if p != "email"}
    if "email" in used:
        raw.add(person.email)
    # an email (or a UPN) is two tokens of a line, the part before "@" the one naming the person
    found = {v.partition("@")[0] if "@" in v else v for v in raw}
    return {v: token for v in found if v}


def _matches(flt: TemplateFilter, person: DirectoryPerson) -> bool:
    if flt.email and not fnmatch.fnmatchcase(person.email.casefold(), flt.email.casefold()):
        return False
    if flt.username and not fnmatch.fnmatchcase(person.username.casefold(), flt.username.casefold()):
        return False
    excluded = {e.casefold() for e in flt.exclude}
    return not excluded & {person.id.casefold(), person.email.casefold(), person.username.casefold()} - {""}


class SkipReason(enum.Enum):
    """Why a person of the directory has no book (said by `config expand` and the daemon's log)."""

    FILTERED = "left out by the template's filter"
    MISSING = "the directory holds no value for a placeholder the template uses"
    BAD_NAME = "the book or an account name it expands to is not a valid name"
    TAKEN = "the book or an account name it expands to is already used"


@dataclass(frozen=True)
class ExpandedBook:
    person: DirectoryPerson
    book: BookSettings


@dataclass(frozen=True)
class Skipped:
    """A person without a book; ``detail`` names placeholders and names of the template, never a value."""

    person: DirectoryPerson
    reason: SkipReason
    detail: str = ""


@dataclass(frozen=True)
class Expansion:
    template: str
    books: tuple[ExpandedBook, ...]
    skipped: tuple[Skipped, ...]


def expand(
    template: BookTemplate,
    people: Sequence[DirectoryPerson],
    *,
    taken_books: Iterable[str] = (),
    taken_accounts: Iterable[str] = (),
) -> Expansion:
    """One book per person ``template.filter`` keeps, in the order of ``people`` (the sources sort by id).

    A person whose book would have a name that is invalid or already used (by a book of the file, an account of
    the file in ``taken_*``, or an earlier person of this expansion) gets none and is listed in ``skipped``:
    two people never share a book, and no expanded book ever takes over a book written in the file."""
    used = placeholders_of(template)
    books_seen = set(taken_books)
    accounts_seen = set(taken_accounts)
    books: list[ExpandedBook] = []
    skipped: list[Skipped] = []
    for person in people:
        if not _matches(template.filter, person):
            skipped.append(Skipped(person, SkipReason.FILTERED))
            continue
        values = person_values(person)
        missing = sorted(p for p in used if not values[p])
        if missing:
            skipped.append(Skipped(person, SkipReason.MISSING, ", ".join(f"{{{p}}}" for p in missing)))
            continue
        book = expand_book(template, person)
        names = [book.name, *(a.name for a in book.accounts)]
        bad = [
            what
            for what, name in zip(("book name", *("account name",) * len(book.accounts)), names, strict=True)
            if not _NAME.fullmatch(name) or len(name) > _NAME_MAX
        ]
        if bad:
            skipped.append(Skipped(person, SkipReason.BAD_NAME, f"{bad[0]} (use {{user}} or {{id}} in names)"))
            continue
        if book.name in books_seen or any(a.name in accounts_seen for a in book.accounts):
            skipped.append(Skipped(person, SkipReason.TAKEN))
            continue
        books_seen.add(book.name)
        accounts_seen.update(a.name for a in book.accounts)
        books.append(ExpandedBook(person, book))
    return Expansion(template.name, tuple(books), tuple(skipped))


def template(settings: Settings, name: str) -> BookTemplate:
    for t in settings.templates:
        if t.name == name:
            return t
    known = ", ".join(t.name for t in settings.templates) or "none"
    raise NotFound(f"the config has no template named {name!r} (its templates: {known})")


def source_account(settings: Settings, tmpl: BookTemplate) -> tuple[AccountSettings, BookSettings]:
    """The template's directory account and the book settings to build its connector with."""
    for account in tmpl.accounts:
        if account.name == tmpl.source:
            return account, BookSettings(
                f"template:{tmpl.name}", tmpl.accounts, default_region=tmpl.book.default_region
            )
    for book in settings.books:
        for account in book.accounts:
            if account.name == tmpl.source:
                return account, book
    for d in settings.distributions:
        for account in d.accounts:
            if account.name == tmpl.source:
                return account, d.book
    raise NotFound(f"template {tmpl.name!r}: its source {tmpl.source!r} is not an account of the config")


def directory_people(connector: Connector, tmpl: BookTemplate) -> Sequence[DirectoryPerson]:
    """Everyone in the template's source. Raises ConnectorError when the source lists no people (not a
    directory type), or whatever ``people()`` raises."""
    refusal = ConnectorError(
        f"template {tmpl.name!r}: account {tmpl.source!r} is not a directory source (ldap, entra-directory, "
        "google-directory): it cannot list people"
    )
    if not isinstance(connector, DirectorySource):
        raise refusal
    people = connector.people()
    # the protocol checks only that a people() method exists: a contacts connector may have one of another kind
    if not isinstance(people, Sequence) or not all(isinstance(p, DirectoryPerson) for p in people):
        raise refusal
    return people


def list_people(settings: Settings, tmpl: BookTemplate) -> Sequence[DirectoryPerson]:
    """Everyone in the template's source now, its connector built, asked and closed. Raises ConnectorError (the
    connector cannot be set up, the source is no directory, or what ``people()`` raises)."""
    from . import registry

    account, book = source_account(settings, tmpl)
    try:
        connector = registry.build_connector(account, replace(book, accounts=(account,)))
    except ConnectorError:
        raise
    except (registry.UnknownConnector, OSError, ValueError, KeyError) as exc:
        raise ConnectorError(f"cannot set up account {account.name}: {exc}") from exc
    try:
        return directory_people(connector, tmpl)
    finally:
        connector.close()


def static_names(settings: Settings) -> tuple[frozenset[str], frozenset[str]]:
    """Book and account names written in the file (expanded books excluded: pass the file's own settings)."""
    books = frozenset(b.name for b in settings.books)
    accounts = {a.name for b in settings.books for a in b.accounts}
    accounts.update(a.name for d in settings.distributions for a in d.accounts)
    accounts.update(a.name for t in settings.templates for a in t.accounts)
    return books, frozenset(accounts)


@dataclass(frozen=True)
class Origin:
    """Which template and person an expanded book is: what its log lines carry (ids, never names); ``email`` is
    the person's address, for a distribution that leaves their own entry out of their account (never logged)."""

    template: str
    person_id: str
    email: str = field(default="", repr=False)


def with_template_books(
    settings: Settings, active: Mapping[str, Sequence[DirectoryPerson]]
) -> tuple[Settings, dict[str, Origin]]:
    """``settings`` (as read from the file) with the books of ``active`` people (by template name, as the store
    holds them) added after the file's own books, and where each added book comes from. A template no longer
    in the file adds nothing; a person whose book can no longer be expanded is left out (``config expand`` says
    why). The names built from a personal placeholder are registered with the log formatter
    (:func:`contactsync.logs.register_pseudonyms`), so log lines show them by :func:`log_names`; so are the
    names of the retired people ``active`` holds (:func:`active_people`), whose store rows are still named in
    metrics and lines. A sign-in name in two templates is shown by the smaller of its pseudonyms."""
    taken_books, taken_accounts = static_names(settings)
    added: list[BookSettings] = []
    origins: dict[str, Origin] = {}
    shown: dict[str, str] = {}
    logins: dict[str, str] = {}
    retired = active.retired if isinstance(active, ActivePeople) else {}

    def add_logins(found: Mapping[str, str]) -> None:
        # one person in two templates: their login gets the smaller of the templates' pseudonyms, as the log
        # formatter keeps it (contactsync.logs.register_pseudonyms), not whichever template came last
        for login, token in found.items():
            if login not in logins or token < logins[login]:
                logins[login] = token

    for tmpl in settings.templates:
        # a retired person's book and accounts keep their rows in the store, which metrics and lines still name
        # (a gauge per account, "book ~… retired"): their names are registered too, so that after a restart they
        # are not shown as they are until the person comes back; an active book's name, registered after, wins
        for person in retired.get(tmpl.name, ()):
            add_logins(personal_tokens(tmpl, person))
            shown.update(log_names(tmpl, person))
        people = active.get(tmpl.name, ())
        expansion = expand(tmpl, people, taken_books=taken_books, taken_accounts=taken_accounts)
        for e in expansion.books:
            added.append(e.book)
            origins[e.book.name] = Origin(tmpl.name, e.person.id, e.person.email)
            add_logins(personal_tokens(tmpl, e.person))
            shown.update(log_names(tmpl, e.person))
        taken_books = taken_books | {e.book.name for e in expansion.books}
        taken_accounts = taken_accounts | {a.name for e in expansion.books for a in e.book.accounts}
    # every line names its book and accounts: from now on they show these names by their pseudonyms
    # and a sign-in name where a template's option put it, as a path's segment; never where it is also one of the
    # file's names ("book hr" is the static book hr, not a person whose login is "hr")
    reserved = {*taken_books, *taken_accounts, *(t.name for t in settings.templates)}
    reserved.update(d.name for d in settings.distributions)
    register_pseudonyms(shown, logins=logins, reserved=reserved)
    distributions = tuple(_with_template_targets(d, settings, added, origins) for d in settings.distributions)
    return replace(settings, books=settings.books + tuple(added), distributions=distributions), origins


def _with_template_targets(
    d: DistributionSettings, settings: Settings, added: Sequence[BookSettings], origins: Mapping[str, Origin]
) -> DistributionSettings:
    """``d`` with the accounts its template targets name, one per person with an active book, each person its
    owner (their own entry is left out of their account)."""
    if not d.template_targets:
        return d
    patterns = {t.name: t for t in settings.templates}
    extra: list[DistributionTarget] = []
    for target in d.template_targets:
        tmpl = patterns.get(target.template)
        if tmpl is None:
            continue
        index = next((i for i, a in enumerate(tmpl.book.accounts) if a.name == target.account), None)
        if index is None:
            continue
        for book in added:
            origin = origins.get(book.name)
            if origin is None or origin.template != tmpl.name:
                continue
            extra.append(DistributionTarget(book.accounts[index].name, origin.email or None))
    listed = {t.account for t in d.targets}
    return replace(d, targets=d.targets + tuple(t for t in extra if t.account not in listed))


def metric_labels(settings: Settings, origins: Mapping[str, Origin]) -> tuple[dict[str, str], dict[str, str]]:
    """Labels that keep the metrics' cardinality bounded (daemon/metrics.py): each expanded book → ``template:<name>``,
    each of its accounts → ``<template>:<account pattern>``."""
    patterns = {t.name: t for t in settings.templates}
    books: dict[str, str] = {}
    accounts: dict[str, str] = {}
    for book in settings.books:
        origin = origins.get(book.name)
        tmpl = patterns.get(origin.template) if origin else None
        if tmpl is None:
            continue
        books[book.name] = f"template:{tmpl.name}"
        for pattern, account in zip(tmpl.book.accounts, book.accounts, strict=True):
            accounts[account.name] = f"{tmpl.name}:{pattern.name}"
    return books, accounts


class ActivePeople(dict[str, list[DirectoryPerson]]):
    """The people with an active book, by template; ``retired``: those whose book is retired, by template, whose
    names :func:`with_template_books` registers with the log formatter but gives no book."""

    def __init__(self) -> None:
        super().__init__()
        self.retired: dict[str, list[DirectoryPerson]] = {}


def active_people(records: Iterable[TemplateBookRecord]) -> ActivePeople:
    """The people the store holds as having an active book, by template (what :func:`with_template_books` takes),
    and those it holds as retired."""
    out = ActivePeople()
    for r in records:
        person = DirectoryPerson(r.person_id, r.email, r.username, r.display_name)
        (out.retired if r.retired else out).setdefault(r.template, []).append(person)
    return out


def expand_now(
    settings: Settings, tmpl: BookTemplate, people: Sequence[DirectoryPerson], records: Iterable[TemplateBookRecord]
) -> Expansion:
    """What ``tmpl`` expands to for ``people`` (listed from its source just now), next to the file's books and
    the other templates' active books as the store holds them (``records``): a name one of those has is taken."""
    others = replace(settings, templates=tuple(t for t in settings.templates if t.name != tmpl.name))
    active = {k: v for k, v in active_people(records).items() if k != tmpl.name}
    with_others, _origins = with_template_books(others, active)
    taken_books = {b.name for b in with_others.books}
    taken_accounts = set(static_names(settings)[1]) | {a.name for b in with_others.books for a in b.accounts}
    return expand(tmpl, people, taken_books=taken_books, taken_accounts=taken_accounts)


def record(store: Store, expansion: Expansion) -> ExpansionChanges:
    """Record ``expansion`` as the template's books now: who joined gets a book, whose book it no longer lists
    (they left the directory or the filter) has it retired, nothing deleted anywhere."""
    from .store import ExpandedPerson

    found = [
        ExpandedPerson(e.person.id, e.book.name, e.person.email, e.person.username, e.person.display_name)
        for e in expansion.books
    ]
    return store.record_expansion(expansion.template, found)


__all__ = [
    "PERSONAL_PLACEHOLDERS",
    "PLACEHOLDERS",
    "SAMPLE_PERSON",
    "ActivePeople",
    "ExpandedBook",
    "Expansion",
    "Origin",
    "PlaceholderError",
    "SkipReason",
    "Skipped",
    "active_people",
    "directory_people",
    "expand",
    "expand_book",
    "expand_now",
    "list_people",
    "log_names",
    "metric_labels",
    "name_safe",
    "person_values",
    "personal_tokens",
    "placeholders_in",
    "placeholders_of",
    "pseudonym",
    "record",
    "source_account",
    "static_names",
    "substitute",
    "template",
    "with_template_books",
]
