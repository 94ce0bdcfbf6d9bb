"""What the ldap source says when the directory does not hold what the configuration names, and what it cannot
carry, against a real OpenLDAP slapd.

An admin relies on two things: nothing is dropped in silence, and a failed listing is never taken for an empty
directory. A group that is mistyped, renamed or deleted, a base DN that is gone, a filter the directory's schema
refuses: each is a failed listing that names the option to fix, so no one leaves a distribution and no templated
book is retired. A photo over the cap is said per person and per account. An ``ldap`` account that is not
``mode: pull-only`` is refused by ``config check`` at its key and line.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.connectors.ldap import Flavor, LdapConnector, LdapOptions, Slot
from contactsync.errors import ConnectorError, Transient
from tests.ldap.slapd import GROUPS, PEOPLE, READER_DN, READER_PASSWORD, Slapd, available

needs_slapd = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

_OPEN: list[LdapConnector] = []


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    while _OPEN:
        _OPEN.pop().close()
    server.stop()


def connector(server: Slapd, **options: Any) -> LdapConnector:
    photo_max_bytes = options.pop("photo_max_bytes", None)
    extra = {} if photo_max_bytes is None else {"photo_max_bytes": photo_max_bytes}
    made = LdapConnector(
        "directory",
        LdapOptions(**{"url": server.url, "base_dn": PEOPLE, "bind_dn": READER_DN, **options}),
        READER_PASSWORD,
        region="BR",
        **extra,
    )
    _OPEN.append(made)
    return made


def cli_run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.output


def cards(folder: Path) -> list[str]:
    return sorted(
        email.lower()
        for f in folder.glob("*.vcf")
        for email in re.findall(r"^EMAIL[^:]*:(.+?)\r?$", f.read_text(), re.M)
    )


def _secret(root: Path) -> None:
    (root / "reader-password").write_text(READER_PASSWORD)
    (root / "reader-password").chmod(0o600)


# ------------------------------------------------------------------------------------------- a missing group


@needs_slapd
def test_a_group_that_is_not_in_the_directory_is_a_failed_listing_naming_options_group(slapd: Slapd) -> None:
    dns = [slapd.add_person(u, mail=[f"{u}@example.org"]) for u in ("ana", "bia")]
    staff = slapd.add_group("staff", dns)
    typo = connector(slapd, group=f"cn=stafff,{GROUPS}")
    for listing in (lambda: typo.pull(None), typo.people, lambda: typo.fetch(["x"])):
        with pytest.raises(ConnectorError, match=r"options\.group") as caught:
            listing()
        # the configuration's to fix: never retried as a fault of the server
        assert not isinstance(caught.value, Transient)
        assert "cn=stafff" in str(caught.value)

    # the group is renamed in the directory after a good pull: the next pull fails, it does not empty the scope
    c = connector(slapd, group=staff)
    first = c.pull(None)
    assert len(first.changed) == 2
    slapd.delete(staff)
    slapd.add_group("employees", dns)
    with pytest.raises(ConnectorError, match=r"options\.group"):
        c.pull(first.next_state)
    with pytest.raises(ConnectorError, match=r"options\.group"):
        c.people()


@needs_slapd
def test_a_group_dn_naming_no_group_is_refused_and_a_dangling_member_is_no_failure(slapd: Slapd) -> None:
    ana = slapd.add_person("ana", mail=["ana@example.org"])
    gone = slapd.add_person("gone", mail=["gone@example.org"])
    staff = slapd.add_group("staff", [ana, gone])
    slapd.delete(gone)  # the group still names him (no referential integrity): he is simply not there
    assert [p.email for p in connector(slapd, group=staff).people()] == ["ana@example.org"]
    # the OU of the groups, not a group: nothing would ever be a member of it
    with pytest.raises(ConnectorError, match=r"options\.group.*not a group"):
        connector(slapd, group=GROUPS).pull(None)


@needs_slapd
def test_a_base_dn_that_is_not_in_the_directory_names_options_base_dn(slapd: Slapd) -> None:
    slapd.add_person("ana", mail=["ana@example.org"])
    gone = connector(slapd, base_dn="ou=nowhere,dc=example,dc=org")
    with pytest.raises(ConnectorError, match=r"options\.base_dn") as caught:
        gone.pull(None)
    assert not isinstance(caught.value, Transient) and "ou=nowhere" in str(caught.value)
    with pytest.raises(ConnectorError, match=r"options\.base_dn"):
        connector(slapd, base_dn="not a dn").people()


@needs_slapd
@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"filter": "(objectClass=inetOrgPersn)"}, "options.filter"),
        ({"filter": "(&(objectClass=inetOrgPerson)(departmnt=Sales))"}, "options.filter"),
        ({"filter": "(&(objectClass=inetOrgPerson)(modifyTimestamp>=yesterday))"}, "options.filter"),
        ({"hidden_filter": "(employeTyp=hidden)"}, "options.hidden_filter"),
        ({"attributes": {Slot.DEPARTMENT: "departmentNumbr"}}, "options.attributes"),
        ({"flavor": Flavor.ACTIVE_DIRECTORY}, "options.flavor"),
    ],
)
def test_what_the_directory_schema_refuses_is_the_configurations_never_a_transient_fault(
    slapd: Slapd, options: dict[str, Any], key: str
) -> None:
    slapd.add_person("ana", mail=["ana@example.org"])
    c = connector(slapd, **options)
    with pytest.raises(ConnectorError) as caught:
        c.pull(None)
    assert not isinstance(caught.value, Transient), caught.value
    assert key in str(caught.value)


# ------------------------------------------------------------------- a failed listing removes and retires no one


def _distribution(root: Path, server: Slapd, group: str) -> Path:
    _secret(root)
    for name in ("ana", "bob"):
        (root / name).mkdir(exist_ok=True)
    config = root / "config.yaml"
    config.write_text(
        f"""
