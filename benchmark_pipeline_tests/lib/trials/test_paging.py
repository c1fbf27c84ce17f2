import pytest

from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY
from benchmark_pipeline.lib.trials.client import (
    CtgovError,
    MalformedAnswer,
    TotalCountMismatch,
)
from benchmark_pipeline.lib.trials.paging import (
    STUDY_FIELDS,
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
    with pytest.raises(CtgovError, match="stopping an endless listing"):
        fetch_studies(session, search_params(["psilocybin"], STATUSES))
    assert fake.request_count("/studies") == 4  # 1 page allowed by totalCount=0, +3 empty


def test_a_repeated_token_stops():
    fake = spec_checked_fake(psilocybin_trials(3), max_page_size=1)
    repeated = Reply(200, b'{"studies":[],"nextPageToken":"same"}')
    session = clocked_session(fake, FakeClock())
    pages = iter_pages(session, search_params(["psilocybin"], STATUSES))
    next(pages)
    fake.queue(repeated, repeated)
    with pytest.raises(CtgovError, match="page token repeated after 3 pages"):
        list(pages)
