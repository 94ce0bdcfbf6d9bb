"""``contactsync demo``: the whole promise in one command, offline, cleaning up after itself.

Two address books as folders of vCards (an "office" export and a "phone" export) hold overlapping people:
the same person spelled differently, phones in different formats, different tags, a conflicting edit and a
malformed card. The demo writes a config, runs the real engine twice against a throw-away SQLite store, and
ends on what an admin would look at: the status of each account and the tag counts on each side.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from .. import admin
from ..config import load_settings
from ..model import Tag
from ..registry import connector_class

OFFICE = {
    "ana.vcf": """BEGIN:VCARD
VERSION:3.0
UID:office-ana
N:Souza;Ana;;;
FN:Ana Souza
EMAIL;TYPE=WORK:ana.souza@Example.COM
TEL;TYPE=CELL:(415) 555-0101
ORG:Acme;Sales
TITLE:Account Manager
CATEGORIES:Staff,Sales
NOTE:Prefers calls in the morning.
END:VCARD
""",
    "bruno.vcf": """BEGIN:VCARD
VERSION:3.0
UID:office-bruno
N:Lima;Bruno;;;
FN:Bruno Lima
EMAIL;TYPE=WORK:bruno@example.com
TEL;TYPE=WORK:+1 415 555 0102
CATEGORIES:Staff
END:VCARD
""",
    "carla.vcf": """BEGIN:VCARD
VERSION:4.0
UID:office-carla
N:Diaz;Carla;;;
FN:Carla Díaz
EMAIL;TYPE=work:carla.diaz@example.com
TEL;TYPE=cell;VALUE=uri:tel:+1-415-555-0103
BDAY:--0415
CATEGORIES:Staff,Board
END:VCARD
""",
}

PHONE = {
    "a1.vcf": """BEGIN:VCARD
VERSION:4.0
UID:phone-ana
N:Souza;Ana;M.;;
FN:Ana M. Souza
EMAIL;TYPE=home:ana.souza@example.com
TEL;TYPE=cell:415-555-0101
CATEGORIES:Friends
NOTE:Met at the fair.
END:VCARD
""",
    "d1.vcf": """BEGIN:VCARD
VERSION:3.0
UID:phone-davi
N:Costa;Davi;;;
FN:Davi Costa
TEL;TYPE=CELL:4155550104
CATEGORIES:Friends
END:VCARD
""",
    "broken.vcf": """BEGIN:VCARD
VERSION:3.0
this card was cut in half by a bad export
""",
}


def _write(folder: Path, cards: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    for name, text in cards.items():
        (folder / name).write_text(text.replace("\n", "\r\n"), encoding="utf-8")


def _config(root: Path) -> Path:
    path = root / "config.yaml"
    path.write_text(f"""store:
  url: sqlite:///{root / "store.db"}
books:
  - name: demo
    default_region: US
    priority: [office, phone]
    conflicts:
      default: newest
      fields:
        note: manual
    accounts:
      - name: office
        type: vdir
        options:
          path: {root / "office"}
      - name: phone
        type: vdir
        options:
          path: {root / "phone"}
""", encoding="utf-8")
    return path


@click.command()
@click.option("--keep", type=click.Path(path_type=Path), default=None,
              help="Build the demo in this (new) folder and keep it, to look at the cards and the store.")
def demo(keep: Path | None) -> None:
    """Sync two vCard folders with overlapping people and show the result (offline, self-cleaning)."""
    root = keep or Path(tempfile.mkdtemp(prefix="contactsync-demo-"))
    try:
        _write(root / "office", OFFICE)
        _write(root / "phone", PHONE)
        settings = load_settings(_config(root))
        book = settings.books[0]
        click.echo(f"Two address books in {root}: office ({len(OFFICE)} cards), phone ({len(PHONE)} cards, one "
                   "of them broken).")
        from . import print_report

        with admin.open_store(settings) as store:
            for label in ("first run", "second run (nothing changed: nothing is written)"):
                click.echo(f"\n== {label}")
                print_report(admin.run_book(store, book), as_json=False)
            conflicts = store.open_conflicts()
            status = store.account_status()
            store_tags = store.tag_counts(book.name)
        click.echo("\n== conflicts queued for the admin (rule `manual` on notes)")
        for c in conflicts:
            click.echo(f"  #{c['id']} contact {c['contact_id']} field {c['field']}: "
                       f"{len(c['candidates'])} candidates (`contactsync conflicts list` shows them)")
        click.echo("\n== quarantined (never deleted, never fatal)")
        for account, st in status.items():
            for rid, reason in st["quarantined"]:
                click.echo(f"  {account}: {rid}: {reason}")
        click.echo("\n== tags: the same count everywhere")
        counts = {}
        for acct in book.accounts:
            connector = connector_class(acct.type).from_settings(acct, book)
            counts[acct.name] = {t.key: n for t, n in connector.tag_counts().items()}
        click.echo(f"  {'tag':<10} {'store':>6} " + " ".join(f"{a.name:>7}" for a in book.accounts))
        for _key, (name, n) in sorted(store_tags.items()):
            row = " ".join(f"{counts[a.name].get(Tag(name).key, 0):>7}" for a in book.accounts)
            click.echo(f"  {name:<10} {n:>6} {row}")
        people = len(list((root / "office").glob("*.vcf")))
        click.echo(f"\nBoth folders now hold the same {people} people: Ana was matched across spellings "
                   "by her email, phones were compared in E.164.")
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
