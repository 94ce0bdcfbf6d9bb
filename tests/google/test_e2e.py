"""``contactsync sync`` end to end: a Google user on the People API emulator (service-account key generated
here), a vdir folder and a memory account in one YAML book. Two runs leave the same people and the same tag
counts everywhere, and the second writes nothing."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from click.testing import CliRunner, Result

from contactsync import registry
from contactsync.cli import EXIT_OK, cli
from contactsync.connectors.memory import BACKENDS, MemoryConnector, backend
from contactsync.connectors.vdir import VdirConnector
from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.model import Contact, Email, EmailKind, Name, Tag
from contactsync.normalize import normalize_contact

from .conftest import ALICE
from .helpers import connector_for, service_account_key


def person(n: int, tags: tuple[str, ...]) -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"Ana{n}", family="Souza"),
            emails=(Email(f"ana{n}@example.org", EmailKind.WORK),),
            tags=frozenset(Tag(t) for t in tags),
        )
    )


def test_two_syncs_through_the_cli_agree_everywhere(emulator: PeopleEmulator, tmp_path: Path) -> None:
    assert "google" in registry.available_types()
    (tmp_path / "google-key.json").write_text(service_account_key(emulator))
    (tmp_path / "google-key.json").chmod(0o600)  # a secret file others can read is refused by the configuration
    vdir = tmp_path / "vdir"
    vdir.mkdir()
    BACKENDS.pop("e2e-google-phone", None)
    phone = backend("e2e-google-phone")
    for n in range(3):
        phone.user_create(person(n, ("Team",)))
    vip = emulator.create_group(ALICE, "VIP")
    team = emulator.create_group(ALICE, "Team")
    emulator.seed(
        ALICE,
        [
            {
                "names": [{"givenName": "Bo", "familyName": "Lima"}],
                "emailAddresses": [{"value": "bo@example.org"}],
                "memberships": [{"contactGroupMembership": {"contactGroupResourceName": g}} for g in (team, vip)],
            },
            {
                "names": [{"givenName": "Cy", "familyName": "Reis"}],
                "emailAddresses": [{"value": "cy@example.org"}],
                "memberships": [{"contactGroupMembership": {"contactGroupResourceName": vip}}],
            },
        ],
    )
    config = tmp_path / "contactsync.yaml"
    config.write_text(f"""store:
  url: sqlite:///{tmp_path / "store.db"}
books:
  - name: staff
    accounts:
      - name: gmail
        type: google
        options:
          subject: {ALICE}
          service_account_file: google-key.json
          endpoint: {emulator.url}
          token_uri: {emulator.token_uri}
      - name: folder
        type: vdir
        options: {{path: {vdir}}}
      - name: phone
        type: memory
        options: {{backend: e2e-google-phone}}
""")
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)

    checked = run("config", "check")
    assert checked.exit_code == EXIT_OK, checked.output
    first = run("sync", "--json")
    assert first.exit_code == EXIT_OK, first.output
    second = run("sync", "--json")
    assert second.exit_code == EXIT_OK, second.output
    assert json.loads(second.stdout)["writes"] == 0
    emulator.reset_counters()
    third = run("sync", "--json")
    assert json.loads(third.stdout)["writes"] == 0
    assert emulator.requests[RequestKind.LIST_CONNECTIONS] == 1  # a quiet run: one listing call for Google

    connectors = {
        "gmail": connector_for(emulator, ALICE),
        "folder": VdirConnector("folder", vdir),
        "phone": MemoryConnector("phone", phone),
    }
    with contextlib.ExitStack() as stack:
        for c in connectors.values():
            stack.callback(c.close)
        people = {
            name: sorted(e.address for rc in c.pull(None).changed for e in rc.contact.emails)
            for name, c in connectors.items()
        }
        counts = {name: {t.key: n for t, n in c.tag_counts().items()} for name, c in connectors.items()}
    expected = ["ana0@example.org", "ana1@example.org", "ana2@example.org", "bo@example.org", "cy@example.org"]
    assert people == {"gmail": expected, "folder": expected, "phone": expected}
    assert counts == {name: {"team": 4, "vip": 2} for name in connectors}
    assert len({g["name"] for g in emulator.groups(ALICE) if g["groupType"] == "USER_CONTACT_GROUP"}) == 2
