"""``status --show-ids``: the admin at the terminal finds the file or card behind a quarantined item's handle.

By default ``status`` masks a quarantined item's id (a vdir file is named after a card's UID, often an email; a
CardDAV href holds the login) and shows a handle (``…#3f9a1c``) that tells items apart; its output is pasted into
tickets. An admin then had no way to find which file the handle stood for short of ``log.personal_data: true``,
which also writes personal data into every log line. ``--show-ids`` shows this output's ids and reasons in full,
each with the same handle, and changes nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from contactsync.cli import cli

BROKEN = "ana.souza@example.org.vcf"


def _setup(tmp_path: Path) -> Path:
    office, phone = tmp_path / "office", tmp_path / "phone"
    office.mkdir()
    phone.mkdir()
    (office / "bruno.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bruno\r\nFN:Bruno Lima\r\nN:Lima;Bruno;;;\r\nEND:VCARD\r\n"
    )
    (office / BROKEN).write_text("this is not a card\r\n")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n  - name: team\n    accounts:\n"
        f"      - {{name: office, type: vdir, options: {{path: {office}}}}}\n"
        f"      - {{name: phone, type: vdir, options: {{path: {phone}}}}}\n"
    )
    return config


def _quarantined(config: Path, *extra: str) -> tuple[list[str], str, int]:
    runner = CliRunner()
    shown = runner.invoke(cli, ["-c", str(config), "status", "--json", *extra], catch_exceptions=False)
    items = json.loads(shown.stdout)["books"]["team"]["accounts"]["office"]["quarantined"]
    text = runner.invoke(cli, ["-c", str(config), "status", *extra], catch_exceptions=False)
    return [q["id"] for q in items], text.stdout, shown.exit_code


def test_show_ids_names_the_file_behind_a_masked_handle(tmp_path: Path) -> None:
    config = _setup(tmp_path)
    CliRunner().invoke(cli, ["-c", str(config), "sync"], catch_exceptions=False)

    masked, masked_text, code = _quarantined(config)
    assert code == 5  # a quarantined item needs a look
    assert len(masked) == 1 and "ana" not in masked[0] and "example.org" not in masked[0]
    handle = masked[0][masked[0].rindex("#") :]
    assert len(handle) == 7 and "ana.souza" not in masked_text

    shown, shown_text, shown_code = _quarantined(config, "--show-ids")
    assert shown == [f"{BROKEN} {handle}"]  # the file's own name, and the handle the masked status showed
    assert f"quarantined {BROKEN} {handle}" in shown_text
    assert shown_code == code
    # what the flag shows is this output's only: the next plain status masks it again
    assert _quarantined(config)[0] == masked
