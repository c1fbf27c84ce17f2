import json
from datetime import UTC, datetime

import httpx
import pytest

from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY
from benchmark_pipeline.lib.trials.client import (
    STUDY_FIELDS,
    CtgovError,
    CtgovSession,
    MalformedAnswer,
    Paging,
    RetrySettings,
    TotalCountMismatch,
    iter_lookups,
    iter_pages,
    read_version,
    retry_after_seconds,
    search_params,
)
from benchmark_pipeline.resources import ClinicalTrialsResource
from benchmark_pipeline_tests.fakes import (
    RESET,
    TIMEOUT,
    FakeCtgov,
    Faults,
    Reply,
    mock_transport,
    registry,
    spec,
    study,
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


def _fake(studies=(), **kwargs) -> FakeCtgov:
    """The fake over ``studies``, checking every page it serves against the spec."""
    return FakeCtgov(registry(*studies), validate=spec.validate, **kwargs)


def _session(fake: FakeCtgov, clock: FakeClock, **settings) -> CtgovSession:
    client = httpx.Client(
        base_url="https://clinicaltrials.gov/api/v2",
        transport=mock_transport(fake, sleep=clock.sleep),
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


def _fetch(session, params) -> tuple[list, Paging]:
    paging = Paging()
    studies = [s for page in iter_pages(session, params, paging) for s in page.studies]
    return studies, paging


def _ids(studies) -> list[str]:
    return [s.protocol_section.identification_module.nct_id for s in studies]


def test_search_params_are_declared_by_the_spec_and_quote_phrases():
    params = search_params(DEFAULT_VOCABULARY["mdma"], STATUSES, condition="PTSD")
    assert set(params) <= spec.declared_parameters("/studies")
    assert params["query.intr"] == (
        'MDMA OR "3,4-methylenedioxymethamphetamine" OR methylenedioxymethamphetamine'
        " OR midomafetamine"
    )
    assert params["filter.overallStatus"] == "COMPLETED|ACTIVE_NOT_RECRUITING|RECRUITING"
    assert params["pageSize"] == "1000" and params["query.cond"] == "PTSD"
    assert "query.cond" not in search_params(["ketamine"], STATUSES)


def test_the_lsd_acronym_is_searched_only_in_intervention_name_fields():
    intr = search_params(DEFAULT_VOCABULARY["lsd"], STATUSES)["query.intr"]
    assert "AREA[InterventionName]LSD OR AREA[InterventionOtherName]LSD" in intr
    assert '"lysergic acid diethylamide"' in intr and " LSD OR" not in f" {intr} OR"


def test_every_fields_piece_requested_is_in_the_spec():
    pieces = STUDY_FIELDS.split("|")
    assert pieces == ["ProtocolSection", "ConditionBrowseModule", "HasResults"]
    for piece in pieces:
        assert spec.piece_paths(piece), piece
    assert spec.piece_paths("ConditionBrowseModule") == [
        ("derivedSection", "conditionBrowseModule")
    ]


def test_fixture_pages_match_the_paged_studies_schema():
    spec.validate({"studies": _psilocybin(2), "totalCount": 2, "nextPageToken": "abc"})
    with pytest.raises(AssertionError, match="Additional properties"):
        spec.validate({"studies": [], "total": 2})


def test_pagination_follows_tokens_through_an_empty_middle_page():
    fake = _fake(_psilocybin(5), max_page_size=2, faults=Faults(empty_page=True))
    clock = FakeClock()
    studies, paging = _fetch(_session(fake, clock), search_params(["psilocybin"], STATUSES))
    assert _ids(studies) == [f"NCT{i:08d}" for i in range(1, 6)]
    assert paging.total_count == 5 and paging.pages == 4
    sent = fake.logged_params()
    assert sent[0]["countTotal"] == "true" and "pageToken" not in sent[0]
    # Each later request sends back the token the page before it carried (one page was empty).
    assert len({p["pageToken"] for p in sent[1:]}) == 3
    # Later pages repeat the first page's query unchanged.
    assert all(p["query.intr"] == "psilocybin" for p in sent)
    # Paced at one request a second by default.
    assert clock.sleeps == [1.0, 1.0, 1.0]


def test_total_count_mismatch_fails_saying_so():
    fake = _fake(_psilocybin(3), faults=Faults(overcount=1))
    with pytest.raises(TotalCountMismatch, match="received 3 studies .* totalCount=4"):
        _fetch(_session(fake, FakeClock()), search_params(["psilocybin"], STATUSES))


def test_429_with_retry_after_then_success():
    fake = _fake(_psilocybin(1))
    fake.queue(Reply.text(429, "slow down", {"Retry-After": "7"}))
    clock = FakeClock()
    studies, _ = _fetch(_session(fake, clock), search_params(["psilocybin"], STATUSES))
    assert len(studies) == 1 and fake.request_count() == 2
    assert clock.sleeps == [7.0]


def test_503s_then_success_backs_off_exponentially():
    fake = _fake(_psilocybin(1))
    fake.queue(503, 503, 503)
    clock = FakeClock()
    session = _session(fake, clock, backoff_base_seconds=2.0, min_interval_seconds=0)
    studies, _ = _fetch(session, search_params(["psilocybin"], STATUSES))
    assert len(studies) == 1 and session.requests_made == 4
    assert clock.sleeps == [2.0, 4.0, 8.0]  # rng 0.5 -> jitter factor 1.0


def test_connection_errors_and_403_are_retried():
    fake = _fake(_psilocybin(1))
    fake.queue(RESET, TIMEOUT, 403)
    clock = FakeClock()
    session = _session(fake, clock)
    assert read_version(session).data_timestamp == "2026-09-04T09:00:06"
    assert fake.request_count() == 4


def test_persistent_failure_is_bounded_in_attempts():
    fake = _fake(_psilocybin(1), faults=Faults(down=True, paths=("/studies",)))
    session = _session(fake, FakeClock(), max_attempts=4, max_total_seconds=10_000)
    with pytest.raises(CtgovError, match="failed after 4 attempts: HTTP 503"):
        _fetch(session, search_params(["psilocybin"], STATUSES))
    assert fake.request_count() == 4


def test_persistent_failure_is_bounded_in_time():
    fake = _fake(_psilocybin(1))
    fake.queue(*[500] * 50)
    clock = FakeClock()
    session = _session(fake, clock, max_attempts=50, max_total_seconds=20)
    with pytest.raises(CtgovError, match="would pass the 20s limit"):
        _fetch(session, search_params(["psilocybin"], STATUSES))
    assert sum(clock.sleeps) <= 20


def test_bad_request_is_not_retried():
    fake = _fake()
    fake.queue(Reply.text(400, "unknown parameter filter.phase"))
    with pytest.raises(CtgovError, match="HTTP 400: unknown parameter filter.phase"):
        _fetch(_session(fake, FakeClock()), {"query.intr": "x"})
    assert fake.request_count() == 1


def test_retry_after_as_http_date():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None) is None


def test_lookups_batch_and_ignore_status():
    gone = study("NCT00000009", ["Psilocybin"], status="TERMINATED")
    fake = _fake([*_psilocybin(3), gone])
    session = _session(fake, FakeClock())
    pages = iter_lookups(session, ["NCT00000003", "NCT00000009", "NCT00000077"], batch_size=2)
    assert _ids(s for page in pages for s in page.studies) == ["NCT00000003", "NCT00000009"]
    assert [p["filter.ids"] for p in fake.logged_params()] == [
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


# Malformed answers: the run ends at once, naming URL, status, content type and the body.


@pytest.mark.parametrize(
    ("malformed", "reason"),
    [
        ("html", "not JSON"),
        ("truncated", "not JSON"),
        ("studies_object", "not a PagedStudies page: Expected `array`, got `object` at studies"),
    ],
)
def test_a_malformed_page_fails_at_once_naming_the_answer(malformed, reason):
    fake = _fake(_psilocybin(3), faults=Faults(malformed=malformed))
    session = _session(fake, FakeClock())
    with pytest.raises(MalformedAnswer) as raised:
        _fetch(session, search_params(["psilocybin"], STATUSES))
    message = str(raised.value)
    assert reason in message
    assert "GET https://clinicaltrials.gov/api/v2/studies?query.intr=psilocybin" in message
    assert "HTTP 200" in message
    content_type = "text/html" if malformed == "html" else "application/json"
    assert f"content type '{content_type};charset=UTF-8'" in message
    assert (
        "the body starts: '<!DOCTYPE html>" if malformed == "html" else "the body starts: '{"
    ) in message
    assert fake.request_count("/studies") == 1  # not retried


def test_endless_fresh_tokens_with_empty_pages_stop():
    fake = _fake(faults=Faults(malformed="endless_pages"))
    session = _session(fake, FakeClock())
    with pytest.raises(CtgovError, match="stopping an endless listing"):
        _fetch(session, search_params(["psilocybin"], STATUSES))
    assert fake.request_count("/studies") == 4  # 1 page allowed by totalCount=0, +3 empty


def test_a_repeated_token_stops():
    fake = _fake(_psilocybin(3), max_page_size=1)
    repeated = Reply(200, b'{"studies":[],"nextPageToken":"same"}')
    session = _session(fake, FakeClock())
    pages = iter_pages(session, search_params(["psilocybin"], STATUSES))
    next(pages)
    fake.queue(repeated, repeated)
    with pytest.raises(CtgovError, match="page token repeated after 3 pages"):
        list(pages)


def test_a_body_dripped_slowly_is_cut_off_by_the_deadline():
    fake = _fake(_psilocybin(3), faults=Faults(drip_seconds=1.0, drip_bytes=10))
    clock = FakeClock()
    session = _session(fake, clock, max_total_seconds=30, max_attempts=3)
    with pytest.raises(CtgovError, match="still arriving when the 30s deadline"):
        _fetch(session, search_params(["psilocybin"], STATUSES))
    assert 30 < clock.now <= 32  # the read stopped at the deadline, not at the body's end
    assert fake.request_count() == 1
