"""What already passed the JSON schemas, remembered so an unchanged configuration is not checked again (#18).

``contactsync sync`` and ``status`` run from timers many times a day on a file that rarely changes, and importing
jsonschema and checking every schema cost a sixth of their start-up. Each check of one value against one schema
(the file against :data:`~contactsync.config.schema.SCHEMA`, an account's options against its connector's
``options_schema``, that schema against the metaschema) has a digest of everything its answer depends on:

- the schema itself (its JSON, sorted), so a changed schema or connector checks again;
- the versions of contactsync and jsonschema, and the modification time and size of ``validation.py``, which
  holds the format checks (a release, an upgraded jsonschema or an edited checkout checks again);
- the value checked, as Python writes it (``repr``): YAML's safe loader gives only plain types, whose ``repr``
  tells ``1``, ``"1"``, ``1.0`` and ``true`` apart.

Only digests of checks that found nothing are kept, and only once the whole file loaded without a problem: a
configuration with any problem is checked in full every time, so its errors always name the key, file:line and
the fix. A value holding a secret read from a file or the environment is never kept (its digest would be derived
from the secret): it is checked every time. ``config check`` ignores what is kept and checks everything.

The digests live in ``config-checked.json`` in the state directory (``$STATE_DIRECTORY``, else
``$XDG_STATE_HOME/contactsync``), mode 0600, replaced atomically, and only if that directory already exists:
loading a configuration creates nothing. A missing, unreadable or damaged file only means checking again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

FILE_NAME = "config-checked.json"
#: the file's own layout; another value is read as empty
_LAYOUT = 1
#: digests kept, newest first: one configuration has one per schema check (the file, each connector type, each
#: account whose options differ); older ones stay for a while (``status`` and ``sync`` may check different values)
_MOST = 4096


@cache
def _code_identity() -> str:
    """The versions of contactsync and jsonschema and the state of the module that holds the format checks."""
    from importlib.metadata import PackageNotFoundError, version

    from . import validation

    installed = []
    for package in ("contactsync", "jsonschema"):
        try:
            installed.append(version(package))
        except PackageNotFoundError:
            installed.append("unknown")
    try:
        st = Path(validation.__file__).stat()
        rules = f"{st.st_mtime_ns}:{st.st_size}"
    except OSError:
        rules = "unknown"
    return f"{'|'.join(installed)}|{rules}"


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def schema_key(schema: Mapping[str, Any]) -> str:
    """The part of a digest that names ``schema`` and the code checking it."""
    text = json.dumps(_plain(schema), sort_keys=True, default=repr)
    return hashlib.sha256(f"{_code_identity()}|{text}".encode()).hexdigest()


class PassedChecks:
    """The digests of checks that passed: those read from the state directory and those passed in this load."""

    def __init__(self, path: Path | None, known: tuple[str, ...]) -> None:
        self.path = path
        #: as read, newest first
        self.known = known
        self._known = frozenset(known)
        self.passed: set[str] = set()

    @classmethod
    def none(cls) -> PassedChecks:
        """Nothing known and nothing kept: every check runs (``config check``, a configuration from a string)."""
        return cls(None, ())

    @classmethod
    def read(cls, state_dir: Path) -> PassedChecks:
        path = state_dir / FILE_NAME
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return cls(path if state_dir.is_dir() else None, ())
        except (OSError, ValueError):
            return cls(path, ())  # unreadable or damaged: check again, and replace it
        digests = data.get("passed") if isinstance(data, dict) and data.get("layout") == _LAYOUT else None
        if not isinstance(digests, list):
            return cls(path, ())
        return cls(path, tuple(d for d in digests if isinstance(d, str)))

    @staticmethod
    def digest(key: str, value: Any) -> str:
        """The digest of checking ``value`` against the schema named by ``key`` (:func:`schema_key`)."""
        return hashlib.sha256(f"{key}|{value!r}".encode()).hexdigest()

    def seen(self, digest: str) -> bool:
        """Whether this check passed before; if so it counts as passed in this load too."""
        if digest in self._known:
            self.passed.add(digest)
            return True
        return False

    def remember(self, digest: str) -> None:
        self.passed.add(digest)

    def save(self) -> None:
        """Keep this load's passed checks (all of them passed: the configuration had no problem) before those
        kept already, when any is new. Best effort: a read-only or missing state directory, or another user's
        file, only means checking again next time."""
        if self.path is None or self.passed <= self._known:
            return
        kept = [*sorted(self.passed), *(d for d in self.known if d not in self.passed)][:_MOST]
        body = json.dumps({"layout": _LAYOUT, "passed": kept}).encode()
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=self.path.parent)  # mode 0600
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(body)
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
