"""A write a platform refuses is kept owed with its reason, and ``status`` shows the last one ("… writes failed;
last: …"). That reason is the platform's answer, which may quote the very person written: it is kept through the
personal-data net of :mod:`contactsync.logs`, as every error ``status`` shows."""

from __future__ import annotations

from collections.abc import Sequence

from contactsync.connector import Change, ChangeResult
from contactsync.connectors.memory import MemoryBackend, MemoryConnector
from contactsync.engine import Engine
from contactsync.errors import ItemRejected
from contactsync.model import Contact, Email, EmailKind, Name, Phone, PhoneKind
from contactsync.normalize import normalize_contact
from contactsync.settings import AccountSettings, BookSettings
from contactsync.store import Store

EMAIL = "ana.silva@example.com"


class Quoting(MemoryConnector):
    """A platform that refuses every write and quotes what it was sent, as many APIs' 400 answers do."""

    def push(self, changes: Sequence[Change]) -> list[ChangeResult]:
        return [
            ChangeResult(change, error=ItemRejected(f"invalid value '{EMAIL}' (phone +55 11 98765-4321) in body"))
            for change in changes
        ]


def test_a_refused_writes_reason_is_kept_without_the_person() -> None:
    source, target = MemoryBackend(name="a"), MemoryBackend(name="b")
    source.user_create(
        normalize_contact(
            Contact(
                name=Name(given="Ana", family="Silva"),
                emails=(Email(EMAIL, EmailKind.WORK),),
                phones=(Phone("+5511987654321", PhoneKind.MOBILE),),
            )
        )
    )
    book = BookSettings("people", (AccountSettings("a", "memory"), AccountSettings("b", "memory")))
    store = Store.open("sqlite://")
    connectors = {"a": MemoryConnector("a", source), "b": Quoting("b", target)}
    Engine(store, book, connectors, sleep=lambda _s: None).run()
    failed, last = store.outbox_failures("b")
    assert failed == 1 and last is not None
    assert last.startswith("ItemRejected: invalid value")  # what the platform refused is still said
    assert EMAIL not in last and "98765" not in last, last
