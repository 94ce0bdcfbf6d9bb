"""``status``'s tag counts say when they are old. Counts are read after a run that went well; an account whose
last run failed (its folder turned into a file here) still shows what its last good run read. status showed those
as if read now, with the legend of marks printed whether a mark appeared or not. Now such an account's cells carry
``*`` and the legend explains only the marks shown; ``--json`` says ``stale`` per cell."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from contactsync.cli import cli


def _card(uid: str, name: str) -> str:
    given, family = name.split()
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{name}", f"N:{family};{given};;;", "CATEGORIES:Staff"]
    return "\r\n".join([*lines, "END:VCARD", ""])


def _run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-c", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def test_tag_counts_of_an_account_whose_last_run_failed_are_marked_as_old(tmp_path: Path) -> None:
    office, phone = tmp_path / "office", tmp_path / "phone"
    office.mkdir()
    phone.mkdir()
    (office / "ana.vcf").write_text(_card("ana", "Ana Souza"))
    (office / "bruno.vcf").write_text(_card("bruno", "Bruno Lima"))
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n  - name: team\n    accounts:\n"
        f"      - {{name: office, type: vdir, options: {{path: {office}}}}}\n"
        f"      - {{name: phone, type: vdir, options: {{path: {phone}}}}}\n"
    )
    assert _run(config, "sync")[0] == 0
    code, text = _run(config, "status")
    assert code == 0
    assert "2 / 2" in text and "*" not in text
    assert "differs from the store" not in text  # no mark shown: no legend

    office.rename(tmp_path / "office-moved")
    office.write_text("not a folder")
    assert _run(config, "sync")[0] == 3
    code, text = _run(config, "status")
    assert code == 3
    staff = next(line for line in text.splitlines() if line.strip().startswith("Staff"))
    assert staff.split()[1:] == ["2", "/", "2", "*", "2", "/", "2"]  # office's old count marked, phone's as read now
    assert "* read by an earlier run" in text and "differs from the store" not in text
    cells = json.loads(_run(config, "status", "--json")[1])["books"]["team"]["tags"][0]["accounts"]
    assert cells["office"]["stale"] is True and cells["phone"]["stale"] is False
