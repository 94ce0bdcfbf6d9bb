"""On a real Radicale, through ``contactsync sync``: a group card's members that are not contactsync's survive a
tag change made in another account, as the server held them, and the next sync writes nothing.

A group may name any URI (RFC 6350 6.6.5: ``MEMBER:mailto:…``); before, a tag added on a phone made contactsync
rewrite such a member as ``urn:uuid:mailto:…`` on the server, in silence (see test_group_members.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli

from .conftest import DavServer
from .helpers import card, get_raw

_MEMBER = re.compile(r"^(X-ADDRESSBOOKSERVER-MEMBER|MEMBER)[;:]", re.IGNORECASE)

GROUPS = {
    "kind-group": (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:grp-team\r\nKIND:group\r\nFN:Team\r\n"
        "MEMBER:urn:uuid:ana\r\nMEMBER:mailto:outside@example.org\r\nMEMBER:tel:+1-555-555-0100\r\n"
        "MEMBER:urn:uuid:uid-not-here\r\nEND:VCARD\r\n"
    ),
    "apple-group": (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:grp-team\r\nFN:Team\r\nN:Team;;;;\r\nX-ADDRESSBOOKSERVER-KIND:group\r\n"
        "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:ana\r\nX-ADDRESSBOOKSERVER-MEMBER:mailto:outside@example.org\r\n"
        "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:uid-not-here\r\nEND:VCARD\r\n"
    ),
}


def _member_lines(text: str) -> list[str]:
    return [line for line in text.replace("\r\n ", "").splitlines() if _MEMBER.match(line)]


def _sync(config: Path) -> dict[str, dict[str, int]]:
    """``contactsync sync``: per account, its counts (pulled, created, updated, deleted, ...)."""
    result = CliRunner().invoke(cli, ["-c", str(config), "sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout
    counts: dict[str, dict[str, int]] = {}
    for line in result.stdout.splitlines():
        words = line.split()
        if words[:1] in (["dav"], ["phone"]):
            counts[words[0]] = {words[i]: int(words[i + 1]) for i in range(1, len(words) - 1, 2)}
    assert set(counts) == {"dav", "phone"}, result.stdout
    return counts


@pytest.mark.parametrize("style", ["kind-group", "apple-group"])
def test_a_tag_added_on_a_phone_keeps_the_groups_other_members_on_the_server(
    tmp_path: Path, radicale_server: DavServer, style: str
) -> None:
    server = radicale_server
    url = server.new_addressbook()
    version = "4.0" if style == "kind-group" else "3.0"
    for uid, given in (("ana", "Ana"), ("bruno", "Bruno"), ("carla", "Carla")):
        assert server.put_raw(f"{url}{uid}.vcf", card(uid, given, "Doe", version=version).encode()).status_code == 201
    assert server.put_raw(f"{url}team.vcf", GROUPS[style].encode()).status_code == 201
    held = get_raw(server, f"{url}team.vcf")  # the group as the server holds it, before contactsync writes it
    foreign = [line for line in _member_lines(held) if "urn:uuid:ana" not in line.lower()]
    assert any("mailto:outside@example.org" in line for line in foreign), held

    phone = tmp_path / "phone"
    phone.mkdir()
    (tmp_path / "pw").write_text(str(server.password))
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n  - name: team\n    accounts:\n"
        f"      - {{name: dav, type: carddav, options: {{url: '{url}', username: {server.username}, "
        f"password_file: '{tmp_path / 'pw'}', auth: basic, timeout: 10, group_style: {style}}}}}\n"
        f"      - {{name: phone, type: vdir, options: {{path: '{phone}'}}}}\n"
    )
    first = _sync(config)
    assert first["phone"]["created"] == 3, first

    # on the phone, Bruno joins the team (a tag change in another account)
    (bruno,) = [f for f in phone.iterdir() if "Bruno" in f.read_text()]
    bruno.write_text(bruno.read_text().replace("END:VCARD", "CATEGORIES:Team\r\nEND:VCARD"))
    second = _sync(config)
    assert second["dav"]["updated"] == 1, second

    written = get_raw(server, f"{url}team.vcf")
    members = _member_lines(written)
    for line in foreign:
        assert members.count(line) == 1, (line, written)
    assert "urn:uuid:mailto" not in written.lower() and "urn:uuid:tel" not in written.lower(), written
    assert len(members) == len(foreign) + 2, written  # Ana and Bruno, each once
    assert sum("urn:uuid:bruno" in line.lower() for line in members) == 1, written

    # and the next sync writes nothing, anywhere
    third = _sync(config)
    for account in ("dav", "phone"):
        assert (third[account]["created"], third[account]["updated"], third[account]["deleted"]) == (0, 0, 0), third
    assert get_raw(server, f"{url}team.vcf") == written
