"""YAML file → :class:`contactsync.settings.Settings`, reporting every problem at once.

The steps, each reporting into one :class:`Problems` collector so a single run shows everything that is wrong:

1. read plain YAML into values, remembering every node's line (:mod:`.yamldoc`);
2. validate against :data:`SCHEMA` (:mod:`.validation`);
3. checks a schema cannot express: schedules, regions, unique names, priority lists, connector types, template
   placeholders (:mod:`.templates`);
4. read secrets and validate each account's options against its connector's ``options_schema``;
5. only when nothing was found, build the frozen objects. Plain dicts stop here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .. import model as model_module
from .. import registry
from .. import settings as settings_module
from ..errors import ConfigError, ConfigProblem
from ..model import Field
from ..settings import (
    AccountMode,
    AccountSettings,
    BookSettings,
    BrakeSettings,
    ConflictRule,
    ConflictSettings,
    DaemonSettings,
    DataRules,
    DeletePolicy,
    LogFormat,
    PhoneFormat,
    Requirement,
    Secret,
    Settings,
    frozen_mapping,
)
from . import schema as schema_module
from .checked import PassedChecks, schema_key, source_key
from .checks import listen_problem, region_problem, schedule_problem, store_url_problem, url_has_password
from .distribute import build_distributions, check_distributions
from .paths import default_state_dir, default_store_url
from .problems import KeyPath, Problems, did_you_mean, format_path
from .schema import SCHEMA
from .secrets import Extraction, SecretContext, extract_secrets, is_env_reference
from .templates import build_templates, check_templates
from .validation import report_schema_errors, schema_problem, validator_for

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


def load_settings(
    path: Path,
    *,
    environ: Mapping[str, str] | None = None,
    account_secrets: bool = True,
    recheck: bool = False,
    defer_unreadable_secrets: bool = False,
) -> Settings:
    """Read and check the YAML file at ``path``. Raises ConfigError listing every problem found.

    Without ``account_secrets`` the accounts' secrets are not read (``status`` reads only the store: it works
    where the passwords are not readable, e.g. as an admin without the service's credentials). Schema checks
    that passed before on the same values are not run again (:mod:`.checked`) unless ``recheck``
    (``config check``). With ``defer_unreadable_secrets`` (``sync``, the daemon) an account's secret that cannot
    be read is not the file's problem but that account's (``AccountSettings.unreadable_secrets``): its runs fail
    with :class:`~contactsync.errors.SecretUnreadable` and the other accounts sync; the store's secret still
    refuses the file."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _one(source, "the file does not exist; `contactsync config sample` prints a commented one") from None
    except UnicodeDecodeError:
        raise _one(source, "the file is not UTF-8 text") from None
    except OSError as exc:
        raise _one(source, f"cannot read the file: {exc.strerror}") from None
    checks = PassedChecks.none() if recheck else _passed_checks(os.environ if environ is None else environ)
    return _parse(
        text,
        source,
        environ,
        path.absolute().parent,
        path,
        account_secrets=account_secrets,
        checks=checks,
        defer_unreadable_secrets=defer_unreadable_secrets,
    )


def _passed_checks(environ: Mapping[str, str]) -> PassedChecks:
    try:
        state_dir = default_state_dir(environ)
    except (RuntimeError, KeyError):  # no $HOME and a user without a passwd entry (a container's random uid)
        return PassedChecks.none()
    return PassedChecks.read(state_dir)


def parse_settings(
    text: str,
    *,
    source: str = "<string>",
    environ: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
) -> Settings:
    """Check YAML ``text``; relative secret files resolve against ``base_dir`` (default: working folder)."""
    return _parse(text, source, environ, base_dir if base_dir is not None else Path.cwd(), None)


def _one(source: str, message: str) -> ConfigError:
    return ConfigError([ConfigProblem(source, None, "", message)])


@dataclass(frozen=True)
class _ResolvedAccount:
    """An account's options with its secrets taken out, ready to freeze."""

    options: dict[str, Any]
    secrets: dict[str, Secret]
    #: secrets that could not be read (only with ``defer_unreadable_secrets``): the account's runs fail
    unreadable: tuple[ConfigProblem, ...] = ()


