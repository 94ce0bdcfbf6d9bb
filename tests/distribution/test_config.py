"""The ``distribute:`` section: read into typed settings, every mistake reported with its path."""

from __future__ import annotations

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
