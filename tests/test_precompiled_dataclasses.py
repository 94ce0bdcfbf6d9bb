"""The ``contactsync`` command's dataclasses get their methods compiled ahead (cli/precompiled.py, #18): ``status``
and a no-change ``sync`` compile none of their own at start-up, and a class made from the table behaves as one
``dataclasses`` compiled. Asserted on what the real command does, never on time (the figures are
bench/startup.py's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import CodeType

import pytest

from contactsync.cli import dataclass_methods

from .daemon_support import books_yaml, make_book, probe_command

pytestmark = pytest.mark.skipif(
    list(sys.version_info[:2]) != dataclass_methods.PYTHON,
    reason="the table holds the texts of another Python's dataclasses: nothing is taken from it",
)
REGENERATE = "python -c 'from contactsync.cli.precompiled import main; main()'"


def test_the_table_was_generated_on_the_python_install_checks_before_loading_it() -> None:
    from contactsync.cli.precompiled import TABLE_PYTHON

    assert list(TABLE_PYTHON) == dataclass_methods.PYTHON, "set precompiled.TABLE_PYTHON to the table's PYTHON"


# the real entry point in this interpreter; at exit, the contactsync modules whose dataclasses were compiled
PROBE = """
import atexit, json, sys
out = sys.argv[1]
from contactsync.cli import main, precompiled
atexit.register(lambda: open(out, "w").write(json.dumps(precompiled.missed)))
sys.argv = ["contactsync"] + sys.argv[2:]
main()
"""


def compiled_at_start(tmp_path: Path, config: Path, *args: str) -> tuple[int, list[str]]:
    code, compiled = probe_command(tmp_path, config, PROBE, *args)
    return code, compiled


def test_status_and_a_no_change_sync_compile_none_of_their_dataclasses(tmp_path: Path) -> None:
    make_book(tmp_path, "team", 3)
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n" + books_yaml(tmp_path, ["team"]))
    assert compiled_at_start(tmp_path, config, "sync")[0] == 0
    for command in ("sync", "status", "--help"):
        code, missed = compiled_at_start(tmp_path, config, command)
        assert code == 0
        assert missed == [], f"`contactsync {command}` compiled dataclasses of {sorted(set(missed))}: {REGENERATE}"


def same_code(a: CodeType, b: CodeType) -> bool:
    """Equal but for where they were compiled (file, first line, line table)."""
    consts_a = [c for c in a.co_consts if not isinstance(c, CodeType)]
    consts_b = [c for c in b.co_consts if not isinstance(c, CodeType)]
    inner_a = [c for c in a.co_consts if isinstance(c, CodeType)]
    inner_b = [c for c in b.co_consts if isinstance(c, CodeType)]
    return (
        (a.co_name, a.co_code, a.co_names, a.co_varnames, a.co_freevars, a.co_cellvars, a.co_flags)
        == (b.co_name, b.co_code, b.co_names, b.co_varnames, b.co_freevars, b.co_cellvars, b.co_flags)
        and consts_a == consts_b
        and len(inner_a) == len(inner_b)
        and all(same_code(x, y) for x, y in zip(inner_a, inner_b, strict=True))
    )


def test_each_kept_code_is_what_exec_compiles_from_its_text() -> None:
    assert len(dataclass_methods.CODE) > 100
    for text, code in dataclass_methods.CODE.items():
        namespace: dict[str, object] = {}
        exec(compile(text, "<string>", "exec", dont_inherit=True), {}, namespace)
        assert same_code(code, namespace["__create_fn__"].__code__), text  # type: ignore[attr-defined]


# the same classes, with the table (through the command's package) and without it
BEHAVIOUR = """
import dataclasses, json, sys
if sys.argv[1] == "table":
    import contactsync.cli
assert ("exec" in vars(dataclasses)) == (sys.argv[1] == "table")
from contactsync.model import Contact, Email, Name, Tag
from contactsync.settings import Settings
a = Contact(name=Name(given="Ana", family="Lima"), emails=(Email("ana@example.org"),), tags=frozenset({Tag("Team")}))
b = Contact(name=Name(given="Ana", family="Lima"), emails=(Email("ana@example.org"),), tags=frozenset({Tag("Team")}))
seen = [repr(a), a == b, hash(a) == hash(b), Tag("A") < Tag("B"), dataclasses.replace(a, note="x") == a]
try:
    a.note = "changed"
except dataclasses.FrozenInstanceError as exc:
    seen.append(str(exc))
try:
    Name(nickname=1)
except TypeError as exc:
    seen.append(str(exc))
seen.append([f.name for f in dataclasses.fields(Settings)])
seen.append(str(Contact.__init__.__annotations__))
print(json.dumps(seen))
"""


def test_classes_made_from_the_table_behave_as_compiled_ones() -> None:
    seen = {}
    for mode in ("table", "compiled"):
        done = subprocess.run([sys.executable, "-c", BEHAVIOUR, mode], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        seen[mode] = json.loads(done.stdout)
    assert seen["table"] == seen["compiled"]
    assert seen["table"][1:4] == [True, True, True]
