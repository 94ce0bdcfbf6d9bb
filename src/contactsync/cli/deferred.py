"""Libraries that SQLAlchemy imports and ``status`` and ``sync`` never use, loaded only when something uses them
(#18).

SQLAlchemy imports asyncio (and with it ssl, OpenSSL's libraries, sockets, selectors, concurrent.futures) in every
process, whatever engine it makes; contactsync's store is synchronous, so ``status`` and ``sync`` never touch it.
That import was a twentieth of their start-up. It also imports ``importlib.metadata`` (and with it the ``email``
package, ``socket``, ``zipfile``, ``csv``) for the one function that scans entry points for a dialect or plugin it
does not ship, which a SQLite or PostgreSQL store never asks: about 50 M instructions of each command's 1,400-1,500
M (bench/startup.py --instructions). :func:`defer_unused` puts a stand-in module under each name before SQLAlchemy
is imported: importing it costs nothing, and the first attribute anything reads from it imports the real module
(under a lock, so threads racing to it load it once) and answers from it. From then on ``sys.modules[name]`` is the
real module, and the stand-in carries the same attributes.

At import time SQLAlchemy reads one attribute, ``asyncio.iscoroutine``, and keeps it: the stand-in holds a function
that loads the real asyncio when first called and answers from it (nothing in ``status`` or ``sync`` calls it), so
no part of asyncio is imported under the stand-in. Of ``importlib.metadata`` it keeps the module only. The real
package is then loaded by the import system itself, under its lock for the name: a thread importing it meanwhile
waits for it to finish instead of being handed a half-run module (found in review).

SQLAlchemy's SQLite package imports its aiosqlite and pysqlcipher dialects with the one it uses (pysqlite), and
aiosqlite brings SQLAlchemy's asyncio adaptation: :func:`defer_sqlite_dialects` stands in for those two modules
the same way. A store URL naming one (``sqlite+aiosqlite://``) reads the dialect's class from its stand-in, which
loads the real module then.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from pathlib import Path
from typing import Any

_lock = threading.RLock()


class _Deferred(types.ModuleType):
    """The stand-in: any attribute it does not hold comes from the real module, imported on first use."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_load(self), name)


def _load(stand_in: _Deferred) -> types.ModuleType:
    name = stand_in.__name__
    with _lock:
        current = sys.modules.get(name)
        if current is not None and current is not stand_in:
            return current  # loaded already (by another thread, or by an import of the real name)
        # anything imported under the stand-in (``import asyncio.events`` by someone) is imported again with the
        # real package, and the earlier module objects are brought to the same values below
        early = {n: m for n, m in sys.modules.items() if n.startswith(name + ".") and m is not None}
        for loaded_name in (name, *early):
            sys.modules.pop(loaded_name, None)
        try:
            real = importlib.import_module(name)
        except BaseException:
            sys.modules.setdefault(name, stand_in)
            raise
        for early_name, module in early.items():
            loaded = sys.modules.get(early_name)
            if loaded is not None and loaded is not module:
                module.__dict__.update(loaded.__dict__)
        stand_in.__dict__.update(real.__dict__)
        return real


def _stand_in(name: str) -> _Deferred | None:
    """A stand-in for the package ``name``, or None if it is imported already or is not a package here."""
    if name in sys.modules:
        return None
    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None:
        return None
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__file__ = spec.origin
    stand_in.__loader__ = spec.loader
    stand_in.__package__ = name
    return stand_in


def _put(stand_in: _Deferred) -> None:
    name = stand_in.__name__
    with _lock:
        if name in sys.modules:
            return
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent in sys.modules:
            # as the import system does for a submodule: `import importlib.metadata` then reads the attribute
            setattr(sys.modules[parent], child, stand_in)


def defer_asyncio() -> None:
    """Put asyncio's stand-in in place, unless asyncio (or SQLAlchemy, which holds it) is imported already."""
    if "sqlalchemy" in sys.modules:
        return
    stand_in = _stand_in("asyncio")
    if stand_in is None:
        return

    def iscoroutine(obj: object) -> bool:
        """asyncio.iscoroutine, from the real asyncio (loaded by the first call)."""
        return bool(_load(stand_in).iscoroutine(obj))

    stand_in.iscoroutine = iscoroutine  # type: ignore[attr-defined]
    _put(stand_in)


def defer_metadata() -> None:
    """Put ``importlib.metadata``'s stand-in in place, unless it is imported already. Entry points are still read
    where they are needed (a third-party connector type, contactsync.registry): the first call loads it."""
    stand_in = _stand_in("importlib.metadata")
    if stand_in is not None:
        _put(stand_in)


#: SQLAlchemy's SQLite dialects that its ``sqlalchemy.dialects.sqlite`` imports and a ``sqlite://`` store never uses
_SQLITE_UNUSED = ("aiosqlite", "pysqlcipher")


def defer_sqlite_dialects() -> None:
    """Put stand-ins for SQLAlchemy's aiosqlite and pysqlcipher dialects in place, unless SQLAlchemy's SQLite
    package is imported already. Their specs are made from SQLAlchemy's folder: asking the import system for a
    submodule's spec would import SQLAlchemy itself."""
    if "sqlalchemy.dialects.sqlite" in sys.modules:
        return
    top = importlib.util.find_spec("sqlalchemy")
    if top is None or not top.submodule_search_locations:
        return
    folder = Path(next(iter(top.submodule_search_locations))) / "dialects" / "sqlite"
    for module in _SQLITE_UNUSED:
        name = f"sqlalchemy.dialects.sqlite.{module}"
        spec = importlib.util.spec_from_file_location(name, folder / f"{module}.py")
        if spec is None or not (folder / f"{module}.py").is_file():
            continue  # another SQLAlchemy's layout: its own modules, imported as it does
        stand_in = _Deferred(name)
        stand_in.__spec__ = spec
        stand_in.__file__ = spec.origin
        stand_in.__loader__ = spec.loader
        stand_in.__package__ = name.rpartition(".")[0]
        _put(stand_in)


def defer_unused() -> None:
    """Every stand-in: for a command that opens the store and never uses asyncio, scans entry points nor uses
    SQLite's async or encrypted dialects."""
    defer_asyncio()
    defer_metadata()
    defer_sqlite_dialects()
