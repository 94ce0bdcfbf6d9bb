"""What the distribution tests share: a directory in a real slapd, targets built from settings, a cycle runner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from contactsync.connector import Connector
from contactsync.distribution import CycleReport, Distributor, accounts_of
from contactsync.registry import build_connector
from contactsync.settings import (
    AccountMode,
    AccountSettings,
    BookSettings,
    BrakeSettings,
    DistributionSettings,
    DistributionTarget,
    Secret,
    Settings,
    frozen_mapping,
)
from contactsync.store import Store
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd

CONTAINER = "Company directory"


def directory_account(server: Slapd) -> AccountSettings:
    return AccountSettings(
        "directory",
        "ldap",
        mode=AccountMode.PULL_ONLY,
        options=frozen_mapping({"url": server.url, "base_dn": PEOPLE, "bind_dn": READER_DN}),
        secrets=frozen_mapping({"password": Secret(READER_PASSWORD, "test")}),
    )


def vdir_account(name: str, path: Path) -> AccountSettings:
    path.mkdir(parents=True, exist_ok=True)
    return AccountSettings(name, "vdir", options=frozen_mapping({"path": str(path)}))


def distribution(
    source: AccountSettings,
    targets: Sequence[tuple[AccountSettings, str | None]],
    *,
    brake: BrakeSettings | None = None,
    **extra: Any,
) -> DistributionSettings:
    return DistributionSettings(
        name="company",
        source=source.name,
        targets=tuple(DistributionTarget(a.name, owner) for a, owner in targets),
        container=CONTAINER,
        brake=brake or BrakeSettings(),
        default_region="BR",
        accounts=(source, *(a for a, _ in targets)),
        **extra,
    )


def connect(account: AccountSettings, book: BookSettings) -> Connector:
    return build_connector(account, book)


def distributor(store: Store, d: DistributionSettings, books: Sequence[BookSettings] = ()) -> Distributor:
    settings = Settings(books=tuple(books), store_url="", distributions=(d,))
    return Distributor(store, d, accounts_of(settings, d), connect)


def cycle(dist: Distributor, owner: str = "test", **kwargs: Any) -> CycleReport:
    # next_due None: every call is a new slot, as when the schedule comes round
    return dist.run_cycle(owner, 30, next_due=None, give_up_s=kwargs.pop("give_up_s", 10), **kwargs)


def people_in(connector: Connector) -> Mapping[str, Any]:
    """email → listed item of everything the account holds (ours and the user's own)."""
    listing = connector.pull(None)
    return {rc.contact.emails[0].address.lower(): rc for rc in listing.changed if rc.contact.emails}
