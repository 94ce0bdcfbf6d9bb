"""The CardDAV connector against real Radicale and Xandikos servers: what an admin would notice."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import replace

import pytest

from contactsync.connector import Change, ChangeKind
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions, GroupStyle, discover
from contactsync.connectors.carddav.state import PullState
from contactsync.errors import AuthFailed, ConfigError, ItemRejected, PreconditionFailed, SyncTokenExpired
from contactsync.model import Name, Tag
from contactsync.settings import AccountSettings, BookSettings, Secret, frozen_mapping
from tests.contract import create, pull_all, push_one, sample_contact

from .conftest import DavServer
from .helpers import card, get_raw


@pytest.fixture
def connector(connect: Callable[..., CardDavConnector]) -> CardDavConnector:
    return connect()


def test_discovery_from_the_server_root_finds_the_new_address_book(dav_server: DavServer) -> None:
    url = dav_server.new_addressbook("discover-me")
    books = discover(dav_server.base_url, dav_server.username, dav_server.password, timeout=10)
    assert url in [b.url for b in books]
    assert {b.display_name for b in books if b.url == url} == {"discover-me"}


def test_discovery_from_an_address_book_url_returns_that_book(dav_server: DavServer) -> None:
    url = dav_server.new_addressbook()
    assert [b.url for b in discover(url, dav_server.username, dav_server.password, timeout=10)] == [url]


def test_wrong_password_is_auth_failed(radicale_server: DavServer) -> None:
    url = radicale_server.new_addressbook()
    with pytest.raises(AuthFailed):
        discover(url, radicale_server.username, "not-the-password", timeout=10)
    bad = CardDavConnector("bad", CardDavOptions(url=url, username=radicale_server.username, timeout=10), "nope")
    with pytest.raises(AuthFailed):
        bad.pull(None)
    bad.close()


def test_from_settings_reads_options_and_password(radicale_server: DavServer) -> None:
    url = radicale_server.new_addressbook()
    account = AccountSettings(
        name="dav",
        type="carddav",
        options=frozen_mapping(
            {"url": url, "username": radicale_server.username, "group_style": "kind-group", "multiget_chunk": 7}
        ),
        secrets=frozen_mapping({"password": Secret(radicale_server.password or "", "test")}),
    )
    connector = CardDavConnector.from_settings(account, BookSettings("book", (account,)))
    assert connector.options.group_style is GroupStyle.KIND_GROUP
    assert connector.options.multiget_chunk == 7
    assert pull_all(connector)[0] == {}
    with pytest.raises(ConfigError) as caught:
        CardDavConnector.from_settings(
            AccountSettings(name="dav", type="carddav", options=frozen_mapping({"group_style": "folders"})),
            BookSettings("book", ()),
        )
    paths = {p.path for p in caught.value.problems}
    assert paths == {"accounts.dav.options.url", "accounts.dav.options.group_style"}


def test_cards_written_by_other_clients_are_listed_then_only_changes_come_incrementally(
    dav_server: DavServer, addressbook_url: str, connector: CardDavConnector
) -> None:
    for i in range(3):
        assert (
            dav_server.put_raw(
                f"{addressbook_url}other-{i}.vcf", card(f"other-{i}", f"Bo{i}", "Li").encode()
            ).status_code
            == 201
        )
    items, state = pull_all(connector)
    assert sorted(rc.contact.name.given for rc in items.values()) == ["Bo0", "Bo1", "Bo2"]
    assert all(rc.marker is None for rc in items.values())

    dav_server.put_raw(f"{addressbook_url}other-1.vcf", card("other-1", "Bob", "Li").encode())
    with dav_server.session() as session:
        assert session.delete(f"{addressbook_url}other-2.vcf", timeout=10).status_code in (200, 204)
    incremental = connector.pull(state)
    assert not incremental.full
    assert [rc.contact.name.given for rc in incremental.changed] == ["Bob"]
    assert [d.rsplit("/", 1)[1] for d in incremental.deleted] == ["other-2.vcf"]


def test_propfind_listing_when_sync_collection_is_off(
    dav_server: DavServer, addressbook_url: str, connect: Callable[..., CardDavConnector]
) -> None:
    connector = connect(use_sync_collection=False)
    a = create(connector, sample_contact(1), "cid-a")
    b = create(connector, sample_contact(2), "cid-b")
    items, state = pull_all(connector)
    assert len(items) == 2
    assert a.ref is not None and b.ref is not None
    assert connector.pull(state).changed == ()
    push_one(connector, Change(ChangeKind.DELETE, "cid-b", ref=b.ref))
    changed = connector.fit(sample_contact(1, tags=("New",)))
    assert push_one(connector, Change(ChangeKind.UPDATE, "cid-a", contact=changed, ref=a.ref)).ok
    assert dav_server.put_raw(f"{addressbook_url}other.vcf", card("other", "Bo", "Li").encode()).status_code == 201
    result = connector.pull(state)
    by_href = {rc.ref.id: rc.contact for rc in result.changed}
    assert by_href.pop(a.ref.id) == changed
    assert [c.name.given for c in by_href.values()] == ["Bo"]
    assert result.deleted == (b.ref.id,)
    # one PROPFIND listing per pull; the only REPORT is the multiget of the card written by another client:
    # our own cards are listed at the etag our writes got, so they are not read back
    assert connector.request_counts["PROPFIND"] == 3 + 1  # + the probe for the vCard version of new cards
    assert connector.request_counts["REPORT"] == 1


def test_multiget_reads_changed_cards_in_chunks(
    dav_server: DavServer, addressbook_url: str, connect: Callable[..., CardDavConnector]
) -> None:
    for i in range(7):
        dav_server.put_raw(f"{addressbook_url}c{i}.vcf", card(f"c{i}", f"N{i}", "X").encode())
    connector = connect(multiget_chunk=3)
    before = dict(connector.request_counts)
    items, _ = pull_all(connector)
    assert len(items) == 7
    # one sync-collection, then ceil(7 / 3) = 3 multigets; one PROPFIND to learn what the book supports
    assert connector.request_counts["REPORT"] - before["REPORT"] == 1 + 3
    assert connector.request_counts["PROPFIND"] - before["PROPFIND"] == 1


def test_invalid_sync_token_raises_sync_token_expired(connector: CardDavConnector) -> None:
    create(connector, sample_contact(1))
    bogus = PullState("http://example.invalid/sync/never-issued").encode()
    with pytest.raises(SyncTokenExpired):
        connector.pull(bogus)
    with pytest.raises(SyncTokenExpired):
        connector.pull("not a state of ours")
    # the engine's answer to that: a full listing, which lists the card once
    assert len(pull_all(connector)[0]) == 1


def test_card_changed_between_listing_and_writing_is_refused_then_fetch_gives_the_new_version(
    dav_server: DavServer, connector: CardDavConnector
) -> None:
    written = create(connector, sample_contact(1), "cid-a")
    assert written.ref is not None
    items, _ = pull_all(connector)
    listed = items[written.ref.id]
    # someone edits the card on the server, keeping our marker
    url = dav_server.base_url + written.ref.id
    edited = get_raw(dav_server, url).replace("NICKNAME:Aninha", "NICKNAME:Nina")
    assert dav_server.put_raw(url, edited.encode()).status_code in (201, 204)
    ours = connector.fit(sample_contact(1, tags=("Mine",)))
    result = push_one(connector, Change(ChangeKind.UPDATE, "cid-a", contact=ours, ref=listed.ref))
    assert isinstance(result.error, PreconditionFailed) and not result.error.gone
    current = connector.fetch([written.ref.id])[written.ref.id]
    assert current.contact.nicknames == ("Nina",)
    assert current.marker == "cid-a"
    again = push_one(connector, Change(ChangeKind.UPDATE, "cid-a", contact=ours, ref=current.ref))
    assert again.ok, again.error
    assert "Nina" not in get_raw(dav_server, url)


def test_duplicate_uid(dav_server: DavServer, addressbook_url: str, connector: CardDavConnector) -> None:
    """Radicale refuses a second card with a UID in use (409): a clear ItemRejected, nothing written.
    Xandikos accepts it: the card is simply written."""
    from contactsync.connectors.carddav.connector import _card_uid_for

    uid = _card_uid_for("cid-dup")
    assert dav_server.put_raw(f"{addressbook_url}elsewhere.vcf", card(uid, "Old", "Card").encode()).status_code == 201
    result = push_one(connector, Change(ChangeKind.CREATE, "cid-dup", contact=connector.fit(sample_contact(1))))
    items, _ = pull_all(connector)
    if dav_server.kind == "radicale":
        assert isinstance(result.error, ItemRejected)
        assert "UID" in str(result.error)
        assert len(items) == 1
    else:
        assert result.ok
        assert len(items) == 2


def test_create_retried_after_a_lost_answer_makes_no_duplicate(connector: CardDavConnector) -> None:
    first = create(connector, sample_contact(1), "cid-x")
    second = create(connector, sample_contact(1), "cid-x")
    assert first.ref is not None and second.ref is not None
    assert second.ref.id == first.ref.id
    assert len(pull_all(connector)[0]) == 1


def test_unknown_properties_and_version_survive_an_update(
    dav_server: DavServer, addressbook_url: str, connector: CardDavConnector
) -> None:
    extra = (
        "X-SOCIAL-THING:keep-me\r\nitem1.EMAIL;TYPE=INTERNET:grouped@example.org\r\n"
        "item1.X-ABLABEL:Old school\r\nEMAIL;TYPE=WORK:ann@example.org"
    )
    for version in ("3.0", "4.0"):
        url = f"{addressbook_url}v{version[0]}.vcf"
        dav_server.put_raw(url, card(f"uid-v{version[0]}", "Ann", "Lee", version=version, extra=extra).encode())
    items, _ = pull_all(connector)
    for rc in items.values():
        renamed = connector.fit(replace(rc.contact, name=Name(given="Annie", family="Lee")))
        result = push_one(connector, Change(ChangeKind.UPDATE, "cid-" + rc.ref.id[-6:], contact=renamed, ref=rc.ref))
        assert result.ok, result.error
        assert result.stored is not None and result.stored.name.given == "Annie"
        text = get_raw(dav_server, dav_server.base_url + rc.ref.id)
        version = "4.0" if rc.ref.id.endswith("v4.vcf") else "3.0"
        assert f"VERSION:{version}" in text
        assert "X-SOCIAL-THING:keep-me" in text
        assert "Old school" in text
        assert "X-CONTACTSYNC-ID:cid-" in text
    fresh = {rc.contact.name.given for rc in pull_all(connector)[0].values()}
    assert fresh == {"Annie"}


def test_new_cards_use_the_version_the_server_advertises(dav_server: DavServer, connector: CardDavConnector) -> None:
    written = create(connector, sample_contact(1))
    assert written.ref is not None
    # both servers advertise only vCard 3.0 in supported-address-data
    assert "VERSION:3.0" in get_raw(dav_server, dav_server.base_url + written.ref.id)


MALFORMED: dict[str, bytes] = {
    "vcard21-quoted-printable": (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:M\xfcller;J\xfcrgen\r\n"
        b"FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:J=C3=BCrgen M=C3=BC=\r\nller\r\n"
        b"UID:qp\r\nEND:VCARD\r\n"
    ),
    "latin1-bytes": b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:latin\r\nFN:Fran\xe7ois\r\nN:Fran\xe7ois;;;;\r\nEND:VCARD\r\n",
    "no-fn-no-n": b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:nofn\r\nEMAIL:x@example.org\r\nEND:VCARD\r\n",
    "no-uid": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Uid\r\nN:Uid;No;;;\r\nEND:VCARD\r\n",
    "garbage": b"this is not a vcard at all\r\n\x00\x01\x02",
    "unterminated": b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:open\r\nFN:Open\r\n",
    "bad-bday": b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bday\r\nFN:B D\r\nN:D;B;;;\r\nBDAY:yesterday\r\nEND:VCARD\r\n",
}


def test_malformed_cards_are_quarantined_never_fatal_never_deleted(
    dav_server: DavServer, addressbook_url: str, connector: CardDavConnector
) -> None:
    dav_server.put_raw(f"{addressbook_url}good.vcf", card("good", "Good", "Card").encode())
    accepted = set()
    for name, body in MALFORMED.items():
        response = dav_server.put_raw(f"{addressbook_url}{name}.vcf", body)
        if response.status_code in (200, 201, 204):
            accepted.add(name)
    assert accepted, "the server refused every malformed card: nothing was tested"
    result = connector.pull(None)
    listed = {rc.ref.id.rsplit("/", 1)[1][:-4] for rc in result.changed}
    quarantined = {q.remote_id.rsplit("/", 1)[1][:-4]: q.reason for q in result.quarantined}
    assert "good" in listed
    # every card the server holds is either read or quarantined with a reason: none vanishes
    assert accepted <= listed | set(quarantined)
    assert all(quarantined.values())
    for hopeless in ("garbage", "unterminated"):
        if hopeless in accepted:
            assert hopeless in quarantined
    # an incremental pull after this deletes nothing and stays quiet
    again = connector.pull(result.next_state)
    assert again.deleted == () and again.changed == ()


def test_a_huge_photo_is_dropped_but_the_contact_syncs(
    dav_server: DavServer, addressbook_url: str, connector: CardDavConnector
) -> None:
    photo = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(5 * 1024 * 1024)).decode()
    text = card("big", "Pic", "Ture", extra=f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}")
    assert dav_server.put_raw(f"{addressbook_url}big.vcf", text.encode()).status_code == 201
    (listed,) = pull_all(connector)[0].values()
    assert listed.contact.name.given == "Pic"
    assert listed.contact.photo is None
    # and said for the contact: the engine journals it, `person show` shows it (issue #15)
    assert [f for f, _reason in listed.left_behind] == ["photo"]


@pytest.mark.parametrize("style", [GroupStyle.CATEGORIES, GroupStyle.KIND_GROUP, GroupStyle.APPLE_GROUP])
def test_group_styles_hold_tags_and_counts_are_read_back(
    dav_server: DavServer, style: GroupStyle, connect: Callable[..., CardDavConnector]
) -> None:
    connector = connect(group_style=style)
    a = create(connector, sample_contact(1, tags=("Staff", "VIP")), "cid-1")
    create(connector, sample_contact(2, tags=("staff",)), "cid-2")
    create(connector, sample_contact(3, tags=()), "cid-3")
    counts = {t.key: n for t, n in connector.tag_counts().items()}
    assert counts == {"staff": 2, "vip": 1}

    # a second connector (another run) reads the same counts and the tags from the server alone
    reader = connect(group_style=style)
    items, state = pull_all(reader)
    assert sorted(len(rc.contact.tags) for rc in items.values()) == [0, 1, 2]
    group_markers = {"kind-group": "KIND:group", "apple-group": "X-ADDRESSBOOKSERVER-KIND:group"}
    bodies = [get_raw(dav_server, dav_server.base_url + h) for h in items]
    if style is GroupStyle.CATEGORIES:
        assert any("CATEGORIES:" in b for b in bodies)
    else:
        assert not any("CATEGORIES" in b for b in bodies)
        assert len(items) == 3  # group cards are not listed as contacts
        assert group_markers[style.value] not in "".join(bodies)

    # moving a contact out of a tag updates the count and an incremental pull shows the new tags
    assert a.ref is not None
    current = reader.fetch([a.ref.id])[a.ref.id]
    less = connector.fit(sample_contact(1, tags=("VIP",)))
    assert push_one(reader, Change(ChangeKind.UPDATE, "cid-1", contact=less, ref=current.ref)).ok
    assert {t.key: n for t, n in reader.tag_counts().items()} == {"staff": 1, "vip": 1}
    changed = reader.pull(state)
    assert {rc.ref.id: rc.contact.tags for rc in changed.changed}[a.ref.id] == frozenset({Tag("VIP")})


def test_group_card_written_by_another_client_gives_tags(
    dav_server: DavServer, addressbook_url: str, connect: Callable[..., CardDavConnector]
) -> None:
    connector = connect(group_style=GroupStyle.APPLE_GROUP)
    for uid in ("m1", "m2"):
        dav_server.put_raw(f"{addressbook_url}{uid}.vcf", card(uid, uid.upper(), "Member").encode())
    items, state = pull_all(connector)
    assert all(rc.contact.tags == frozenset() for rc in items.values())
    group = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:grp-friends\r\nFN:Friends\r\nN:Friends;;;;\r\n"
        "X-ADDRESSBOOKSERVER-KIND:group\r\nX-ADDRESSBOOKSERVER-MEMBER:urn:uuid:m2\r\nEND:VCARD\r\n"
    )
    assert dav_server.put_raw(f"{addressbook_url}friends.vcf", group.encode()).status_code == 201
    result = connector.pull(state)
    # M2 was in no group before, so the state cannot place it: a full listing (the engine compares it with
    # its base, so M1 shows as unchanged) rather than a wrong tag set
    tags = {rc.contact.name.given: rc.contact.tags for rc in result.changed}
    assert tags["M2"] == frozenset({Tag("Friends")})
    assert tags.get("M1", frozenset()) == frozenset()
    assert result.deleted == ()
    # once M2 is a member, a change of that group is followed incrementally
    dav_server.put_raw(f"{addressbook_url}friends.vcf", group.replace("Friends", "Pals").encode())
    renamed = connector.pull(result.next_state)
    assert not renamed.full
    assert {rc.contact.name.given: rc.contact.tags for rc in renamed.changed} == {"M2": frozenset({Tag("Pals")})}
