"""Checks JSON schema cannot express: schedules, phone regions, store URLs, listen addresses."""

from __future__ import annotations

from urllib.parse import urlsplit

import phonenumbers

from .schedule import parse_schedule


def schedule_problem(schedule: str) -> str | None:
    """Why ``schedule`` is not a valid book schedule, or None when it is."""
    try:
        parse_schedule(schedule)
    except ValueError as exc:
        return str(exc)
    return None


def region_problem(region: str) -> str | None:
    """Why ``region`` cannot be used to read national phone numbers, or None."""
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
