"""The whole system under random edits and faults: Google (People emulator), Outlook (Graph emulator) and
Radicale in one book, a SQLite store, the real engine and connectors.

Each seed builds a fresh world and plays rounds. A round: users on every platform create, edit (every field
kind), tag, delete and type in the same person on a second platform, through each platform's own API; runs
meet random faults on all three platforms (429s, 5xx with and without Retry-After, connections dropped after a
write, expired sync tokens and delta links, expired access tokens; Radicale's faults come from a loopback
proxy in front of it, ``tests/system/faultproxy.py``) and the engine is stopped dead after a random write;
sometimes a whole platform is wiped (the brake must hold, then ``reset_account`` refills it). Then the faults
stop, two runs must settle everything, and the invariants of ``docs/sync-invariants.md`` are
checked: convergence modulo each platform's ``fit``, no duplicates, no lost update for single-side edits, edit
beats delete, no resurrection, idempotence (a third run writes nothing), equal tag counts everywhere and in the
store, nothing quarantined. The fidelity corpus plays too: every card of ``tests/data/fidelity`` that CardDAV
accepts (those with a UID) joins the game as a Radicale person, so Google and Outlook must hold each one's
``fit``, and a corpus card nobody touched must stay byte for byte what its client wrote (issue #15).

The second game plays the same rounds with the runs done by the installed ``contactsync sync`` in its own
process (a config file pointing at the emulators, the proxy and a SQLite store file), SIGKILLed at a random
moment: once the servers have seen k more writes (a CardDAV write is killed between Radicale applying it and
the answer reaching the process) or after a random delay (imports, listing, planning, the store's commit). The
next run, a process too, and the in-process runs after it must converge with every invariant holding. The
emulators and Radicale run outside the killed process (in this one and in Radicale's own).

CI plays a bounded budget (three seeds of each game, six and three rounds: two to three minutes). Longer:

    CONTACTSYNC_SOAK_SEEDS=20 CONTACTSYNC_SOAK_ROUNDS=30 pytest tests/test_whole_system.py
    CONTACTSYNC_SOAK_SEED=1234 CONTACTSYNC_SOAK_ROUNDS=30 pytest tests/test_whole_system.py   # replay one seed
    CONTACTSYNC_SOAK_SEEDS=10 pytest tests/test_whole_system.py -k killed                   # only the SIGKILL game

A failure names its seed, round and the replay command, and prints the actions that led to it. A replay plays
the same users, faults and kill targets; a SIGKILL lands at the same write count (a Google or Graph write can
be a request later) or after the same delay, so where a delay kill lands may vary by a step.
"""

from __future__ import annotations

import itertools
import os
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import niquests
import pytest

from contactsync.admin import reset_account
from contactsync.connectors.carddav import CardDavConnector, CardDavOptions
from contactsync.connectors.memory import BACKENDS, MemoryConnector, backend
from contactsync.emulators.google import PeopleEmulator
from contactsync.emulators.outlook import GraphEmulator
from contactsync.engine import Engine, RunReport
from contactsync.errors import RateLimited, SyncTokenExpired, Transient
from contactsync.model import Contact, Field
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

from .fidelity import corpus
from .google.helpers import private_key_pem
from .system.faultproxy import FaultProxy
from .system.radicale import PASSWORD, USER, DavUser, Radicale
from .system.world import (
    CLIENT_ID,
    FIELD_KINDS,
    GOOGLE_ETAG_LAG,
    GOOGLE_USER,
    MAILBOX,
    PLATFORMS,
    SECRET,
    TENANT,
    DavUserPlatform,
    Value,
    World,
    who,
)

TAGS = ("Staff", "VIP", "Friends")
ROUNDS = int(os.environ.get("CONTACTSYNC_SOAK_ROUNDS", "6"))
KILL_ROUNDS = int(os.environ.get("CONTACTSYNC_SOAK_ROUNDS", "3"))
if os.environ.get("CONTACTSYNC_SOAK_SEED"):
    SEEDS = [int(os.environ["CONTACTSYNC_SOAK_SEED"])]
