"""The entra-directory source against the Graph emulator: listings, delta, joins and leaves, filters, permissions.

Each test changes the tenant the way an admin would in the Entra admin center (a user added, edited, disabled,
deleted; a group's members changed) and checks what the next pull reports, and how many Graph requests it took.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.connector import Change, ChangeKind, PullResult
from contactsync.connectors.directory import DirectoryPerson, Slot
from contactsync.connectors.entra_directory import EntraDirectoryConnector, EntraOptions
from contactsync.emulators.outlook import GraphEmulator, RequestKind
from contactsync.errors import AuthFailed, ConfigError, ConnectorError, SyncTokenExpired
from contactsync.model import Contact, EmailKind, PhoneKind
from contactsync.registry import build_connector
from contactsync.settings import AccountMode, AccountSettings, BookSettings, Secret, frozen_mapping
from tests.directory_support import cards_by_email, run_sync

TENANT = "contoso.test"
CLIENT_ID = "99999999-8888-7777-6666-555555555555"
SECRET = "directory reader secret"
ALL = ("User.Read.All", "GroupMember.Read.All", "OrgContact.Read.All")

_OPEN: list[EntraDirectoryConnector] = []


@pytest.fixture
def emu() -> Iterator[GraphEmulator]:
    with GraphEmulator(seed=3) as emulator:
        emulator.add_tenant(TENANT)
        emulator.add_app(TENANT, CLIENT_ID, secret=SECRET, permissions=ALL)
        yield emulator
        while _OPEN:
            _OPEN.pop().close()


def connector(emu: GraphEmulator, **options: Any) -> EntraDirectoryConnector:
    made = EntraDirectoryConnector(
        "company",
        EntraOptions(
            tenant_id=TENANT,
            client_id=CLIENT_ID,
            client_secret=SECRET,
            authority_host=emu.base_url,
            graph_url=emu.graph_url,
            ca_bundle=emu.ca_file,
            **options,
        ),
        region="US",
    )
    _OPEN.append(made)
    return made


def tenant(emu: GraphEmulator) -> str:
    return emu.tenant_id(TENANT)


def add_user(emu: GraphEmulator, name: str, **properties: Any) -> str:
    given, _, family = name.partition(" ")
    upn = f"{given.lower()}@contoso.test"
    defaults = {"displayName": name, "givenName": given, "surname": family}
    return emu.entra.add_user(tenant(emu), upn, **{**defaults, **properties})


def by_email(result: PullResult) -> dict[str, Contact]:
    return {rc.contact.emails[0].address: rc.contact for rc in result.changed if rc.contact.emails}


def directory_requests(emu: GraphEmulator) -> int:
    return emu.requests[RequestKind.DIRECTORY]


def test_first_listing_maps_users_and_org_contacts_and_leaves_out_disabled_hidden_and_guests(
    emu: GraphEmulator,
) -> None:
    ana = add_user(
        emu,
        "Ana Souza",
        businessPhones=["+1 212 555 0100"],
        mobilePhone="+1 917 555 0101",
        jobTitle="Engineer",
        department="Platform",
        companyName="Contoso",
        streetAddress="1 Main St",
        city="New York",
        state="NY",
        postalCode="10001",
        country="US",
        officeLocation="NY-12",
    )
    add_user(emu, "Bia Reis")
    add_user(emu, "Old Timer", accountEnabled=False)
    add_user(emu, "Room Account", showInAddressList=False)
    add_user(emu, "Guest Person", userType="Guest")
    supplier = emu.entra.add_org_contact(
        tenant(emu),
        displayName="Carl Supplier",
        givenName="Carl",
        surname="Supplier",
        mail="carl@fabrikam.example",
        companyName="Fabrikam",
        phones=[{"type": "business", "number": "+1 425 555 0199"}, {"type": "mobile", "number": None}],
        addresses=[{"street": "2 Side Rd", "city": "Redmond", "state": "WA", "postalCode": "98052",
                    "countryOrRegion": "US", "officeLocation": None}],
    )  # fmt: skip
    emu.entra.delta_page = 2  # the first round spans several pages, followed by nextLink
    c = connector(emu)
    first = c.pull(None)
    found = by_email(first)
    assert first.full and sorted(found) == ["ana@contoso.test", "bia@contoso.test", "carl@fabrikam.example"]
    assert first.present == {rc.ref.id for rc in first.changed} and ana in first.present and supplier in first.present
    a = found["ana@contoso.test"]
    assert (a.name.given, a.name.family, a.display_name) == ("Ana", "Souza", "Ana Souza")
    assert [(p.number, p.kind) for p in a.phones] == [
        ("+12125550100", PhoneKind.WORK),
        ("+19175550101", PhoneKind.MOBILE),
    ]
    assert (a.job_title, a.department, a.organization) == ("Engineer", "Platform", "Contoso")
    assert a.addresses[0].locality == "New York" and a.addresses[0].postal_code == "10001"
    assert a.emails[0].kind is EmailKind.WORK and a.note == ""  # officeLocation is not mapped unless asked
    carl = found["carl@fabrikam.example"]
    assert carl.organization == "Fabrikam" and [p.kind for p in carl.phones] == [PhoneKind.WORK]
    assert carl.addresses[0].locality == "Redmond"
    # the included ones come back when asked for
    everyone = connector(emu, include_disabled=True, include_hidden=True, include_guests=True, org_contacts=False)
    assert len(everyone.pull(None).changed) == 5


def test_a_pull_follows_the_delta_reads_only_who_changed_and_sees_joins_changes_and_leaves(emu: GraphEmulator) -> None:
    ids = [add_user(emu, f"User{n} Test") for n in range(40)]
    c = connector(emu, org_contacts=False)
    first = c.pull(None)
    assert len(first.changed) == 40
    emu.reset_counters()
    quiet = c.pull(first.next_state)
    assert quiet.changed == [] and quiet.deleted == () and len(quiet.present or ()) == 40
    assert directory_requests(emu) == 1  # one delta request: nothing changed, nothing read
    emu.entra.update(ids[0], mobilePhone="+1 917 555 0199")  # change
    emu.entra.update(ids[1], employeeId="E-1")  # a property the source does not read: not a change
    joiner = add_user(emu, "Dora Nova")  # join
    emu.entra.remove(ids[2])  # leave (soft delete, restorable)
    emu.entra.remove(ids[3], permanently=True)  # leave for good
    emu.reset_counters()
    second = c.pull(quiet.next_state)
    assert not second.full
    assert {rc.ref.id for rc in second.changed} == {ids[0], joiner}
    assert by_email(second)["user0@contoso.test"].phones[0].number == "+19175550199"
    assert set(second.deleted) == {ids[2], ids[3]}
    assert second.present is not None and joiner in second.present and ids[2] not in second.present
    assert directory_requests(emu) == 2  # the delta, and one read of the changed user (the joiner came whole)
    # a change that leaves the contact as it was is no change downstream
    emu.entra.update(ids[0], mobilePhone="+1 917 555 0000")
    emu.entra.update(ids[0], mobilePhone="+1 917 555 0199")
    third = c.pull(second.next_state)
    assert third.changed == []
    # joiners alone cost the delta only: their entries hold every selected property
    emu.reset_counters()
    joined = [add_user(emu, f"New{n} Person") for n in range(3)]
    assert sorted(rc.ref.id for rc in c.pull(third.next_state).changed) == sorted(joined)
    assert directory_requests(emu) == 1


def test_graph_answers_an_updated_user_with_only_what_changed(emu: GraphEmulator) -> None:
    """The emulator is as strict as Graph's documented delta: a later round carries only the changed properties,
    which is why the source reads a changed user again rather than trusting the entry."""
    ana = add_user(emu, "Ana Souza", jobTitle="Engineer")
    c = connector(emu)
    select = {"$select": "displayName,jobTitle,mobilePhone"}
    body = c.graph.get("/users/delta", params=select)[1]
    while "@odata.deltaLink" not in body:
        body = c.graph.get(body["@odata.nextLink"])[1]
    emu.entra.update(ana, jobTitle="Head of Platform")
    status, later = c.graph.get(body["@odata.deltaLink"])
    assert status == 200 and later["value"] == [
        {"@odata.type": "#microsoft.graph.user", "id": ana, "jobTitle": "Head of Platform"}
    ]
    status, refused = c.graph.get("/users/delta", params={"$top": "5"}, passthrough=frozenset({400}))
    assert status == 400 and refused["error"]["code"] == "Request_UnsupportedQuery"
    sixteen = {"$filter": "id in (" + ",".join(f"'{n}'" for n in range(16)) + ")"}
    assert c.graph.get("/users", params=sixteen, passthrough=frozenset({400}))[0] == 400
    # a misspelt property in the attribute map is Graph's 400, told as the option to fix
    with pytest.raises(ConnectorError, match=r"options\.attributes.*officeLocaton"):
        connector(emu, attributes={Slot.NOTE: "officeLocaton"}).pull(None)


def test_group_members_only_nested_groups_followed_and_membership_changes_seen(emu: GraphEmulator) -> None:
    ana, bia, caio = add_user(emu, "Ana Souza"), add_user(emu, "Bia Reis"), add_user(emu, "Caio Lins")
    off = add_user(emu, "Off Member", accountEnabled=False)
    staff, platform = emu.entra.add_group(tenant(emu), "Staff"), emu.entra.add_group(tenant(emu), "Platform")
    emu.entra.add_member(staff, ana)
    emu.entra.add_member(staff, platform)
    emu.entra.add_member(platform, bia)  # a member through a nested group
    emu.entra.add_member(staff, off)  # a member, but disabled
    c = connector(emu, group=staff, org_contacts=False)
    first = c.pull(None)
    assert {rc.ref.id for rc in first.changed} == {ana, bia}
    emu.entra.add_member(platform, caio)  # joins the group: the user itself did not change
    emu.entra.remove_member(staff, ana)  # leaves the group
    emu.reset_counters()
    second = c.pull(first.next_state)
    assert [rc.ref.id for rc in second.changed] == [caio] and second.deleted == (ana,)
    # the delta, the members, and one read of the joiner; the disabled member is not read again
    assert directory_requests(emu) == 3
    emu.reset_counters()
    assert c.pull(second.next_state).changed == [] and directory_requests(emu) == 2
    assert [p.id for p in c.people()] == sorted([bia, caio])


def test_a_disabled_account_leaves_and_comes_back_when_enabled(emu: GraphEmulator) -> None:
    ana, bia = add_user(emu, "Ana Souza"), add_user(emu, "Bia Reis")
    c = connector(emu, org_contacts=False)
    first = c.pull(None)
    emu.entra.update(ana, accountEnabled=False)
    emu.entra.update(bia, showInAddressList=False)
    second = c.pull(first.next_state)
    assert second.changed == [] and set(second.deleted) == {ana, bia} and second.present == frozenset()
    emu.entra.update(ana, accountEnabled=True)
    third = c.pull(second.next_state)
    assert [rc.ref.id for rc in third.changed] == [ana] and third.deleted == ()


def test_org_contacts_changes_and_leaves_are_seen(emu: GraphEmulator) -> None:
    supplier = emu.entra.add_org_contact(tenant(emu), displayName="Carl Supplier", mail="carl@fabrikam.example")
    other = emu.entra.add_org_contact(tenant(emu), displayName="Dan Partner", mail="dan@partner.example")
    c = connector(emu)
    first = c.pull(None)
    emu.entra.update(supplier, jobTitle="Account manager")
    emu.entra.remove(other)
    second = c.pull(first.next_state)
    assert [rc.contact.job_title for rc in second.changed] == ["Account manager"] and second.deleted == (other,)


@pytest.mark.parametrize(
    ("granted", "needed", "options"),
    [
        (("GroupMember.Read.All", "OrgContact.Read.All"), "User.Read.All", {}),
        (("User.Read.All", "OrgContact.Read.All"), "GroupMember.Read.All", {"group": "g"}),
        (("User.Read.All", "GroupMember.Read.All"), "OrgContact.Read.All", {}),
    ],
)
def test_a_missing_permission_is_auth_failed_naming_it(
    emu: GraphEmulator, granted: tuple[str, ...], needed: str, options: dict[str, Any]
) -> None:
    if options.get("group") == "g":
        options = {"group": emu.entra.add_group(tenant(emu), "Staff")}
    add_user(emu, "Ana Souza")
    emu.grant(TENANT, CLIENT_ID, granted)
    with pytest.raises(AuthFailed, match=re.escape(needed)):
        connector(emu, **options).pull(None)
    # the higher privileged Directory.Read.All allows all three, as Microsoft's tables say
    emu.grant(TENANT, CLIENT_ID, ["Directory.Read.All"])
    assert len(connector(emu, **options).pull(None).changed) == (0 if options else 1)


def test_faults_are_told_apart(emu: GraphEmulator) -> None:
    add_user(emu, "Ana Souza")
    c = connector(emu, org_contacts=False)
    first = c.pull(None)
    emu.expire_delta_links()
    with pytest.raises(SyncTokenExpired):
        c.pull(first.next_state)
    with pytest.raises(SyncTokenExpired):
        c.pull("ldap1:not-ours")
    missing = connector(emu, group="33333333-3333-3333-3333-333333333333", org_contacts=False)
    with pytest.raises(ConnectorError, match=r"options\.group"):
        missing.pull(None)
    wrong = EntraDirectoryConnector(
        "company",
        EntraOptions(tenant_id=TENANT, client_id=CLIENT_ID, client_secret="wrong", authority_host=emu.base_url,
                     graph_url=emu.graph_url, ca_bundle=emu.ca_file),
    )  # fmt: skip
    _OPEN.append(wrong)
    with pytest.raises(AuthFailed, match="client secret"):
        wrong.pull(None)


def test_people_lists_identity_attributes_of_everyone_in_scope(emu: GraphEmulator) -> None:
    ana = add_user(emu, "Ana Souza", mail="ana.souza@contoso.test")
    add_user(emu, "Off Person", accountEnabled=False)
    emu.entra.add_org_contact(tenant(emu), displayName="Carl Supplier", mail="carl@fabrikam.example")
    people = connector(emu).people()
    assert people == [DirectoryPerson(ana, "ana.souza@contoso.test", "ana@contoso.test", "Ana Souza")]


def test_the_directory_is_never_written_and_must_be_configured_pull_only(emu: GraphEmulator) -> None:
    add_user(emu, "Ana Souza")
    book = BookSettings(name="staff", accounts=())
    options = frozen_mapping(
        {"tenant_id": TENANT, "client_id": CLIENT_ID, "authority_host": emu.base_url, "graph_url": emu.graph_url,
         "ca_bundle": emu.ca_file, "attributes": {"note": "officeLocation"}}
    )  # fmt: skip
    secrets = frozen_mapping({"client_secret": Secret(SECRET)})
    with pytest.raises(ConfigError, match=r"company\.mode.*pull-only"):
        build_connector(AccountSettings(name="company", type="entra-directory", options=options, secrets=secrets), book)
    with pytest.raises(ConfigError, match="client_secret_file"):
        build_connector(AccountSettings(name="company", type="entra-directory", mode=AccountMode.PULL_ONLY,
                                        options=options), book)  # fmt: skip
    reader = AccountSettings(
        name="company", type="entra-directory", mode=AccountMode.PULL_ONLY, options=options, secrets=secrets
    )
    c = build_connector(reader, book)
    assert isinstance(c, EntraDirectoryConnector) and c.options.slots[Slot.NOTE] == "officeLocation"
    listed = c.pull(None).changed[0]
    results = c.push([Change(ChangeKind.UPDATE, "cs-1", listed.contact, listed.ref)])
    assert not results[0].ok and "never writes" in str(results[0].error)
    assert c.capabilities.read_only
    c.close()


def test_directory_to_a_folder_end_to_end_join_change_leave(emu: GraphEmulator, tmp_path: Path) -> None:
    """The whole product: `contactsync sync` carries the tenant's directory into a folder, then a change and a
    leave."""
    ana = add_user(emu, "Ana Souza")
    add_user(emu, "Bia Reis")
    folder = tmp_path / "phone"
    folder.mkdir()
    secret = tmp_path / "entra-secret"
    secret.write_text(SECRET)
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
        type: entra-directory
        mode: pull-only
        options:
          tenant_id: {TENANT}
          client_id: {CLIENT_ID}
          client_secret_file: {secret}
          authority_host: {emu.base_url}
          graph_url: {emu.graph_url}
          ca_bundle: {emu.ca_file}
      - name: phone
        type: vdir
        options: {{path: {folder}}}
"""
    )
    run_sync(config)
    assert sorted(cards_by_email(folder)) == ["ana@contoso.test", "bia@contoso.test"]
    emu.entra.update(ana, jobTitle="Head of Platform")
    add_user(emu, "Caio Lins")
    run_sync(config)
    assert "Head of Platform" in cards_by_email(folder)["ana@contoso.test"]
    assert sorted(cards_by_email(folder)) == ["ana@contoso.test", "bia@contoso.test", "caio@contoso.test"]
    emu.entra.remove(ana)
    run_sync(config)
    assert sorted(cards_by_email(folder)) == [
        "bia@contoso.test",
        "caio@contoso.test",
    ]
    status = CliRunner().invoke(cli, ["--config", str(config), "status"], catch_exceptions=False)
    assert "1 in the trash" in status.output


