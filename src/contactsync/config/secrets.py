"""Secrets come from files, systemd credentials or the environment, never from the YAML itself.

Inside an account's ``options`` (and in ``store``):

- ``password_file: pw``          reads the file (relative to the config's folder) into secret ``password``;
- ``password_credential: name``  reads ``$CREDENTIALS_DIRECTORY/name`` (systemd ``LoadCredential=``);
- ``password: ${DAV_PASSWORD}``  reads the environment variable;
- ``password: hunter2``          is refused: a secret-looking key with a literal value.

A connector may declare a ``*_file`` option as a plain path (``"format": "path"`` in its
``options_schema``, e.g. a token cache it writes itself); such a key is resolved against the config folder
and left in ``options``.
"""

from __future__ import annotations

import enum
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ..errors import ConfigProblem
from ..settings import Secret
from .problems import KeyPath, Problems

FILE_SUFFIX: Final = "_file"
CREDENTIAL_SUFFIX: Final = "_credential"
ENV_REFERENCE: Final = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")

SECRET_NAMES: Final = frozenset({"password", "passphrase", "secret", "client_secret", "token", "api_key"})
SECRET_SUFFIXES: Final = ("_password", "_secret", "_token", "_api_key")
INLINE_REFUSAL: Final = "secrets never inline; use {name}_file, {name}_credential or ${{ENV}}"

#: a secret is a password, a key or a URL; anything larger is a wrong path (or /dev/zero)
MAX_SECRET_BYTES: Final = 1 << 20


class SecretSource(enum.Enum):
    FILE = "file"
    CREDENTIAL = "systemd credential"
    ENVIRONMENT = "environment variable"


@dataclass(frozen=True)
class SecretOrigin:
    """Where one secret came from, in the YAML: ``key`` is what the admin wrote (``password_file``)."""

    name: str
    key: str
    source: SecretSource


@dataclass(frozen=True)
class SecretContext:
    environ: Mapping[str, str]
    base_dir: Path
    #: ``secrets.allow_world_readable``: the admin accepts secret files any local user can read
    allow_world_readable: bool = False
    #: leave the secrets unread (``status``); their keys still count as given
    skip_reading: bool = False
    #: an account's secret that cannot be read fails that account alone (``sync``, the daemon): kept in
    #: ``Extraction.unreadable`` instead of refusing the whole file; ``config check`` and ``doctor`` still refuse it
    defer_unreadable: bool = False
    #: every secret file read, for the permission checks (`config check`, `doctor`)
    files_read: list[Path] = field(default_factory=list, compare=False)


class _Unavailable(Exception):
    """A secret that cannot be read; the message says why and what to do."""


def looks_secret(key: str) -> bool:
    return key in SECRET_NAMES or key.endswith(SECRET_SUFFIXES)


