"""Our own writes folded into the pull state (``absorb_writes``, #18), against real Radicale and Xandikos.

Each "run" is a new connector, as a new process builds it. The state handed to ``absorb_writes`` is the one
from before the writes, as the engine keeps it; the engine hands over only writes the store recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

import contactsync.connectors.carddav.connector as carddav_module
from contactsync.connector import Change, ChangeKind, ChangeResult, RecordedWrite
from contactsync.connectors.carddav import CardDavConnector, GroupStyle
from contactsync.connectors.carddav.state import PullState
from contactsync.connectors.carddav.transport import DavTransport, HttpAnswer
from tests.contract import pull_all, sample_contact

from .conftest import DavServer
from .helpers import get_raw


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cards the connector parses (its module's parse_card, counted)."""
    seen: list[str] = []
    real = carddav_module.parse_card

    def counted(text: str, **kwargs: Any) -> Any:
        seen.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(carddav_module, "parse_card", counted)
    return seen


def sent(connector: CardDavConnector) -> dict[str, int]:
    return {method: n for method, n in connector.request_counts.items() if n}


def write_three(connector: CardDavConnector) -> list[ChangeResult]:
    changes = [
        Change(ChangeKind.CREATE, f"cid-{n}", contact=connector.fit(sample_contact(n, tags=("Staff",))))
        for n in range(3)
    ]
    results = list(connector.push(changes))
    assert all(r.ok for r in results), [r.error for r in results]
    return results


def folded(connector: CardDavConnector, state: str | None, results: list[ChangeResult]) -> str | None:
    return connector.absorb_writes(state, [RecordedWrite.of(r) for r in results])


@pytest.mark.parametrize("sync", [True, False], ids=["sync-collection", "propfind"])
def test_cards_we_wrote_are_not_read_back_at_their_etag_and_are_read_at_another(
    dav_server: DavServer, connect: Callable[..., CardDavConnector], parses: list[str], sync: bool
) -> None:
    first = connect(use_sync_collection=sync)
    _, state = pull_all(first)
    results = write_three(first)
    state = folded(first, state, results)

    # the next run: nothing is read, nothing parsed; the tag-count check counts our cards from the state
    second = connect(use_sync_collection=sync)
    parses.clear()
    assert second.pull(state).changed == ()
    assert parses == []
    assert sent(second) == ({"REPORT": 1} if sync else {"PROPFIND": 1})
    assert {t.name: n for t, n in second.tag_counts().items()} == {"Staff": 3}
    assert sent(second) == ({"REPORT": 1} if sync else {"PROPFIND": 1})

    # another client edits one of them: read at its new etag, the other two still skipped
    edited = results[1].ref
    assert edited is not None
    url = dav_server.base_url + edited.id
    text = get_raw(dav_server, url)
    assert dav_server.put_raw(url, text.replace("Manager", "Director").encode()).status_code in (200, 201, 204)
    third = connect(use_sync_collection=sync)
    (read,) = third.pull(state).changed
    assert read.ref.id == edited.id and read.ref.etag != edited.etag
    assert read.contact.job_title == "Director"


def test_a_card_the_server_answered_without_an_etag_is_read_again(
    connect: Callable[..., CardDavConnector], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that changes a card as it stores it must not answer with an ETag (RFC 7232 2.3): without one, what
    it holds is not what we sent, so the next pull reads it, as it did before."""
    first = connect()
    _, state = pull_all(first)
    real_put = DavTransport.put

    def put_without_etag(self: DavTransport, url: str, body: str, *, etag: str | None) -> HttpAnswer:
        return replace(real_put(self, url, body, etag=etag), etag=None)

    monkeypatch.setattr(DavTransport, "put", put_without_etag)
    results = write_three(first)
    monkeypatch.undo()
    state = folded(first, state, results)
    assert {rc.ref for rc in connect().pull(state).changed} == {r.ref for r in results}


def test_a_weak_etag_in_the_answer_folds_nothing(
    connect: Callable[..., CardDavConnector], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A weak etag promises an equivalent card, not our bytes: nothing is taken as known under one."""
    first = connect()
    _, state = pull_all(first)
    real_put = DavTransport.put

    def put_weak(self: DavTransport, url: str, body: str, *, etag: str | None) -> HttpAnswer:
        answer = real_put(self, url, body, etag=etag)
        return replace(answer, etag=f"W/{answer.etag}" if answer.etag else None)

    monkeypatch.setattr(DavTransport, "put", put_weak)
    results = write_three(first)
    assert state is not None
    assert folded(first, state, results) == state


def test_only_the_writes_handed_over_are_folded(connect: Callable[..., CardDavConnector]) -> None:
    """The engine hands over what the store recorded: a write it did not record is read by the next pull."""
    first = connect()
    _, state = pull_all(first)
    results = write_three(first)
    state = folded(first, state, results[:2])
    assert state is not None
    assert set(PullState.decode(state).written) == {r.ref.id for r in results[:2] if r.ref is not None}
    assert [rc.ref for rc in connect().pull(state).changed] == [results[2].ref]


def test_with_group_cards_nothing_is_folded(connect: Callable[..., CardDavConnector]) -> None:
    """A contact's version there includes the group cards naming it: the next pull reads our writes, as before."""
    first = connect(group_style=GroupStyle.APPLE_GROUP)
    _, state = pull_all(first)
    results = write_three(first)
    assert folded(first, state, results) == state