def _parse(
    text: str,
    source: str,
    environ: Mapping[str, str] | None,
    base_dir: Path,
    source_path: Path | None,
    *,
    account_secrets: bool = True,
    checks: PassedChecks | None = None,
    defer_unreadable_secrets: bool = False,
) -> Settings:
    checks = PassedChecks.none() if checks is None else checks
    lines: dict[KeyPath, int] = {}
    problems = Problems(source, lines)
    # the same text passed before: its values as read then, without importing PyYAML (#18)
    kept = checks.document(text)
    if kept is not None:
        data, read_lines = kept
        lines.update(read_lines)
    else:
        from .yamldoc import read_yaml  # PyYAML: only when the text is new

        data = read_yaml(text, lines, problems)
        if data is None:
            problems.raise_if_any()
        checks.keep_read(text, data, lines)
    root: Mapping[str, Any] = data if isinstance(data, dict) else {}
    secrets_section = root.get("secrets")
    allow_readable = isinstance(secrets_section, dict) and secrets_section.get("allow_world_readable") is True
    context = SecretContext(os.environ if environ is None else environ, base_dir, allow_world_readable=allow_readable)
    _check_against(checks, _top_schema(), data, (), problems)
    store_url = _store_url(root.get("store"), context, problems)  # no store, no run: always the file's problem
    account_context = replace(context, skip_reading=not account_secrets, defer_unreadable=defer_unreadable_secrets)
    accounts = _check_books(root.get("books"), account_context, problems, checks)
    _check_daemon(root.get("daemon"), problems)
    distribute_context = account_context
    distribute_schemas = _ConnectorSchemas(problems, checks)
    distributed = check_distributions(
        root.get("distribute"),
        root.get("books"),
        lambda account, path: _resolve_account(account, path, distribute_context, distribute_schemas, problems),
        problems,
        root.get("templates"),
    )
    templated = check_templates(
        root,
        lambda account, path, found: _resolve_account(account, path, distribute_context, distribute_schemas, found),
        problems,
    )
    problems.raise_if_any()
    checks.save()  # the whole file passed: its schema checks need not run again while nothing changes
    settings = replace(
        _build(root, store_url, accounts, source_path),
        distributions=build_distributions(root.get("distribute"), distributed, _build_account),
        templates=build_templates(root, templated, _build_account, _build_book),
    )
    # later checks (a connector's own, at sync time) report the key path: the line comes from here
    located = {format_path(path): line for path, line in lines.items()}
    return replace(
        settings,
        key_lines=MappingProxyType(located),
        secret_files=tuple(dict.fromkeys(context.files_read)),
        allow_world_readable=allow_readable,
    )


def _store_url(store: object, context: SecretContext, problems: Problems) -> str:
    if not isinstance(store, dict):
        return default_store_url(context.environ)
    path: KeyPath = ("store",)
    literal = store.get("url")
    references = [k for k in ("url_file", "url_credential") if k in store]
    if isinstance(literal, str) and not is_env_reference(literal) and references:
        problems.add((*path, references[0]), "give the store URL once: either url or " + references[0])
    extraction = extract_secrets(store, path, context, problems)
    secret = extraction.secrets.get("url")
    if secret is not None:
        message = store_url_problem(secret.value)
        if message:
            problems.add((*path, extraction.origins["url"].key), f"the URL read from {secret.source}: {message}")
        return secret.value
    if not isinstance(literal, str) or is_env_reference(literal):
        return default_store_url(context.environ)
    if url_has_password(literal):
        problems.add(
            (*path, "url"),
            "a password never goes inline; put the whole URL in url_file, url_credential or ${ENV}",
        )
    message = store_url_problem(literal)
    if message:
        problems.add((*path, "url"), message)
    return literal