else:
    SEEDS = list(range(1, 1 + int(os.environ.get("CONTACTSYNC_SOAK_SEEDS", "3"))))


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = Radicale.start(tmp_path_factory.mktemp("radicale"))
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Interval:
    """What users did since the last settle: the model the invariants are checked against."""

    #: (who, field kind) → platform → (value, epoch); epoch -1: an edit whose value is not checked
    edits: dict[tuple[str, str], dict[str, tuple[Value, int]]] = field(default_factory=dict)
    strong: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # who → (platform, epoch) of net edits
    touched: set[str] = field(default_factory=set)  # who had any edit at all
    deleted: dict[str, dict[str, int]] = field(default_factory=dict)  # who → platform → epoch


class Scenario:
    def __init__(self, seed: int, world: World, *, processes: bool = False) -> None:
        self.seed = seed
        self.processes = processes  # runs are `contactsync sync` processes, SIGKILLed at random moments
        self.rng = random.Random(seed)
        self.world = world
        self.counter = itertools.count(1)
        self.values = itertools.count(1)
        self.epoch = 0
        self.round = 0
        self.iv = Interval()
        self.gone: set[str] = set()
        self.log: list[str] = []
        #: corpus person → (href, the card as Radicale held it before any run); and who was ever touched
        self.corpus: dict[str, tuple[str, str]] = {}
        self.ever_touched: set[str] = set()

    def note(self, line: str) -> None:
        self.log.append(f"[round {self.round} epoch {self.epoch}] {line}")

    # ------------------------------------------------------------------ users
    def seed_people(self) -> None:
        for platform in PLATFORMS:
            for _ in range(4):
                n = next(self.counter)
                tags = frozenset(self.rng.sample(TAGS, self.rng.randint(0, 2)))
                self.world.users[platform].create(n, tags)
                self.note(f"{platform}: create p{n} tags={sorted(tags)}")
        self.seed_corpus()

    def seed_corpus(self) -> None:
        """Each card of the fidelity corpus (as Apple, Google, Outlook, Nextcloud, Thunderbird, DAVx5 and RFC 6350
        write them) joins the game as a Radicale person, with the game's identity address added."""
        dav = self.world.users["dav"]
        assert isinstance(dav, DavUserPlatform)
        for path in corpus():
            text = path.read_text(encoding="utf-8")
            if "\nUID:" not in text or "KIND:group" in text:
                continue  # a CardDAV server refuses a card without UID (RFC 6352 5.1); a group is not a person
            n = next(self.counter)
            person = f"p{n}@example.org"
            # the identity address goes first: Outlook holds three addresses, the first three
            lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
            at = next(i for i, line in enumerate(lines) if line.startswith("VERSION:")) + 1
            card = "\r\n".join([*lines[:at], f"EMAIL:{person}", *lines[at:]]) + "\r\n"
            href = f"{dav.user.book_url}corpus-{n}.vcf"
            dav.user.put(href, card)
            self.corpus[person] = (href, dav.user.cards()[href][1])
            self.note(f"dav: corpus card {path.name} as p{n}")

    def user_actions(self) -> None:
        for _ in range(self.rng.randint(3, 8)):
            platform = self.rng.choice(PLATFORMS)
            user = self.world.users[platform]
            people = user.people()
            action = self.rng.choices(["create", "edit", "edit", "edit", "tag", "delete", "copy", "unmail"])[0]
            if action == "create" or not people:
                n = next(self.counter)
                tags = frozenset(self.rng.sample(TAGS, self.rng.randint(0, 2)))
                user.create(n, tags)
                self.note(f"{platform}: create p{n} tags={sorted(tags)}")
                continue
            person = self.rng.choice(sorted(people))
            item = people[person]
            if action == "edit":
                value = Value(self.rng.choice(FIELD_KINDS), next(self.values))
                user.edit(item, value)
                self.iv.edits.setdefault((person, value.kind), {})[platform] = (value, self.epoch)
                self.iv.strong.setdefault(person, []).append((platform, self.epoch))
                self.iv.touched.add(person)
                self.note(f"{platform}: {person} {value.kind} := {value.text or value.k}")
            elif action == "tag":
                tag = self.rng.choice(TAGS)
                on = self.rng.random() < 0.6
                user.set_tag(item, tag, on)
                self.iv.touched.add(person)
                self.note(f"{platform}: {person} tag {tag} {'on' if on else 'off'}")
            elif action == "unmail":
                user.remove_second_emails(item)
                self.iv.touched.add(person)
                self.iv.edits.setdefault((person, "email2"), {})[platform] = (Value("email2", 0), -1)
                self.note(f"{platform}: {person} second emails removed")
            elif action == "delete":
                if len(people) <= 4:
                    continue
                user.delete(item)
                self.iv.deleted.setdefault(person, {}).setdefault(platform, self.epoch)
                self.note(f"{platform}: delete {person}")
            elif action == "copy":
                # the same person typed in by hand on a platform that lacks them: matched, never duplicated
                others = [p for p in PLATFORMS if p != platform]
                target = self.rng.choice(others)
                if person in self.world.users[target].people() or person in self.gone or not person:
                    continue
                source = self.read_one(platform, person)
                if source is None:
                    continue
                self.world.users[target].create(int(person[1:].split("@")[0]), frozenset(), copy_of=source)
                self.iv.touched.add(person)
                self.iv.strong.setdefault(person, []).append((target, self.epoch))
                for kind in FIELD_KINDS:  # every field of the copy competes with edits made elsewhere
                    self.iv.edits.setdefault((person, kind), {})[target] = (Value(kind, 0), -1)
                self.note(f"{target}: typed in {person} by hand (copied from {platform})")

    def read_one(self, platform: str, person: str) -> Contact | None:
        c = self.world.build_connectors()
        try:
            for rc in c[platform].pull(None).changed:
                if who(rc.contact) == person:
                    return rc.contact
            return None
        finally:
            for conn in c.values():
                conn.close()

    # ------------------------------------------------------------------ runs and faults
    #: faults that make no run wait for real (a process run sleeps what Retry-After says)
    QUICK_FAULTS = ("gexpire", "oexpire", "dexpire", "tokens", "d429", "d503")
    FAULTS = (
        "g503",
        "g429",
        "gdrop",
        "gexpire",
        "o503",
        "o429",
        "odrop",
        "oexpire",
        "d503",
        "d429",
        "ddrop",
        "dexpire",
        "tokens",
    )

    def arm_faults(self, *, quick: bool = False) -> list[str]:
        armed = []
        self.world.google.faults.etag_lag = GOOGLE_ETAG_LAG  # cleared with the other faults before settling
        for _ in range(self.rng.randint(0, 3)):
            fault = self.rng.choice(self.QUICK_FAULTS if quick else self.FAULTS)
            n = self.rng.randint(1, 4)
            # Retry-After for the proxy's answers: none, or a wait (0 s where a process would really sleep)
            wait = None if self.rng.random() < 0.4 else (0 if quick else 1)
            if quick and fault == "d503":
                wait = 0  # a 503 without Retry-After is retried after a real backoff
            w = self.world
            if fault == "g503":
                w.google.faults.fail_next(n, 503)
            elif fault == "g429":
                w.google.faults.fail_next(n, 429)
            elif fault == "gdrop":
                w.google.faults.drop_after_write_next(1)
            elif fault == "gexpire":
                w.google.faults.expire_sync_tokens()
            elif fault == "o503":
                w.graph.fail_next(n, 503)
            elif fault == "o429":
                w.graph.throttle_next(n, retry_after=1)
            elif fault == "odrop":
                w.graph.drop_after_write_next(1)
            elif fault == "oexpire":
                w.graph.expire_delta_links()
            elif fault == "d503":
                w.proxy.fail_next(n, 503, retry_after=wait)
            elif fault == "d429":
                w.proxy.throttle_next(n, retry_after=wait)
            elif fault == "ddrop":
                w.proxy.drop_after_write_next(1)
            elif fault == "dexpire":
                # 403 as Radicale answers; 409 as RFC 4918 also allows (see the 409 test below)
                w.proxy.expire_sync_tokens(self.rng.choice((403, 409)))
            else:
                w.age_tokens()
            if fault[1:] in ("503", "429"):
                armed.append(f"{fault}x{n}" + (f"(Retry-After {wait})" if fault[0] == "d" and wait is not None else ""))
            elif fault == "dexpire":
                armed.append(f"dexpire({w.proxy.expired_status})")
            else:
                armed.append(fault)
        return armed

    def faulty_run(self) -> None:
        if self.processes:
            self.killed_process_run()
            return
        faults = self.arm_faults()
        crash = self.rng.random() < 0.3
        if crash:
            step = self.rng.randint(1, 6)
            died = self.world.run_crashing_at(step)
            self.note(f"run with faults {faults}, killed at write {step}: {'died' if died else 'finished'}")
        else:
            report = self.world.run()
            self.note(f"run with faults {faults}: {report.result.value}, {report.writes} writes")
        self.world.clear_faults()
        self.epoch += 1

    def killed_process_run(self) -> None:
        """A `contactsync sync` process SIGKILLed after k more writes or after a random delay."""
        faults = self.arm_faults(quick=True) if self.rng.random() < 0.5 else []
        if self.rng.random() < 0.7:
            k = self.rng.randint(1, 8)
            how = f"SIGKILL after {k} writes"
            run = self.world.run_process(kill_after_writes=k)
        else:
            delay = round(self.rng.uniform(0.3, 3.0), 2)
            how = f"SIGKILL after {delay}s"
            run = self.world.run_process(kill_after_s=delay)
        outcome = "killed" if run.died else f"finished first ({run.report and run.report['result']})"
        self.note(f"process run with faults {faults}, {how}: {outcome}, {run.writes} writes seen, {run.seconds:.1f}s")
        self.world.clear_faults()
        self.epoch += 1

    def wipe(self) -> None:
        """A server wiped: the brake must hold every delete; the admin resets the account and it fills again."""
        platform = self.rng.choice(PLATFORMS)
        user = self.world.users[platform]
        before = {p: len(self.world.users[p].people()) for p in PLATFORMS}
        for item in user.people().values():
            user.delete(item)
        if platform == "dav":
            self.ever_touched |= set(self.corpus)  # refilled by contactsync: its own cards now
        self.note(f"{platform}: wiped ({before[platform]} items)")
        self.world.let_writes_propagate()
        report = self.world.run()
        assert report.accounts[platform].brake is not None, f"wiping {platform} did not engage the brake"
        for other in PLATFORMS:
            if other != platform:
                assert len(self.world.users[other].people()) == before[other], (
                    f"the wipe of {platform} spread deletes to {other}"
                )
        with self.world.store() as store:
            reset_account(store, platform)
        self.note(f"{platform}: reset_account")
        self.settle()
        assert len(user.people()) == before[platform], f"{platform} was not refilled after reset_account"

    # ------------------------------------------------------------------ settle and check
    def settle(self) -> None:
        self.world.clear_faults()
        self.world.let_writes_propagate()  # the users' last edits reach Google's sync listing
        if self.processes:  # the run after a kill is a process too, as an admin would start it
            process = self.world.run_process()
            assert process.report is not None
            first_writes = int(process.report["writes"])
        else:
            first_writes = self.world.run().writes
        second = self.world.run()
        self.note(f"settle: {first_writes} + {second.writes} writes")
        self.epoch += 2
        self.check()
        self.iv = Interval()

    def must_survive(self, person: str) -> bool:
        deleted = self.iv.deleted[person]
        first_delete = min(deleted.values())
        return any(
            platform not in deleted and epoch >= first_delete for platform, epoch in self.iv.strong.get(person, [])
        )

    def check(self) -> None:
        w = self.world
        third = w.run()
        assert third.writes == 0, (
            f"idempotence: a run with no outside change wrote {third.writes} times "
            f"({ {n: (a.created, a.updated, a.deleted) for n, a in third.accounts.items()} })"
        )
        for name, rep in third.accounts.items():
            assert rep.error is None, f"{name}: {rep.error}"
            assert rep.pending == 0, f"{name}: {rep.pending} writes still owed after settling"
        canonical = list(w.canonical().values())
        people = [who(c) for c in canonical]
        assert "" not in people, "a canonical contact lost its identity address"
        assert len(set(people)) == len(people), f"duplicates in the store: {sorted(people)}"
        by_who = {who(c): c for c in canonical}
        listed, counts, quarantined = w.remote()
        for platform in PLATFORMS:
            assert quarantined[platform] == 0, f"{platform}: {quarantined[platform]} items quarantined"
            here = [who(c) for c in listed[platform]]
            assert len(set(here)) == len(here), f"duplicates on {platform}: {sorted(here)}"
            assert sorted(here) == sorted(people), (
                f"{platform} holds {sorted(set(here) ^ set(people))} differently from the store"
            )
            fit = w.connectors[platform].fit
            for c in listed[platform]:
                expected = fit(by_who[who(c)])
                diff = {f.value: (c.get(f), expected.get(f)) for f in Field if c.get(f) != expected.get(f)}
                assert not diff, f"{platform}: {who(c)} differs from the store (platform, fit(store)): {diff}"
        store_counts = w.store_tag_counts()
        for platform in PLATFORMS:
            assert counts[platform] == store_counts, (
                f"tag counts on {platform} {counts[platform]} != store {store_counts}"
            )
        # no lost update: a field edited on one platform only (and the person deleted nowhere) shows the edit
        for (person, kind), by_platform in self.iv.edits.items():
            if len(by_platform) != 1 or person not in by_who or person in self.iv.deleted:
                continue
            ((platform, (value, epoch)),) = by_platform.items()
            if epoch < 0:
                continue
            assert value.holds(by_who[person]), (
                f"lost update: {kind} of {person} set to {value.text or value.k} on {platform} is not in the store"
            )
        # edit beats delete; an uncontradicted delete propagates and stays
        for person in self.iv.deleted:
            if self.must_survive(person):
                assert person in by_who, (
                    f"{person} deleted on {sorted(self.iv.deleted[person])} but edited "
                    "elsewhere after: the edit must win"
                )
            elif person not in self.iv.touched:
                assert person not in by_who, f"the delete of {person} did not propagate"
                self.gone.add(person)
        back = self.gone & set(by_who)
        assert not back, f"resurrected: {sorted(back)}"
        # the corpus: a card nobody touched is what its client wrote, byte for byte (issue #15)
        self.ever_touched |= self.iv.touched | set(self.iv.deleted) | {p for p, _ in self.iv.edits}
        cards = w.users["dav"].user.cards() if isinstance(w.users["dav"], DavUserPlatform) else {}
        for person, (href, original) in self.corpus.items():
            if person in self.ever_touched or person in self.gone:
                continue
            assert href in cards, f"corpus card of {person} is gone from Radicale, nobody deleted it"
            assert cards[href][1] == original, f"corpus card of {person} was rewritten, nobody changed it"
        assert w.google.internal_errors == []
        assert w.proxy.internal_errors == []

    # ------------------------------------------------------------------ the game
    def play(self, rounds: int) -> None:
        self.seed_people()
        self.world.run()
        self.epoch += 1
        self.settle()
        for self.round in range(1, rounds + 1):
            if self.rng.random() < 0.15:
                self.wipe()
                continue
            for _ in range(self.rng.randint(1, 2)):
                self.user_actions()
                self.faulty_run()
            self.settle()