store: {{url: "sqlite:///{root / "store.db"}"}}
distribute:
  - name: company
    source: directory
    container: Company directory
    targets: [ana, bob]
    brake: {{max_deletes: 50, max_delete_ratio: 0.5}}
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "{server.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", password_file: reader-password,
                   group: "{group}"}}
      - {{name: ana, type: vdir, options: {{path: {root / "ana"}}}}}
      - {{name: bob, type: vdir, options: {{path: {root / "bob"}}}}}
"""
    )
    return config


@needs_slapd
def test_a_distribution_whose_group_is_missing_names_options_group_and_removes_no_one(
    slapd: Slapd, tmp_path: Path
) -> None:
    dns = [slapd.add_person(f"p{i}", mail=[f"p{i}@example.org"]) for i in range(5)]
    staff = slapd.add_group("staff", dns)

    # first run, the group mistyped: an error naming the option, not "0 joined" and all well
    typo = _distribution(tmp_path, slapd, f"cn=stafff,{GROUPS}")
    started = time.monotonic()
    code, out = cli_run(typo, "distribute")
    assert "could not be read" in out and "options.group" in out, out
    assert "joined" not in out
    assert time.monotonic() - started < 10  # not retried as if the server were down
    code, out = cli_run(typo, "status")
    assert code != 0 and ": OK;" not in out and "0 people" in out, out

    config = _distribution(tmp_path, slapd, staff)
    code, out = cli_run(config, "distribute")
    assert code == 0, out
    assert len(cards(tmp_path / "bob")) == 5

    # the group is renamed in the directory: no one "left the source", and no --allow-deletes is offered
    slapd.delete(staff)
    slapd.add_group("employees", dns)
    for args in (["distribute"], ["distribute", "--allow-deletes"]):
        code, out = cli_run(config, *args)
        assert "could not be read" in out and "options.group" in out, out
        assert "joined" not in out and "left the source" not in out and "--allow-deletes" not in out, out
    assert len(cards(tmp_path / "bob")) == 5 and len(cards(tmp_path / "ana")) == 5
    code, out = cli_run(config, "distribute", "--status")
    assert "5 people" in out and "brake" not in out, out


@needs_slapd
def test_a_template_whose_group_is_missing_retires_no_book(slapd: Slapd, tmp_path: Path) -> None:
    dns = [slapd.add_person(u, displayName=f"{u.title()} Person", mail=[f"{u}@example.org"]) for u in ("ana", "bia")]
    staff = slapd.add_group("staff", dns)
    _secret(tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""\
store: {{url: "sqlite:///{tmp_path / "store.db"}"}}
templates:
  - name: staff
    source: directory
    book:
      name: "{{user}}"
      accounts:
        - {{name: "phone-{{user}}", type: vdir, options: {{path: "{tmp_path}/phones/{{username}}"}}}}
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "{slapd.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", password_file: reader-password,
                   group: "{staff}"}}
"""
    )
    code, out = cli_run(config, "config", "expand", "--apply")
    assert code == 0 and "2 books" in out, out
    slapd.delete(staff)
    code, out = cli_run(config, "config", "expand")
    assert code != 0 and "options.group" in out, out
    assert "retired" not in out
    code, out = cli_run(config, "config", "expand", "--apply")
    assert code != 0 and "retired" not in out, out
    # the group is back: both books are still active, none returns from retirement
    slapd.add_group("staff", dns)
    code, out = cli_run(config, "config", "expand")
    assert code == 0 and "0 retired" in out and "returns" not in out, out


# ------------------------------------------------------------------------------------------ a photo over the cap

SMALL = b"\xff\xd8\xff\xe0" + b"s" * 2_000
BIG = b"\xff\xd8\xff\xe0" + b"b" * 1_200_000