@dataclass(frozen=True)
class _Schema:
    """A schema, the key of its checks' digests (:mod:`.checked`), and its validator, made when first needed."""

    schema: Mapping[str, Any]
    key: str

    def validator(self) -> Draft202012Validator:
        return _validator(self)

    @property
    def properties(self) -> Mapping[str, Any]:
        found = self.schema.get("properties", {})
        return found if isinstance(found, Mapping) else {}


_VALIDATORS: dict[str, Draft202012Validator] = {}


def _validator(schema: _Schema) -> Draft202012Validator:
    # one validator per schema for the process (the daemon loads its configuration again on a reload)
    if schema.key not in _VALIDATORS:
        _VALIDATORS[schema.key] = validator_for(schema.schema)
    return _VALIDATORS[schema.key]


#: the modules whose constants :data:`SCHEMA` is built of (tests/test_startup.py pins schema.py's imports to them)
_SCHEMA_SOURCES = (schema_module, model_module, settings_module)


@cache
def _top_schema() -> _Schema:
    key = source_key(*(module.__file__ for module in _SCHEMA_SOURCES))
    return _Schema(SCHEMA, schema_key(SCHEMA) if key is None else key)


def _check_against(
    checks: PassedChecks,
    schema: _Schema,
    instance: Any,
    base: KeyPath,
    problems: Problems,
    *,
    written_keys: Mapping[str, str] | None = None,
    hidden: frozenset[KeyPath] = frozenset(),
) -> None:
    """Report ``instance``'s schema errors, unless the same check passed before. A value holding a secret
    (``hidden``) is checked every time: no digest is derived from a secret."""
    digest = None if hidden else checks.digest(schema.key, instance)
    if digest is not None and checks.seen(digest):
        return
    errors = report_schema_errors(
        schema.validator(), instance, base, problems, written_keys=written_keys, hidden=hidden
    )
    if digest is not None and not errors:
        checks.remember(digest)


def _check_books(
    books: object, context: SecretContext, problems: Problems, checks: PassedChecks
) -> dict[tuple[int, int], _ResolvedAccount]:
    """Cross-field checks over the books; returns each account's resolved options by (book, account) index."""
    resolved: dict[tuple[int, int], _ResolvedAccount] = {}
    if not isinstance(books, list):
        return resolved
    book_names: dict[str, KeyPath] = {}
    account_names: dict[str, KeyPath] = {}
    connectors = _ConnectorSchemas(problems, checks)
    for book_index, book in enumerate(books):
        if not isinstance(book, dict):
            continue
        book_path: KeyPath = ("books", book_index)
        _unique(book.get("name"), (*book_path, "name"), book_names, "book", problems)
        schedule = book.get("schedule")
        if isinstance(schedule, str) and (message := schedule_problem(schedule)):
            problems.add((*book_path, "schedule"), message)
        region = book.get("default_region")
        if isinstance(region, str) and (message := region_problem(region)):
            problems.add((*book_path, "default_region"), message)
        names_here: list[str] = []
        accounts = book.get("accounts")
        for account_index, account in enumerate(accounts if isinstance(accounts, list) else []):
            if not isinstance(account, dict):
                continue
            account_path: KeyPath = (*book_path, "accounts", account_index)
            name = account.get("name")
            if isinstance(name, str):
                names_here.append(name)
            _unique(name, (*account_path, "name"), account_names, "account", problems)
            result = _resolve_account(account, account_path, context, connectors, problems)
            if result is not None:
                resolved[(book_index, account_index)] = result
        priority = book.get("priority")
        for index, name in enumerate(priority if isinstance(priority, list) else []):
            if isinstance(name, str) and name not in names_here:
                hint = did_you_mean(name, names_here) or f"; this book's accounts: {', '.join(names_here)}"
                problems.add((*book_path, "priority", index), f"'{name}' is not an account of this book{hint}")
    return resolved


