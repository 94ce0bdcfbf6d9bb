"""One root exception for everything contactsync raises on purpose; the CLI turns each into advice.

    ContactSyncError
    ├── ConfigError                    the YAML or a secret is wrong (carries every problem found)
    ├── StoreError                     the database cannot be opened, migrated or locked
    │   └── StoreLocked                another daemon holds the SQLite store
    │       └── LeaseHeld              (daemon.oneoff) a daemon kept the book past the one-off sync's wait
    ├── NotFound                       a contact, conflict, trash entry, book or account named on the command line
    │                                  does not exist
    ├── ConnectorError                 anything a platform said or did not say
    │   ├── AuthFailed                 credentials refused or expired: the admin must act
    │   │   └── SecretUnreadable       the account's secret could not be read (a file, a credential, a variable)
    │   ├── CertificateRejected        the server's TLS certificate failed verification: the admin must act
    │   ├── RateLimited                the platform asks us to wait (``retry_after`` seconds, if it said)
    │   ├── Transient                  timeouts, resets, 5xx: retrying later is expected to work
    │   ├── PreconditionFailed         wrong etag, or the item is gone (``gone=True``)
    │   ├── SyncTokenExpired           the incremental state is no longer accepted: do a full listing
    │   ├── ItemRejected               the platform refuses this item's data (bad value, too large, ...)
    │   └── AccountPaused              (daemon) the circuit breaker pauses the account: it was not contacted
    └── SyncAborted                    the engine stopped a run on purpose (the brake, a failed listing)
        └── LeaseLost                  (store.leases) another instance took the book over: the run commits nothing more

Lower-level exceptions (HTTP libraries, SQL drivers, vobject) are translated where they cross into our code:
``raise Transient(...) from exc``.
"""

from __future__ import annotations

from dataclasses import dataclass


class ContactSyncError(Exception):
    """Root of every error contactsync raises on purpose."""


@dataclass(frozen=True)
class ConfigProblem:
    """One problem in the configuration: where, what, and what is allowed."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: at '{self.path or '<root>'}': {self.message}"


class ConfigError(ContactSyncError):
    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(ContactSyncError):
    pass


class StoreLocked(StoreError):
    pass


class NotFound(ContactSyncError):
    pass


class ConnectorError(ContactSyncError):
    """Base for everything a connector raises. ``account`` is filled in by the engine when known."""

    def __init__(self, message: str, *, account: str = "") -> None:
        super().__init__(message)
        self.account = account


class AuthFailed(ConnectorError):
    pass


class SecretUnreadable(AuthFailed):
    """An account's secret could not be read when the configuration was loaded (a missing file, an unset
    variable): its account cannot be contacted until the admin fixes it, and the other accounts sync meanwhile.
    ``problems``: each as ``config check`` reports it, with the file, the line and the key."""

    def __init__(self, problems: tuple[ConfigProblem, ...], *, account: str = "") -> None:
        said = "; ".join(str(p) for p in problems)
        super().__init__(
            f"its secret cannot be read ({said}); the other accounts sync meanwhile. Fix it (`contactsync config "
            "check` lists it); the next `contactsync sync` reads it, a daemon after `systemctl reload contactsync`",
            account=account,
        )
        self.problems = problems


class CertificateRejected(ConnectorError):
    """The server's TLS certificate failed verification (``problem``, e.g. "self-signed certificate") on
    ``host``. Permanent: never retried."""

    def __init__(self, message: str, *, host: str, problem: str, account: str = "") -> None:
        super().__init__(message, account=account)
        self.host = host
        self.problem = problem


class RateLimited(ConnectorError):
    """``retry_after``: the wait the platform asked for, if it said; ``window_s``: the window of the limit that was
    hit, when the platform documents one but did not say when to come back (Google's per-minute quotas)."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, window_s: float | None = None, account: str = ""
    ) -> None:
        super().__init__(message, account=account)
        self.retry_after = retry_after
        self.window_s = window_s


class Transient(ConnectorError):
    pass


class PreconditionFailed(ConnectorError):
    """The item changed since we read it (wrong etag), or it no longer exists (``gone``)."""

    def __init__(self, message: str, *, gone: bool = False, account: str = "") -> None:
        super().__init__(message, account=account)
        self.gone = gone


class SyncTokenExpired(ConnectorError):
    pass


class ItemRejected(ConnectorError):
    pass


class AccountPaused(ConnectorError):
    """The daemon's circuit breaker pauses the account (see contactsync.daemon.circuit): the run leaves it out and
    contacts nothing. Its failure was logged when the circuit opened; a paused run is no fresh failure."""


class SyncAborted(ContactSyncError):
    pass
