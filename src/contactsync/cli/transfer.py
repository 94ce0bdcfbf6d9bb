"""``contactsync export`` and ``contactsync import``: CSV (with a column mapping) or vCard, in and out of a book."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..model import Contact
from ..settings import Settings
from ..stewardship import transfer as tr
from ..wording import counted
from . import EXIT_PARTIAL, Context, friendly
from .output import progress, table


class VcardCodec:
    """The connectors' vCard mapping, for the stewardship layer (which stays below the connectors)."""

    def __init__(self, region: str) -> None:
        self.region = region

    def parse(self, text: str) -> list[Contact]:
        from contactsync.vcard import CardError, parse_card

        try:
            parsed = parse_card(text, region=self.region)
        except CardError as exc:
            # a CardError never quotes the card (vcard.basics): import may say it whatever log.personal_data says
            raise tr.UnreadableCard(str(exc)) from None
        return [] if parsed.is_group else [parsed.contact]

    def render(self, contact: Contact, uid: str) -> str:
        from contactsync.vcard import render_card

        text: str = render_card(contact, uid=uid, marker=None, version="4.0")
        return text


def _book_name(settings: Settings, book: str | None) -> str:
    if book:
        return settings.book(book).name
    if len(settings.books) > 1:
        raise click.UsageError("the config has several books: say which with --book")
    return settings.books[0].name


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "vcf"]), default="csv", show_default=True)
@click.option("--tag", default=None, help="Only contacts with this tag.")
@click.option("--book", "-b", default=None, help="The book (needed when the config has several).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (created 0600: it holds personal data). Default: standard output.",
)
@click.pass_obj
@friendly
def export_command(obj: Context, fmt: str, tag: str | None, book: str | None, output: Path | None) -> None:
    """Export a book's contacts as CSV or vCard."""
    settings = obj.settings
    name = _book_name(settings, book)
    with obj.store() as store:
        contacts = tr.export_contacts(store, name, tag=tag)
    text = tr.to_csv(contacts) if fmt == "csv" else tr.to_vcf(contacts, VcardCodec(settings.book(name).default_region))
    if output is None:
        click.echo(text, nl=False)
        return
    import os

    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    click.echo(f"exported {counted(len(contacts), 'contact')} to {output}", err=True)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--book", "-b", default=None, help="The book to import into (needed when the config has several).")
@click.option("--format", "fmt", type=click.Choice(["auto", "csv", "vcf"]), default="auto", show_default=True)
@click.option(
    "--mapping",
    default=None,
    help="CSV columns to fields: 'First Name=given,Last Name=family,E-mail=email,Mobile=phone'. Fields: "
    + ", ".join(tr.CSV_FIELDS)
    + ". Google's and Outlook's export headers need none.",
)
@click.option("--dry-run", is_flag=True, help="Validate and show the summary; change nothing.")
@click.option("--show-rejected/--no-show-rejected", default=True, help="List each rejected row with its reason.")
@click.option(
    "--show-values",
    is_flag=True,
    help="Quote a rejected row's value (the phone or email as typed), not only its line and field.",
)
@click.pass_obj
@friendly
def import_command(
    obj: Context,
    file: Path,
    book: str | None,
    fmt: str,
    mapping: str | None,
    dry_run: bool,
    show_rejected: bool,
    show_values: bool,
) -> None:
    """Import contacts from a CSV or vCard file into a book; the next sync writes them to every account."""
    settings = obj.settings
    name = _book_name(settings, book)
    # a reason is printed, and pasted into tickets, as any other output: it names the line and the field, and
    # quotes the value only when the admin asks for it here or for personal data in every line (log.personal_data)
    show_values = show_values or settings.log_personal_data
    text = file.read_bytes().decode("utf-8-sig", errors="replace")
    kind = (
        fmt
        if fmt != "auto"
        else (
            "vcf"
            if file.suffix.lower() in (".vcf", ".vcard") or text.lstrip().upper().startswith("BEGIN:VCARD")
            else "csv"
        )
    )
    if kind == "vcf" and mapping:
        raise click.UsageError("--mapping is for CSV files")
    rows = (
        tr.read_vcf(text, VcardCodec(settings.book(name).default_region), show_values=show_values)
        if kind == "vcf"
        else tr.read_csv(text, tr.parse_mapping(mapping), show_values=show_values)
    )
    if dry_run:
        from .dryrun import open_for_dry_run

        # as sync --dry-run: the store read as it is, never created nor migrated (none yet: an empty one in memory)
        with open_for_dry_run(settings.store_url) as view, progress("importing", len(rows)) as bar:
            summary = tr.import_contacts(
                view,  # type: ignore[arg-type]
                settings,
                name,
                rows,
                dry_run=True,
                show_values=show_values,
                progress=bar.advance,
            )
    else:
        with obj.store() as store, progress("importing", len(rows)) as bar:
            summary = tr.import_contacts(store, settings, name, rows, show_values=show_values, progress=bar.advance)
    what = "would create" if dry_run else "created"
    click.echo(
        f"{file.name} into book {name}: {what} {len(summary.created)}, matched {len(summary.matched)} "
        f"to contacts already there, rejected {len(summary.rejected)}"
        + (" (dry run: nothing was changed)" if dry_run else "; the next sync writes them everywhere")
    )
    if summary.rejected and show_rejected:
        table("rejected", ["where", "reason"], [(r.where, r.reason) for r in summary.rejected])
    if summary.rejected:
        sys.exit(EXIT_PARTIAL)  # the valid rows went through; the rejected ones need the admin
