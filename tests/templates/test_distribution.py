"""A distribution whose targets a book template gives: the company directory (a real OpenLDAP slapd) pushed into
the account ``phone-{user}`` of every person with a book, each person's own entry left out of their account."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.config import load_settings
from contactsync.errors import ConfigError
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available
from tests.templates.support import person

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def _config(root: Path, url: str, *, target: str = "phone-{user}") -> Path:
    (root / "reader-password").write_text(READER_PASSWORD)
    (root / "reader-password").chmod(0o600)
    config = root / "config.yaml"
    config.write_text(
        f"""\
store: {{url: "sqlite:///{root / "store.db"}"}}
templates:
  - name: staff
    source: directory
    book:
      name: "{{user}}"
      accounts:
        - {{name: "phone-{{user}}", type: vdir, options: {{path: "{root}/phones/{{username}}"}}}}
distribute:
  - name: company
    source: directory
    container: Company directory
    targets:
      - {{template: staff, account: "{target}"}}
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "{url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", password_file: reader-password}}
"""
    )
    return config


def run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-c", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.output


def _phone(root: Path, uid: str) -> list[str]:
    emails = []
    for f in (root / "phones" / uid).glob("*.vcf"):
        emails += re.findall(r"^EMAIL[^:]*:(.+?)\r?$", f.read_text(), re.M)
    return sorted(emails)


def test_every_person_with_a_book_gets_the_directory_but_their_own_entry(tmp_path: Path, slapd: Slapd) -> None:
    for uid in ("ana", "bia", "cy"):
        (tmp_path / "phones" / uid).mkdir(parents=True)
    person(slapd, "ana")
    person(slapd, "bia")
    config = _config(tmp_path, slapd.url)
    assert run(config, "config", "expand", "--apply")[0] == 0
    code, out = run(config, "distribute", "company")
    assert code == 0, out
    assert _phone(tmp_path, "ana") == ["bia@example.org"]
    assert _phone(tmp_path, "bia") == ["ana@example.org"]

    person(slapd, "cy")  # joins: gets a book, so a phone, and is in everyone's directory
    assert run(config, "config", "expand", "--apply")[0] == 0
    code, out = run(config, "distribute", "company")
    assert code == 0, out
    assert _phone(tmp_path, "cy") == ["ana@example.org", "bia@example.org"]
    assert _phone(tmp_path, "ana") == ["bia@example.org", "cy@example.org"]


def test_a_template_target_naming_no_account_of_the_template_is_a_config_error(tmp_path: Path) -> None:
    config = _config(tmp_path, "ldap://127.0.0.1:1", target="phone-{email}")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    (problem,) = caught.value.problems
    assert problem.path == "distribute[0].targets[0].account" and problem.line == 14
    assert "did you mean 'phone-{user}'" in problem.message
