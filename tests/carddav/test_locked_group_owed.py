"""After a group card refused as Locked, the membership it could not take is owed, visibly: the contact's card
write is counted written, yet the account owes one write (status counts it pending) and the daemon's tag check
says PENDING, not MISMATCH (no WARNING, no full listing asked for): the connector answers the write applied
with a part of it owed (``ChangeResult.owed``), and the engine keeps it in the outbox."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from contactsync.connector import Connector
from contactsync.connectors.carddav import GroupStyle
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.daemon.circuit import fresh_health
from contactsync.daemon.records import DaemonRecords, TagVerdict
from contactsync.daemon.tags import check_account
from contactsync.engine import Engine
from contactsync.engine.report import RunReport
from contactsync.retry import RetryPolicy
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store
from tests.carddav.conftest import DavServer
from tests.carddav.relay import Relay
from tests.carddav.test_locked_group_card import STYLES, connector, group_updates_locked, person


@pytest.mark.parametrize("style", STYLES, ids=[s.value for s in STYLES])
def test_a_membership_a_locked_group_card_refused_stays_owed_and_the_tag_check_says_pending(
    radicale_server: DavServer, tmp_path: Path, style: GroupStyle
) -> None:
    book = radicale_server.new_addressbook()
    phone = MemoryBackend(name=f"locked-owed-phone-{style.value}")
    first_id = phone.user_create(person(1, "Team"))
    settings = BookSettings("groups", (AccountSettings("dav", "carddav"), AccountSettings("phone", "memory")))
    locked = [False]

    def refuse(method: str, path: str, headers: Mapping[str, str], body: bytes) -> int | None:
        return group_updates_locked(method, path, headers, body) if locked[0] else None

    with (
        Relay(radicale_server.base_url, refuse=refuse) as relay,
        Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store,
    ):

        def run() -> RunReport:
            dav = connector(radicale_server, relay.proxied(book), style)
            try:
                connectors: dict[str, Connector] = {"dav": dav, "phone": MemoryConnector("phone", phone)}
                return Engine(store, settings, connectors, retry=RetryPolicy(sleep=lambda _s: None)).run()
            finally:
                dav.close()

        run()
        phone.user_edit(first_id, person(1, "Team", note="edited"))
        phone.user_create(person(2, "Team", "VIP"))
        locked[0] = True
        second = run()
        owed = store.outbox_count("dav")
        fresh = connector(radicale_server, relay.proxied(book), style)
        try:
            outcome, _health = check_account(
                store, DaemonRecords(store), settings, settings.accounts[0], fresh, fresh_health("dav", "groups")
            )
        finally:
            fresh.close()
        locked[0] = False
        third = run()
        after = store.outbox_count("dav")
    dav = second.accounts["dav"]
    assert dav.error is None and (dav.created, dav.updated) == (1, 1), dav  # the cards written, counted so
    assert owed == 1 and dav.pending == 1  # G2's membership of Team: owed, and counted so
    verdicts = {c.tag_key: c.verdict for c in outcome.checks}
    assert verdicts == {"team": TagVerdict.PENDING, "vip": TagVerdict.OK} and not outcome.repair_requested
    assert third.accounts["dav"].error is None and after == 0