def _check_daemon(daemon: object, problems: Problems) -> None:
    if not isinstance(daemon, dict):
        return
    listen = daemon.get("metrics_listen")
    if isinstance(listen, str) and (message := listen_problem(listen)):
        problems.add(("daemon", "metrics_listen"), message)
    pause, most = (
        daemon.get("pause_seconds", DaemonSettings.pause_seconds),
        daemon.get("max_pause_seconds", DaemonSettings.max_pause_seconds),
    )
    if _is_number(pause) and _is_number(most) and most < pause:
        key = "max_pause_seconds" if "max_pause_seconds" in daemon else "pause_seconds"
        problems.add(("daemon", key), f"max_pause_seconds ({most:g}) is shorter than pause_seconds ({pause:g})")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _unique(name: object, path: KeyPath, seen: dict[str, KeyPath], what: str, problems: Problems) -> None:
    if not isinstance(name, str):
        return
    first = seen.setdefault(name, path)
    if first != path:
        line = problems.line_of(first)
        at = f"line {line}" if line else "another place"
        problems.add(path, f"{what} name '{name}' is already used at {at}; {what} names are unique in the file")


class _ConnectorSchemas:
    """Each connector type's options schema, loaded once per configuration."""

    def __init__(self, problems: Problems, checks: PassedChecks) -> None:
        self.problems = problems
        self.checks = checks
        self._loaded: dict[str, _Schema | None] = {}

    def validator(self, type_name: str, path: KeyPath) -> _Schema | None:
        """None when the type cannot be used; the reason is reported at ``path`` (the account's ``type``)."""
        if type_name in self._loaded:
            if self._loaded[type_name] is None:
                self._report_unusable(type_name, path)
            return self._loaded[type_name]
        validator = self._load(type_name, path)
        self._loaded[type_name] = validator
        return validator

    def _report_unusable(self, type_name: str, path: KeyPath) -> None:
        self.problems.add(path, f"connector type '{type_name}' cannot be used (see the first account using it)")

    def _load(self, type_name: str, path: KeyPath) -> _Schema | None:
        try:
            connector = registry.connector_type(type_name)
        except registry.UnknownConnector as exc:
            if type_name in registry.available_types():
                # registered but broken (missing package, not a ConnectorType): say so, not "unknown"
                self.problems.add(path, f"connector type '{type_name}' is installed but fails to load ({exc})")
                return None
            known = registry.available_types()
            self.problems.add(
                path,
                f"unknown connector type '{type_name}'; installed types: {', '.join(known) or 'none'}"
                + did_you_mean(type_name, known),
            )
            return None
        except Exception as exc:  # a broken third-party package must not hide the other problems
            self.problems.add(
                path,
                f"connector type '{type_name}' is installed but fails to load "
                f"({type(exc).__name__}: {exc}); reinstall its package",
            )
            return None
        schema = _Schema(dict(connector.options_schema), schema_key(connector.options_schema))
        # the schema itself, against the metaschema: kept like any other check that passed
        digest = self.checks.digest("metaschema", schema.key)
        if not self.checks.seen(digest):
            problem = schema_problem(schema.schema)
            if problem is not None:
                self.problems.add(
                    path,
                    f"connector type '{type_name}' declares an invalid options_schema "
                    f"({problem}); this is a bug in the connector",
                )
                return None
            self.checks.remember(digest)
        return schema


def _path_keys(schema: _Schema | None) -> frozenset[str]:
    """Options the connector declares as plain paths (``"format": "path"``): not secrets, even ``*_file``."""
    if schema is None:
        return frozenset()
    return frozenset(k for k, v in schema.properties.items() if isinstance(v, Mapping) and v.get("format") == "path")


def _resolve_account(
    account: Mapping[str, Any],
    path: KeyPath,
    context: SecretContext,
    connectors: _ConnectorSchemas,
    problems: Problems,
) -> _ResolvedAccount | None:
    type_name = account.get("type")
    schema = connectors.validator(type_name, (*path, "type")) if isinstance(type_name, str) else None
    options = account.get("options", {})
    if not isinstance(options, dict):
        return None  # the schema error says so
    options_path = (*path, "options")
    extraction = extract_secrets(options, options_path, context, problems, plain_path_keys=_path_keys(schema))
    for key_path in _inline_url_passwords(extraction.options, options_path):
        # a CardDAV or directory URL written as https://user:password@host/ puts the password in the YAML, which
        # the admin commits, backs up and pastes into tickets; refused here as an inline `password` is
        problems.add(
            key_path,
            "a password never goes inline in a URL; give the URL without it and the password as password_file, "
            "password_credential or ${ENV}",
        )
    if schema is not None:
        _validate_options(schema, options, extraction, options_path, problems, connectors.checks)
    return _ResolvedAccount(extraction.options, extraction.secrets, tuple(extraction.unreadable))


