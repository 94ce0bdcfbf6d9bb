"""CardDAV over a far-away link: contactsync and vdirsyncer side by side through bench/netproxy.py (issue #18).

    .venv/bin/python bench/latency.py                              # 1,000 cards at 0 and 40 ms RTT
    .venv/bin/python bench/latency.py --cards 10000 --rtt 0 40 --vdirsyncer /path/to/bin/vdirsyncer
    .venv/bin/python bench/latency.py --in-flight 1 8 --direction to   # one request at a time against eight
    .venv/bin/python bench/latency.py --cards 10000 --direction to --bare   # the server's own time, measured

For each RTT and direction, each tool syncs its own fresh Radicale book: ``from`` CardDAV, a book of N cards into
an empty folder; ``to`` CardDAV, a folder of N cards into an empty book (N PUTs). contactsync syncs a book of a
`carddav` and a `vdir` account (once per ``--in-flight`` value, its ``max_in_flight``), vdirsyncer a carddav and
a filesystem storage. Each then runs once more with nothing changed. Radicale is served by waitress (HTTP/1.1
keep-alive; Radicale's own server answers HTTP/1.0 and closes every connection, which would hide whether a client
reuses its connections) behind the TLS proxy, with the storage of bench/radicale_storage.py (a PUT costs O(1),
not O(N), as in bench/suite.py).

Printed per run: wall time, HTTP requests, TCP connections, TLS handshakes, the peak of requests in flight; the
sequential bound requests × RTT (the round trips alone, one request in flight); and for runs at an RTT above 0,
the parallel bound: requests × RTT ÷ in-flight limit plus the same run's time at 0 ms (the server's and the
client's own time), with the wall time's ratio to it and to vdirsyncer's. With ``--bare``, a minimal client first
sends the requests contactsync sends, with the same number in flight (to CardDAV: N PUTs; from CardDAV: one
sync-collection, then multigets of 100 read without parsing): its wall at 0 ms is the server's own time, and
each run at an RTT is also set against the issue's target, 1.3 × (requests × RTT ÷ in-flight limit) + that time.
Figures are printed, never asserted.

vdirsyncer is not a dependency: give the path of its command (`pip install vdirsyncer` in a venv of its own).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import niquests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from carddav_bench import MKCOL, PASSWORD, USER, card, free_port, wait_until_up
from netproxy import Counters, LatencyProxy

# Radicale answers a PUT or DELETE without Content-Length, and waitress then closes the connection (it cannot
# keep one alive without knowing where the answer ends); a production server (Nextcloud behind nginx, Radicale
# behind a reverse proxy) buffers such small answers and keeps the connection. The wrapper does the same, so
# what the proxy counts is the client's reuse of connections, not this server's quirk.
SERVE = """
import sys
from radicale import Application, config
from waitress import serve
root, port = sys.argv[1], int(sys.argv[2])
storage = {"filesystem_folder": root + "/data"}
if len(sys.argv) > 3:
    sys.path.insert(0, sys.argv[3])  # bench/, for its storage plugin (bench/radicale_storage.py)
    storage["type"] = "radicale_storage"
configuration = config.load()
configuration.update({
    "auth": {"type": "htpasswd", "htpasswd_filename": root + "/htpasswd", "htpasswd_encryption": "plain"},
    "storage": storage,
    "logging": {"level": "error"},
}, "bench")
app = Application(configuration)

