"""The YAML configuration as an admin meets it: files on disk, every problem at once, secrets from outside."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import pytest
from jsonschema import Draft202012Validator

from contactsync import registry
from contactsync.config import (
    SCHEMA,
    CronSchedule,
    IntervalSchedule,
    default_store_url,
    load_settings,
    parse_schedule,
    parse_settings,
    reference_markdown,
    sample_config,
)
from contactsync.connector import BaseConnector, Connector
from contactsync.errors import ConfigError, ConfigProblem
from contactsync.model import Field
from contactsync.settings import (
    AccountMode,
    AccountSettings,
    BookSettings,
    BrakeSettings,
    ConflictRule,
    ConflictSettings,
    DeletePolicy,
    LogFormat,
    Secret,
    Settings,
)

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "config"


class DavLikeConnector(BaseConnector):
    """A connector defined by this test: what matters is its options_schema, as a third party would write it."""

    options_schema: ClassVar[Mapping[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["url", "password"],
        "properties": {
            "url": {"type": "string", "pattern": "^https://"},
            "username": {"type": "string"},
            "password": {"type": "string", "minLength": 8},
            # a file the connector writes itself: a path, not a secret to read
            "cache_file": {"type": "string", "format": "path"},
        },
    }


@pytest.fixture
def connectors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The real registry, plus `davlike`; types not installed yet (google, outlook, ...) accept any options."""
    real = registry.connector_type

    def build(account: AccountSettings, book: BookSettings) -> Connector:
        raise AssertionError("config tests never build a connector")

    def connector_type(type_name: str) -> registry.ConnectorType:
        if type_name == "davlike":
            return registry.ConnectorType("davlike", build=build, options_schema=DavLikeConnector.options_schema)
        if type_name in {"google", "outlook", "carddav"}:
            try:
                return real(type_name)
            except Exception:
                return registry.ConnectorType(type_name, build=build)
        return real(type_name)

    monkeypatch.setattr(registry, "connector_type", connector_type)
    yield


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path, environ: Mapping[str, str] | None = None) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ=environ or {})
    return caught.value.problems


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the first line containing ``marker``."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if marker in line)


MINIMAL = """\
books:
  - name: staff
    accounts:
      - name: ana
        type: memory
        options: {backend: ana}
"""


# --- a valid file ---------------------------------------------------------------------------------------------


def test_a_full_config_loads_to_the_expected_frozen_objects(tmp_path: Path, connectors: None) -> None:
    (tmp_path / "dav-password").write_text("correct horse\n")
    path = write(
        tmp_path,
        "contactsync.yaml",
        """\
        store:
          url: sqlite:////srv/contactsync/state.db
        log:
          format: json
          level: DEBUG
          personal_data: true
        books:
          - name: staff
            schedule: "*/10 7-19 * * mon-fri"
            default_region: BR
            trash_days: 7
            photo_max_bytes: 250000
            priority: [dav, ana]
            conflicts:
              default: priority
              fields: {note: manual, phones: store}
              on_delete: delete_wins
            brake: {max_deletes: 10, max_delete_ratio: 0.5}
            accounts:
              - name: ana
                type: memory
                mode: pull-only
                allow_delete: false
                options: {backend: ana}
              - name: dav
                type: davlike
                options:
                  url: https://dav.example.com/book/
                  username: sync
                  password_file: dav-password
          - name: board
            accounts:
              - name: bob
                type: memory
                options: {backend: bob}
        """,
    )

    settings = load_settings(path, environ={})

    assert settings == Settings(
        books=(
            BookSettings(
                name="staff",
                accounts=(
                    AccountSettings(
                        name="ana",
                        type="memory",
                        mode=AccountMode.PULL_ONLY,
                        allow_delete=False,
                        options=MappingProxyType({"backend": "ana"}),
                    ),
                    AccountSettings(
                        name="dav",
                        type="davlike",
                        options=MappingProxyType({"url": "https://dav.example.com/book/", "username": "sync"}),
                        secrets=MappingProxyType(
                            {"password": Secret("correct horse", f"file {tmp_path / 'dav-password'}")}
                        ),
                    ),
                ),
                priority=("dav", "ana"),
                conflicts=ConflictSettings(
                    default=ConflictRule.PRIORITY,
                    per_field=MappingProxyType({Field.NOTE: ConflictRule.MANUAL, Field.PHONES: ConflictRule.STORE}),
                    on_delete=DeletePolicy.DELETE_WINS,
                ),
                brake=BrakeSettings(max_deletes=10, max_delete_ratio=0.5),
                default_region="BR",
                trash_days=7,
                photo_max_bytes=250000,
                schedule="*/10 7-19 * * mon-fri",
            ),
            BookSettings(
                name="board",
                accounts=(AccountSettings(name="bob", type="memory", options=MappingProxyType({"backend": "bob"})),),
            ),
        ),
        store_url="sqlite:////srv/contactsync/state.db",
        log_format=LogFormat.JSON,
        log_level="DEBUG",
        log_personal_data=True,
        source=path,
    )
    staff = settings.book("staff")
    assert staff.conflicts.rule_for(Field.NOTE) is ConflictRule.MANUAL
    assert staff.conflicts.rule_for(Field.EMAILS) is ConflictRule.PRIORITY
    assert staff.priority_rank("dav") == 0
    # nothing the YAML produced can be changed afterwards
    with pytest.raises(TypeError):
        staff.account("ana").options["backend"] = "other"  # type: ignore[index]


