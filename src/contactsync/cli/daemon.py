"""``contactsync run``: the daemon, as systemd starts it (see ``systemd/contactsync.service``)."""

from __future__ import annotations

import sys
from dataclasses import replace

import click

from ..config import load_settings
from ..daemon import CircuitPolicy, Daemon, DaemonOptions
from ..daemon.limits import DEFAULT_RATES
from ..daemon.metrics import parse_listen
from ..errors import StoreLocked
from ..settings import Settings


def _rates(given: tuple[str, ...]) -> dict[str, tuple[float, int]]:
    rates = dict(DEFAULT_RATES)
    for item in given:
        kind, sep, value = item.partition("=")
        try:
            per_second = float(value)
        except ValueError:
            per_second = -1.0
        if not sep or not kind:
            raise click.BadParameter(f"{item!r}: write TYPE=CALLS_PER_SECOND, e.g. google=1.5 (0: no limit)",
                                     param_hint="--rate-limit")
        if per_second == 0:
            rates.pop(kind, None)
        elif per_second > 0:
            rates[kind] = (per_second, max(1, int(per_second * 5)))
        else:
            raise click.BadParameter(f"{item!r}: the rate must be a number of calls per second",
                                     param_hint="--rate-limit")
    return rates


@click.command()
@click.option("--instance-id", envvar="CONTACTSYNC_INSTANCE", default=None,
              help="This instance's name in leases and logs (default: host:pid). Must differ between instances "
                   "sharing a store.")
@click.option("--jitter", "jitter_s", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="Spread each run up to this many seconds after its slot (at most a quarter of an interval).")
@click.option("--lease", "lease_s", type=click.FloatRange(min=1), default=120.0, show_default=True,
              help="Seconds a book's lease lasts unless renewed: how soon another instance takes over the books "
                   "of one that died.")
@click.option("--workers", type=click.IntRange(min=0), default=0,
              help="Books run at once (default: 1 on SQLite, 4 on PostgreSQL).")
@click.option("--pause-after", "threshold", type=click.IntRange(min=1), default=5, show_default=True,
              help="Failed runs in a row after which an account is paused (circuit breaker).")
@click.option("--pause", "pause_s", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="First pause in seconds; it doubles while the account keeps failing, up to 6 hours.")
@click.option("--rate-limit", "rates", multiple=True, metavar="TYPE=PER_SECOND",
              help="Connector calls per second per account of a type (defaults: "
                   + ", ".join(f"{k}={v[0]:g}" for k, v in DEFAULT_RATES.items()) + "; 0 turns it off).")
@click.option("--metrics", "metrics_listen", envvar="CONTACTSYNC_METRICS", default=None, metavar="[HOST:]PORT",
              help="Serve Prometheus metrics here (a bare port listens on 127.0.0.1 only).")
@click.option("--stop-timeout", "stop_timeout_s", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="After SIGTERM, seconds to wait for runs to reach a batch boundary.")
@click.pass_obj
def run(obj: object, instance_id: str | None, jitter_s: float, lease_s: float, workers: int, threshold: int,
        pause_s: float, rates: tuple[str, ...], metrics_listen: str | None, stop_timeout_s: float) -> None:
    """Run every book on its schedule until stopped (SIGTERM); SIGHUP reloads the configuration.

    Speaks systemd's notify protocol (Type=notify, WatchdogSec=). Several instances may share a PostgreSQL
    store (each book runs under a lease); a SQLite store takes one daemon."""
    from . import Context, friendly, setup_logging

    assert isinstance(obj, Context)
    if metrics_listen:
        try:
            parse_listen(metrics_listen)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--metrics") from None
    options = DaemonOptions(jitter_s=jitter_s, lease_s=lease_s, workers=workers,
                            circuit=CircuitPolicy(threshold=threshold, pause_s=pause_s),
                            rates=_rates(rates), metrics_listen=metrics_listen, stop_timeout_s=stop_timeout_s)
    if instance_id:
        options = replace(options, instance=instance_id)

    def on_settings(settings: Settings) -> None:
        setup_logging(settings.log_format, settings.log_level, obj.verbose)

    @friendly
    def start() -> int:
        settings = obj.settings  # validated and logging set up; errors become advice and exit code 2
        daemon = Daemon(settings, options, load=lambda: load_settings(obj.config_path), on_settings=on_settings)
        try:
            return daemon.serve()
        except StoreLocked as exc:
            click.echo(f"contactsync: {exc}", err=True)
            # 2, not 1: a configuration matter, and the systemd unit does not restart on it
            return 2

    sys.exit(start())
