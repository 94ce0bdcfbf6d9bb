"""Books expanded from book templates (``templates:`` in the configuration, issue #17 part 2): table
``template_books``, migration 0008.

One row per person a template has given a book: who (the directory's id and the identity attributes the book's
names and options were filled from), which book, since when, and, once the person left the directory (or the
template's filter), since when the book is *retired*. A retired book is never run again and nothing of it is
deleted anywhere: its contacts, links and history stay in the store, its accounts keep their contacts. A person
who comes back gets the same row, active again.

The row keeps the identity attributes so the daemon (after a restart, with the directory unreachable) and
``status`` (which talks to no platform) know every active book without asking the directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from .base import StoreBase, aware, aware_at, insert_missing, now
from .schema import UTCDateTime, metadata

template_books = sa.Table(
    "template_books",
    metadata,
    sa.Column("template", sa.String(100), primary_key=True),
    sa.Column("person_id", sa.String(1000), primary_key=True),
    sa.Column("book", sa.String(100), nullable=False),
    sa.Column("email", sa.String(1000), nullable=False, server_default=""),
    sa.Column("username", sa.String(1000), nullable=False, server_default=""),
    sa.Column("display_name", sa.String(1000), nullable=False, server_default=""),
    sa.Column("joined_at", UTCDateTime, nullable=False),
    #: None while the person is in the directory; when the book was retired otherwise
    sa.Column("retired_at", UTCDateTime, nullable=True),
    #: the last expansion that found the person (or, once retired, that found them gone)
    sa.Column("seen_at", UTCDateTime, nullable=False),
)


@dataclass(frozen=True)
class TemplateBookRecord:
    """One person's book of one template, as the store holds it."""

    template: str
    person_id: str
    book: str
    email: str
    username: str
    display_name: str
    joined_at: datetime
    retired_at: datetime | None
    seen_at: datetime

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


@dataclass(frozen=True)
class ExpandedPerson:
    """What one expansion found for one person: their book and identity attributes."""

    person_id: str
    book: str
    email: str
    username: str
    display_name: str


@dataclass(frozen=True)
class ExpansionChanges:
    """Book names by what an expansion changed: new people, people who left, people who came back, and people
    whose book is now named otherwise (``(old, new)``: a sign-in name changed and a name uses ``{user}``)."""

    joined: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    returned: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()


def _record(row: sa.Row[tuple[object, ...]]) -> TemplateBookRecord:
    m = row._mapping
    return TemplateBookRecord(
        template=m["template"],
        person_id=m["person_id"],
        book=m["book"],
        email=m["email"],
        username=m["username"],
        display_name=m["display_name"],
        joined_at=aware_at(m["joined_at"]),
        retired_at=aware(m["retired_at"]),
        seen_at=aware_at(m["seen_at"]),
    )


class TemplateRecords(StoreBase):
    def template_books(self, template: str | None = None) -> list[TemplateBookRecord]:
        """Every expanded book (of ``template`` only, if given), active and retired, by template and book."""
        query = sa.select(template_books).order_by(template_books.c.template, template_books.c.book)
        if template is not None:
            query = query.where(template_books.c.template == template)
        with self._reading() as conn:
            return [_record(row) for row in conn.execute(query)]

    def record_expansion(
        self, template: str, found: Sequence[ExpandedPerson], *, at: datetime | None = None
    ) -> ExpansionChanges:
        """Record that ``template`` now expands to exactly ``found``, in one transaction: a new person's row is
        added, a returning person's book is active again, and the book of everyone active who is not in ``found``
        is retired from ``at`` on (its rows kept, so the retirement and its date show in ``status``)."""
        when = at or now()
        joined: list[str] = []
        retired: list[str] = []
        returned: list[str] = []
        renamed: list[tuple[str, str]] = []
        with self._writing() as conn:
            existing = {
                r.person_id: r
                for r in (
                    _record(row)
                    for row in conn.execute(sa.select(template_books).where(template_books.c.template == template))
                )
            }
            by_id = {p.person_id: p for p in found}
            for person_id, person in by_id.items():
                values = {
                    "book": person.book,
                    "email": person.email,
                    "username": person.username,
                    "display_name": person.display_name,
                    "seen_at": when,
                    "retired_at": None,
                }
                old = existing.get(person_id)
                if old is None:
                    # several daemons sharing a PostgreSQL store expand the same template: the first insert wins
                    insert_missing(
                        conn,
                        template_books,
                        [{"template": template, "person_id": person_id, "joined_at": when, **values}],
                        ["template", "person_id"],
                    )
                    joined.append(person.book)
                    continue
                if old.retired:
                    returned.append(person.book)
                elif old.book != person.book:
                    renamed.append((old.book, person.book))
                conn.execute(
                    sa.update(template_books)
                    .where(template_books.c.template == template, template_books.c.person_id == person_id)
                    .values(**values)
                )
            gone = [r for person_id, r in existing.items() if person_id not in by_id and not r.retired]
            for r in gone:
                conn.execute(
                    sa.update(template_books)
                    .where(template_books.c.template == template, template_books.c.person_id == r.person_id)
                    .values(retired_at=when, seen_at=when)
                )
                retired.append(r.book)
        return ExpansionChanges(
            tuple(sorted(joined)), tuple(sorted(retired)), tuple(sorted(returned)), tuple(sorted(renamed))
        )


__all__ = ["ExpandedPerson", "ExpansionChanges", "TemplateBookRecord", "TemplateRecords", "template_books"]