@pytest.fixture
def proxy(radicale: Radicale) -> Iterator[FaultProxy]:
    with FaultProxy(radicale.base_url) as server:
        yield server


def start_world(
    tmp_path: Path, radicale: Radicale, proxy: FaultProxy, google: PeopleEmulator, graph: GraphEmulator
) -> World:
    google.add_user(GOOGLE_USER)
    graph.add_tenant(TENANT)
    graph.add_app(TENANT, CLIENT_ID, secret=SECRET)
    graph.add_mailbox(TENANT, MAILBOX)
    private_key_pem()
    return World(google, graph, radicale.new_book(), proxy, tmp_path)


def play(
    seed: int, rounds: int, tmp_path: Path, radicale: Radicale, proxy: FaultProxy, *, processes: bool, selector: str
) -> None:
    with PeopleEmulator() as google, GraphEmulator(seed=seed) as graph:
        world = start_world(tmp_path, radicale, proxy, google, graph)
        scenario = Scenario(seed, world, processes=processes)
        try:
            scenario.play(rounds)
            print("\n".join(scenario.log))  # shown with -s or -rP
        except AssertionError as exc:
            print("\n".join(scenario.log))
            raise AssertionError(
                f"seed {seed}, round {scenario.round}: {exc}\nreplay: CONTACTSYNC_SOAK_SEED={seed} "
                f"CONTACTSYNC_SOAK_ROUNDS={scenario.round} .venv/bin/pytest tests/test_whole_system.py -x "
                f"-k {selector}"
            ) from exc
        finally:
            world.close()


