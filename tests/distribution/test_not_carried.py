"""What a target cannot hold of a distributed person is never dropped in silence (issue #15, as for books): an
Outlook mailbox holds three of a person's five addresses and two of their four work numbers; ``distribute``
counts it per field and reason (text and JSON), the journal holds it per person (``contactsync person show``),
``distribute --status`` shows the last run's count, and no log line or output names the person or the values.
A person every target holds whole raises nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contactsync.cli import cli
from contactsync.connectors.outlook.mapping import LOSSY
from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.outlook import GraphEmulator
from contactsync.model import Field
from contactsync.store import Store
from tests.daemon_support import CLIENT_SECRET, graph_mailbox, outlook_account
from tests.distribution.support import CONTAINER, cycle, directory_account, distribution, distributor, vdir_account
from tests.google.helpers import google_account
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd, available
from tests.outlook.conftest import CLIENT_ID, SECRET, TENANT
from tests.outlook.fixtures import account_settings

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

MAILBOX = "ana@contoso.test"
EMAILS = f"emails: {LOSSY[Field.EMAILS]}"
PHONES = f"phones: {LOSSY[Field.PHONES]}"


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def invoke(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def test_what_an_outlook_target_cannot_hold_is_counted_and_journaled(
    slapd: Slapd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slapd.add_person(
        "p0",
        givenName="Many",
        mail=[f"m{i}@example.org" for i in range(5)],
        telephoneNumber=[f"+55 11 3000-000{i}" for i in range(4)],
    )
    slapd.add_person("p1", givenName="Few", mail=["few@example.org"])
    monkeypatch.setenv("GRAPH_CLIENT_SECRET", CLIENT_SECRET)
    (tmp_path / "reader-password").write_text(READER_PASSWORD)
    with graph_mailbox(MAILBOX) as graph:
        config = tmp_path / "config.yaml"
        config.write_text(
            f"""
store: {{url: "sqlite:///{tmp_path / "store.db"}"}}
distribute:
  - name: company
    source: directory
    container: Company directory
    default_region: BR
    targets: [o-ana]
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "{slapd.url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", password_file: reader-password}}
"""
            + outlook_account("o-ana", graph, MAILBOX)
            + "          folder: Company directory\n"
        )
        ran = invoke(config, "distribute")
        assert ran.exit_code == 0, ran.output
        line = next(x for x in ran.output.splitlines() if x.startswith("  o-ana: 2 created"))
        assert "not carried: 1 contact" in line and "emails" in line and "phones" in line

        shown = invoke(config, "distribute", "--status")
        assert shown.exit_code == 0, shown.output
        assert "o-ana: 2 contacts, revision 1 (current), last ok; not carried: 1 contact" in shown.output
        as_json = json.loads(invoke(config, "distribute", "--status", "--json").stdout)
        target = as_json["distributions"][0]["targets"][0]
        assert target["error"] is None and target["not_carried"] == 1
        status = invoke(config, "status")
        assert status.exit_code == 0 and "distribution company: OK" in status.output, status.output

        # the journal holds it per person, by field and reason
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            rows = [store.journal_entry(i) for i in store.journal_ids("not-carried")]
        assert sorted((r.field, r.note, r.account, r.book) for r in rows if r is not None) == [
            ("emails", LOSSY[Field.EMAILS], "o-ana", "distribute:company"),
            ("phones", LOSSY[Field.PHONES], "o-ana", "distribute:company"),
        ]
        assert len({r.contact_id for r in rows if r is not None}) == 1

        # a quiet cycle writes nothing and so trims nothing: the count is the cycle's
        quiet = invoke(config, "distribute", "--json")
        assert quiet.exit_code == 0, quiet.output
        assert json.loads(quiet.stdout)["distributions"][0]["targets"][0]["not_carried"] == {}

        # a change to the person is written again without the same: counted again, per field and reason
        slapd.modify("uid=p0," + PEOPLE, {"title": ["Engineer"]})
        changed = invoke(config, "distribute", "--json")
        assert changed.exit_code == 0, changed.output
        counted = json.loads(changed.stdout)["distributions"][0]["targets"][0]
        assert counted["updated"] == 1 and counted["not_carried"] == {EMAILS: 1, PHONES: 1}

    for result in (ran, shown, quiet, changed):
        text = result.output + (result.stderr or "")
        assert "m3@example.org" not in text and "3000-0003" not in text and "30000003" not in text


def test_a_person_every_target_holds_whole_is_no_notice(slapd: Slapd, tmp_path: Path) -> None:
    """No false alarm: a person with what a company directory usually holds (a name, an address, a work number,
    a title, a department, a postal address) is carried whole to Outlook, Google and a folder of vCards: nothing is
    counted or journaled, so a count that does appear is worth reading."""
    slapd.add_person(
        "p0",
        cn="Ana Lima",
        givenName="Ana",
        sn="Lima",
        mail=["ana.lima@example.org"],
        telephoneNumber=["+55 11 3000-0001"],
        title=["Engineer"],
        ou=["Platform"],
        o=["Example"],
        street=["Rua Augusta 100"],
        l=["São Paulo"],
        postalCode=["01304-000"],
    )
    with GraphEmulator(seed=7) as graph, PeopleEmulator() as people:
        graph.add_tenant(TENANT)
        graph.add_app(TENANT, CLIENT_ID, secret=SECRET)
        graph.add_mailbox(TENANT, MAILBOX)
        people.add_user("bob@example.com")
        targets = [
            (account_settings(graph, name="o-ana", mailbox=MAILBOX, folder=CONTAINER), None),
            (google_account(people, "bob@example.com", "g-bob"), None),
            (vdir_account("carla", tmp_path / "carla"), None),
        ]
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
            report = cycle(distributor(store, distribution(directory_account(slapd), targets)))
            assert [(t.account, t.created, t.error) for t in report.targets] == [
                ("o-ana", 1, None),
                ("g-bob", 1, None),
                ("carla", 1, None),
            ]
            assert [(t.not_carried, t.not_carried_contacts) for t in report.targets] == [((), 0)] * 3
            assert store.journal_ids("not-carried") == []
