"""The fake API inside httpx: ``FakeCtgov`` behind an ``httpx.MockTransport``, no socket.

A stall raises ``httpx.ReadTimeout`` and a reset ``httpx.ReadError`` at once (what a client
would see after waiting); a dripped body is a stream that calls ``fake_sleep`` before each
piece, so a test with a fake clock sees time pass without waiting.
"""

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from benchmark_pipeline.resources import ClinicalTrialsResource

from .ctgov_core import FakeCtgov
from .ctgov_faults import Reply, Stall


class _Drip(httpx.SyncByteStream):
    def __init__(self, reply: Reply, sleep: Callable[[float], None]) -> None:
        self.reply, self.sleep = reply, sleep

    def __iter__(self) -> Iterator[bytes]:
        body, step = self.reply.body, self.reply.drip_bytes
        for start in range(0, len(body), step):
            self.sleep(self.reply.drip_seconds)
            yield body[start : start + step]


def mock_transport(
    fake: FakeCtgov, sleep: Callable[[float], None] = time.sleep
) -> httpx.MockTransport:
    """A MockTransport answering every request as ``fake`` decides."""

    def handler(request: httpx.Request) -> httpx.Response:
        outcome = fake.handle(request.url.path, request.url.query.decode("ascii"))
        if isinstance(outcome, Stall):
            raise httpx.ReadTimeout("the fake answered too late", request=request)
        if not isinstance(outcome, Reply):
            raise httpx.ReadError("connection reset by the fake", request=request)
        headers = {"content-type": f"{outcome.content_type};charset=UTF-8", **outcome.headers}
        if outcome.drip_seconds:
            return httpx.Response(
                outcome.status, headers=headers, stream=_Drip(outcome, sleep), request=request
            )
        return httpx.Response(outcome.status, headers=headers, content=outcome.body)

    return httpx.MockTransport(handler)


def fake_resource(fake: FakeCtgov, **settings: Any) -> ClinicalTrialsResource:
    """The real resource class talking to ``fake`` through a MockTransport. It never waits to
    retry or pace; only a dripped body takes the real time it is set to take."""

    class FakeTransportResource(ClinicalTrialsResource):
        def transport(self) -> httpx.BaseTransport:
            return mock_transport(fake)

        def sleep(self, seconds: float) -> None:
            return None

    defaults = {
        "base_url": "https://clinicaltrials.gov/api/v2",
        "min_interval_seconds": 0.0,
        "backoff_base_seconds": 0.0,
    }
    return FakeTransportResource(**{**defaults, **settings})
