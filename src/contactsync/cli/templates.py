"""``contactsync config expand [TEMPLATE…]``: what each book template expands to now.

It reads each template's directory source (read-only), expands the template as the daemon's next cycle would,
and compares with the books the store holds: which books exist, which the next cycle adds, which it retires, and
who gets no book and why. It changes nothing: neither the store nor any account.

Exit codes: 0 shown; 1 a directory could not be read; 5 someone of the directory gets no book for a reason other
than the filter (a placeholder without a value, a name that is invalid or taken).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..errors import ConnectorError
from ..settings import Settings
from ..store import TemplateBookRecord
from ..wording import counted
from . import EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, Context, _open_for_reading, friendly


def with_expanded_books(settings: Settings) -> Settings:
    """``settings`` with the books of every person the store holds as active for its templates (none without a
    store: a template's books appear with the daemon's first expansion of it)."""
    if not settings.templates:
        return settings  # `sync` of a file without templates imports none of their code (#18)
    from .. import templates as book_templates

    store, _read_only = _open_for_reading(settings.store_url)
    if store is None:
        return settings
    with store:
        records = store.template_books()
    return book_templates.with_template_books(settings, book_templates.active_people(records))[0]


def _filled_options(pattern: Any, filled: Any) -> dict[str, Any]:
    """The options a placeholder filled in, as this person gets them (the rest is the same for everyone)."""
    from .. import templates as book_templates

    out: dict[str, Any] = {}
    for key, value in pattern.items():
        if isinstance(value, str) and book_templates.placeholders_in(value):
            out[key] = filled[key]
    return out


@click.command("expand")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--apply",
    is_flag=True,
    help="Record the expansion in the store as the daemon's cycle does (new books appear, books of people who "
    "left are retired; no account is touched): `contactsync sync` then syncs the new books.",
)
@click.pass_obj
@friendly
def expand(obj: Context, names: tuple[str, ...], as_json: bool, apply: bool) -> None:
    """Show what each book template (or those NAMEd) expands to now: the book each person of its directory gets,
    the books the daemon's next cycle adds and retires, and who gets no book and why. Reads the directory and the
    store; changes nothing unless --apply."""
    from .. import templates as book_templates

    settings = obj.settings
    chosen = [book_templates.template(settings, n) for n in names] if names else list(settings.templates)
    if not chosen:
        click.echo("the configuration has no templates: section")
        sys.exit(EXIT_OK)
    store, _read_only = _open_for_reading(settings.store_url)
    records: list[TemplateBookRecord] = []
    if store is not None:
        with store:
            records = store.template_books()
    code = EXIT_OK
    out: list[dict[str, Any]] = []
    for tmpl in chosen:
        try:
            people = book_templates.list_people(settings, tmpl)
        except ConnectorError as exc:
            out.append({"template": tmpl.name, "source": tmpl.source, "error": str(exc)})
            code = EXIT_ERROR
            continue
        expansion = book_templates.expand_now(settings, tmpl, people, records)
        mine = {r.person_id: r for r in records if r.template == tmpl.name}
        if apply:
            with obj.store() as writable:
                book_templates.record(writable, expansion)
                records = writable.template_books()
        books = []
        # by book name: the source's order is its ids' (entryUUID, objectGUID), which says nothing to the reader
        # and which a new person may enter anywhere
        for e in sorted(expansion.books, key=lambda e: e.book.name):
            known = mine.get(e.person.id)
            state = "new" if known is None else ("returns" if known.retired else "active")
            books.append(
                {
                    "book": e.book.name,
                    "person": e.person.id,
                    "state": state,
                    "accounts": [
                        {"name": a.name, "type": a.type, "options": _filled_options(p.options, a.options)}
                        for p, a in zip(tmpl.book.accounts, e.book.accounts, strict=True)
                    ],
                }
            )
        listed = {e.person.id for e in expansion.books}
        retiring = [
            {"book": r.book, "person": r.person_id}
            for r in sorted(mine.values(), key=lambda r: r.book)
            if not r.retired and r.person_id not in listed
        ]
        skipped = [
            {"person": s.person.id, "reason": s.reason.name.lower(), "why": s.reason.value, "detail": s.detail}
            for s in expansion.skipped
        ]
        if any(s.reason is not book_templates.SkipReason.FILTERED for s in expansion.skipped):
            code = max(code, EXIT_ATTENTION) if code != EXIT_ERROR else code
        out.append(
            {
                "template": tmpl.name,
                "source": tmpl.source,
                "people": len(people),
                "books": books,
                "retiring": retiring,
                "retired": sum(1 for r in mine.values() if r.retired and r.person_id not in listed),
                "skipped": skipped,
            }
        )
    if as_json:
        click.echo(json.dumps({"templates": out, "applied": apply, "exit_code": code}, indent=2))
        sys.exit(code)
    for t in out:
        if "error" in t:
            click.echo(
                f"template {t['template']} (source {t['source']}): the directory could not be read: {t['error']}"
            )
            continue
        new = sum(1 for b in t["books"] if b["state"] != "active")
        if apply:
            click.echo(f"template {t['template']}: recorded; the books marked + exist now, those marked - are retired")
        click.echo(
            f"template {t['template']} (source {t['source']}): {counted(t['people'], 'person', 'people')}, "
            f"{counted(len(t['books']), 'book')} "
            f"({new} added by the next cycle), {len(t['retiring'])} retired by the next cycle, "
            f"{len(t['skipped'])} without a book"
        )
        for b in t["books"]:
            mark = {"new": "  + ", "returns": "  + ", "active": "    "}[b["state"]]
            click.echo(
                f"{mark}book {b['book']}  (person {b['person']}{', comes back' if b['state'] == 'returns' else ''})"
            )
            for a in b["accounts"]:
                filled = "  ".join(f"{k}: {v}" for k, v in a["options"].items())
                click.echo(f"        {a['name']} ({a['type']})  {filled}".rstrip())
        for r in t["retiring"]:
            click.echo(f"  - book {r['book']}  (person {r['person']} left): retired, nothing deleted")
        for s in t["skipped"]:
            detail = f" ({s['detail']})" if s["detail"] else ""
            click.echo(f"  no book for person {s['person']}: {s['why']}{detail}")
    sys.exit(code)