def test_left_out_keys_take_the_defaults_of_settings(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "c.yaml", MINIMAL), environ={"STATE_DIRECTORY": "/var/lib/cs"})

    assert settings.store_url == "sqlite:////var/lib/cs/contactsync.db"
    assert (settings.log_format, settings.log_level, settings.log_personal_data) == (LogFormat.HUMAN, "INFO", False)
    assert settings.books == (
        BookSettings(
            name="staff",
            accounts=(AccountSettings(name="ana", type="memory", options=MappingProxyType({"backend": "ana"})),),
        ),
    )


def test_schema_defaults_are_the_settings_defaults() -> None:
    book = SCHEMA["properties"]["books"]["items"]["properties"]
    assert book["trash_days"]["default"] == BookSettings.trash_days
    assert book["schedule"]["default"] == BookSettings.schedule
    assert book["conflicts"]["properties"]["default"]["default"] == ConflictSettings.default.value
    assert book["brake"]["properties"]["max_delete_ratio"]["default"] == BrakeSettings.max_delete_ratio
    assert book["accounts"]["items"]["properties"]["mode"]["default"] == AccountSettings.mode.value


# --- the sample and the reference -----------------------------------------------------------------------------


def test_example_yaml_is_exactly_the_generated_sample() -> None:
    assert (REPO / "config" / "example.yaml").read_text(encoding="utf-8") == sample_config(), (
        "regenerate it: python -c 'from contactsync.config import sample_config; "
        'print(sample_config(), end="")\' > config/example.yaml'
    )


def test_the_sample_loads_once_its_secrets_exist(tmp_path: Path, connectors: None) -> None:
    config = tmp_path / "contactsync.yaml"
    shutil.copy(REPO / "config" / "example.yaml", config)
    (tmp_path / "google-service-account.json").write_text('{"type": "service_account"}\n')
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "dav-password").write_text("dav secret\n")

    settings = load_settings(
        config,
        environ={"GRAPH_CLIENT_SECRET": "graph secret", "CREDENTIALS_DIRECTORY": str(credentials)},
    )

    staff = settings.book("staff")
    assert [a.name for a in staff.accounts] == ["google-ana", "outlook-ana", "dav-office"]
    assert staff.account("google-ana").secrets["service_account"].value == '{"type": "service_account"}'
    assert staff.account("outlook-ana").secrets["client_secret"].value == "graph secret"
    assert staff.account("dav-office").secrets["password"].value == "dav secret"
    assert staff.account("dav-office").mode is AccountMode.PULL_ONLY
    assert "password_credential" not in staff.account("dav-office").options


