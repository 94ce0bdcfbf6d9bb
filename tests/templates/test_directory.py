"""Book templates against real parts: an OpenLDAP slapd directory whose people join and leave, each person's
book a vdir account and a CardDAV account on Radicale, through the CLI (`config expand`, `sync`, `status`) and a
real `contactsync run` process."""

from __future__ import annotations

import json
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import niquests
import pytest
from click.testing import CliRunner

from contactsync.cli import cli
from tests.carddav.conftest import DavServer, radicale_server  # noqa: F401  (the session's Radicale)
from tests.daemon_support import DaemonProcess, card, wait_for
from tests.ldap.slapd import Slapd, available
from tests.ports import free_port
from tests.templates.support import person, template_yaml

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


def _cards_on_dav(dav: DavServer, username: str) -> list[str]:
    """The emails of the cards in the person's Radicale address book (read straight from the server)."""
    url = f"{dav.base_url}{dav.home_path}{username}/"
    body = """<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>"""
    with dav.session() as s:
        listing = s.request("PROPFIND", url, data=body, headers={"Depth": "1"}, timeout=10)
        assert listing.status_code == 207, listing.status_code
        hrefs = [h for h in re.findall(r"<[^>]*href>([^<]+)</", listing.text or "") if h.endswith(".vcf")]
        emails = []
        for href in hrefs:
            text = s.get(dav.base_url + href, timeout=10).text or ""
            emails += re.findall(r"^EMAIL[^:]*:(.+?)\r?$", text, re.M)
    return sorted(emails)


def _setup(tmp_path: Path, dav: DavServer, uids: list[str]) -> None:
    """Each person's own cards on disk and an empty address book on Radicale named after their uid."""
    for uid in uids:
        folder = tmp_path / "vdir" / uid
        folder.mkdir(parents=True)
        (folder / "c1.vcf").write_text(card(f"{uid}-c1", 1).replace(f"p{uid}-c1@", f"{uid}-friend@"))
        book = f"{dav.base_url}{dav.home_path}{uid}/"
        with dav.session() as s:
            if s.request("PROPFIND", book, headers={"Depth": "0"}, timeout=10).status_code == 207:
                s.delete(book, timeout=10)  # the session's Radicale outlives a test: start each book empty
        dav.new_addressbook(uid)


def run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-c", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_config_expand_then_sync_gives_each_person_a_book_and_retires_the_book_of_who_left(
    tmp_path: Path,
    slapd: Slapd,
    radicale_server: DavServer,  # noqa: F811
) -> None:
    dav = radicale_server
    uids = ["tana", "tbia", "tcy"]
    _setup(tmp_path, dav, uids)
    person(slapd, "tana")
    bia = person(slapd, "tbia")
    slapd.add_person("tnomail", displayName="No Mail")  # no email: the filter on *@example.org leaves them out
    config = tmp_path / "config.yaml"
    config.write_text(template_yaml(tmp_path, slapd.url, dav))

    code, out = run(config, "config", "expand")
    assert code == 0, out
    assert "template staff (source directory): 3 people, 2 books (2 added by the next cycle)" in out
    assert "+ book tana" in out and f"url: {dav.base_url}{dav.home_path}tana/" in out
    assert "no book for person" in out and "left out by the template's filter" in out
    # shown, not recorded: nothing exists yet
    assert not (tmp_path / "store.db").exists()

    code, out = run(config, "config", "expand", "--apply")
    assert code == 0, out
    code, out = run(config, "sync")
    assert code == 0, out
    assert _cards_on_dav(dav, "tana") == ["tana-friend@example.org"]
    assert _cards_on_dav(dav, "tbia") == ["tbia-friend@example.org"]
    # doctor checks the accounts of expanded books like any other
    code, out = run(config, "doctor", "dav-tana")
    assert code == 0 and "dav-tana" in out, out

    # cy joins, bia leaves
    person(slapd, "tcy")
    slapd.delete(bia)
    code, out = run(config, "config", "expand", "--json")
    shown = json.loads(out)["templates"][0]
    assert [(b["book"], b["state"]) for b in shown["books"]] == [("tana", "active"), ("tcy", "new")]
    assert [r["book"] for r in shown["retiring"]] == ["tbia"]
    run(config, "config", "expand", "--apply")
    # bia writes one more card: her retired book never syncs it
    (tmp_path / "vdir" / "tbia" / "late.vcf").write_text(card("late", 9).replace("plate@", "tbia-late@"))
    code, out = run(config, "sync")
    assert code == 0, out
    assert _cards_on_dav(dav, "tcy") == ["tcy-friend@example.org"]
    # nothing deleted anywhere: bia's cards stay on Radicale and on disk, the late one stays where it was written
    assert _cards_on_dav(dav, "tbia") == ["tbia-friend@example.org"]
    assert sorted(f.name for f in (tmp_path / "vdir" / "tbia").glob("*.vcf")) == ["c1.vcf", "late.vcf"]

    code, out = run(config, "status", "--json")
    status = json.loads(out)
    assert sorted(status["books"]) == ["tana", "tcy"]
    assert {b["template"] for b in status["books"].values()} == {"staff"}
    (retired,) = status["retired"]
    assert retired["book"] == "tbia" and retired["template"] == "staff" and retired["retired_at"]
    assert status["summary"]["states"]["retired"] == 1 and status["summary"]["states"]["ok"] == 2
    code, out = run(config, "status", "--book", "tbia")
    assert "book tbia: RETIRED since" in out and "nothing deleted" in out


