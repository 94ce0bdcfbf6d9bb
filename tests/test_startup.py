"""Start-up imports only what the command needs (issue #18): ``contactsync status`` and ``sync`` on a SQLite
store with vdir books never import another platform's SDK, the daemon's scheduler, or Alembic once the store's
schema is current. Asserted on what the real command leaves in ``sys.modules``, never on time (the figures are
bench/startup.py's)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from alembic.script import ScriptDirectory

from contactsync.cli import cli
from contactsync.cli.lazy import LazyGroup
from contactsync.store import Store, _alembic_config

from .daemon_support import books_yaml, make_book, people

# runs the real `contactsync` entry point in this interpreter, then writes the modules it imported to a file
PROBE = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from contactsync.cli import main
sys.argv = ["contactsync"] + sys.argv[2:]
main()
"""
# other platforms' SDKs and what only other commands use (the daemon's scheduler, metrics, terminal tables)
NEVER_FOR_VDIR = ("googleapiclient", "google.auth", "msal", "caldav", "ldap3", "apscheduler", "prometheus_client")


def run_probed(
    tmp_path: Path, config: Path, *args: str, state: Path | None = None, path: Path | None = None
) -> tuple[int, set[str]]:
    code, modules, _ = run_probed_output(tmp_path, config, *args, state=state, path=path)
    return code, modules


def run_probed_output(
    tmp_path: Path, config: Path, *args: str, state: Path | None = None, path: Path | None = None
) -> tuple[int, set[str], str]:
    """(exit code, modules imported, stderr) of the real command; ``state``: its state directory (systemd's
    StateDirectory=), where a configuration that passed is remembered; ``path``: a folder put on sys.path (an
    installed third-party package)."""
    modules = tmp_path / "modules.json"
    modules.unlink(missing_ok=True)
    env = {**os.environ, "CONTACTSYNC_CONFIG": str(config)}
    env.pop("STATE_DIRECTORY", None)
    env["HOME"] = str(tmp_path / "home")  # no state directory of the user running the tests is read or written
    if state is not None:
        env["STATE_DIRECTORY"] = str(state)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(modules), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert modules.exists(), done.stderr
    return done.returncode, set(json.loads(modules.read_text())), done.stderr


