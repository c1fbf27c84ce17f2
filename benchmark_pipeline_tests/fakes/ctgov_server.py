"""A loopback fake of the ClinicalTrials.gov API v2, with faults injected on demand.

    records = generate_records(1_600)
    with FakeCtgovServer(records, faults=Faults(rate=0.3)) as api:
        client = httpx.Client(base_url=api.base_url)
        ...
        assert api.request_count("/api/v2/studies") == 2

Endpoints: ``GET /api/v2/studies`` (see ``ctgov_query`` for the parameters), ``GET
/api/v2/studies/{nctId}`` (the bare Study, or 404) and ``GET /api/v2/version``. Responses are
compact single-line JSON with the real API's key order. Faults (``Faults``) can be changed while
the server runs with ``set_faults``; every request is counted and its query string logged.
"""

import json
import random
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .ctgov_query import BadRequest, StudiesRequest, decode_token, encode_token, normalize_nct
from .ctgov_records import TrialRecords

API_PREFIX = "/api/v2"
FAULT_KINDS = ("429", "503", "timeout", "reset")
MAX_STALL_SECONDS = 30.0


@dataclass(frozen=True)
class Faults:
    """What goes wrong, and how often.

    ``rate``: share of requests (0..1) that fail transiently, each with a kind drawn from
    ``kinds`` by a generator seeded with ``seed``: ``"429"`` (with ``Retry-After: retry_after``
    seconds, no header when None), ``"503"``, ``"timeout"`` (the answer comes ``stall_seconds``
    late, at most 30 s; set it above the client's timeout) and ``"reset"`` (the socket is closed
    with a TCP reset and no response). ``down``: every request gets 503. ``empty_page``: each
    listing of more than one page gets one extra empty page (with a next token) after its first.
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    retry_after: int | None = 0
    stall_seconds: float = 1.0
    down: bool = False
    empty_page: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be within 0..1, got {self.rate}")
        if unknown := set(self.kinds) - set(FAULT_KINDS):
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
        if not 0.0 <= self.stall_seconds <= MAX_STALL_SECONDS:
            raise ValueError(f"stall_seconds must be within 0..{MAX_STALL_SECONDS}")


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
        fault = fake._record(url.path, url.query)
        if fault == "reset":
            self._reset()
            return
        if fault == "down" or fault == "503":
            self._send(503, "Service Unavailable", "text/plain")
            return
        if fault == "429":
            headers = (
                {}
                if fake.faults.retry_after is None
                else {"Retry-After": str(fake.faults.retry_after)}
            )
            self._send(429, "Too Many Requests", "text/plain", headers)
            return
        if fault == "timeout" and fake._stopping.wait(fake.faults.stall_seconds):
            return
        try:
            status, body = fake._route(url.path, parse_qs(url.query, keep_blank_values=True))
        except BadRequest as exc:
            self._send(400, str(exc), "text/plain")
            return
        if isinstance(body, str):
            self._send(status, body, "text/plain")
        else:
            text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
            self._send(status, text, "application/json")

    def _send(self, status: int, text: str, content_type: str, headers: dict | None = None) -> None:
        payload = text.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type};charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout turns close() into a TCP RST: the client sees a reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


class FakeCtgovServer:
    """The fake API on ``127.0.0.1`` and a free port, served from a background thread.

    ``records``: the studies served (changes to it show up at once). ``faults``: the initial
    ``Faults``. ``api_version`` and ``data_timestamp`` are what ``/version`` answers.
    Use it as a context manager, or call ``start()`` and ``stop()``.
    """

    def __init__(
        self,
        records: TrialRecords,
        *,
        faults: Faults | None = None,
        api_version: str = "2.0.5",
        data_timestamp: str = "2026-09-04T09:00:06",
    ) -> None:
        self.records = records
        self.faults = faults or Faults()
        self.api_version = api_version
        self.data_timestamp = data_timestamp
        self._lock = threading.Lock()
        self._random = random.Random(self.faults.seed)
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._cache: dict[tuple[str, int], list[str]] = {}
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.reset_counters()

    # lifecycle
    def start(self) -> "FakeCtgovServer":
        """Bind a free loopback port and serve in a daemon thread."""
        self._stopping.clear()
        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
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
        with self._lock:
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

    # faults and counters
    def set_faults(self, faults: Faults | None = None, **changes: object) -> Faults:
        """Replace the fault settings (or change some fields); reseeds the fault generator."""
        with self._lock:
            self.faults = replace(faults or self.faults, **changes)
            self._random = random.Random(self.faults.seed)
            return self.faults

    def reset_counters(self) -> None:
        """Forget every counted request, logged query and injected fault."""
        with self._lock:
            self.requests_by_path: Counter[str] = Counter()
            self.faults_injected: Counter[str] = Counter()
            self.query_log: list[str] = []

    def request_count(self, path: str | None = None) -> int:
        """Requests received in all, or for one path (``/api/v2/studies`` or ``/studies``)."""
        with self._lock:
            if path is None:
                return sum(self.requests_by_path.values())
            if not path.startswith(API_PREFIX):
                path = API_PREFIX + path
            return self.requests_by_path[path]

    def _record(self, path: str, query: str) -> str | None:
        with self._lock:
            self.requests_by_path[path] += 1
            self.query_log.append(f"{path}?{query}" if query else path)
            if self.faults.down:
                fault = "down"
            elif self.faults.rate and self._random.random() < self.faults.rate:
                fault = self._random.choice(self.faults.kinds)
            else:
                return None
            self.faults_injected[fault] += 1
            return fault

    def _track(self, conn: socket.socket, *, opened: bool) -> None:
        with self._lock:
            (self._connections.add if opened else self._connections.discard)(conn)

    # endpoints
    def _route(self, path: str, params: dict[str, list[str]]) -> tuple[int, dict | str]:
        if path == f"{API_PREFIX}/version":
            return 200, {"apiVersion": self.api_version, "dataTimestamp": self.data_timestamp}
        if path == f"{API_PREFIX}/studies":
            return 200, self._studies(StudiesRequest.parse(params))
        if path.startswith(f"{API_PREFIX}/studies/"):
            nct = normalize_nct(path.rsplit("/", 1)[1])
            with self.records.lock:
                study = self.records.studies.get(nct)
            return (200, study) if study is not None else (404, f"Study {nct} not found")
        return 404, f"no endpoint {path}"

    def _matching(self, request: StudiesRequest) -> list[str]:
        with self.records.lock:
            key = (request.selection_key, self.records.version)
            if key not in self._cache:
                if len(self._cache) >= 16:
                    self._cache.clear()
                studies = self.records.studies.items()
                self._cache[key] = [n for n, s in studies if request.selects(s)]
            return self._cache[key]

    def _studies(self, request: StudiesRequest) -> dict:
        offset, empty_served = 0, False
        if request.page_token:
            offset, empty_served = decode_token(request.page_token, request.selection_key)
        matching = self._matching(request)
        body: dict = {"studies": []}
        if request.page_token and self.faults.empty_page and not empty_served:
            body["nextPageToken"] = encode_token(offset, request.selection_key, True)
            return body
        with self.records.lock:
            page = matching[offset : offset + request.page_size]
            body["studies"] = [self.records.studies[n] for n in page if n in self.records.studies]
            if request.count_total and not request.page_token:
                body["totalCount"] = len(matching)
            end = offset + request.page_size
            if end < len(matching):
                body["nextPageToken"] = encode_token(end, request.selection_key, empty_served)
        # mutate() swaps in a changed copy, so the studies referenced here stay as they were.
        return body
