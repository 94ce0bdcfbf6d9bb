"""Phase 2a, identity: give every listed item the person it belongs to.

An item linked before keeps its link; an unlinked one is matched by its marker (written by contactsync, maybe by a
run that crashed before recording it), else a live person sharing an email, else one sharing an E.164 phone (only
when emails cannot tell people apart), else it is a new person. A push-only account's changes are never taken, so
an item there is never a new person: one matching nobody by a sure key (our marker, or an email no other live person
has) is someone else's, left as it is (never written, deleted nor copied) and only counted in the log; its
accounts are matched last, so a person another account brings in this run is found there. An item deleted on an
account while another item there matched the same person is a replacement, not a delete: the brake
(:class:`~contactsync.engine.listing.Brakes`) counts only the deletes no new item took over, as identify matches
them, and holds back those.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from ..model import Contact
from ..store import Link, Store
from .listing import Brakes, Listed, Pulled
from .report import RunReport

log = logging.getLogger("contactsync.engine")


@dataclass
class Identified:
    """Who every listed item is, and what each account deleted: the plan's input."""

    #: contact → the items listed for it this run (each is dropped as soon as its contact is planned)
    remote_of: dict[str, list[Listed]] = field(default_factory=dict)
    #: (account, contact) → its link before this run
    link_of: dict[tuple[str, str], Link] = field(default_factory=dict)
    #: contact → accounts whose item of it is gone (a push-only account's among them: the plan writes it again)
    deletions: dict[str, list[str]] = field(default_factory=dict)
    #: contacts first seen in this run (no canonical yet)
    fresh: set[str] = field(default_factory=set)


def identify(
    store: Store,
    book: str,
    pulled: Mapping[str, Pulled],
    new_id: Callable[[], str],
    *,
    drop_listings: bool,
    brakes: Brakes | None = None,
    push_only: Collection[str] = (),
) -> Identified:
    """Link → marker → email → phone, account after account. With ``drop_listings`` each account's items are
    dropped from ``pulled`` once matched (the result holds them), so memory falls as the plan goes. ``brakes``:
    each account's brake, decided here from this very matching (no brake without it). ``push_only``: the accounts
    whose items only a sure match takes (:meth:`_Matcher.match`'s ``adopt_only``), matched after the others."""
    found = Identified()
    matcher = _Matcher(store, book, new_id, found.fresh)
    # the push-only accounts last: an item there takes a person only, never makes one, and a person an account
    # brings in this run is one (listed first, the item was left alone and the person was created beside it)
    order = sorted(pulled, key=lambda account: account in push_only)
    for name in order:
        p = pulled[name]
        links, taken, linked, unlinked = _linked(store, p)
        for it in linked:
            lk = links[it.id]
            found.link_of[(name, lk.contact_id)] = lk
            found.remote_of.setdefault(lk.contact_id, []).append(it)
        del linked
        # gone items may be taken over by new items of the same person (a re-import gives every card a new UID):
        # on an account whose deletes, all counted, trip the brake, only by a sure match (strict), so that a wipe
        # refilled with other people who share an office number or mailbox is not taken for a re-import
        braking = brakes is not None and brakes.trips(p)
        adopt_only = name in push_only
        matched = matcher.match(name, unlinked, taken, set(p.deleted_ids), strict=braking, adopt_only=adopt_only)
        if adopt_only and len(matched) < len(unlinked):
            # counts only: an item's id may be a file name or URL made of its very name or email
            left = len(unlinked) - len(matched)
            verb = "item matches" if left == 1 else "items match"
            log.info("account %s (push-only): %d %s no contact; left as it is", name, left, verb)
        for cid, it in matched:
            found.remote_of.setdefault(cid, []).append(it)
        del matched
        del unlinked
        if drop_listings:
            p.changed = []
        if braking:
            assert brakes is not None
            brakes.engage(p, sum(1 for rid in p.deleted_ids if links[rid].contact_id not in taken))
        # an item deleted and another one matched to the same person on the same account: a replacement
        # (re-created by hand, or re-imported), not a delete; the plan counts it as an edit against another
        # account's delete of that person in the same run (link_of keeps the gone item's link to tell it, and
        # gives the new item the gone one's base: only what it changed is its edit)
        for rid in p.deleted_ids:
            lk = links[rid]
            if lk.contact_id in taken:
                found.link_of[(name, lk.contact_id)] = lk
            elif not p.braked:
                found.link_of[(name, lk.contact_id)] = lk
                found.deletions.setdefault(lk.contact_id, []).append(name)
            # else held back by the brake: the link stays, the person stays, the next run lists it again
    return found


def _linked(store: Store, p: Pulled) -> tuple[dict[str, Link], set[str], list[Listed], list[Listed]]:
    """The links of ``p``'s listed and gone items, the people its linked listed items hold (the matching adds the
    ones it gives the others), its listed items linked before and those linked to nobody."""
    links = store.links_by_remote(p.account, [it.id for it in p.changed] + p.deleted_ids)
    taken: set[str] = set()  # contact ids this account holds after matching
    linked: list[Listed] = []
    unlinked: list[Listed] = []
    for it in p.changed:
        lk = links.get(it.id)
        if lk is not None:
            taken.add(lk.contact_id)
            linked.append(it)
        else:
            unlinked.append(it)
    return links, taken, linked, unlinked


