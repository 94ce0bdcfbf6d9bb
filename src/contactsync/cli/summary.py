"""``contactsync status`` over many books (book templates give one per person): states, filters, the summary.

A book's state is the most serious of its accounts' and its own (:class:`BookState`); over
:data:`SUMMARY_OVER` books the human output gives the count in each state and shows in full only the books that
need a look, failing ones first, so an admin of 3,000 books reads one screen. ``--json`` lists every book.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

import click

from ..errors import NotFound
from ..logs import pseudonymize
from ..settings import BookSettings, Settings
from ..wording import counted

if TYPE_CHECKING:
    from .. import templates as book_templates
    from ..store import TemplateBookRecord

#: over this many books, the human output is a summary
SUMMARY_OVER: Final = 25
#: books shown in full under the summary (the worst first); the rest are counted
DETAIL_LIMIT: Final = 50


class BookState(enum.Enum):
    FAILING = "failing"  # an account failed, was interrupted, still owes failed writes, or is paused; or it is late
    BRAKE = "brake"  # the brake holds deletes back
    ATTENTION = "attention"  # conflicts, quarantined items, tag counts that differ, contacts held back
    NEVER_RUN = "never run"
    OK = "ok"
    RETIRED = "retired"  # its person left the directory: not synced, nothing deleted


BOOK_STATE_ORDER: Final = {s.value: i for i, s in enumerate(BookState)}


def book_state(book: Mapping[str, Any]) -> BookState:
    accounts = list(book["accounts"].values())
    if any(a["brake"] for a in accounts):
        return BookState.BRAKE
    if book.get("late") or any(
        a["result"] in ("error", "interrupted", "partial") or a["circuit"]["state"] == "open" for a in accounts
    ):
        return BookState.FAILING
    if accounts and all(a["result"] == "never run" for a in accounts):
        return BookState.NEVER_RUN
    mismatch = any(cell["verdict"] == "mismatch" for row in book["tags"] for cell in row["accounts"].values())
    if (
        book["pending_conflicts"]
        or book["held_back"]
        or mismatch
        or any(a["quarantined"] or a["tags_error"] or a["result"] == "never run" for a in accounts)
    ):
        return BookState.ATTENTION
    return BookState.OK


def books_to_show(
    settings: Settings, records: Sequence[TemplateBookRecord], book: str | None, template: str | None
) -> tuple[Settings, dict[str, book_templates.Origin], list[dict[str, Any]]]:
    """The settings with the templates' active books added and only the books asked for; their origins; the
    retired books asked for. Raises NotFound for a book or template the configuration and the store lack."""
    if settings.templates or records or any(d.template_targets for d in settings.distributions):
        from .. import templates as book_templates  # book templates only: most files have none (#18)

        expanded, origins = book_templates.with_template_books(settings, book_templates.active_people(records))
    else:
        expanded, origins = settings, {}
    known_templates = {t.name for t in settings.templates}
    if template is not None and template not in known_templates:
        names = ", ".join(sorted(known_templates)) or "none"
        raise NotFound(f"the config has no template named {template!r} (its templates: {names})")
    retired = [
        {
            "book": r.book,
            "template": r.template,
            "person": r.person_id,
            "state": BookState.RETIRED.value,
            "joined_at": r.joined_at,
            "retired_at": r.retired_at,
        }
        for r in records
        if r.retired and r.template in known_templates and r.book not in origins
    ]
    books = expanded.books
    if template is not None:
        books = tuple(b for b in books if b.name in origins and origins[b.name].template == template)
        retired = [r for r in retired if r["template"] == template]
    if book is not None:
        gone = [r for r in records if r.retired and r.template in known_templates and r.book not in origins]
        book = _book_of_log_name(book, settings, expanded.books, origins, gone)
        retired = [r for r in retired if r["book"] == book]
        books = tuple(b for b in books if b.name == book)
        if not books and not retired:
            expanded.book(book)  # raises NotFound naming the books there are
    return replace(expanded, books=books), origins, retired


def _book_of_log_name(
    name: str,
    settings: Settings,
    books: Sequence[BookSettings],
    origins: Mapping[str, book_templates.Origin],
    retired: Sequence[TemplateBookRecord],
) -> str:
    """The book a name from a log line stands for: a templated book's or account's name as log lines show it
    (``google-~3f9a1c2e7b04``, or its pseudonym ``~3f9a1c2e7b04`` alone: contactsync.templates.log_names), an
    active book's or a retired one's (the daemon logs "book ~3f9a1c2e7b04 retired"); else ``name``. Only a whole
    name matches, never a part of one ("~" alone finds nothing). Raises NotFound when it stands for several books."""
    if "~" not in name or not settings.templates:
        return name
    from .. import templates as book_templates  # book templates only (#18)
    from ..connectors.directory import DirectoryPerson

    found: set[str] = set()
    for b in books:
        shown = {pseudonymize(b.name), *(pseudonymize(a.name) for a in b.accounts)}
        origin = origins.get(b.name)
        if origin is not None:
            token = book_templates.pseudonym(origin.template, origin.person_id)
            shown |= {token} if any(token in s for s in shown) else set()
        if name in shown:
            found.add(b.name)
    patterns = {t.name: t for t in settings.templates}
    for r in retired:
        tmpl = patterns.get(r.template)
        if tmpl is None:
            continue
        person = DirectoryPerson(r.person_id, r.email, r.username, r.display_name)
        shown = set(book_templates.log_names(tmpl, person).values())
        token = book_templates.pseudonym(r.template, r.person_id)
        shown |= {token} if any(token in s for s in shown) else set()
        if name in shown:
            found.add(r.book)
    if len(found) > 1:
        raise NotFound(f"{name!r} stands for several books ({', '.join(sorted(found))}): ask for one by its name")
    return found.pop() if found else name


def state_counts(per_book: Mapping[str, Mapping[str, Any]], retired: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    counts = {s.value: 0 for s in BookState}
    for b in per_book.values():
        counts[b["state"]] += 1
    counts[BookState.RETIRED.value] = len(retired)
    by_template: dict[str, dict[str, int]] = {}
    for b in [*per_book.values(), *retired]:
        if b.get("template"):
            row = by_template.setdefault(b["template"], {s.value: 0 for s in BookState})
            row[b["state"]] += 1
    return {"books": len(per_book) + len(retired), "states": counts, "templates": by_template}


def print_summary(
    summary: Mapping[str, Any], per_book: Mapping[str, Mapping[str, Any]], retired: Sequence[Mapping[str, Any]]
) -> dict[str, Mapping[str, Any]]:
    """Print the counts and return the books to show in full: those that need a look, the worst first."""
    states = summary["states"]
    shown = ", ".join(f"{n} {state}" for state, n in states.items() if n)
    click.echo(f"{counted(summary['books'], 'book')}: {shown}")
    for name, row in summary["templates"].items():
        click.echo(f"  template {name}: " + ", ".join(f"{n} {state}" for state, n in row.items() if n))
    worst = {n: b for n, b in per_book.items() if b["state"] != BookState.OK.value}
    detailed = dict(list(worst.items())[:DETAIL_LIMIT])
    if len(worst) > DETAIL_LIMIT:
        click.echo(
            f"the first {DETAIL_LIMIT} of {len(worst)} books that need a look follow (failing first); "
            "`contactsync status --json` lists all, `--book NAME` shows one, `--template NAME` one template's"
        )
    if retired:
        latest = sorted(retired, key=lambda r: r["retired_at"], reverse=True)[:10]
        click.echo(f"{counted(len(retired), 'retired book')} (not synced, nothing deleted); the latest:")
        for r in latest:
            click.echo(f"  {r['book']}: retired since {r['retired_at']:%Y-%m-%d %H:%M} (template {r['template']})")
    if states[BookState.OK.value]:
        click.echo(f"{counted(states[BookState.OK.value], 'book')} ok (`--all` shows them in full)")
    return detailed
