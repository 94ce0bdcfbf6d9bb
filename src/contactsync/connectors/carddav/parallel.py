"""Requests in flight for one address book: up to ``max_in_flight`` at once, one kept-alive connection per slot.

Far from its server, a sync costs requests × round trip ÷ requests in flight (issue #18): a first sync of 10,000
cards 40 ms away spends 400 s in round trips one request at a time, 50 s with eight in flight. :class:`Slots`
holds up to ``limit`` transports (each its own HTTP session, so its own connection, kept alive across the run)
and runs a batch of tasks on them, each task on one slot for its whole duration:

- **Lanes keep order where it matters.** Tasks that share a key (a card's href, a contact's canonical id) form
  one lane and run one after another in their given order, on one slot; only distinct lanes overlap. A create
  then an update of the same contact, or an update and a delete of the same card, reach the server in the order
  the engine asked for them.
- **Outcomes stay per task and in order.** Each task's value or exception is its own; one task's failure (a 412,
  a dropped connection) never cancels or alters another's. Only a ``BaseException`` that is no ``Exception`` (a
  process being stopped) stops the batch, re-raised on the calling thread once running tasks end.
- **Shared state is touched on the calling thread only.** A task that must change state the calling thread owns
  (the store's copies, whose database handle belongs to that thread) hands the change to :meth:`Slots.later`;
  the calling thread applies each task's changes in task order once the batch is done.

Connections open lazily: a run that sends one request at a time opens one. With ``limit`` 1, or for a batch
started from inside a task, tasks run inline, one after another, on the current slot. A caller whose requests
time out in a batch calls :meth:`Slots.narrow`: half as many in flight for the rest of the run. Each outcome says
how many tasks could be in flight beside its own when it ran (:attr:`Outcome.width`), which the limit may no longer
be by the time the caller looks at it; :meth:`Slots.settle` waits for a batch still in flight, so that a request the
caller then sends goes alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from contactsync.wording import counted

__all__ = ["DEFAULT_MAX_IN_FLIGHT", "Outcome", "Slots"]

DEFAULT_MAX_IN_FLIGHT = 8

log = logging.getLogger(__name__)

R = TypeVar("R")


class Closable(Protocol):
    def close(self) -> None: ...


T = TypeVar("T", bound=Closable)


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    """What one task gave: its value, or the exception it raised (then ``value`` is None), and ``width``: how many
    tasks could be in flight at once while it ran (the slots' limit when it ran on their threads, 1 inline)."""

    value: R | None
    error: Exception | None
    width: int = 1

    def get(self) -> R:
        """The value, or the task's exception raised again."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]  # None only when the task returned None


class _Local(threading.local):
    slot: object | None = None
    effects: list[Callable[[], None]] | None = None


class Slots(Generic[T]):
    """Up to ``limit`` transports, opened on demand by ``open_slot``, and the threads that drive them."""

    def __init__(self, open_slot: Callable[[], T], limit: int = DEFAULT_MAX_IN_FLIGHT) -> None:
        if limit < 1:
            raise ValueError("at least one request must be allowed in flight")
        self.limit = limit
        self._open = open_slot
        self._lock = threading.Lock()
        self._opened: list[T] = []
        self._idle: list[T] = []
        self._local = _Local()
        self._executor: ThreadPoolExecutor | None = None

    @property
    def opened(self) -> Sequence[T]:
        """Every transport opened so far (for counting requests across slots)."""
        with self._lock:
            return tuple(self._opened)

    def current(self) -> T:
        """The transport of the task running on this thread; outside any task, the first slot (the calling thread
        sends its own requests, one at a time, while no batch runs)."""
        slot = self._local.slot
        if slot is not None:
            return slot  # type: ignore[return-value]  # only ever set to a T by _run_lane
        with self._lock:
            if self._opened:
                return self._opened[0]
        # opened outside the lock: opening may look at the slots already open (``opened``)
        first = self._open()
        with self._lock:
            self._opened.append(first)
            self._idle.append(first)
        return first

    def later(self, effect: Callable[[], None]) -> None:
        """Run ``effect`` on the calling thread: now outside a task, after the batch (in task order) inside one."""
        effects = self._local.effects
        if effects is None:
            effect()
        else:
            effects.append(effect)

    def run(self, tasks: Sequence[Callable[[], R]], keys: Sequence[Iterable[str]] | None = None) -> list[Outcome[R]]:
        """Run every task, those sharing a key one after another in order (see the module docstring); one
        outcome per task, in the order given."""
        return self._finish(self._start(tasks, keys))

    def run_ahead(self, batches: Iterable[Sequence[Callable[[], R]]]) -> Iterator[list[Outcome[R]]]:
        """The outcomes of each batch in turn (as :meth:`run` gives them), the next batch already in flight while
        the caller works on one: a listing's multigets go on while the cards of the last window are read (#18).
        At most two batches are in flight or held at once. Leaving the loop early waits for the batch in flight."""
        pending: _Batch[R] | None = None
        try:
            for batch in batches:
                if self.limit == 1 or self._local.slot is not None:
                    # nothing can run beside the caller: one batch after the other, as run gives them
                    if pending is not None:
                        last, pending = pending, None
                        yield self._finish(last)
                    yield self.run(batch)
                    continue
                # on the slots' threads even when alone (run would run it here): the caller's work overlaps it
                before, pending = pending, self._start(batch, None, inline=False)
                if before is not None:
                    yield self._finish(before)
            if pending is not None:
                last, pending = pending, None
                yield self._finish(last)
        finally:
            if pending is not None:
                for future in pending.futures:  # an early exit: no task outlives the loop
                    future.exception()

    def narrow(self) -> None:
        """Halve the requests in flight for the rest of this run: the server did not answer them all in time
        (a server that does its work on one core answers eight requests at once eight times slower each)."""
        if self.limit == 1 or self._local.slot is not None:
            return  # inside a task the pool is busy: the batch's caller narrows once it has the outcomes
        self.limit = max(1, self.limit // 2)
        log.info("carddav: the server fell behind; %s in flight from now on", counted(self.limit, "request"))
        self.settle()

    def settle(self) -> None:
        """Wait for every task in flight on the slots' threads (the batch :meth:`run_ahead` sent ahead): a request
        the calling thread sends next goes alone. The next batch starts the threads again, as many as ``limit``."""
        if self._local.slot is not None:
            return  # inside a task the pool is busy: its batch's caller settles once it has the outcomes
        if self._executor is not None:
            self._executor.shutdown(wait=True)  # idle: batches run only on the calling thread, one at a time
            self._executor = None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        with self._lock:
            # closed, but still listed: what they sent is still counted
            opened, self._idle = list(self._opened), []
        for transport in opened:
            transport.close()

    # --- plumbing ----------------------------------------------------------------------------------------

    def _start(
        self, tasks: Sequence[Callable[[], R]], keys: Sequence[Iterable[str]] | None, *, inline: bool = True
    ) -> _Batch[R]:
        """The batch's lanes handed to the slots' threads; with ``inline``, a batch with nothing to overlap (one
        lane, one slot), or started inside a task (its slot is the one to use: a nested batch must not wait for
        slots its own lane holds), runs here and now."""
        lanes = _lanes(len(tasks), keys)
        batch: _Batch[R] = _Batch([None] * len(tasks), [[] for _ in tasks], [])
        if inline and (self.limit == 1 or len(lanes) == 1 or self._local.slot is not None):
            for index in range(len(tasks)):
                batch.outcomes[index] = _attempt(tasks[index], 1)
            return batch
        executor = self._pool()
        width = self.limit
        batch.futures.extend(
            executor.submit(self._run_lane, lane, tasks, batch.outcomes, batch.effects, width) for lane in lanes
        )
        return batch

    def _finish(self, batch: _Batch[R]) -> list[Outcome[R]]:
        """Wait for the batch, apply its tasks' effects here in task order, and give its outcomes."""
        stopped: BaseException | None = None
        for future in batch.futures:
            try:
                future.result()
            except BaseException as exc:  # a stop signal: re-raised once every lane has ended
                stopped = stopped or exc
        for done in batch.effects:
            for effect in done:
                effect()
        if stopped is not None:
            raise stopped
        return [o for o in batch.outcomes if o is not None]

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.limit, thread_name_prefix="carddav-slot")
        return self._executor

    def _checkout(self) -> T:
        with self._lock:
            if self._idle:
                # the most recently used first: its connection is the likeliest to be open still
                return self._idle.pop()
        transport = self._open()
        with self._lock:
            self._opened.append(transport)
        return transport

    def _checkin(self, transport: T) -> None:
        with self._lock:
            self._idle.append(transport)

    def _run_lane(
        self,
        lane: Sequence[int],
        tasks: Sequence[Callable[[], R]],
        outcomes: list[Outcome[R] | None],
        effects: list[list[Callable[[], None]]],
        width: int,
    ) -> None:
        transport = self._checkout()
        self._local.slot = transport
        try:
            for index in lane:
                self._local.effects = effects[index]
                outcomes[index] = _attempt(tasks[index], width)
        finally:
            self._local.slot = None
            self._local.effects = None
            self._checkin(transport)


