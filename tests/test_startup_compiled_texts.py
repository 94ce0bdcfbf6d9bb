"""SQLAlchemy's and typing's texts come compiled ahead while the command starts (cli/compiled_texts.py, #18):
``status`` and a no-change ``sync`` compile none of SQLAlchemy's, and a text answered from the table gets the code
``compile`` would have made of it. Asserted on what the real command does, never on time."""

from __future__ import annotations

import builtins
import marshal
import subprocess
import sys
from pathlib import Path

import pytest

from contactsync.cli import compiled_code, compiled_texts

from .daemon_support import books_yaml, make_book, probe_command

pytestmark = pytest.mark.skipif(
    list(sys.version_info[:2]) != compiled_code.PYTHON,
    reason="the table holds another Python's code: nothing is taken from it",
)
REGENERATE = "python -c 'from contactsync.cli.compiled_texts import main; main()'"

PROBE = """
import atexit, json, sys
out = sys.argv[1]
from contactsync.cli import main, compiled_texts
atexit.register(lambda: open(out, "w").write(json.dumps([compiled_texts.missed, compiled_texts.answered])))
sys.argv = ["contactsync"] + sys.argv[2:]
main()
"""


def missed_at_start(tmp_path: Path, config: Path, *args: str) -> tuple[int, list[str], list[str]]:
    """(exit code, file names of the texts compiled, of those answered from the table) of the real command."""
    code, (missed, answered) = probe_command(tmp_path, config, PROBE, *args)
    return code, missed, answered


def test_status_and_a_no_change_sync_compile_none_of_sqlalchemys_texts(tmp_path: Path) -> None:
    make_book(tmp_path, "team", 3)
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n" + books_yaml(tmp_path, ["team"]))
    assert missed_at_start(tmp_path, config, "sync")[0] == 0
    for command in ("status", "sync"):
        code, missed, answered = missed_at_start(tmp_path, config, command)
        assert code == 0
        generated = [name for name in missed if name.startswith("<sqlalchemy generated")]
        assert not generated, f"`{command}` compiled {len(generated)} of SQLAlchemy's texts: run {REGENERATE}"
        assert sum(name.startswith("<sqlalchemy generated") for name in answered) > 100


def test_every_text_in_the_table_gets_the_code_compile_makes_of_it() -> None:
    table = marshal.loads(compiled_code.DATA)
    assert len(table) > 100
    for (source, filename, mode, flags, optimize), code in table.items():
        assert code == compile(source, filename, mode, flags, True, optimize), filename


def test_a_text_the_table_lacks_is_compiled_with_the_callers_future_imports() -> None:
    precompiled = compiled_texts._compile_with({})
    text = "def f(x: int) -> None: pass\n"
    namespace: dict[str, object] = {}
    # this module imports annotations from __future__: compile's code keeps the annotation as text, as the built-in
    exec(precompiled(text, "<test>", "exec"), namespace)
    assert namespace["f"].__annotations__ == {"x": "int", "return": "None"}  # type: ignore[attr-defined]
    assert precompiled(text, "<test>", "exec").co_flags == builtins.compile(text, "<test>", "exec").co_flags
    exec(precompiled(text, "<test>", "exec", dont_inherit=True), namespace)
    assert namespace["f"].__annotations__ == {"x": int, "return": None}  # type: ignore[attr-defined]


def test_a_source_the_table_never_answers_gets_the_callers_future_imports_not_compiled_texts() -> None:
    import ast

    precompiled = compiled_texts._compile_with({})
    # a caller without `from __future__ import annotations` (this module has it; compiled_texts too)
    caller: dict[str, object] = {}
    plain = "def call(compile, source):\n    return compile(source, '<test>', 'exec')\n"
    exec(builtins.compile(plain, "<caller>", "exec", dont_inherit=True), caller)
    text = "def f(x: int) -> None: pass\n"
    for source in (text, text.encode(), ast.parse(text)):
        namespace: dict[str, object] = {}
        exec(caller["call"](precompiled, source), namespace)  # type: ignore[operator]
        assert namespace["f"].__annotations__ == {"x": int, "return": None}, type(source)  # type: ignore[attr-defined]


def test_a_program_importing_the_cli_keeps_the_built_in_compile() -> None:
    code = "import builtins, contactsync.cli; print(builtins.compile is compile, builtins.compile.__name__)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["True", "compile"]