@needs_slapd
def test_a_photo_over_the_cap_is_said_per_person_and_per_account_without_personal_data(
    slapd: Slapd, caplog: pytest.LogCaptureFixture
) -> None:
    slapd.add_person("small", cn="Sam Small", mail=["small@example.org"], jpegPhoto=[SMALL])
    slapd.add_person("big", cn="Bea Big", givenName="Bea", mail=["bea.big@example.org"], jpegPhoto=[BIG])
    c = connector(slapd)
    with caplog.at_level(logging.INFO, logger="contactsync"):
        first = c.pull(None)
    by = {rc.contact.emails[0].address: rc for rc in first.changed}
    assert by["small@example.org"].contact.photo is not None and by["small@example.org"].left_behind == ()
    big = by["bea.big@example.org"]
    assert big.contact.photo is None
    assert [field for field, _ in big.left_behind] == ["photo"]
    notices = {n.code: n.message for n in first.notices}
    assert "1 photo" in notices["photos-over-cap"] and "photo_max_bytes" in notices["photos-over-cap"]
    said = " ".join([*notices.values(), *(r.getMessage() for r in caplog.records)])
    assert "photo" in " ".join(r.getMessage() for r in caplog.records)  # the log says so too (distributions)
    for personal in ("bea", "Bea", "big@", "Big", "uid="):
        assert personal not in said

    # the cap is the book's photo_max_bytes: raised, the photo travels
    assert connector(slapd, photo_max_bytes=2_000_000).pull(None).notices == ()


@needs_slapd
def test_a_book_reading_the_directory_shows_the_photo_left_out_and_honours_its_photo_max_bytes(
    slapd: Slapd, tmp_path: Path
) -> None:
    slapd.add_person("big", cn="Bea Big", mail=["big@example.org"], jpegPhoto=[BIG])
    _secret(tmp_path)

    def config(name: str, extra: str) -> Path:
        (tmp_path / name).mkdir()
        path = tmp_path / f"{name}.yaml"
        path.write_text(
            f"""
store: {{url: "sqlite:///{tmp_path / name / "store.db"}"}}
books:
  - name: company
    {extra}
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "{slapd.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}",
                   password_file: {tmp_path / "reader-password"}}}
      - {{name: phone, type: vdir, options: {{path: {tmp_path / name}}}}}
"""
        )
        return path

    capped = config("capped", "schedule: every 1h")
    code, out = cli_run(capped, "sync")
    assert code == 0, out
    code, out = cli_run(capped, "status")
    assert "1 photo(s) over photo_max_bytes" in out, out
    assert "PHOTO" not in next((tmp_path / "capped").glob("*.vcf")).read_text()
    code, out = cli_run(capped, "person", "show", "big@example.org")
    assert code == 0 and "photo" in out and "over photo_max_bytes (1000000 bytes)" in out, out

    raised = config("raised", "photo_max_bytes: 2000000")
    code, out = cli_run(raised, "sync")
    assert code == 0, out
    assert "PHOTO" in next((tmp_path / "raised").glob("*.vcf")).read_text()
    code, out = cli_run(raised, "status")
    assert "photo_max_bytes" not in out, out


# ------------------------------------------------------------------------------- mode: pull-only in config check


def _check(root: Path, yaml: str) -> tuple[int, str]:
    _secret(root)
    (root / "phone").mkdir(exist_ok=True)
    config = root / "config.yaml"
    config.write_text(f'store: {{url: "sqlite:///{root / "store.db"}"}}\n' + yaml)
    return cli_run(config, "config", "check")


_LDAP_OPTIONS = (
    '{url: "ldap://127.0.0.1:1", base_dn: "ou=people,dc=example,dc=org", bind_dn: "cn=reader,dc=example,dc=org", '
    "password_file: reader-password}"
)


@pytest.mark.parametrize("mode", ["", "        mode: two-way\n", "        mode: push-only\n"])
def test_config_check_refuses_a_book_reading_a_directory_that_is_not_pull_only(tmp_path: Path, mode: str) -> None:
    code, out = _check(
        tmp_path,
        f"""books:
  - name: company
    accounts:
      - name: directory
        type: ldap
{mode}        options: {_LDAP_OPTIONS}
      - {{name: phone, type: vdir, options: {{path: {tmp_path / "phone"}}}}}
""",
    )
    assert code == 2, out
    line = 7 if mode else 5  # the mode as written, or the account where it is missing
    assert f"config.yaml:{line}: at 'books[0].accounts[0].mode'" in out, out
    assert "pull-only" in out


def test_config_check_refuses_a_distribution_or_template_source_that_is_not_pull_only(tmp_path: Path) -> None:
    code, out = _check(
        tmp_path,
        f"""distribute:
  - name: company
    source: directory
    container: Company directory
    targets: [phone]
    accounts:
      - name: directory
        type: ldap
        options: {_LDAP_OPTIONS}
      - {{name: phone, type: vdir, options: {{path: {tmp_path / "phone"}}}}}
templates:
  - name: staff
    source: people
    book:
      name: "{{user}}"
      accounts:
        - {{name: "phone-{{user}}", type: vdir, options: {{path: "{tmp_path}/phones/{{username}}"}}}}
    accounts:
      - name: people
        type: ldap
        mode: two-way
        options: {_LDAP_OPTIONS}
""",
    )
    assert code == 2, out
    assert "config.yaml:8: at 'distribute[0].accounts[0].mode'" in out, out
    assert "config.yaml:22: at 'templates[0].accounts[0].mode'" in out, out
