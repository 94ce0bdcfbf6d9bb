"""The ``distribute:`` section: read into typed settings, every mistake reported with its path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from contactsync.config import load_settings
from contactsync.errors import ConfigError
from contactsync.model import Field
from contactsync.settings import AccountMode, DistributionTarget

BASE = """
store: {url: "sqlite:///%(dir)s/store.db"}
books:
  - name: team
    accounts:
      - {name: team-dav, type: vdir, options: {path: %(dir)s/team}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text((BASE + text) % {"dir": tmp_path})
    return path


def test_a_complete_distribution_reads_into_typed_settings(tmp_path: Path) -> None:
    (tmp_path / "ldap-password").write_text("secret\n")
    settings = load_settings(
        write(
            tmp_path,
            """
distribute:
  - name: company-directory
    source: directory
    container: Company directory
    targets:
      - ana-dav
      - {account: team-dav, owner: Bob@Example.org}
    fields: [name, emails, phones, job_title]
    mobile: true
    photos: false
    exclude: [ceo@example.org]
    schedule: every 30m
    brake: {max_deletes: 10, max_delete_ratio: 0.1}
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options:
          url: ldap://127.0.0.1:389
          base_dn: ou=people,dc=example,dc=org
          bind_dn: cn=reader,dc=example,dc=org
          password_file: ldap-password
      - {name: ana-dav, type: vdir, options: {path: %(dir)s/ana}}
""",
        )
    )
    (d,) = settings.distributions
    assert (d.name, d.source, d.container, d.schedule) == (
        "company-directory",
        "directory",
        "Company directory",
        "every 30m",
    )
    assert d.targets == (DistributionTarget("ana-dav"), DistributionTarget("team-dav", "Bob@Example.org"))
    assert d.fields == frozenset({Field.NAME, Field.EMAILS, Field.PHONES, Field.JOB_TITLE})
    assert (d.mobile, d.photos, d.exclude) == (True, False, ("ceo@example.org",))
    assert (d.brake.max_deletes, d.brake.max_delete_ratio) == (10, 0.1)
    directory = d.accounts[0]
    assert directory.mode is AccountMode.PULL_ONLY and directory.secrets["password"].value == "secret"
    # the distribution's own accounts belong to no book: no book syncs them
    assert all(a.name != "directory" for b in settings.books for a in b.accounts)


def test_mistakes_are_all_reported_with_their_paths(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
distribute:
  - name: company
    source: directroy
    container: Company directory
    targets: [team-dav, team-dav, nobody]
    schedule: every fortnight
    accounts:
      - {name: team-dav, type: vdir, options: {path: %(dir)s/x}}
      - {name: directory, type: vdir, options: {path: %(dir)s/d}}
  - name: company
    source: directory
    container: ""
    targets: [directory]
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    where = {p.path: p.message for p in caught.value.problems}
    assert "did you mean" in where["distribute[0].source"].lower() or "directory" in where["distribute[0].source"]
    assert "listed twice" in where["distribute[0].targets[1]"]
    assert "not an account" in where["distribute[0].targets[2]"]
    assert "distribute[0].schedule" in where
    assert "already used" in where["distribute[0].accounts[0].name"]
    assert "already used" in where["distribute[1].name"]
    assert "distribute[1].container" in where
    assert "distribute[1].targets[0]" in where  # the source is no target


def test_the_complete_configuration_in_docs_distribution_md_loads(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "distribution.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert block is not None
    (tmp_path / "config.yaml").write_text(block.group(1))
    (tmp_path / "ldap-password").write_text("secret")
    key = {"type": "service_account", "client_email": "sync@example.iam", "private_key": "k", "token_uri": "https://t"}
    (tmp_path / "google-service-account.json").write_text(json.dumps(key))
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "dav-password").write_text("secret")
    settings = load_settings(
        tmp_path / "config.yaml",
        environ={"GRAPH_CLIENT_SECRET": "s3cret", "CREDENTIALS_DIRECTORY": str(credentials)},
    )
    (d,) = settings.distributions
    assert [t.account for t in d.targets] == ["dir-ana-google", "dir-bob-outlook", "dir-carla-dav"]
    assert {a.name for a in d.accounts} == {"directory", *(t.account for t in d.targets)}


def test_a_configuration_may_only_distribute(tmp_path: Path) -> None:
    # an admin who only wants the directory on every phone writes no book
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""store: {{url: "sqlite:///{tmp_path}/store.db"}}
distribute:
  - name: company-directory
    source: directory
    container: Company directory
    targets: [ana-dav]
    accounts:
      - {{name: directory, type: vdir, mode: pull-only, options: {{path: {tmp_path}/directory}}}}
      - {{name: ana-dav, type: vdir, options: {{path: {tmp_path}/ana}}}}
"""
    )
    settings = load_settings(path)
    assert settings.books == () and [d.name for d in settings.distributions] == ["company-directory"]
    path.write_text(f'store: {{url: "sqlite:///{tmp_path}/store.db"}}\n')
    with pytest.raises(ConfigError, match="books"):
        load_settings(path)  # neither books, templates nor distribute: still an error naming books
