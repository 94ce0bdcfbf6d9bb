"""The optional Prometheus endpoint (``daemon.metrics_listen`` or ``contactsync run --metrics 127.0.0.1:9464``).

Loopback by default: the figures name accounts and tags, which an organisation may not want on its network.
prometheus-client is imported only when the endpoint is asked for. Labels carry account, book and tag names,
never a contact's data.

Bounded label cardinality: a book template gives a book per person, thousands of them, and a label value per
person would make thousands of series per metric (and name people). So the books of a template count under
one ``book`` label, ``template:<name>``, and their accounts under ``<template>:<account pattern>`` (e.g.
``staff:google-{user}``): counters add up, gauges are summed (``contactsync_circuit_open`` and
``contactsync_brake_engaged`` become how many of the template's accounts are paused or braked).
``daemon.metrics_per_person: true`` keeps one label per book and account instead. ``contactsync status
--template NAME`` says which person's book it is.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Final

from ..config.checks import parse_listen
from ..engine.report import RunReport
from ..logs import pseudonymize
from .records import CircuitState, Health, TagCheck

log = logging.getLogger("contactsync.daemon")

#: the label of every book or account the store still has rows of and the running configuration does not name
UNCONFIGURED: Final = "(not in the configuration)"


class Metrics:
    def __init__(self, listen: str, *, per_person: bool = False) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

        #: book → its label and account → its label, for the books of templates (see the module's docstring);
        #: replaced by the daemon whenever its set of books changes
        self.book_labels: Mapping[str, str] = {}
        self.account_labels: Mapping[str, str] = {}
        #: ``daemon.metrics_per_person``: a name no label covers is shown as it is, not by its pseudonym
        self.per_person = per_person
        #: the book and account names the configuration file itself writes, shown as they are; a name no label
        #: covers that is none of these nor a registered pseudonym's is shown as :data:`UNCONFIGURED`. None (the
        #: daemon has not said yet): every such name by its pseudonym, as log lines show it
        self.own_names: frozenset[str] | None = None

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
        self.budget_wait = Counter(
            "contactsync_budget_wait_seconds",
            "Seconds an account's calls waited for the daemon's in-flight budget of their server or app "
            "(daemon.max_in_flight): other books' calls held every slot.",
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

    def _book(self, name: str) -> str:
        label = self.book_labels.get(name)
        return label if label is not None else self._unlabelled(name)

    def _account(self, name: str) -> str:
        label = self.account_labels.get(name)
        return label if label is not None else self._unlabelled(name)

    def _unlabelled(self, name: str) -> str:
        """A name no template's label covers: a file's own book or account as it is, and a retired or renamed
        person's (the store keeps their rows) as log lines show it, by its pseudonym, unless
        ``daemon.metrics_per_person`` asks for one label per person. A name that is neither (the store's rows of a
        book renamed before this process started, of a template no longer in the file: such a name may hold a
        person's sign-in name, and nothing registered its pseudonym) counts under :data:`UNCONFIGURED`: a label
        must never carry a raw login."""
        if self.per_person:
            return name
        shown = pseudonymize(name)
        if shown != name or self.own_names is None or name in self.own_names:
            return shown
        return UNCONFIGURED

    def record_run(self, report: RunReport, requests: Mapping[str, int] | None = None) -> None:
        book = self._book(report.book)
        self.runs.labels(book, report.result.value).inc()
        self.duration.labels(book).observe(report.duration_s)
        for rep in report.accounts.values():
            account = self._account(rep.account)
            for kind, n in (("create", rep.created), ("update", rep.updated), ("delete", rep.deleted)):
                if n:
                    self.writes.labels(account, kind).inc(n)
            if account == rep.account:  # a template's accounts: summed from the store by record_state
                self.brake.labels(account).set(1 if rep.brake else 0)

    def call(self, account: str, status: str) -> None:
        self.requests.labels(self._account(account), status).inc()

    def waited(self, account: str, seconds: float) -> None:
        if seconds:
            self.throttle.labels(self._account(account)).inc(seconds)

    def budget_waited(self, account: str, seconds: float) -> None:
        if seconds:
            self.budget_wait.labels(self._account(account)).inc(seconds)

    def record_state(
        self,
        health: Mapping[str, Health],
        checks: list[TagCheck],
        contacts: Mapping[str, int],
        pending: Mapping[str, int],
        conflicts: Mapping[str, int],
        braked: Mapping[str, bool] | None = None,
    ) -> None:
        """Set every gauge; the accounts and books of a template are summed under its labels."""
        circuit: dict[str, int] = {}
        for account, h in health.items():
            label = self._account(account)
            circuit[label] = circuit.get(label, 0) + (h.circuit is CircuitState.OPEN)
        for label, n in circuit.items():
            self.circuit.labels(label).set(n)
        brakes: dict[str, int] = {}
        for account, on in (braked or {}).items():
            label = self._account(account)
            if label != account:
                brakes[label] = brakes.get(label, 0) + on
        for label, n in brakes.items():
            self.brake.labels(label).set(n)
        mismatched: dict[str, int] = {}
        platform: dict[tuple[str, str], int] = {}
        stored: dict[tuple[str, str], int] = {}
        for c in checks:
            label = self._account(c.account)
            key = (label, c.tag_name)
            platform[key] = platform.get(key, 0) + (c.platform_count or 0)
            stored[key] = stored.get(key, 0) + c.store_count
            mismatched[label] = mismatched.get(label, 0) + (c.verdict.value == "mismatch")
        for key, n in platform.items():
            self.tag_platform.labels(*key).set(n)
        for key, n in stored.items():
            self.tag_store.labels(*key).set(n)
        for label, n in mismatched.items():
            self.tag_mismatches.labels(label).set(n)
        for gauge, values in ((self.contacts, contacts), (self.pending, pending)):
            summed: dict[str, int] = {}
            for account, n in values.items():
                label = self._account(account)
                summed[label] = summed.get(label, 0) + n
            for label, n in summed.items():
                gauge.labels(label).set(n)
        by_book: dict[str, int] = {}
        for book, n in conflicts.items():
            label = self._book(book)
            by_book[label] = by_book.get(label, 0) + n
        for label, n in by_book.items():
            self.conflicts.labels(label).set(n)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __repr__(self) -> str:
        return f"Metrics({self.address[0]}:{self.address[1]})"


__all__ = ["UNCONFIGURED", "Metrics", "parse_listen"]