def _inline_url_passwords(values: object, path: KeyPath) -> list[KeyPath]:
    """Where ``values`` (an account's options as written, nested) holds a literal URL with a password in it."""
    if isinstance(values, str):
        return [path] if not is_env_reference(values) and url_has_password(values) else []
    if isinstance(values, Mapping):
        return [found for k, v in values.items() for found in _inline_url_passwords(v, (*path, str(k)))]
    if isinstance(values, list):
        return [found for i, v in enumerate(values) for found in _inline_url_passwords(v, (*path, i))]
    return []


def _validate_options(
    schema: _Schema,
    written: Mapping[str, Any],
    extraction: Extraction,
    path: KeyPath,
    problems: Problems,
    checks: PassedChecks,
) -> None:
    """Validate the options as the connector will see them, with each secret under the key its schema uses.

    A connector's schema may list ``password`` (what it reads) or ``password_file`` (what the admin writes); a
    secret given any of the three ways satisfies either. A secret its schema does not mention is allowed all
    the same: the connector finds it in ``AccountSettings.secrets``.
    """
    properties = schema.properties
    instance = dict(extraction.options)
    written_keys: dict[str, str] = {}
    hidden: set[KeyPath] = set()
    for name, origin in extraction.origins.items():
        candidates = (origin.key, name, f"{name}_file", f"{name}_credential")
        key = next((c for c in candidates if c in properties), None)
        if key is None:
            continue
        secret = extraction.secrets.get(name)
        if key == name and secret is not None:
            instance[key] = secret.value
            hidden.add((*path, origin.key))
        else:
            # the reference as written (a path, a credential name): the value itself is not checked here
            instance[key] = written[origin.key]
        written_keys[key] = origin.key
    for key in extraction.refused & set(properties):
        # already refused as an inline secret: present for the schema, so it is not also "missing"
        instance[key] = written[key]
        hidden.add((*path, key))
    _check_against(checks, schema, instance, path, problems, written_keys=written_keys, hidden=frozenset(hidden))


def _given(mapping: object, *keys: str) -> dict[str, Any]:
    """The keys actually written, so every absent one takes its default from the dataclass."""
    if not isinstance(mapping, dict):
        return {}
    return {k: mapping[k] for k in keys if k in mapping}


def _build(
    root: Mapping[str, Any],
    store_url: str,
    accounts: Mapping[tuple[int, int], _ResolvedAccount],
    source_path: Path | None,
) -> Settings:
    """Freeze validated values. Only called once no problem was found, so shapes are as the schema says."""
    log = _given(root.get("log"), "format", "level", "personal_data")
    books = tuple(_build_book(index, book, accounts) for index, book in enumerate(root.get("books", [])))
    return Settings(
        books=books,
        store_url=store_url,
        log_format=LogFormat(log.get("format", Settings.log_format.value)),
        log_level=log.get("level", Settings.log_level),
        log_personal_data=log.get("personal_data", Settings.log_personal_data),
        source=source_path,
        daemon=_build_daemon(root.get("daemon")),
    )


