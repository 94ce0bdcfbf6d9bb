"""What ``contactsync auth`` and ``contactsync discover`` hand a connector type's sign-in and discovery hooks.

Importable from :mod:`contactsync.registry` as before; kept apart so that the commands that only build
connectors (``sync``, ``status``, the daemon's runs) do not create these classes at start-up (#18).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import AccountSettings, BookSettings


@dataclass(frozen=True, slots=True)
class SignInRequest:
    """What ``contactsync auth ACCOUNT`` hands a type's sign-in hook.

    ``echo`` shows a line to the admin; ``prompt`` shows a question and returns the answer (it adds the colon).
    ``open_browser`` is False with ``--no-browser`` (a headless server): a flow that would open a browser prints
    the address instead.
    """

    account: AccountSettings
    book: BookSettings
    echo: Callable[[str], None]
    prompt: Callable[[str], str]
    open_browser: bool = True


@dataclass(frozen=True, slots=True)
class DiscoverRequest:
    """What ``contactsync discover TYPE URL`` hands a type's discovery hook: a server and the credentials to
    look at it with. ``password`` was read from a file (never the command line); ``ca_bundle`` is a PEM file
    to trust instead of the system's."""

    url: str
    username: str
    password: str | None = None
    ca_bundle: str | None = None


@dataclass(frozen=True, slots=True)
class Discovered:
    """One thing a discovery hook found: a ``url`` ready for the account's ``options.url``, and its name."""

    url: str
    display_name: str