def test_every_key_has_a_description_and_an_example_that_validates() -> None:
    Draft202012Validator.check_schema(SCHEMA)

    def walk(schema: Mapping[str, Any], path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for key, prop in schema.get("properties", {}).items():
            yield f"{path}.{key}", prop
            yield from walk(prop, f"{path}.{key}")
            yield from walk(prop.get("items", {}), f"{path}.{key}[]")

    keys = list(walk(SCHEMA, ""))
    assert len(keys) > 25
    for path, prop in keys:
        assert prop.get("description"), path
        assert prop.get("examples"), path
        for example in prop["examples"]:
            assert not list(Draft202012Validator(prop).iter_errors(example)), path


def test_the_reference_lists_every_key_with_its_default() -> None:
    reference = reference_markdown()
    for key in ("`store.url`", "`log.personal_data`", "`books[].conflicts.fields`", "`books[].accounts[].options`"):
        assert key in reference
    row = next(line for line in reference.splitlines() if line.startswith("| `books[].trash_days`"))
    assert "default: 30" in row and "restorable" in row


# --- every problem at once ------------------------------------------------------------------------------------


def test_a_broken_file_reports_every_problem_with_its_line_and_key_path() -> None:
    path = DATA / "broken.yaml"
    text = path.read_text()
    problems = problems_of(path)

    found = {(p.line, p.path): p.message for p in problems}
    expected = {
        ("password inline", "store.url"): "a password never goes inline",
        ("not an enum value", "log.format"): "expected one of human, json; got 'jsn'; did you mean 'json'?",
        ("levle:", "log.levle"): "unknown key 'levle'; did you mean 'level'?",
        ("every 15 minutes", "books[0].schedule"): "is not an interval",
        ("XX", "books[0].default_region"): "not an ISO 3166 alpha-2 region code",
        ("bob is not", "books[0].priority[1]"): "'bob' is not an account of this book",
        ("newst", "books[0].conflicts.default"): "did you mean 'newest'?",
        ("nots", "books[0].conflicts.fields.nots"): "unknown key 'nots'; did you mean 'note'?",
        ("1.5", "books[0].brake.max_delete_ratio"): "must be at most 1",
        ("acounts", "books[0].acounts"): "unknown key 'acounts'; did you mean 'accounts'?",
        ("hunter2  ", "books[0].accounts[0].options.password"): "secrets never inline; use password_file, "
        "password_credential or ${ENV}",
        ("Bad Name", "books[0].accounts[1].name"): "use lowercase letters",
        ("memroy", "books[0].accounts[1].type"): "installed types: ",
        ('"yes"', "books[0].accounts[1].allow_delete"): "expected true or false",
        ("61 *", "books[1].schedule"): "minute field '61': 61 is outside 0-59",
        ("duplicate account", "books[1].accounts[0].name"): "account name 'ana' is already used at line 18",
        ("options.backend is required", "books[1].accounts[0].options.backend"): "required key 'backend'",
    }
    for (marker, key_path), message in expected.items():
        line = line_of(text, marker)
        assert (line, key_path) in found, f"no problem at line {line} '{key_path}'; got {sorted(found)}"
        assert message in found[(line, key_path)]
    marked_lines = {n for n, line in enumerate(text.splitlines(), 1) if "# <-" in line}
    assert {p.line for p in problems} == marked_lines
    assert all(p.file == str(path) for p in problems)
    assert "hunter2" not in "\n".join(str(p) for p in problems)  # secrets are never repeated back


def test_a_password_inside_an_account_url_is_refused_at_its_key_and_never_repeated(tmp_path: Path) -> None:
    # https://user:password@host/ is a password in the YAML as much as `password: ...` is: the store's URL was
    # refused, an account's was accepted and the password then lived in the file (and in its checked-values cache)
    (tmp_path / "pw").write_text("s3cret\n")
    text = """\
        books:
          - name: staff
            accounts:
              - name: dav
                type: carddav
                options:
                  url: https://ana:hunter2@dav.example.org/books/staff/
                  password_file: {pw}
              - name: folder
                type: vdir
                options: {{path: {folder}}}
        """.format(pw=tmp_path / "pw", folder=tmp_path / "folder")
    path = write(tmp_path, "c.yaml", text)
    problems = problems_of(path)
    assert [(p.line, p.path) for p in problems] == [(7, "books[0].accounts[0].options.url")]
    assert "password_file" in problems[0].message and "inline" in problems[0].message
    assert "hunter2" not in "\n".join(str(p) for p in problems)

    # a user name alone in the URL is no secret, and a URL from the environment is not in the file
    for url in ("https://ana@dav.example.org/books/staff/", "${DAV_URL}"):
        write(tmp_path, "c.yaml", text.replace("https://ana:hunter2@dav.example.org/books/staff/", url))
        settings = load_settings(path, environ={"DAV_URL": "https://ana:hunter2@dav.example.org/b/"})
        assert settings.books[0].accounts[0].name == "dav"


def test_the_error_lists_problems_in_file_order(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", MINIMAL.replace("staff", "Staff").replace("name: ana", "name: A"))
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    error = caught.value
    assert [p.line for p in error.problems] == [2, 4]
    assert str(error).splitlines()[0].startswith(f"{path}:2: at 'books[0].name': 'Staff'")


@pytest.mark.parametrize(
    ("text", "path", "line", "message"),
    [
        ("", "", None, "the file is empty"),
        ("books: [\n", "", 2, "not valid YAML"),
        ("books: []\n", "books", 1, "needs at least 1 item"),
        ("log: {}\n", "books", 1, "required key 'books' is missing"),
        ("books:\n  - name: staff\n    accounts: []\n", "books[0].accounts", 3, "needs at least 1 item"),
        ("books:\n  - name: staff\n    name: other\n", "books[0].name", 3, "appears twice (first at line 2)"),
        ("books:\n  - name: staff\n", "books[0].accounts", 2, "required key 'accounts' is missing"),
        ("books:\n  - name: no\n", "books[0].name", 2, "quote the value"),
    ],
)
def test_structural_problems(text: str, path: str, line: int | None, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, source="inline.yaml", environ={})
    assert any(p.path == path and p.line == line and message in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nowhere.yaml")
    assert "does not exist" in problem.message


# --- hostile YAML ---------------------------------------------------------------------------------------------


def test_language_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    witness = tmp_path / "ran"
    path = write(
        tmp_path,
        "c.yaml",
        f"""\
        books:
          - name: staff
            accounts:
              - name: ana
                type: !!python/object/apply:os.system ["touch {witness}"]
                options: !!python/object:collections.OrderedDict {{backend: ana}}
        """,
    )
    problems = problems_of(path)
    assert [(p.line, p.path) for p in problems] == [
        (5, "books[0].accounts[0].type"),
        (6, "books[0].accounts[0].options"),
    ]
    assert "YAML tag '!!python/object/apply:os.system' is not allowed" in problems[0].message
    assert not witness.exists()


def test_an_alias_bomb_is_a_problem_not_a_hang() -> None:
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    with pytest.raises(ConfigError) as caught:
        parse_settings("\n".join(levels) + "\nbooks: *a8\n", environ={})
    assert "expands to more than" in str(caught.value)


def test_merge_keys_share_settings_between_accounts() -> None:
    settings = parse_settings(
        textwrap.dedent(
            """\
            books:
              - name: staff
                accounts:
                  - &ana {name: ana, type: memory, mode: push-only, options: {backend: ana}}
                  - <<: *ana
                    name: bob
            """
        ),
        environ={},
    )
    bob = settings.book("staff").account("bob")
    assert (bob.type, bob.mode, bob.options["backend"]) == ("memory", AccountMode.PUSH_ONLY, "ana")


# --- secrets --------------------------------------------------------------------------------------------------


DAV_ACCOUNT = """\
books:
  - name: staff
    accounts:
      - name: dav
        type: davlike
        options:
          url: https://dav.example.com/
          {secret}
"""


@pytest.mark.parametrize(
    ("secret_line", "source"),
    [
        ("password_file: secrets/dav.txt", "file {dir}/secrets/dav.txt"),
        ("password_file: {dir}/secrets/dav.txt", "file {dir}/secrets/dav.txt"),
        ("password_credential: dav-password", "systemd credential dav-password"),
        ("password: ${DAV_PASSWORD}", "environment variable DAV_PASSWORD"),
        ("password_file: ${DAV_PASSWORD_FILE}", "file {dir}/secrets/dav.txt"),
    ],
)
def test_each_secret_source_is_read_and_kept_out_of_options(
    tmp_path: Path, connectors: None, secret_line: str, source: str
) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "dav.txt").write_text("s3cret-value\n")
    (tmp_path / "creds").mkdir()
    (tmp_path / "creds" / "dav-password").write_text("s3cret-value")
    environ = {
        "CREDENTIALS_DIRECTORY": str(tmp_path / "creds"),
        "DAV_PASSWORD": "s3cret-value",
        "DAV_PASSWORD_FILE": str(tmp_path / "secrets" / "dav.txt"),
    }
    text = DAV_ACCOUNT.format(secret=secret_line.replace("{dir}", str(tmp_path)))

    account = load_settings(write(tmp_path, "c.yaml", text), environ=environ).book("staff").account("dav")

    assert dict(account.secrets) == {"password": Secret("s3cret-value", source.replace("{dir}", str(tmp_path)))}
    assert dict(account.options) == {"url": "https://dav.example.com/"}
    assert "s3cret-value" not in repr(account)


def test_unreadable_secrets_are_all_reported_with_their_lines(tmp_path: Path, connectors: None) -> None:
    path = write(
        tmp_path,
        "c.yaml",
        """\
        store:
          url: ${DATABASE_URL}
        books:
          - name: staff
            accounts:
              - name: dav
                type: davlike
                options:
                  url: https://dav.example.com/
                  password_file: missing.txt
              - name: dav2
                type: davlike
                options:
                  url: https://dav.example.com/
                  password_credential: dav-password
              - name: dav3
                type: davlike
                options:
                  url: https://dav.example.com/
                  password: ${DAV_PASSWORD}
              - name: dav4
                type: davlike
                options:
                  url: https://dav.example.com/
                  password: hunter22
        """,
    )
    problems = problems_of(path)
    assert [(p.line, p.path) for p in problems] == [
        (2, "store.url"),
        (10, "books[0].accounts[0].options.password_file"),
        (15, "books[0].accounts[1].options.password_credential"),
        (20, "books[0].accounts[2].options.password"),
        (25, "books[0].accounts[3].options.password"),
    ]
    messages = [p.message for p in problems]
    # each with its fix: the admin reads it in a log at 3 a.m.
    assert messages[0].startswith("environment variable DATABASE_URL is not set: set it where contactsync starts")
    assert messages[1] == (
        f"secret file '{tmp_path / 'missing.txt'}' does not exist: create it (readable by the user contactsync runs "
        "as, `chmod 600`) or correct the path"
    )
    assert messages[2].startswith("$CREDENTIALS_DIRECTORY is not set")
    assert messages[3].startswith("environment variable DAV_PASSWORD is not set: ")
    assert messages[3].endswith("or give the secret as a *_file or *_credential key")
    assert messages[4] == "secrets never inline; use password_file, password_credential or ${ENV}"


def test_a_secret_that_breaks_the_connector_schema_is_reported_without_its_value(
    tmp_path: Path, connectors: None
) -> None:
    path = write(tmp_path, "c.yaml", DAV_ACCOUNT.format(secret="password: ${DAV_PASSWORD}"))
    (problem,) = problems_of(path, environ={"DAV_PASSWORD": "short"})
    assert problem.path == "books[0].accounts[0].options.password"
    assert problem.line == 8
    assert "short" not in str(problem)


def test_connector_options_are_checked_against_its_schema(tmp_path: Path, connectors: None) -> None:
    path = write(
        tmp_path,
        "c.yaml",
        """\
        books:
          - name: staff
            accounts:
              - name: dav
                type: davlike
                options:
                  url: http://dav.example.com/
                  usrname: sync
              - name: mem
                type: memory
        """,
    )
    problems = problems_of(path)
    assert [(p.line, p.path) for p in problems] == [
        (6, "books[0].accounts[0].options.password"),
        (7, "books[0].accounts[0].options.url"),
        (8, "books[0].accounts[0].options.usrname"),
        (9, "books[0].accounts[1].options.backend"),
    ]
    assert "required key 'password' is missing" in problems[0].message
    assert "'http://dav.example.com/' is not allowed here" in problems[1].message
    assert problems[2].message.endswith("did you mean 'username'?")
    assert problems[3].message == "required key 'backend' is missing (e.g. backend: alice)"


def test_a_path_option_of_the_connector_is_resolved_not_read(tmp_path: Path, connectors: None) -> None:
    text = DAV_ACCOUNT.format(secret="password: ${DAV_PASSWORD}\n          cache_file: cache/dav.json")
    account = (
        load_settings(write(tmp_path, "c.yaml", text), environ={"DAV_PASSWORD": "long enough"})
        .book("staff")
        .account("dav")
    )
    assert account.options["cache_file"] == str(tmp_path / "cache" / "dav.json")
    assert set(account.secrets) == {"password"}


def test_a_secret_unknown_to_the_connector_schema_is_still_allowed(tmp_path: Path, connectors: None) -> None:
    text = DAV_ACCOUNT.format(secret="password: ${DAV_PASSWORD}\n          api_key_file: key.txt")
    (tmp_path / "key.txt").write_text("k")
    account = (
        load_settings(write(tmp_path, "c.yaml", text), environ={"DAV_PASSWORD": "long enough"})
        .book("staff")
        .account("dav")
    )
    assert account.secrets["api_key"].value == "k"


def test_an_unknown_connector_type_names_the_installed_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(MINIMAL.replace("type: memory", "type: gogle"), environ={})
    (problem,) = caught.value.problems
    assert problem.path == "books[0].accounts[0].type"
    assert "unknown connector type 'gogle'; installed types: " in problem.message
    assert "memory" in problem.message


def test_the_store_url_may_come_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "store-url").write_text("postgresql://sync:pw@db/contactsync\n")
    text = "store:\n  url_file: store-url\n" + MINIMAL
    settings = load_settings(write(tmp_path, "c.yaml", text), environ={})
    assert settings.store_url == "postgresql://sync:pw@db/contactsync"


def test_a_store_url_of_another_kind_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings("store:\n  url: mysql://db/x\n" + MINIMAL, environ={})
    assert caught.value.problems[0].message == "expected a sqlite:///<path> or postgresql://user@host/database URL"


# --- schedules, regions, the default store ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule",
    ["every 15m", "every 30s", "every 2h", "0 * * * *", "*/10 7-19 * * mon-fri", "0 3 1,15 jan-jun 0", "5 4 * * 7"],
)
def test_valid_schedules_load(schedule: str) -> None:
    text = MINIMAL.replace("  - name: staff\n", f"  - name: staff\n    schedule: '{schedule}'\n")
    assert parse_settings(text, environ={}).book("staff").schedule == schedule


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("every 0m", "at least 1"),
        ("every 15 minutes", "not an interval"),
        ("hourly", "has 1 fields, a cron expression has 5"),
        ("* * * *", "has 4 fields"),
        ("0 24 * * *", "cron hour field '24': 24 is outside 0-23"),
        ("0 0 0 * *", "day of month field '0'"),
        ("0 0 * foo *", "month field 'foo'"),
        ("0 0 * * 8", "day of week field '8'"),
        ("*/0 * * * *", "step '0' must be a positive whole number"),
        ("30-10 * * * *", "runs backwards"),
    ],
)
def test_invalid_schedules_are_explained(schedule: str, message: str) -> None:
    text = MINIMAL.replace("  - name: staff\n", f"  - name: staff\n    schedule: '{schedule}'\n")
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, environ={})
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (3, "books[0].schedule")
    assert message in problem.message