def _build_daemon(daemon: object) -> DaemonSettings:
    given = _given(
        daemon,
        "jitter_seconds",
        "lease_seconds",
        "pause_seconds",
        "max_pause_seconds",
        "stop_timeout_seconds",
        "sync_wait_seconds",
    )
    values: dict[str, Any] = {k: float(v) for k, v in given.items()}
    for whole_number in ("workers", "pause_after_failures"):
        if isinstance(daemon, dict) and whole_number in daemon:
            values[whole_number] = int(daemon[whole_number])  # YAML may give 4.0; the schema allowed it
    if isinstance(daemon, dict) and "rate_limits" in daemon:
        values["rate_limits"] = frozen_mapping({k: float(v) for k, v in daemon["rate_limits"].items()})
    if isinstance(daemon, dict) and "max_in_flight" in daemon:
        values["max_in_flight"] = frozen_mapping({k: int(v) for k, v in daemon["max_in_flight"].items()})
    if isinstance(daemon, dict) and "metrics_listen" in daemon:
        values["metrics_listen"] = daemon["metrics_listen"]
    if isinstance(daemon, dict) and "metrics_per_person" in daemon:
        values["metrics_per_person"] = daemon["metrics_per_person"]
    return DaemonSettings(**values)


def _build_book(
    index: int, book: Mapping[str, Any], resolved: Mapping[tuple[int, int], _ResolvedAccount]
) -> BookSettings:
    extra: dict[str, Any] = _given(book, "schedule", "default_region", "trash_days", "photo_max_bytes")
    for whole_number in ("trash_days", "photo_max_bytes"):
        if whole_number in extra:
            extra[whole_number] = int(extra[whole_number])  # YAML may give 30.0; the schema allowed it
    if "priority" in book:
        extra["priority"] = tuple(book["priority"])
    if "conflicts" in book:
        extra["conflicts"] = _build_conflicts(book["conflicts"])
    if "brake" in book:
        brake = _given(book["brake"], "max_deletes", "max_delete_ratio")
        extra["brake"] = BrakeSettings(
            max_deletes=int(brake.get("max_deletes", BrakeSettings.max_deletes)),
            max_delete_ratio=float(brake.get("max_delete_ratio", BrakeSettings.max_delete_ratio)),
        )
    if "rules" in book:
        rules = book["rules"]
        extra["rules"] = DataRules(
            required=tuple(Requirement(r) for r in rules.get("required", ())),
            phone_format=PhoneFormat(rules.get("phone_format", DataRules.phone_format.value)),
        )
    accounts = tuple(
        _build_account(account, resolved[(index, account_index)])
        for account_index, account in enumerate(book["accounts"])
    )
    return BookSettings(name=book["name"], accounts=accounts, **extra)


def _build_conflicts(conflicts: Mapping[str, Any]) -> ConflictSettings:
    per_field = {Field.named(name): ConflictRule(rule) for name, rule in conflicts.get("fields", {}).items()}
    return ConflictSettings(
        default=ConflictRule(conflicts.get("default", ConflictSettings.default.value)),
        per_field=MappingProxyType(per_field),
        on_delete=DeletePolicy(conflicts.get("on_delete", ConflictSettings.on_delete.value)),
    )


def _build_account(account: Mapping[str, Any], resolved: _ResolvedAccount) -> AccountSettings:
    flags = _given(account, "allow_create", "allow_update", "allow_delete")
    if "mode" in account:
        flags["mode"] = AccountMode(account["mode"])
    return AccountSettings(
        name=account["name"],
        type=account["type"],
        options=frozen_mapping(_freeze(resolved.options)),
        secrets=MappingProxyType(dict(resolved.secrets)),
        unreadable_secrets=resolved.unreadable,
        **flags,
    )


def _freeze(value: Any) -> Any:
    """Nested option values become read-only too: a connector must not be able to change the settings."""
    if isinstance(value, dict):
        return frozen_mapping({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def locate(error: ConfigError, settings: Settings) -> ConfigError:
    """``error`` with each problem that lacks them given the config's file and the line of its key path (or of
    the nearest key above it): a connector's own check at sync time knows the key path only."""
    source = str(settings.source) if settings.source else ""
    problems = []
    for p in error.problems:
        line = p.line
        path = p.path
        while line is None and path:
            line = settings.key_lines.get(path)
            path = path.rsplit(".", 1)[0] if "." in path else (path.rsplit("[", 1)[0] if "[" in path else "")
        problems.append(ConfigProblem(p.file or source, line, p.path, p.message))
    return ConfigError(problems)
