"""Maps a config ``type:`` to a :class:`ConnectorType` through the ``contactsync.connectors`` entry points.

A connector package exports one ``CONNECTOR_TYPE`` and registers it in its distribution's metadata::

    [project.entry-points."contactsync.connectors"]
    google = "contactsync.connectors.google:CONNECTOR_TYPE"

Everything the core needs from a platform goes through that one typed object: how to build a connector from an
account's settings, the JSON schema of its ``options``, the daemon's default call rate, and the optional sign-in,
discovery and doctor hooks. The core (config, daemon, CLI) therefore names no platform.

Loaded lazily: naming a type imports only that connector, so an unused platform SDK is never imported; a daemon
imports what its configured types name in ``ConnectorType.preload`` once, before its first cycle (:func:`preload`).
The types this package ships are found without scanning every installed distribution's entry points
(:data:`BUILT_IN`, a few milliseconds of every command's start-up, #18); their names are taken: a third-party entry
point of the same name is not used (``tests/test_startup.py`` keeps the table equal to pyproject.toml's entry
points).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import ContactSyncError, SecretUnreadable

if TYPE_CHECKING:
    # the types of the hooks only: a command that checks a configuration imports neither the connector protocol
    # nor the doctor's checks (#18)
    from .checks import DoctorHook
    from .connector import Connector
    from .registry_hooks import Discovered, DiscoverRequest, SignInRequest
    from .settings import AccountSettings, BookSettings

GROUP = "contactsync.connectors"
#: the connector types this package registers (pyproject.toml's entry points): type name → the module exporting
#: its ``CONNECTOR_TYPE``
BUILT_IN: Mapping[str, str] = {
    "carddav": "contactsync.connectors.carddav",
    "entra-directory": "contactsync.connectors.entra_directory",
    "google": "contactsync.connectors.google",
    "google-directory": "contactsync.connectors.google_directory",
    "ldap": "contactsync.connectors.ldap",
    "memory": "contactsync.connectors.memory",
    "outlook": "contactsync.connectors.outlook",
    "vdir": "contactsync.connectors.vdir",
}

__all__ = [
    "BUILT_IN",
    "GROUP",
    "ConnectorType",
    "DiscoverRequest",
    "Discovered",
    "Rate",
    "SignInRequest",
    "UnknownConnector",
    "available_types",
    "build_connector",
    "connector_type",
    "doctor_hook",
    "preload",
]


#: what only ``auth`` and ``discover`` use, in :mod:`.registry_hooks`: imported when first named (#18)
_HOOK_REQUESTS = frozenset({"DiscoverRequest", "Discovered", "SignInRequest"})


def __getattr__(name: str) -> Any:
    if name not in _HOOK_REQUESTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(".registry_hooks", __package__), name)
    globals()[name] = value
    return value


class UnknownConnector(ContactSyncError):
    """No connector of that type is installed, or its registration cannot be loaded."""


@dataclass(frozen=True, slots=True)
class Rate:
    """How fast the daemon lets one account of a type call its connector: ``per_second`` on average, ``burst``
    at once (a token bucket, :class:`contactsync.daemon.limits.RateLimiter`)."""

    per_second: float
    burst: int

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a rate needs a positive per_second and a burst of at least 1")


#: runs a platform's interactive sign-in for one account and saves what it gets (a token file, mode 0600).
#: Raises ConfigError (options missing) or AuthFailed (the user or the platform refused).
SignIn = Callable[["SignInRequest"], None]
#: lists what a server offers (address books, folders), sorted. Raises AuthFailed, Transient, ConnectorError.
Discover = Callable[["DiscoverRequest"], Sequence["Discovered"]]
#: builds the connector for one account of one book. Raises ConnectorError (or ConfigError) when it cannot.
Build = Callable[["AccountSettings", "BookSettings"], "Connector"]


def _any_options() -> Mapping[str, Any]:
    return {"type": "object"}


@dataclass(frozen=True, slots=True)
class ConnectorType:
    """One platform, as the core sees it. The only thing a connector package exports to the core."""

    #: the config's ``type:`` (equal to the entry point's name)
    name: str
    build: Build
    #: JSON schema (draft 2020-12) of the account's ``options``, validated by ``config check``. A key with
    #: ``"format": "path"`` is a file path, not a secret (see :mod:`contactsync.config.secrets`).
    options_schema: Mapping[str, Any] = field(default_factory=_any_options)
    #: the daemon's call rate per account, from the platform's published quota; None: not limited (local
    #: folders). ``daemon.rate_limits`` in the configuration overrides it.
    default_rate: Rate | None = None
    #: connector calls in flight at once across the daemon, per server or app of this type (the daemon's
    #: budget, contactsync.daemon.budget); None: not limited (local folders). ``daemon.max_in_flight`` overrides it.
    default_in_flight: int | None = None
    #: the interactive sign-in behind ``contactsync auth ACCOUNT``; None: the type needs none
    sign_in: SignIn | None = None
    #: behind ``contactsync discover TYPE URL``; None: the type has nothing to discover
    discover: Discover | None = None
    #: the platform's checks behind ``contactsync doctor`` (:mod:`contactsync.checks`); None: generic only
    doctor: DoctorHook | None = None
    #: the modules (absolute names) that ``build`` and a connector's first run import: the platform's SDK, the
    #: connector's own code. A daemon with an account of this type imports them once in its start-up
    #: (:func:`preload`); otherwise its first cycle's runs import them, every worker waiting behind the import
    #: lock meanwhile (#18). Names, not a function: importing is all a daemon does before its first cycle (no
    #: network), and checking a configuration (every command) still imports none of them.
    preload: tuple[str, ...] = ()


@cache
def available_types() -> tuple[str, ...]:
    """The names of every installed connector type, sorted. Imports none of them."""
    from importlib.metadata import entry_points

    return tuple(sorted({*BUILT_IN, *(ep.name for ep in entry_points(group=GROUP))}))


@cache
def connector_type(type_name: str) -> ConnectorType:
    """The connector type registered as ``type_name``; imports that connector's package only.

    Raises UnknownConnector naming the known types, or saying why a registered one cannot be loaded.
    Cached (a failure is not): scanning the installed distributions' entry points took a tenth of a daemon's
    no-change run of a book (bench/daemon_cycle.py), and what is installed does not change under a process. A
    built-in type needs no scan at all.
    """
    if type_name in BUILT_IN:
        where = f"{BUILT_IN[type_name]}:CONNECTOR_TYPE"
        return _checked(type_name, where, lambda: import_module(BUILT_IN[type_name]).CONNECTOR_TYPE)
    from importlib.metadata import entry_points

    for ep in entry_points(group=GROUP, name=type_name):
        return _checked(type_name, ep.value, ep.load)
    known = ", ".join(available_types()) or "none"
    raise UnknownConnector(f"no connector of type {type_name!r} is installed (known: {known})")


def _checked(type_name: str, where: str, load: Callable[[], object]) -> ConnectorType:
    """What ``load`` returns, if it is the ConnectorType registered at ``where`` as ``type_name``."""
    try:
        loaded = load()
    except (ImportError, AttributeError) as exc:
        # a registered connector whose package is missing or broken: say which, do not crash the config check
        raise UnknownConnector(f"the connector {type_name!r} is registered but cannot be loaded: {exc}") from exc
    if not isinstance(loaded, ConnectorType):
        raise UnknownConnector(
            f"the connector {type_name!r} is registered as {where}, which is not a ConnectorType "
            f"(a {type(loaded).__name__}); its package must export CONNECTOR_TYPE"
        )
    if loaded.name != type_name:
        raise UnknownConnector(
            f"the connector registered as {type_name!r} ({where}) calls itself {loaded.name!r}; "
            "the entry point and ConnectorType.name must agree"
        )
    return loaded


def preload(type_name: str) -> None:
    """Import the modules ``type_name`` names in :attr:`ConnectorType.preload` (a daemon's start-up, #18).

    Raises UnknownConnector when the type or one of its modules cannot be loaded (a missing optional plugin or
    SDK, a module failing as it is imported): an account of that type then fails at its run, as without the
    preload, with the error its ``build`` meets there."""
    kind = connector_type(type_name)
    for module in kind.preload:
        try:
            import_module(module)
        except Exception as exc:  # whatever a module's top level raises: the daemon says so and runs the others
            raise UnknownConnector(
                f"the connector {type_name!r} cannot load {module} ({type(exc).__name__}: {exc})"
            ) from exc


def build_connector(account: AccountSettings, book: BookSettings) -> Connector:
    """The connector for ``account``, built by its type. Raises SecretUnreadable (the account's secret could not
    be read when the file was loaded), UnknownConnector, or whatever ``build`` raises."""
    if account.unreadable_secrets:
        # not built without its secret: a connector would fail at its first request, or worse, try without it
        raise SecretUnreadable(account.unreadable_secrets, account=account.name)
    return connector_type(account.type).build(account, book)


def doctor_hook(type_name: str) -> DoctorHook | None:
    """The doctor hook of ``type_name``, None when the type declares none. Raises UnknownConnector."""
    return connector_type(type_name).doctor
