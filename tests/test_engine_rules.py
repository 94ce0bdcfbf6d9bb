"""Conflict rules and account permissions, as an admin configures them."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine
from contactsync.engine.merge import Side, merge
from contactsync.model import Contact, Email, EmailKind, Field, Name, Tag
from contactsync.normalize import normalize_contact
from contactsync.settings import (
    AccountMode,
    AccountSettings,
    BookSettings,
    BrakeSettings,
    ConflictRule,
    ConflictSettings,
)
from contactsync.store import Store

T0 = datetime(2026, 1, 1, tzinfo=UTC)
BASE = normalize_contact(
    Contact(
        name=Name(given="Ana"),
        emails=(Email("ana@example.org", EmailKind.WORK),),
        note="old",
        tags=frozenset({Tag("Team")}),
    )
)


def side(account: str, rank: int, minutes: int, **changes: object) -> Side:
    remote = BASE
    for attr, value in changes.items():
        remote = remote.with_field(Field(attr), value)
    return Side(account, BASE, remote, T0 + timedelta(minutes=minutes), rank, frozenset(Field))


@given(
    st.permutations([("a", 0, 5, "from a"), ("b", 1, 9, "from b"), ("c", 2, 9, "from c")]),
    st.sampled_from([ConflictRule.NEWEST, ConflictRule.PRIORITY]),
)
def test_a_rule_decides_the_same_whatever_the_order_of_accounts(
    order: list[tuple[str, int, int, str]], rule: ConflictRule
) -> None:
    sides = [side(a, rank, minutes, note=note) for a, rank, minutes, note in order]
    outcome = merge(BASE, T0, sides, ConflictSettings(default=rule))
    # newest: b and c tie on time, b has the better priority; priority: a ranks first
    assert outcome.contact.note == ("from b" if rule is ConflictRule.NEWEST else "from a")
    (decision,) = [d for d in outcome.decisions if d.field is Field.NOTE]
    assert {s for s, _v in decision.losers} == {"a", "b", "c"} - {"b" if rule is ConflictRule.NEWEST else "a"}


def test_store_rule_keeps_the_canonical_value_and_manual_queues() -> None:
    sides = [side("a", 0, 5, note="x"), side("b", 1, 6, note="y")]
    assert merge(BASE, T0, sides, ConflictSettings(default=ConflictRule.STORE)).contact.note == "old"
    manual = merge(
        BASE,
        T0,
        sides,
        ConflictSettings(default=ConflictRule.NEWEST, per_field=MappingProxyType({Field.NOTE: ConflictRule.MANUAL})),
    )
    (decision,) = manual.decisions
    assert manual.contact.note == "old" and decision.queued


def test_multi_valued_fields_merge_element_by_element() -> None:
    extra = Email("ana@home.example", EmailKind.HOME)
    a = side("a", 0, 1, emails=(*BASE.emails, extra))  # a adds an email
    b = side("b", 1, 2, emails=(), tags=frozenset({Tag("Team"), Tag("VIP")}))  # b removes one, adds a tag
    outcome = merge(BASE, T0, [a, b], ConflictSettings())
    assert outcome.contact.emails == (extra,)
    assert {t.name for t in outcome.contact.tags} == {"Team", "VIP"}


_OPENED: list[Store] = []


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    yield
    while _OPENED:  # an unclosed SQLite connection is a ResourceWarning on Python 3.13
        _OPENED.pop().close()


def _world(tmp_path, **accounts: AccountSettings):  # type: ignore[no-untyped-def]
    backends = {n: MemoryBackend(name=n) for n in accounts}
    book = BookSettings("perm", tuple(accounts.values()), brake=BrakeSettings(max_delete_ratio=1.0))
    store = Store.open(f"sqlite:///{tmp_path / 's.db'}")
    _OPENED.append(store)
    return backends, (lambda: Engine(store, book, {n: MemoryConnector(n, b) for n, b in backends.items()}).run())


def test_account_permissions_are_obeyed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    backends, run = _world(
        tmp_path,
        src=AccountSettings("src", "memory"),
        nocreate=AccountSettings("nocreate", "memory", allow_create=False),
        noupdate=AccountSettings("noupdate", "memory", allow_update=False),
        nodelete=AccountSettings("nodelete", "memory", allow_delete=False),
        push=AccountSettings("push", "memory", mode=AccountMode.PUSH_ONLY),
    )
    ana = backends["src"].user_create(BASE)
    for n in ("noupdate", "nodelete", "push"):
        backends[n].user_create(BASE)
    run()
    assert backends["nocreate"].contacts() == {}, "allow_create: false creates nothing"
    backends["src"].user_edit(ana, BASE.with_field(Field.NOTE, "new"))
    run()
    assert [c.note for c in backends["noupdate"].contacts().values()] == ["old"]
    assert [c.note for c in backends["push"].contacts().values()] == ["new"]
    # a push-only account's own edits are overwritten, never taken
    (pid,) = backends["push"].contacts()
    backends["push"].user_edit(pid, BASE.with_field(Field.NOTE, "edited on push"))
    run()
    assert [c.note for c in backends["src"].contacts().values()] == ["new"]
    assert [c.note for c in backends["push"].contacts().values()] == ["new"]
    backends["src"].user_delete(ana)
    run()
    assert len(backends["nodelete"].contacts()) == 1, "allow_delete: false deletes nothing"
    assert backends["push"].contacts() == {}


def test_an_erased_person_never_comes_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from contactsync.settings import Settings
    from contactsync.stewardship.person import erase_person, find_person

    backends = {n: MemoryBackend(name=n) for n in ("a", "lagging")}
    book = BookSettings(
        "perm", tuple(AccountSettings(n, "memory") for n in backends), brake=BrakeSettings(max_delete_ratio=1.0)
    )
    settings = Settings(books=(book,), store_url=f"sqlite:///{tmp_path / 's.db'}")
    store = Store.open(settings.store_url)
    _OPENED.append(store)
    connectors = {n: MemoryConnector(n, b) for n, b in backends.items()}
    backends["a"].user_create(BASE)
    Engine(store, book, connectors).run()
    erase_person(store, settings, find_person(store, settings, "ana@example.org"))
    # the lagging account cannot be written this run, and someone edits Ana there meanwhile
    backends["lagging"].fail_pushes = 3
    (lag_id,) = backends["lagging"].contacts()
    backends["lagging"].user_edit(lag_id, BASE.with_field(Field.NOTE, "edited while erased"))
    Engine(store, book, connectors).run()
    Engine(store, book, connectors).run()
    assert backends["a"].contacts() == {} and backends["lagging"].contacts() == {}
    assert store.active_contact_ids("perm") == []
    # a copy on an account we never linked (a re-imported export) is not pulled back in either
    backends["lagging"].user_create(BASE)
    with store.transaction() as tx:
        tx.reset_account("lagging")
    Engine(store, book, connectors).run()
    assert store.active_contact_ids("perm") == [] and backends["a"].contacts() == {}


class _Broken(MemoryConnector):
    """A connector with a bug of its own: what it raises is no ConnectorError."""

    def pull(self, state):  # type: ignore[no-untyped-def]
        raise LookupError("unknown encoding: bogus")


def _with_a_broken_account(book_name: str) -> tuple[dict[str, MemoryBackend], BookSettings, dict[str, Any]]:
    """Accounts a, b and "broken" (whose connector fails with an error no connector should raise); BASE on a."""
    backends = {n: MemoryBackend(name=n) for n in ("a", "b", "broken")}
    book = BookSettings(book_name, tuple(AccountSettings(n, "memory") for n in backends))
    connectors: dict[str, Any] = {n: MemoryConnector(n, b) for n, b in backends.items() if n != "broken"}
    connectors["broken"] = _Broken("broken", backends["broken"])
    backends["a"].user_create(BASE)
    return backends, book, connectors


def test_an_unexpected_error_in_one_connector_stays_with_its_account(tmp_path) -> None:  # type: ignore[no-untyped-def]
    backends, book, connectors = _with_a_broken_account("perm")
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        report = Engine(store, book, connectors).run()
    assert report.accounts["broken"].error_kind == "LookupError"
    assert len(backends["b"].contacts()) == 1 and backends["broken"].contacts() == {}


def test_a_run_leaves_the_garbage_collector_as_it_found_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the engine collects less often while it runs (it allocates millions of objects): a daemon that runs many
    # books, in threads, must get the process's own pace back afterwards, even when a run fails
    before = gc.get_threshold()
    _backends, book, connectors = _with_a_broken_account("gc")
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(lambda _i: Engine(store, book, connectors).run(dry_run=True), range(6)))
        Engine(store, book, connectors).run()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
