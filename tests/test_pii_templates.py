"""A book template's names built from a person's sign-in name are not in log lines by default.

Every log line names its book and accounts, and a template's ``name: "{user}"``, ``"a-{user}"`` puts each
person's sign-in name (``ana.silva``) into them: with ``log.personal_data: false`` (the default) a login was in
every line of their book's runs. Now, through the real CLI and engine on vdir accounts:

- log lines show such a name with the person's part replaced by a stable pseudonym (``a-~3f9a1c2e7b04``); with
  ``log.personal_data: true`` they show the name;
- ``status`` shows the pseudonym after the name, and ``status --book ~3f9a1c2e7b04`` finds the book from it (a
  retired one too, by a whole name only); with ``log.personal_data: true`` it gives the name, as log lines do;
- ``config check`` warns about the pattern at its key and line, naming ``{id}`` as the fix.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.config import load_settings
from contactsync.connectors.directory import DirectoryPerson
from contactsync.logs import HumanFormatter, safe_error_text
from contactsync.store import ExpandedPerson, Store
from contactsync.templates import pseudonym, with_template_books
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
    assert re.fullmatch(r"~[0-9a-f]{12}", TOKEN)  # 48 bits: no two of 10,000 people share one
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


def test_pseudonyms_of_many_people_do_not_collide() -> None:
    # 8 hex digits (32 bits) gave two of 10,000 people the same pseudonym with a chance of 1.2 %
    tokens = {pseudonym("staff", f"id-{n}") for n in range(10_000)}
    assert len(tokens) == 10_000
    assert all(re.fullmatch(r"~[0-9a-f]{12}", t) for t in tokens)


def test_a_sign_in_name_in_an_options_path_is_shown_by_the_pseudonym(tmp_path: Path) -> None:
    # names built from {id}, the folder from {username}: a vdir folder's OSError names the folder, the login in it
    config = tmp_path / "config.yaml"
    config.write_text(
        CONFIG.format(root=tmp_path, personal="false")
        .replace('name: "{user}"', 'name: "book-{id}"')
        .replace('"a-{user}"', '"a-{id}"')
    )
    settings = load_settings(config)
    people = {"staff": [DirectoryPerson("id-7", f"{LOGIN}@example.org", "Ana.Silva", "Ana Silva")]}
    expanded, _origins = with_template_books(settings, people)
    folder = Path(next(a for b in expanded.books for a in b.accounts if a.name == "a-id-7").options["path"])
    assert folder == tmp_path / "a" / "Ana.Silva"
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the folder should be")
    with pytest.raises(OSError) as failed:  # a real fault: the account's folder is a file
        os.listdir(folder)
    record = logging.LogRecord(
        "contactsync.engine",
        logging.ERROR,
        __file__,
        1,
        "account %s: %s",
        ("a-id-7", safe_error_text(failed.value)),
        None,
    )
    line = HumanFormatter(journald=False, personal_data=False).format(record)
    assert "Ana.Silva" not in line, line
    assert f"account a-id-7: NotADirectoryError: Not a directory: {tmp_path}/a/{TOKEN}" in line, line


def test_with_personal_data_on_status_gives_the_name_logs_show(tmp_path: Path) -> None:
    # the log lines then show the name: status said "; in logs ~…" and log_name the pseudonym, which no line holds
    config = _setup(tmp_path, personal=True)
    _code, shown, _err = _run(config, "status", "--book", LOGIN)
    assert shown.startswith(f"book {LOGIN}: ") and "in logs" not in shown and TOKEN not in shown, shown
    _code, as_json, _err = _run(config, "status", "--json", "--book", LOGIN)
    book = json.loads(as_json)["books"][LOGIN]
    assert book["log_name"] == LOGIN and book["accounts"][f"a-{LOGIN}"]["log_name"] == f"a-{LOGIN}"


def test_status_finds_a_retired_book_by_its_pseudonym_and_only_by_a_whole_one(tmp_path: Path) -> None:
    config = _setup(tmp_path, personal=False)
    bob = pseudonym("staff", "id-8")
    with Store.open(f"sqlite:///{tmp_path}/store.db") as store:
        store.record_expansion(
            "staff",
            [
                ExpandedPerson("id-7", LOGIN, f"{LOGIN}@example.org", LOGIN, "Ana Silva"),
                ExpandedPerson("id-8", "bob", "bob@example.org", "bob", "Bob"),
            ],
        )
        store.record_expansion("staff", [ExpandedPerson("id-7", LOGIN, f"{LOGIN}@example.org", LOGIN, "Ana Silva")])
    # the daemon logs "template staff: book ~… retired": that name finds the retired book
    for asked in (bob, f"a-{bob}"):
        code, shown, err = _run(config, "status", "--book", asked)
        assert "book bob: RETIRED since" in shown, (asked, shown, err)
    # "~" or a part of a pseudonym is no book's name: it found the first templated book
    for asked in ("~", TOKEN[:5], f"a-{TOKEN[:-1]}"):
        code, shown, err = _run(config, "status", "--book", asked)
        assert code != 0 and LOGIN not in shown and "no book" in (shown + err).lower(), (asked, shown, err)


def test_status_says_when_a_pseudonym_stands_for_several_books(tmp_path: Path) -> None:
    # two directory ids whose pseudonyms are the same (found by a search of 33 million ids: 48 bits make it rare,
    # not impossible): status --book must not pick one of the two books
    first, second = "id-28589689", "id-32769802"
    assert pseudonym("staff", first) == pseudonym("staff", second) == "~03d91d1ac060"
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.format(root=tmp_path, personal="false"))
    with Store.open(f"sqlite:///{tmp_path}/store.db") as store:
        store.record_expansion(
            "staff",
            [
                ExpandedPerson(first, "cy.one", "cy.one@example.org", "cy.one", "Cy One"),
                ExpandedPerson(second, "dee.two", "dee.two@example.org", "dee.two", "Dee Two"),
            ],
        )
    for asked in ("~03d91d1ac060", "a-~03d91d1ac060"):
        code, shown, err = _run(config, "status", "--book", asked)
        assert code != 0, shown
        assert "'" + asked + "' stands for several books (cy.one, dee.two)" in shown + err, (shown, err)