def imported(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


@pytest.fixture
def synced_book(tmp_path: Path) -> Path:
    make_book(tmp_path, "team", 3)
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n" + books_yaml(tmp_path, ["team"]))
    return config


def test_a_first_sync_creates_the_store_without_alembic_and_later_runs_leave_it_unimported(
    tmp_path: Path, synced_book: Path
) -> None:
    code, first = run_probed(tmp_path, synced_book, "sync")
    assert code == 0
    # a new store is made at the migrations' head at once (tests/test_migrations_fresh_cpu.py), stamped as
    # Alembic would: Alembic is not imported for it either (#18)
    assert not imported(first, "alembic")
    assert len(people(tmp_path / "team" / "dst")) == 3

    code, later = run_probed(tmp_path, synced_book, "sync")
    assert code == 0
    assert not imported(later, "alembic")
    assert "asyncio.base_events" not in later  # SQLAlchemy imported the stand-in only (cli/deferred.py)
    assert not imported(later, "phonenumbers")  # no card was read, no phone written
    assert not imported(later, "ssl")  # nothing here speaks TLS (asyncio would have imported it)
    assert "contactsync.templates" not in later  # the file has no book templates
    assert "contactsync.checks" not in later  # the doctor's checks: `contactsync doctor` only
    for package in NEVER_FOR_VDIR:
        assert not imported(later, package), f"`contactsync sync` of vdir books imported {package}"


def test_status_of_a_sqlite_store_imports_neither_sdks_nor_the_engine_nor_alembic(
    tmp_path: Path, synced_book: Path
) -> None:
    assert run_probed(tmp_path, synced_book, "sync")[0] == 0
    code, modules = run_probed(tmp_path, synced_book, "status")
    assert code == 0
    # (the vdir connector type is loaded: the configuration's account options are checked against its schema;
    # the connector itself, and the vCard codec with its phone and email parsers, are not)
    codec = ("contactsync.connectors.vdir.connector", "contactsync.vcard", "phonenumbers", "email_validator")
    builds_nothing = ("contactsync.connector", "contactsync.templates")  # no connector built, no template in the file
    for package in (*NEVER_FOR_VDIR, "alembic", "contactsync.engine", *codec, "ssl", *builds_nothing):
        assert not imported(modules, package), f"`contactsync status` imported {package}"
    assert "asyncio.base_events" not in modules


def test_the_store_reads_the_newest_revision_as_alembic_does(tmp_path: Path) -> None:
    # the migration files' revision lines are read without Alembic (#18); a migration added in another form
    # must not make an old store look current
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        current, newest = store.schema_revision()
    assert current == newest == ScriptDirectory.from_config(_alembic_config()).get_current_head()


def groups(group: click.Group, ctx: click.Context) -> list[tuple[click.Group, click.Context]]:
    found = [(group, ctx)]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            found += groups(command, click.Context(command, parent=ctx, info_name=name))
    return found


def test_every_lazily_imported_command_is_found_under_its_name() -> None:
    root = click.Context(cli, info_name="contactsync")
    lazy = [(g, ctx, name) for g, ctx in groups(cli, root) if isinstance(g, LazyGroup) for name in g.lazy]
    assert {name for _, _, name in lazy} >= {"run", "doctor", "demo", "expand"}
    for group, ctx, name in lazy:
        command = group.get_command(ctx, name)
        assert command is not None and command.name == name
        # `--help` lists a lazy command from its summary without importing it: the listing must be the same
        assert name in group.summaries, f"{name}: give LazyGroup a summary, or --help imports its module"
        stand_in = click.Command(name, help=group.summaries[name])
        for limit in (40, 70, 200):
            assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit), name


def test_vdir_tag_counts_follow_the_files_when_a_later_run_reuses_the_pulled_tags(tmp_path: Path) -> None:
    # tag_counts takes an unchanged card's tags from the pull state instead of parsing it again (#18): a card
    # edited since, even to the same size and mtime, must still be counted by what it holds now (its ctime moved)
    from contactsync.connectors.vdir import VdirConnector
    from contactsync.model import Tag

    from .daemon_support import card

    make_book(tmp_path, "book", 0)
    folder = tmp_path / "book" / "src"
    for i, tags in enumerate(["Team", "Team", "Sales"]):
        (folder / f"c{i}.vcf").write_text(card(f"c{i}", i, tags))
    state = VdirConnector("v", folder).pull(None).next_state
    later = VdirConnector("v", folder)  # a new process: only the state carries over
    pulled = later.pull(state)
    assert later.tag_counts() == {Tag("Team"): 2, Tag("Sales"): 1}

    stat = (folder / "c1.vcf").stat()
    (folder / "c1.vcf").write_text(card("c1", 1, "Ops_"))  # as long as "Team": the same size
    os.utime(folder / "c1.vcf", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime: the pull skips it
    assert (folder / "c1.vcf").stat().st_size == stat.st_size
    again = VdirConnector("v", folder)
    again.pull(pulled.next_state)
    assert again.tag_counts() == {Tag("Team"): 1, Tag("Sales"): 1, Tag("Ops_"): 1}


def test_status_with_google_outlook_and_carddav_accounts_imports_no_sdk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # checking the configuration loads each account type's registration and options schema; neither may drag
    # in the platform's client libraries, which only building, signing in or the doctor need
    (tmp_path / "google-key.json").write_text("{}")
    (tmp_path / "dav-password").write_text("s3cret")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        "books:\n  - name: staff\n    accounts:\n"
        "      - name: gmail\n        type: google\n"
        "        options: {subject: ana@example.com, service_account_file: google-key.json}\n"
        "      - name: mailbox\n        type: outlook\n"
        "        options:\n          tenant_id: t1\n          client_id: c1\n"
        "          client_secret: ${GRAPH_CLIENT_SECRET}\n          mailbox: ana@example.com\n"
        "      - name: phones\n        type: carddav\n"
        "        options: {url: 'https://dav.example.com/ana/book/', username: ana, password_file: dav-password}\n"
    )
    monkeypatch.setenv("GRAPH_CLIENT_SECRET", "s3cret")
    code, modules = run_probed(tmp_path, config, "status")
    assert code in (0, 5), code  # 5: the book never ran (no store yet), which status reports
    for registration in ("google", "outlook", "carddav"):
        assert imported(modules, f"contactsync.connectors.{registration}")
    sdks = ("googleapiclient", "google.auth", "google.oauth2", "msal", "requests", "caldav", "niquests", "vobject")
    for package in (*sdks, "alembic"):
        assert not imported(modules, package), f"`contactsync status` imported {package}"


