"""A consistent snapshot of the store in one file, and bringing it back.

One code path for SQLite and PostgreSQL (no pg_dump): every table is read inside one read transaction (SQLite's
WAL gives it a fixed view; PostgreSQL runs it REPEATABLE READ), and written as JSON lines: a header (schema
revision, when it was taken, the newest change it holds), then one line per row. The connectors' copies of
remote items (``remote_copies``) are left out: a cache, emptied by a restore and refilled by the next run.
Restore replaces every table's rows in one transaction, and refuses a store that changed after the snapshot was
taken unless forced: restoring would silently drop those changes.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..store import Store, now
from . import StewardshipError

FORMAT = "contactsync-backup-1"


@dataclass(frozen=True, slots=True)
class Snapshot:
    path: Path
    revision: str | None
    taken_at: datetime
    rows: int


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    return value


def backup(store: Store, path: Path) -> Snapshot:
    """Write the snapshot to ``path`` (mode 0600, atomically: a crash leaves no half file under that name)."""
    revision = store.schema_revision()[0]
    tmp = path.with_name(f".{path.name}.tmp")
    rows = 0
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out, store.dump() as dump:
            taken = now()
            latest = dump.latest_change()
            out.write(
                json.dumps(
                    {
                        "format": FORMAT,
                        "revision": revision,
                        "taken_at": taken.isoformat(),
                        "latest_change": latest.isoformat() if latest else None,
                    }
                )
                + "\n"
            )
            for table, row in dump.rows():
                out.write(
                    json.dumps(
                        {"t": table, "r": {k: _encode(v) for k, v in row.items()}},
                        ensure_ascii=False,
                        separators=(",", ":"),
                    )
                    + "\n"
                )
                rows += 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Snapshot(path, revision, taken, rows)


def _header(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        try:
            header: dict[str, Any] = json.loads(handle.readline() or "{}")
        except ValueError:
            header = {}
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise StewardshipError(f"{path} is not a contactsync backup")
    return header


def _rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        handle.readline()
        for line in handle:
            item = json.loads(line)
            yield item["t"], {k: _decode(v) for k, v in item["r"].items()}


def restore(store: Store, path: Path, *, force: bool = False) -> Snapshot:
    """Replace the store's content with the snapshot's. Raises StewardshipError when the snapshot is from another
    schema revision, or the store changed after it was taken (without ``force``)."""
    header = _header(path)
    revision = store.schema_revision()[0]
    if header.get("revision") != revision:
        raise StewardshipError(
            f"the backup is of store schema {header.get('revision')} and this store is at "
            f"{revision}: restore it with the contactsync version that wrote it"
        )
    taken = datetime.fromisoformat(header["taken_at"])
    latest = store.latest_change()
    if latest is not None and latest > taken and not force:
        raise StewardshipError(
            f"the store changed after this backup was taken ({latest.isoformat(timespec='seconds')}"
            f" > {taken.isoformat(timespec='seconds')}): restoring would lose those changes. "
            "Add --force to restore anyway"
        )
    with store.transaction() as tx:
        count = tx.replace_everything(_rows(path))
    return Snapshot(path, revision, taken, count)