@pytest.mark.parametrize("seed", SEEDS)
def test_random_edits_and_faults_settle_with_every_invariant(
    seed: int, tmp_path: Path, radicale: Radicale, proxy: FaultProxy
) -> None:
    play(seed, ROUNDS, tmp_path, radicale, proxy, processes=False, selector="random_edits_and_faults")


@pytest.mark.parametrize("seed", SEEDS)
def test_sync_process_killed_at_random_moments_settles_with_every_invariant(
    seed: int, tmp_path: Path, radicale: Radicale, proxy: FaultProxy
) -> None:
    play(seed, KILL_ROUNDS, tmp_path, radicale, proxy, processes=True, selector="killed_at_random")


# ---------------------------------------------------------------------------------------------- the DAV fault proxy
CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\nEMAIL:{uid}@example.org\r\n"
    "END:VCARD\r\n"
)


def dav_connector(url: str) -> CardDavConnector:
    return CardDavConnector("dav", CardDavOptions(url=url, username=USER, timeout=30), PASSWORD)


def test_fault_proxy_faults_reach_the_carddav_connector_as_a_server_would_send_them(
    radicale: Radicale, proxy: FaultProxy
) -> None:
    book = radicale.new_book()
    user = DavUser(book)
    connector = dav_connector(proxy.proxied(book))
    try:
        user.put(f"{book}a.vcf", CARD.format(uid="a"))
        state = connector.pull(None).next_state
        assert connector.pull(state).changed == ()  # forwarded untouched: the token works through the proxy

        proxy.fail_next(1, 503)
        with pytest.raises(Transient) as transient:
            connector.pull(state)
        assert not isinstance(transient.value, RateLimited)
        proxy.fail_next(1, 503, retry_after=2)
        with pytest.raises(RateLimited) as limited:
            connector.pull(state)
        assert limited.value.retry_after == 2
        proxy.throttle_next(1, retry_after=None)
        with pytest.raises(RateLimited) as limited:
            connector.pull(state)
        assert limited.value.retry_after is None
        assert connector.pull(state).changed == ()  # each fault answers its n requests, then forwards again

        proxy.expire_sync_tokens(403)
        with pytest.raises(SyncTokenExpired):
            connector.pull(state)
        fresh = connector.pull(None)  # the full listing the engine falls back to gets a token that works
        assert [rc.contact.emails[0].address for rc in fresh.changed] == ["a@example.org"]
        assert connector.pull(fresh.next_state).changed == ()

        proxy.drop_after_write_next(1)
        with niquests.Session() as raw:
            raw.auth = (USER, PASSWORD)
            with pytest.raises(niquests.exceptions.ConnectionError):
                raw.put(
                    proxy.proxied(f"{book}b.vcf"),
                    data=CARD.format(uid="b").encode(),
                    timeout=30,
                    headers={"Content-Type": "text/vcard", "If-None-Match": "*"},
                )
        assert f"{book}b.vcf" in user.cards(), "a dropped write must still be applied (only the answer is lost)"
        assert proxy.faults_served == Counter({"503": 2, "429": 1, "sync-token-403": 1, "drop": 1})
        assert proxy.internal_errors == []
    finally:
        connector.close()
        user.close()


