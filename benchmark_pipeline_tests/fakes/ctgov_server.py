"""The fake API on a loopback port: ``FakeCtgov`` served over real HTTP from a thread.

    records = generate_records(1_600)
    with FakeCtgovServer(records, faults=Faults(rate=0.3)) as api:
        client = httpx.Client(base_url=api.base_url)
        ...
        assert api.request_count("/api/v2/studies") == 2

It answers what ``FakeCtgov.handle`` decides: a stall waits (interrupted by ``stop``), a reset
closes the socket with a TCP RST, a dripped body goes out piece by piece.
"""

import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .ctgov_core import API_PREFIX, FakeCtgov
from .ctgov_faults import Reply, Stall


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: "FakeCtgovServer"

    def handle_error(self, request, client_address) -> None:
        """Clients that hang up mid-answer are expected under fault injection; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def log_message(self, format: str, *args) -> None:
        """No access log on stderr."""

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this Nagle holds the body ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fake._track(self.connection, opened=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._track(self.connection, opened=False)

    def do_GET(self) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        outcome = fake.handle(url.path, url.query)
        if isinstance(outcome, Stall):
            if fake._stopping.wait(outcome.seconds):
                return
            outcome = Reply.text(504, "answered too late")
        if not isinstance(outcome, Reply):
            self._reset()
            return
        self._send(outcome)

    def _send(self, reply: Reply) -> None:
        stopping = self.server.fake._stopping
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", f"{reply.content_type};charset=UTF-8")
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not reply.drip_seconds:
                self.wfile.write(reply.body)
                return
            for start in range(0, len(reply.body), reply.drip_bytes):
                if stopping.wait(reply.drip_seconds):
                    self.close_connection = True
                    return
                self.wfile.write(reply.body[start : start + reply.drip_bytes])
                self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout turns close() into a TCP RST: the client sees a reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


class FakeCtgovServer(FakeCtgov):
    """``FakeCtgov`` on ``127.0.0.1`` (a free port, or ``port``), served from a daemon thread.

    Takes ``FakeCtgov``'s arguments. Use it as a context manager, or ``start()`` and ``stop()``.
    """

    def __init__(self, *args, port: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.port = port
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "FakeCtgovServer":
        """Bind the loopback port and serve in a daemon thread."""
        self._stopping.clear()
        self._httpd = _HTTPServer(("127.0.0.1", self.port), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, drop open connections and wait for the handler threads."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        with self._connections_lock:
            open_connections = list(self._connections)
        for conn in open_connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._httpd = self._thread = None

    def __enter__(self) -> "FakeCtgovServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """E.g. ``http://127.0.0.1:38211/api/v2``."""
        if self._httpd is None:
            raise RuntimeError("the fake server is not running")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{API_PREFIX}"

    def _track(self, conn: socket.socket, *, opened: bool) -> None:
        with self._connections_lock:
            (self._connections.add if opened else self._connections.discard)(conn)
