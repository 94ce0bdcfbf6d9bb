"""A group card refused as locked (423) while the contacts' own cards were written, on real Radicale behind a
front that refuses group card updates (tests/carddav/relay.py); Xandikos answers so to writes that overlap one of
its own.

The group's failure is the group's: a contact whose card was written is reported written (the run report counts
it, the tag counts know its card), the contacts the group keeps as they were are not touched by it at all, and
the membership the group could not take is written by the next run, nothing of it lost: the contact comes back
in the next listing with the tags its groups give it, and the engine owes it the tag again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from contactsync.connector import Change, ChangeKind, Connector
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions, GroupStyle
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine
from contactsync.engine.report import RunReport
from contactsync.model import Contact, Email, EmailKind, Name, Tag
from contactsync.normalize import normalize_contact
from contactsync.retry import RetryPolicy
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store
from tests.contract import create, pull_all, sample_contact

from .conftest import DavServer
from .relay import Relay

STYLES = [GroupStyle.KIND_GROUP, GroupStyle.APPLE_GROUP]


def connector(server: DavServer, url: str, style: GroupStyle) -> CardDavConnector:
    options = CardDavOptions(url=url, username=server.username, timeout=20, group_style=style)
    return CardDavConnector(f"{server.kind}-locked-group", options, server.password)


def group_updates_locked(method: str, path: str, headers: Mapping[str, str], body: bytes) -> int | None:
    """423 Locked for every update of an existing group card (one naming members); every other write lands."""
    if method == "PUT" and "If-Match" in headers and b"MEMBER:URN:UUID:" in body.upper():
        return 423
    return None


def counts_on_server(server: DavServer, book: str, style: GroupStyle) -> dict[str, int]:
    fresh = connector(server, book, style)
    try:
        return {t.key: n for t, n in fresh.tag_counts().items()}  # nothing pulled: the whole book read
    finally:
        fresh.close()


@pytest.mark.parametrize("style", STYLES, ids=[s.value for s in STYLES])
def test_a_locked_group_card_fails_the_group_not_the_contact_whose_card_was_written(
    radicale_server: DavServer, style: GroupStyle
) -> None:
    book = radicale_server.new_addressbook()
    writer = connector(radicale_server, book, style)
    try:
        create(writer, sample_contact(1, tags=("Team",)), "cid-1")  # the group Team, naming Ana1
    finally:
        writer.close()
    with Relay(radicale_server.base_url, refuse=group_updates_locked) as relay:
        dav = connector(radicale_server, relay.proxied(book), style)
        try:
            items, _state = pull_all(dav)
            (ana,) = items.values()
            # Ana1 edited (her tags as they were); Ana2 new, in Team (whose card is locked) and in VIP (made now)
            edited = Change(
                ChangeKind.UPDATE, "cid-1", contact=dav.fit(replace(ana.contact, note="edited")), ref=ana.ref
            )
            joining = Change(ChangeKind.CREATE, "cid-2", contact=dav.fit(sample_contact(2, tags=("Team", "VIP"))))
            results = dav.push([edited, joining])
            counted = {t.key: n for t, n in dav.tag_counts().items()}
        finally:
            dav.close()
    assert relay.refused["PUT"] == 1  # the group Team's update: nothing else was refused
    assert all(r.ok for r in results), [str(r.error) for r in results]
    written = results[1]
    assert written.stored is not None and written.stored.tags == frozenset({Tag("VIP")})  # what the server holds
    # the run's counts are the server's: Ana2's card is counted, in VIP only
    assert counted == counts_on_server(radicale_server, book, style) == {"team": 1, "vip": 1}


def person(n: int, *tags: str, note: str = "") -> Contact:
    return normalize_contact(
        Contact(
            name=Name(given=f"G{n}", family="Grouped"),
            emails=(Email(f"g{n}@example.org", EmailKind.WORK),),
            tags=frozenset(Tag(t) for t in tags),
            note=note,
        )
    )


@pytest.mark.parametrize("style", STYLES, ids=[s.value for s in STYLES])
def test_the_run_reports_the_cards_written_and_the_next_run_writes_the_group(
    radicale_server: DavServer, tmp_path: Path, style: GroupStyle
) -> None:
    book = radicale_server.new_addressbook()
    phone = MemoryBackend(name=f"locked-group-phone-{style.value}")
    first_id = phone.user_create(person(1, "Team"))
    settings = BookSettings("groups", (AccountSettings("dav", "carddav"), AccountSettings("phone", "memory")))
    locked = [False]

    def refuse(method: str, path: str, headers: Mapping[str, str], body: bytes) -> int | None:
        return group_updates_locked(method, path, headers, body) if locked[0] else None

    with (
        Relay(radicale_server.base_url, refuse=refuse) as relay,
        Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store,
    ):

        def run() -> tuple[RunReport, dict[str, int]]:
            dav = connector(radicale_server, relay.proxied(book), style)
            try:
                connectors: dict[str, Connector] = {"dav": dav, "phone": MemoryConnector("phone", phone)}
                report = Engine(store, settings, connectors, retry=RetryPolicy(sleep=lambda _s: None)).run()
                return report, {t.key: n for t, n in dav.tag_counts().items()}
            finally:
                dav.close()

        run()
        phone.user_edit(first_id, person(1, "Team", note="edited"))
        phone.user_create(person(2, "Team", "VIP"))
        locked[0] = True
        second, counted = run()
        after_second = counts_on_server(radicale_server, book, style)
        locked[0] = False
        third, _ = run()
    dav = second.accounts["dav"]
    assert dav.error is None and (dav.created, dav.updated) == (1, 1), dav
    assert counted == after_second == {"team": 1, "vip": 1}
    assert third.accounts["dav"].error is None and third.accounts["dav"].updated == 1
    assert counts_on_server(radicale_server, book, style) == {"team": 2, "vip": 1}
    # nothing lost on the phone either: G2 keeps both tags
    assert sorted(sorted(t.key for t in c.tags) for c in phone.contacts().values()) == [["team"], ["team", "vip"]]
