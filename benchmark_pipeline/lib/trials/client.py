"""ClinicalTrials.gov API v2 over httpx: request building, pacing, retries, deadlines, pagination.

Every request has a deadline (``max_total_seconds``) that covers its retries and the reading of
its body, so a body dripped slowly is cut off too. Pages are decoded as they arrive
(``lib/trials/wire.py``) and pagination is bounded: a repeated page token, more pages than the
announced ``totalCount`` can fill, or a different number of studies all end the run.
Sleeping, the clock and the jitter source are parameters, so tests run without waiting.
"""

import math
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from benchmark_pipeline.lib.modalities import INTERVENTION_FIELD_ONLY
from benchmark_pipeline.lib.trials.wire import (
    DecodedPage,
    MalformedResponse,
    Version,
    decode_page,
    decode_version,
)

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
USER_AGENT = (
    "benchmark_pipeline/0.1 (psychedelic-therapy benchmark tables; weekly refresh; "
    "+https://clinicaltrials.gov/data-api/api)"
)
PAGE_SIZE = 1000  # the API's maximum; larger values are silently coerced down to it
# Pieces of a record the rows use (piece names of the API's data structure, checked against the
# OpenAPI spec by the tests): the protocol, the condition MeSH terms and ancestors, hasResults.
STUDY_FIELDS = "ProtocolSection|ConditionBrowseModule|HasResults"
IDS_PER_LOOKUP = 200  # keeps a filter.ids request URL a few kB long
EXTRA_PAGES = 3  # empty pages tolerated beyond what totalCount needs ("a page may be empty")
BODY_SHOWN = 300  # characters of a malformed body quoted in the error


class CtgovError(RuntimeError):
    """ClinicalTrials.gov did not give a usable answer; the message says what was asked."""


class TotalCountMismatch(CtgovError):
    """Fewer or more studies arrived than the first page's ``totalCount`` announced."""


class MalformedAnswer(CtgovError):
    """A 200 answer that is not what the API promises (not JSON, not a ``PagedStudies``).

    Retrying would only fetch the same answer again: the run ends at once.
    """


@dataclass(frozen=True)
class RetrySettings:
    """How hard to try: attempts and total time are both bounded; requests are paced."""

    max_attempts: int = 6
    max_total_seconds: float = 300.0  # the deadline of one request: retries and body included
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 60.0
    min_interval_seconds: float = 1.0  # robots.txt asks for Crawl-delay: 1


@dataclass(frozen=True)
class Answer:
    """One successful (2xx) response, read in full within its deadline."""

    url: str
    status: int
    content_type: str
    body: bytes

    def malformed(self, reason: str) -> MalformedAnswer:
        start = self.body[:BODY_SHOWN].decode("utf-8", errors="replace")
        return MalformedAnswer(
            f"GET {self.url} answered HTTP {self.status} with content type "
            f"{self.content_type or 'none'!r}: {reason}; the body starts: {start!r}"
        )


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


class _Late(Exception):
    """The deadline passed while a body was still arriving."""


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

    def _timeout(self, deadline: float) -> httpx.Timeout:
        remaining = max(deadline - self.clock(), 0.001)
        configured = self.client.timeout

        def bounded(value: float | None) -> float:
            return remaining if value is None else min(value, remaining)

        return httpx.Timeout(
            connect=bounded(configured.connect),
            read=bounded(configured.read),
            write=bounded(configured.write),
            pool=bounded(configured.pool),
        )

    def _send(
        self, path: str, params: Mapping[str, Any] | None, deadline: float
    ) -> tuple[httpx.Response, bytes]:
        self._pace()
        self._last_request_at = self.clock()
        self.requests_made += 1
        request = self.client.build_request(
            "GET", path, params=params, timeout=self._timeout(deadline)
        )
        response = self.client.send(request, stream=True)
        try:
            chunks = []
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if self.clock() > deadline:
                    raise _Late(f"{sum(map(len, chunks)):,} bytes read")
            return response, b"".join(chunks)
        finally:
            response.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Answer:
        """GET ``path`` within the deadline, retrying timeouts, connection errors, 403/429/5xx."""
        started = self.clock()
        deadline = started + self.settings.max_total_seconds
        limit = self.settings.max_total_seconds
        what = _describe(path, params)
        for attempt in range(1, self.settings.max_attempts + 1):
            wait: float | None = None
            try:
                response, body = self._send(path, params, deadline)
            except _Late as exc:
                raise CtgovError(
                    f"{what}: the answer was still arriving when the {limit:.0f}s deadline of "
                    f"the request passed ({exc})"
                ) from None
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.is_success:
                    return Answer(
                        url=str(response.url),
                        status=response.status_code,
                        content_type=response.headers.get("content-type", ""),
                        body=body,
                    )
                problem = f"HTTP {response.status_code}"
                if not _retryable(response.status_code):
                    text = body[:500].decode("utf-8", errors="replace")
                    raise CtgovError(f"{what} failed: {problem}: {text}")
                wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is None:
                wait = backoff_seconds(attempt, self.settings, self.rng)
            elapsed = self.clock() - started
            if attempt == self.settings.max_attempts:
                break
            if elapsed + wait > limit:
                raise CtgovError(
                    f"{what} failed after {attempt} attempt(s): {problem}; the next wait of "
                    f"{wait:.0f}s would pass the {limit:.0f}s limit"
                )
            self.sleep(wait)
            # The wait already spaced the requests; pacing starts again from here.
            self._last_request_at = None
        raise CtgovError(f"{what} failed after {self.settings.max_attempts} attempts: {problem}")


