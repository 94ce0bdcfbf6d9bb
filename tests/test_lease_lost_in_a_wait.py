"""A run whose book another instance takes over while it waits to send a write again sends nothing more.

The real faults: a real ``contactsync sync`` (and a real ``contactsync run``) on a PostgreSQL store pushes a new
person to a real Radicale behind the fault proxy (tests/system/faultproxy.py), which answers the PUT with 503 and
``Retry-After: 30``. While the run waits out those 30 s, another instance takes the book over: it claims the lease
through the store's own claim, with a clock past the run's expiry (what an instance does once the run's renewals
stopped reaching the store for longer than its lease). The run's renewal finds its lease gone; the run stops in
its wait instead of sleeping it out and sending the PUT again, which the instance that took over sends too.

Before: the run slept the whole Retry-After, then sent the PUT a second time (the engine checked the lease fence
before each batch, not before a batch's retry). A wait shorter than the renewal's period ends before the loss is
noticed: the engine then checks the fence after the wait, before it sends again (the in-process test below, where
the book is taken over during the wait itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from contactsync.connector import Change, ChangeResult
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine
from contactsync.errors import RateLimited
from contactsync.model import Contact, Email, EmailKind, Name
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import LeaseLost, Store, now
from tests.daemon_support import DaemonProcess, fill, logs_of, stop_all, wait_for
from tests.system.faultproxy import FaultProxy
from tests.system.radicale import PASSWORD, USER, Radicale

LEASE = 3  # seconds: renewed every second


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale.start(tmp_path / "radicale")
    yield server
    server.stop()


def _config(tmp_path: Path, pg_url: str, book_url: str) -> Path:
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD)
    secret.chmod(0o600)
    fill(tmp_path / "folder", 1)
    config = tmp_path / "c.yaml"
    config.write_text(
        f"store: {{url: '{pg_url}'}}\n"
        f"daemon: {{lease_seconds: {LEASE}, jitter_seconds: 0, workers: 1}}\n"
        "books:\n"
        "  - name: team\n"
        "    schedule: every 1h\n"
        "    accounts:\n"
        f"      - {{name: folder, type: vdir, options: {{path: '{tmp_path / 'folder'}'}}}}\n"
        f"      - {{name: dav, type: carddav, options: {{url: '{book_url}', username: {USER}, "
        f"password_file: '{secret}'}}}}\n"
    )
    return config


@pytest.mark.postgres
@pytest.mark.parametrize("command", ["sync", "run"])
def test_a_run_taken_over_while_it_waits_to_send_again_sends_nothing_more(
    tmp_path: Path, pg_url: str, radicale: Radicale, command: str
) -> None:
    book_url = radicale.new_book()
    with FaultProxy(radicale.base_url) as proxy:
        config = _config(tmp_path, pg_url, proxy.proxied(book_url))
        proxy.fail_next(1, 503, retry_after=30, method="PUT")
        process = DaemonProcess(["-v", "-c", str(config), command], tmp_path / f"{command}.log")
        try:
            # the refusal recorded (a commit under the run's fence), the run in its wait
            wait_for(
                "the run waiting out the PUT's Retry-After: 30",
                lambda: "sending them again in 30.0s" in process.output(),
                timeout=60,
                explain=lambda: logs_of([process]),
            )
            with Store.open(pg_url) as store:
                taken = store.claim_lease(
                    "team", ["folder", "dav"], "thief:1", 600, at=now() + timedelta(seconds=LEASE + 60), due_only=False
                )
                assert taken, "the other instance could not take the book over"
                if command == "sync":
                    process.wait(timeout=60)
                    out = process.output()
                    assert process.proc.returncode != 0, out
                    assert "taken over by another instance" in out, out
                else:
                    wait_for(
                        "the daemon's run to stop in its wait",
                        lambda: "run stopped, its lease lost to another instance" in process.output(),
                        timeout=60,
                        explain=lambda: logs_of([process]),
                    )
                    stop_all([process])
            # the one PUT the proxy refused; the run never sent it again (the instance that took over does)
            assert proxy.faults_served == {"503": 1}, (proxy.faults_served, process.output())
            assert proxy.requests["PUT"] == 0 and proxy.writes == 0, (proxy.requests, process.output())
        finally:
            if process.proc.poll() is None:
                process.kill()


class RefusedOnce(MemoryConnector):
    """A memory account whose first write is refused as a whole with a 30 s Retry-After."""

    pushes = 0

    def push(self, changes: list[Change]) -> list[ChangeResult]:  # type: ignore[override]
        self.pushes += 1
        if self.pushes == 1:
            raise RateLimited("slow down", retry_after=30, account=self.name)
        return super().push(changes)


def test_the_engine_checks_its_fence_after_a_wait_before_it_sends_again(store_url: str) -> None:
    names = ["source", "dest"]
    with Store.open(store_url) as store:
        store.ensure_leases({"team": names})
        claim = store.claim_lease("team", names, "i1", 60, due_only=False)
        assert claim and claim.fence is not None
        source, dest = MemoryBackend(name="source"), MemoryBackend(name="dest")
        source.user_create(
            normalize_contact(
                Contact(name=Name(given="Ana", family="Lima"), emails=(Email("a@x.org", EmailKind.WORK),))
            )
        )
        refusing = RefusedOnce("dest", dest)

        def taken_over_meanwhile(seconds: float) -> None:
            assert seconds == 30  # the Retry-After: the renewal (every third of a 60 s lease) has not run yet
            later = now() + timedelta(seconds=120)  # past i1's lease: what another instance sees once it ran out
            assert store.claim_lease("team", names, "i2", 60, at=later, due_only=False)

        book = BookSettings("team", tuple(AccountSettings(name, "memory") for name in names))
        engine = Engine(
            store, book, {"source": MemoryConnector("source", source), "dest": refusing}, sleep=taken_over_meanwhile
        )
        with store.fenced(claim.fence), pytest.raises(LeaseLost):
            engine.run()
        assert refusing.pushes == 1  # not sent again: the instance that took the book over sends it
        assert dest.items == {}
