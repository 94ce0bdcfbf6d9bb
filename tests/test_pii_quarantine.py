"""A quarantined card's id is shown without the login it holds.

A CardDAV card's id is its href, and a server's path names its user: Radicale's ``/ana.silva@example.com/…``,
Nextcloud's ``/remote.php/dav/addressbooks/users/ana.silva@example.com/…``. ``status`` and ``status --json``
listed a quarantined card by that href as it is. Now, with ``log.personal_data: false`` (the default), they show it
as a failed request's path is shown (:func:`contactsync.logs.shown_path`: the servers' words and opaque ids, the
rest "…") followed by a handle (``#`` and 6 hex of a hash of the id keyed by the store's own key,
tests/test_privacy2_handle.py), so two quarantined cards stay apart; with
``log.personal_data: true`` status is the admin's own tool and shows the id and the reason as they are.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.logs import item_handle, shown_item
from contactsync.store import Store
from contactsync.store.secrets import HANDLE_KEY

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
    assert f"quarantined {quarantined['id']} (since " in text.output, text.output
    assert quarantined.pop("since")
    if personal_data:
        # the admin asked for names: the href and the reason as they are
        assert quarantined == {"id": HREF, "reason": f"unreadable card: no BEGIN:VCARD line (from {EMAIL})"}
        return
    # the servers' words say where the card is, the handle which card; the login and the file name do not show
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        handle = item_handle(HREF, store.store_key(HANDLE_KEY))
    assert quarantined["id"] == f"/remote.php/dav/addressbooks/users/…/contacts/…{handle}", quarantined
    assert quarantined["reason"] == "unreadable card: no BEGIN:VCARD line (from …)", quarantined
    for shown in (text.output, as_json.output):
        assert_names_no_one(shown)
        assert "%40" not in shown and "Ana%20Silva" not in shown


def _two_folders(tmp_path: Path) -> Path:
    """A config of book b: vdir folders v (where the tests put unreadable files) and w."""
    (tmp_path / "v").mkdir()
    (tmp_path / "w").mkdir()
    config = tmp_path / "c.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path}/s.db'}}\nbooks:\n  - name: b\n    accounts:\n"
        f"      - {{name: v, type: vdir, options: {{path: '{tmp_path}/v'}}}}\n"
        f"      - {{name: w, type: vdir, options: {{path: '{tmp_path}/w'}}}}\n"
    )
    return config


def test_quarantined_vdir_files_are_told_apart_by_a_stable_handle(tmp_path: Path) -> None:
    # every *.vcf file name was shown as "…": three quarantined cards, one line each, no way to tell which is which
    config = _two_folders(tmp_path)
    names = ("ana.silva_example.com-7bda2560ce1b.vcf", "Ana Silva.vcf", "x.vcf")
    for name in names:
        (tmp_path / "v" / name).write_text("not a card\n")
    runner = CliRunner()
    runner.invoke(cli, ["-c", str(config), "sync"])
    first = json.loads(runner.invoke(cli, ["-c", str(config), "status", "--json"]).output)
    ids = [q["id"] for q in first["books"]["b"]["accounts"]["v"]["quarantined"]]
    assert len(ids) == 3 and len(set(ids)) == 3, ids
    assert all(re.fullmatch(r"…#[0-9a-f]{6}", i) for i in ids), ids
    text = runner.invoke(cli, ["-c", str(config), "status"]).output
    assert all(f"quarantined {i} (since " in text for i in ids), text
    assert "ana.silva" not in text and "Ana Silva" not in text, text
    # the same handle at the next status: the admin can follow an item
    again = json.loads(runner.invoke(cli, ["-c", str(config), "status", "--json"]).output)
    assert [q["id"] for q in again["books"]["b"]["accounts"]["v"]["quarantined"]] == ids


def test_status_says_since_when_an_item_is_quarantined(tmp_path: Path) -> None:
    """A card that stays unreadable keeps the time it was first found so; every run rewrote it, so status could not
    tell a card stuck for a month from one broken a minute ago."""
    config = _two_folders(tmp_path)
    (tmp_path / "v" / "broken.vcf").write_text("not a card\n")
    runner = CliRunner()

    def quarantined() -> list[dict[str, str]]:
        out = json.loads(runner.invoke(cli, ["-c", str(config), "status", "--json"]).output)
        return list(out["books"]["b"]["accounts"]["v"]["quarantined"])

    runner.invoke(cli, ["-c", str(config), "sync"])
    [first] = quarantined()
    assert first["since"]
    for text in ("still not a card\n", "nor now\n"):  # listed again each time (the file changed): the same item
        time.sleep(0.05)
        (tmp_path / "v" / "broken.vcf").write_text(text)
        runner.invoke(cli, ["-c", str(config), "sync"])
        [later] = quarantined()
        assert later["since"] == first["since"] and later["id"] == first["id"]
    text = runner.invoke(cli, ["-c", str(config), "status"]).output
    assert f"quarantined {first['id']} (since {first['since'][:10]}" in text, text


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
