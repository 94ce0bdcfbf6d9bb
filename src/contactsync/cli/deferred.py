"""asyncio, which SQLAlchemy imports for its async engines, loaded only when something uses it (#18).

SQLAlchemy imports asyncio (and with it ssl, OpenSSL's libraries, sockets, selectors, concurrent.futures) in every
process, whatever engine it makes; contactsync's store is synchronous, so ``status`` and ``sync`` never touch it.
That import was a twentieth of their start-up. :func:`defer_asyncio` puts a stand-in module under the name
``asyncio`` before SQLAlchemy is imported: importing it costs nothing, and the first attribute anything reads from
it imports the real asyncio (under a lock, so threads racing to it load it once) and answers from it. From then on
``sys.modules["asyncio"]`` is the real module, and the stand-in carries the same attributes.

At import time SQLAlchemy reads one attribute, ``asyncio.iscoroutine``, and keeps it: the stand-in holds a function
that loads the real asyncio when first called and answers from it (nothing in ``status`` or ``sync`` calls it), so
no part of asyncio is imported under the stand-in. The real package is then loaded by the import system itself,
under its lock for the name: a thread importing asyncio meanwhile waits for it to finish instead of being handed
a half-run module (found in review).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

_lock = threading.RLock()


class _Deferred(types.ModuleType):
    """The stand-in: any attribute it does not hold comes from the real asyncio, imported on first use."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_load(self), name)


def _load(stand_in: _Deferred) -> types.ModuleType:
    with _lock:
        current = sys.modules.get("asyncio")
        if current is not None and current is not stand_in:
            return current  # loaded already (by another thread, or by an import of the real name)
        # anything imported under the stand-in (``import asyncio.events`` by someone) is imported again with the
        # real package, and the earlier module objects are brought to the same values below
        early = {n: m for n, m in sys.modules.items() if n.startswith("asyncio.") and m is not None}
        for name in ("asyncio", *early):
            sys.modules.pop(name, None)
        try:
            real = importlib.import_module("asyncio")
        except BaseException:
            sys.modules.setdefault("asyncio", stand_in)
            raise
        for name, module in early.items():
            loaded = sys.modules.get(name)
            if loaded is not None and loaded is not module:
                module.__dict__.update(loaded.__dict__)
        stand_in.__dict__.update(real.__dict__)
        return real


def defer_asyncio() -> None:
    """Put the stand-in in place, unless asyncio (or SQLAlchemy, which holds it) is imported already."""
    if "asyncio" in sys.modules or "sqlalchemy" in sys.modules:
        return
    spec = importlib.util.find_spec("asyncio")
    if spec is None or spec.submodule_search_locations is None:
        return
    stand_in = _Deferred("asyncio")
    stand_in.__spec__ = spec
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__file__ = spec.origin
    stand_in.__loader__ = spec.loader
    stand_in.__package__ = "asyncio"

    def iscoroutine(obj: object) -> bool:
        """asyncio.iscoroutine, from the real asyncio (loaded by the first call)."""
        return bool(_load(stand_in).iscoroutine(obj))

    stand_in.iscoroutine = iscoroutine  # type: ignore[attr-defined]
    with _lock:
        if "asyncio" in sys.modules:
            return
        sys.modules["asyncio"] = stand_in
