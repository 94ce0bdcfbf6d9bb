"""A metrics label never carries a name the running configuration does not give, and that nothing registered a
pseudonym of: such a name may hold a person's sign-in name.

The store keeps the rows of every book and account it ever ran. A person's book renamed (their login changed) before
the daemon started, or the books of a template taken out of the file, have rows under names no template label
covers and no expansion of this process registered: metrics showed them as they are
(``contactsync_contacts{account="google-ana.silva"}``). They now count under one label, ``(not in the
configuration)``; the file's own names are shown as they are, a retired person's by their pseudonym.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from contactsync.config import load_settings
from contactsync.connectors.directory import DirectoryPerson
from contactsync.templates import pseudonym, with_template_books

prometheus_client = pytest.importorskip("prometheus_client")

from contactsync.daemon.metrics import UNCONFIGURED, Metrics  # noqa: E402
from contactsync.daemon.service import Daemon  # noqa: E402

CONFIG = """\
store: {{url: "sqlite:///{root}/store.db"}}
books:
  - name: hr
    accounts:
      - {{name: hr-a, type: vdir, options: {{path: "{root}/hr-a"}}}}
templates:
  - name: staff
    source: directory
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options: {{url: "ldap://127.0.0.1:1", base_dn: "ou=people,dc=example,dc=org"}}
    book:
      name: "staff-{{user}}"
      accounts:
        - {{name: "mx-{{user}}", type: vdir, options: {{path: "{root}/mx/{{username}}"}}}}
"""


def test_a_name_the_configuration_no_longer_gives_is_not_a_label(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG.format(root=tmp_path))
    file_settings = load_settings(tmp_path / "config.yaml")
    retired = DirectoryPerson("id-3", "rosa.lima@example.org", "rosa.lima", "Rosa")
    active = {"staff": [DirectoryPerson("id-4", "tom.berg@example.org", "tom.berg", "Tom")]}
    settings, origins = with_template_books(file_settings, active)
    with_template_books(file_settings, {"staff": [retired]})  # expanded earlier in this process, retired since
    metrics = Metrics("127.0.0.1:0")
    try:
        # what the daemon does at its start and at each change of its books
        daemon = SimpleNamespace(metrics=metrics, _file_settings=file_settings, _origins=origins)
        Daemon._relabel(daemon, settings)  # type: ignore[arg-type]
        rows = {
            "hr-a": 1,  # the file's own account
            "mx-tom.berg": 2,  # an active person's: the template's label
            "mx-rosa.lima": 3,  # a retired person's, registered: by its pseudonym
            "mx-nadia.kova": 4,  # renamed before this process started: nothing knows it
            "old-nadia.kova": 5,  # of a template taken out of the file
        }
        metrics.record_state({}, [], rows, {}, {})
        text = prometheus_client.generate_latest(metrics.registry).decode()
    finally:
        metrics.close()
    lines = [line for line in text.splitlines() if line.startswith("contactsync_contacts{")]
    assert 'contactsync_contacts{account="hr-a"} 1.0' in lines, lines
    assert 'contactsync_contacts{account="staff:mx-{user}"} 2.0' in lines, lines
    assert f'contactsync_contacts{{account="mx-{pseudonym("staff", "id-3")}"}} 3.0' in lines, lines
    assert f'contactsync_contacts{{account="{UNCONFIGURED}"}} 9.0' in lines, lines
    assert "nadia" not in text and "rosa" not in text and "tom.berg" not in text, text


def test_per_person_metrics_still_name_every_account(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG.format(root=tmp_path))
    file_settings = load_settings(tmp_path / "config.yaml")
    metrics = Metrics("127.0.0.1:0", per_person=True)
    try:
        metrics.own_names = frozenset({"hr", "hr-a"})
        metrics.record_state({}, [], {"old-nadia.kova": 5}, {}, {})
        text = prometheus_client.generate_latest(metrics.registry).decode()
    finally:
        metrics.close()
    # daemon.metrics_per_person: true documents one label per person, names as they are
    assert 'contactsync_contacts{account="old-nadia.kova"} 5.0' in text, text
    assert file_settings.daemon.metrics_per_person is False
