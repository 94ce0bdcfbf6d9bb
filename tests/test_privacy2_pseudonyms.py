"""One pseudonym per sign-in name, and a retired person's names are pseudonyms too, from the first line on.

- A person in two book templates has a pseudonym per template (``a-~…``, ``z-~…``), and their sign-in name, where an
  option put it in a path (``path: /srv/vdir/{username}``), was shown by whichever template's pseudonym was
  registered last: it hung on the order of the file's templates and of the calls. It is now the smaller of them.
- After a restart, a retired person's names were registered with the log formatter only once they came back, and
  their store rows (a gauge per account) showed in metrics by name. They are registered with the active ones.
"""

from __future__ import annotations

import errno
import logging
from pathlib import Path

import pytest

from contactsync.config import load_settings
from contactsync.connectors.directory import DirectoryPerson
from contactsync.logs import HumanFormatter, pseudonymize, safe_error_text
from contactsync.settings import Settings
from contactsync.store import ExpandedPerson, Store
from contactsync.templates import active_people, pseudonym, with_template_books

TEMPLATE = """\
  - name: {name}
    source: directory-{name}
    accounts:
      - name: directory-{name}
        type: ldap
        mode: pull-only
        options: {{url: "ldap://127.0.0.1:1", base_dn: "ou=people,dc=example,dc=org"}}
    book:
      name: "{name}-{{user}}"
      accounts:
        - {{name: "{name}-x-{{user}}", type: vdir, options: {{path: "{root}/{name}/{{username}}"}}}}
"""


def _settings(root: Path, *templates: str) -> Settings:
    text = f'store: {{url: "sqlite:///{root}/store.db"}}\ntemplates:\n'
    text += "".join(TEMPLATE.format(name=name, root=root) for name in templates)
    (root / "config.yaml").write_text(text)
    return load_settings(root / "config.yaml")


def _line(msg: str, *args: object) -> str:
    record = logging.LogRecord("contactsync.engine", logging.ERROR, __file__, 1, msg, args, None)
    return HumanFormatter(journald=False, personal_data=False).format(record).split(" ", 1)[1]


def _shown_folder(root: Path, template: str, login: str) -> str:
    """How an error about the person's folder of ``template`` shows the folder."""
    denied = PermissionError(errno.EACCES, "Permission denied", f"{root}/{template}/{login}")
    return _line("%s", safe_error_text(denied)).rsplit(f"{root}/{template}/", 1)[1]


# the login is a new one in each case: the formatter's table lives as long as the process, as a daemon's does
@pytest.mark.parametrize(("order", "login"), [(("alpha", "zeta"), "ines.okafor"), (("zeta", "alpha"), "ivo.petrov")])
def test_a_login_in_two_templates_has_one_pseudonym_whatever_the_order(
    tmp_path: Path, order: tuple[str, str], login: str
) -> None:
    person = DirectoryPerson("id-42", f"{login}@example.org", login, "X")
    expected = min(pseudonym("alpha", "id-42"), pseudonym("zeta", "id-42"))
    with_template_books(_settings(tmp_path, *order), {"alpha": [person], "zeta": [person]})
    for template in order:
        assert _shown_folder(tmp_path, template, login) == expected
    # a later expansion of one template alone (the daemon's of the template whose schedule came) changes nothing
    larger = max(order, key=lambda t: pseudonym(t, "id-42"))
    with_template_books(_settings(tmp_path, larger), {larger: [person]})
    assert _shown_folder(tmp_path, order[0], login) == expected
    # each book keeps its own template's pseudonym: `status --book` finds it
    assert pseudonymize(f"alpha-{login}") == f"alpha-{pseudonym('alpha', 'id-42')}"
    assert pseudonymize(f"zeta-{login}") == f"zeta-{pseudonym('zeta', 'id-42')}"


def test_a_retired_persons_names_are_pseudonyms_at_the_first_expansion(tmp_path: Path, store_url: str) -> None:
    # "after a restart": a login this process never registered, of a person the store holds as retired
    login = f"lena.weiss.{store_url[:6]}"  # each run's own: the formatter's table outlives a test
    settings = _settings(tmp_path, "staff")
    with Store.open(store_url) as store:
        store.record_expansion("staff", [ExpandedPerson("id-9", f"staff-{login}", "", login, "Lena")])
        store.record_expansion("staff", [])  # she left the directory: her book is retired, its rows kept
        records = store.template_books()
    assert [r.retired for r in records] == [True]
    expanded, origins = with_template_books(settings, active_people(records))
    assert origins == {} and expanded.books == ()  # retired: no book to run
    token = pseudonym("staff", "id-9")
    # what the metrics show for a name no template label covers (daemon/metrics.py), and log lines
    assert pseudonymize(f"staff-x-{login}") == f"staff-x-{token}"
    assert pseudonymize(f"book staff-{login} retired") == f"book staff-{token} retired"
    assert _shown_folder(tmp_path, "staff", login) == token


def test_a_retired_persons_account_is_a_pseudonym_in_metrics_after_a_restart(tmp_path: Path, store_url: str) -> None:
    prometheus_client = pytest.importorskip("prometheus_client")
    from contactsync.daemon.metrics import Metrics

    login = f"omar.haddad.{store_url[:6]}"
    settings = _settings(tmp_path, "staff")
    with Store.open(store_url) as store:
        store.record_expansion("staff", [ExpandedPerson("id-5", f"staff-{login}", "", login, "Omar")])
        store.record_expansion("staff", [])
        # what the daemon does at its start (daemon/service.py _with_templates)
        with_template_books(settings, active_people(store.template_books()))
    metrics = Metrics("127.0.0.1:0")
    try:
        metrics.record_state({}, [], {f"staff-x-{login}": 12}, {}, {})
        text = prometheus_client.generate_latest(metrics.registry).decode()
    finally:
        metrics.close()
    assert f'contactsync_contacts{{account="staff-x-{pseudonym("staff", "id-5")}"}} 12.0' in text, text
    assert login not in text, text