def _essie_term(term: str) -> str:
    # Anything but a bare word is quoted so Essie reads it as one phrase ("magic mushroom", "N,N-DMT").
    quoted = term if re.fullmatch(r"[A-Za-z0-9]+", term) else f'"{term}"'
    if term in INTERVENTION_FIELD_ONLY:
        return f"AREA[InterventionName]{quoted} OR AREA[InterventionOtherName]{quoted}"
    return quoted


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
class Paging:
    """What one paged result announced and delivered, filled in as the pages arrive."""

    total_count: int = 0
    pages: int = 0
    received: int = 0


def iter_pages(
    session: CtgovSession, params: Mapping[str, str], paging: Paging | None = None
) -> Iterator[DecodedPage]:
    """Every page of ``/studies`` for ``params``, decoded, until ``nextPageToken`` is absent.

    An empty page is not the end. Raises ``CtgovError`` when a token repeats or the pages
    outnumber what ``totalCount`` can fill (plus ``EXTRA_PAGES``), ``TotalCountMismatch`` when
    the studies received (kept or rejected) differ from ``totalCount``, and ``MalformedAnswer``
    for a page that is not a ``PagedStudies``.
    """
    paging = paging if paging is not None else Paging()
    what = _describe("/studies", params)
    first = _page(session.get("/studies", {**params, "countTotal": "true"}))
    if first.total_count is None:
        raise CtgovError(f"{what}: first page has no totalCount")
    paging.total_count = first.total_count
    page_size = int(params.get("pageSize") or 10)
    allowed = max(1, math.ceil(first.total_count / page_size)) + EXTRA_PAGES
    page, seen_tokens = first, set()
    while True:
        paging.pages += 1
        paging.received += len(page.studies) + len(page.rejected)
        if paging.received > paging.total_count:
            raise TotalCountMismatch(
                f"{what}: received {paging.received} studies by page {paging.pages} but the API "
                f"announced totalCount={paging.total_count}; refusing to load a wrong result"
            )
        yield page
        token = page.next_page_token
        if not token:
            break
        if token in seen_tokens:
            raise CtgovError(f"{what}: page token repeated after {paging.pages} pages")
        if paging.pages >= allowed:
            raise CtgovError(
                f"{what}: still a nextPageToken after {paging.pages} pages, more than "
                f"totalCount={paging.total_count} at pageSize={page_size} needs "
                f"(+{EXTRA_PAGES}); stopping an endless listing"
            )
        seen_tokens.add(token)
        page = _page(session.get("/studies", {**params, "pageToken": token}))
    if paging.received != paging.total_count:
        raise TotalCountMismatch(
            f"{what}: received {paging.received} studies in {paging.pages} page(s) but the API "
            f"announced totalCount={paging.total_count}; refusing to load an incomplete result"
        )


def _page(answer: Answer) -> DecodedPage:
    try:
        return decode_page(answer.body)
    except MalformedResponse as exc:
        raise answer.malformed(str(exc)) from None


def lookup_params(nct_ids: Sequence[str]) -> dict[str, str]:
    """A ``filter.ids`` query: the current records of these ids, whatever their status."""
    return {"filter.ids": "|".join(nct_ids), "fields": STUDY_FIELDS, "pageSize": str(PAGE_SIZE)}


def iter_lookups(
    session: CtgovSession, nct_ids: Iterable[str], batch_size: int = IDS_PER_LOOKUP
) -> Iterator[DecodedPage]:
    """Pages of the current records of these NCT ids (``filter.ids``, no other filter).

    Ids the registry no longer has are simply absent from the result.
    """
    ids = sorted(set(nct_ids))
    for start in range(0, len(ids), batch_size):
        yield from iter_pages(session, lookup_params(ids[start : start + batch_size]))


def read_version(session: CtgovSession) -> Version:
    """``/version``: ``apiVersion`` and ``dataTimestamp`` (UTC) of the data being served."""
    answer = session.get("/version")
    try:
        return decode_version(answer.body)
    except MalformedResponse as exc:
        raise answer.malformed(str(exc)) from None