def test_a_migration_under_any_name_or_form_is_never_missed_by_the_quick_head_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the store skips Alembic when the database is at the head read from the migration files: a migration the
    # reader missed would leave an old store unmigrated, so it must find it or give up (None: Alembic decides)
    import shutil

    from contactsync import store as store_module

    versions = tmp_path / "versions"
    shutil.copytree(store_module._VERSIONS, versions)
    monkeypatch.setattr(store_module, "_VERSIONS", versions)
    # undone after the test whatever happens (monkeypatch's undo runs last): no other test sees this folder's head
    monkeypatch.setattr(store_module, "_head_revision", functools.cache(store_module._head_revision.__wrapped__))
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()

    (versions / "3fa9c1_later.py").write_text(f'revision = "3fa9c1"\ndown_revision = "{head}"\n')
    store_module._head_revision.cache_clear()
    assert store_module._head_revision() == "3fa9c1"

    (versions / "77e0aa_merge.py").write_text(f'revision = "77e0aa"\ndown_revision = ("3fa9c1", "{head}")\n')
    store_module._head_revision.cache_clear()
    assert store_module._head_revision() is None


def test_help_and_a_usage_error_import_neither_the_store_nor_jsonschema(tmp_path: Path, synced_book: Path) -> None:
    for args in (["--help"], ["sync", "--no-such-option"]):
        code, modules = run_probed(tmp_path, synced_book, *args)
        assert code in (0, 2)
        for package in ("sqlalchemy", "jsonschema", "contactsync.store", "contactsync.engine"):
            assert not imported(modules, package), f"`contactsync {' '.join(args)}` imported {package}"


