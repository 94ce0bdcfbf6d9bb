"""``contactsync doctor [ACCOUNT…]``: check the accounts against the real services before the first sync.

The checks live in :mod:`contactsync.doctor`; this module only runs them and prints: a table on a terminal,
one plain line per check in a pipe (each failure or warning followed by its ``fix:`` line), JSON with
``--json``. Exit codes: 0 every check passed or only warned, 2 the configuration does not load or an account
named is not in it, 3 some check failed (the first sync of that account would fail or lose something).
"""

from __future__ import annotations

import json
import sys
from typing import Final

import click

from .. import doctor as checks
from ..checks import CheckResult, Outcome
from ..errors import ConfigError
from . import Context, friendly
from .output import on_terminal

_STYLE: Final = {Outcome.PASS: "green", Outcome.WARN: "yellow", Outcome.FAIL: "bold red", Outcome.SKIP: "dim"}


def _who(result: CheckResult) -> str:
    return result.account or "(all)"


def _print_plain(results: list[CheckResult]) -> None:
    width = max((len(_who(r)) for r in results), default=5)
    check_width = max((len(r.check) for r in results), default=5)
    for r in results:
        click.echo(f"{r.outcome.value.upper():<4}  {_who(r):<{width}}  {r.check:<{check_width}}  {r.detail}")
        if r.fix and r.outcome in (Outcome.FAIL, Outcome.WARN):
            click.echo(f"{'':<4}  {'':<{width}}  {'':<{check_width}}  fix: {r.fix}")


def _print_table(results: list[CheckResult]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="contactsync doctor", title_justify="left", show_lines=False)
    for column in ("account", "check", "result", "detail"):
        table.add_column(column, overflow="fold")
    for r in results:
        detail = Text(r.detail)
        if r.fix and r.outcome in (Outcome.FAIL, Outcome.WARN):
            detail.append(f"\nfix: {r.fix}", style="italic")
        table.add_row(_who(r), r.check, Text(r.outcome.value.upper(), style=_STYLE[r.outcome]), detail)
    Console().print(table)


def _summary(report: checks.DoctorReport) -> str:
    warnings = report.count(Outcome.WARN)
    return (
        f"doctor: {report.count(Outcome.FAIL)} failed, {warnings} warning{'' if warnings == 1 else 's'}, "
        f"{report.count(Outcome.PASS)} passed, {report.count(Outcome.SKIP)} skipped"
    )


@click.command("doctor")
@click.argument("accounts", nargs=-1)
@click.option(
    "--write",
    is_flag=True,
    help="Also create, read back and delete one clearly named scratch contact on each account (read-only without it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print every result as JSON (for scripts).")
@click.pass_obj
@friendly
def doctor(obj: Context, accounts: tuple[str, ...], write: bool, as_json: bool) -> None:
    """Check ACCOUNTs (default: all) against the real services before the first sync.

    The configuration; the store; each account's secret files (modes), its servers (connection, TLS trust,
    clock skew), then its platform's checks: credentials, permissions or scopes, the address book or folder,
    incremental sync support. Every failure says what to fix. Read-only unless --write.

    Exit codes: 0 every check passed or only warned; 2 the configuration does not load or an ACCOUNT is not in
    it; 3 some check failed."""
    # here, not at the top: this module is imported by the package that defines them
    from . import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, collector

    collector.resume()  # every account's servers follow: the collector runs for them (#18)

    try:
        settings = obj.settings
    except ConfigError as exc:
        results = [checks.config_failed(obj.config_path, exc)]
        code = EXIT_USAGE
    else:
        from .templates import with_expanded_books

        # a book template's books as the store holds them (none before the first expansion)
        expanded = with_expanded_books(settings)
        results = [checks.config_passed(obj.config_path, settings), *checks.diagnose(expanded, accounts, write=write)]
        code = EXIT_OK
    report = checks.DoctorReport(tuple(results))
    if report.failed and code == EXIT_OK:
        code = EXIT_PARTIAL
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "exit_code": code}, indent=2))
    else:
        if on_terminal():
            _print_table(results)
        else:
            _print_plain(results)
        click.echo(_summary(report))
    sys.exit(code)
