"""The CLI end to end on vdir accounts: what an admin types, what they see, what ends up in the folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contactsync.cli import EXIT_ATTENTION, EXIT_BRAKE, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, cli
from contactsync.config import sample_config


def card(
    uid: str, given: str, family: str, email: str, *, note: str = "", tags: str = "Team", version: str = "3.0"
) -> str:
    lines = [
        "BEGIN:VCARD",
        f"VERSION:{version}",
        f"UID:{uid}",
        f"N:{family};{given};;;",
        f"FN:{given} {family}",
        f"EMAIL;TYPE=WORK:{email}",
        f"CATEGORIES:{tags}",
    ]
    if note:
        lines.append(f"NOTE:{note}")
    return "\r\n".join([*lines, "END:VCARD", ""])


class Setup:
    def __init__(self, root: Path, *, note_rule: str = "newest", extra_account: str = "") -> None:
        self.root = root
        self.office = root / "office"
        self.phone = root / "phone"
        self.office.mkdir()
        self.phone.mkdir()
        self.config = root / "contactsync.yaml"
        self.config.write_text(f"""store:
  url: sqlite:///{root / "store.db"}
books:
  - name: staff
    conflicts:
      default: newest
      fields: {{note: {note_rule}}}
    brake: {{max_deletes: 2, max_delete_ratio: 0.5}}
    accounts:
      - name: office
        type: vdir
        options: {{path: {self.office}}}
      - name: phone
        type: vdir
        options: {{path: {self.phone}}}
{extra_account}""")
        self.runner = CliRunner()

    def cli(self, *args: str) -> Result:
        return self.runner.invoke(cli, ["--config", str(self.config), *args], catch_exceptions=False)

    def people(self, folder: Path) -> list[str]:
        found = []
        for f in sorted(folder.glob("*.vcf")):
            m = re.search(r"^EMAIL[^:]*:(.+?)\r?$", f.read_text(), re.M)
            if m:
                found.append(m.group(1).lower())
        return sorted(found)


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    s = Setup(tmp_path)
    (s.office / "ana.vcf").write_text(card("o-ana", "Ana", "Souza", "ana@example.org"))
    (s.office / "bia.vcf").write_text(card("o-bia", "Bia", "Reis", "bia@example.org"))
    (s.phone / "ana2.vcf").write_text(card("p-ana", "Ana", "Souza", "ANA@Example.org", tags="Friends"))
    (s.phone / "caio.vcf").write_text(card("p-caio", "Caio", "Lins", "caio@example.org"))
    (s.phone / "dani.vcf").write_text(card("p-dani", "Dani", "Melo", "dani@example.org"))
    return s


def test_sync_merges_both_folders_and_a_second_run_writes_nothing(setup: Setup) -> None:
    first = setup.cli("sync")
    assert first.exit_code == EXIT_OK, first.output
    expected = ["ana@example.org", "bia@example.org", "caio@example.org", "dani@example.org"]
    assert setup.people(setup.office) == expected
    assert setup.people(setup.phone) == expected  # Ana matched across the case of her email: not duplicated
    ana = next(f for f in setup.phone.glob("*.vcf") if "Ana" in f.read_text())
    assert "Friends" in ana.read_text() and "Team" in ana.read_text()  # tags from both sides
    second = setup.cli("sync", "--json")
    assert second.exit_code == EXIT_OK
    assert json.loads(second.stdout)["writes"] == 0


def test_dry_run_changes_nothing_and_names_no_one_unless_asked(setup: Setup) -> None:
    before = {f: f.read_bytes() for f in setup.root.rglob("*.vcf")}
    result = setup.cli("sync", "--dry-run")
    assert result.exit_code == EXIT_OK
    assert "would create" in result.output and "would update" in result.output
    assert "Bia" not in result.output and "bia@example.org" not in result.output
    assert {f: f.read_bytes() for f in setup.root.rglob("*.vcf")} == before
    status = setup.cli("status", "--json")
    assert all(a["result"] == "never run" for a in json.loads(status.stdout)["books"]["staff"]["accounts"].values())
    shown = setup.cli("sync", "--dry-run", "--show-values")
    assert "Bia Reis" in shown.output


def test_delete_goes_to_trash_and_restore_brings_it_back_everywhere(setup: Setup) -> None:
    assert setup.cli("sync").exit_code == EXIT_OK
    (setup.office / "bia.vcf").unlink()
    assert setup.cli("sync").exit_code == EXIT_OK
    assert "bia@example.org" not in setup.people(setup.phone)
    listed = setup.cli("trash", "list", "--json")
    (entry,) = json.loads(listed.stdout)
    assert entry["name"] == "Bia Reis"
    restored = setup.cli("trash", "restore", entry["id"])
    assert restored.exit_code == EXIT_OK, restored.output
    assert setup.cli("sync").exit_code == EXIT_OK
    assert "bia@example.org" in setup.people(setup.office)
    assert "bia@example.org" in setup.people(setup.phone)
    history = setup.cli("history", entry["id"])
    assert "trash" in history.output and "restore" in history.output


def test_mass_delete_trips_the_brake_until_allowed(setup: Setup) -> None:
    assert setup.cli("sync").exit_code == EXIT_OK
    for f in list(setup.phone.glob("*.vcf"))[:3]:
        f.unlink()
    braked = setup.cli("sync")
    assert braked.exit_code == EXIT_BRAKE
    assert "brake" in braked.output and "--allow-deletes" in braked.output
    assert len(setup.people(setup.office)) == 4, "nothing may be deleted while the brake holds"
    status = setup.cli("status")
    assert status.exit_code == EXIT_BRAKE and "BRAKE" in status.output
    allowed = setup.cli("sync", "--allow-deletes")
    assert allowed.exit_code == EXIT_OK
    assert len(setup.people(setup.office)) == 1
    assert setup.cli("status").exit_code == EXIT_OK


def test_wiped_folder_is_refilled_after_a_reset(setup: Setup) -> None:
    assert setup.cli("sync").exit_code == EXIT_OK
    for f in setup.phone.glob("*.vcf"):
        f.unlink()
    assert setup.cli("sync").exit_code == EXIT_BRAKE
    refill = setup.cli("sync", "--reset-account", "phone")
    assert refill.exit_code == EXIT_OK, refill.output
    assert len(setup.people(setup.phone)) == 4 and len(setup.people(setup.office)) == 4


def test_manual_conflict_is_queued_and_resolved(tmp_path: Path) -> None:
    setup = Setup(tmp_path, note_rule="manual")
    (setup.office / "ana.vcf").write_text(card("o-ana", "Ana", "Souza", "ana@example.org", note="desk 4"))
    (setup.phone / "ana.vcf").write_text(card("p-ana", "Ana", "Souza", "ana@example.org", note="desk 7"))
    result = setup.cli("sync")
    assert "1 conflict queued" in result.output
    assert "desk 4" in (setup.office / "ana.vcf").read_text()  # each side keeps its own value meanwhile
    assert "desk 7" in (setup.phone / "ana.vcf").read_text()
    assert setup.cli("status").exit_code == EXIT_ATTENTION
    (conflict,) = json.loads(setup.cli("conflicts", "list", "--json").stdout)
    assert conflict["field"] == "note" and set(conflict["candidates"]) >= {"office", "phone"}
    bad = setup.cli("conflicts", "resolve", str(conflict["id"]), "--take", "nobody")
    assert bad.exit_code != EXIT_OK and "candidates" in bad.output
    ok = setup.cli("conflicts", "resolve", str(conflict["id"]), "--take", "phone")
    assert ok.exit_code == EXIT_OK, ok.output
    assert setup.cli("sync").exit_code == EXIT_OK
    assert "desk 7" in (setup.office / "ana.vcf").read_text()
    assert setup.cli("status").exit_code == EXIT_OK


def test_a_failing_account_does_not_stop_the_others(tmp_path: Path) -> None:
    setup = Setup(
        tmp_path,
        extra_account=f"""      - name: gone
        type: vdir
        options: {{path: {tmp_path / "does-not-exist"}}}
