import httpx
import pytest

from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY
from benchmark_pipeline.lib.trials.client import (
    CtgovError,
    CtgovSession,
    RetrySettings,
    TotalCountMismatch,
    fetch_all_pages,
    fetch_by_ids,
    read_version,
    retry_after_seconds,
    search_params,
)
from benchmark_pipeline_tests.defs.trials.ctgov_api import (
    FakeCtgov,
    declared_parameters,
    fake_resource,
    study,
    validate_page,
)

STATUSES = ["COMPLETED", "ACTIVE_NOT_RECRUITING", "RECRUITING"]


class FakeClock:
    """Time that moves only when the code under test sleeps (or a request 'takes' time)."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _session(fake: FakeCtgov, clock: FakeClock, **settings) -> CtgovSession:
    client = httpx.Client(
        base_url="https://clinicaltrials.gov/api/v2", transport=httpx.MockTransport(fake.handler)
    )
    return CtgovSession(
        client=client,
        settings=RetrySettings(**settings),
        sleep=clock.sleep,
        clock=clock,
        rng=lambda: 0.5,
    )


def _psilocybin(n: int, start: int = 1) -> list[dict]:
    return [study(f"NCT{i:08d}", ["Psilocybin"]) for i in range(start, start + n)]


def test_search_params_are_declared_by_the_spec_and_quote_phrases():
    params = search_params(DEFAULT_VOCABULARY["mdma"], STATUSES, condition="PTSD")
    assert set(params) <= declared_parameters("/studies")
    assert (
        params["query.intr"]
        == 'MDMA OR "3,4-methylenedioxymethamphetamine" OR methylenedioxymethamphetamine'
    )
    assert params["filter.overallStatus"] == "COMPLETED|ACTIVE_NOT_RECRUITING|RECRUITING"
    assert params["pageSize"] == "1000" and params["query.cond"] == "PTSD"
    assert "query.cond" not in search_params(["ketamine"], STATUSES)


def test_fixture_pages_match_the_paged_studies_schema():
    validate_page({"studies": _psilocybin(2), "totalCount": 2, "nextPageToken": "abc"})
    with pytest.raises(Exception, match="Additional properties"):
        validate_page({"studies": [], "total": 2})


def test_pagination_follows_tokens_through_an_empty_middle_page():
    fake = FakeCtgov(studies=_psilocybin(5), page_size=2, empty_page_after=2)
    clock = FakeClock()
    result = fetch_all_pages(_session(fake, clock), search_params(["psilocybin"], STATUSES))
    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in result.studies] == [
        f"NCT{i:08d}" for i in range(1, 6)
    ]
    assert result.total_count == 5 and result.pages == 4
    sent = [r.url.params for r in fake.requests]
    assert sent[0]["countTotal"] == "true" and "pageToken" not in sent[0]
    assert [p.get("pageToken") for p in sent[1:]] == ["tok1", "tok2", "tok3"]
    # Later pages repeat the first page's query unchanged.
    assert all(p["query.intr"] == "psilocybin" for p in sent)
    # Paced at one request a second by default.
    assert clock.sleeps == [1.0, 1.0, 1.0]


def test_total_count_mismatch_fails_saying_so():
    fake = FakeCtgov(studies=_psilocybin(3), overcount=1)
    with pytest.raises(TotalCountMismatch, match="received 3 studies .* totalCount=4"):
        fetch_all_pages(_session(fake, FakeClock()), search_params(["psilocybin"], STATUSES))


def test_429_with_retry_after_then_success():
    fake = FakeCtgov(
        studies=_psilocybin(1),
        failures=[httpx.Response(429, headers={"Retry-After": "7"}, text="slow down")],
    )
    clock = FakeClock()
    result = fetch_all_pages(_session(fake, clock), search_params(["psilocybin"], STATUSES))
    assert len(result.studies) == 1 and len(fake.requests) == 2
    assert clock.sleeps == [7.0]


def test_503s_then_success_backs_off_exponentially():
    fake = FakeCtgov(studies=_psilocybin(1), failures=[httpx.Response(503)] * 3)
    clock = FakeClock()
    session = _session(fake, clock, backoff_base_seconds=2.0, min_interval_seconds=0)
    result = fetch_all_pages(session, search_params(["psilocybin"], STATUSES))
    assert len(result.studies) == 1 and session.requests_made == 4
    assert clock.sleeps == [2.0, 4.0, 8.0]  # rng 0.5 -> jitter factor 1.0


def test_connection_errors_and_403_are_retried():
    calls = {"n": 0}
    fake = FakeCtgov(studies=_psilocybin(1))

    def flaky(request):
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("connection refused", request=request)
        if calls["n"] == 2:
            raise httpx.ReadTimeout("timed out", request=request)
        if calls["n"] == 3:
            return httpx.Response(403, text="Forbidden")
        return fake.handler(request)

    client = httpx.Client(base_url="https://x/api/v2", transport=httpx.MockTransport(flaky))
    clock = FakeClock()
    session = CtgovSession(client=client, sleep=clock.sleep, clock=clock, rng=lambda: 0.5)
    assert read_version(session)["dataTimestamp"] == "2026-09-04T09:00:06"
    assert calls["n"] == 4


def test_persistent_failure_is_bounded_in_attempts():
    fake = FakeCtgov(studies=_psilocybin(1), always_fail=503)
    session = _session(fake, FakeClock(), max_attempts=4, max_total_seconds=10_000)
    with pytest.raises(CtgovError, match="failed after 4 attempts: HTTP 503"):
        fetch_all_pages(session, search_params(["psilocybin"], STATUSES))
    assert len(fake.requests) == 4


def test_persistent_failure_is_bounded_in_time():
    fake = FakeCtgov(studies=_psilocybin(1), always_fail=500)
    clock = FakeClock()
    session = _session(fake, clock, max_attempts=50, max_total_seconds=20)
    with pytest.raises(CtgovError, match="would pass the 20s limit"):
        fetch_all_pages(session, search_params(["psilocybin"], STATUSES))
    assert sum(clock.sleeps) <= 20


def test_bad_request_is_not_retried():
    fake = FakeCtgov(failures=[httpx.Response(400, text="unknown parameter filter.phase")])
    with pytest.raises(CtgovError, match="HTTP 400: unknown parameter filter.phase"):
        fetch_all_pages(_session(fake, FakeClock()), {"query.intr": "x"})
    assert len(fake.requests) == 1


def test_retry_after_as_http_date():
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None) is None


def test_fetch_by_ids_batches_and_ignores_status():
    gone = study("NCT00000009", ["Psilocybin"], status="TERMINATED")
    fake = FakeCtgov(studies=[*_psilocybin(3), gone])
    session = _session(fake, FakeClock())
    found = fetch_by_ids(session, ["NCT00000003", "NCT00000009", "NCT00000077"], batch_size=2)
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in found]
    assert ids == ["NCT00000003", "NCT00000009"]
    assert [r.url.params["filter.ids"] for r in fake.requests] == [
        "NCT00000003|NCT00000009",
        "NCT00000077",
    ]


def test_resource_session_follows_redirects_and_sends_user_agent():
    seen = []

    def handler(request):
        seen.append(request)
        if request.url.path.endswith("/studies/NCT00000001"):
            return httpx.Response(301, headers={"Location": "/api/v2/studies/NCT00000002"})
        return httpx.Response(200, json=study("NCT00000002", ["LSD"]))

    fake = FakeCtgov()
    fake.handler = handler  # type: ignore[method-assign]
    with fake_resource(fake).session() as session:
        record = session.get_json("/studies/NCT00000001")
    assert record["protocolSection"]["identificationModule"]["nctId"] == "NCT00000002"
    assert "benchmark_pipeline" in seen[0].headers["User-Agent"]
