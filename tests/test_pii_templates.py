"""A book template's names built from a person's sign-in name are not in log lines by default.

Every log line names its book and accounts, and a template's ``name: "{user}"``, ``"a-{user}"`` puts each
person's sign-in name (``ana.silva``) into them: with ``log.personal_data: false`` (the default) a login was in
every line of their book's runs. Now, through the real CLI and engine on vdir accounts:

- log lines show such a name with the person's part replaced by a stable pseudonym (``a-~3f9a1c2e``); with
  ``log.personal_data: true`` they show the name;
- ``status`` shows the pseudonym after the name, and ``status --book ~3f9a1c2e`` finds the book from it;
- ``config check`` warns about the pattern at its key and line, naming ``{id}`` as the fix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.store import ExpandedPerson, Store
from contactsync.templates import pseudonym
from tests.daemon_support import card

CONFIG = """\
store: {{url: "sqlite:///{root}/store.db"}}
log: {{personal_data: {personal}}}
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
        - {{name: "b-{{id}}", type: vdir, options: {{path: "{root}/b/{{username}}"}}}}
"""
LOGIN = "ana.silva"
TOKEN = pseudonym("staff", "id-7")


def _setup(tmp_path: Path, *, personal: bool) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.format(root=tmp_path, personal="true" if personal else "false"))
    with Store.open(f"sqlite:///{tmp_path}/store.db") as store:
        store.record_expansion("staff", [ExpandedPerson("id-7", LOGIN, f"{LOGIN}@example.org", LOGIN, "Ana Silva")])
    (tmp_path / "a" / LOGIN).mkdir(parents=True)
    (tmp_path / "a" / LOGIN / "c.vcf").write_text(card("c", 1))
    (tmp_path / "b" / LOGIN).mkdir(parents=True)
    return config


def _run(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["-c", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_log_lines_show_a_sign_in_name_built_into_a_name_by_its_pseudonym(tmp_path: Path) -> None:
    config = _setup(tmp_path, personal=False)
    code, _out, logged = _run(config, "-vv", "sync", "-b", LOGIN)
    assert code == 0, logged
    assert "account=b-id-7 " in logged, logged  # a name built from {id} is shown as it is
    assert f"account=a-{TOKEN} pulled=1 " in logged, logged
    assert LOGIN not in logged, logged
    assert re.fullmatch(r"~[0-9a-f]{8}", TOKEN)
    # the same pseudonym on every run: the admin can grep for it
    _code, _out, again = _run(config, "-vv", "sync", "-b", LOGIN)
    assert f"a-{TOKEN}" in again and LOGIN not in again, again
    # status (the admin's own view) shows the name, and what log lines call it
    _code, shown, _err = _run(config, "status", "--book", TOKEN)
    assert shown.startswith(f"book {LOGIN}: ") and f"; in logs {TOKEN}\n" in shown, shown
    _code, as_json, _err = _run(config, "status", "--json", "--book", f"a-{TOKEN}")
    book = json.loads(as_json)["books"][LOGIN]
    assert book["log_name"] == TOKEN and book["accounts"][f"a-{LOGIN}"]["log_name"] == f"a-{TOKEN}"
    assert book["accounts"]["b-id-7"]["log_name"] == "b-id-7"


def test_with_personal_data_on_log_lines_show_the_name(tmp_path: Path) -> None:
    config = _setup(tmp_path, personal=True)
    _code, _out, logged = _run(config, "-vv", "sync", "-b", LOGIN)
    assert f"account=a-{LOGIN} " in logged and TOKEN not in logged, logged


@pytest.mark.parametrize("personal", [False, True])
def test_config_check_warns_about_a_name_built_from_a_sign_in_name(tmp_path: Path, personal: bool) -> None:
    config = _setup(tmp_path, personal=personal)
    code, out, err = _run(config, "config", "check")
    assert code == 0 and ": ok" in out, out + err
    if personal:
        assert "warning" not in err, err
        return
    lines = config.read_text().splitlines()
    book_line = 1 + next(i for i, line in enumerate(lines) if 'name: "{user}"' in line)
    account_line = 1 + next(i for i, line in enumerate(lines) if '"a-{user}"' in line)
    assert f"{config}:{book_line}: templates[0].book.name: '{{user}}' puts each person's sign-in name" in err, err
    assert f"{config}:{account_line}: templates[0].book.accounts[0].name: 'a-{{user}}'" in err, err
    assert "use {id} instead ('a-{id}'" in err, err
    assert "b-{id}" not in err, err  # a name built from the id is fine
