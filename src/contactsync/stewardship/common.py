"""Small store helpers the stewardship modules share: journal rows with their ids, queueing a contact."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..connector import ChangeKind
from ..settings import BookSettings
from ..store import Store, Transaction


def journal_row(tx: Transaction, row: Mapping[str, Any]) -> int:
    """Insert one journal row (values as data, like ``Transaction.journal``) and return its id: undo needs it."""
    return tx.journal_one({**row, "run_id": None})


def queue_everywhere(store: Store, tx: Transaction, book: BookSettings, contact_ids: Iterable[str]) -> None:
    """Owe every writable account the current state of each contact: a create where it has no item yet, an
    update where it has one, a delete where the contact is gone (the engine decides from the record)."""
    ids = list(contact_ids)
    links = store.links_by_contact(ids)
    for account in book.accounts:
        if not account.writable:
            continue
        creates = [cid for cid in ids if account.name not in links.get(cid, {})]
        updates = [cid for cid in ids if account.name in links.get(cid, {})]
        tx.queue(account.name, creates, ChangeKind.CREATE)
        tx.queue(account.name, updates, ChangeKind.UPDATE)


def queue_deletes(store: Store, tx: Transaction, book: BookSettings, contact_ids: Iterable[str]) -> None:
    """Owe each writable account holding one of these (trashed) contacts its delete."""
    writable = {a.name for a in book.accounts if a.writable}
    for cid, by_account in store.links_by_contact(list(contact_ids)).items():
        for account in by_account:
            if account in writable:
                tx.queue(account, [cid], ChangeKind.DELETE)
