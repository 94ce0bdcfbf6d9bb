"""``contactsync run``: the daemon, as systemd starts it (see ``systemd/contactsync.service``).

Every option but ``--instance-id`` has a key in the configuration's ``daemon:`` section; an option given on the
command line wins over the key (so a unit file's drop-in can still change one setting for one machine).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import click

from ..config import load_settings
from ..config.checks import parse_listen
from ..daemon import CircuitPolicy, Daemon, DaemonOptions
from ..daemon.service import rates_with
from ..errors import StoreLocked
from ..settings import Settings


def _rates(given: tuple[str, ...]) -> dict[str, float]:
    rates: dict[str, float] = {}
    for item in given:
        kind, sep, value = item.partition("=")
        try:
            per_second = float(value)
        except ValueError:
            per_second = -1.0
        if not sep or not kind:
            raise click.BadParameter(
                f"{item!r}: write TYPE=CALLS_PER_SECOND, e.g. google=1.5 (0: no limit)", param_hint="--rate-limit"
            )
        if per_second < 0:
            raise click.BadParameter(
                f"{item!r}: the rate must be a number of calls per second", param_hint="--rate-limit"
            )
        rates[kind] = per_second
    return rates


def options_for(
    settings: Settings,
    *,
    instance_id: str | None = None,
    jitter_s: float | None = None,
    lease_s: float | None = None,
    workers: int | None = None,
    threshold: int | None = None,
    pause_s: float | None = None,
    rates: Mapping[str, float] | None = None,
    metrics_listen: str | None = None,
    stop_timeout_s: float | None = None,
) -> DaemonOptions:
    """The configuration's ``daemon:`` section with each option given on the command line laid over it."""
    options = DaemonOptions.from_settings(settings.daemon)
    given: dict[str, Any] = {
        "jitter_s": jitter_s,
        "lease_s": lease_s,
        "workers": workers,
        "metrics_listen": metrics_listen or None,
        "stop_timeout_s": stop_timeout_s,
        "instance": instance_id or None,
    }
    options = replace(options, **{k: v for k, v in given.items() if v is not None})
    if threshold is not None or pause_s is not None:
        circuit = options.circuit
        options = replace(
            options,
            circuit=CircuitPolicy(
                threshold=circuit.threshold if threshold is None else threshold,
                pause_s=circuit.pause_s if pause_s is None else pause_s,
                max_pause_s=max(circuit.max_pause_s, circuit.pause_s if pause_s is None else pause_s),
            ),
        )
    if rates:
        options = replace(options, rates=rates_with(options.rates, rates))
    return options