def test_an_unchanged_configuration_skips_jsonschema_and_any_change_is_checked_again(
    tmp_path: Path, synced_book: Path
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    remembered = state / "config-checked.json"

    code, first = run_probed(tmp_path, synced_book, "sync", state=state)
    assert code == 0
    assert imported(first, "jsonschema") and imported(first, "yaml")  # read and checked once
    assert remembered.stat().st_mode & 0o777 == 0o600
    for command in ("status", "sync"):
        code, later = run_probed(tmp_path, synced_book, command, state=state)
        assert code == 0
        assert not imported(later, "jsonschema"), f"`contactsync {command}` checked an unchanged config again"
        assert not imported(later, "yaml"), f"`contactsync {command}` read an unchanged config again"

    # `config check` always checks everything
    code, checked = run_probed(tmp_path, synced_book, "config", "check", state=state)
    assert code == 0 and imported(checked, "jsonschema")

    # a misspelt key and a wrong option value: both found with their line and fix, as on a first check
    good = synced_book.read_text()
    bad = good.replace("    schedule: every 1h\n", "    schedule: every 1h\n    trash_dayz: 30\n", 1)
    bad = bad.replace("options: {path: ", "options: {paht: ", 1)
    assert bad.count("trash_dayz") == 1 and bad.count("paht") == 1
    synced_book.write_text(bad)
    for command in ("status", "sync"):
        code, modules, stderr = run_probed_output(tmp_path, synced_book, command, state=state)
        assert code == 2, stderr
        at = f"{synced_book}:6: at 'books[0]"
        assert f"{at}.trash_dayz': unknown key 'trash_dayz'; did you mean 'trash_days'?" in stderr
        assert f"{synced_book}:8: at 'books[0].accounts[0].options.paht': unknown key 'paht'; did you mean" in stderr
        assert imported(modules, "jsonschema") and imported(modules, "yaml")

    # put back, it passes again (checked once more, then remembered)
    synced_book.write_text(good)
    assert run_probed(tmp_path, synced_book, "status", state=state)[0] == 0
    code, modules = run_probed(tmp_path, synced_book, "status", state=state)
    assert code == 0 and not imported(modules, "jsonschema")


def test_without_a_state_directory_nothing_is_created_and_everything_is_checked(
    tmp_path: Path, synced_book: Path
) -> None:
    state = tmp_path / "absent"
    for _ in range(2):
        code, modules = run_probed(tmp_path, synced_book, "status", state=state)
        assert code in (0, 5)
        assert imported(modules, "jsonschema")
    assert not state.exists()


def test_a_damaged_record_of_passed_checks_only_means_checking_again(tmp_path: Path, synced_book: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    remembered = state / "config-checked.json"
    for damage in ("{not json", '{"layout": 1, "passed": 7}', '["a"]', ""):
        remembered.write_text(damage)
        code, modules = run_probed(tmp_path, synced_book, "status", state=state)
        assert code in (0, 5) and imported(modules, "jsonschema")
        assert json.loads(remembered.read_text())["passed"]  # replaced by this check's record


def test_a_changed_connector_schema_checks_a_remembered_configuration_again(
    tmp_path: Path, synced_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the digest names the schema: an upgraded connector that asks more must not be skipped on an unchanged file
    from dataclasses import replace

    from contactsync import registry
    from contactsync.config import load_settings
    from contactsync.errors import ConfigError

    state = tmp_path / "state"
    state.mkdir()
    environ = {"STATE_DIRECTORY": str(state)}
    load_settings(synced_book, environ=environ)
    assert (state / "config-checked.json").exists()

    vdir = registry.connector_type("vdir")
    stricter = {**vdir.options_schema, "required": ["path", "version"]}
    monkeypatch.setattr(registry, "connector_type", lambda name: replace(vdir, options_schema=stricter))
    with pytest.raises(ConfigError) as info:
        load_settings(synced_book, environ=environ)
    found = info.value.problems
    assert any(p.path.endswith("options.version") and "required key 'version'" in p.message for p in found)


def test_options_holding_a_secret_are_checked_every_time_and_the_rest_stays_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a connector whose schema names the secret sees its value: no digest is made of it, so that account is
    # checked on every load; status (secrets unread) and sync (read) each keep what they checked, neither
    # pushing the other's out
    from dataclasses import replace

    from contactsync import registry
    from contactsync.config import load_settings, loader

    make_book(tmp_path, "team", 1)
    secret = tmp_path / "password"
    secret.write_text("s3cret")
    secret.chmod(0o600)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n"
        + books_yaml(tmp_path, ["team"]).replace("options: {path: ", f"options: {{password_file: {secret}, path: ", 1)
    )
    vdir = registry.connector_type("vdir")
    schema = dict(vdir.options_schema)
    schema["properties"] = {**schema["properties"], "password": {"type": "string"}}
    monkeypatch.setattr(registry, "connector_type", lambda name: replace(vdir, options_schema=schema))
    checked: list[tuple[str | int, ...]] = []
    real = loader.report_schema_errors

    def counting(validator: Any, instance: Any, base: Any, problems: Any, **kwargs: Any) -> int:
        checked.append(base)
        return real(validator, instance, base, problems, **kwargs)

    monkeypatch.setattr(loader, "report_schema_errors", counting)
    state = tmp_path / "state"
    state.mkdir()
    environ = {"STATE_DIRECTORY": str(state)}
    for account_secrets in (False, True):  # status, then sync: each checks what it has not seen
        load_settings(config, environ=environ, account_secrets=account_secrets)
    checked.clear()
    for _ in range(2):
        load_settings(config, environ=environ, account_secrets=False)
        assert checked == []
        settings = load_settings(config, environ=environ)
        assert checked == [("books", 0, "accounts", 0, "options")]  # the one holding the secret's value
        checked.clear()
    assert settings.books[0].accounts[0].secrets["password"].value == "s3cret"
    assert "s3cret" not in (state / "config-checked.json").read_text()


def test_the_built_in_connector_types_are_found_as_pyproject_registers_them() -> None:
    # connector_type() loads a built-in type from registry.BUILT_IN without scanning every installed
    # distribution's entry points (#18): the table must say what the package's metadata says
    import tomllib
    from importlib.metadata import distribution

    from contactsync import registry

    declared = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]["entry-points"]
    expected = {name: f"{module}:CONNECTOR_TYPE" for name, module in registry.BUILT_IN.items()}
    assert declared[registry.GROUP] == expected
    installed = distribution("contactsync").entry_points.select(group=registry.GROUP)
    assert {ep.name: ep.value for ep in installed} == expected, "reinstall: pip install -e ."
    assert set(registry.BUILT_IN) <= set(registry.available_types())


def test_a_third_party_connector_type_is_still_found_by_its_entry_point(tmp_path: Path) -> None:
    # a package installed beside contactsync registers its own type: `status` loads it through its entry point
    # and checks the account's options against its schema (here missing a required key, then given it)
    plugin = tmp_path / "plugin"
    info = plugin / "contactsync_acme-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: contactsync-acme\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[contactsync.connectors]\nacme = acme_contacts:CONNECTOR_TYPE\n")
    (plugin / "acme_contacts.py").write_text(
        "from contactsync.registry import ConnectorType\n"
        "SCHEMA = {'type': 'object', 'required': ['region'], 'properties': {'region': {'type': 'string'}}}\n"
        "CONNECTOR_TYPE = ConnectorType('acme', build=None, options_schema=SCHEMA)  # type: ignore[arg-type]\n"
    )
    make_book(tmp_path, "team", 0)
    config = tmp_path / "config.yaml"
    text = f"store:\n  url: sqlite:///{tmp_path / 'store.db'}\n" + books_yaml(tmp_path, ["team"]).replace(
        "type: vdir, options: {path: ", "type: acme, options: {path: ", 1
    )
    config.write_text(text)
    code, modules, stderr = run_probed_output(tmp_path, config, "status", path=plugin)
    assert code == 2 and "accounts[0].options.region': required key 'region' is missing" in stderr
    assert "acme_contacts" in modules
    config.write_text(text.replace("type: acme, options: {", "type: acme, options: {region: eu, ", 1))
    code, modules, stderr = run_probed_output(tmp_path, config, "status", path=plugin)
    assert code in (0, 5), stderr  # 5: the book never ran
    assert "acme_contacts" in modules
    code, _, stderr = run_probed_output(tmp_path, config, "status")  # uninstalled: named as unknown
    assert code == 2 and "unknown connector type 'acme'" in stderr


