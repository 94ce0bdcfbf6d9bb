"""Cards kept in the store's copies, against real Radicale and Xandikos servers.

Each sync runs in a new process, so each "run" here is a NEW connector on the same store copies: it has nothing
in memory, as the daemon's one-off runs and the benchmark have nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from contactsync.connector import Change, ChangeKind
from contactsync.connectors.carddav import CardDavConnector, GroupStyle
from contactsync.copies import RemoteCopies
from contactsync.errors import PreconditionFailed
from contactsync.model import Name, Tag
from contactsync.store import Store
from tests.contract import pull_all, push_one, sample_contact

from .conftest import DavServer
from .helpers import card, get_raw, make_connector
from .test_connector import MALFORMED

#: properties contactsync does not map: another client's, which an update must keep
#: what the model does not map: a property with a parameter (a bare X- property is a custom value the model holds),
#: and Apple's grouped label
UNMAPPED = (
    "X-SOCIAL-THING;X-NETWORK=fedi:keep-me\r\nitem1.EMAIL;TYPE=INTERNET:grouped@example.org\r\n"
    "item1.X-ABLABEL:Old school"
)


@pytest.fixture
def copies() -> Iterator[RemoteCopies]:
    with Store.open("sqlite://") as store:
        yield store.copies("acct")


@pytest.fixture
def new_run(
    dav_server: DavServer, addressbook_url: str, copies: RemoteCopies
) -> Iterator[Callable[..., CardDavConnector]]:
    """A connector as a new process builds it: nothing in memory, the store's copies handed over."""
    made: list[CardDavConnector] = []

    def factory(**options: Any) -> CardDavConnector:
        connector = make_connector(dav_server, addressbook_url, **options)
        connector.keep_copies(copies)
        made.append(connector)
        return connector

    yield factory
    for c in made:
        c.close()


def sent(connector: CardDavConnector) -> dict[str, int]:
    return {method: n for method, n in connector.request_counts.items() if n}


def test_a_new_run_updates_a_card_with_one_report_and_one_put_keeping_its_other_properties(
    dav_server: DavServer, addressbook_url: str, new_run: Callable[..., CardDavConnector]
) -> None:
    url = f"{addressbook_url}ann.vcf"
    assert dav_server.put_raw(url, card("ann", "Ann", "Lee", extra=UNMAPPED).encode()).status_code == 201
    items, state = pull_all(new_run())
    (listed,) = items.values()

    # the next run: the card did not change on the server, the contact changed elsewhere
    second = new_run()
    assert second.pull(state).changed == ()
    renamed = second.fit(replace(listed.contact, name=Name(given="Annie", family="Lee")))
    result = push_one(second, Change(ChangeKind.UPDATE, "cid-ann", contact=renamed, ref=listed.ref))
    assert result.ok, result.error
    assert sent(second) == {"REPORT": 1, "PUT": 1}  # the sync-collection and the write: no multiget
    text = get_raw(dav_server, url)
    assert "Annie" in text
    assert "X-SOCIAL-THING;X-NETWORK=fedi:keep-me" in text
    assert "item1.X-ABLABEL:Old school" in text
    assert "grouped@example.org" in text


def test_a_card_edited_on_the_server_after_its_copy_was_kept_is_read_and_the_edit_kept(
    dav_server: DavServer, addressbook_url: str, new_run: Callable[..., CardDavConnector]
) -> None:
    url = f"{addressbook_url}ann.vcf"
    dav_server.put_raw(url, card("ann", "Ann", "Lee", extra=UNMAPPED).encode())
    items, state = pull_all(new_run())
    (listed,) = items.values()
    renamed = replace(listed.contact, name=Name(given="Annie", family="Lee"))

    def edit_elsewhere(value: str) -> None:
        text = get_raw(dav_server, url)
        start = text.index("X-SOCIAL-THING;")
        edited = text[:start] + f"X-SOCIAL-THING;X-NETWORK=fedi:{value}" + text[text.index("\r\n", start) :]
        assert dav_server.put_raw(url, edited.encode()).status_code in (201, 204)

    # another client edits the card: the copy kept above is now stale. A write checked against the etag the
    # copy was kept at (the engine has not listed the edit yet) is refused by the server: nothing is overwritten
    edit_elsewhere("first edit")
    blind = new_run()
    stale = push_one(blind, Change(ChangeKind.UPDATE, "cid-ann", contact=blind.fit(renamed), ref=listed.ref))
    assert isinstance(stale.error, PreconditionFailed) and not stale.error.gone
    # the write went out over the copy; after the server's 412, one read tells "changed" from "gone"
    assert sent(blind) == {"PUT": 1, "REPORT": 1}
    assert "first edit" in get_raw(dav_server, url)

    # edited again: the next run lists the card at an etag no copy has, so it reads the card
    edit_elsewhere("second edit")
    second = new_run()
    (current,) = second.pull(state).changed
    assert current.ref != listed.ref
    assert sent(second) == {"REPORT": 2}  # the sync-collection and one multiget
    written = push_one(second, Change(ChangeKind.UPDATE, "cid-ann", contact=second.fit(renamed), ref=current.ref))
    assert written.ok, written.error
    assert sent(second) == {"REPORT": 2, "PUT": 1}  # the card just read is the original: no second read
    text = get_raw(dav_server, url)
    assert "Annie" in text
    assert "X-SOCIAL-THING;X-NETWORK=fedi:second edit" in text


