"""The google-directory source against the People API emulator: listings, sync tokens, joins and leaves, filters.

The emulator checks every request against the People API's discovery document (parameters, readMask paths) and
the delegated token's scopes; each test changes the domain the way a Workspace admin would (a user added,
edited, suspended, hidden from the directory, deleted; a shared contact published) and checks the next pull.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.connector import Change, ChangeKind
from contactsync.connectors.directory import DirectoryPerson
from contactsync.connectors.google_directory import GoogleDirectoryConnector, GoogleDirectoryOptions
from contactsync.emulators.google import PeopleEmulator, RequestKind
from contactsync.errors import AuthFailed, ConfigError, SyncTokenExpired
from contactsync.model import Field, PhoneKind
from contactsync.registry import build_connector
from contactsync.settings import AccountMode, AccountSettings, BookSettings, Secret, frozen_mapping
from tests.directory_support import cards_by_email, run_sync
from tests.google.helpers import SERVICE_ACCOUNT, private_key_pem

DIRECTORY_SCOPE = "https://www.googleapis.com/auth/directory.readonly"
READER = "reader@example.com"

_OPEN: list[GoogleDirectoryConnector] = []


@pytest.fixture
def emu() -> Iterator[PeopleEmulator]:
    with PeopleEmulator() as emulator:
        emulator.add_user(READER)
        emulator.add_service_account(SERVICE_ACCOUNT, scopes=(DIRECTORY_SCOPE,))
        yield emulator
        while _OPEN:
            _OPEN.pop().close()
        assert emulator.internal_errors == [] and emulator.refused == []


def key() -> str:
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "contactsync-test",
            "private_key_id": "k1",
            "private_key": private_key_pem(),
            "client_email": SERVICE_ACCOUNT,
            "client_id": "1234567890",
            "token_uri": "https://oauth2.googleapis.com/token",
        }
    )


def connector(emu: PeopleEmulator, **options: Any) -> GoogleDirectoryConnector:
    made = GoogleDirectoryConnector(
        "company",
        GoogleDirectoryOptions(
            subject=READER,
            service_account=key(),
            endpoint=emu.url,
            admin_endpoint=emu.url,
            token_uri=emu.token_uri,
            **options,
        ),
        region="US",
    )
    _OPEN.append(made)
    return made


def profile(emu: PeopleEmulator, given: str, family: str, **fields: Any) -> str:
    return "people/" + emu.workspace.add_profile(
        f"{given.lower()}@example.com",
        names=[{"givenName": given, "familyName": family, "displayName": f"{given} {family}"}],
        **fields,
    )


def entry(resource: str) -> str:
    return resource.removeprefix("people/")


def test_first_listing_maps_profiles_and_shared_contacts_of_the_callers_domain_only(emu: PeopleEmulator) -> None:
    ana = profile(
        emu,
        "Ana",
        "Souza",
        phoneNumbers=[{"value": "+1 212 555 0100", "type": "work"}, {"value": "+1 917 555 0101", "type": "mobile"}],
        organizations=[{"name": "Example", "department": "Platform", "title": "Engineer"}],
        addresses=[{"streetAddress": "1 Main St", "city": "New York", "postalCode": "10001", "type": "work"}],
    )
    bia = profile(emu, "Bia", "Reis")
    supplier = "people/" + emu.workspace.add_shared_contact(
        "example.com",
        names=[{"givenName": "Carl", "familyName": "Supplier"}],
        emailAddresses=[{"value": "carl@fabrikam.example"}],
    )
    emu.workspace.add_profile("other@elsewhere.example", names=[{"givenName": "Not", "familyName": "Ours"}])
    c = connector(emu, page_size=2)  # three people over two pages
    first = c.pull(None)
    found = {rc.ref.id: rc.contact for rc in first.changed}
    assert first.full and set(found) == {ana, bia, supplier} and first.present == set(found)
    a = found[ana]
    assert (a.name.given, a.name.family) == ("Ana", "Souza") and a.emails[0].address == "ana@example.com"
    assert [p.kind for p in a.phones] == [PhoneKind.WORK, PhoneKind.MOBILE]
    assert (a.organization, a.department, a.job_title) == ("Example", "Platform", "Engineer")
    assert a.addresses[0].locality == "New York"
    assert emu.methods["people.people.listDirectoryPeople"] == 2
    # only profiles, and only the fields asked for
    narrow = connector(emu, sources=("profiles",), fields=("names", "emails"))
    listed = narrow.pull(None).changed
    assert {rc.ref.id for rc in listed} == {ana, bia} and all(not rc.contact.phones for rc in listed)
    assert Field.PHONES not in narrow.capabilities.fields


def test_a_pull_with_the_sync_token_sees_joins_changes_and_leaves(emu: PeopleEmulator) -> None:
    ana, bia, caio = profile(emu, "Ana", "Souza"), profile(emu, "Bia", "Reis"), profile(emu, "Caio", "Lins")
    dora = profile(emu, "Dora", "Nova")
    c = connector(emu)
    first = c.pull(None)
    emu.reset_counters()
    quiet = c.pull(first.next_state)
    assert quiet.changed == [] and quiet.deleted == () and quiet.present == first.present
    assert emu.methods["people.people.listDirectoryPeople"] == 1
    emu.workspace.update(entry(ana), organizations=[{"title": "Head of Platform"}])  # change
    eva = profile(emu, "Eva", "Lopes")  # join
    emu.workspace.delete(entry(bia))  # leave: the account deleted
    emu.workspace.suspend(entry(caio))  # leave: suspended
    emu.workspace.hide(entry(dora))  # leave: hidden from the directory
    second = c.pull(quiet.next_state)
    assert not second.full
    assert {rc.ref.id: rc.contact.job_title for rc in second.changed} == {ana: "Head of Platform", eva: ""}
    assert set(second.deleted) == {bia, caio, dora}
    assert second.present == {ana, eva}
    emu.workspace.suspend(entry(caio), suspended=False)  # back from suspension: joins again
    third = c.pull(second.next_state)
    assert [rc.ref.id for rc in third.changed] == [caio] and third.deleted == ()


def test_the_department_filter_follows_people_in_and_out(emu: PeopleEmulator) -> None:
    ana = profile(emu, "Ana", "Souza", organizations=[{"department": "Sales"}])
    bia = profile(emu, "Bia", "Reis", organizations=[{"department": "Engineering"}])
    c = connector(emu, departments=frozenset({"sales"}), fields=("names", "emails"))
    first = c.pull(None)
    assert [rc.ref.id for rc in first.changed] == [ana]
    emu.workspace.update(entry(bia), organizations=[{"department": "Sales"}])  # joins the department
    emu.workspace.update(entry(ana), organizations=[{"department": "Support"}])  # leaves it
    second = c.pull(first.next_state)
    assert [rc.ref.id for rc in second.changed] == [bia] and second.deleted == (ana,)
    assert [p.id for p in c.people()] == [bia]


GROUP_SCOPE = "https://www.googleapis.com/auth/admin.directory.group.member.readonly"


def test_group_members_only_nested_groups_followed_and_membership_changes_seen(emu: PeopleEmulator) -> None:
    """Google Groups come from the Admin SDK: the subject must be an admin and the delegation hold its scope."""
    emu.add_service_account(SERVICE_ACCOUNT, scopes=(DIRECTORY_SCOPE, GROUP_SCOPE))
    emu.workspace.admins.add(READER)
    ana, bia, caio = profile(emu, "Ana", "Souza"), profile(emu, "Bia", "Reis"), profile(emu, "Caio", "Lins")
    supplier = "people/" + emu.workspace.add_shared_contact("example.com", names=[{"givenName": "Carl"}])
    emu.workspace.add_group("staff@example.com")
    emu.workspace.add_group("platform@example.com")
    emu.workspace.add_member("staff@example.com", "ana@example.com")
    emu.workspace.add_member("staff@example.com", "platform@example.com")
    emu.workspace.add_member("platform@example.com", "bia@example.com")  # through a nested group
    c = connector(emu, group="staff@example.com")
    first = c.pull(None)
    assert {rc.ref.id for rc in first.changed} == {ana, bia, supplier}  # shared contacts are not filtered
    emu.reset_counters()
    quiet = c.pull(first.next_state)
    assert quiet.changed == [] and quiet.deleted == ()
    assert emu.requests[RequestKind.LIST_DIRECTORY] == 1 and emu.requests[RequestKind.ADMIN_DIRECTORY] == 1
    emu.workspace.add_member("platform@example.com", "caio@example.com")  # joins: the person did not change
    emu.workspace.remove_member("staff@example.com", "ana@example.com")  # leaves the group
    second = c.pull(quiet.next_state)
    assert [rc.ref.id for rc in second.changed] == [caio] and second.deleted == (ana,)
    assert second.present == {bia, caio, supplier}
    assert c.pull(second.next_state).changed == []
    assert [p.id for p in c.people()] == sorted([bia, caio])
    # a subject that is no administrator cannot read groups: told so, with the fix
    emu.workspace.admins.clear()
    with pytest.raises(AuthFailed, match="administrator"):
        c.pull(second.next_state)


def test_a_group_without_its_delegated_scope_is_auth_failed_naming_it(emu: PeopleEmulator) -> None:
    emu.workspace.admins.add(READER)
    emu.workspace.add_group("staff@example.com")
    with pytest.raises(AuthFailed, match=re.escape(GROUP_SCOPE)):
        connector(emu, group="staff@example.com").pull(None)


def test_an_expired_sync_token_means_a_full_listing(emu: PeopleEmulator) -> None:
    profile(emu, "Ana", "Souza")
    c = connector(emu)
    first = c.pull(None)
    emu.faults.expire_sync_tokens()
    with pytest.raises(SyncTokenExpired):
        c.pull(first.next_state)
    with pytest.raises(SyncTokenExpired):
        c.pull("entra1:not-ours")
    assert c.pull(None).full


def test_a_missing_delegation_scope_is_auth_failed_naming_it(emu: PeopleEmulator) -> None:
    profile(emu, "Ana", "Souza")
    emu.add_service_account(SERVICE_ACCOUNT, scopes=("https://www.googleapis.com/auth/contacts",))
    with pytest.raises(AuthFailed, match=re.escape(DIRECTORY_SCOPE)):
        connector(emu).pull(None)


def test_people_lists_the_domains_users_not_its_shared_contacts(emu: PeopleEmulator) -> None:
    ana = profile(emu, "Ana", "Souza")
    emu.workspace.add_shared_contact("example.com", names=[{"givenName": "Carl"}])
    suspended = profile(emu, "Old", "Timer")
    emu.workspace.suspend(entry(suspended))
    assert connector(emu).people() == [DirectoryPerson(ana, "ana@example.com", "ana@example.com", "Ana Souza")]


def test_the_emulator_refuses_what_the_method_does_not_take(emu: PeopleEmulator) -> None:
    c = connector(emu)
    people = c._service.people()
    with pytest.raises(Exception, match="readMask"):
        c.api.execute(people.listDirectoryPeople(sources=["DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"]))
    with pytest.raises(Exception, match="pageSize"):
        c.api.execute(
            people.listDirectoryPeople(
                sources=["DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"], readMask="names", pageSize=1001
            )
        )
    emu.refused.clear()
    assert emu.requests[RequestKind.LIST_DIRECTORY] == 2


def test_the_directory_is_never_written_and_must_be_configured_pull_only(emu: PeopleEmulator) -> None:
    profile(emu, "Ana", "Souza")
    book = BookSettings(name="staff", accounts=())
    options = frozen_mapping({"subject": READER, "endpoint": emu.url, "token_uri": emu.token_uri})
    secrets = frozen_mapping({"service_account": Secret(key())})
    with pytest.raises(ConfigError, match=r"company\.mode.*pull-only"):
        build_connector(
            AccountSettings(name="company", type="google-directory", options=options, secrets=secrets), book
        )
    with pytest.raises(ConfigError, match="service_account_file"):
        build_connector(
            AccountSettings(name="company", type="google-directory", mode=AccountMode.PULL_ONLY, options=options), book
        )
    reader = AccountSettings(
        name="company", type="google-directory", mode=AccountMode.PULL_ONLY, options=options, secrets=secrets
    )
    c = build_connector(reader, book)
    listed = c.pull(None).changed[0]
    results = c.push([Change(ChangeKind.UPDATE, "cs-1", listed.contact, listed.ref)])
    assert not results[0].ok and "never writes" in str(results[0].error)
    assert c.capabilities.read_only
    c.close()


def test_directory_to_a_folder_end_to_end_join_change_leave(emu: PeopleEmulator, tmp_path: Path) -> None:
    """The whole product: `contactsync sync` carries the Workspace directory into a folder, then a change and a
    leave."""
    ana = profile(emu, "Ana", "Souza")
    profile(emu, "Bia", "Reis")
    folder = tmp_path / "phone"
    folder.mkdir()
    secret = tmp_path / "google-directory-key.json"
    secret.write_text(key())
    os.chmod(secret, 0o600)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""store:
  url: sqlite:///{tmp_path / "store.db"}
books:
  - name: directory
    brake: {{max_deletes: 5, max_delete_ratio: 0.9}}
    accounts:
      - name: company
        type: google-directory
        mode: pull-only
        options:
          subject: {READER}
          service_account_file: {secret}
          endpoint: {emu.url}
          token_uri: {emu.token_uri}
      - name: phone
        type: vdir
        options: {{path: {folder}}}
"""
    )
    run_sync(config)
    assert sorted(cards_by_email(folder)) == ["ana@example.com", "bia@example.com"]
    emu.workspace.update(entry(ana), organizations=[{"title": "Head of Platform"}])
    profile(emu, "Caio", "Lins")
    run_sync(config)
    assert "Head of Platform" in cards_by_email(folder)["ana@example.com"]
    assert sorted(cards_by_email(folder)) == ["ana@example.com", "bia@example.com", "caio@example.com"]
    emu.workspace.delete(entry(ana))
    run_sync(config)
    assert sorted(cards_by_email(folder)) == ["bia@example.com", "caio@example.com"]
    status = CliRunner().invoke(cli, ["--config", str(config), "status"], catch_exceptions=False)
    assert "1 in the trash" in status.output


