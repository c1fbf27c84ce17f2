from datetime import date

import pytest

from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY
from benchmark_pipeline.lib.trials.client import (
    CtgovError,
    MalformedAnswer,
    TotalCountMismatch,
)
from benchmark_pipeline.lib.trials.paging import (
    MAX_EMPTY_RUN,
    MIN_EMPTY_PAGES_ALLOWED,
    STUDY_FIELDS,
    changed_params,
    empty_pages_allowed,
    iter_lookups,
    iter_pages,
    search_params,
)
from benchmark_pipeline_tests.fakes import (
    Faults,
    Reply,
    spec,
    study,
)
from benchmark_pipeline_tests.support.ctgov import (
    FakeClock,
    clocked_session,
    fetch_studies,
    nct_ids_of,
    psilocybin_trials,
    spec_checked_fake,
)

STATUSES = ["COMPLETED", "ACTIVE_NOT_RECRUITING", "RECRUITING"]


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
    spec.validate({"studies": psilocybin_trials(2), "totalCount": 2, "nextPageToken": "abc"})
    with pytest.raises(AssertionError, match="Additional properties"):
        spec.validate({"studies": [], "total": 2})


def test_pagination_follows_tokens_through_an_empty_middle_page():
    fake = spec_checked_fake(psilocybin_trials(5), max_page_size=2, faults=Faults(empty_page=True))
    clock = FakeClock()
    studies, paging = fetch_studies(
        clocked_session(fake, clock), search_params(["psilocybin"], STATUSES)
    )
    assert nct_ids_of(studies) == [f"NCT{i:08d}" for i in range(1, 6)]
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
    fake = spec_checked_fake(psilocybin_trials(3), faults=Faults(overcount=1))
    with pytest.raises(TotalCountMismatch, match="received 3 studies .* totalCount=4"):
        fetch_studies(clocked_session(fake, FakeClock()), search_params(["psilocybin"], STATUSES))


def test_lookups_batch_and_ignore_status():
    gone = study("NCT00000009", ["Psilocybin"], status="TERMINATED")
    fake = spec_checked_fake([*psilocybin_trials(3), gone])
    session = clocked_session(fake, FakeClock())
    pages = iter_lookups(session, ["NCT00000003", "NCT00000009", "NCT00000077"], batch_size=2)
    assert nct_ids_of(s for page in pages for s in page.studies) == ["NCT00000003", "NCT00000009"]
    assert [p["filter.ids"] for p in fake.logged_params()] == [
        "NCT00000003|NCT00000009",
        "NCT00000077",
    ]


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
    fake = spec_checked_fake(psilocybin_trials(3), faults=Faults(malformed=malformed))
    session = clocked_session(fake, FakeClock())
    with pytest.raises(MalformedAnswer) as raised:
        fetch_studies(session, search_params(["psilocybin"], STATUSES))
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
    fake = spec_checked_fake(faults=Faults(malformed="endless_pages"))
    session = clocked_session(fake, FakeClock())
    with pytest.raises(CtgovError, match="11 empty pages in a row.*stopping an endless listing"):
        fetch_studies(session, search_params(["psilocybin"], STATUSES))
    assert fake.request_count("/studies") == MAX_EMPTY_RUN + 1


@pytest.mark.parametrize(("empty_pages", "page_size"), [(2, 5), (MAX_EMPTY_RUN, 5), (9, 1)])
def test_legal_empty_pages_between_real_ones_are_followed(empty_pages, page_size):
    # (2, 5): four empty pages in a 12-trial listing of three pages; (10, 5): the longest run
    # allowed, twice; (9, 1): 99 empty pages in all, just under the total bound of 100.
    fake = spec_checked_fake(
        psilocybin_trials(12), max_page_size=page_size, faults=Faults(empty_pages=empty_pages)
    )
    studies, paging = fetch_studies(
        clocked_session(fake, FakeClock()), search_params(["psilocybin"], STATUSES)
    )
    real_pages = -(-12 // page_size)
    assert nct_ids_of(studies) == [f"NCT{i:08d}" for i in range(1, 13)]
    assert paging.empty_pages == empty_pages * (real_pages - 1)
    assert paging.pages == real_pages + paging.empty_pages == fake.request_count("/studies")


def test_a_run_of_empty_pages_longer_than_the_bound_stops_mid_listing():
    fake = spec_checked_fake(
        psilocybin_trials(12), max_page_size=5, faults=Faults(empty_pages=MAX_EMPTY_RUN + 1)
    )
    with pytest.raises(CtgovError, match="11 empty pages in a row, .* after 5 of totalCount=12"):
        fetch_studies(clocked_session(fake, FakeClock()), search_params(["psilocybin"], STATUSES))
    assert fake.request_count("/studies") == 1 + MAX_EMPTY_RUN + 1


def test_more_empty_pages_in_all_than_the_bound_stop():
    # Runs of 10 (each allowed) before each of 11 one-study pages: 110 empty pages in all.
    assert empty_pages_allowed(12, 1) == MIN_EMPTY_PAGES_ALLOWED == 100
    assert empty_pages_allowed(250_000, 1000) == 250  # one per page needed, when more
    fake = spec_checked_fake(
        psilocybin_trials(12), max_page_size=1, faults=Faults(empty_pages=MAX_EMPTY_RUN)
    )
    with pytest.raises(CtgovError, match="101 empty pages among 112, more than the 100 allowed"):
        fetch_studies(clocked_session(fake, FakeClock()), search_params(["psilocybin"], STATUSES))


def test_an_incremental_search_asks_only_for_records_updated_since_the_date():
    params = search_params(["psilocybin"], STATUSES, changed_since=date(2026, 9, 1))
    assert params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2026-09-01,MAX]"
    trials = psilocybin_trials(3)
    trials[1]["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-09-01"
    fake = spec_checked_fake(trials)
    studies, paging = fetch_studies(clocked_session(fake, FakeClock()), params)
    assert nct_ids_of(studies) == ["NCT00000002"] and paging.total_count == 1
    changed = changed_params(
        {"psilocybin": ["psilocybin"], "mdma": ["MDMA"]}, None, date(2026, 9, 1)
    )
    assert changed["query.intr"] == "psilocybin OR MDMA" and "filter.overallStatus" not in changed
    assert changed["filter.advanced"] == params["filter.advanced"]


def test_a_repeated_token_stops():
    fake = spec_checked_fake(psilocybin_trials(3), max_page_size=1)
    repeated = Reply(200, b'{"studies":[],"nextPageToken":"same"}')
    session = clocked_session(fake, FakeClock())
    pages = iter_pages(session, search_params(["psilocybin"], STATUSES))
    next(pages)
    fake.queue(repeated, repeated)
    with pytest.raises(CtgovError, match="page token repeated after 3 pages"):
        list(pages)
