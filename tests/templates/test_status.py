"""`contactsync status` over hundreds of books from a template: counts by state, the failing books first, the
filters, retired books; and the daemon's metrics keep one label per template, not one per person."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.store import ExpandedPerson, Store
from tests.daemon_support import card

PEOPLE = 300
LEFT = 4

CONFIG = """\
store: {{url: "sqlite:///{root}/store.db"}}
templates:
  - name: staff
    source: directory
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "ldap://127.0.0.1:1", base_dn: "ou=people,dc=example,dc=org"}}
    book:
      name: "{{user}}"
      accounts:
        - {{name: "a-{{user}}", type: vdir, options: {{path: "{root}/a/{{username}}"}}}}
        - {{name: "b-{{user}}", type: vdir, options: {{path: "{root}/b/{{username}}"}}}}
"""


def run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-c", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def many_books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``_many_books``, made once for the module's tests: `status` only reads it (its two syncs are most of the
    time these tests take)."""
    return _many_books(tmp_path_factory.mktemp("many"))


def _many_books(tmp_path: Path) -> Path:
    """A template with 300 people recorded as the daemon records them, 4 of whom left since; a few books synced,
    one of them failing (its second folder is a file)."""
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.format(root=tmp_path))
    users = [f"u{i:03d}" for i in range(PEOPLE)]
    found = [ExpandedPerson(f"id-{u}", u, f"{u}@example.org", u, u.upper()) for u in users]
    with Store.open(f"sqlite:///{tmp_path}/store.db") as store:
        store.record_expansion("staff", found)
        store.record_expansion("staff", found[LEFT:])
    for u in ("u010", "u011", "u012"):
        (tmp_path / "a" / u).mkdir(parents=True)
        (tmp_path / "a" / u / "c.vcf").write_text(card(f"{u}-c", 1))
        (tmp_path / "b" / u).mkdir(parents=True)
    (tmp_path / "a" / "u200").mkdir(parents=True)
    (tmp_path / "b").mkdir(exist_ok=True)
    (tmp_path / "b" / "u200").write_text("a file where a folder should be")
    code, out = run(config, "sync", "-b", "u010", "-b", "u011", "-b", "u012")
    assert code == 0, out
    code, _out = run(config, "sync", "-b", "u200")
    assert code != 0
    return config


def test_status_summarizes_hundreds_of_books_failing_first(many_books: Path) -> None:
    config = many_books
    started = time.perf_counter()
    code, out = run(config, "status")
    took = time.perf_counter() - started
    print(f"status over {PEOPLE} templated books (2 accounts each), SQLite: {took:.2f}s")
    assert code == 3  # the failing book decides the exit code, as without templates
    lines = out.splitlines()
    assert lines[0] == f"{PEOPLE} books: 1 failing, {PEOPLE - LEFT - 4} never run, 3 ok, {LEFT} retired"
    assert lines[1] == f"  template staff: 1 failing, {PEOPLE - LEFT - 4} never run, 3 ok, {LEFT} retired"
    assert "the first 50 of 293 books that need a look follow (failing first)" in out
    assert f"{LEFT} retired books (not synced, nothing deleted)" in out
    assert "3 books ok (`--all` shows them in full)" in out
    # in full: the failing book first, then never-run ones, 50 at most; the ok ones only counted
    shown = [line.split(":")[0][5:] for line in lines if line.startswith("book ")]
    assert shown[0] == "u200" and len(shown) == 50 and "u010" not in shown
    failing = out[out.index("book u200:") :].splitlines()
    assert any(line.strip().startswith("b-u200") and "error" in line for line in failing[:4]), failing[:4]


def test_status_json_lists_every_book_in_state_order_and_the_filters_narrow_it(many_books: Path) -> None:
    config = many_books
    status = json.loads(run(config, "status", "--json")[1])
    states = [b["state"] for b in status["books"].values()]
    assert len(states) == PEOPLE - LEFT and states[0] == "failing" and states[-3:] == ["ok"] * 3
    assert status["summary"]["states"] == {
        "failing": 1,
        "brake": 0,
        "attention": 0,
        "never run": PEOPLE - LEFT - 4,
        "ok": 3,
        "retired": LEFT,
    }
    assert {b["person"] for b in status["books"].values()} == {f"id-u{i:03d}" for i in range(LEFT, PEOPLE)}
    assert sorted(r["book"] for r in status["retired"]) == ["u000", "u001", "u002", "u003"]

    code, out = run(config, "status", "--book", "u011")
    assert code == 0 and out.startswith("book u011:") and "a-u011" in out and "b-u011" in out
    assert "books:" not in out  # one book: no summary
    code, out = run(config, "status", "--book", "u002")
    assert "book u002: RETIRED since" in out and "template staff" in out
    code, out = run(config, "status", "--template", "nosuch")
    assert code == 2 and "no template named 'nosuch'" in out
    code, out = run(config, "status", "--book", "nobody")
    assert code == 2 and "no book named 'nobody'" in out
    code, out = run(config, "status", "--all")
    assert "book u010:" in out and "books:" not in out.splitlines()[0]
