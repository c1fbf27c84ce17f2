"""ClinicalTrials.gov API v2 over httpx: one request at a time, paced, retried, within a deadline.

Every request has a deadline (``max_total_seconds``) that covers its retries and the reading of
its body, so a body dripped slowly is cut off too. What is asked, and the paging through a
result, live in ``lib/trials/paging.py``. Sleeping, the clock and the jitter source are
parameters, so tests run without waiting.
"""

import random
import time
from collections.abc import Callable, Mapping
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
BODY_SHOWN = 300  # characters of a malformed body quoted in the error


class CtgovError(RuntimeError):
    """ClinicalTrials.gov did not give a usable answer; the message says what was asked."""


class TotalCountMismatch(CtgovError):
    """Fewer or more studies arrived than the first page's ``totalCount`` announced."""


class RegistryUnreachable(CtgovError):
    """The very first request could not connect: the name does not resolve or the connection is
    refused. Nothing has answered yet, so waiting and retrying would most likely only delay the
    same answer: the caller says which address was tried."""


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


def describe_request(path: str, params: Mapping[str, Any] | None) -> str:
    """``GET <path or URL> {params}``, without the page token (opaque, and long)."""
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
    on_retry: Callable[[str], None] | None = None  # told one line before each retry's wait
    requests_made: int = 0
    bytes_received: int = 0  # answer bodies read, as decoded (before any transfer compression)
    answered: bool = False  # whether any request of this session got an HTTP answer
    _last_request_at: float | None = None

    @property
    def base_url(self) -> str:
        return str(self.client.base_url).rstrip("/")

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (without parameters), for messages."""
        return str(self.client.build_request("GET", path).url)

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
                self.bytes_received += len(chunk)
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
        what = describe_request(self.url(path), params)
        attempts = self.settings.max_attempts
        for attempt in range(1, attempts + 1):
            wait: float | None = None
            try:
                response, body = self._send(path, params, deadline)
            except _Late as exc:
                raise CtgovError(
                    f"{what}: the answer was still arriving when the {limit:.0f}s deadline of "
                    f"the request passed ({exc})"
                ) from None
            except httpx.ConnectError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                if not self.answered:
                    raise RegistryUnreachable(
                        f"{self.base_url} could not be reached: {problem} ({what}; not "
                        "retried: nothing has answered from this address yet)"
                    ) from None
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                self.answered = True
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
            if attempt == attempts:
                break
            if elapsed + wait > limit:
                raise CtgovError(
                    f"{what} failed after {attempt} attempt(s): {problem}; the next wait of "
                    f"{wait:.0f}s would pass the {limit:.0f}s limit"
                )
            if self.on_retry is not None:
                self.on_retry(
                    f"attempt {attempt} of {attempts} failed: {what}: {problem}; retrying in "
                    f"{wait:.1f}s"
                )
            self.sleep(wait)
            # The wait already spaced the requests; pacing starts again from here.
            self._last_request_at = None
        raise CtgovError(f"{what} failed after {attempts} attempts: {problem}")
