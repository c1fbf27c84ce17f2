"""ClinicalTrials.gov API v2 over httpx: request building, pacing, retries and pagination.

Sleeping, the clock and the jitter source are parameters, so tests run without waiting.
"""

import random
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
USER_AGENT = (
    "benchmark_pipeline/0.1 (psychedelic-therapy benchmark tables; weekly refresh; "
    "+https://clinicaltrials.gov/data-api/api)"
)
PAGE_SIZE = 1000  # the API's maximum; larger values are silently coerced down to it
STUDY_FIELDS = "ProtocolSection"  # everything parsed lives there; skips the large results
IDS_PER_LOOKUP = 200  # keeps a filter.ids request URL a few kB long


class CtgovError(RuntimeError):
    """ClinicalTrials.gov did not give a usable answer; the message says what was asked."""


class TotalCountMismatch(CtgovError):
    """Fewer or more studies arrived than the first page's ``totalCount`` announced."""


@dataclass(frozen=True)
class RetrySettings:
    """How hard to try: attempts and total time are both bounded; requests are paced."""

    max_attempts: int = 6
    max_total_seconds: float = 300.0
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 60.0
    min_interval_seconds: float = 1.0  # robots.txt asks for Crawl-delay: 1


def _retryable(status: int) -> bool:
    # 403 is how the API has answered bursts in practice, although it declares no rate limit.
    return status in (403, 429) or status >= 500


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as seconds to wait; ``None`` if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(attempt: int, settings: RetrySettings, rng: Callable[[], float]) -> float:
    """Exponential backoff for the ``attempt``-th failure (1-based), jittered to 50-150%."""
    base = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2 ** (attempt - 1))
    return base * (0.5 + rng())


def _describe(path: str, params: Mapping[str, Any] | None) -> str:
    shown = {k: v for k, v in (params or {}).items() if k != "pageToken"}
    return f"GET {path} {shown}" if shown else f"GET {path}"


@dataclass
class CtgovSession:
    """One run's conversation with the API: paced, retried, and counted in ``requests_made``."""

    client: httpx.Client
    settings: RetrySettings = field(default_factory=RetrySettings)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: Callable[[], float] = random.random
    requests_made: int = 0
    _last_request_at: float | None = None

    def _pace(self) -> None:
        if self._last_request_at is None:
            return
        wait = self.settings.min_interval_seconds - (self.clock() - self._last_request_at)
        if wait > 0:
            self.sleep(wait)

    def _send(self, path: str, params: Mapping[str, Any] | None) -> httpx.Response:
        self._pace()
        self._last_request_at = self.clock()
        self.requests_made += 1
        return self.client.get(path, params=params)

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path`` and decode its JSON, retrying timeouts, connection errors, 403/429/5xx."""
        started = self.clock()
        what = _describe(path, params)
        for attempt in range(1, self.settings.max_attempts + 1):
            wait: float | None = None
            try:
                response = self._send(path, params)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.is_success:
                    return response.json()
                problem = f"HTTP {response.status_code}"
                if not _retryable(response.status_code):
                    raise CtgovError(f"{what} failed: {problem}: {response.text[:500]}")
                wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is None:
                wait = backoff_seconds(attempt, self.settings, self.rng)
            elapsed = self.clock() - started
            if attempt == self.settings.max_attempts:
                break
            if elapsed + wait > self.settings.max_total_seconds:
                raise CtgovError(
                    f"{what} failed after {attempt} attempt(s): {problem}; the next wait of "
                    f"{wait:.0f}s would pass the {self.settings.max_total_seconds:.0f}s limit"
                )
            self.sleep(wait)
            # The wait already spaced the requests; pacing starts again from here.
            self._last_request_at = None
        raise CtgovError(f"{what} failed after {self.settings.max_attempts} attempts: {problem}")


def _essie_term(term: str) -> str:
    # Anything but a bare word is quoted so Essie reads it as one phrase ("magic mushroom", "N,N-DMT").
    return term if re.fullmatch(r"[A-Za-z0-9]+", term) else f'"{term}"'


def search_params(
    terms: Sequence[str], statuses: Sequence[str], condition: str | None = None
) -> dict[str, str]:
    """The ``/studies`` query for one modality: its terms OR-ed in ``query.intr``, statuses filtered."""
    params = {
        "query.intr": " OR ".join(_essie_term(t) for t in terms),
        "fields": STUDY_FIELDS,
        "pageSize": str(PAGE_SIZE),
    }
    if statuses:
        params["filter.overallStatus"] = "|".join(statuses)
    if condition:
        params["query.cond"] = condition
    return params


@dataclass
class SearchResult:
    studies: list[dict[str, Any]]
    total_count: int
    pages: int


def fetch_all_pages(session: CtgovSession, params: Mapping[str, str]) -> SearchResult:
    """Every page of ``/studies`` for ``params``: follow ``nextPageToken`` until it is absent.

    An empty page is not the end. Raises ``TotalCountMismatch`` unless the number of studies
    received equals the first page's ``totalCount``.
    """
    first = session.get_json("/studies", {**params, "countTotal": "true"})
    if "totalCount" not in first:
        raise CtgovError(f"{_describe('/studies', params)}: first page has no totalCount")
    total = int(first["totalCount"])
    studies = list(first.get("studies") or [])
    pages, token, seen_tokens = 1, first.get("nextPageToken"), set()
    while token:
        if token in seen_tokens:
            raise CtgovError(
                f"{_describe('/studies', params)}: page token repeated after {pages} pages"
            )
        seen_tokens.add(token)
        page = session.get_json("/studies", {**params, "pageToken": token})
        studies += page.get("studies") or []
        pages += 1
        token = page.get("nextPageToken")
    if len(studies) != total:
        raise TotalCountMismatch(
            f"{_describe('/studies', params)}: received {len(studies)} studies in {pages} page(s) "
            f"but the API announced totalCount={total}; refusing to load an incomplete result"
        )
    return SearchResult(studies=studies, total_count=total, pages=pages)


def fetch_by_ids(
    session: CtgovSession, nct_ids: Iterable[str], batch_size: int = IDS_PER_LOOKUP
) -> list[dict[str, Any]]:
    """The current records of these NCT ids, whatever their status (``filter.ids``, no other filter).

    Ids the registry no longer has are simply absent from the result.
    """
    ids = sorted(set(nct_ids))
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        params = {"filter.ids": "|".join(batch), "fields": STUDY_FIELDS, "pageSize": str(PAGE_SIZE)}
        found += fetch_all_pages(session, params).studies
    return found


def read_version(session: CtgovSession) -> dict[str, Any]:
    """``/version``: ``apiVersion`` and ``dataTimestamp`` (UTC) of the data being served."""
    return session.get_json("/version")
