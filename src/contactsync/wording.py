"""Counts in the messages an admin reads (the terminal, the log, the doctor): "1 write failed", "2 writes failed",
never "1 writes failed"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str = "") -> str:
    """``count`` with ``noun`` agreeing: ``counted(1, "write")`` is "1 write", ``counted(0, "write")`` "0 writes";
    ``plural`` for a noun whose plural is not ``noun + "s"`` (``counted(n, "person", "people")``)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
