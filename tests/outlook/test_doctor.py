"""The Outlook doctor hook against the Graph emulator, with each permission missing in turn, and through
``contactsync doctor`` as an admin runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.checks import CheckResult, DoctorContext, Outcome
from contactsync.cli import cli
from contactsync.connectors.outlook import doctor
from contactsync.emulators.outlook import GraphEmulator
from contactsync.settings import AccountMode

from .conftest import CLIENT_ID, SECRET, TENANT, USER
from .fixtures import account_settings, book_of, mailbox_config


def run(emu: GraphEmulator, *, write: bool = False, **options: object) -> dict[str, CheckResult]:
    account = account_settings(emu, **options)  # type: ignore[arg-type]
    results = list(doctor.run_checks(DoctorContext(account, book_of(account), write=write)))
    assert len({r.check for r in results}) == len(results)
    return {r.check: r for r in results}


def outcomes(results: dict[str, CheckResult]) -> dict[str, Outcome]:
    return {check: r.outcome for check, r in results.items()}


def test_what_the_readme_grants_passes_every_check_and_write_leaves_nothing(emulator: GraphEmulator) -> None:
    emulator.seed(USER, [{"givenName": "Ana"}])
    results = run(emulator, write=True)
    assert outcomes(results) == {
        doctor.CHECK_TOKEN: Outcome.PASS,
        doctor.CHECK_READ: Outcome.PASS,
        doctor.CHECK_FOLDER: Outcome.PASS,
        doctor.CHECK_DELTA: Outcome.PASS,
        doctor.CHECK_WRITE_PERMISSION: Outcome.PASS,
        doctor.CHECK_CATEGORIES: Outcome.PASS,
        doctor.CHECK_COLOURS: Outcome.PASS,
        doctor.CHECK_SIZE: Outcome.PASS,
        doctor.CHECK_WRITE: Outcome.PASS,
    }
    assert results[doctor.CHECK_SIZE].detail.startswith("1 contact:")
    assert [c["givenName"] for c in emulator.contacts(USER)] == ["Ana"]  # the scratch contact is gone


def test_without_write_nothing_is_created(emulator: GraphEmulator) -> None:
    results = run(emulator)
    assert results[doctor.CHECK_WRITE].outcome is Outcome.SKIP
    assert emulator.contacts(USER) == []
    assert len(emulator.master_categories(USER)) == 6  # Outlook's own six, untouched


@pytest.mark.parametrize(
    ("granted", "failing", "permission"),
    [
        (("Contacts.Read", "MailboxSettings.Read", "MailboxSettings.ReadWrite"), doctor.CHECK_WRITE_PERMISSION,
         "Contacts.ReadWrite"),
        (("MailboxSettings.Read", "MailboxSettings.ReadWrite"), doctor.CHECK_READ, "Contacts.ReadWrite"),
        (("User.Read",), doctor.CHECK_TOKEN, "admin consent"),
    ],
)  # fmt: skip
def test_a_missing_contacts_permission_fails_naming_it(
    emulator: GraphEmulator, granted: tuple[str, ...], failing: str, permission: str
) -> None:
    emulator.grant(TENANT, CLIENT_ID, granted)
    results = run(emulator)
    failed = [r for r in results.values() if r.outcome is Outcome.FAIL]
    assert [r.check for r in failed] == [failing]
    assert permission in f"{failed[0].detail} {failed[0].fix}"


@pytest.mark.parametrize(
    ("granted", "warned"),
    [
        (("Contacts.ReadWrite",), {doctor.CHECK_CATEGORIES: "MailboxSettings.Read", doctor.CHECK_COLOURS:
                                   "MailboxSettings.ReadWrite"}),
        (("Contacts.ReadWrite", "MailboxSettings.Read"), {doctor.CHECK_COLOURS: "MailboxSettings.ReadWrite"}),
        (("Contacts.ReadWrite", "MailboxSettings.ReadWrite"), {doctor.CHECK_CATEGORIES: "MailboxSettings.Read"}),
    ],
)  # fmt: skip
def test_missing_mailbox_settings_only_warn_naming_the_permission(
    emulator: GraphEmulator, granted: tuple[str, ...], warned: dict[str, str]
) -> None:
    emulator.grant(TENANT, CLIENT_ID, granted)
    results = run(emulator)
    assert not [r for r in results.values() if r.outcome is Outcome.FAIL]
    assert {c: r for c, r in results.items() if r.outcome is Outcome.WARN}.keys() == warned.keys()
    for check, permission in warned.items():
        fix = results[check].fix or ""
        assert f"→ {permission};" in fix and "Entra admin center" in fix and "admin consent" in fix


def test_a_pull_only_account_needs_no_write_permission(emulator: GraphEmulator) -> None:
    emulator.grant(TENANT, CLIENT_ID, ("Contacts.Read",))
    account = account_settings(emulator)
    pull_only = type(account)(
        name=account.name, type=account.type, options=account.options, secrets=account.secrets,
        mode=AccountMode.PULL_ONLY,
    )  # fmt: skip
    results = {r.check: r for r in doctor.run_checks(DoctorContext(pull_only, book_of(pull_only), write=True))}
    assert not [r for r in results.values() if r.outcome is Outcome.FAIL]
    assert results[doctor.CHECK_WRITE_PERMISSION].outcome is Outcome.SKIP
    assert results[doctor.CHECK_COLOURS].outcome is Outcome.SKIP


def test_a_folder_path_that_does_not_exist_fails_naming_the_option(emulator: GraphEmulator) -> None:
    emulator.add_folder(USER, "Kunden")
    assert run(emulator, folder="Kunden")[doctor.CHECK_FOLDER].outcome is Outcome.PASS
    missing = run(emulator, folder="Kunden/Nirgendwo")[doctor.CHECK_FOLDER]
    assert missing.outcome is Outcome.FAIL and "options.folder" in (missing.fix or "")


def test_an_unknown_mailbox_fails(emulator: GraphEmulator) -> None:
    results = run(emulator, mailbox="nobody@contoso.test")
    assert results[doctor.CHECK_READ].outcome is Outcome.FAIL
    assert "options.mailbox" in (results[doctor.CHECK_READ].fix or "")


def test_contactsync_doctor_says_colours_need_mailbox_settings_readwrite(
    emulator: GraphEmulator, tmp_path: Path
) -> None:
    emulator.grant(TENANT, CLIENT_ID, ("Contacts.ReadWrite",))
    config = mailbox_config(tmp_path, emulator)
    runner = CliRunner(env={"GRAPH_CLIENT_SECRET": SECRET})
    result = runner.invoke(cli, ["--config", str(config), "doctor", "--json", "mailbox"], catch_exceptions=False)
    report = json.loads(result.stdout)
    ours = {r["check"]: r for r in report["results"] if r["account"] == "mailbox"}
    assert ours["colours"]["outcome"] == "warn"
    assert "MailboxSettings.ReadWrite" in ours["colours"]["detail"]
    assert ours["contacts write"]["outcome"] == "pass"
    # warnings only: tags sync, so the exit code says all is usable
    assert result.exit_code == 0, result.stdout
