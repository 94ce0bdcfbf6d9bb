"""A quarantined item's handle in ``status`` is keyed by the store's own random key (store/secrets.py, migration
0010).

``status`` shows a quarantined CardDAV card's href masked (the login and the file name hidden) and a handle that
tells two such cards apart. The handle was 6 hex digits of a plain SHA-256 of the href: anyone reading a pasted
``status`` could hash a guessed href (``/…/users/ana.silva@example.com/…``) and confirm whose card it was. It is now
an HMAC under a key the store makes once, race-free, and keeps: different in every store, the same in every
process using one store.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from contactsync.logs import item_handle
from contactsync.store import Store
from contactsync.store.secrets import HANDLE_KEY, KEY_BYTES
from tests.test_migrations_fresh_cpu import two_databases  # noqa: F401  # the fixture: two new databases of a kind

from .test_pii_carddav import EMAIL, PASSWORD

HREF = "/remote.php/dav/addressbooks/users/ana.silva@example.com/contacts/Ana%20Silva.vcf"
OTHER = "/remote.php/dav/addressbooks/users/ana.silva@example.com/contacts/Ana%20Souza.vcf"


def _quarantine(url: str) -> None:
    """What a run that met two unreadable cards records (the CardDAV connector quarantines by href)."""
    with Store.open(url) as store, store.transaction() as tx:
        tx.set_account_status(
            "dav", "book", run_id=1, result="ok", error=None, duration_s=0.1, brake_reason=None, summary={}
        )
        tx.set_quarantine("dav", {HREF: "unreadable card", OTHER: "unreadable card"}, full=True)


def _config(root: Path, url: str) -> Path:
    (root / "pw").write_text(PASSWORD)
    config = root / f"c-{abs(hash(url))}.yaml"
    config.write_text(
        f"store:\n  url: '{url}'\n"
        "books:\n"
        "  - name: book\n"
        "    accounts:\n"
        "      - {name: dav, type: carddav, options: {url: 'https://dav.example.org/remote.php/dav/addressbooks/"
        f"users/{EMAIL}/contacts/', username: '{EMAIL}', password_file: {root / 'pw'}}}}}\n"
    )
    return config


def _status_ids(config: Path) -> list[str]:
    """The quarantined ids ``contactsync status --json`` shows, from a process of its own."""
    env = {k: v for k, v in os.environ.items() if k != "CONTACTSYNC_CONFIG"}
    done = subprocess.run(
        [sys.executable, "-c", "from contactsync.cli import main; main()", "-c", str(config), "status", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    out = json.loads(done.stdout)
    return sorted(q["id"] for q in out["books"]["book"]["accounts"]["dav"]["quarantined"])


def test_each_store_has_its_own_key_and_every_process_the_same(
    two_databases: tuple[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    first_url, second_url = two_databases
    for url in (first_url, second_url):
        _quarantine(url)
    first, again = _status_ids(_config(tmp_path, first_url)), _status_ids(_config(tmp_path, first_url))
    second = _status_ids(_config(tmp_path, second_url))
    masked = "/remote.php/dav/addressbooks/users/…/contacts/…#"
    assert all(i.startswith(masked) and len(i) == len(masked) + 6 for i in first + second), (first, second)
    assert len(set(first)) == 2  # two cards masked alike, told apart
    # the same store: the same handles in every process (the key was made by the first and kept)
    assert again == first
    # another store: other handles for the same hrefs, so a handle says nothing outside its store
    assert not set(first) & set(second), (first, second)
    # not the plain hash anyone can compute from a guessed href
    plain = {masked + hashlib.sha256(h.encode()).hexdigest()[:6] for h in (HREF, OTHER)}
    assert not plain & set(first + second)
    with Store.open(first_url) as store:
        key = store.stored_key(HANDLE_KEY)  # made by the run that quarantined, not by status
    assert key is not None and len(key) == KEY_BYTES
    assert first == sorted(masked + item_handle(h, key)[1:] for h in (HREF, OTHER))


def test_processes_making_the_key_at_once_agree(store_url: str) -> None:
    """Daemons and status sharing one store, all asking for the key the first time together: one key."""
    Store.open(store_url).close()
    stores = [Store.open(store_url) for _ in range(6)]
    start = threading.Barrier(len(stores))
    keys: list[bytes] = []

    def ask(store: Store) -> None:
        start.wait()
        keys.append(store.store_key(HANDLE_KEY))

    threads = [threading.Thread(target=ask, args=(s,)) for s in stores]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for s in stores:
            s.close()
    assert len(keys) == len(stores) and len(set(keys)) == 1, keys
    with Store.open(store_url) as store:
        assert store.store_key(HANDLE_KEY) == keys[0]


def test_the_migration_adds_and_removes_the_key_table(store_url: str) -> None:
    engine = sa.create_engine(store_url)
    cfg = Config()
    cfg.set_main_option("script_location", "contactsync:migrations")
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0009")
            # a store of the last version with an item quarantined: the update makes its key, so the first
            # status after it (which never writes) shows handles
            conn.execute(
                sa.text(
                    "INSERT INTO quarantine (account, remote_id, reason, first_seen, last_seen)"
                    " VALUES ('dav', :href, 'unreadable card', :at, :at)"
                ),
                {"href": HREF, "at": datetime.now(UTC)},
            )
        assert "store_keys" not in sa.inspect(engine).get_table_names()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        with Store.open(store_url) as store:
            key = store.stored_key(HANDLE_KEY)
            assert key is not None and len(key) == KEY_BYTES
            assert store.store_key(HANDLE_KEY) == key
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0009")
        assert "store_keys" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_status_never_makes_the_key(tmp_path: Path) -> None:
    """status only reads: a store whose quarantined items have no key (none was made for them) shows their masked
    ids without a handle, rather than one anybody could compute, and status writes nothing; the next run that
    quarantines makes the key, and status (even on a file opened immutable) shows handles again."""
    from contactsync.cli import _handle_key, _quarantined

    url = f"sqlite:///{tmp_path / 'store.db'}"
    _quarantine(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM store_keys"))
    engine.dispose()
    for opened in (Store.open(url), Store.open_immutable(tmp_path / "store.db")):
        with opened as store:
            assert _handle_key(store) is None
            assert store.stored_key(HANDLE_KEY) is None  # status asked, and made nothing
    shown = _quarantined(HREF, "unreadable card", None, EMAIL, personal_data=False, key=None)
    assert shown["id"] == "/remote.php/dav/addressbooks/users/…/contacts/…"
    _quarantine(url)
    with Store.open_immutable(tmp_path / "store.db") as store:
        made = _handle_key(store)
    assert made is not None and len(made) == KEY_BYTES