def test_links_in_answers_never_take_the_token_elsewhere(emu: GraphEmulator) -> None:
    c = connector(emu)
    with pytest.raises(ConnectorError, match="elsewhere"):
        c.get("https://attacker.example/v1.0/users", "a read", "User.Read.All")
    assert isinstance(c._http, requests.Session)


def test_doctor_checks_each_permission_the_first_pull_needs(emu: GraphEmulator) -> None:
    from contactsync.checks import DoctorContext, Outcome
    from contactsync.registry import doctor_hook

    staff = emu.entra.add_group(tenant(emu), "Staff")
    emu.grant(TENANT, CLIENT_ID, ["User.Read.All", "OrgContact.Read.All"])
    options = frozen_mapping(
        {"tenant_id": TENANT, "client_id": CLIENT_ID, "authority_host": emu.base_url, "graph_url": emu.graph_url,
         "ca_bundle": emu.ca_file, "group": staff}
    )  # fmt: skip
    account = AccountSettings(
        name="company",
        type="entra-directory",
        mode=AccountMode.PULL_ONLY,
        options=options,
        secrets=frozen_mapping({"client_secret": Secret(SECRET)}),
    )
    hook = doctor_hook("entra-directory")
    assert hook is not None
    results = {r.check: r for r in hook(DoctorContext(account, BookSettings(name="staff", accounts=(account,))))}
    assert [(c, r.outcome) for c, r in results.items()] == [
        ("token", Outcome.PASS),
        ("users", Outcome.PASS),
        ("group", Outcome.FAIL),
        ("org contacts", Outcome.PASS),
    ]
    assert "GroupMember.Read.All" in (results["group"].fix or "")
    wrong = AccountSettings(
        name="company",
        type="entra-directory",
        mode=AccountMode.PULL_ONLY,
        options=options,
        secrets=frozen_mapping({"client_secret": Secret("wrong")}),
    )
    [token] = list(hook(DoctorContext(wrong, BookSettings(name="staff", accounts=(wrong,)))))
    assert token.check == "token" and token.outcome is Outcome.FAIL and "client secret" in token.detail