class _Matcher:
    """Matches unlinked items across one run's accounts: people created in this run are found again by the
    identities of the item that created them."""

    def __init__(self, store: Store, book: str, new_id: Callable[[], str], fresh: set[str]) -> None:
        self.store = store
        self.book = book
        self.new_id = new_id
        self.fresh = fresh
        self.fresh_with_email: set[str] = set()
        self.email_index: dict[str, str] = {}  # identities of contacts created in this run
        self.phone_index: dict[str, str] = {}

    def match(
        self,
        account: str,
        unlinked: list[Listed],
        taken: set[str],
        replaced: set[str],
        *,
        strict: bool = False,
        adopt_only: bool = False,
    ) -> list[tuple[str, Listed]]:
        """Give every unlinked item a contact id: its marker, else a person sharing an email or phone, else new.

        A person whose item on this account is gone (its id in ``replaced``) is free for a new item there; with
        ``strict`` only by the marker, or by an email or phone no other live person of the book has. With
        ``adopt_only`` (a push-only account: its changes are never taken) an item takes a person free there by its
        marker or by an email no other live person has, or is left out of the result: never a new person (none of
        its values would be taken: it was written over empty), nor one it only shares a phone with (a switchboard)."""
        if not unlinked:
            return []
        book = self.book
        markers = [it.marker for it in unlinked if it.marker]
        known = self.store.contacts(markers) if markers else {}
        has_link = self.store.links_by_contact(m for m in markers if m in known)
        emails = self.store.match_identities(book, "email", (e for it in unlinked for e in it.emails))
        phones = self.store.match_identities(book, "phone", (p for it in unlinked for p in it.phones))
        erased = self.store.erased_identities(
            book, "email", (e for it in unlinked for e in it.emails)
        ) | self.store.erased_identities(book, "phone", (p for it in unlinked for p in it.phones))
        candidate_ids = {c for ids in list(emails.values()) + list(phones.values()) for c in ids}
        records = self.store.contacts(candidate_ids)
        active = {cid for cid, r in records.items() if r.deleted_at is None}
        has_email = {cid for cid, r in records.items() if r.contact.emails} | self.fresh_with_email
        linked_here = self.store.links_by_contact(candidate_ids)
        del records
        email_index, phone_index = self.email_index, self.phone_index

        def free(cid: str, owners: int = 1) -> bool:
            # a person is free on this account unless another live item there is theirs already; one whose item
            # there is gone, under strict, only for a key that is theirs alone (``owners``: live people with it)
            current = linked_here.get(cid, {}).get(account)
            if cid in taken:
                return False
            return current is None or (current.remote_id in replaced and (not strict or owners == 1))

        def phone_ok(cid: str, it: Listed, owners: int = 1) -> bool:
            # a shared office number is not a person: match by phone only when emails cannot tell them apart
            return free(cid, owners) and not (it.emails and cid in has_email)

        matched: list[tuple[str, Listed]] = []
        for it in unlinked:
            cid: str | None = None
            marker = it.marker
            item_emails, item_phones = it.emails, it.phones  # each a split of the item's keys: once per item
            marked_link = has_link.get(marker or "", {}).get(account)
            if (
                marker
                and marker in known
                and known[marker].book == book
                and marker not in taken
                and (marked_link is None or marked_link.remote_id in replaced)
            ):
                cid = marker  # ours: written by contactsync (maybe by a run that crashed before recording it)
            if cid is None and not adopt_only:
                for key in item_emails:
                    owners = [c for c in sorted(emails.get(key, ())) if c in active]
                    cid = next((c for c in owners if free(c, len(owners))), None) or (
                        email_index.get(key) if email_index.get(key) and free(email_index[key]) else None
                    )
                    if cid:
                        break
            if cid is None and adopt_only:
                for key in item_emails:
                    owners = [c for c in emails.get(key, ()) if c in active]
                    fresh = email_index.get(key)
                    if fresh:
                        owners.append(fresh)
                    if len(owners) == 1 and free(owners[0]):
                        cid = owners[0]
                        break
                if cid is None:
                    continue  # someone else's: left as it is, counted by the caller
            if cid is None:
                for key in item_phones:
                    owners = [c for c in sorted(phones.get(key, ())) if c in active]
                    cid = next((c for c in owners if phone_ok(c, it, len(owners))), None) or (
                        phone_index.get(key) if phone_index.get(key) and phone_ok(phone_index[key], it) else None
                    )
                    if cid:
                        break
            if cid is None and erased and erased.intersection(item_emails + item_phones):
                # an erased person's copy on an account we had no link to: never pulled back in. Its id is not
                # logged: a file name or URL may be made of the very email that was erased
                log.info("account %s: an item belongs to an erased person; not imported", account)
                continue
            if cid is None:
                cid = self.new_id()
                self.fresh.add(cid)
                if item_emails:
                    self.fresh_with_email.add(cid)
                for key in item_emails:
                    email_index.setdefault(key, cid)
                for key in item_phones:
                    phone_index.setdefault(key, cid)
            taken.add(cid)
            matched.append((cid, it))
        return matched


def note_possible_duplicate(contact: Contact | None, cid: str, seen: dict[str, str], report: RunReport) -> None:
    """Same name, different people as far as we can tell: never merged, only reported."""
    if contact is None:
        return
    key = " ".join((contact.name.formatted() or contact.display_name).casefold().split())
    if not key:
        return
    if key in seen:
        report.possible_duplicates.append((seen[key], cid))
    else:
        seen[key] = cid
