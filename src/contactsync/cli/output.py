"""Tables and progress for the stewardship commands: rich on a terminal, plain aligned text otherwise.

Plain text is what scripts, pipes, cron mails and tests see: no box characters, no colour, no cursor movement,
so its lines can be grepped. Only this module imports rich.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click


def on_terminal() -> bool:
    return sys.stdout.isatty()


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, right: Sequence[str] = ()) -> None:
    """Print a table; ``right`` names the columns aligned right (counts)."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    if on_terminal():
        from rich.console import Console
        from rich.table import Table

        rich_table = Table(title=title, title_justify="left")
        for col in columns:
            rich_table.add_column(col, justify="right" if col in right else "left")
        for row in cells:
            rich_table.add_row(*row)
        Console().print(rich_table)
        return
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if col in right else v.ljust(w) for v, w, col in zip(values, widths, columns, strict=True)
        ).rstrip()

    if title:
        click.echo(title)
    click.echo("  " + line(list(columns)))
    for row in cells:
        click.echo("  " + line(row))


class Progress:
    """A counter that a long job advances; a bar on a terminal, nothing otherwise (the summary says it all)."""

    def __init__(self, bar: Any, task: Any) -> None:
        self._bar = bar
        self._task = task

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Progress]:
    if not on_terminal():
        yield Progress(None, None)
        return
    from rich.progress import Progress as RichProgress

    with RichProgress(transient=True) as bar:
        yield Progress(bar, bar.add_task(description, total=total))