def test_changes_while_a_client_pages_neither_hide_nor_shift_anyone(emu: GraphEmulator) -> None:
    """The first delta round is fixed when it begins; what changes meanwhile comes in the next round."""
    everyone = [add_user(emu, f"User{n} Test") for n in range(6)]
    emu.entra.delta_page = 3
    c = connector(emu)
    first = c.graph.get("/users/delta", params={"$select": "displayName"})[1]
    emu.entra.remove(everyone[1])  # on the page already read
    emu.entra.update(everyone[4], displayName="Moved")  # on the page still to come
    second = c.graph.get(first["@odata.nextLink"])[1]
    assert [u["id"] for u in first["value"] + second["value"]] == everyone
    later = c.graph.get(second["@odata.deltaLink"])[1]
    assert {u["id"]: "@removed" in u for u in later["value"]} == {everyone[1]: True, everyone[4]: False}


def test_a_token_graph_refuses_names_the_directory_permissions_not_the_contacts_one(emu: GraphEmulator) -> None:
    c = connector(emu)

    class Refused:  # a token Graph will not take: what an app registered in another tenant gets
        def token(self, *, fresh: bool = False) -> str:
            return "not-a-token-graph-issued"

    c.graph.tokens = Refused()
    with pytest.raises(AuthFailed, match=r"User\.Read\.All") as refused:
        c.pull(None)
    assert "Contacts.ReadWrite" not in str(refused.value)
