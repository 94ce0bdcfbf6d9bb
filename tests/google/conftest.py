"""Fixtures: a running People API emulator and real google-api-python-client services pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from contactsync.emulators.google import PeopleEmulator

ALICE = "alice@example.com"
BOB = "bob@example.com"


@pytest.fixture
def emulator() -> Iterator[PeopleEmulator]:
    with PeopleEmulator() as running:
        running.add_user(ALICE)
        running.add_user(BOB)
        yield running
        assert running.internal_errors == []


class Clients:
    """Builds People API services and closes their connections at teardown (unclosed sockets are errors)."""

    def __init__(self) -> None:
        self._services: list[Any] = []

    def people(self, emulator: PeopleEmulator, token: str | None = None, *, credentials: Any = None) -> Any:
        service = build(
            "people",
            "v1",
            static_discovery=True,
            credentials=credentials if credentials is not None else Credentials(token),
            client_options={"api_endpoint": emulator.url},
        )
        self._services.append(service)
        return service

    def close(self) -> None:
        for service in self._services:
            service.close()


@pytest.fixture
def clients() -> Iterator[Clients]:
    factory = Clients()
    yield factory
    factory.close()


@pytest.fixture
def people_for(emulator: PeopleEmulator, clients: Clients) -> Callable[[str], Any]:
    return lambda user: clients.people(emulator, emulator.token_for(user))


@pytest.fixture
def people(people_for: Callable[[str], Any]) -> Any:
    """The People API service of Alice."""
    return people_for(ALICE)
