"""A book template over a real OpenLDAP directory: each person gets a vdir account (their cards on disk) and a
CardDAV account on Radicale (an address book named after their sign-in name)."""

from __future__ import annotations

from pathlib import Path

from tests.carddav.conftest import DavServer
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, Slapd


def template_yaml(
    root: Path, slapd_url: str, dav: DavServer, *, schedule: str = "every 1h", book_schedule: str = "every 1h"
) -> str:
    """The config: the directory, and a book per person with ``src-{user}`` (vdir) and ``dav-{user}`` (Radicale)."""
    (root / "reader-password").write_text(READER_PASSWORD)
    (root / "dav-password").write_text(dav.password or "")
    for f in ("reader-password", "dav-password"):
        (root / f).chmod(0o600)
    return f"""\
store: {{url: "sqlite:///{root / "store.db"}"}}
templates:
  - name: staff
    source: directory
    schedule: {schedule}
    filter:
      email: "*@example.org"
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options:
          url: {slapd_url}
          base_dn: "{PEOPLE}"
          bind_dn: "{READER_DN}"
          password_file: reader-password
    book:
      name: "{{user}}"
      schedule: {book_schedule}
      accounts:
        - name: "src-{{user}}"
          type: vdir
          options: {{path: "{root}/vdir/{{username}}"}}
        - name: "dav-{{user}}"
          type: carddav
          options:
            url: "{dav.base_url}{dav.home_path}{{username}}/"
            username: {dav.username}
            password_file: dav-password
"""


def person(slapd: Slapd, uid: str) -> str:
    return slapd.add_person(uid, displayName=f"{uid.title()} Person", mail=[f"{uid}@example.org"])
