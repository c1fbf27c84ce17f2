import json
from datetime import UTC, datetime

import httpx
import pytest

from benchmark_pipeline.lib.trials.client import (
    CtgovError,
    retry_after_seconds,
)
from benchmark_pipeline.lib.trials.paging import (
    read_version,
    search_params,
)
from benchmark_pipeline.resources import ClinicalTrialsResource
from benchmark_pipeline_tests.fakes import (
    RESET,
    TIMEOUT,
    Faults,
    Reply,
    study,
)
from benchmark_pipeline_tests.support.ctgov import (
    FakeClock,
    clocked_session,
    fetch_studies,
    psilocybin_trials,
    spec_checked_fake,
)

STATUSES = ["COMPLETED", "ACTIVE_NOT_RECRUITING", "RECRUITING"]


def test_429_with_retry_after_then_success():
    fake = spec_checked_fake(psilocybin_trials(1))
    fake.queue(Reply.text(429, "slow down", {"Retry-After": "7"}))
    clock = FakeClock()
    studies, _ = fetch_studies(
        clocked_session(fake, clock), search_params(["psilocybin"], STATUSES)
    )
    assert len(studies) == 1 and fake.request_count() == 2
    assert clock.sleeps == [7.0]


def test_503s_then_success_backs_off_exponentially():
    fake = spec_checked_fake(psilocybin_trials(1))
    fake.queue(503, 503, 503)
    clock = FakeClock()
    session = clocked_session(fake, clock, backoff_base_seconds=2.0, min_interval_seconds=0)
    studies, _ = fetch_studies(session, search_params(["psilocybin"], STATUSES))
    assert len(studies) == 1 and session.requests_made == 4
    assert clock.sleeps == [2.0, 4.0, 8.0]  # rng 0.5 -> jitter factor 1.0


def test_connection_errors_and_403_are_retried():
    fake = spec_checked_fake(psilocybin_trials(1))
    fake.queue(RESET, TIMEOUT, 403)
    clock = FakeClock()
    session = clocked_session(fake, clock)
    assert read_version(session).data_timestamp == "2026-09-04T09:00:06"
    assert fake.request_count() == 4


def test_persistent_failure_is_bounded_in_attempts():
    fake = spec_checked_fake(psilocybin_trials(1), faults=Faults(down=True, paths=("/studies",)))
    session = clocked_session(fake, FakeClock(), max_attempts=4, max_total_seconds=10_000)
    with pytest.raises(CtgovError, match="failed after 4 attempts: HTTP 503"):
        fetch_studies(session, search_params(["psilocybin"], STATUSES))
    assert fake.request_count() == 4


def test_persistent_failure_is_bounded_in_time():
    fake = spec_checked_fake(psilocybin_trials(1))
    fake.queue(*[500] * 50)
    clock = FakeClock()
    session = clocked_session(fake, clock, max_attempts=50, max_total_seconds=20)
    with pytest.raises(CtgovError, match="would pass the 20s limit"):
        fetch_studies(session, search_params(["psilocybin"], STATUSES))
    assert sum(clock.sleeps) <= 20


def test_bad_request_is_not_retried():
    fake = spec_checked_fake()
    fake.queue(Reply.text(400, "unknown parameter filter.phase"))
    with pytest.raises(CtgovError, match="HTTP 400: unknown parameter filter.phase"):
        fetch_studies(clocked_session(fake, FakeClock()), {"query.intr": "x"})
    assert fake.request_count() == 1


def test_retry_after_as_http_date():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None) is None


def test_resource_session_follows_redirects_and_sends_user_agent():
    seen = []

    def handler(request):
        seen.append(request)
        if request.url.path.endswith("/studies/NCT00000001"):
            return httpx.Response(301, headers={"Location": "/api/v2/studies/NCT00000002"})
        return httpx.Response(200, json=study("NCT00000002", ["LSD"]))

    class Redirecting(ClinicalTrialsResource):
        def transport(self):
            return httpx.MockTransport(handler)

    with Redirecting(min_interval_seconds=0).session() as session:
        answer = session.get("/studies/NCT00000001")
    assert json.loads(answer.body)["protocolSection"]["identificationModule"]["nctId"] == (
        "NCT00000002"
    )
    assert answer.url.endswith("/studies/NCT00000002")
    assert "benchmark_pipeline" in seen[0].headers["User-Agent"]


def test_a_body_dripped_slowly_is_cut_off_by_the_deadline():
    fake = spec_checked_fake(psilocybin_trials(3), faults=Faults(drip_seconds=1.0, drip_bytes=10))
    clock = FakeClock()
    session = clocked_session(fake, clock, max_total_seconds=30, max_attempts=3)
    with pytest.raises(CtgovError, match="still arriving when the 30s deadline"):
        fetch_studies(session, search_params(["psilocybin"], STATUSES))
    assert 30 < clock.now <= 32  # the read stopped at the deadline, not at the body's end
    assert fake.request_count() == 1