@click.command()
@click.option(
    "--instance-id",
    envvar="CONTACTSYNC_INSTANCE",
    default=None,
    help="This instance's name in leases and logs (default: host:pid). Must differ between instances sharing a store.",
)
@click.option(
    "--jitter",
    "jitter_s",
    type=click.FloatRange(min=0),
    default=None,
    help="Spread each run up to this many seconds after its slot, at most a quarter of an interval "
    "(daemon.jitter_seconds, 30 by default).",
)
@click.option(
    "--lease",
    "lease_s",
    type=click.FloatRange(min=1),
    default=None,
    help="Seconds a run's lease on its book and accounts lasts unless renewed: how soon another "
    "instance takes over the books of one that died (daemon.lease_seconds, 120 by default).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Books run at once (daemon.workers, 0 by default); 0: one on SQLite, on PostgreSQL twice the "
    "max_in_flight budgets of the servers in use, 4 to 12.",
)
@click.option(
    "--pause-after",
    "threshold",
    type=click.IntRange(min=1),
    default=None,
    help="Failed runs in a row after which an account is paused, the circuit breaker "
    "(daemon.pause_after_failures, 5 by default).",
)
@click.option(
    "--pause",
    "pause_s",
    type=click.FloatRange(min=1),
    default=None,
    help="First pause in seconds; it doubles while the account keeps failing, up to "
    "daemon.max_pause_seconds (daemon.pause_seconds, 300 by default).",
)
@click.option(
    "--rate-limit",
    "rates",
    multiple=True,
    metavar="TYPE=PER_SECOND",
    help="Connector calls per second per account of a type, over daemon.rate_limits and the type's built-in "
    "rate (from its platform's published quota; 0 turns it off).",
)
@click.option(
    "--metrics",
    "metrics_listen",
    envvar="CONTACTSYNC_METRICS",
    default=None,
    metavar="[HOST:]PORT",
    help="Serve Prometheus metrics here; a bare port listens on 127.0.0.1 only (daemon.metrics_listen).",
)
@click.option(
    "--stop-timeout",
    "stop_timeout_s",
    type=click.FloatRange(min=0),
    default=None,
    help="After SIGTERM, seconds to wait for runs and distribution cycles to reach a batch boundary and "
    "template expansions to stop; past it the daemon exits 1 (daemon.stop_timeout_seconds, 60 by default).",
)
@click.pass_obj
def run(
    obj: object,
    instance_id: str | None,
    jitter_s: float | None,
    lease_s: float | None,
    workers: int | None,
    threshold: int | None,
    pause_s: float | None,
    rates: tuple[str, ...],
    metrics_listen: str | None,
    stop_timeout_s: float | None,
) -> None:
    """Run every book on its schedule until stopped (SIGTERM); SIGHUP reloads the configuration.

    Settings come from the configuration's `daemon:` section; an option given here overrides its key. Speaks
    systemd's notify protocol (Type=notify, WatchdogSec=). Several instances may share a PostgreSQL store (each
    run leases its book and the book's accounts); a SQLite store takes one daemon."""
    from ..logs import setup_logging
    from . import Context, collector, daemon_fault_advice, friendly, say_unreadable_secrets, unreadable_secrets

    assert isinstance(obj, Context)
    if metrics_listen:
        try:
            parse_listen(metrics_listen)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--metrics") from None
    parsed_rates = _rates(rates)  # refused before the configuration is read, like every bad option

    warned: list[str] = []
    said_unreadable: list[str] = []

    def on_settings(settings: Settings) -> None:
        setup_logging(settings.log_format, settings.log_level, obj.verbose, personal_data=settings.log_personal_data)
        from ..config.checks import personal_name_warnings  # what `config check` warns about

        # said as the daemon starts, and again only when they change (a reload that edits the templates): this runs
        # at every template expansion too (every 15 minutes by default), which would repeat them all day
        warnings = personal_name_warnings(settings)
        # an account whose secret cannot be read fails alone (its runs say why in `status`); said as an error
        said_unreadable[:] = say_unreadable_secrets(settings, said_unreadable)
        if warnings != warned:
            for warning in warnings:
                if warning not in warned:
                    logging.getLogger("contactsync.config").warning("%s", warning)
            warned[:] = warnings

    @friendly
    def start() -> int:
        # validated and logging set up; errors become advice and exit code 2; an account whose secret cannot be
        # read fails alone, said now and again by on_settings when a reload changes what is said
        settings = obj.load(for_runs=True)
        said_unreadable[:] = unreadable_secrets(settings)
        options = options_for(
            settings,
            instance_id=instance_id,
            jitter_s=jitter_s,
            lease_s=lease_s,
            workers=workers,
            threshold=threshold,
            pause_s=pause_s,
            rates=parsed_rates,
            metrics_listen=metrics_listen,
            stop_timeout_s=stop_timeout_s,
        )
        daemon = Daemon(
            settings,
            options,
            load=lambda: load_settings(obj.config_path, defer_unreadable_secrets=True),
            on_settings=on_settings,
            explain_failure=lambda exc: daemon_fault_advice(exc, obj.store_where()),
        )
        collector.resume()  # for as long as it serves, the collector runs (#18)
        try:
            return daemon.serve(exiting=True)  # signals after its shutdown do not change its exit code
        except StoreLocked as exc:
            click.echo(f"contactsync: {exc}", err=True)
            # 2, not 1: a configuration matter, and the systemd unit does not restart on it
            return 2

    sys.exit(start())
