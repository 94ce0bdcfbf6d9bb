"""``contactsync distribute [NAME…]``: run distributions once now (the daemon runs them on their schedules).

Exit codes: 0 every target is at the current revision; 3 the source could not be read, or a target failed or kept
writes for later; 4 the brake held people who left the source (``--allow-deletes`` lets them go).
"""

from __future__ import annotations

import json
import sys
from functools import partial
from typing import Any

import click

from ..admin import build_connectors
from ..connector import Connector
from ..distribution import CycleReport, distributor_for
from ..distribution.run import Connect
from ..settings import AccountSettings, BookSettings, Settings
from ..store.distribution import CARRIED_WHOLE
from . import Context, friendly
from .distribution_status import not_carried_said, source_shown


def _connect(account: AccountSettings, book: BookSettings) -> Connector:
    return build_connectors(BookSettings(book.name, (account,), default_region=book.default_region))[account.name]


def _concurrent(settings: Settings, name: str, dialect: str) -> tuple[int, Connect]:
    """How many targets of distribution ``name`` run at once, and a ``connect`` whose connectors hold a slot of
    one per-platform budget per call, as the daemon's do (``daemon.workers``, ``daemon.max_in_flight``)."""
    from ..daemon.budget import InFlightBudget, budget_key, default_workers, limit_for
    from ..daemon.limits import GuardedConnector
    from ..distribution import accounts_of

    overrides = settings.daemon.max_in_flight
    dist = next(d for d in settings.distributions if d.name == name)
    accounts = accounts_of(settings, dist)
    keys = {budget_key(accounts[t.account][0]) for t in dist.targets if t.account in accounts}
    workers = settings.daemon.workers or default_workers(dialect, {k: limit_for(k.platform, overrides) for k in keys})
    budget = InFlightBudget(lambda key: limit_for(key.platform, overrides))

    def connect(account: AccountSettings, book: BookSettings) -> Connector:
        return GuardedConnector(_connect(account, book), None, slot=partial(budget.slot, budget_key(account)))

    return workers, connect


def _as_dict(name: str, source: str, report: CycleReport) -> dict[str, Any]:
    plan = report.plan
    return {
        "distribution": name,
        "source": source,
        # why the source could not be read (None: it was, or another daemon planned this slot)
        "source_error": report.source_error,
        "plan": None
        if plan is None
        else {
            "revision": plan.revision,
            "joined": plan.joined,
            "changed": plan.changed,
            "left": plan.left,
            "held": plan.held,
            "brake": plan.brake_reason,
        },
        "targets": [
            {
                "account": t.account,
                "revision": t.revision,
                "created": t.created,
                "updated": t.updated,
                "deleted": t.deleted,
                "failed": t.failed,
                "tags": t.tag_verdict.value if t.tag_verdict else None,
                "error": t.error,
                # what the writes of this run could not carry, per "field: reason": how many contacts
                "not_carried": {f"{c.field}: {c.reason}": c.contacts for c in t.not_carried},
                "not_carried_contacts": t.not_carried_contacts,
            }
            for t in report.targets
        ],
        "left_for_later": report.left,
    }


@click.command("distribute")
@click.argument("names", nargs=-1)
@click.option("--allow-deletes", is_flag=True, help="Let people the brake held back leave every target now.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON (for scripts).")
@click.option("--status", "status_only", is_flag=True, help="Only show where each distribution stands; run nothing.")
@click.pass_obj
@friendly
def distribute(obj: Context, names: tuple[str, ...], allow_deletes: bool, as_json: bool, status_only: bool) -> None:
    """Run the distributions NAMEs (default: all) once now: read the source, bring every target up to date.

    Exit codes: 0 done; 3 the source could not be read, or a target failed or was held by a daemon past the wait;
    4 the brake held back people who left the source (run again with --allow-deletes once you checked). With
    --status, the same codes say what the last cycles left: 3 the source unread or a target behind or failed, 4
    the brake on."""
    # here, not at the top: this module is imported by the package that defines them
    from ..daemon.service import default_instance
    from . import EXIT_BRAKE, EXIT_OK, EXIT_PARTIAL
    from .templates import with_expanded_books

    # targets a book template gives: one per person with a book, as the store holds them
    settings = with_expanded_books(obj.settings)
    chosen = names or tuple(d.name for d in settings.distributions)
    if status_only:
        _status(obj, chosen, as_json)
    code = EXIT_OK
    out: list[dict[str, Any]] = []
    reports: list[CycleReport] = []
    known = {d.name for d in settings.distributions}
    with obj.store() as store:
        for name in chosen:
            workers, connect = _concurrent(settings, name, store.dialect) if name in known else (1, _connect)
            dist = distributor_for(settings, name, connect, store)
            report = dist.run_cycle(
                f"distribute:{default_instance()}",
                settings.daemon.lease_seconds,
                next_due=None,
                allow_deletes=allow_deletes,
                give_up_s=settings.daemon.sync_wait_seconds,
                one_off=True,
                workers=workers,
            )
            out.append(_as_dict(name, dist.settings.source, report))
            reports.append(report)
            if report.plan is not None and report.plan.held:
                code = max(code, EXIT_BRAKE)
            if report.source_error is not None or report.left or any(not t.ok for t in report.targets):
                code = max(code, EXIT_PARTIAL) if code != EXIT_BRAKE else code
    if as_json:
        click.echo(json.dumps({"distributions": out, "exit_code": code}, indent=2))
    else:
        for d, report in zip(out, reports, strict=True):
            plan = d["plan"]
            if plan is not None:
                click.echo(
                    f"{d['distribution']}: revision {plan['revision']}: {plan['joined']} joined, "
                    f"{plan['changed']} changed, {plan['left']} left"
                    + (f"; brake: {plan['brake']} (--allow-deletes lets them go)" if plan["brake"] else "")
                )
            if d["source_error"] is not None:
                click.echo(
                    f"{d['distribution']}: the source {d['source']} could not be read: {d['source_error']}; "
                    "its targets were listed and kept as they were"
                )
            for t, ran in zip(d["targets"], report.targets, strict=True):
                status = f"error: {t['error']}" if t["error"] else f"{t['failed']} failed" if t["failed"] else "ok"
                note = not_carried_said(ran.tally)
                click.echo(
                    f"  {t['account']}: {t['created']} created, {t['updated']} updated, {t['deleted']} deleted "
                    f"({status})" + (f"; {note}" if note else "")
                )
            for account in d["left_for_later"]:
                click.echo(f"  {account}: held by a running daemon; it finishes it")
    sys.exit(code)


