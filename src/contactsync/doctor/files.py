"""The modes of the files an account's secrets come from, and of the token files its connector writes.

A secret file readable by the service's group is a warning (a shared admin group may be intended); readable by
everyone on the machine it is a failure (any local user or compromised service can take the account) unless the
admin set ``secrets.allow_world_readable``, the same rule the config loader applies
(:mod:`contactsync.config.secrets`). Token
files (options the type declares ``"format": "path"``, such as a sign-in cache) are held to the same rule.
Secrets from systemd credentials (``*_credential``) are kept private by systemd and from the environment have
no file: both pass without a mode check.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..checks import CheckResult, Outcome
from ..config.secrets import SecretSource
from ..settings import AccountSettings

CHECK_SECRET: Final = "secret file"


@dataclass(frozen=True)
class SecretFile:
    """A file holding a secret of an account: the option it was named by, and where it is."""

    option: str
    path: Path


def secret_files(account: AccountSettings, options_schema: Mapping[str, Any]) -> tuple[SecretFile, ...]:
    """The files behind ``account``'s secrets (``password_file`` …) and its declared path options that exist."""
    files = []
    prefix = f"{SecretSource.FILE.value} "
    for name, secret in sorted(account.secrets.items()):
        # the loader records where each secret came from as "<source> <where>" (contactsync.config.secrets)
        if secret.source.startswith(prefix):
            files.append(SecretFile(f"{name}_file", Path(secret.source[len(prefix) :])))
    properties = options_schema.get("properties", {})
    if isinstance(properties, Mapping):
        for key, spec in sorted(properties.items()):
            value = account.options.get(key)
            declared = isinstance(spec, Mapping) and spec.get("format") == "path" and key.endswith("_file")
            if declared and isinstance(value, str) and Path(value).is_file():
                files.append(SecretFile(key, Path(value)))
    return tuple(files)


def check_secret_files(
    account: AccountSettings, options_schema: Mapping[str, Any], *, allow_world_readable: bool = False
) -> Iterator[CheckResult]:
    """One result per secret file: its mode. Nothing when the account's secrets come from no file."""
    for item in secret_files(account, options_schema):
        yield check_mode(account.name, item, allow_world_readable=allow_world_readable)


def check_mode(account: str, item: SecretFile, *, allow_world_readable: bool = False) -> CheckResult:
    """The mode of one secret file. World-readable fails unless ``secrets.allow_world_readable`` (then it
    warns, as ``config check`` does)."""
    try:
        info = item.path.stat()
    except OSError as exc:
        return CheckResult(
            account,
            CHECK_SECRET,
            Outcome.FAIL,
            f"{item.option}: cannot read {item.path}: {exc.strerror}",
            f"check the path in options.{item.option}",
        )
    mode = stat.S_IMODE(info.st_mode)
    fix = f"chmod 600 {item.path} (and chown it to the user contactsync runs as)"
    if mode & stat.S_IROTH:
        return CheckResult(
            account,
            CHECK_SECRET,
            Outcome.WARN if allow_world_readable else Outcome.FAIL,
            f"{item.option}: {item.path} is readable by every user of this machine (mode {mode:04o})"
            + (" (allowed by secrets.allow_world_readable)" if allow_world_readable else ""),
            fix + ("" if allow_world_readable else ", or set secrets.allow_world_readable: true if that is intended"),
        )
    if mode & (stat.S_IRGRP | stat.S_IWGRP | stat.S_IWOTH):
        return CheckResult(
            account,
            CHECK_SECRET,
            Outcome.WARN,
            f"{item.option}: {item.path} is readable or writable by its group (mode {mode:04o})",
            fix + "; or keep it if that group is meant to read it",
        )
    owner = "" if info.st_uid == os.getuid() else f", owned by uid {info.st_uid}"
    return CheckResult(account, CHECK_SECRET, Outcome.PASS, f"{item.option}: {item.path} (mode {mode:04o}{owner})")
