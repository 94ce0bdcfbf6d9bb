"""A book's accounts listed since a state are asked side by side (issue #18): a run waits for its slowest account's
listing, not for the sum of them. What they answered is still reduced one account after another, in the book's
order, so nothing else about the run changes: a failing account fails alone, a change on one reaches the others.

A real ``contactsync sync`` against a real Radicale behind the latency proxy (bench/netproxy.py), which counts the
requests in flight: a no-change run of three CardDAV accounts sends one listing each, so one at a time never has
more than one in flight. A first sync (no state: each listing may be large) still lists one account at a time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactsync.store import Store
from tests.daemon_support import CONTACTSYNC
from tests.system.radicale import PASSWORD, USER, DavUser, Radicale, props

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from netproxy import LatencyProxy, proxied

RTT_MS = 200  # long enough that listings asked one after another can never overlap, whatever the machine's load
ACCOUNTS = ("dav-a", "dav-b", "dav-c")


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale.start(tmp_path / "radicale")
    yield server
    server.stop()


@pytest.fixture
def proxy(radicale: Radicale) -> Iterator[LatencyProxy]:
    with proxied(radicale.base_url, rtt_ms=RTT_MS) as latency:
        yield latency


def _card(uid: str, email: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{uid}\r\nN:{uid};;;;\r\nEMAIL:{email}\r\nEND:VCARD\r\n"


def _config(tmp_path: Path, proxy: LatencyProxy, *, wrong_password_for: str = "") -> Path:
    good, wrong = tmp_path / "pw", tmp_path / "wrong-pw"
    for path, text in ((good, PASSWORD), (wrong, "not-the-password")):
        path.write_text(text)
        path.chmod(0o600)
    ca = proxy.write_ca(tmp_path / "ca.pem")
    lines = [f"store: {{url: 'sqlite:///{tmp_path / 's.db'}'}}", "books:", "  - name: team", "    accounts:"]
    for name in ACCOUNTS:
        secret = wrong if name == wrong_password_for else good
        lines.append(
            f"      - {{name: {name}, type: carddav, options: {{url: '{proxy.url}/{USER}/{name}/', username: {USER}, "
            f"password_file: '{secret}', ca_bundle: '{ca}'}}}}"
        )
    config = tmp_path / "c.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


def _sync(tmp_path: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path / "home"), "STATE_DIRECTORY": str(tmp_path / "state")}
    env.pop("CONTACTSYNC_CONFIG", None)
    return subprocess.run(
        [CONTACTSYNC, "--config", str(config), "sync"], env=env, capture_output=True, text=True, timeout=180
    )


def _emails(radicale: Radicale, name: str) -> list[str]:
    user = DavUser(f"{radicale.base_url}/{USER}/{name}/")
    try:
        return sorted(e for _etag, text in user.cards().values() for e in props(text, "EMAIL"))
    finally:
        user.close()


def _three_books(radicale: Radicale) -> None:
    for i, name in enumerate(ACCOUNTS):
        url = radicale.new_book(name)
        user = DavUser(url)
        user.put(url + f"{name}.vcf", _card(name, f"p{i}@example.org"))
        user.close()


def test_the_listings_of_a_no_change_run_are_in_flight_together(
    tmp_path: Path, radicale: Radicale, proxy: LatencyProxy
) -> None:
    _three_books(radicale)
    config = _config(tmp_path, proxy)
    proxy.reset()
    first = _sync(tmp_path, config)
    assert first.returncode == 0, first.stderr
    everyone = ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert all(_emails(radicale, name) == everyone for name in ACCOUNTS)
    # a first sync lists each account in full, one after another (several could not be held in memory at once)
    assert proxy.counters.snapshot().peak_in_flight <= 8, proxy.counters.snapshot()

    proxy.reset()
    again = _sync(tmp_path, config)
    assert again.returncode == 0, again.stderr
    counted = proxy.counters.snapshot()
    # one listing an account (nothing changed, nothing written): asked one at a time, never two in flight
    assert counted.requests == len(ACCOUNTS), counted
    assert counted.peak_in_flight == len(ACCOUNTS), counted


def test_a_change_on_one_account_reaches_the_others_and_a_failing_listing_fails_alone(
    tmp_path: Path, radicale: Radicale, proxy: LatencyProxy
) -> None:
    _three_books(radicale)
    assert _sync(tmp_path, _config(tmp_path, proxy)).returncode == 0
    url_b = f"{radicale.base_url}/{USER}/dav-b/"
    user = DavUser(url_b)
    user.put(url_b + "new.vcf", _card("new", "new@example.org"))
    user.close()

    proxy.reset()
    # dav-c's password is wrong now: its listing fails (HTTP 401) while the two others are in flight
    done = _sync(tmp_path, _config(tmp_path, proxy, wrong_password_for="dav-c"))
    assert done.returncode == 3, done.stderr
    assert "account dav-c: listing failed (AuthFailed)" in done.stderr, done.stderr
    assert proxy.counters.snapshot().peak_in_flight >= 2, proxy.counters.snapshot()
    everyone = ["new@example.org", "p0@example.org", "p1@example.org", "p2@example.org"]
    assert _emails(radicale, "dav-a") == everyone
    assert _emails(radicale, "dav-b") == everyone
    assert _emails(radicale, "dav-c") == everyone[1:]  # not listed: nothing written to it; the write stays owed
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        assert store.outbox_count("dav-c") == 1


def test_only_a_store_every_thread_sees_lists_side_by_side(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as on_disk:
        assert on_disk.shared_by_threads
    with Store.open("sqlite://") as in_memory:  # each thread would see a database of its own
        assert not in_memory.shared_by_threads
