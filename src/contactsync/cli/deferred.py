"""asyncio, which SQLAlchemy imports for its async engines, loaded only when something uses it (#18).

SQLAlchemy imports asyncio (and with it ssl, OpenSSL's libraries, sockets, selectors, concurrent.futures) in every
process, whatever engine it makes; contactsync's store is synchronous, so ``status`` and ``sync`` never touch it.
That import was a twentieth of their start-up. :func:`defer_asyncio` puts a stand-in module under the name
``asyncio`` before SQLAlchemy is imported: importing it costs nothing, and the first attribute anything reads from
it imports the real asyncio (under a lock, so threads racing to it load it once) and answers from it. From then on
``sys.modules["asyncio"]`` is the real module, and the stand-in carries the same attributes.

At import time SQLAlchemy reads one attribute, ``asyncio.iscoroutine``: the stand-in holds the real function, from
the light ``asyncio.coroutines`` module alone.
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
        spec = stand_in.__spec__
        assert spec is not None and spec.loader is not None
        real = importlib.util.module_from_spec(spec)
        # submodules imported under the stand-in (asyncio.coroutines) are the real package's: asyncio's __init__
        # names them as attributes, which an import sets on the package only when it loads them
        for name, module in list(sys.modules.items()):
            if name.startswith("asyncio.") and name.count(".") == 1 and module is not None:
                setattr(real, name.partition(".")[2], module)
        sys.modules["asyncio"] = real
        try:
            spec.loader.exec_module(real)
        except BaseException:
            sys.modules["asyncio"] = stand_in
            raise
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
    with _lock:
        if "asyncio" in sys.modules:
            return
        sys.modules["asyncio"] = stand_in
        try:
            coroutines = importlib.import_module("asyncio.coroutines")
        except BaseException:
            del sys.modules["asyncio"]
            raise
        # what asyncio's own __init__ takes from it
        vars(stand_in).update({name: getattr(coroutines, name) for name in coroutines.__all__})
