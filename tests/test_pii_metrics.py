"""The metrics endpoint names no one by default: a retired or renamed person's account, whose rows the store keeps
and which no template's label covers any more, is shown by its pseudonym, as log lines show it."""

from __future__ import annotations

import pytest

from contactsync.logs import register_pseudonyms

prometheus_client = pytest.importorskip("prometheus_client")

from contactsync.daemon.metrics import Metrics  # noqa: E402


def _contacts(metrics: Metrics) -> list[str]:
    text = prometheus_client.generate_latest(metrics.registry).decode()
    return [line for line in text.splitlines() if line.startswith("contactsync_contacts{")]


@pytest.mark.parametrize("per_person", [False, True])
def test_a_retired_persons_account_is_not_named_in_metrics(per_person: bool) -> None:
    # the template expanded ana.silva's book earlier in this process; she has left since
    register_pseudonyms({"mx-ana.silva": "mx-~5e1f0a2b3c4d"})
    metrics = Metrics("127.0.0.1:0", per_person=per_person)
    try:
        metrics.account_labels = {"mx-bob": "staff:mx-{user}"}  # the people the template expands now
        metrics.record_state({}, [], {"mx-bob": 3, "mx-ana.silva": 12, "shared": 40}, {}, {})
        lines = _contacts(metrics)
    finally:
        metrics.close()
    assert 'contactsync_contacts{account="staff:mx-{user}"} 3.0' in lines, lines
    assert 'contactsync_contacts{account="shared"} 40.0' in lines, lines  # a file's own account, as it is
    if per_person:  # daemon.metrics_per_person: true documents one label per person
        assert 'contactsync_contacts{account="mx-ana.silva"} 12.0' in lines, lines
    else:
        assert 'contactsync_contacts{account="mx-~5e1f0a2b3c4d"} 12.0' in lines, lines
        assert not any("ana.silva" in line for line in lines), lines
