"""Code that SQLAlchemy and ``typing`` compile from text at every start, compiled ahead (#18).

As SQLAlchemy is imported it writes about 120 small functions as source text (the signature-keeping wrappers of
its ``util.decorator``) and compiles each with ``compile``; ``typing`` compiles each string annotation it meets
(``TypeVar(bound="...")``, ``Optional["Table"]``) the same way: about 250 texts, 40 M of ``status``'s 1,030 M
instructions (bench/startup.py --instructions), redone by every process for the same texts.

:mod:`contactsync.cli.compiled_code` holds the code ``compile`` made of each text when the table was generated
(``python -c 'from contactsync.cli.compiled_texts import main; main()'``), marshalled as Python caches any module's
code. :func:`install` gives the process a ``compile`` that answers a text the table holds, with the same file name,
mode and compiler flags, with that code (code objects are immutable: the same one may serve twice), and compiles
any other as before, with the flags the caller's own ``__future__`` imports give it, as the built-in does. Another
SQLAlchemy's texts are simply not found. Installed by :func:`contactsync.cli.main` only: a program importing the CLI
keeps the built-in.
"""

from __future__ import annotations
import __future__

import builtins
import importlib.util
import marshal
import sys
from collections.abc import Mapping
from pathlib import Path
from types import CodeType
from typing import Any

GENERATED = Path(__file__).with_name("compiled_code.py")
#: the Python the table is generated on: checked before loading it
TABLE_PYTHON = (3, 11)
#: the compiler flags a caller's ``from __future__ import`` sets, which ``compile`` inherits unless told not to
_FUTURE_FLAGS = 0
for _name in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _name).compiler_flag

_real_compile = builtins.compile

Key = tuple[str, str, str, int, int]

#: the file names of the texts compiled while the table was installed although it did not hold them (it is out of
#: date, or another SQLAlchemy is installed): for tests/test_startup_compiled_texts.py
missed: list[str] = []
#: the file names of the texts answered from the table, likewise
answered: list[str] = []


def _key(source: object, filename: object, mode: str, flags: int, dont_inherit: bool, optimize: int) -> Key | None:
    """What decides the code ``compile`` makes of a text, as the caller two frames up would get it; None for a call
    the table never answers (bytes, an AST, a path as file name)."""
    if type(source) is not str or type(filename) is not str:
        return None
    if not dont_inherit:
        caller = sys._getframe(1).f_back  # None when called from C with no Python frame under it, as the built-in
        if caller is not None:
            flags |= caller.f_code.co_flags & _FUTURE_FLAGS
    return source, filename, mode, flags, optimize


def _compile_with(table: Mapping[Key, CodeType]) -> Any:
    def compile_precompiled(
        source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False, optimize: int = -1, **kw: Any
    ) -> Any:
        """``compile``: a text the table holds is not compiled again."""
        key = _key(source, filename, mode, flags, dont_inherit, optimize) if not kw else None
        if key is not None:
            code = table.get(key)
            if code is not None:
                answered.append(key[1])
                return code
            missed.append(key[1])
            return _real_compile(source, filename, mode, key[3], True, optimize)
        if not dont_inherit:
            # called from here, the built-in would inherit this module's own __future__ imports (annotations), not
            # the caller's: a bytes or AST source, a path as file name, or _feature_version= got them wrong
            caller = sys._getframe(1)
            flags |= caller.f_code.co_flags & _FUTURE_FLAGS
            dont_inherit = True
        return _real_compile(source, filename, mode, flags, dont_inherit, optimize, **kw)

    return compile_precompiled


def install() -> None:
    """Give the process the precompiled texts, if they were compiled by this Python; once."""
    if builtins.compile is not _real_compile or sys.version_info[:2] != TABLE_PYTHON or sys.flags.optimize:
        return  # (-O: compile(optimize=-1) would drop asserts and __debug__ blocks, the table's code keeps them)
    from . import compiled_code

    if compiled_code.MAGIC != importlib.util.MAGIC_NUMBER:
        return  # another bytecode than the table's: its code would not run here
    table: dict[Key, CodeType] = marshal.loads(compiled_code.DATA)
    builtins.compile = _compile_with(table)


# the generator: records the texts compiled while a new interpreter imports what `status` and `sync` import
_RECORD = """
import builtins, marshal, sys
from contactsync.cli import compiled_texts, deferred
from contactsync.cli.precompiled import START_UP_MODULES
import importlib
table = {}
real = builtins.compile
def record(source, filename, mode, flags=0, dont_inherit=False, optimize=-1, **kw):
    key = compiled_texts._key(source, filename, mode, flags, dont_inherit, optimize) if not kw else None
    if key is None:
        return real(source, filename, mode, flags, dont_inherit, optimize, **kw)
    code = real(source, filename, mode, key[3], True, optimize)
    table[key] = code
    return code
builtins.compile = record
deferred.defer_unused()
for name in START_UP_MODULES:
    importlib.import_module(name)
import sqlalchemy.dialects.sqlite.pysqlite
builtins.compile = real
sys.stdout.buffer.write(marshal.dumps(table))
"""


def render(data: bytes) -> str:
    lines = [
        '"""Code compiled ahead from the texts SQLAlchemy and typing compile at start-up (cli/compiled_texts.py).',
        "Generated: do not edit; regenerate with python -c 'from contactsync.cli.compiled_texts import main; main()'",
        '"""',
        "",
        "# ruff: noqa",
        "# mypy: ignore-errors",
        "# fmt: off",
        "",
        f"PYTHON = {list(sys.version_info[:2])!r}",
        f"MAGIC = {importlib.util.MAGIC_NUMBER!r}",
        "DATA = (",
    ]
    for i in range(0, len(data), 96):
        lines.append(f"    {data[i : i + 96]!r}")
    lines.append(")")
    return "\n".join(lines) + "\n"


def main() -> None:
    import os
    import subprocess

    # a fixed hash seed: the sets among the code's constants come out in the same order on every generation
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", _RECORD], capture_output=True, check=True, env=env)
    GENERATED.write_text(render(done.stdout))
    print(f"{GENERATED}: {len(marshal.loads(done.stdout))} texts, {len(done.stdout)} bytes")


def uninstall() -> None:
    """The built-in ``compile`` back: once the start-up's modules are loaded, nothing compiles the table's texts."""
    if builtins.compile is not _real_compile and getattr(builtins.compile, "__name__", "") == "compile_precompiled":
        builtins.compile = _real_compile
