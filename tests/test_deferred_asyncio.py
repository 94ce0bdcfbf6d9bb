"""The asyncio stand-in of ``status`` and ``sync`` (cli/deferred.py, #18) never hands a thread a half-loaded
asyncio: threads reading through the stand-in SQLAlchemy captured and threads running ``import asyncio`` at the
same moment all get the whole module (before the fix: ``AttributeError: ... no attribute 'Queue'`` in every run)."""

from __future__ import annotations

import subprocess
import sys

RACE = r"""
import sys, threading
from contactsync.cli.deferred import defer_asyncio
defer_asyncio()
import sqlalchemy  # captures the stand-in, as in `sync` and `status`
stand_in = sys.modules["asyncio"]
errors = []
barrier = threading.Barrier(8)
def through_the_stand_in():
    barrier.wait()
    try:
        stand_in.get_event_loop_policy
    except Exception as exc:
        errors.append(repr(exc))
def by_import():
    barrier.wait()
    try:
        import asyncio
        asyncio.Queue, asyncio.run
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=through_the_stand_in if i % 2 else by_import) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
import asyncio
async def answer():
    return 42
assert asyncio.run(answer()) == 42 and sqlalchemy.util.concurrency.iscoroutine(42) is False
print(errors)
"""


def test_threads_racing_to_asyncio_never_see_it_half_loaded() -> None:
    seen = []
    for _ in range(10):
        done = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        seen.append(done.stdout.strip())
    assert seen == ["[]"] * 10
