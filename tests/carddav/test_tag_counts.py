"""The tag-count check after a run costs a CardDAV book nothing (issue #18): the counts come from what the run's pull
saw and what it wrote since, kept in the pull state, not from a second listing and reading of the whole book.

Against real Radicale, through bench/netproxy.py (plain HTTP, no delay), which counts every request that reaches
the server: a `contactsync sync` sends exactly the requests its run report names, the check after it included,
and the counts it records are the book's as the server holds it, also after another client changed, added and
deleted tagged cards. At the connector: after pulls and writes, in each group style, the counts equal what a
fresh connector reads from the server, and taking them sends no request; a state an older version wrote (no tags
in it) is listed in full once.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from contactsync.connector import Change, ChangeKind
from contactsync.connectors.carddav import CardDavConnector, GroupStyle
from contactsync.connectors.carddav.state import PullState
from contactsync.errors import SyncTokenExpired
from tests.contract import create, pull_all, push_one, sample_contact

from .conftest import PASSWORD, USER, DavServer
from .helpers import card, make_connector

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from netproxy import LatencyProxy  # bench/ is no package

CARDS = 12


@pytest.fixture
def counted(radicale_server: DavServer) -> Iterator[LatencyProxy]:
    """Radicale behind a proxy that counts the requests reaching it."""
    with LatencyProxy(radicale_server.base_url, tls=False) as proxy:
        yield proxy


def _tags_of(i: int) -> list[str]:
    return [t for t, every in (("Team", 1), ("Even", 2), ("Third", 3)) if i % every == 0]


def _plant(server: DavServer, book: str, i: int, tags: list[str]) -> None:
    extra = f"CATEGORIES:{','.join(tags)}" if tags else ""
    answer = server.put_raw(f"{book}card-{i}.vcf", card(f"card-{i}", f"Person{i}", "Tagged", extra=extra).encode())
    assert answer.status_code in (201, 204), answer.status_code


def _sync(config: Path) -> int:
    """One `contactsync sync`; the requests its run report says the CardDAV account sent."""
    result = CliRunner().invoke(cli, ["--config", str(config), "sync", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["accounts"]["dav"]["requests"])


def _checked(config: Path) -> dict[str, tuple[int, int, str]]:
    """tag → (members on the server, in the store, verdict) as the last check recorded them for the book."""
    result = CliRunner().invoke(cli, ["--config", str(config), "status", "--json"], catch_exceptions=False)
    rows = json.loads(result.stdout)["books"]["tagged"]["tags"]
    return {
        row["tag"].casefold(): tuple(row["accounts"]["dav"][k] for k in ("platform", "store", "verdict"))
        for row in rows
        if "dav" in row["accounts"]
    }


# basic: a login from the first request; auto: the first request draws a 401 and is sent again with the login the
# server asks for: both crossings count, so the summary's `requests` is what reached the server either way
@pytest.mark.parametrize("auth", ["basic", "auto"])
def test_the_check_after_a_sync_sends_no_request_and_counts_the_book(
    radicale_server: DavServer, counted: LatencyProxy, tmp_path: Path, auth: str
) -> None:
    book = radicale_server.new_addressbook()
    held = {i: _tags_of(i) for i in range(CARDS)}
    for i, tags in held.items():
        _plant(radicale_server, book, i, tags)
    (tmp_path / "folder").mkdir()
    (tmp_path / "password").write_text(PASSWORD)
    (tmp_path / "password").chmod(0o600)
    proxied = counted.url.rstrip("/") + book.removeprefix(radicale_server.base_url)
    config = tmp_path / "contactsync.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n  - name: tagged\n    accounts:\n"
        f"      - {{name: dav, type: carddav, options: {{url: '{proxied}', username: {USER}, auth: {auth}, "
        f"password_file: {tmp_path / 'password'}}}}}\n"
        f"      - {{name: folder, type: vdir, options: {{path: {tmp_path / 'folder'}}}}}\n"
    )

    def truth() -> dict[str, int]:
        return dict(Counter(t.casefold() for tags in held.values() for t in tags))

    def settled() -> None:
        counted.reset()
        reported = _sync(config)
        # every request that reached the server is one the run made: the check after it sent none
        assert counted.reset().requests == reported
        checked = _checked(config)
        assert {tag: server for tag, (server, _, _) in checked.items()} == truth()
        assert all(verdict == "ok" and server == store for server, store, verdict in checked.values()), checked

    settled()  # the first sync: the book listed and read once, copied to the folder
    settled()  # the folder's new cards come back once; the book unchanged

    # another client moves a card out of a tag, deletes a tagged card and adds one
    held[1] = []
    _plant(radicale_server, book, 1, [])
    with radicale_server.session() as session:
        assert session.delete(f"{book}card-2.vcf", timeout=10).status_code in (200, 204)
    del held[2]
    held[CARDS] = ["Team", "Fresh"]
    _plant(radicale_server, book, CARDS, held[CARDS])
    settled()


@pytest.mark.parametrize("style", [GroupStyle.CATEGORIES, GroupStyle.KIND_GROUP, GroupStyle.APPLE_GROUP])
def test_counts_kept_through_pulls_and_writes_are_the_servers(radicale_server: DavServer, style: GroupStyle) -> None:
    book = radicale_server.new_addressbook()
    writer = make_connector(radicale_server, book, group_style=style)
    a = create(writer, sample_contact(1, tags=("Staff", "VIP")), "cid-1")
    create(writer, sample_contact(2, tags=("staff",)), "cid-2")
    c = create(writer, sample_contact(3, tags=()), "cid-3")
    writer.close()

    def on_server() -> dict[str, int]:
        fresh = make_connector(radicale_server, book, group_style=style)
        try:
            return {t.key: n for t, n in fresh.tag_counts().items()}  # nothing pulled: a full listing
        finally:
            fresh.close()

    def kept(connector: CardDavConnector) -> dict[str, int]:
        before = dict(connector.request_counts)
        counts = {t.key: n for t, n in connector.tag_counts().items()}
        assert dict(connector.request_counts) == before  # no request: the run's own view
        return counts

    run = make_connector(radicale_server, book, group_style=style)
    items, state = pull_all(run)
    assert kept(run) == on_server() == {"staff": 2, "vip": 1}

    # the run's own writes: one card leaves a tag, another joins two, one tagged card is deleted
    assert a.ref is not None and c.ref is not None
    fitted = run.fit(sample_contact(1, tags=("VIP",)))
    assert push_one(run, Change(ChangeKind.UPDATE, "cid-1", contact=fitted, ref=items[a.ref.id].ref)).ok
    joined = run.fit(sample_contact(3, tags=("Staff", "New")))
    assert push_one(run, Change(ChangeKind.UPDATE, "cid-3", contact=joined, ref=items[c.ref.id].ref)).ok
    added = push_one(run, Change(ChangeKind.CREATE, "cid-4", contact=run.fit(sample_contact(4, tags=("New",)))))
    assert added.ok and added.ref is not None
    assert kept(run) == on_server() == {"staff": 2, "vip": 1, "new": 2}
    run.close()

    # another client deletes the new card; the next run pulls incrementally from the first run's state
    with radicale_server.session() as session:
        assert session.delete(radicale_server.base_url + added.ref.id, timeout=10).status_code in (200, 204)
    later = make_connector(radicale_server, book, group_style=style)
    later.pull(state)
    assert kept(later) == on_server() == {"staff": 2, "vip": 1, "new": 1}
    later.close()


def test_a_state_without_tags_is_listed_in_full_once(radicale_server: DavServer) -> None:
    book = radicale_server.new_addressbook()
    connector = make_connector(radicale_server, book)
    create(connector, sample_contact(1, tags=("Staff",)), "cid-1")
    state = connector.pull(None).next_state
    assert state is not None
    older = PullState(PullState.decode(state).sync_token, tagged=None).encode()  # as the version before wrote it
    with pytest.raises(SyncTokenExpired):
        connector.pull(older)  # the engine then lists in full, and the state it keeps holds the tags
    assert PullState.decode(connector.pull(None).next_state or "").tagged is not None
    connector.close()
