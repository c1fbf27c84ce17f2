"""An HTTP server on loopback that accepts every POST of JSON and keeps it, for tests of alert
webhooks.

    with WebhookReceiver() as hook:
        env = {"ALERT_WEBHOOK_URL": hook.url}
        ...
        [call] = hook.wait_for(1, timeout=30)
        assert call.body["text"].startswith("Run failed")
"""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from benchmark_pipeline_tests.support.inbox import Inbox


@dataclass(frozen=True)
class ReceivedPost:
    """One request: its path, headers and body (parsed JSON, or the text when it was not)."""

    path: str
    headers: dict[str, str]
    body: object


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    inbox: Inbox[ReceivedPost]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args) -> None:
        """No access log on stderr."""

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        text = raw.decode("utf-8", errors="replace")
        try:
            body: object = json.loads(text)
        except ValueError:
            body = text
        self.server.inbox.add(ReceivedPost(self.path, dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


class WebhookReceiver:
    """``http.server`` on 127.0.0.1 and a free port, serving from a daemon thread; ``url`` is
    where to post."""

    def __init__(self, path: str = "/hook") -> None:
        self.path = path
        self.inbox: Inbox[ReceivedPost] = Inbox()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the webhook receiver is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.path}"

    @property
    def posts(self) -> list[ReceivedPost]:
        return self.inbox.items

    def wait_for(self, count: int, timeout: float) -> list[ReceivedPost]:
        """Every post once at least ``count`` have arrived (AssertionError after ``timeout``
        seconds)."""
        return self.inbox.wait_for(count, timeout)

    def __enter__(self) -> "WebhookReceiver":
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.inbox = self.inbox
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None