@pytest.mark.parametrize(
    ("text", "schedule"),
    [
        ("every 15m", IntervalSchedule(900)),
        ("every 30s", IntervalSchedule(30)),
        ("every 2h", IntervalSchedule(7200)),
        ("*/10 7-19 * * mon-fri", CronSchedule("*/10", "7-19", "*", "*", "mon,tue,wed,thu,fri")),
        ("0 9 * * 0", CronSchedule("0", "9", "*", "*", "sun")),
        ("0 9 * * 7", CronSchedule("0", "9", "*", "*", "sun")),
        ("0 0 * * */2", CronSchedule("0", "0", "*", "*", "sun,tue,thu,sat")),
    ],
)
def test_schedules_parse_to_typed_values(text: str, schedule: IntervalSchedule | CronSchedule) -> None:
    assert parse_schedule(text) == schedule


def test_a_cron_weekday_means_the_same_day_to_apscheduler() -> None:
    """cron's 0 is Sunday, APScheduler 3's 0 is Monday: the parsed schedule names the day, so both agree."""
    from apscheduler.triggers.cron import CronTrigger

    sunday_nine = parse_schedule("0 9 * * 0")
    assert isinstance(sunday_nine, CronSchedule)
    trigger = CronTrigger(
        minute=sunday_nine.minute,
        hour=sunday_nine.hour,
        day=sunday_nine.day,
        month=sunday_nine.month,
        day_of_week=sunday_nine.day_of_week,
        timezone=UTC,
    )
    fire = trigger.get_next_fire_time(None, datetime(2025, 1, 1, tzinfo=UTC))
    assert fire == datetime(2025, 1, 5, 9, 0, tzinfo=UTC)
    assert fire.strftime("%A") == "Sunday"
    assert not sunday_nine.either_day
    both = parse_schedule("0 9 1 * mon")
    assert isinstance(both, CronSchedule) and both.either_day


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("BR", None),
        ("DE", None),
        ("br", "did you mean 'BR'?"),
        ("ZZ", "not an ISO 3166 alpha-2"),
        ("BRA", "not an ISO"),
    ],
)
def test_default_region_must_be_known_to_phonenumbers(region: str, message: str | None) -> None:
    text = MINIMAL.replace("  - name: staff\n", f"  - name: staff\n    default_region: {region}\n")
    if message is None:
        assert parse_settings(text, environ={}).book("staff").default_region == region
        return
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, environ={})
    assert message in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("environ", "url"),
    [
        (
            {"STATE_DIRECTORY": "/var/lib/contactsync", "XDG_STATE_HOME": "/x"},
            "sqlite:////var/lib/contactsync/contactsync.db",
        ),
        ({"STATE_DIRECTORY": "/var/lib/a:/var/lib/b"}, "sqlite:////var/lib/a/contactsync.db"),
        (
            {"XDG_STATE_HOME": "/home/ana/.state", "HOME": "/home/ana"},
            "sqlite:////home/ana/.state/contactsync/contactsync.db",
        ),
        (
            {"XDG_STATE_HOME": "relative", "HOME": "/home/ana"},
            "sqlite:////home/ana/.local/state/contactsync/contactsync.db",
        ),
        ({"HOME": "/home/ana"}, "sqlite:////home/ana/.local/state/contactsync/contactsync.db"),
    ],
)
def test_default_store_url(environ: dict[str, str], url: str) -> None:
    assert default_store_url(environ) == url


