"""A loopback TLS proxy that makes a local server look far away: round-trip time, bandwidth, and what crossed it.

Put it in front of Radicale or an emulator to measure a sync as it would run against a server RTT milliseconds
away over TLS (issue #18). It terminates TLS with a test certificate (trustme) on 127.0.0.1, forwards to the
upstream (plain HTTP, or TLS when the upstream URL is https), and on the way:

- delays every chunk by half the round trip in each direction, pipelined (bytes sent back to back are not
  serialized behind each other's delay, as on a real link);
- caps bandwidth per direction and connection (``bandwidth`` bytes a second; 0 = no cap);
- counts TCP connections, TLS handshakes and resumed TLS sessions, HTTP requests (parsed with h11, so bodies
  never fool the count), and the peak of requests in flight across all connections (sent, answer not yet whole).

Used by bench/latency.py and by tests (tests/test_netproxy.py). Standalone::

    python bench/netproxy.py --upstream http://127.0.0.1:5232 --rtt-ms 40
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import h11
import trustme

CHUNK = 64 * 1024


@dataclass
class Counters:
    """What crossed the proxy since it started (or since :meth:`LatencyProxy.reset`)."""

    connections: int = 0
    handshakes: int = 0
    resumed: int = 0
    requests: int = 0
    responses: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    per_connection_requests: list[int] = field(default_factory=list)
    #: when each TCP connection was accepted (epoch seconds): those a daemon opened in its start-up are told from
    #: those its runs opened
    opened_at: list[float] = field(default_factory=list)

    def snapshot(self) -> Counters:
        return Counters(
            self.connections,
            self.handshakes,
            self.resumed,
            self.requests,
            self.responses,
            self.in_flight,
            self.peak_in_flight,
            self.bytes_up,
            self.bytes_down,
            list(self.per_connection_requests),
            list(self.opened_at),
        )


class _Link:
    """One direction of one connection: delayed, rate-capped, in order."""

    def __init__(self, writer: asyncio.StreamWriter, delay_s: float, bandwidth: int) -> None:
        self.writer = writer
        self.delay_s = delay_s
        self.bandwidth = bandwidth
        self.queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        self.free_at = 0.0  # when the capped link has finished sending what it was given
        self.task = asyncio.get_running_loop().create_task(self._drain())

    def send(self, data: bytes) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self.bandwidth:
            # the link is busy for len/bandwidth seconds per chunk; the delay counts from when it leaves
            self.free_at = max(self.free_at, now) + len(data) / self.bandwidth
            due = self.free_at + self.delay_s
        else:
            due = now + self.delay_s
        self.queue.put_nowait((due, data))

    def close(self) -> None:
        self.queue.put_nowait(None)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while (item := await self.queue.get()) is not None:
                due, data = item
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self.writer.write(data)
                await self.writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                self.writer.close()


class LatencyProxy:
    """Run :meth:`start` (a thread with its own event loop); ``url`` is where clients connect."""

    def __init__(self, upstream: str, *, rtt_ms: float = 0.0, bandwidth: int = 0, tls: bool = True) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or (443 if parts.scheme == "https" else 80)
        self.upstream_tls = parts.scheme == "https"
        self.upstream_path = parts.path.rstrip("/")
        self.rtt_ms = rtt_ms
        self.bandwidth = bandwidth
        self.tls = tls
        self.counters = Counters()
        self._lock = threading.Lock()
        self.ca = trustme.CA()
        self._server_cert = self.ca.issue_cert("127.0.0.1", "localhost")
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._ready = threading.Event()
        self._open: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()

    # -- what clients use ------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{self.upstream_path}"

    def write_ca(self, path: Path) -> Path:
        """The PEM of the CA that signed the proxy's certificate, for ``ca_bundle`` or REQUESTS_CA_BUNDLE."""
        self.ca.cert_pem.write_to_path(str(path))
        return path

    def reset(self) -> Counters:
        """The counters so far, and start counting from zero."""
        with self._lock:
            before, self.counters = self.counters, Counters()
        return before

    def drop_connections(self) -> None:
        """Close every open connection from the server's side, as a server does with idle ones between a
        daemon's runs: the client's next request needs a new connection (and a TLS handshake, or a resumption)."""
        if self._loop is None:
            return

        async def drop() -> None:
            for writer in list(self._open):
                writer.transport.abort()

        asyncio.run_coroutine_threadsafe(drop(), self._loop).result(10)

    # -- life cycle --------------------------------------------------------------------------------------------
    def start(self) -> LatencyProxy:
        self._thread = threading.Thread(target=self._serve, name="latency-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the latency proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        # end each connection by closing its sockets (cancelling the handler would be logged as an error)
        for writer in list(self._open):
            writer.transport.abort()
        if self._handlers:
            await asyncio.wait(list(self._handlers), timeout=5)

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        context = None
        if self.tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._server_cert.configure_cert(context)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", 0, ssl=context, limit=CHUNK)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    # -- one client connection ---------------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._open.add(writer)
        try:
            await self._relay(reader, writer)
        finally:
            self._open.discard(writer)
            self._handlers.discard(task)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ssl_object = writer.get_extra_info("ssl_object")
        with self._lock:
            self.counters.connections += 1
            self.counters.opened_at.append(time.time())
            if ssl_object is not None:
                self.counters.handshakes += 1
                self.counters.resumed += int(bool(ssl_object.session_reused))
            self.counters.per_connection_requests.append(0)
            index = len(self.counters.per_connection_requests) - 1
        # the handshake itself costs round trips the client waits for: one for TLS 1.3, plus TCP's own
        await asyncio.sleep(self.rtt_ms / 1000 * (2 if ssl_object is not None else 1))
        up_context = ssl.create_default_context() if self.upstream_tls else None
        if up_context is not None:
            up_context.check_hostname = False
            up_context.verify_mode = ssl.CERT_NONE  # the upstream is our own loopback emulator with a test CA
        try:
            up_reader, up_writer = await asyncio.open_connection(
                self.upstream_host, self.upstream_port, ssl=up_context, limit=CHUNK
            )
        except OSError:
            writer.close()
            return
        self._open.add(up_writer)
        half = self.rtt_ms / 2000
        to_server = _Link(up_writer, half, self.bandwidth)
        to_client = _Link(writer, half, self.bandwidth)
        requests = h11.Connection(h11.SERVER)  # parses what the client sends
        answers = h11.Connection(h11.CLIENT)  # parses what the server sends back
        pending = 0
        framing = {b"content-length", b"transfer-encoding"}

        def next_requests() -> None:
            nonlocal pending
            while True:
                event = requests.next_event()
                if event is h11.NEED_DATA or event is h11.PAUSED or isinstance(event, h11.ConnectionClosed):
                    return  # PAUSED: the next request waits until this one's answer is whole (no pipelining)
                if isinstance(event, h11.Request):
                    # replayed to the answer parser without its body, so it knows the method (HEAD has no body)
                    headers = [(k, v) for k, v in event.headers if k.lower() not in framing]
                    answers.send(h11.Request(method=event.method, target=event.target, headers=headers))
                    pending += 1
                    with self._lock:
                        c = self.counters
                        c.requests += 1
                        c.in_flight += 1
                        c.peak_in_flight = max(c.peak_in_flight, c.in_flight)
                        if index < len(c.per_connection_requests):
                            c.per_connection_requests[index] += 1
                elif isinstance(event, h11.EndOfMessage):
                    answers.send(h11.EndOfMessage())

        def saw_requests(data: bytes) -> None:
            requests.receive_data(data)
            next_requests()

        def saw_answers(data: bytes) -> None:
            nonlocal pending
            answers.receive_data(data)
            while True:
                event = answers.next_event()
                if event is h11.NEED_DATA or event is h11.PAUSED or isinstance(event, h11.ConnectionClosed):
                    return
                if not isinstance(event, h11.EndOfMessage):
                    continue
                pending -= 1
                with self._lock:
                    self.counters.responses += 1
                    self.counters.in_flight -= 1
                # close the request parser's cycle with a stand-in answer so it reads the next request
                requests.send(h11.Response(status_code=204, headers=[]))
                requests.send(h11.EndOfMessage())
                if answers.our_state is h11.DONE and answers.their_state is h11.DONE:
                    answers.start_next_cycle()
                    requests.start_next_cycle()
                    next_requests()
                else:
                    return  # the server closes this connection (HTTP/1.0, Connection: close)

        async def pump(source: asyncio.StreamReader, link: _Link, upward: bool) -> None:
            try:
                while data := await source.read(CHUNK):
                    with self._lock:
                        if upward:
                            self.counters.bytes_up += len(data)
                        else:
                            self.counters.bytes_down += len(data)
                    # not HTTP/1.x that h11 can follow: still forwarded, just not counted
                    with contextlib.suppress(h11.ProtocolError):
                        (saw_requests if upward else saw_answers)(data)
                    link.send(data)
            except (ConnectionError, OSError):
                pass
            finally:
                link.close()

        await asyncio.gather(pump(reader, to_server, True), pump(up_reader, to_client, False))
        await asyncio.gather(to_server.task, to_client.task, return_exceptions=True)
        self._open.discard(up_writer)
        if pending:
            with self._lock:
                self.counters.in_flight -= pending


@contextlib.contextmanager
def proxied(upstream: str, *, rtt_ms: float = 0.0, bandwidth: int = 0, tls: bool = True) -> Iterator[LatencyProxy]:
    proxy = LatencyProxy(upstream, rtt_ms=rtt_ms, bandwidth=bandwidth, tls=tls).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="http(s)://host:port of the real server")
    parser.add_argument("--rtt-ms", type=float, default=40.0)
    parser.add_argument("--bandwidth", type=int, default=0, help="bytes a second per direction (0: no cap)")
    parser.add_argument("--ca", type=Path, default=Path("netproxy-ca.pem"), help="where to write the test CA")
    args = parser.parse_args()
    with proxied(args.upstream, rtt_ms=args.rtt_ms, bandwidth=args.bandwidth) as proxy:
        proxy.write_ca(args.ca)
        print(f"{proxy.url} -> {args.upstream} at {args.rtt_ms} ms RTT; CA in {args.ca}; Ctrl-C prints the counts")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print(proxy.counters)


if __name__ == "__main__":
    main()
