"""A directory in a real OpenLDAP pushed into folders of vCards (vdir): join, change, leave, a user deleting inside
the container, the user's own contacts left alone, the brake, fields and exclusions, and nothing re-sent when
nothing changed. Each test runs the store on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from contactsync.connector import Change, ChangeKind, ChangeResult, Connector
from contactsync.connectors.vdir import VdirConnector
from contactsync.connectors.vdir.connector import STALE_TEMPORARY_S
from contactsync.distribution.run import target_lease
from contactsync.errors import RateLimited, SyncAborted
from contactsync.model import Contact, Email, EmailKind, Field, Name, PhoneKind, Tag
from contactsync.registry import build_connector
from contactsync.settings import AccountSettings, BookSettings, BrakeSettings, frozen_mapping
from contactsync.store import LeaseLost, Store, TagVerdict
from contactsync.store import schema as t
from contactsync.store.distribution import book_of
from tests.distribution.support import (
    CONTAINER,
    cycle,
    directory_account,
    distribution,
    distributor,
    people_in,
    vdir_account,
)
from tests.ldap.slapd import Slapd, available
from tests.vdir_support import Writer, writers

__all__ = ["writers"]  # the fixture, used by name

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))

PHOTO = b"\xff\xd8\xff\xe0" + b"jpeg" * 50


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as s:
        yield s


def folder(tmp_path: Path, name: str) -> VdirConnector:
    return VdirConnector(name, tmp_path / name)


def seed(slapd: Slapd, n: int) -> list[str]:
    return [
        slapd.add_person(
            f"p{i:02d}",
            cn=f"Person {i:02d}",
            givenName="Person",
            sn=f"{i:02d}",
            mail=[f"p{i:02d}@example.org"],
            telephoneNumber=[f"+55 11 3333-{i:04d}"],
            mobile=[f"+55 11 9888-{i:04d}"],
        )
        for i in range(n)
    ]


def test_join_change_leave_reach_every_target_within_one_cycle(slapd: Slapd, store: Store, tmp_path: Path) -> None:
    dns = seed(slapd, 6)
    targets = [(vdir_account(f"user{i}", tmp_path / f"user{i}"), f"p0{i}@example.org") for i in range(3)]
    dist = distributor(store, distribution(directory_account(slapd), targets))

    first = cycle(dist)
    assert first.plan is not None and first.plan.joined == 6
    for i in range(3):
        people = people_in(folder(tmp_path, f"user{i}"))
        # everyone but the target's own owner, each in the container, with the marker of our canonical id
        assert sorted(people) == sorted(f"p{j:02d}@example.org" for j in range(6) if j != i)
        assert all(Tag(CONTAINER) in rc.contact.tags and rc.marker for rc in people.values())
    # the container's count read back from each folder agrees with what the store says it holds there
    checks = {c.account: c for c in store.tag_checks() if c.book == book_of("company")}
    assert {a: (c.platform_count, c.store_count, c.verdict) for a, c in checks.items()} == {
        f"user{i}": (5, 5, TagVerdict.OK) for i in range(3)
    }

    slapd.modify(dns[4], {"title": ["Head of Sales"]})
    slapd.delete(dns[5])
    slapd.add_person("newcomer", cn="New Comer", mail=["newcomer@example.org"])
    second = cycle(dist)
    assert second.plan is not None
    assert (second.plan.joined, second.plan.changed, second.plan.left) == (1, 1, 1)
    for i in range(3):
        people = people_in(folder(tmp_path, f"user{i}"))
        assert "p05@example.org" not in people and "newcomer@example.org" in people
        assert people["p04@example.org"].contact.job_title == "Head of Sales"
    # each target got exactly the three writes: nothing re-sent for the people who did not change
    assert [(t.created, t.updated, t.deleted) for t in second.targets] == [(1, 1, 1)] * 3

    # the leaver is in the trash of the distribution, and the journal says who removed it where
    trashed = store.trashed(book_of("company"))
    assert [r.contact.emails[0].address for r, _ in trashed] == ["p05@example.org"]
    actions = [h.action for h in store.history(trashed[0][0].id)]
    assert actions.count("delete") == 3 and "distribute-leave" in actions


def test_a_cycle_with_nothing_changed_writes_nothing_and_lists_each_target_once(
    slapd: Slapd, store: Store, tmp_path: Path
) -> None:
    seed(slapd, 4)
    targets = [(vdir_account(f"user{i}", tmp_path / f"user{i}"), None) for i in range(2)]
    dist = distributor(store, distribution(directory_account(slapd), targets))
    cycle(dist)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "user0").iterdir()}
    again = cycle(dist)
    assert again.plan is not None and (again.plan.joined, again.plan.changed, again.plan.left) == (0, 0, 0)
    # the listing shows our own writes of the last cycle once (they came after its state): recognised, not redone
    assert [(t.created, t.updated, t.deleted) for t in again.targets] == [(0, 0, 0)] * 2
    quiet = cycle(dist)
    assert [(t.created, t.updated, t.deleted, t.listed) for t in quiet.targets] == [(0, 0, 0, 0)] * 2
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "user0").iterdir()} == before


def test_a_contact_deleted_inside_the_container_comes_back_and_the_users_own_are_untouched(
    slapd: Slapd, store: Store, tmp_path: Path
) -> None:
    seed(slapd, 3)
    account = vdir_account("user0", tmp_path / "user0")
    dist = distributor(store, distribution(directory_account(slapd), [(account, None)]))
    user = folder(tmp_path, "user0")
    own = Contact(name=Name("Mum", "Silva"), emails=(Email("mum@example.net", EmailKind.HOME),))
    # the user's own contact, even one in a group of the same name, is no business of the distribution
    own_tagged = Contact(name=Name("Friend"), emails=(Email("friend@example.net"),), tags=frozenset({Tag(CONTAINER)}))
    user.push([Change(ChangeKind.CREATE, "own-1", own), Change(ChangeKind.CREATE, "own-2", own_tagged)])
    cycle(dist)
    people = people_in(user)
    assert len(people) == 5
    # the container holds four on the platform (the user's own card in it too), three of ours: no mismatch
    (check,) = (c for c in store.tag_checks() if c.account == "user0")
    assert (check.platform_count, check.store_count, check.verdict) == (4, 3, TagVerdict.OK)

    # the user deletes one distributed card and edits another inside the container
    gone = people["p01@example.org"]
    edited = people["p02@example.org"]
    user.push(
        [
            Change(ChangeKind.DELETE, gone.marker or "", ref=gone.ref),
            Change(
                ChangeKind.UPDATE, edited.marker or "", edited.contact.with_field(Field.JOB_TITLE, "mine"), edited.ref
            ),
        ]
    )
    report = cycle(dist)
    assert [(t.created, t.updated, t.deleted) for t in report.targets] == [(1, 1, 0)]
    people = people_in(user)
    assert "p01@example.org" in people and people["p02@example.org"].contact.job_title == ""
    # the user's own cards: same files, same content
    assert people["mum@example.net"].ref.etag and people["mum@example.net"].contact.name.given == "Mum"
    assert people["friend@example.net"].marker == "own-2"


def test_a_person_leaving_removes_only_the_distributed_card(slapd: Slapd, store: Store, tmp_path: Path) -> None:
    dns = seed(slapd, 5)
    account = vdir_account("user0", tmp_path / "user0")
    dist = distributor(store, distribution(directory_account(slapd), [(account, None)]))
    user = folder(tmp_path, "user0")
    # the user keeps their own card of the same person, outside the container
    user.push([Change(ChangeKind.CREATE, "own", Contact(name=Name("Person"), emails=(Email("p03@example.org"),)))])
    cycle(dist)
    slapd.delete(dns[3])
    report = cycle(dist)
    assert [t.deleted for t in report.targets] == [1]
    left = [rc for rc in user.pull(None).changed if rc.contact.emails[0].address == "p03@example.org"]
    assert [rc.marker for rc in left] == ["own"]


def test_the_brake_holds_a_source_that_suddenly_lists_nothing(slapd: Slapd, store: Store, tmp_path: Path) -> None:
    dns = seed(slapd, 10)
    account = vdir_account("user0", tmp_path / "user0")
    settings = distribution(
        directory_account(slapd), [(account, None)], brake=BrakeSettings(max_deletes=50, max_delete_ratio=0.2)
    )
    dist = distributor(store, settings)
    cycle(dist)
    for dn in dns:
        slapd.delete(dn)  # a wrong filter, an emptied OU: the directory answers with nobody
    braked = cycle(dist)
    assert braked.plan is not None and braked.plan.held == 10 and braked.plan.left == 0
    assert braked.plan.brake_reason is not None and "100%" in braked.plan.brake_reason
    assert len(people_in(folder(tmp_path, "user0"))) == 10
    assert store.distribution_state("company").brake_reason == braked.plan.brake_reason
    # it holds on the next cycle too, until the admin allows the deletes
    assert len(people_in(folder(tmp_path, "user0"))) == 10 and cycle(dist).plan.held == 10  # type: ignore[union-attr]
    allowed = cycle(dist, allow_deletes=True)
    assert allowed.plan is not None and allowed.plan.left == 10
    assert people_in(folder(tmp_path, "user0")) == {}
    assert store.distribution_state("company").brake_reason is None


def test_fields_photos_mobiles_and_exclusions_follow_the_settings(slapd: Slapd, store: Store, tmp_path: Path) -> None:
    slapd.add_person(
        "ana",
        cn="Ana Souza",
        givenName="Ana",
        sn="Souza",
        mail=["ana@example.org"],
        telephoneNumber=["+55 11 3333-4444"],
        mobile=["+55 11 98888-7777"],
        title="Engineer",
        jpegPhoto=PHOTO,
    )
    slapd.add_person("ceo", cn="The Boss", mail=["ceo@example.org"])
    plain = vdir_account("plain", tmp_path / "plain")
    rich = vdir_account("rich", tmp_path / "rich")
    source = directory_account(slapd)
    distributor(store, distribution(source, [(plain, None)], exclude=("CEO@example.org",), photos=False)).run_cycle(
        "t", 30, next_due=None
    )
    ana = people_in(folder(tmp_path, "plain"))
    assert sorted(ana) == ["ana@example.org"]
    contact = ana["ana@example.org"].contact
    assert [p.kind for p in contact.phones] == [PhoneKind.WORK] and contact.photo is None
    assert contact.job_title == "Engineer"

    settings = distribution(source, [(rich, None)], mobile=True)
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        distributor(other, settings).run_cycle("t", 30, next_due=None)
    finally:
        other.close()
    full = people_in(folder(tmp_path, "rich"))["ana@example.org"].contact
    assert {p.kind for p in full.phones} == {PhoneKind.WORK, PhoneKind.MOBILE} and full.photo is not None


def test_a_book_account_can_be_a_target_and_the_book_is_left_alone(slapd: Slapd, store: Store, tmp_path: Path) -> None:
    seed(slapd, 2)
    account = vdir_account("shared", tmp_path / "shared")
    book = BookSettings("team", (account,))
    dist = distributor(store, distribution(directory_account(slapd), []), [book])
    assert dist.accounts["shared"] == (account, book)


def test_a_person_back_in_scope_is_restored_and_the_trash_is_emptied_after_its_days(
    slapd: Slapd, store: Store, tmp_path: Path
) -> None:
    people = [slapd.add_person(f"p{i}", mail=[f"p{i}@example.org"]) for i in range(6)]
    staff = slapd.add_group("staff", people)
    account = vdir_account("user0", tmp_path / "user0")
    source = directory_account(slapd)
    source = replace(source, options=frozen_mapping({**source.options, "group": staff}))
    dist = distributor(store, distribution(source, [(account, None)]))
    cycle(dist)
    slapd.modify(staff, {"member": people[1:]})  # p0 leaves the group: out of scope, same directory entry
    assert cycle(dist).plan.left == 1  # type: ignore[union-attr]
    ((record, _),) = store.trashed(book_of("company"))
    slapd.modify(staff, {"member": people})  # and comes back
    back = cycle(dist)
    assert back.plan is not None and back.plan.joined == 1
    assert store.trashed(book_of("company")) == [] and "p0@example.org" in people_in(folder(tmp_path, "user0"))
    assert store.contact(record.id).deleted_at is None  # the same canonical person, out of the trash

    slapd.modify(staff, {"member": people[1:]})
    cycle(dist)
    assert store.purge_distribution_trash("company") == []  # still within trash_days
    with store.transaction() as tx:  # trash_days later
        tx.conn.execute(sa.update(t.trash).values(purge_after=datetime.now(UTC) - timedelta(seconds=1)))
    assert store.purge_distribution_trash("company") == [record.id]
    assert store.trashed(book_of("company")) == []


def test_a_stop_between_batches_leaves_the_target_behind_and_the_next_cycle_finishes_it(
    slapd: Slapd, store: Store, tmp_path: Path
) -> None:
    seed(slapd, 3)
    account = vdir_account("user0", tmp_path / "user0")
    dist = distributor(store, distribution(directory_account(slapd), [(account, None)]))
    building = dist.connect
    stopping: list[str] = []

    def connect(account: AccountSettings, book: BookSettings) -> Connector:
        if account.name == "user0":
            stopping.append("SIGTERM")  # arrives while the target is being listed, before its first batch
        return building(account, book)

    dist.connect = connect
    with pytest.raises(SyncAborted, match="batch boundary"):
        dist.run_cycle("t", 30, next_due=None, stop=lambda: bool(stopping), give_up_s=5)
    assert people_in(folder(tmp_path, "user0")) == {}
    dist.connect = building
    assert store.target_state("company", "user0").revision == 0
    report = cycle(dist)
    assert [(t.created, t.revision) for t in report.targets] == [(3, 1)]


def test_changing_what_travels_reshapes_everyone_once(slapd: Slapd, store: Store, tmp_path: Path) -> None:
    seed(slapd, 3)
    account = vdir_account("user0", tmp_path / "user0")
    source = directory_account(slapd)
    cycle(distributor(store, distribution(source, [(account, None)])))
    assert all(len(rc.contact.phones) == 1 for rc in people_in(folder(tmp_path, "user0")).values())
    # the admin lets mobile numbers travel: everyone is read and shaped again, and sent once
    with_mobiles = distributor(store, distribution(source, [(account, None)], mobile=True))
    report = cycle(with_mobiles)
    assert report.plan is not None and report.plan.changed == 3
    assert [t.updated for t in report.targets] == [3]
    assert all(len(rc.contact.phones) == 2 for rc in people_in(folder(tmp_path, "user0")).values())
    assert cycle(with_mobiles).plan.changed == 0  # type: ignore[union-attr]


def test_naming_a_targets_owner_later_takes_their_own_entry_out(slapd: Slapd, store: Store, tmp_path: Path) -> None:
    seed(slapd, 3)
    account = vdir_account("user0", tmp_path / "user0")
    source = directory_account(slapd)
    cycle(distributor(store, distribution(source, [(account, None)])))
    assert len(people_in(folder(tmp_path, "user0"))) == 3
    report = cycle(distributor(store, distribution(source, [(account, "P01@example.org")])))
    assert [(t.created, t.updated, t.deleted) for t in report.targets] == [(0, 0, 1)]
    assert sorted(people_in(folder(tmp_path, "user0"))) == ["p00@example.org", "p02@example.org"]


class TakenOverWhileRefused(VdirConnector):
    """A target folder whose first write is refused with a short Retry-After, and whose target another daemon takes
    over at that moment (claiming its lease with a clock past this daemon's expiry, as it does once the renewals
    stopped reaching the store): the wait ends before any renewal could notice."""

    def __init__(self, name: str, path: Path, store: Store) -> None:
        super().__init__(name, path)
        self.store = store
        self.pushes = 0

    def push(self, changes: Sequence[Change]) -> list[ChangeResult]:
        self.pushes += 1
        if self.pushes == 1:
            later = datetime.now(UTC) + timedelta(seconds=120)
            assert self.store.claim_lease(target_lease("company", self.name), [self.name], "other", 60, at=later)
            raise RateLimited("slow down", retry_after=0.2, account=self.name)
        return super().push(changes)


def test_a_target_taken_over_during_a_retry_wait_is_not_sent_the_batch_again(
    slapd: Slapd, store: Store, tmp_path: Path
) -> None:
    seed(slapd, 3)
    target = vdir_account("user0", tmp_path / "user0")
    dist = distributor(store, distribution(directory_account(slapd), [(target, None)]))
    made: list[TakenOverWhileRefused] = []

    def connect(account: AccountSettings, book: BookSettings) -> Connector:
        if account.name != "user0":
            return build_connector(account, book)
        made.append(TakenOverWhileRefused("user0", tmp_path / "user0", store))
        return made[-1]

    dist.connect = connect
    with pytest.raises(LeaseLost):  # the cycle stops there, as at a batch boundary (the daemon logs it, goes on)
        cycle(dist, give_up_s=1)
    assert [c.pushes for c in made] == [1]  # not sent again after the wait: the daemon that took it over sends it
    assert people_in(folder(tmp_path, "user0")) == {}


def test_a_killed_writers_temporary_in_a_target_folder_is_removed_by_the_next_cycle(
    slapd: Slapd, store: Store, tmp_path: Path, writers: list[Writer]
) -> None:
    """A contactsync process killed while it wrote a card into a target's folder left its temporary there (the
    card's personal data, seen by every tool syncing the folder). A distribution has no dry run: its next cycle
    removes it, as a book's run does (tests/test_vdir_stale_temporaries.py), and distributes as before."""
    seed(slapd, 2)
    target = tmp_path / "user0"
    dist = distributor(store, distribution(directory_account(slapd), [(vdir_account("user0", target), None)]))
    writer = Writer(target)
    writers.append(writer)
    writer.kill()
    writer.age(STALE_TEMPORARY_S + 60)

    cycle(dist)

    assert not writer.temporary.exists()
    assert not [p for p in target.iterdir() if p.name.endswith(".tmp")]
    assert len(people_in(folder(tmp_path, "user0"))) == 2


