"""``contactsync person show|erase``: personal-data requests (GDPR/LGPD)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from ..stewardship import person as people
from ..wording import counted
from . import Context, friendly
from .output import table


@click.group()
def person() -> None:
    """Everything held about a person, or erasing it everywhere (access and erasure requests)."""


@person.command("show")
@click.argument("email_or_phone")
@click.option("--json", "as_json", is_flag=True, help="The full record as JSON (to hand to the person).")
@click.pass_obj
@friendly
def person_show(obj: Context, email_or_phone: str, as_json: bool) -> None:
    """Everything the store holds about the person with this email or phone: contact, accounts, history."""
    with obj.store() as store:
        found = people.show_person(store, people.find_person(store, obj.settings, email_or_phone))
    if as_json:
        click.echo(json.dumps([asdict(r) for r in found], indent=2, ensure_ascii=False, default=str))
        return
    if not found:
        click.echo("nobody with that email or phone in the store")
        return
    for r in found:
        state = f"deleted {r.deleted_at}" if r.deleted_at else "active"
        click.echo(f"contact {r.contact_id} in book {r.book} ({state})")
        table(
            "  held in the store",
            ["field", "value"],
            [(k, json.dumps(v, ensure_ascii=False)) for k, v in sorted(r.contact.items())],
        )
        table("  on accounts", ["account", "item"], [(a["account"], a["remote_id"]) for a in r.accounts])
        table(
            "  history",
            # the note says why: a field an account could not hold ("not-carried"), a conflict's rule
            ["at", "action", "account", "field", "note"],
            [(h["at"], h["action"], h["account"] or "", h["field"] or "", h.get("note") or "") for h in r.journal],
        )
        trims = sorted({(h["account"] or "", h["field"] or "") for h in r.journal if h["action"] == "not-carried"})
        if trims:
            held_less = ", ".join(f"{account}: {name}" for account, name in trims)
            click.echo(f"  not carried to every account (they cannot hold it): {held_less}")
        left = sorted({(h["account"] or "", h["field"] or "") for h in r.journal if h["action"] == "left-on-account"})
        if left:
            on_one = ", ".join(f"{account}: {name}" for account, name in left)
            click.echo(f"  held on one account only, not carried to the others: {on_one}")
        if r.conflicts or r.owed_writes:
            click.echo(
                f"  {counted(len(r.conflicts), 'conflict')}, {counted(len(r.owed_writes), 'write')} owed "
                "(--json shows them)"
            )


@person.command("erase")
@click.argument("email_or_phone")
@click.option("--yes", is_flag=True, help="Do it without asking (scripts).")
@click.pass_obj
@friendly
def person_erase(obj: Context, email_or_phone: str, yes: bool) -> None:
    """Erase the person from the store and every account; keep only a tombstone without personal data."""
    with obj.store() as store:
        ids = people.find_person(store, obj.settings, email_or_phone)
        if not ids:
            click.echo("nobody with that email or phone in the store")
            return
        if not yes:
            click.confirm(f"erase {len(ids)} contact(s) everywhere? This cannot be undone", abort=True)
        books = people.erase_person(store, obj.settings, ids)
    click.echo(
        f"erased {len(ids)} contact(s) in book(s) {', '.join(sorted(set(books)))}; the next sync deletes "
        "them on every account"
    )