def with_length(environ, start_response):
    answer = {}
    def capture(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers
        return lambda data: chunks.append(data)
    chunks = []
    result = app(environ, capture)
    try:
        chunks.extend(result)
    finally:
        getattr(result, "close", lambda: None)()
    body = b"".join(chunks)
    headers = [(k, v) for k, v in answer["headers"] if k.lower() != "content-length"]
    start_response(answer["status"], headers + [("Content-Length", str(len(body)))])
    return [body]

serve(with_length, host="127.0.0.1", port=port, threads=8, _quiet=True)
"""


@dataclass(frozen=True)
class Measured:
    tool: str  # "contactsync ×8" (its max_in_flight) or "vdirsyncer"
    limit: int  # requests the tool keeps in flight at most
    rtt_ms: float
    direction: str  # "from" or "to" CardDAV
    run: str
    wall_s: float
    counted: Counters
    cpu_s: float  # the tool's own user+sys CPU (its process and children)
    server_cpu_s: float  # Radicale's user+sys CPU over the same run: the server's own time


@dataclass(frozen=True)
class Timed:
    wall_s: float
    cpu_s: float
    server_cpu_s: float
    counted: Counters


def process_cpu(pid: int) -> float:
    """User+sys CPU seconds of a live process and its threads (waitress serves Radicale on threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_radicale(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    (root / "htpasswd").write_text(f"{USER}:{PASSWORD}\n")
    port = free_port()
    here = str(Path(__file__).resolve().parent)
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(root), str(port), here], stderr=subprocess.DEVNULL)
    return wait_until_up(process, f"http://127.0.0.1:{port}", "radicale under waitress")


def make_book(base: str, root: Path, name: str, count: int) -> None:
    """The book over HTTP, its cards straight into Radicale's folder (a PUT each would cost minutes)."""
    with niquests.Session() as session:
        session.auth = (USER, PASSWORD)
        answer = session.request("MKCOL", f"{base}/{USER}/{name}/", data=MKCOL.encode(), timeout=30)
        assert answer.status_code == 201, answer.status_code
        folder = root / "data" / "collection-root" / USER / name
        for i in range(count):
            (folder / f"bench-{i}.vcf").write_bytes(card(i))
        # Radicale reads and caches cards it did not write on first access: warm it so no tool pays for it
        session.request("PROPFIND", f"{base}/{USER}/{name}/", headers={"Depth": "1"}, timeout=600)


#: with ``--pin``, the CPUs the measured client runs on (the server and the proxy have the others); None: any
CLIENT_CPUS: set[int] | None = None


def _on_client_cpus() -> None:
    if CLIENT_CPUS is not None:
        os.sched_setaffinity(0, CLIENT_CPUS)


def timed(command: list[str], env: dict[str, str], proxy: LatencyProxy, server_pid: int) -> Timed:
    proxy.reset()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = process_cpu(server_pid)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, preexec_fn=_on_client_cpus)
    wall = time.perf_counter() - started
    server_cpu = process_cpu(server_pid) - server
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    if done.returncode != 0:
        print(f"   ! {' '.join(command[:3])}… exited {done.returncode}: {done.stderr.strip()[-400:]}")
    return Timed(wall, cpu, server_cpu, proxy.reset())


