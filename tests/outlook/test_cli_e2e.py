"""``contactsync sync`` end to end: an Outlook mailbox on the emulator, a vdir folder and a memory account in one
YAML book. Two runs leave the same people and the same tag counts everywhere, and the second writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from contactsync import registry
from contactsync.cli import EXIT_OK, cli
from contactsync.connectors.memory import BACKENDS, MemoryConnector, backend
from contactsync.connectors.vdir import VdirConnector
from contactsync.emulators.outlook import GraphEmulator
from contactsync.model import Contact, Email, EmailKind, Name, Tag
from contactsync.normalize import normalize_contact

from .conftest import SECRET, USER
from .fixtures import mailbox_config, outlook


def person(n: int, tags: tuple[str, ...]) -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"Ana{n}", family="Souza"),
            emails=(Email(f"ana{n}@example.org", EmailKind.WORK),),
            tags=frozenset(Tag(t) for t in tags),
        )
    )


def test_two_syncs_through_the_cli_agree_everywhere(emulator: GraphEmulator, tmp_path: Path) -> None:
    assert "outlook" in registry.available_types()
    vdir = tmp_path / "vdir"
    vdir.mkdir()
    BACKENDS.pop("e2e-phone", None)
    phone = backend("e2e-phone")
    for n in range(3):
        phone.user_create(person(n, ("Team",)))
    emulator.seed(
        USER,
        [
            {
                "givenName": "Bo",
                "surname": "Lima",
                "categories": ["Team", "VIP"],
                "emailAddresses": [{"address": "bo@example.org"}],
            },
            {
                "givenName": "Cy",
                "surname": "Reis",
                "categories": ["VIP"],
                "emailAddresses": [{"address": "cy@example.org"}],
            },
        ],
    )
    config = mailbox_config(
        tmp_path,
        emulator,
        f"""      - name: folder
        type: vdir
        options: {{path: {vdir}}}
      - name: phone
        type: memory
        options: {{backend: e2e-phone}}
""",
    )
    runner = CliRunner(env={"GRAPH_CLIENT_SECRET": SECRET})

    def run(*args: str) -> Result:
        return runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)

    checked = run("config", "check")
    assert checked.exit_code == EXIT_OK, checked.output
    first = run("sync", "--json")
    assert first.exit_code == EXIT_OK, first.output
    second = run("sync", "--json")
    assert second.exit_code == EXIT_OK, second.output
    assert json.loads(second.stdout)["writes"] == 0

    connectors = {
        "mailbox": outlook(emulator),
        "folder": VdirConnector("folder", vdir),
        "phone": MemoryConnector("phone", phone),
    }
    try:
        people = {
            name: sorted(e.address for rc in c.pull(None).changed for e in rc.contact.emails)
            for name, c in connectors.items()
        }
        counts = {name: {t.key: n for t, n in c.tag_counts().items()} for name, c in connectors.items()}
    finally:
        for c in connectors.values():
            c.close()
    expected = ["ana0@example.org", "ana1@example.org", "ana2@example.org", "bo@example.org", "cy@example.org"]
    assert people == {"mailbox": expected, "folder": expected, "phone": expected}
    assert counts == {name: {"team": 4, "vip": 2} for name in connectors}