def resolve_path(raw: str, base_dir: Path) -> Path:
    path = Path(raw).expanduser()
    return path if path.is_absolute() else base_dir / path


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SECRET_BYTES + 1)
    except FileNotFoundError:
        raise _Unavailable(
            f"secret file {str(path)!r} does not exist: create it (readable by the user contactsync runs as, "
            "`chmod 600`) or correct the path"
        ) from None
    except IsADirectoryError:
        raise _Unavailable(f"secret file {str(path)!r} is a directory: give the file that holds the secret") from None
    except PermissionError as exc:
        raise _Unavailable(
            f"cannot read secret file {str(path)!r}: {exc.strerror}; let the user contactsync runs as read it "
            "(owned by that user, `chmod 600`)"
        ) from None
    except OSError as exc:
        raise _Unavailable(f"cannot read secret file {str(path)!r}: {exc.strerror}") from None
    if len(data) > MAX_SECRET_BYTES:
        raise _Unavailable(f"secret file {str(path)!r} is larger than {MAX_SECRET_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Unavailable(f"secret file {str(path)!r} is not UTF-8 text") from None
    # editors and `echo` add a final newline that is never part of the secret
    return text.rstrip("\r\n")


def _read_file(raw: str, context: SecretContext) -> Secret:
    path = resolve_path(raw, context.base_dir)
    secret = Secret(_read_text(path), f"{SecretSource.FILE.value} {path}")
    context.files_read.append(path)
    if not context.allow_world_readable and world_readable(path):
        raise _Unavailable(
            f"secret file {str(path)!r} can be read by every user of this machine (mode "
            f"{stat.S_IMODE(path.stat().st_mode):04o}): `chmod 600 {path}` (owned by the user contactsync runs "
            "as), or set secrets.allow_world_readable: true if that is intended"
        )
    return secret


def world_readable(path: Path) -> bool:
    """Whether others (not the owner, not the group) may read ``path``: the mode is what the kernel checks."""
    try:
        return bool(path.stat().st_mode & stat.S_IROTH)
    except OSError:
        return False


def _read_credential(name: str, context: SecretContext) -> Secret:
    if not name or "/" in name or name in {".", ".."}:
        raise _Unavailable(f"credential name {name!r} must be a plain file name (no '/')")
    directory = context.environ.get("CREDENTIALS_DIRECTORY")
    if not directory:
        raise _Unavailable(
            f"$CREDENTIALS_DIRECTORY is not set, so credential {name!r} cannot be read; run under systemd "
            f"with LoadCredential={name}:/path/to/file, or use a *_file key instead"
        )
    return Secret(_read_text(Path(directory) / name), f"{SecretSource.CREDENTIAL.value} {name}")


def _read_environment(name: str, context: SecretContext) -> Secret:
    value = context.environ.get(name)
    if value is None:
        raise _Unavailable(
            f"environment variable {name} is not set: set it where contactsync starts (the unit's Environment= or "
            "EnvironmentFile=), or give the secret as a *_file or *_credential key"
        )
    if not value:
        raise _Unavailable(f"environment variable {name} is empty: give it the secret's value")
    return Secret(value, f"{SecretSource.ENVIRONMENT.value} {name}")


def is_env_reference(value: object) -> bool:
    return isinstance(value, str) and ENV_REFERENCE.match(value) is not None


@dataclass
class Extraction:
    """What :func:`extract_secrets` leaves: plain options, the secrets read, and where each was written."""

    options: dict[str, Any]
    secrets: dict[str, Secret]
    origins: dict[str, SecretOrigin]
    #: secret-looking keys written inline: already reported, left out of ``options``
    refused: set[str] = field(default_factory=set)
    #: secrets that could not be read, with ``SecretContext.defer_unreadable``: not reported as the file's problems
    unreadable: list[ConfigProblem] = field(default_factory=list)


def extract_secrets(
    options: Mapping[str, Any],
    path: KeyPath,
    context: SecretContext,
    problems: Problems,
    *,
    plain_path_keys: frozenset[str] = frozenset(),
) -> Extraction:
    """Split ``options`` into plain options and secrets, reporting every secret that cannot be read.

    A secret that could not be read is still listed in ``origins`` (so the connector's schema sees the key as
    given) but not in ``secrets``; with ``context.defer_unreadable`` it is in ``unreadable``, not in ``problems``.
    """
    result = Extraction({}, {}, {})
    for key, value in options.items():
        where = (*path, key)
        origin: SecretOrigin | None = None
        if key in plain_path_keys:
            result.options[key] = str(resolve_path(value, context.base_dir)) if isinstance(value, str) else value
            continue
        if key.endswith(FILE_SUFFIX) and len(key) > len(FILE_SUFFIX):
            origin = SecretOrigin(key[: -len(FILE_SUFFIX)], key, SecretSource.FILE)
        elif key.endswith(CREDENTIAL_SUFFIX) and len(key) > len(CREDENTIAL_SUFFIX):
            origin = SecretOrigin(key[: -len(CREDENTIAL_SUFFIX)], key, SecretSource.CREDENTIAL)
        elif is_env_reference(value):
            origin = SecretOrigin(key, key, SecretSource.ENVIRONMENT)
        if origin is None:
            # a refused inline secret is left out, so the connector's schema does not report it a second time
            if _refuse_inline(key, value, where, problems):
                result.refused.add(key)
            else:
                result.options[key] = value
            continue
        if origin.name in result.origins:
            other = result.origins[origin.name].key
            problems.add(where, f"secret '{origin.name}' is given twice ({other} and {key}); keep one")
            continue
        result.origins[origin.name] = origin
        if context.skip_reading:
            continue
        try:
            result.secrets[origin.name] = _read(origin, value, context)
        except _Unavailable as exc:
            if context.defer_unreadable:
                result.unreadable.append(problems.problem_at(where, str(exc)))
            else:
                problems.add(where, str(exc))
    return result


def _read(origin: SecretOrigin, value: object, context: SecretContext) -> Secret:
    if origin.source is SecretSource.ENVIRONMENT:
        match = ENV_REFERENCE.match(str(value))
        assert match is not None  # chosen because it matched
        return _read_environment(match.group(1), context)
    reference = value
    named_by_env = ENV_REFERENCE.match(value) if isinstance(value, str) else None
    if named_by_env is not None:
        # `password_file: ${PW_FILE}`: the variable names the file, the file holds the secret
        reference = _read_environment(named_by_env.group(1), context).value
    if not isinstance(reference, str) or not reference:
        what = "a file path" if origin.source is SecretSource.FILE else "a credential name"
        raise _Unavailable(f"expected {what}")
    if origin.source is SecretSource.FILE:
        return _read_file(reference, context)
    return _read_credential(reference, context)


def _refuse_inline(key: str, value: Any, where: KeyPath, problems: Problems, *, nested: bool = False) -> bool:
    """A literal value under a secret-looking key, at any depth of ``options``, is a problem (True)."""
    if isinstance(value, Mapping):
        for inner_key, inner in value.items():
            _refuse_inline(str(inner_key), inner, (*where, str(inner_key)), problems, nested=True)
    elif nested and is_env_reference(value):
        # only top-level options become secrets; a nested ${ENV} would silently stay literal text
        problems.add(where, "${ENV} references are read only at the top level of options; move this key up")
    elif looks_secret(key) and value is not None and not is_env_reference(value):
        problems.add(where, INLINE_REFUSAL.format(name=key))
        return True
    return False
