"""A quarantined card's id is shown without the login it holds.

A CardDAV card's id is its href, and a server's path names its user: Radicale's ``/ana.silva@example.com/…``,
Nextcloud's ``/remote.php/dav/addressbooks/users/ana.silva@example.com/…``. ``status`` and ``status --json``
listed a quarantined card by that href as it is. Now they show it as a failed request's path is shown
(:func:`contactsync.logs.shown_path`): the servers' words and opaque ids, the rest "…". Status is masked whatever
``log.personal_data`` says: it is not a log, and it is pasted into tickets and read by monitors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.logs import shown_item
from contactsync.store import Store

from .test_pii_carddav import EMAIL, PASSWORD, assert_names_no_one

#: a card's href as the CardDAV connector records it when it cannot read the card (Nextcloud's path: the login,
#: and a file name another client made of its owner's name)
HREF = "/remote.php/dav/addressbooks/users/ana.silva@example.com/contacts/Ana%20Silva.vcf"


def _config(tmp_path: Path, *, personal_data: bool) -> Path:
    (tmp_path / "pw").write_text(PASSWORD)
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        f"log:\n  personal_data: {'true' if personal_data else 'false'}\n"
        "books:\n"
        "  - name: book\n"
        "    accounts:\n"
        "      - {name: dav, type: carddav, options: {url: 'https://dav.example.org/remote.php/dav/addressbooks/"
        f"users/{EMAIL}/contacts/', username: '{EMAIL}', password_file: {tmp_path / 'pw'}}}}}\n"
    )
    return config


@pytest.mark.parametrize("personal_data", [False, True], ids=["default", "personal-data-on"])
def test_status_shows_a_quarantined_card_without_the_login(tmp_path: Path, personal_data: bool) -> None:
    config = str(_config(tmp_path, personal_data=personal_data))
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store, store.transaction() as tx:
        # what a run that met the card records (tests/carddav/test_connector.py: the connector quarantines by href)
        tx.set_account_status(
            "dav", "book", run_id=1, result="ok", error=None, duration_s=0.1, brake_reason=None, summary={}
        )
        tx.set_quarantine("dav", {HREF: f"unreadable card: no BEGIN:VCARD line (from {EMAIL})"}, full=True)
    runner = CliRunner()
    text = runner.invoke(cli, ["--config", config, "status"])
    as_json = runner.invoke(cli, ["--config", config, "status", "--json"])
    [quarantined] = [
        q
        for b in json.loads(as_json.output)["books"].values()
        for a in b["accounts"].values()
        for q in a["quarantined"]
    ]
    # the servers' words say where the card is; the login and the card's file name do not show
    assert quarantined["id"] == "/remote.php/dav/addressbooks/users/…/contacts/…", quarantined
    assert quarantined["reason"] == "unreadable card: no BEGIN:VCARD line (from …)", quarantined
    assert f"quarantined {quarantined['id']}: " in text.output, text.output
    for shown in (text.output, as_json.output):
        assert_names_no_one(shown)
        assert "%40" not in shown and "Ana%20Silva" not in shown


def test_an_items_id_is_shown_by_the_rule_of_its_kind() -> None:
    nextcloud = (
        "/remote.php/dav/addressbooks/users/ana.silva@example.com/contacts/0b6c5b0e-4a3c-4f8e-9f5e-1c2d3e4f5a6b.vcf"
    )
    assert (
        shown_item(nextcloud)
        == "/remote.php/dav/addressbooks/users/…/contacts/0b6c5b0e-4a3c-4f8e-9f5e-1c2d3e4f5a6b.vcf"
    )
    assert shown_item("https://dav.example.org/anasilva/contacts/x.vcf", "anasilva") == "/…/contacts/…"
    # vdir's file name, made of a UID another client made of an email
    assert shown_item("ana.silva_example.com-7bda2560ce1b.vcf") == "…"
    # opaque ids (Outlook's, Google's, a directory's) are kept: the admin finds the item by them
    assert shown_item("people/c8123456789012345678") == "people/c8123456789012345678"
    assert shown_item("AAMkAGI2TG93AAA=") == "AAMkAGI2TG93AAA="
