"""``PeopleEmulator``: the control API that tests, benchmarks and the demo use to run and steer it."""

from __future__ import annotations

import copy
import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import Any, TypeVar

from .api import ALL_PERSON_FIELDS, GROUP_FIELDS
from .auth import CONTACTS_SCOPE, Accounts
from .control import Clock, FaultPlan, QuotaLimits, QuotaMeter, RequestKind
from .errors import ApiError
from .fields import check_person_body
from .server import EmulatorHTTPServer
from .service import PeopleService
from .store import UserStore
from .workspace import Workspace

_T = TypeVar("_T")


class EmulatorError(Exception):
    """A control-API call was refused (unknown user, unknown contact, invalid seed data)."""


class PeopleEmulator:
    """A Google People API v1 server on loopback, one contact store per user.

    Point googleapiclient at it with ``client_options={"api_endpoint": emulator.url}`` and a bearer token
    from ``add_user``; point google-auth at ``emulator.url + "token"``.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        sync_token_ttl: timedelta = timedelta(days=7),
        reads_per_minute: int | None = None,
        writes_per_minute: int | None = None,
        full_sync_first_pages_per_minute: int | None = None,
        propagation_delay: timedelta = timedelta(),
        quota_retry_after: bool = False,
        max_contacts: int = 25_000,
    ) -> None:
        self._address = (host, port)
        self.clock = Clock()
        self.faults = FaultPlan()
        self._accounts = Accounts(self.clock)
        limits = QuotaLimits(
            reads_per_minute, writes_per_minute, full_sync_first_pages_per_minute, retry_after=quota_retry_after
        )
        self._service = PeopleService(
            clock=self.clock,
            faults=self.faults,
            quotas=QuotaMeter(limits, self.clock),
            accounts=self._accounts,
            sync_token_ttl=sync_token_ttl,
        )
        self._service.propagation_delay = propagation_delay
        self._service.max_contacts = max_contacts
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def propagation_delay(self) -> timedelta:
        """How long a write takes to show in sync listings (Google: "up to several minutes"); 0 by default."""
        return self._service.propagation_delay

    @propagation_delay.setter
    def propagation_delay(self, delay: timedelta) -> None:
        self._service.propagation_delay = delay

    # ------------------------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        if self._server is not None:
            return
        self._server = EmulatorHTTPServer(self._address, self._service, self.faults)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="people-emulator",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> PeopleEmulator:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise EmulatorError("the emulator is not started")
        return f"http://{self._address[0]}:{self._server.server_port}/"

    @property
    def token_uri(self) -> str:
        return self.url + "token"

    @property
    def auth_uri(self) -> str:
        """The authorization endpoint (Google's is ``https://accounts.google.com/o/oauth2/auth``)."""
        return self.url + "o/oauth2/auth"

    # ------------------------------------------------------------------------------------- accounts

    def add_user(self, user: str) -> str:
        """Create the user's (empty) contact store; returns a bearer token that never expires."""
        self._service.add_store(user)
        return self._accounts.add_user(user)

    def token_for(self, user: str) -> str:
        try:
            return self._accounts.token_for(user)
        except KeyError as exc:
            raise EmulatorError(str(exc)) from None

    def refresh_token_for(self, user: str, scopes: tuple[str, ...] = (CONTACTS_SCOPE,)) -> str:
        """A refresh token that ``/token`` exchanges for short-lived access tokens for ``user`` (with ``scopes``)."""
        try:
            return self._accounts.refresh_token_for(user, scopes)
        except KeyError as exc:
            raise EmulatorError(str(exc)) from None

    def add_oauth_client(self, client_id: str, client_secret: str) -> dict[str, Any]:
        """Register an OAuth client of type "Desktop app"; returns its client secrets file's content, as the
        Google Cloud console hands it out, with ``auth_uri`` and ``token_uri`` pointing at this emulator."""
        self._accounts.add_oauth_client(client_id, client_secret)
        return {
            "installed": {
                "client_id": client_id,
                "project_id": "contactsync-emulator",
                "auth_uri": self.auth_uri,
                "token_uri": self.token_uri,
                "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                "client_secret": client_secret,
                "redirect_uris": ["http://localhost"],
            }
        }

    def consent(self, user: str | None, *, approve: bool = True) -> None:
        """Who is signed in to the browser that opens a consent URL, and whether they click Allow.

        Not part of any Google API: a test hook standing in for the person at the browser. With ``None`` the
        consent screen asks to sign in and never redirects.
        """
        try:
            self._accounts.consent(user, approve)
        except KeyError as exc:
            raise EmulatorError(str(exc)) from None

    def add_service_account(self, client_email: str, scopes: tuple[str, ...] = (CONTACTS_SCOPE,)) -> None:
        """Accept JWT-bearer grants issued by this service account (``sub`` = the user impersonated).

        ``scopes``: what the Admin console's domain-wide delegation grants its client ID; a grant asking for a
        scope outside them is refused (``unauthorized_client``), as Google does. ``()``: no delegation at all.
        """
        self._accounts.add_service_account(client_email, scopes)

    @property
    def api_enabled(self) -> bool:
        """Whether the People API is enabled in the Cloud project (else every call answers 403 SERVICE_DISABLED)."""
        return self._service.api_enabled

    @api_enabled.setter
    def api_enabled(self, enabled: bool) -> None:
        self._service.api_enabled = enabled

    @property
    def workspace(self) -> Workspace:
        """The Workspace domains' directories (``add_profile``, ``add_shared_contact``, ``update``, ``suspend``,
        ``hide``, ``delete``), as an admin changes them in the Admin console; ``people.listDirectoryPeople``
        serves them. Safe to change while the server runs (the directory has its own lock)."""
        return self._service.workspace

    # ---------------------------------------------------------------------------------------- state

    def seed(self, user: str, persons: list[dict[str, Any]]) -> list[str]:
        """Create contacts as if the user had made them; People-API-shaped dicts in, resource names out."""
        with self._service.lock:
            store = self._store(user)
            now = self.clock.now()
            names = []
            for index, person in enumerate(persons):
                # A JSON round trip copies the caller's dict and refuses what could not travel on the wire.
                body = json.loads(json.dumps(person))
                try:
                    # create_person validates everything before it changes anything.
                    names.append(store.create_person(check_person_body(body), now).resource_name)
                except ApiError as error:
                    raise EmulatorError(f"persons[{index}]: {error.message}") from error
            return names

    def persons(self, user: str) -> list[dict[str, Any]]:
        """Every live contact, rendered with all fields as the API would return them."""
        with self._service.lock:
            store = self._store(user)
            mask = ALL_PERSON_FIELDS.split(",")
            live = [person for person in store.persons.values() if not person.deleted]
            return copy.deepcopy([store.render_person(person, mask) for person in live])

    def person(self, user: str, resource_name: str) -> dict[str, Any]:
        with self._service.lock:
            store = self._store(user)
            person = self._checked(lambda: store.live_person(resource_name))
            return copy.deepcopy(store.render_person(person, ALL_PERSON_FIELDS.split(",")))

    def groups(self, user: str) -> list[dict[str, Any]]:
        """Every live contact group with all fields and all member resource names."""
        with self._service.lock:
            store = self._store(user)
            return copy.deepcopy(
                [store.render_group(group, sorted(GROUP_FIELDS), len(group.members)) for group in store.live_groups()]
            )

    def create_group(self, user: str, name: str) -> str:
        with self._service.lock:
            store = self._store(user)
            return self._checked(lambda: store.create_group(name, [], self.clock.now())).resource_name

    def edit(self, user: str, resource_name: str, patch: dict[str, Any]) -> None:
        """A change the user makes in Google Contacts: fields in ``patch`` are replaced, the etag changes."""
        with self._service.lock:
            store = self._store(user)
            body = self._checked(lambda: check_person_body(copy.deepcopy(patch)))
            fields = [name for name in body if name not in {"resourceName", "etag", "metadata"}]
            self._checked(lambda: store.update_person(resource_name, body, fields, self.clock.now()))

    def merge_contacts(self, user: str, keep: str, merge_in: str, *, new_resource_name: bool = False) -> str:
        """Play the user merging two duplicates in Google Contacts; returns the survivor's resource name.

        Not part of the People API (no client can merge contacts): a test hook. ``merge_in`` joins ``keep``
        and is gone (a tombstone in sync listings); the survivor's etag changes and its sync listing entry
        names the replaced contacts in ``metadata.previousResourceNames``. With ``new_resource_name`` the
        survivor is also renamed, as Google does when a merge links the contact to a profile.
        """
        with self._service.lock:
            store = self._store(user)
            merged = self._checked(
                lambda: store.merge_persons(keep, merge_in, self.clock.now(), new_name=new_resource_name)
            )
            return merged.resource_name

    def link_profile(self, user: str, resource_name: str, profile: dict[str, Any]) -> None:
        """Play Google linking a contact to a Workspace domain profile (a colleague with the same email).

        Not part of the People API: a test hook. ``profile`` holds People-API-shaped fields (``names``,
        ``emailAddresses``…); reads that ask for READ_SOURCE_TYPE_PROFILE (or name no ``sources``) return them
        after the contact's own, with ``metadata.source.type`` DOMAIN_PROFILE. The contact's etag changes.
        """
        with self._service.lock:
            store = self._store(user)
            body = self._checked(lambda: check_person_body(copy.deepcopy(profile)))
            fields = {name: list(value) for name, value in body.items() if name not in {"resourceName", "etag"}}
            self._checked(lambda: store.link_profile(resource_name, fields, self.clock.now()))

    def delete(self, user: str, resource_name: str) -> None:
        with self._service.lock:
            store = self._store(user)
            self._checked(lambda: store.delete_person(resource_name, self.clock.now()))

    # ------------------------------------------------------------------------------------- counters

    @property
    def requests(self) -> Counter[RequestKind]:
        return self._service.requests

    @property
    def methods(self) -> Counter[str]:
        """Requests by the discovery document's method id (``people.people.batchCreateContacts``)."""
        return self._service.methods

    @property
    def refused(self) -> list[str]:
        """The requests the discovery document's contract refused ("method id: Google's message")."""
        return self._service.refused

    def reset_counters(self) -> None:
        self._service.reset_counters()

    @property
    def internal_errors(self) -> list[BaseException]:
        """Exceptions the emulator hit while serving (its own bugs); tests assert this stays empty."""
        return self._service.internal_errors

    def _store(self, user: str) -> UserStore:
        try:
            return self._service.stores[user]
        except KeyError:
            raise EmulatorError(f"unknown user {user!r}: call add_user first") from None

    @staticmethod
    def _checked(action: Callable[[], _T]) -> _T:
        try:
            return action()
        except ApiError as error:
            raise EmulatorError(f"{error.code} {error.status}: {error.message}") from error