@dataclass(frozen=True, slots=True)
class _Batch(Generic[R]):
    """A batch started: each task's outcome once it ran, the effects it handed to the calling thread, the lanes
    running (none when it ran inline)."""

    outcomes: list[Outcome[R] | None]
    effects: list[list[Callable[[], None]]]
    futures: list[Future[None]]


def _attempt(task: Callable[[], R], width: int) -> Outcome[R]:
    try:
        return Outcome(task(), None, width)
    except Exception as exc:  # the task's own outcome, handed to its caller
        return Outcome(None, exc, width)


def _lanes(count: int, keys: Sequence[Iterable[str]] | None) -> list[list[int]]:
    """Task indexes grouped so that tasks sharing any key (directly or through others) are in one lane, each
    lane in the order given; lanes ordered by their first task."""
    if keys is None:
        return [[index] for index in range(count)]
    if len(keys) != count:
        raise ValueError("one set of keys per task")
    parent = list(range(count))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[str, int] = {}
    for index, task_keys in enumerate(keys):
        for key in task_keys:
            first = owner.setdefault(key, index)
            a, b = root(first), root(index)
            if a != b:
                parent[max(a, b)] = min(a, b)
    lanes: dict[int, list[int]] = {}
    for index in range(count):
        lanes.setdefault(root(index), []).append(index)
    return list(lanes.values())
