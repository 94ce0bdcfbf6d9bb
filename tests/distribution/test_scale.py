"""One change is planned once and fanned out: the store work of a target does not grow with the directory.

Against the in-process memory platform (its change log makes a quiet listing cost nothing), so what is counted is
contactsync's own work: the SQL statements a cycle sends, for a directory of 100 and of 1,000 people. A quiet
cycle, and a cycle where one person changed, must send the same number of statements whatever the size; the
figures (statements, wall time) are printed for the notes, never asserted on time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from contactsync.connectors.memory import BACKENDS, backend
from contactsync.model import Contact, Email, EmailKind, Name
from contactsync.settings import AccountSettings, frozen_mapping
from contactsync.store import Store
from tests.distribution.support import cycle, distribution, distributor

TARGETS = 5


@contextmanager
def counted(store: Store) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)


def person(i: int, title: str = "") -> Contact:
    return Contact(name=Name(f"P{i}", "Person"), emails=(Email(f"p{i}@example.org", EmailKind.WORK),), job_title=title)


def memory_account(name: str) -> AccountSettings:
    return AccountSettings(name, "memory", options=frozen_mapping({"backend": name}))


def run_sizes(tmp_path: Path, size: int) -> tuple[int, int]:
    """(statements of a quiet cycle, statements of a one-change cycle) for a directory of ``size``."""
    prefix = f"scale{size}"
    for key in [k for k in BACKENDS if k.startswith(prefix)]:
        BACKENDS.pop(key)
    source = backend(f"{prefix}-src")
    ids = [source.user_create(person(i)) for i in range(size)]
    targets = [(memory_account(f"{prefix}-t{i}"), None) for i in range(TARGETS)]
    with Store.open(f"sqlite:///{tmp_path / f'{prefix}.db'}") as store:
        dist = distributor(store, distribution(memory_account(f"{prefix}-src"), targets))
        started = time.perf_counter()
        cycle(dist)
        first = time.perf_counter() - started
        cycle(dist)  # our own writes come back once in each target's change log
        with counted(store) as quiet:
            started = time.perf_counter()
            cycle(dist)
            quiet_s = time.perf_counter() - started
        source.user_edit(ids[size // 2], person(size // 2, "Manager"))
        with counted(store) as one:
            started = time.perf_counter()
            report = cycle(dist)
            one_s = time.perf_counter() - started
        assert [t.updated for t in report.targets] == [1] * TARGETS
        for i in range(TARGETS):
            assert len(backend(f"{prefix}-t{i}").items) == size
    print(
        f"\n{size} people x {TARGETS} targets: first cycle {first:.2f}s; quiet cycle {len(quiet)} statements "
        f"{quiet_s * 1000:.0f}ms; one change {len(one)} statements {one_s * 1000:.0f}ms"
    )
    return len(quiet), len(one)


@pytest.mark.parametrize("sizes", [(100, 1000)])
def test_a_quiet_cycle_and_a_one_change_cycle_cost_the_same_whatever_the_directorys_size(
    tmp_path: Path, sizes: tuple[int, int]
) -> None:
    small, large = (run_sizes(tmp_path, n) for n in sizes)
    assert small == large
