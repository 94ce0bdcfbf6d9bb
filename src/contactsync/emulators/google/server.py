"""The loopback HTTP server: bytes in, ``PeopleService`` decides, bytes out (or a dropped connection)."""

from __future__ import annotations

import contextlib
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .control import FaultPlan
from .service import ApiRequest, PeopleService


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], service: PeopleService, faults: FaultPlan) -> None:
        super().__init__(address, _Handler)
        self.service = service
        self.faults = faults


class _Handler(BaseHTTPRequestHandler):
    # Keep-alive, like Google's front ends; httplib2 reuses the connection.
    protocol_version = "HTTP/1.1"
    # headers and body leave in two writes: with Nagle's algorithm the body would wait for the client's delayed
    # ACK (40 ms on Linux) on every request, hiding the RTT a latency bench adds (#18)
    disable_nagle_algorithm = True
    server: EmulatorHTTPServer
    server_version = "ESF"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        latency = self.server.faults.latency
        if latency > 0:
            time.sleep(latency)
        headers = {name.lower(): value for name, value in self.headers.items()}
        response = self.server.service.handle(ApiRequest(self.command, self.path, headers, body))
        if response.drop_connection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def date_time_string(self, timestamp: float | None = None) -> str:
        # the Date header tells the emulator's clock (a client measuring its skew against us sees it move)
        if timestamp is None:
            timestamp = self.server.service.clock.now().timestamp()
        return super().date_time_string(timestamp)

    def log_message(self, format: str, *args: object) -> None:
        # Silent: tests and benchmarks would drown in access logs; counters say what happened.
        return