def test_inline_secrets_are_refused_at_any_depth_of_options(tmp_path: Path, connectors: None) -> None:
    path = write(
        tmp_path,
        "c.yaml",
        """\
        books:
          - name: staff
            accounts:
              - name: g
                type: google
                options:
                  oauth: {client_id: abc, client_secret: hunter2}
                  refresh_token: ${REFRESH}
        """,
    )
    problems = problems_of(path, environ={"REFRESH": "r"})
    # the nested secret is refused even under a key the google connector does not know (reported as well)
    assert (
        7,
        "books[0].accounts[0].options.oauth.client_secret",
        "secrets never inline; use client_secret_file, client_secret_credential or ${ENV}",
    ) in [(p.line, p.path, p.message) for p in problems]
    assert all(p.path.startswith("books[0].accounts[0].options.oauth") for p in problems)


def test_book_names_are_unique() -> None:
    text = MINIMAL + MINIMAL.removeprefix("books:\n").replace("ana", "bob")
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, environ={})
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (7, "books[1].name")
    assert problem.message == "book name 'staff' is already used at line 2; book names are unique in the file"


def test_a_name_ending_in_a_line_break_is_refused_at_its_key(tmp_path: Path) -> None:
    # a name is checked whole: "staff\n" would be a book whose name breaks log lines, `status` and the shell
    text = """\
store: {url: "sqlite:///%s/store.db"}
books:
  - name: "staff\\n"
    accounts:
      - {name: a, type: vdir, options: {path: "%s/a"}}
      - {name: "b\\n", type: vdir, options: {path: "%s/b"}}
""" % ((tmp_path,) * 3)
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, environ={})
    found = {(p.line, p.path): p.message for p in caught.value.problems}
    assert set(found) == {(3, "books[0].name"), (6, "books[0].accounts[1].name")}
    assert all("use lowercase letters" in message for message in found.values())


def test_the_public_names_of_the_config_package() -> None:
    import contactsync.config

    assert sorted(contactsync.config.__all__) == [
        "CronSchedule",
        "IntervalSchedule",
        "SCHEMA",
        "Schedule",
        "default_state_dir",
        "default_store_url",
        "load_settings",
        "locate",
        "parse_schedule",
        "parse_settings",
        "reference_markdown",
        "sample_config",
    ]