def test_the_daemon_gives_a_joining_person_a_book_and_first_sync_and_retires_on_leave(
    tmp_path: Path,
    slapd: Slapd,
    radicale_server: DavServer,  # noqa: F811
) -> None:
    dav = radicale_server
    uids = ["dana", "dbia", "dcy"]
    _setup(tmp_path, dav, uids)
    person(slapd, "dana")
    bia = person(slapd, "dbia")
    config = tmp_path / "config.yaml"
    config.write_text(template_yaml(tmp_path, slapd.url, dav, schedule="every 2s", book_schedule="every 2s"))
    port = free_port()
    daemon = DaemonProcess(
        ["-c", str(config), "run", "--jitter", "0", "--metrics", f"127.0.0.1:{port}"], tmp_path / "daemon.log"
    )
    try:
        wait_for("ana's and bia's first syncs", lambda: _cards_on_dav(dav, "dana") and _cards_on_dav(dav, "dbia"), 60)
        person(slapd, "dcy")
        # a new user's book appears with the next expansion and its first sync follows at once
        wait_for("cy's book and first sync", lambda: _cards_on_dav(dav, "dcy") == ["dcy-friend@example.org"], 60)
        # a reload keeps every expanded book (they come from the store, not from the file)
        daemon.signal(signal.SIGHUP)
        wait_for("the reload", lambda: "configuration reloaded: 3 books" in daemon.output(), 60)
        slapd.delete(bia)
        # the daemon's log names a book built from {user} by its pseudonym (log.personal_data: false), never the
        # sign-in name
        retired = re.compile(r"template staff: book (~[0-9a-f]{12}) retired")
        wait_for("bia's book retired", lambda: retired.search(daemon.output()) is not None, 60)
        (tmp_path / "vdir" / "dbia" / "late.vcf").write_text(card("late", 9).replace("plate@", "dbia-late@"))
        (tmp_path / "vdir" / "dana" / "late.vcf").write_text(card("late", 9).replace("plate@", "dana-late@"))
        # ana's book keeps running; bia's is not run again
        wait_for("ana's next run", lambda: "dana-late@example.org" in _cards_on_dav(dav, "dana"), 60)
        assert _cards_on_dav(dav, "dbia") == ["dbia-friend@example.org"]
        # metrics: one label per template and account pattern, never one per person
        metrics = niquests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text or ""
        assert 'contactsync_runs_total{book="template:staff",result="ok"}' in metrics, metrics
        assert 'account="staff:dav-{user}"' in metrics
        assert "dana" not in metrics and "dcy" not in metrics
    finally:
        assert daemon.stop() == 0, daemon.output()
    log = daemon.output()
    assert re.search(r"template staff: book ~[0-9a-f]{12} added; its first sync starts now", log), log
    # the warning about names built from a sign-in name is said as the daemon starts, not at every expansion (every
    # 2 s here) nor at a reload that changes nothing
    assert log.count("templates[0].book.name: '{user}' puts each person's sign-in name") == 1, log
    # lines of a templated book's run carry the template and the directory's id; never anyone's email or login
    assert re.search(r"INFO contactsync.daemon: run book=~[0-9a-f]{12} .*template=staff person=\S+", log), log
    assert "@example.org" not in log
    assert not re.search(r"\b(book|account)[= ](dav-|src-)?d(ana|bia|cy)\b", log), log
    assert "dav-dana" not in log and "src-dcy" not in log, log
    assert (tmp_path / "vdir" / "dbia" / "late.vcf").exists()


def test_a_directory_that_cannot_be_read_retires_nobody(
    tmp_path: Path,
    slapd: Slapd,
    radicale_server: DavServer,  # noqa: F811
) -> None:
    dav = radicale_server
    _setup(tmp_path, dav, ["eana"])
    person(slapd, "eana")
    config = tmp_path / "config.yaml"
    config.write_text(template_yaml(tmp_path, slapd.url, dav))
    assert run(config, "config", "expand", "--apply")[0] == 0
    slapd.stop()  # the real fault: the directory is down
    code, out = run(config, "config", "expand", "--apply")
    assert code == 1 and "the directory could not be read" in out
    status = json.loads(run(config, "status", "--json")[1])
    assert list(status["books"]) == ["eana"] and status["retired"] == []