def test_a_token_refused_with_409_and_valid_sync_token_is_listed_again(
    radicale: Radicale, proxy: FaultProxy, tmp_path: Path
) -> None:
    book = radicale.new_book()
    user = DavUser(book)
    BACKENDS.pop("whole-system-409", None)
    phone = backend("whole-system-409")
    settings = BookSettings("b409", (AccountSettings("dav", "carddav"), AccountSettings("phone", "memory")))
    try:
        user.put(f"{book}a.vcf", CARD.format(uid="a"))
        with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:

            def run() -> RunReport:
                connectors = {"dav": dav_connector(proxy.proxied(book)), "phone": MemoryConnector("phone", phone)}
                try:
                    return Engine(store, settings, connectors, sleep=lambda _s: None).run()
                finally:
                    for c in connectors.values():
                        c.close()

            assert run().accounts["dav"].error is None
            proxy.expire_sync_tokens(409)
            user.put(f"{book}b.vcf", CARD.format(uid="b"))
            report = run()
            again = run()
        assert report.accounts["dav"].error is None, report.accounts["dav"].error
        assert again.accounts["dav"].error is None, again.accounts["dav"].error
        emails = sorted(e.address for c in phone.contacts().values() for e in c.emails)
        assert emails == ["a@example.org", "b@example.org"]
    finally:
        user.close()
