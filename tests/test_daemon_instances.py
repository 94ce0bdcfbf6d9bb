"""Three ``contactsync run`` processes sharing one PostgreSQL store: every book run once per slot, no write made
twice, and the books of an instance killed mid-run finished by the others once its leases expire.

Leases are per book (an engine run reconciles all of a book's accounts together), so the accounts here are
spread over many two-account books: 24 books × 2 vdir accounts = 48 accounts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.store import Store
from contactsync.store import schema as t
from tests.daemon_support import DaemonProcess, books_yaml, make_book, people, wait_for

pytestmark = pytest.mark.postgres


def _runs(store: Store) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        return [(r.book, r.status) for r in conn.execute(sa.select(t.runs.c.book, t.runs.c.status)
                                                         .order_by(t.runs.c.id))]


def _creates(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {str(a): int(n) for a, n in conn.execute(
            sa.select(t.journal.c.account, sa.func.count()).where(t.journal.c.action == "push-create")
            .group_by(t.journal.c.account))}


def _start(tmp_path: Path, config: Path, name: str, *extra: str) -> DaemonProcess:
    return DaemonProcess(["-c", str(config), "run", "--jitter", "0", "--instance-id", name, *extra],
                         tmp_path / f"{name}.log")


def test_three_instances_run_every_book_exactly_once_per_slot(tmp_path: Path, pg_url: str) -> None:
    books = [f"b{i:02d}" for i in range(24)]
    for b in books:
        make_book(tmp_path, b, 20)
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: '{pg_url}'}}\n" + books_yaml(tmp_path, books, schedule="every 1h"))
    with Store.open(pg_url) as store:
        daemons = [_start(tmp_path, config, f"inst{i}", "--workers", "2") for i in range(3)]
        try:
            wait_for("every book run", lambda: len([r for r in _runs(store) if r[1] != "running"]) >= len(books),
                     timeout=120, every=0.2)
            assert all(d.proc.poll() is None for d in daemons)
        finally:
            codes = [d.stop() for d in daemons]
        assert codes == [0, 0, 0]
        runs = _runs(store)
        assert sorted(b for b, _ in runs) == books  # one run per book in this slot, none twice
        assert {s for _, s in runs} == {"ok"}
        assert _creates(store) == {f"{b}-dst": 20 for b in books}  # no write made twice
        with store.engine.connect() as conn:
            owners = {str(o) for (o,) in conn.execute(sa.select(t.daemon_leases.c.last_owner))}
        assert owners <= {"inst0", "inst1", "inst2"}
    for b in books:
        assert people(tmp_path / b / "dst") == sorted(f"pc{i}@example.org" for i in range(20))


def test_the_books_of_an_instance_killed_mid_run_are_finished_elsewhere(tmp_path: Path, pg_url: str) -> None:
    books = [f"big{i}" for i in range(3)]
    count = 800
    for b in books:
        make_book(tmp_path, b, count)
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {{url: '{pg_url}'}}\n" + books_yaml(tmp_path, books, schedule="every 1h"))
    with Store.open(pg_url) as store:
        victim = _start(tmp_path, config, "victim", "--workers", "1", "--lease", "3")

        def victim_writing() -> str | None:
            with store.engine.connect() as conn:
                row = conn.execute(sa.select(t.daemon_leases.c.book).where(
                    t.daemon_leases.c.owner == "victim")).first()
                pushed = conn.execute(sa.select(sa.func.count()).select_from(t.journal).where(
                    t.journal.c.action.like("push-%"))).scalar_one()
            return str(row[0]) if row is not None and pushed else None

        try:
            killed_book = wait_for("the victim in the middle of a run", victim_writing, timeout=120, every=0.02)
        finally:
            victim.kill()
        others = [_start(tmp_path, config, f"inst{i}", "--workers", "1", "--lease", "3") for i in range(2)]
        try:
            def all_done() -> bool:
                done = {b for b, s in _runs(store) if s == "ok"}
                return done == set(books)

            wait_for("every book finished by the survivors", all_done, timeout=180, every=0.2)
            assert "its lease expired (held by victim); taking it over" in "".join(d.output() for d in others)
        finally:
            codes = [d.stop() for d in others]
        assert codes == [0, 0]
        runs = _runs(store)
        for b in books:
            statuses = [s for book, s in runs if book == b]
            assert statuses == (["abandoned", "ok"] if b == killed_book else ["ok"]), (b, statuses)
    for b in books:
        # the killed run's writes were adopted by their markers, not made again
        assert people(tmp_path / b / "dst") == sorted(f"pc{i}@example.org" for i in range(count))
