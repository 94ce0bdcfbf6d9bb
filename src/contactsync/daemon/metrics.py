"""The optional Prometheus endpoint (``daemon.metrics_listen`` or ``contactsync run --metrics 127.0.0.1:9464``).

Loopback by default: the figures name accounts and tags, which an organisation may not want on its network.
prometheus-client is imported only when the endpoint is asked for. Labels carry account, book and tag names,
never a contact's data.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ..config.checks import parse_listen
from ..engine.report import RunReport
from .records import CircuitState, Health, TagCheck

log = logging.getLogger("contactsync.daemon")


class Metrics:
    def __init__(self, listen: str) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

        self.registry = CollectorRegistry()
        r = self.registry
        self.runs = Counter("contactsync_runs", "Runs of a book by result.", ["book", "result"], registry=r)
        self.duration = Histogram(
            "contactsync_run_duration_seconds",
            "How long a book's run took.",
            ["book"],
            buckets=(1, 5, 15, 60, 300, 900, 3600),
            registry=r,
        )
        self.requests = Counter(
            "contactsync_requests",
            "Connector calls by account and outcome (ok, rate_limited, transient, error).",
            ["account", "status"],
            registry=r,
        )
        self.throttle = Counter(
            "contactsync_throttle_wait_seconds",
            "Seconds our own rate limiter made an account wait.",
            ["account"],
            registry=r,
        )
        self.writes = Counter("contactsync_writes", "Writes confirmed by a platform.", ["account", "kind"], registry=r)
        self.contacts = Gauge("contactsync_contacts", "Contacts linked on each account.", ["account"], registry=r)
        self.tag_platform = Gauge(
            "contactsync_tag_members_platform",
            "Members of a tag as the platform counts them.",
            ["account", "tag"],
            registry=r,
        )
        self.tag_store = Gauge(
            "contactsync_tag_members_store", "Members of a tag in the store.", ["account", "tag"], registry=r
        )
        self.tag_mismatches = Gauge(
            "contactsync_tag_mismatches",
            "Tags whose counts differ on an account for no known reason.",
            ["account"],
            registry=r,
        )
        self.conflicts = Gauge(
            "contactsync_pending_conflicts", "Conflicts waiting for the admin.", ["book"], registry=r
        )
        self.brake = Gauge(
            "contactsync_brake_engaged", "1 while the mass-delete brake holds an account.", ["account"], registry=r
        )
        self.circuit = Gauge(
            "contactsync_circuit_open", "1 while the circuit breaker pauses an account.", ["account"], registry=r
        )
        self.pending = Gauge("contactsync_pending_writes", "Writes still owed to an account.", ["account"], registry=r)
        host, port = parse_listen(listen)
        self.server, self._thread = start_http_server(port, addr=host, registry=r)
        self.address = (host, self.server.server_port)
        log.info("metrics on http://%s:%d/metrics", host, self.server.server_port)

    def record_run(self, report: RunReport, requests: Mapping[str, int] | None = None) -> None:
        self.runs.labels(report.book, report.result.value).inc()
        self.duration.labels(report.book).observe(report.duration_s)
        for rep in report.accounts.values():
            for kind, n in (("create", rep.created), ("update", rep.updated), ("delete", rep.deleted)):
                if n:
                    self.writes.labels(rep.account, kind).inc(n)
            self.brake.labels(rep.account).set(1 if rep.brake else 0)

    def call(self, account: str, status: str) -> None:
        self.requests.labels(account, status).inc()

    def waited(self, account: str, seconds: float) -> None:
        if seconds:
            self.throttle.labels(account).inc(seconds)

    def record_state(
        self,
        health: Mapping[str, Health],
        checks: list[TagCheck],
        contacts: Mapping[str, int],
        pending: Mapping[str, int],
        conflicts: Mapping[str, int],
    ) -> None:
        for account, h in health.items():
            self.circuit.labels(account).set(1 if h.circuit is CircuitState.OPEN else 0)
        mismatched: dict[str, int] = {}
        for c in checks:
            self.tag_platform.labels(c.account, c.tag_name).set(c.platform_count or 0)
            self.tag_store.labels(c.account, c.tag_name).set(c.store_count)
            mismatched[c.account] = mismatched.get(c.account, 0) + (c.verdict.value == "mismatch")
        for account, n in mismatched.items():
            self.tag_mismatches.labels(account).set(n)
        for account, n in contacts.items():
            self.contacts.labels(account).set(n)
        for account, n in pending.items():
            self.pending.labels(account).set(n)
        for book, n in conflicts.items():
            self.conflicts.labels(book).set(n)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __repr__(self) -> str:
        return f"Metrics({self.address[0]}:{self.address[1]})"


__all__ = ["Metrics", "parse_listen"]