""",
    )
    (setup.office / "ana.vcf").write_text(card("o-ana", "Ana", "Souza", "ana@example.org"))
    result = setup.cli("sync")
    assert result.exit_code == EXIT_PARTIAL
    assert "error" in result.output
    assert setup.people(setup.phone) == ["ana@example.org"]


def test_logs_name_no_one_by_default(setup: Setup) -> None:
    result = setup.cli("-vv", "sync")
    assert result.exit_code == EXIT_OK
    for secret in ("Ana", "Souza", "ana@example.org", "bia@example.org", "Caio"):
        assert secret not in result.stderr


def test_config_errors_name_the_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("books:\n  - name: staff\n    acounts: []\n")
    result = CliRunner().invoke(cli, ["--config", str(bad), "config", "check"])
    assert result.exit_code == EXIT_USAGE
    assert "bad.yaml:3" in result.output and "did you mean 'accounts'" in result.output
    missing = CliRunner().invoke(cli, ["--config", str(tmp_path / "nope.yaml"), "sync"])
    assert missing.exit_code == EXIT_USAGE and "config sample" in missing.output


def test_config_sample_is_the_example_file() -> None:
    result = CliRunner().invoke(cli, ["config", "sample"])
    assert result.output == sample_config()
    assert result.output == (Path(__file__).parent.parent / "config" / "example.yaml").read_text()


def test_db_upgrade_reports_the_schema(setup: Setup) -> None:
    result = setup.cli("db", "upgrade")
    assert result.exit_code == EXIT_OK and "store schema at" in result.output


def test_data_rules_hold_back_a_contact_until_it_is_fixed_and_phones_are_written_nationally(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    text = setup.config.read_text().replace(
        "    brake:",
        "    default_region: US\n    rules: {required: [email_or_phone], phone_format: national}\n    brake:",
    )
    setup.config.write_text(text)
    (setup.office / "ana.vcf").write_text(
        card("o-ana", "Ana", "Souza", "ana@example.org").replace(
            "CATEGORIES", "TEL;TYPE=CELL:+14155550101\r\nCATEGORIES"
        )
    )
    (setup.office / "noone.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:o-x\r\nN:Nobody;Name;;;\r\nFN:Name Nobody\r\nEND:VCARD\r\n"
    )
    assert setup.cli("sync").exit_code == EXIT_OK
    phone_side = "".join(f.read_text() for f in setup.phone.glob("*.vcf"))
    assert "Nobody" not in phone_side, "a contact breaking a rule must not spread"
    assert "(415) 555-0101" in phone_side, "phones are written in the book's national format"
    status = setup.cli("status")
    assert status.exit_code == EXIT_ATTENTION
    assert "held back" in status.output and "neither an email" in status.output
    assert setup.cli("sync", "--json").stdout.count('"writes": 0') == 1, "national phones read back are no change"
    # the admin adds an email on the office side: the contact passes and is written everywhere
    (setup.office / "noone.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:o-x\r\nN:Nobody;Name;;;\r\nFN:Name Nobody\r\n"
        "EMAIL:nobody@example.org\r\nEND:VCARD\r\n"
    )
    assert setup.cli("sync").exit_code == EXIT_OK
    assert "nobody@example.org" in setup.people(setup.phone)
    assert setup.cli("status").exit_code == EXIT_OK


def test_an_unknown_book_is_named_with_the_books_there_are(setup: Setup) -> None:
    result = setup.runner.invoke(cli, ["--config", str(setup.config), "sync", "--book", "stuff"])
    assert result.exit_code == 2
    assert "no book named 'stuff'" in result.output and "staff" in result.output
