"""A real OpenLDAP ``slapd`` on loopback for the directory tests (installed from the OS packages by .ci/run).

Each server gets its own folder, an mdb database under ``dc=example,dc=org``, the core, cosine and inetOrgPerson
schemas, and a root DN to fill it with. It runs in the foreground (``-d 0``) so the test owns the process.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ldap3

from tests.ports import free_port

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SCHEMAS = Path("/etc/ldap/schema")
SUFFIX = "dc=example,dc=org"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-secret"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
READER_DN = f"cn=reader,{SUFFIX}"
READER_PASSWORD = "reader-secret"


def available() -> str | None:
    """Why slapd cannot run here, or None when it can."""
    if not Path(SLAPD).exists():
        return "slapd is not installed (.ci/run installs the slapd package)"
    if not (SCHEMAS / "inetorgperson.schema").exists():
        return f"the OpenLDAP schemas are missing from {SCHEMAS}"
    return None


@dataclass
class Slapd:
    root: Path
    port: int = 0
    #: the reader may page past the size limit (what a sync service account is given); False: slapd's default
    paged_total_unlimited: bool = True
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def start(self) -> Slapd:
        data = self.root / "data"
        data.mkdir(parents=True, exist_ok=True)
        config = self.root / "slapd.conf"
        config.write_text(
            "\n".join(
                [
                    *(f"include {SCHEMAS / name}.schema" for name in ("core", "cosine", "inetorgperson")),
                    f"pidfile {self.root / 'slapd.pid'}",
                    "modulepath /usr/lib/ldap",
                    "moduleload back_mdb",
                    # like a real server: at most 1000 entries a search; paged searches go further only
                    # where the admin allowed it (the default total is the hard limit)
                    "sizelimit 1000",
                    "database mdb",
                    f'suffix "{SUFFIX}"',
                    f'rootdn "{ROOT_DN}"',
                    f"rootpw {ROOT_PASSWORD}",
                    f"directory {data}",
                    *(
                        [f'limits dn.exact="{READER_DN}" size.soft=1000 size.hard=1000 size.prtotal=unlimited']
                        if self.paged_total_unlimited
                        else []
                    ),
                    "maxsize 268435456",
                    # the reader may read people and groups, nothing more: what a real service account gets
                    f'access to dn.subtree="{SUFFIX}" by dn.exact="{READER_DN}" read by anonymous auth by * none',
                    "",
                ]
            )
        )
        self.port = free_port()
        with (self.root / "slapd.log").open("wb") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [SLAPD, "-f", str(config), "-h", f"ldap://127.0.0.1:{self.port}/", "-d", "0"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited:\n{(self.root / 'slapd.log').read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("slapd did not listen within 20 s")
        self._seed()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    @contextlib.contextmanager
    def admin(self) -> Iterator[ldap3.Connection]:
        # ldap3's own context manager leaves a connection that was bound on entry open: unbind explicitly
        connection = ldap3.Connection(
            ldap3.Server(self.url), ROOT_DN, ROOT_PASSWORD, auto_bind=True, raise_exceptions=True
        )
        try:
            yield connection
        finally:
            connection.unbind()

    def _seed(self) -> None:
        with self.admin() as c:
            c.add(SUFFIX, ["dcObject", "organization"], {"o": "Example", "dc": "example"})
            c.add(PEOPLE, ["organizationalUnit"], {"ou": "people"})
            c.add(GROUPS, ["organizationalUnit"], {"ou": "groups"})
            c.add(READER_DN, ["organizationalRole", "simpleSecurityObject"], {"userPassword": READER_PASSWORD})

    # ------------------------------------------------------------ the tree

    def add_person(self, uid: str, *, under: str = PEOPLE, **attributes: Any) -> str:
        dn = f"uid={uid},{under}"
        values: dict[str, Any] = {"cn": attributes.pop("cn", uid), "sn": attributes.pop("sn", uid.title())}
        values.update(attributes)
        with self.admin() as c:
            c.add(dn, ["inetOrgPerson"], values)
        return dn

    def add_people(self, uids: Iterable[str], **attributes: Any) -> list[str]:
        dns = []
        with self.admin() as c:
            for uid in uids:
                dn = f"uid={uid},{PEOPLE}"
                c.add(dn, ["inetOrgPerson"], {"cn": uid, "sn": uid.title(), **attributes})
                dns.append(dn)
        return dns

    def modify(self, dn: str, changes: Mapping[str, Sequence[Any]]) -> None:
        with self.admin() as c:
            c.modify(dn, {k: [(ldap3.MODIFY_REPLACE, list(v))] for k, v in changes.items()})

    def delete(self, dn: str) -> None:
        with self.admin() as c:
            c.delete(dn)

    def add_group(self, name: str, members: Sequence[str]) -> str:
        dn = f"cn={name},{GROUPS}"
        with self.admin() as c:
            c.add(dn, ["groupOfNames"], {"member": list(members)})
        return dn
