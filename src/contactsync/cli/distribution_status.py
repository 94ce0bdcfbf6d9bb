"""The distributions in ``contactsync status`` (issue #17): one line per distribution (its state, how many targets
are ok, failing and behind, when a target last ran), the failing ones first, then a source that could not be read
and its failing targets by name. ``contactsync distribute --status NAME`` shows every target of one distribution.

Read from the store only, as ``status`` reads everything: no directory or platform is asked. The targets are
those the configuration lists, and a book template's target account of each person whose book the store holds
as active (a target taken out of the configuration is no longer shown).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import click

from ..settings import Settings
from ..store import Store
from ..store.distribution import NotCarriedTally, SourceRead
from ..wording import counted

#: failing targets named under their distribution; more are counted (``distribute --status`` lists them all)
SHOWN_FAILING = 10


class DistributionHealth(enum.Enum):
    """From most to least serious, the order ``status`` lists distributions in."""

    FAILING = "failing"  # the source's last read failed, or a target's last run failed or left writes refused
    BRAKE = "brake"  # people who left are held in every target until an admin allows it
    BEHIND = "behind"  # a target is not at the current revision yet (never run, or the cycle is under way)
    OK = "ok"


_ORDER = {h.value: i for i, h in enumerate(DistributionHealth)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def source_shown(account: str, read: SourceRead) -> dict[str, Any]:
    """The source's last read as ``distribute --status`` and ``status`` give it (``result`` None: not read yet)."""
    return {
        "account": account,
        "result": None if not read.tried else "failed" if read.failing else "ok",
        "error": read.error,
        "last_read_at": _iso(read.tried_at),
        "failing_since": _iso(read.failing_since),
    }


def not_carried_said(tally: NotCarriedTally) -> str | None:
    """What a target run wrote without, in the words ``distribute`` and ``distribute --status`` show; None when it
    carried everything."""
    if not tally.contacts:
        return None
    reasons = "; ".join(
        f"{c.contacts} without their {c.field} ({c.reason})" if c.reason else f"{c.contacts} without their {c.field}"
        for c in tally.counts
    )
    return f"not carried: {counted(tally.contacts, 'contact')} written without all the source holds: {reasons}"


def overview(store: Store, settings: Settings) -> list[dict[str, Any]]:
    """Per distribution of the configuration: its state, people, revision, brake, target counts and its failing
    and behind targets; the failing distributions first."""
    out: list[dict[str, Any]] = []
    for d in settings.distributions:
        state = store.distribution_state(d.name)
        states = store.target_states(d.name)
        read = store.source_read(d.name)
        accounts = list(dict.fromkeys(t.account for t in d.targets))
        failing: list[dict[str, Any]] = []
        behind: list[str] = []
        ok = 0
        not_carried = 0
        last: datetime | None = None
        for account in accounts:
            ts = states.get(account)
            if ts is not None and ts.last_run_at is not None and (last is None or ts.last_run_at > last):
                last = ts.last_run_at
            not_carried += ts.not_carried.contacts if ts is not None else 0
            if ts is not None and ts.last_result in ("failed", "partial"):
                failing.append({"account": account, "result": ts.last_result, "error": ts.last_error})
            elif ts is None or ts.revision < state.revision or ts.last_run_at is None:
                behind.append(account)
            else:
                ok += 1
        health = (
            DistributionHealth.FAILING
            if failing or read.failing
            else DistributionHealth.BRAKE
            if state.brake_reason
            else DistributionHealth.BEHIND
            if behind or state.planned_at is None
            else DistributionHealth.OK
        )
        out.append(
            {
                "distribution": d.name,
                "state": health.value,
                "people": store.present_count(d.name),
                "revision": state.revision,
                "planned_at": _iso(state.planned_at),
                "brake": state.brake_reason,
                "brake_since": _iso(state.brake_since),
                "targets": len(accounts),
                "targets_ok": ok,
                "targets_failing": len(failing),
                "targets_behind": len(behind),
                "last_run_at": _iso(last),
                "failing": failing,
                "behind": behind,
                "source": source_shown(d.source, read),
                # contacts the targets' last runs wrote without something the target cannot hold
                "not_carried": not_carried,
            }
        )
    return sorted(out, key=lambda row: _ORDER[row["state"]])


def exit_code(rows: Sequence[dict[str, Any]]) -> int:
    """status's code for the distributions: 4 a brake holds, 3 the source unread or a target failed, 5 a target
    behind, else 0."""
    from . import EXIT_ATTENTION, EXIT_BRAKE, EXIT_OK, EXIT_PARTIAL

    states = {row["state"] for row in rows}
    if DistributionHealth.BRAKE.value in states or any(row["brake"] for row in rows):
        return EXIT_BRAKE
    if DistributionHealth.FAILING.value in states:
        return EXIT_PARTIAL
    if DistributionHealth.BEHIND.value in states:
        return EXIT_ATTENTION
    return EXIT_OK


def show(rows: Sequence[dict[str, Any]], age: Any) -> None:
    """Print the rows; ``age`` renders a datetime as "5m ago" (status's own)."""
    for row in rows:
        last = age(datetime.fromisoformat(row["last_run_at"])) if row["last_run_at"] else "never"
        click.echo(
            f"distribution {row['distribution']}: {row['state'].upper()}; {counted(row['targets'], 'target')}: "
            f"{row['targets_ok']} ok, {row['targets_failing']} failing, {row['targets_behind']} behind; "
            f"{counted(row['people'], 'person', 'people')}, revision {row['revision']}; last target run {last}"
        )
        if row["brake"]:
            click.echo(
                f"  BRAKE since {row['brake_since']}: {row['brake']} "
                f"(contactsync distribute {row['distribution']} --allow-deletes lets them go)"
            )
        source = row["source"]
        if source["result"] == "failed":
            tried = age(datetime.fromisoformat(source["last_read_at"])) if source["last_read_at"] else "never"
            click.echo(
                f"  SOURCE FAILING since {source['failing_since']}: {source['account']} could not be read "
                f"(last tried {tried}): {source['error']}"
            )
        for f in row["failing"][:SHOWN_FAILING]:
            click.echo(f"  {f['account']:<20} {f['result']:<8} {f['error'] or ''}")
        hidden = len(row["failing"]) - SHOWN_FAILING
        if hidden > 0:
            click.echo(f"  ... and {hidden} more failing: contactsync distribute --status {row['distribution']}")
        if row["not_carried"]:
            click.echo(
                f"  note: the targets' last runs wrote {counted(row['not_carried'], 'contact')} without something "
                f"their platform cannot hold (contactsync distribute --status {row['distribution']})"
            )