def test_the_kept_values_of_a_configuration_give_the_same_lines_and_any_edit_is_read_again(tmp_path: Path) -> None:
    # the values of a file that passed are kept with each key's line (config-checked.json): the same text is not
    # read again (no PyYAML), and a problem found only while loading (a secret file gone) names the same line
    make_book(tmp_path, "team", 1)
    url_file = tmp_path / "store-url"
    url_file.write_text(f"sqlite:///{tmp_path / 'store.db'}")
    url_file.chmod(0o600)
    config = tmp_path / "config.yaml"
    config.write_text(f"# the team's book\nstore:\n  url_file: {url_file}\n" + books_yaml(tmp_path, ["team"]))
    state = tmp_path / "state"
    state.mkdir()
    code, modules = run_probed(tmp_path, config, "sync", state=state)
    assert code == 0 and imported(modules, "yaml")
    code, modules = run_probed(tmp_path, config, "status", state=state)
    assert code == 0 and not imported(modules, "yaml")

    url_file.unlink()
    code, modules, kept = run_probed_output(tmp_path, config, "status", state=state)
    assert code == 2 and not imported(modules, "yaml")
    assert f"{config}:3: at 'store.url_file'" in kept
    fresh = tmp_path / "fresh-state"
    fresh.mkdir()
    code, modules, read = run_probed_output(tmp_path, config, "status", state=fresh)
    assert code == 2 and imported(modules, "yaml") and read == kept

    # any edit is read again, a comment too
    url_file.write_text(f"sqlite:///{tmp_path / 'store.db'}")
    config.write_text(config.read_text().replace("# the team's book", "# the team's book (kept in git)"))
    code, modules = run_probed(tmp_path, config, "status", state=state)
    assert code == 0 and imported(modules, "yaml")

    # damaged values or lines only mean reading the file again
    remembered = state / "config-checked.json"
    good = json.loads(remembered.read_text())
    assert good["document"]["values"]["books"][0]["name"] == "team"
    for damage in ({"values": 7}, {"lines": [["books"]]}, {"lines": [[["books", True], 4]]}):
        remembered.write_text(json.dumps({**good, "document": {**good["document"], **damage}}))
        code, modules = run_probed(tmp_path, config, "status", state=state)
        assert code == 0 and imported(modules, "yaml"), damage
        assert json.loads(remembered.read_text())["document"] == good["document"]