def test_a_source_that_stops_answering_for_a_while_is_read_again_not_failed(
    slapd: Slapd, store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The directory frozen (SIGSTOP: its socket accepts, nothing answers) when a cycle starts, and woken a few
    seconds later: the source's read times out, waits under the one retry policy, is sent again, and the cycle
    distributes everyone. Before, the cycle failed on the first timeout and waited for the next schedule."""
    seed(slapd, 4)
    source = directory_account(slapd)
    source = replace(source, options=frozen_mapping({**source.options, "timeout": 1}))
    dist = distributor(store, distribution(source, [(vdir_account("user0", tmp_path / "user0"), None)]))
    assert slapd.process is not None
    slapd.process.send_signal(signal.SIGSTOP)
    waking = threading.Timer(3.0, lambda: slapd.process.send_signal(signal.SIGCONT) if slapd.process else None)
    waking.start()
    try:
        with caplog.at_level(logging.INFO, logger="contactsync.retry"):
            report = cycle(dist, give_up_s=60)
    finally:
        waking.cancel()
        slapd.process.send_signal(signal.SIGCONT)
    assert report.plan is not None and report.plan.joined == 4
    assert sorted(people_in(folder(tmp_path, "user0"))) == [f"p{i:02d}@example.org" for i in range(4)]
    assert any("source directory" in r.getMessage() and "sending again" in r.getMessage() for r in caplog.records)
