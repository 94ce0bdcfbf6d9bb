"""A progress display for ``contactsync sync`` on a terminal: per account, items listed, writes planned and done,
and the rate, so a first sync of thousands of cards does not sit silent for minutes.

Only where someone watches: stderr is a terminal and not journald's stream (under systemd, ``JOURNAL_STREAM``
names our stderr, and a pipe or a cron mail would only collect cursor movements). The display is drawn on stderr
and cleared when the book is done; the report on stdout is unchanged.

The counts come from the connectors themselves, each wrapped in a :class:`Watched` that passes every call through:
what a listing returned, and around each push the writes done and still owed (planned = done + owed, read
from the store's outbox, so a run resumed after a crash shows what it really has left).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from ..connector import Change, ChangeResult, Connector, PullResult
from ..logs import under_journald
from ..store import Store


def wanted() -> bool:
    """A display only for a person at a terminal: not in a pipe, not under journald, not with TERM=dumb."""
    try:
        tty = os.isatty(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return tty and not under_journald() and os.environ.get("TERM") != "dumb"


class Watched:
    """A connector passed through, counting what it lists and writes for the display."""

    def __init__(self, inner: Connector, account: str, store: Store, board: Board) -> None:
        self._inner = inner
        self._account = account
        self._store = store
        self._board = board

    def __getattr__(self, name: str) -> Any:
        # everything else (capabilities, fetch, fit, tag_counts, keep_copies when the connector keeps copies)
        return getattr(self._inner, name)

    def pull(self, state: str | None) -> PullResult:
        self._board.update(self._account, phase="listing")
        result = self._inner.pull(state)
        listed = len(result.changed) if hasattr(result.changed, "__len__") else 0
        self._board.update(self._account, phase="listed", listed=listed)
        return result

    def push(self, changes: Sequence[Change]) -> Sequence[ChangeResult]:
        done = self._board.written(self._account)
        self._board.update(self._account, phase="writing", planned=done + self._store.outbox_count(self._account))
        results = self._inner.push(changes)
        self._board.update(self._account, written=done + sum(1 for r in results if r.error is None))
        return results


class Board:
    """The rich display: one line per account."""

    def __init__(self, book: str, accounts: Sequence[str]) -> None:
        from rich.console import Console
        from rich.live import Live

        self._book = book
        self._rows: dict[str, dict[str, Any]] = {
            a: {"phase": "waiting", "listed": 0, "planned": 0, "written": 0, "since": None} for a in accounts
        }
        self._live = Live(console=Console(stderr=True), transient=True, refresh_per_second=4, auto_refresh=True)

    def __enter__(self) -> Board:
        self._live.__enter__()
        self._draw()
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.__exit__(None, None, None)

    def written(self, account: str) -> int:
        return int(self._rows[account]["written"])

    def update(self, account: str, **values: Any) -> None:
        row = self._rows[account]
        if values.get("phase") == "writing" and row["since"] is None:
            row["since"] = time.monotonic()
        row.update(values)
        self._draw()

    def _draw(self) -> None:
        from rich.table import Table

        table = Table(title=f"book {self._book}", title_justify="left", box=None, pad_edge=False)
        for column in ("account", "", "listed", "written / planned", "rate"):
            table.add_column(column, justify="left" if column in ("account", "") else "right")
        for account, row in self._rows.items():
            rate = ""
            if row["since"] is not None and row["written"]:
                elapsed = max(time.monotonic() - row["since"], 1e-3)
                rate = f"{row['written'] / elapsed:.1f}/s"
            planned = f"{row['written']} / {row['planned']}" if row["planned"] else ""
            table.add_row(account, row["phase"], str(row["listed"] or ""), planned, rate)
        self._live.update(table)


@contextmanager
def watching(
    book: str, connectors: Mapping[str, Connector], store: Store, *, show: bool
) -> Iterator[dict[str, Connector]]:
    """The book's connectors, wrapped to feed a display when ``show``; as they are otherwise."""
    if not show:
        yield dict(connectors)
        return
    with Board(book, list(connectors)) as board:
        yield {name: Watched(c, name, store, board) for name, c in connectors.items()}


__all__ = ["Board", "Watched", "wanted", "watching"]
