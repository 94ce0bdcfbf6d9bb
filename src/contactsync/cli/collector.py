"""Python's cyclic garbage collector held off while the ``contactsync`` command loads its modules (#18).

While a process imports, nearly every object it makes lives as long as the process (modules, classes, functions,
SQLAlchemy's tables), yet the collector goes over all of them again each time their number grows by a quarter, and
once more as the process ends: about a tenth of ``status``'s and ``sync``'s start-up, for no garbage (bench/startup.py
--instructions: 1,130 M instructions for ``status`` with it, 1,020 M without). :func:`pause` stops it before the
command's imports; :func:`resume`, once the store is open (SQLAlchemy, the store and the engine loaded), moves
everything made so far out of its reach (``gc.freeze``) and starts it again: the run's own garbage is collected as
before, without going over the modules each time. :func:`freeze_for_exit` does the same as the process ends, so its
last collection goes over what the run left only.

Only the command keeps it paused (:func:`contactsync.cli.main`): a program or a test that imports the CLI (paused
while the import runs), or calls its commands in its own process, keeps its collector as it was. A command that
never opens a store (``config check``, ``--help``) runs to its end without a collection: short, with little
garbage; main() starts it again as it returns or raises (:func:`restart` after :func:`freeze_for_exit`), for the
program that called it.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop the collector, if it runs, until :func:`resume`."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Start the collector again if :func:`pause` stopped it, never again over the objects made so far (the loaded
    modules); a no-op otherwise, so every place that ends the start-up may call it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
        from . import compiled_texts

        compiled_texts.uninstall()  # the start-up is over: the built-in compile back


def restart() -> None:
    """Start the collector again if :func:`pause` stopped it, leaving the objects made so far within its reach: for
    a program that imported the CLI and goes on with its own work."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def freeze_for_exit() -> None:
    """As the command ends: the interpreter's last collection goes over what was made since :func:`resume` only (the
    stores are closed by then: nothing left to it needs finalizing)."""
    if _paused or gc.isenabled():
        gc.freeze()


pause()  # on import: contactsync.cli imports this module before any other, and restarts it at its end