def test_the_deferred_asyncio_is_the_real_one_from_its_first_use_in_any_thread() -> None:
    # status and sync put a stand-in under the name asyncio before SQLAlchemy imports it (#18): whatever then
    # uses asyncio, SQLAlchemy's async helpers or eight threads racing to it, gets the real module, loaded once
    code = """
import sys, threading
from contactsync.cli.deferred import defer_asyncio
defer_asyncio()
import sqlalchemy
from sqlalchemy.util import concurrency
assert "asyncio.base_events" not in sys.modules and "ssl" not in sys.modules
import asyncio
stand_in = asyncio
barrier, seen, errors = threading.Barrier(8), [], []
def first_use():
    barrier.wait()
    try:
        seen.append(asyncio.get_event_loop_policy())
    except Exception as exc:
        errors.append(exc)
threads = [threading.Thread(target=first_use) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
assert not errors and len(seen) == 8 and all(p is seen[0] for p in seen), (errors, seen)
real = sys.modules["asyncio"]
assert real is not stand_in and stand_in.run is real.run and real.coroutines.iscoroutine is asyncio.iscoroutine
assert concurrency.is_cancellation_exception(asyncio.CancelledError())
async def answer():
    await asyncio.sleep(0)
    return 42
assert asyncio.run(answer()) == 42
import asyncio as again
assert again is real and again.Queue is stand_in.Queue
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr
    # nothing to defer once asyncio is imported: a no-op
    code = "import asyncio, sys\nfrom contactsync.cli.deferred import defer_asyncio\ndefer_asyncio()\n"
    code += "assert sys.modules['asyncio'] is asyncio and type(asyncio).__name__ == 'module'\nprint('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr


def test_a_no_change_sync_loads_no_vcard_codec_and_a_changed_card_is_still_read(
    tmp_path: Path, synced_book: Path
) -> None:
    # a no-change run parses no card, so the codec is not imported (#18): the vdir connector names CardError
    # from contactsync.vcard.basics and imports the codec where it reads or writes a card
    codec = ("contactsync.vcard.mapping", "contactsync.vcard.lines")
    assert run_probed(tmp_path, synced_book, "sync")[0] == 0
    code, unchanged = run_probed(tmp_path, synced_book, "sync")
    assert code == 0
    for module in codec:
        assert module not in unchanged, f"a no-change `contactsync sync` imported {module}"
    assert "contactsync.registry_hooks" not in unchanged  # the sign-in and discovery requests: auth, discover only
    assert "contactsync.engine.merge" not in unchanged  # nothing changed, nothing merged

    # a card edited since is read, and its change reaches the other folder
    edited = tmp_path / "team" / "src" / "c1.vcf"
    edited.write_text(edited.read_text().replace("pc1@example.org", "moved@example.org"))
    code, changed = run_probed(tmp_path, synced_book, "sync")
    assert code == 0
    assert "moved@example.org" in people(tmp_path / "team" / "dst")
    assert "pc1@example.org" not in people(tmp_path / "team" / "dst")
    assert all(module in changed for module in codec)


def test_every_name_of_the_vcard_package_is_importable_as_before() -> None:
    # the codec's names load on first use (module __getattr__): each is the codec's own object
    import contactsync.vcard as vcard
    from contactsync.vcard import basics, lines, mapping

    for name in vcard.__all__:
        assert getattr(vcard, name) is getattr(mapping if hasattr(mapping, name) else lines, name), name
    assert vcard.CardError is mapping.CardError is basics.CardError
    assert set(vcard.__all__) <= set(dir(vcard))
    with pytest.raises(AttributeError):
        vcard.no_such_name  # noqa: B018


def test_the_registry_still_names_the_sign_in_and_discovery_requests() -> None:
    # they live in contactsync.registry_hooks, loaded when first named (#18); connector packages import them
    # from the registry
    from contactsync import registry, registry_hooks

    for name in ("SignInRequest", "DiscoverRequest", "Discovered"):
        assert getattr(registry, name) is getattr(registry_hooks, name)
        assert name in registry.__all__
    with pytest.raises(AttributeError):
        registry.NoSuchRequest  # noqa: B018


def test_an_upgraded_schema_source_checks_a_remembered_configuration_again(
    tmp_path: Path, synced_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the configuration's schema is named by its source files' times and sizes, not by its JSON (#18): a
    # contactsync whose settings.py asks more (a new release, an edited checkout) must not skip an unchanged file
    from contactsync.config import checked, load_settings, loader
    from contactsync.errors import ConfigError

    state = tmp_path / "state"
    state.mkdir()
    environ = {"STATE_DIRECTORY": str(state)}
    loader._top_schema.cache_clear()
    load_settings(synced_book, environ=environ)
    assert (state / "config-checked.json").exists()

    real = checked._file_identity
    monkeypatch.setattr(loader, "SCHEMA", {**loader.SCHEMA, "required": ["daemon"]})
    monkeypatch.setattr(checked, "_file_identity", lambda f: real(f) + ("+" if str(f).endswith("settings.py") else ""))
    loader._top_schema.cache_clear()
    try:
        with pytest.raises(ConfigError) as info:
            load_settings(synced_book, environ=environ)
        assert any("required key 'daemon'" in p.message for p in info.value.problems)
    finally:
        loader._top_schema.cache_clear()  # the next load names the real schema again


def test_the_configuration_schema_is_built_from_its_named_sources_only() -> None:
    # its digest key comes from these files' identities (config/loader.py, _SCHEMA_SOURCES): a constant imported
    # from another module would change the schema unseen. Import it from one of these, or add the module there.
    import ast

    from contactsync.config import loader, schema

    named = {module.__name__ for module in loader._SCHEMA_SOURCES}
    assert named == {"contactsync.config.schema", "contactsync.model", "contactsync.settings"}
    tree = ast.parse(Path(schema.__file__ or "").read_text())
    imported_from = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported_from |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported_from.add("." * node.level + (node.module or ""))
    assert imported_from <= {"__future__", "typing", "..model", "..settings"}, imported_from