def test_doctor_lists_one_person_and_names_the_scope_when_refused(emu: PeopleEmulator) -> None:
    from contactsync.checks import DoctorContext, Outcome
    from contactsync.registry import doctor_hook

    profile(emu, "Ana", "Souza")
    options = frozen_mapping({"subject": READER, "endpoint": emu.url, "token_uri": emu.token_uri})
    account = AccountSettings(
        name="company",
        type="google-directory",
        mode=AccountMode.PULL_ONLY,
        options=options,
        secrets=frozen_mapping({"service_account": Secret(key())}),
    )
    book = BookSettings(name="staff", accounts=(account,))
    hook = doctor_hook("google-directory")
    assert hook is not None
    [ok] = list(hook(DoctorContext(account, book)))
    assert ok.outcome is Outcome.PASS and "profiles and shared_contacts" in ok.detail
    emu.add_service_account(SERVICE_ACCOUNT, scopes=())  # delegation withdrawn in the Admin console
    [refused] = list(hook(DoctorContext(account, book)))
    assert refused.outcome is Outcome.FAIL and DIRECTORY_SCOPE in (refused.fix or "")


def test_changes_while_a_client_pages_neither_hide_nor_shift_anyone(emu: PeopleEmulator) -> None:
    """A full listing's pages are fixed when it starts; what changes meanwhile comes with the next sync token."""
    everyone = [profile(emu, f"User{n}", "Test") for n in range(6)]
    c = connector(emu)
    people = c._service.people()
    ask = {"sources": ["DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE"], "readMask": "names", "pageSize": 3,
           "requestSyncToken": True}  # fmt: skip
    first = c.api.execute(people.listDirectoryPeople(**ask))
    emu.workspace.update(entry(everyone[0]), names=[{"givenName": "Renamed"}])  # on the page already read
    emu.workspace.update(entry(everyone[4]), names=[{"givenName": "Moved"}])  # on the page still to come
    second = c.api.execute(people.listDirectoryPeople(**ask, pageToken=first["nextPageToken"]))
    listed = [p["resourceName"] for p in first["people"] + second["people"]]
    assert listed == everyone and "nextSyncToken" in second
    later = c.api.execute(people.listDirectoryPeople(**ask, syncToken=second["nextSyncToken"]))
    assert sorted(p["resourceName"] for p in later["people"]) == sorted([everyone[0], everyone[4]])
