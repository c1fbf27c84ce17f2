import json
import socket
import time
from datetime import UTC, datetime

import httpx
import pytest

from benchmark_pipeline.lib.trials.client import (
    CtgovError,
    CtgovSession,
    RegistryUnreachable,
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
    mock_transport,
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


def test_each_retry_is_told_in_one_line_with_attempt_url_reason_and_wait():
    fake = spec_checked_fake(psilocybin_trials(1))
    fake.queue(503, Reply.text(429, "slow down", {"Retry-After": "7"}))
    clock = FakeClock()
    session = clocked_session(fake, clock, backoff_base_seconds=2.0, max_attempts=6)
    told: list[str] = []
    session.on_retry = told.append
    read_version(session)
    assert told == [
        "attempt 1 of 6 failed: GET https://clinicaltrials.gov/api/v2/version: HTTP 503; "
        "retrying in 2.0s",
        "attempt 2 of 6 failed: GET https://clinicaltrials.gov/api/v2/version: HTTP 429; "
        "retrying in 7.0s",
    ]
    assert clock.sleeps == [2.0, 7.0]


def _unresolvable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)


def test_a_name_that_does_not_resolve_ends_the_first_request_at_once():
    clock = FakeClock()
    session = CtgovSession(
        client=httpx.Client(
            base_url="https://registry.invalid/api/v2", transport=httpx.MockTransport(_unresolvable)
        ),
        sleep=clock.sleep,
        clock=clock,
    )
    with pytest.raises(RegistryUnreachable) as raised:
        read_version(session)
    assert str(raised.value) == (
        "https://registry.invalid/api/v2 could not be reached: ConnectError: [Errno -2] Name or "
        "service not known (GET https://registry.invalid/api/v2/version; not retried: nothing has "
        "answered from this address yet)"
    )
    assert session.requests_made == 1 and clock.sleeps == []


def test_a_refused_connection_on_a_real_socket_ends_at_once():
    with socket.socket() as probe:  # a port nothing listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    resource = ClinicalTrialsResource(base_url=f"http://127.0.0.1:{port}/api/v2")
    started = time.monotonic()
    with resource.session() as session, pytest.raises(RegistryUnreachable, match="refused"):
        read_version(session)
    assert session.requests_made == 1
    assert time.monotonic() - started < 5


def test_a_connection_lost_after_the_registry_answered_is_retried():
    fake = spec_checked_fake(psilocybin_trials(1))
    answers = iter(["connect", "answer"])

    def flaky(request: httpx.Request) -> httpx.Response:
        if next(answers, "answer") == "connect" and request.url.path.endswith("/studies"):
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return mock_transport(fake).handle_request(request)

    clock = FakeClock()
    session = CtgovSession(
        client=httpx.Client(
            base_url="https://clinicaltrials.gov/api/v2", transport=httpx.MockTransport(flaky)
        ),
        sleep=clock.sleep,
        clock=clock,
        rng=lambda: 0.5,
    )
    read_version(session)  # answered: the registry is reachable
    studies, _ = fetch_studies(session, search_params(["psilocybin"], STATUSES))
    assert len(studies) == 1 and len(clock.sleeps) >= 1