def test_cards_a_run_wrote_are_not_read_back_by_the_next_one(new_run: Callable[..., CardDavConnector]) -> None:
    first = new_run()
    _, state = pull_all(first)
    changes = [Change(ChangeKind.CREATE, f"cid-{n}", contact=first.fit(sample_contact(n))) for n in range(5)]
    results = first.push(changes)
    assert all(r.ok for r in results), [r.error for r in results]

    # the settling run: our five writes come back in the incremental listing, at the etags our PUTs got
    settling = new_run()
    changed = settling.pull(state).changed
    assert sent(settling) == {"REPORT": 1}
    assert {rc.ref: (rc.marker, rc.contact) for rc in changed} == {
        r.ref: (r.change.contact_id, r.stored) for r in results
    }

    # a full listing (a sync token the server forgot) reads none of them either
    relisting = new_run()
    assert len(pull_all(relisting)[0]) == 5
    assert sent(relisting) == {"PROPFIND": 1, "REPORT": 1}


def test_tags_as_group_cards_a_new_run_moves_a_contact_without_reading_cards(
    dav_server: DavServer, addressbook_url: str, new_run: Callable[..., CardDavConnector]
) -> None:
    """The engine's etag of a contact is its card's etag plus a digest of its groups: the copy is found under
    the card's own etag, and the group cards (held in the pull state without their text) come from copies too."""
    first = new_run(group_style=GroupStyle.APPLE_GROUP)
    _, state = pull_all(first)
    results = first.push(
        [
            Change(ChangeKind.CREATE, "cid-1", contact=first.fit(sample_contact(1, tags=("Staff",)))),
            Change(ChangeKind.CREATE, "cid-2", contact=first.fit(sample_contact(2, tags=("Staff",)))),
        ]
    )
    assert all(r.ok for r in results)
    listing = new_run(group_style=GroupStyle.APPLE_GROUP).pull(state)
    assert listing.changed and listing.next_state is not None
    ref = {rc.marker: rc.ref for rc in listing.changed}["cid-1"]

    mover = new_run(group_style=GroupStyle.APPLE_GROUP)
    assert mover.pull(listing.next_state).changed == ()
    moved = mover.fit(sample_contact(1, tags=("VIP",)))
    assert push_one(mover, Change(ChangeKind.UPDATE, "cid-1", contact=moved, ref=ref)).ok
    # the Staff group card without cid-1, a new VIP group card; nothing read, and the card itself not written:
    # what it holds did not change (its tags live in the group cards), so it stays byte for byte (issue #15)
    assert sent(mover) == {"REPORT": 1, "PUT": 2}

    reader = make_connector(dav_server, addressbook_url, group_style=GroupStyle.APPLE_GROUP)
    try:
        tags = {rc.marker: rc.contact.tags for rc in pull_all(reader)[0].values()}
    finally:
        reader.close()
    assert tags == {"cid-1": frozenset({Tag("VIP")}), "cid-2": frozenset({Tag("Staff")})}


def test_malformed_cards_are_still_quarantined_by_every_run(
    dav_server: DavServer, addressbook_url: str, new_run: Callable[..., CardDavConnector]
) -> None:
    dav_server.put_raw(f"{addressbook_url}good.vcf", card("good", "Good", "Card").encode())
    for name, body in MALFORMED.items():
        dav_server.put_raw(f"{addressbook_url}{name}.vcf", body)
    first = new_run().pull(None)
    assert first.quarantined or dav_server.kind == "radicale"  # Radicale refuses the unreadable ones at PUT
    # nothing unreadable was kept: the next run reads those again and quarantines them the same way, while the
    # good card comes from its copy
    again = new_run().pull(None)
    assert sorted(q.remote_id for q in again.quarantined) == sorted(q.remote_id for q in first.quarantined)
    assert {rc.ref for rc in again.changed} == {rc.ref for rc in first.changed}
    assert "good" in {rc.ref.id.rsplit("/", 1)[1][:-4] for rc in again.changed}
