"""Checks JSON schema cannot express: schedules, phone regions, store URLs, listen addresses, secret files'
permissions."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from ..settings import Settings
from .problems import KeyPath, Problems
from .schedule import parse_schedule

if TYPE_CHECKING:
    from ..checks import CheckResult


def schedule_problem(schedule: str) -> str | None:
    """Why ``schedule`` is not a valid book schedule, or None when it is."""
    try:
        parse_schedule(schedule)
    except ValueError as exc:
        return str(exc)
    return None


def check_name_and_schedule(
    entry: dict[str, object], path: KeyPath, kind: str, names: dict[str, KeyPath], problems: Problems
) -> None:
    """A named list entry's checks (a distribution, a template): its ``name`` unique among ``names`` (which it
    joins), and its ``schedule``, if given, one the daemon can run."""
    name = entry.get("name")
    if isinstance(name, str):
        first = names.setdefault(name, (*path, "name"))
        if first != (*path, "name"):
            problems.add((*path, "name"), f"{kind} name '{name}' is already used; {kind} names are unique")
    schedule = entry.get("schedule")
    if isinstance(schedule, str) and (message := schedule_problem(schedule)):
        problems.add((*path, "schedule"), message)


def region_problem(region: str) -> str | None:
    """Why ``region`` cannot be used to read national phone numbers, or None."""
    import phonenumbers  # its metadata is loaded only for a book that names a region (#18)

    if region in phonenumbers.SUPPORTED_REGIONS:
        return None
    if region.upper() in phonenumbers.SUPPORTED_REGIONS:
        return f"region codes are upper case; did you mean '{region.upper()}'?"
    return f"{region!r} is not an ISO 3166 alpha-2 region code known to phonenumbers (e.g. BR, US, DE)"


def store_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the store, or None. Never quotes the URL: it may hold a password."""
    scheme = url.split(":", 1)[0] if ":" in url else ""
    if not (
        scheme == "sqlite"
        or scheme.startswith("sqlite+")
        or scheme in {"postgresql", "postgres"}
        or scheme.startswith("postgresql+")
    ):
        return "expected a sqlite:///<path> or postgresql://user@host/database URL"
    if scheme == "postgres":
        return "SQLAlchemy spells this scheme 'postgresql://', not 'postgres://'"
    return None


def url_has_password(url: str) -> bool:
    try:
        return urlsplit(url).password is not None
    except ValueError:
        return False


def parse_listen(text: str) -> tuple[str, int]:
    """``PORT``, ``HOST:PORT`` or ``[V6]:PORT`` → (host, port); a bare port listens on loopback. ValueError says
    what to write instead."""
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", text
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{text!r}: give PORT or HOST:PORT, e.g. 127.0.0.1:9464")
    return host, int(port)


def listen_problem(text: str) -> str | None:
    """Why ``text`` is not a ``[HOST:]PORT`` to serve metrics at, or None."""
    try:
        parse_listen(text)
    except ValueError as exc:
        return str(exc)
    return None


def secret_file_checks(settings: Settings) -> list[CheckResult]:
    """One result per secret file the configuration reads (``*_file`` keys): readable by other users of the
    machine is a warning (the loader refuses world-readable ones unless ``secrets.allow_world_readable``).
    `config check` prints these; `doctor` reuses them."""
    from ..checks import CheckResult, Outcome  # the doctor's result types: not for every load (#18)

    results: list[CheckResult] = []
    for path in settings.secret_files:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError as exc:
            results.append(CheckResult("", "secret file", Outcome.FAIL, f"{path}: {exc.strerror}"))
            continue
        readers = [who for who, bit in (("its group", stat.S_IRGRP), ("every user", stat.S_IROTH)) if mode & bit]
        if readers:
            results.append(
                CheckResult(
                    "",
                    "secret file",
                    Outcome.WARN,
                    f"{path} (mode {mode:04o}) can be read by {' and '.join(readers)}",
                    f"chmod 600 {path}",
                )
            )
        else:
            results.append(CheckResult("", "secret file", Outcome.PASS, f"{path} (mode {mode:04o})"))
    return results


def personal_name_warnings(settings: Settings) -> list[str]:
    """One warning per book template name (the book's, an account's) built from a placeholder that names the
    person (``{user}``, ``{upn}``, ``{username}``, ``{email}``) while ``log.personal_data`` is false: at its file,
    line and key, with the fix. Log lines show such a name with that part replaced by a pseudonym
    (contactsync.templates.log_names), but ``status``, the store and per-person metrics hold the name itself.
    `config check` prints these; the daemon logs them as it starts."""
    if settings.log_personal_data or not settings.templates:
        return []
    from ..templates import PERSONAL_PLACEHOLDERS, placeholders_in  # book templates only (#18)

    out: list[str] = []
    for t_index, tmpl in enumerate(settings.templates):
        named = [("book.name", "book", tmpl.book.name)]
        named += [(f"book.accounts[{i}].name", "account", a.name) for i, a in enumerate(tmpl.book.accounts)]
        for relative, what, pattern in named:
            personal = [p for p in placeholders_in(pattern) if p in PERSONAL_PLACEHOLDERS]
            if not personal:
                continue
            key = f"templates[{t_index}].{relative}"
            line = settings.key_lines.get(key)
            where = f"{settings.source}:{line}: " if settings.source and line else ""
            fixed = pattern
            for placeholder in personal:
                fixed = fixed.replace("{" + placeholder + "}", "{id}")
            out.append(
                f"{where}{key}: '{pattern}' puts each person's {_PERSONAL_WORDS[personal[0]]} in a {what} name; "
                f"log lines show it replaced by a pseudonym (log.personal_data is false), but status, the store "
                f"and per-person metrics show it; use {{id}} instead ('{fixed}', if the directory's ids are fit "
                "for names)"
            )
    return out


#: what a personal placeholder puts into a name, in a warning's words
_PERSONAL_WORDS: Final = {
    "user": "sign-in name",
    "upn": "sign-in name",
    "username": "sign-in name",
    "email": "email address",
}
