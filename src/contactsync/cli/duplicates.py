"""``contactsync duplicates`` and ``contactsync merge``: likely duplicates with their reason, merge and undo."""

from __future__ import annotations

import json

import click

from ..stewardship import duplicates as dups
from . import EXIT_USAGE, Context, friendly
from .output import table


@click.command()
@click.option("--book", "-b", "book_name", default=None, help="Only this book. Default: all.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
@friendly
def duplicates(obj: Context, book_name: str | None, as_json: bool) -> None:
    """Likely duplicates in the store: same email, same phone, or a similar name at the same company.

    Merge a pair with `contactsync merge SURVIVOR OTHER`."""
    settings = obj.settings
    books = [settings.book(book_name)] if book_name else list(settings.books)
    rows = []
    with obj.store() as store:
        for book in books:
            found = dups.find_duplicates(store, book.name)
            records = store.contacts([cid for d in found for cid in (d.first, d.second)])
            rows += [
                {
                    "book": book.name,
                    "first": d.first,
                    "second": d.second,
                    "reason": d.reason.value,
                    "shared": d.shared,
                    "first_name": records[d.first].contact.label(),
                    "second_name": records[d.second].contact.label(),
                }
                for d in found
            ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no likely duplicates")
        return
    table(
        f"{len(rows)} likely duplicates (merge with `contactsync merge FIRST SECOND`)",
        ["book", "first", "second", "reason", "names"],
        [
            [
                r["book"],
                r["first"],
                r["second"],
                f"{r['reason']}: {r['shared']}",
                f"{r['first_name']} / {r['second_name']}",
            ]
            for r in rows
        ],
    )


@click.command()
@click.argument("survivor", required=False)
@click.argument("other", required=False)
@click.option(
    "--undo",
    "undo",
    type=int,
    default=None,
    metavar="JOURNAL_ID",
    help="Undo the merge recorded under this journal id (printed by the merge, shown by `history`).",
)
@click.pass_obj
@friendly
def merge(obj: Context, survivor: str | None, other: str | None, undo: int | None) -> None:
    """Merge contact OTHER into SURVIVOR everywhere (the book's conflict rules decide disagreements).

    The next sync updates SURVIVOR and deletes OTHER on every account; OTHER waits in the trash."""
    settings = obj.settings
    with obj.store() as store:
        if undo is not None:
            if survivor or other:
                raise click.UsageError("give either SURVIVOR OTHER or --undo JOURNAL_ID")
            try:
                result = dups.undo_merge(store, settings, undo)
            except dups.UndoRefused as exc:
                # what the undo would bring back is gone (or was back already): exit 2, like `trash restore`
                click.echo(f"contactsync: {exc}", err=True)
                raise click.exceptions.Exit(EXIT_USAGE) from None
            click.echo(
                f"merge #{undo} undone: {result.merged} is back next to {result.survivor}; the next sync "
                "writes both everywhere"
            )
            return
        if not survivor or not other:
            raise click.UsageError("give the two contact ids: SURVIVOR OTHER (see `contactsync duplicates`)")
        result = dups.merge_contacts(store, settings, survivor, other)
    click.echo(
        f"merged {result.merged} into {result.survivor} (journal #{result.journal_id}; undo with "
        f"`contactsync merge --undo {result.journal_id}`); the next sync writes it everywhere"
    )
    for fname in result.conflicts:
        click.echo(f"  {fname}: the two disagree and the rule is manual: `contactsync conflicts list`")