def _status(obj: Context, names: tuple[str, ...], as_json: bool) -> None:
    """Print each distribution's revision, brake and targets from the store; exits with the code it implies."""
    from . import EXIT_BRAKE, EXIT_OK, EXIT_PARTIAL
    from .templates import with_expanded_books

    settings = with_expanded_books(obj.settings)
    code = EXIT_OK
    out: list[dict[str, Any]] = []
    with obj.store() as store:
        for name in names:
            dist = distributor_for(settings, name, _connect, store)  # NotFound for an unknown name
            state = store.distribution_state(name)
            held = store.target_summary(name)
            states = store.target_states(name)
            read = store.source_read(name)
            if read.failing:
                code = max(code, EXIT_PARTIAL) if code != EXIT_BRAKE else code
            targets = []
            for target in dist.settings.targets:
                ts = states.get(target.account)
                behind = ts is None or ts.revision < state.revision
                if behind or (ts is not None and ts.last_result not in ("ok", None)):
                    code = max(code, EXIT_PARTIAL) if code != EXIT_BRAKE else code
                not_carried = ts.not_carried if ts else CARRIED_WHOLE
                targets.append(
                    {
                        "account": target.account,
                        "revision": ts.revision if ts else 0,
                        "behind": behind,
                        "contacts": held.get(target.account, 0),
                        "last_run_at": ts.last_run_at.isoformat() if ts and ts.last_run_at else None,
                        "result": ts.last_result if ts else None,
                        "error": ts.last_error if ts else None,
                        # contacts its last run wrote without something it cannot hold (the journal says what)
                        "not_carried": not_carried.contacts,
                        "not_carried_note": not_carried_said(not_carried),
                    }
                )
            if state.brake_reason:
                code = EXIT_BRAKE
            out.append(
                {
                    "distribution": name,
                    "revision": state.revision,
                    "people": store.present_count(name),
                    "planned_at": state.planned_at.isoformat() if state.planned_at else None,
                    "brake": state.brake_reason,
                    "brake_since": state.brake_since.isoformat() if state.brake_since else None,
                    "source": source_shown(dist.settings.source, read),
                    "targets": targets,
                }
            )
    if as_json:
        click.echo(json.dumps({"distributions": out, "exit_code": code}, indent=2))
    else:
        for d in out:
            click.echo(
                f"{d['distribution']}: revision {d['revision']}, {d['people']} people, planned {d['planned_at']}"
            )
            if d["brake"]:
                click.echo(f"  brake since {d['brake_since']}: {d['brake']} (--allow-deletes lets them go)")
            source = d["source"]
            if source["result"] == "failed":
                click.echo(
                    f"  source {source['account']}: FAILING since {source['failing_since']} (last tried "
                    f"{source['last_read_at']}): {source['error']}"
                )
            for t in d["targets"]:
                where = "behind" if t["behind"] else "current"
                error = f"; {t['error']}" if t["error"] else ""
                note = f"; {t['not_carried_note']}" if t["not_carried_note"] else ""
                click.echo(
                    f"  {t['account']}: {t['contacts']} contacts, revision {t['revision']} ({where}), "
                    f"last {t['result'] or 'never run'}{error}{note}"
                )
    sys.exit(code)
