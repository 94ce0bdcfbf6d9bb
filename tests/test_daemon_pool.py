"""A daemon keeps a store connection per worker (#18): with SQLAlchemy's default pool of 5, each worker past the
fifth opened and closed a PostgreSQL connection (a backend started and torn down) for each store call of a run."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from contactsync.store import Store

pytestmark = pytest.mark.postgres

WORKERS = 12


def connections_opened(store: Store, threads: int) -> int:
    """Connections the store opened while ``threads`` threads each made 20 reads at the same moments."""
    opened: list[object] = []
    sa.event.listen(store.engine, "connect", lambda *_args: opened.append(1))
    barrier = threading.Barrier(threads)

    def reads() -> None:
        for _ in range(20):
            barrier.wait()
            store.leases()

    workers = [threading.Thread(target=reads) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    return len(opened)


def test_a_pool_as_large_as_the_workers_opens_a_connection_per_worker_once(pg_url: str) -> None:
    with Store.open(pg_url, pool_size=WORKERS + 3) as store:
        assert connections_opened(store, WORKERS) <= WORKERS
    with Store.open(pg_url) as store:  # the default pool: connections opened again and again
        assert connections_opened(store, WORKERS) > WORKERS
