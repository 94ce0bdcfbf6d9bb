"""A distribution whose source cannot be read says so, through the real CLI on a real slapd: ``distribute`` exits
3 and names the source's error, ``distribute --status`` and ``status`` show the distribution FAILING with that error
(when, what, no person's data) until a cycle reads the source again. The cases: the directory down after a first
cycle, a listing cut short by the server's size limit on a first run, a filter naming an objectClass the server
does not know.

The targets are still listed while the source is down (what a user deleted inside the container comes back): they
stay "ok", and the distribution is failing all the same."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contactsync.cli import cli
from contactsync.distribution import run
from contactsync.retry import RetryPolicy
from tests.ldap.slapd import PEOPLE, READER_DN, READER_PASSWORD, SLAPD, Slapd, available

pytestmark = pytest.mark.skipif(available() is not None and os.environ.get("CI") != "true", reason=str(available()))


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    server = Slapd(tmp_path / "slapd").start()
    yield server
    server.stop()


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one retry policy with its attempts as they are and its waits cut to nothing: a directory down costs
    the test milliseconds, not the 14 s of 2 + 4 + 8."""
    monkeypatch.setattr(run, "RetryPolicy", partial(RetryPolicy, backoff_s=0.01))


def write_config(tmp_path: Path, url: str, *, extra_options: str = "") -> Path:
    (tmp_path / "reader-password").write_text(READER_PASSWORD)
    for name in ("ana", "bob"):
        (tmp_path / name).mkdir(exist_ok=True)
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""
store: {{url: "sqlite:///{tmp_path / "store.db"}"}}
distribute:
  - name: company
    source: directory
    container: Company directory
    targets: [{{account: ana, owner: p0@example.org}}, bob]
    accounts:
      - name: directory
        type: ldap
        mode: pull-only
        options:
          {{url: "{url}", base_dn: "{PEOPLE}", bind_dn: "{READER_DN}", password_file: reader-password{extra_options}}}
      - {{name: ana, type: vdir, options: {{path: {tmp_path / "ana"}}}}}
      - {{name: bob, type: vdir, options: {{path: {tmp_path / "bob"}}}}}
"""
    )
    return path


def restart(server: Slapd) -> None:
    """The same slapd again, on its port and with its data (``Slapd.start`` makes a new tree on a new port)."""
    with (server.root / "slapd.log").open("ab") as log:
        server.process = subprocess.Popen(
            [SLAPD, "-f", str(server.root / "slapd.conf"), "-h", f"{server.url}/", "-d", "0"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("slapd did not listen again within 20 s")


def invoke(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def assert_failing(config: Path, *, says: str) -> None:
    """``distribute --status`` and ``status`` (text and JSON) show the distribution failing for its source."""
    shown = invoke(config, "distribute", "--status")
    assert shown.exit_code == 3, shown.output
    assert "source directory: FAILING since " in shown.output and says in shown.output
    as_json = json.loads(invoke(config, "distribute", "--status", "--json").stdout)
    source = as_json["distributions"][0]["source"]
    assert as_json["exit_code"] == 3
    assert source["account"] == "directory" and source["result"] == "failed" and says in source["error"]
    assert source["last_read_at"] and source["failing_since"]

    status = invoke(config, "status")
    assert status.exit_code == 3, status.output
    assert "distribution company: FAILING" in status.output
    assert "SOURCE FAILING since " in status.output and says in status.output
    rows = json.loads(invoke(config, "status", "--json").stdout)["distributions"]
    assert rows[0]["state"] == "failing" and says in rows[0]["source"]["error"]
    # no person's data in what is shown
    for text in (shown.output, status.output):
        assert "p1@example.org" not in text and "uid=p1" not in text


def test_a_directory_down_after_a_first_cycle_fails_until_it_is_read_again(
    slapd: Slapd, tmp_path: Path, quick_retries: None
) -> None:
    for i in range(3):
        slapd.add_person(f"p{i}", mail=[f"p{i}@example.org"])
    config = write_config(tmp_path, slapd.url)
    first = invoke(config, "distribute")
    assert first.exit_code == 0, first.output

    slapd.stop()
    down = invoke(config, "distribute", "--json")
    assert down.exit_code == 3, down.output
    report = json.loads(down.stdout)
    assert report["exit_code"] == 3
    company = report["distributions"][0]
    assert company["plan"] is None
    assert "did not answer" in company["source_error"]
    # the targets were still listed, and hold what they held
    assert [t["error"] for t in company["targets"]] == [None, None]
    assert len(list((tmp_path / "bob").glob("*.vcf"))) == 3
    text = invoke(config, "distribute")
    assert text.exit_code == 3, text.output
    assert "company: the source directory could not be read: " in text.output
    assert_failing(config, says="did not answer")

    # the directory is back: the next cycle reads it and everything is ok again
    restart(slapd)
    again = invoke(config, "distribute")
    assert again.exit_code == 0, again.output
    shown = invoke(config, "distribute", "--status")
    assert shown.exit_code == 0 and "FAILING" not in shown.output, shown.output
    status = invoke(config, "status")
    assert status.exit_code == 0, status.output
    assert "distribution company: OK" in status.output and "SOURCE" not in status.output


def test_a_listing_cut_short_by_the_size_limit_on_a_first_run_fails(tmp_path: Path) -> None:
    server = Slapd(tmp_path / "slapd", paged_total_unlimited=False).start()
    try:
        server.add_people([f"p{i:04d}" for i in range(1005)], mail=["x@example.org"])
        config = write_config(tmp_path, server.url)
        ran = invoke(config, "distribute")
        assert ran.exit_code == 3, ran.output
        assert "size limit" in ran.output
        assert_failing(config, says="size limit")
        assert list((tmp_path / "bob").glob("*.vcf")) == []
    finally:
        server.stop()


def test_a_filter_naming_an_unknown_object_class_fails(slapd: Slapd, tmp_path: Path, quick_retries: None) -> None:
    slapd.add_person("p0", mail=["p0@example.org"])
    config = write_config(tmp_path, slapd.url, extra_options=", filter: '(objectClass=noSuchClass)'")
    ran = invoke(config, "distribute")
    assert ran.exit_code == 3, ran.output
    assert "could not be read" in ran.output
    assert_failing(config, says="directory")
