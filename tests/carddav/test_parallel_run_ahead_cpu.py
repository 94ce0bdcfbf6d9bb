"""A listing's multigets in flight while the cards of the last window are read (``Slots.run_ahead``, #18): each
batch's outcomes are what ``Slots.run`` gives, in order; the next batch is on the wire while the caller reads one;
what tasks hand to the calling thread is applied there, in task order; leaving early leaves no task running."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from contactsync.connectors.carddav.parallel import Outcome, Slots


class Transport:
    def close(self) -> None:
        return None


def slots(limit: int) -> Slots[Transport]:
    return Slots(Transport, limit=limit)


def values(outcomes: list[Outcome[str]]) -> list[str | None]:
    return [o.value if o.error is None else f"error: {o.error}" for o in outcomes]


def named(name: str, pause: float = 0.0) -> Callable[[], str]:
    def task() -> str:
        time.sleep(pause)
        if name.endswith("!"):
            raise ValueError(name)
        return name

    return task


BATCHES = [["a1", "a2!", "a3"], ["b1"], [], ["c1", "c2", "c3", "c4", "c5"]]


def test_each_batch_gives_what_run_gives_in_order() -> None:
    for limit in (1, 2, 8):
        pool = slots(limit)
        try:
            ahead = [values(o) for o in pool.run_ahead([named(n, 0.01) for n in b] for b in BATCHES)]
            one_by_one = [values(pool.run([named(n) for n in b])) for b in BATCHES]
        finally:
            pool.close()
        assert ahead == one_by_one == [["a1", "error: a2!", "a3"], ["b1"], [], ["c1", "c2", "c3", "c4", "c5"]]


def test_the_next_batch_is_in_flight_while_the_caller_reads_one() -> None:
    pool = slots(4)
    second_started = threading.Event()

    def second() -> str:
        second_started.set()
        return "second"

    seen: list[bool] = []
    try:
        for outcomes in pool.run_ahead([[named("first")], [second]]):
            if values(outcomes) == ["first"]:
                # the caller is still on the first batch: the second one runs meanwhile
                seen.append(second_started.wait(5))
    finally:
        pool.close()
    assert seen == [True]


def test_what_tasks_hand_over_is_applied_on_the_calling_thread_in_task_order() -> None:
    pool = slots(4)
    applied: list[tuple[str, bool]] = []
    caller = threading.current_thread()

    def task(name: str, pause: float) -> Callable[[], str]:
        def run() -> str:
            time.sleep(pause)
            pool.later(lambda: applied.append((name, threading.current_thread() is caller)))
            return name

        return run

    batches = [[task("a1", 0.05), task("a2", 0.0)], [task("b1", 0.02), task("b2", 0.0)]]
    got: list[list[str | None]] = []
    try:
        for outcomes in pool.run_ahead(batches):
            got.append(values(outcomes))
            # a batch's effects are applied by the time its outcomes are handed over, not the next batch's
            assert [name for name, _ in applied] == [n for batch in got for n in batch]
    finally:
        pool.close()
    assert applied == [("a1", True), ("a2", True), ("b1", True), ("b2", True)]


def test_leaving_early_waits_for_the_batch_in_flight() -> None:
    pool = slots(4)
    finished: list[str] = []

    def slow(name: str) -> Callable[[], str]:
        def run() -> str:
            time.sleep(0.2)
            finished.append(name)
            return name

        return run

    try:
        for _ in pool.run_ahead([[slow("a")], [slow("b1"), slow("b2")], [slow("c")]]):
            break  # the first batch read: the second is in flight, the third never starts
        assert sorted(finished) == ["a", "b1", "b2"]  # nothing still running once the loop is left
    finally:
        pool.close()
    time.sleep(0.3)
    assert "c" not in finished


def test_a_narrowed_pool_takes_the_batch_in_flight_along() -> None:
    """A timeout seen in one window halves the limit while the next window is on the wire (the connector's
    _read): that window's outcomes still arrive, and later windows run with the smaller limit."""
    pool = slots(4)
    running = 0
    peak_after: list[int] = []
    lock = threading.Lock()

    def counted(name: str) -> Callable[[], str]:
        def run() -> str:
            nonlocal running
            with lock:
                running += 1
                peak_after.append(running)
            time.sleep(0.02)
            with lock:
                running -= 1
            return name

        return run

    got: list[list[str | None]] = []
    try:
        for index, outcomes in enumerate(
            pool.run_ahead([[counted(f"{w}{i}") for i in range(4)] for w in ("a", "b", "c")])
        ):
            got.append(values(outcomes))
            if index == 0:
                pool.narrow()
                peak_after.clear()  # what runs from now on: the third window (the second is done by now)
    finally:
        pool.close()
    assert got == [[f"{w}{i}" for i in range(4)] for w in ("a", "b", "c")]
    assert pool.limit == 2 and max(peak_after) <= 2


def test_an_outcome_says_how_many_could_be_in_flight_when_it_ran_not_how_many_may_be_now() -> None:
    """A window sent ahead with four in flight is still one of four once the limit fell to two while it was on
    the wire: the connector sends a request cut off among others again alone by that (its _again_alone), not by
    the limit it finds when it looks. A task run inline (alone) is one of one; ``settle`` waits for the window
    in flight, so what the caller sends next goes alone."""
    pool = slots(4)
    finished: list[str] = []

    def task(name: str) -> Callable[[], str]:
        def run() -> str:
            time.sleep(0.05)
            finished.append(name)
            return name

        return run

    widths: list[list[int]] = []
    try:
        for index, outcomes in enumerate(pool.run_ahead([[task(f"{w}{i}") for i in range(4)] for w in "abc"])):
            widths.append([o.width for o in outcomes])
            if index == 0:
                pool.narrow()  # the second window is on the wire already, sent with four in flight
        sent = pool.run_ahead([[task("d0"), task("d1")]])
        in_flight = next(sent)
        alone = pool.run([task("f0")])
        ahead = pool.run_ahead([[task("g0"), task("g1")], [task("h0")]])
        next(ahead)  # the second window is on the wire
        pool.settle()
        settled = sorted(finished)
        rest = next(ahead)
    finally:
        pool.close()
    assert widths == [[4] * 4, [4] * 4, [2] * 4]
    assert [o.width for o in in_flight] == [2, 2]
    assert [o.width for o in alone] == [1]
    assert "h0" in settled and [o.value for o in rest] == ["h0"]