def seed_folder(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        (folder / f"bench-{i}.vcf").write_bytes(card(i))


def contactsync_runs(
    work: Path,
    proxy: LatencyProxy,
    book_url: str,
    ca: Path,
    server_pid: int,
    *,
    in_flight: int,
    profile: Path | None = None,
) -> list[tuple[str, Timed]]:
    (work / "password").write_text(PASSWORD)
    os.chmod(work / "password", 0o600)
    config = work / "config.yaml"
    config.write_text(
        f"""store:
  url: sqlite:///{work}/store.db
books:
  - name: bench
    accounts:
      - name: server
        type: carddav
        options:
          url: {book_url}
          username: {USER}
          password_file: {work}/password
          ca_bundle: {ca}
          max_in_flight: {in_flight}
      - name: folder
        type: vdir
        options:
          path: {work}/folder
"""
    )
    command = [str(Path(sys.executable).parent / "contactsync"), "--config", str(config), "sync"]
    env = {k: v for k, v in os.environ.items() if k != "REQUESTS_CA_BUNDLE"}
    runs = []
    for run in ("first sync", "no change"):
        wrapped = command
        if profile is not None:
            profile.mkdir(parents=True, exist_ok=True)
            stacks = profile / f"contactsync-x{in_flight}-{run.replace(' ', '-')}.txt"
            spy = Path(sys.executable).parent / "py-spy"
            wrapped = [str(spy), "record", "--idle", "--threads", "--format", "raw", "-o", str(stacks), "--", *command]
        runs.append((run, timed(wrapped, env, proxy, server_pid)))
    return runs


# The server's own time for a push, measured rather than estimated: a minimal client (http.client, no parsing, no
# store, the same N cards) PUTs them through the same proxy with the same number in flight, in a process of its
# own. Radicale's CPU alone understates the server's time: its PUTs take one write lock and share the GIL with its
# 8 waitress threads, so its wall per PUT is more than its CPU per PUT. This client's wall at 0 ms is what the
# server (and the proxy that stands for the network) needs to take the writes; at 40 ms, what an ideal client of
# the same limit would take. It runs in its own process so that it does not share the proxy's GIL.
BARE_PUTS = """
import base64, http.client, ssl, sys, threading, time
from urllib.parse import urlsplit
sys.path.insert(0, sys.argv[5])
from carddav_bench import card
url, ca, count, in_flight = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
user, password = sys.argv[6], sys.argv[7]
parts = urlsplit(url)
context = ssl.create_default_context(cafile=ca)
auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
lock, next_card, failed = threading.Lock(), [0], []
def slot():
    connection = http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=600)
    while True:
        with lock:
            i = next_card[0]
            next_card[0] += 1
        if i >= count:
            return
        connection.request("PUT", f"{parts.path}bare-{i}.vcf", body=card(i), headers={
            "Authorization": auth, "Content-Type": "text/vcard; charset=utf-8", "If-None-Match": "*"})
        answer = connection.getresponse()
        answer.read()
        if answer.status not in (201, 204):
            failed.append(answer.status)
threads = [threading.Thread(target=slot) for _ in range(in_flight)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failed:
    sys.exit(f"{len(failed)} PUTs failed: {sorted(set(failed))}")
"""


# The same for a pull: the requests contactsync sends for a first sync from the server (one sync-collection REPORT
# for hrefs and etags, then multigets of 100 with as many in flight), read to their last byte and not parsed. Its
# wall at 0 ms is the server's own time to answer them, contention between its threads included (Radicale's CPU
# for eight multigets at once is twice that of the same multigets one at a time on two cores: its threads share
# one interpreter lock); it does not count the client's parsing, which a client can only hide behind the server's.
BARE_READS = """
import base64, http.client, re, ssl, sys, threading
from urllib.parse import urlsplit
url, ca, count, in_flight = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
user, password, chunk = sys.argv[6], sys.argv[7], int(sys.argv[8])
parts = urlsplit(url)
context = ssl.create_default_context(cafile=ca)
headers = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode(),
           "Content-Type": "application/xml; charset=utf-8", "Depth": "1"}
def report(connection, body):
    connection.request("REPORT", parts.path, body=body.encode(), headers=headers)
    answer = connection.getresponse()
    data = answer.read()
    if answer.status != 207:
        sys.exit(f"REPORT answered {answer.status}")
    return data
first = http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=600)
listing = report(first, '<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/>'
                 '<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>')
hrefs = re.findall(rb"<(?:[A-Za-z]+:)?href>([^<]*\\.vcf)</", listing)
if len(hrefs) != count:
    sys.exit(f"listed {len(hrefs)} cards, not {count}")
chunks = [hrefs[i : i + chunk] for i in range(0, len(hrefs), chunk)]
lock, failed = threading.Lock(), []
def slot(connection):
    while True:
        with lock:
            if not chunks:
                return
            mine = chunks.pop(0)
        body = ('<?xml version="1.0" encoding="utf-8"?><C:addressbook-multiget xmlns:D="DAV:" '
                'xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop>'
                + "".join(f"<D:href>{h.decode()}</D:href>" for h in mine) + "</C:addressbook-multiget>")
        data = report(connection, body)
        if data.count(b"BEGIN:VCARD") != len(mine):
            failed.append(len(mine))
connections = [first] + [
    http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=600) for _ in range(in_flight - 1)]
threads = [threading.Thread(target=slot, args=(c,)) for c in connections]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failed:
    sys.exit(f"{len(failed)} multigets came back short")
"""


def bare_runs(
    proxy: LatencyProxy, book_url: str, ca: Path, count: int, in_flight: int, server_pid: int, direction: str
) -> list[tuple[str, Timed]]:
    here = str(Path(__file__).resolve().parent)
    script = BARE_PUTS if direction == "to" else BARE_READS
    command = [sys.executable, "-c", script, book_url, str(ca), str(count), str(in_flight), here, USER, PASSWORD]
    if direction == "from":
        command.append("100")  # contactsync's multiget_chunk, its default
    return [("first sync", timed(command, dict(os.environ), proxy, server_pid))]


def vdirsyncer_runs(
    work: Path, proxy: LatencyProxy, book_url: str, ca: Path, vdirsyncer: str, server_pid: int
) -> list[tuple[str, Timed]]:
    config = work / "config"
    config.write_text(
        f"""[general]
status_path = "{work}/status/"

[pair bench]
a = "server"
b = "folder"
collections = null
conflict_resolution = "a wins"

[storage server]
type = "carddav"
url = "{book_url}"
username = "{USER}"
password = "{PASSWORD}"
verify = "{ca}"

[storage folder]
type = "filesystem"
path = "{work}/folder/"
fileext = ".vcf"
"""
    )
    env = {k: v for k, v in os.environ.items() if k != "REQUESTS_CA_BUNDLE"}
    discover = [vdirsyncer, "-c", str(config), "discover"]
    subprocess.run(discover, env=env, capture_output=True, text=True, input="y\n" * 4)
    runs = []
    for run in ("first sync", "no change"):
        runs.append((run, timed([vdirsyncer, "-c", str(config), "sync"], env, proxy, server_pid)))
    return runs


def print_row(m: Measured, results: list[Measured]) -> None:
    sequential = m.counted.requests * m.rtt_ms / 1000
    line = (
        f"{m.tool:14} {m.direction:4} {m.rtt_ms:4.0f} ms  {m.run:10}  {m.wall_s:7.2f} s  CPU {m.cpu_s:6.2f} s  "
        f"server CPU {m.server_cpu_s:6.2f} s  requests {m.counted.requests:6}  "
        f"connections {m.counted.connections:4}  handshakes {m.counted.handshakes:4}  "
        f"in flight ≤ {m.counted.peak_in_flight:2}  sequential bound {sequential:7.2f} s"
    )
    if m.rtt_ms > 0:
        # the server's own time: Radicale's CPU in the same tool's run at 0 ms when there is one, else in this run
        at_zero = [r for r in results if (r.tool, r.direction, r.run, r.rtt_ms) == (m.tool, m.direction, m.run, 0.0)]
        server_s = at_zero[0].server_cpu_s if at_zero else m.server_cpu_s
        bound = sequential / m.limit + server_s
        line += f"  bound (÷{m.limit} + server {server_s:.2f} s) {bound:7.2f} s (wall {m.wall_s / bound:4.2f}×)"
        if at_zero:
            bound_zero = sequential / m.limit + at_zero[0].wall_s
            line += f"  bound (÷{m.limit} + wall at 0 ms) {bound_zero:7.2f} s (wall {m.wall_s / bound_zero:4.2f}×)"
        bare = [
            r
            for r in results
            if r.tool.startswith("bare") and (r.direction, r.run, r.rtt_ms) == (m.direction, m.run, 0.0)
        ]
        if bare and not m.tool.startswith("bare"):
            # the server's own time measured by the bare client at 0 ms (see BARE_PUTS); the target is
            # wall ≤ 1.3 × (requests × RTT ÷ limit) + the server's own time
            server_s, trips = bare[0].wall_s, sequential / m.limit
            line += (
                f"  bound (÷{m.limit} + bare client at 0 ms {server_s:.2f} s) {trips + server_s:7.2f} s "
                f"(wall {m.wall_s / (trips + server_s):4.2f}×; 1.3 × round trips + server = "
                f"{1.3 * trips + server_s:.2f} s: {'within' if m.wall_s <= 1.3 * trips + server_s else 'over'})"
            )
    vds = [
        r
        for r in results
        if r.tool == "vdirsyncer" and (r.direction, r.run, r.rtt_ms) == (m.direction, m.run, m.rtt_ms)
    ]
    if vds and m.tool != "vdirsyncer":
        line += f"  vs vdirsyncer wall {m.wall_s / vds[0].wall_s:5.2f}× CPU {m.cpu_s / max(vds[0].cpu_s, 1e-9):5.2f}×"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--rtt", type=float, nargs="+", default=[0.0, 40.0], help="round-trip times in ms")
    parser.add_argument(
        "--direction", nargs="+", choices=["from", "to"], default=["from", "to"], help="from or to CardDAV"
    )
    parser.add_argument(
        "--in-flight",
        type=int,
        nargs="*",
        default=[8],
        help="contactsync's max_in_flight (one run per value; none: vdirsyncer alone, to run it beside)",
    )
    parser.add_argument("--vdirsyncer", help="path of a vdirsyncer command, to measure it side by side (runs last)")
    parser.add_argument(
        "--bare",
        action="store_true",
        help="also time a bare http.client sending the same requests, as many in flight: to CardDAV its PUTs, from "
        "CardDAV its sync-collection and multigets (the server's own time at 0 ms; runs first)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="FOLDER",
        help="record each contactsync run with py-spy (wall time, idle included) as collapsed stacks in FOLDER",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="Radicale and the proxy on the first CPU, each measured client on the others: the server as if on a "
        "machine of its own (on a 2-core machine, unpinned, a client's CPU takes the server's second core)",
    )
    args = parser.parse_args()
    profile = Path(args.py_spy) if args.py_spy else None
    if args.pin:
        global CLIENT_CPUS
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            parser.error("--pin needs two CPUs or more")
        CLIENT_CPUS = set(cpus[1:])
        os.sched_setaffinity(0, {cpus[0]})  # this process (the proxy's threads) and Radicale, started below

    root = Path(tempfile.mkdtemp(prefix="cs-latency-"))
    process, base = start_radicale(root)
    results: list[Measured] = []
    serial = 0
    try:
        # contactsync first, so its figures exist if a long run is cut short; all rows with their ratios at the end
        bare = [f"bare client ×{max(args.in_flight, default=8)}"] if args.bare else []
        tools = bare + [f"contactsync ×{n}" for n in args.in_flight] + (["vdirsyncer"] if args.vdirsyncer else [])
        for rtt in sorted(args.rtt):
            for direction in args.direction:
                for tool in tools:
                    serial += 1
                    name = f"run-{serial}"
                    make_book(base, root, name, args.cards if direction == "from" else 0)
                    work = root / name
                    work.mkdir()
                    seed_folder(work / "folder", 0 if direction == "from" else args.cards)
                    with LatencyProxy(base, rtt_ms=rtt) as proxy:
                        ca = proxy.write_ca(work / "ca.pem")
                        url = f"{proxy.url}/{USER}/{name}/"
                        if tool == "vdirsyncer":
                            limit = 1
                            runs = vdirsyncer_runs(work, proxy, url, ca, args.vdirsyncer, process.pid)
                        elif tool.startswith("bare"):
                            limit = int(tool.rpartition("×")[2])
                            runs = bare_runs(proxy, url, ca, args.cards, limit, process.pid, direction)
                        else:
                            limit = int(tool.rpartition("×")[2])
                            runs = contactsync_runs(work, proxy, url, ca, process.pid, in_flight=limit, profile=profile)
                    for run, t in runs:
                        results.append(
                            Measured(tool, limit, rtt, direction, run, t.wall_s, t.counted, t.cpu_s, t.server_cpu_s)
                        )
                        print_row(results[-1], results)
                    print(f"   load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
                    if not os.environ.get("KEEP"):
                        shutil.rmtree(work, ignore_errors=True)
        print(f"\nAll runs, {args.cards} cards:")
        for m in results:
            print_row(m, results)
    finally:
        process.terminate()
        process.wait(10)
        if not os.environ.get("KEEP"):
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
