"""The fake ClinicalTrials.gov API v2 itself: records, query semantics, faults, request log.

``FakeCtgov.handle(path, query)`` decides every answer; two front ends deliver it: the loopback
HTTP server (``ctgov_server.FakeCtgovServer``) and an ``httpx.MockTransport``
(``ctgov_transport``). Both therefore serve the same records with the same whole-word search
and fail in the same ways.

Endpoints: ``GET /api/v2/studies`` (see ``ctgov_query``), ``GET /api/v2/studies/{nctId}`` (the
bare Study, or 404) and ``GET /api/v2/version``. JSON is compact, single-line, in the real
API's key order.
"""

import json
import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import parse_qs

from .ctgov_faults import RESET, TIMEOUT, Faults, Reply, Stall
from .ctgov_query import (
    BadRequest,
    StudiesRequest,
    decode_token,
    encode_token,
    normalize_nct,
    project,
)
from .ctgov_records import TrialRecords
from .ctgov_results import with_results

API_PREFIX = "/api/v2"
MAX_PAGE_SIZE = 1000

Outcome = Reply | Stall | str  # str: RESET


def _as_stored(study: dict) -> dict:
    return study


def _json(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class _Listing:
    """One /studies answer before faults shape it."""

    body: dict
    first: bool


class FakeCtgov:
    """The API's behaviour over ``records`` (changes to them show up at once).

    ``faults``: the initial ``Faults`` (change with ``set_faults``); ``queue(...)`` scripts the
    next answers; ``max_page_size`` is the largest page served (1000, as the real API);
    ``validate`` is called with every page body served (e.g. a spec check), ``sleep`` is what a
    drip or stall waits with in the transport front end. Every request is counted and its query
    string logged.
    """

    def __init__(
        self,
        records: TrialRecords | None = None,
        *,
        faults: Faults | None = None,
        api_version: str = "2.0.5",
        data_timestamp: str = "2026-09-04T09:00:06",
        max_page_size: int = MAX_PAGE_SIZE,
        validate: Callable[[dict], None] | None = None,
    ) -> None:
        self.records = records if records is not None else TrialRecords()
        self.faults = faults or Faults()
        self.api_version = api_version
        self.data_timestamp = data_timestamp
        self.max_page_size = max_page_size
        self.validate = validate
        self._lock = threading.Lock()
        self._random = random.Random(self.faults.seed)
        self._script: list[Outcome] = []
        self._cache: dict[tuple[str, int], list[str]] = {}
        self._endless = 0
        self.reset_counters()

    # faults, script and counters
    def set_faults(self, faults: Faults | None = None, **changes: object) -> Faults:
        """Replace the fault settings (or change some fields); reseeds the fault generator."""
        with self._lock:
            self.faults = replace(faults or self.faults, **changes)
            self._random = random.Random(self.faults.seed)
            return self.faults

    def queue(self, *outcomes: Reply | Stall | str | int) -> None:
        """Answer the next requests with these, in order, before anything else: a ``Reply``, an
        HTTP status (with a short text body), ``TIMEOUT`` or ``RESET``."""
        with self._lock:
            for item in outcomes:
                if isinstance(item, int):
                    item = Reply.text(item, f"HTTP {item} from the fake")
                elif item == TIMEOUT:
                    item = Stall(self.faults.stall_seconds)
                self._script.append(item)

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

    def logged_params(self, path: str = "/studies") -> list[dict[str, str]]:
        """The query parameters of every logged request to ``path``, in order."""
        full = path if path.startswith(API_PREFIX) else API_PREFIX + path
        found = []
        for entry in list(self.query_log):
            where, _, query = entry.partition("?")
            if where == full:
                found.append({k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()})
        return found

    def _fault_for(self, path: str) -> Outcome | None:
        """The transient or scripted failure for this request, if any (called under the lock)."""
        if self._script:
            return self._script.pop(0)
        faults = self.faults
        if faults.paths and not any(path == API_PREFIX + p for p in faults.paths):
            return None
        if faults.down:
            self.faults_injected["down"] += 1
            return Reply.text(503, "Service Unavailable")
        if faults.rate and self._random.random() < faults.rate:
            kind = self._random.choice(faults.kinds)
            self.faults_injected[kind] += 1
            if kind == "reset":
                return RESET
            if kind == "timeout":
                return Stall(faults.stall_seconds)
            headers = {} if faults.retry_after is None else {"Retry-After": str(faults.retry_after)}
            if kind == "429":
                return Reply.text(429, "Too Many Requests", headers)
            return Reply.text(int(kind), "Service Unavailable")
        return None

    # the answer
    def handle(self, path: str, query: str) -> Outcome:
        """What the API answers to ``GET path?query``."""
        with self._lock:
            self.requests_by_path[path] += 1
            self.query_log.append(f"{path}?{query}" if query else path)
            fault = self._fault_for(path)
        if fault is not None:
            return fault
        try:
            return self._route(path, parse_qs(query, keep_blank_values=True))
        except BadRequest as exc:
            return Reply.text(400, str(exc))

    def _route(self, path: str, params: dict[str, list[str]]) -> Reply:
        if path == f"{API_PREFIX}/version":
            body = {"apiVersion": self.api_version, "dataTimestamp": self.data_timestamp}
            return self._shaped(_json(body), listing=False)
        if path == f"{API_PREFIX}/studies":
            request = StudiesRequest.parse(params, self.max_page_size)
            if self.faults.malformed == "endless_pages":
                return self._endless_page(first=not request.page_token)
            return self._shaped_listing(self._studies(request))
        if path.startswith(f"{API_PREFIX}/studies/"):
            nct = normalize_nct(path.rsplit("/", 1)[1])
            with self.records.lock:
                study = self.records.studies.get(nct)
            if study is None:
                return Reply.text(404, f"Study {nct} not found")
            return self._shaped(_json(study), listing=False)
        return Reply.text(404, f"no endpoint {path}")

    def _shaped(self, body: bytes, *, listing: bool) -> Reply:
        faults = self.faults
        if faults.malformed == "html" and listing:
            return Reply(200, b"<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html")
        if faults.malformed == "truncated" and listing:
            body = body[: max(1, len(body) // 2)]
        return Reply(200, body, drip_seconds=faults.drip_seconds, drip_bytes=faults.drip_bytes)

    def _shaped_listing(self, listing: _Listing) -> Reply:
        body, faults = listing.body, self.faults
        if faults.malformed == "studies_object":
            body["studies"] = {str(i): s for i, s in enumerate(body["studies"])}
        if self.validate is not None and faults.malformed is None:
            self.validate(body)
        return self._shaped(_json(body), listing=True)

    def _endless_page(self, *, first: bool) -> Reply:
        # A fresh token every time, and never a study: a listing that would never end.
        with self._lock:
            self._endless += 1
            token = f"endless{self._endless:06d}"
        body = {"studies": [], "totalCount": 0, "nextPageToken": token} if first else {}
        body = body or {"studies": [], "nextPageToken": token}
        return self._shaped(_json(body), listing=False)

    def _matching(self, request: StudiesRequest) -> list[str]:
        with self.records.lock:
            key = (request.selection_key, self.records.version)
            if key not in self._cache:
                if len(self._cache) >= 16:
                    self._cache.clear()
                studies = self.records.studies.items()
                self._cache[key] = [n for n, s in studies if request.selects(s)]
            return self._cache[key]

    def _studies(self, request: StudiesRequest) -> _Listing:
        offset, empties_here, empty_served = 0, 0, False
        token = request.page_token
        if token:
            offset, empties_here, empty_served = decode_token(token, request.selection_key)
        matching = self._matching(request)
        body: dict = {"studies": []}
        faults = self.faults
        wanted = faults.empty_pages or (1 if faults.empty_page and not empty_served else 0)
        if token and empties_here < wanted:
            body["nextPageToken"] = encode_token(
                offset, request.selection_key, empties_here + 1, True
            )
            return _Listing(body, first=False)
        with self.records.lock:
            page = matching[offset : offset + request.page_size]
            shown = with_results if request.wants_results else _as_stored
            body["studies"] = [
                project(shown(self.records.studies[n]), request.pieces)
                for n in page
                if n in self.records.studies
            ]
            if request.count_total and not token:
                body["totalCount"] = len(matching) + self.faults.overcount
            end = offset + request.page_size
            if end < len(matching):
                body["nextPageToken"] = encode_token(end, request.selection_key, 0, empty_served)
        # mutate() swaps in a changed copy, so the studies referenced here stay as they were.
        return _Listing(body, first=not token)
