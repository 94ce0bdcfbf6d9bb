"""The Google doctor hook (``contactsync.connectors.google.doctor``) against the People emulator, with each
permission Google can withhold missing in turn: no domain-wide delegation, a subject outside the domain, the People
API disabled, a read-only user authorization, a clock minutes off, an account at its 25,000-contact limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from contactsync import registry
from contactsync.checks import CheckResult, DoctorContext, Outcome
from contactsync.connectors.google import doctor
from contactsync.emulators.google import PeopleEmulator
from contactsync.settings import AccountMode, AccountSettings, BookSettings, Secret, frozen_mapping

from .conftest import ALICE
from .helpers import SERVICE_ACCOUNT, google_account, private_key_pem

READONLY = "https://www.googleapis.com/auth/contacts.readonly"


def checks(account: AccountSettings, *, write: bool = False) -> dict[str, CheckResult]:
    results = list(doctor.run_checks(DoctorContext(account, BookSettings("book", (account,)), write=write)))
    names = [r.check for r in results]
    assert len(names) == len(set(names)), names
    return {r.check: r for r in results}


def outcomes(results: dict[str, CheckResult]) -> dict[str, Outcome]:
    return {name: r.outcome for name, r in results.items()}


def test_the_hook_is_what_the_google_type_offers(monkeypatch: pytest.MonkeyPatch) -> None:
    # the type's hook imports the checks only when called (start-up, #18): it must hand over to them
    seen: list[DoctorContext] = []
    monkeypatch.setattr(doctor, "run_checks", lambda context: seen.append(context) or iter(()))
    hook = registry.doctor_hook("google")
    assert hook is not None
    account = AccountSettings("g", "google")
    context = DoctorContext(account, BookSettings("book", (account,)))
    assert list(hook(context)) == [] and seen == [context]


def test_a_healthy_account_passes_and_writes_only_with_write(emulator: PeopleEmulator) -> None:
    account = google_account(emulator, ALICE)
    read_only = checks(account)
    assert outcomes(read_only) == {
        "credentials": Outcome.PASS,
        "token": Outcome.PASS,
        "clock": Outcome.PASS,
        "contacts read": Outcome.PASS,
        "size": Outcome.PASS,
        "labels": Outcome.PASS,
        "contacts write": Outcome.PASS,
        "write": Outcome.SKIP,
    }
    assert emulator.persons(ALICE) == [] and emulator.refused == []
    written = checks(account, write=True)
    assert written["write"].outcome is Outcome.PASS, written["write"]
    assert emulator.persons(ALICE) == []  # the scratch contact is gone again
    assert emulator.methods["people.people.batchCreateContacts"] == 1


def test_without_domain_wide_delegation_the_token_fails_and_names_the_admin_console(emulator: PeopleEmulator) -> None:
    account = google_account(emulator, ALICE)
    emulator.add_service_account(SERVICE_ACCOUNT, scopes=())  # the client ID is not in the delegation list
    results = checks(account)
    token = results["token"]
    assert token.outcome is Outcome.FAIL and "delegation" in token.detail
    assert token.fix is not None
    assert "Admin console → Security" in token.fix and "Domain-wide delegation" in token.fix
    assert "1234567890" in token.fix and "https://www.googleapis.com/auth/contacts" in token.fix
    assert "contacts read" not in results  # nothing more can be checked without a token


def test_delegation_of_the_read_only_scope_is_not_enough(emulator: PeopleEmulator) -> None:
    account = google_account(emulator, ALICE)
    emulator.add_service_account(SERVICE_ACCOUNT, scopes=(READONLY,))
    token = checks(account)["token"]
    assert token.outcome is Outcome.FAIL and token.fix is not None and "auth/contacts" in token.fix


def test_a_subject_outside_the_domain_is_named(emulator: PeopleEmulator) -> None:
    token = checks(google_account(emulator, "nobody@example.com"))["token"]
    assert token.outcome is Outcome.FAIL and "options.subject" in token.detail


def test_a_deleted_key_says_to_make_a_new_one(emulator: PeopleEmulator) -> None:
    account = google_account(emulator, ALICE)
    other = json.loads(account.secrets["service_account"].value) | {"client_email": "gone@x.iam.gserviceaccount.com"}
    gone = AccountSettings(
        account.name,
        "google",
        options=account.options,
        secrets=frozen_mapping({"service_account": Secret(json.dumps(other), "test")}),
    )
    token = checks(gone)["token"]
    assert token.outcome is Outcome.FAIL and token.fix is not None and "Keys" in token.fix


def test_the_people_api_disabled_names_the_cloud_console(emulator: PeopleEmulator) -> None:
    emulator.api_enabled = False
    results = checks(google_account(emulator, ALICE))
    assert results["token"].outcome is Outcome.PASS
    read = results["contacts read"]
    assert read.outcome is Outcome.FAIL and read.fix is not None
    assert "Cloud console" in read.fix and "People API" in read.fix and "Enable" in read.fix


@pytest.fixture
def user_account(emulator: PeopleEmulator, tmp_path: Path) -> Iterator[tuple[PeopleEmulator, Path]]:
    yield emulator, tmp_path / "google.token.json"


def _user_account(emulator: PeopleEmulator, token_file: Path, scopes: tuple[str, ...]) -> AccountSettings:
    token_file.write_text(
        json.dumps(
            {
                "refresh_token": emulator.refresh_token_for(ALICE, scopes),
                "client_id": "desktop-client",
                "client_secret": "s",
                "token_uri": emulator.token_uri,
                "scopes": list(scopes),
            }
        )
    )
    token_file.chmod(0o600)
    return AccountSettings(
        "mine",
        "google",
        options=frozen_mapping(
            {"token_file": str(token_file), "endpoint": emulator.url, "token_uri": emulator.token_uri}
        ),
    )


def test_a_read_only_user_authorization_can_read_but_not_write(user_account: tuple[PeopleEmulator, Path]) -> None:
    emulator, token_file = user_account
    results = checks(_user_account(emulator, token_file, (READONLY,)))
    assert outcomes(results)["contacts read"] is Outcome.PASS
    assert outcomes(results)["labels"] is Outcome.PASS
    write = results["contacts write"]
    assert write.outcome is Outcome.FAIL and write.fix is not None and "contactsync auth mine" in write.fix
    full = checks(_user_account(emulator, token_file, ("https://www.googleapis.com/auth/contacts",)))
    assert full["contacts write"].outcome is Outcome.PASS


def test_a_missing_user_authorization_says_to_sign_in(emulator: PeopleEmulator, tmp_path: Path) -> None:
    account = AccountSettings(
        "mine", "google", options=frozen_mapping({"token_file": str(tmp_path / "none.json"), "endpoint": emulator.url})
    )
    result = checks(account)["credentials"]
    assert result.outcome is Outcome.FAIL and result.fix is not None and "contactsync auth mine" in result.fix


def test_a_pull_only_account_is_not_probed_for_writes(emulator: PeopleEmulator) -> None:
    account = google_account(emulator, ALICE)
    pull_only = AccountSettings(
        account.name, "google", mode=AccountMode.PULL_ONLY, options=account.options, secrets=account.secrets
    )
    results = checks(pull_only, write=True)
    assert results["contacts write"].outcome is Outcome.SKIP and results["write"].outcome is Outcome.SKIP
    assert emulator.methods["people.contactGroups.delete"] == 0


def test_a_clock_minutes_off_is_a_failure_and_one_off_by_two_a_warning(emulator: PeopleEmulator) -> None:
    account = google_account(emulator, ALICE)
    emulator.clock.advance(timedelta(minutes=2))  # Google's Date header runs ahead of us
    assert checks(account)["clock"].outcome is Outcome.WARN
    emulator.clock.advance(timedelta(minutes=8))
    clock = checks(account)["clock"]
    assert clock.outcome is Outcome.FAIL and "behind" in clock.detail and clock.fix is not None


def test_an_account_near_and_at_the_contact_limit(emulator: PeopleEmulator) -> None:
    account = google_account(emulator, ALICE)
    emulator.seed(ALICE, [{"names": [{"givenName": f"N{n}"}]} for n in range(22_600)])
    near = checks(account)["size"]
    assert near.outcome is Outcome.WARN and "22,600" in near.detail
    emulator.seed(ALICE, [{"names": [{"givenName": f"M{n}"}]} for n in range(2_400)])
    full = checks(account)["size"]
    assert full.outcome is Outcome.FAIL and full.fix is not None and "pull-only" in full.fix


def test_no_check_names_a_person(emulator: PeopleEmulator) -> None:
    emulator.seed(ALICE, [{"names": [{"givenName": "Zelda"}], "emailAddresses": [{"value": "zelda@x.org"}]}])
    text = json.dumps([r.__dict__ for r in checks(google_account(emulator, ALICE), write=True).values()], default=str)
    assert "Zelda" not in text and "zelda@" not in text and ALICE not in text
    assert private_key_pem()[40:80] not in text
