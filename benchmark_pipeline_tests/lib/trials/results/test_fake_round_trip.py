"""Results served by the one fake registry decode into rows that say what was served."""

import httpx
import pytest

from benchmark_pipeline.lib.trials.client import Answer
from benchmark_pipeline.lib.trials.results.columns import MEASUREMENT_KEY
from benchmark_pipeline.lib.trials.results.decoding import DecodedResults, results_page
from benchmark_pipeline.lib.trials.results.rows import ResultRows
from benchmark_pipeline_tests.fakes import FakeCtgov, TrialRecords, generate_records, mock_transport

from .support import posted_measurements

FIELDS = "NCTId|LastUpdatePostDate|ResultsSection"


def _fetch(records: TrialRecords, ids: list[str]) -> tuple[dict, DecodedResults]:
    fake = FakeCtgov(records)
    params = {"filter.ids": "|".join(ids), "fields": FIELDS, "pageSize": "1000"}
    with httpx.Client(base_url="http://x/api/v2", transport=mock_transport(fake)) as client:
        response = client.get("/studies", params=params)
    answer = Answer(
        str(response.url), response.status_code, response.headers["content-type"], response.content
    )
    return response.json(), results_page(answer)


@pytest.fixture(scope="module")
def records() -> TrialRecords:
    return generate_records(1_600, seed=7)


def test_every_served_value_reaches_its_row(records: TrialRecords) -> None:
    ids = [n for n in records.ids() if records.get(n)["hasResults"]]
    served, decoded = _fetch(records, ids)
    assert decoded.rejected == [] and len(decoded.studies) == len(ids)
    rows = ResultRows()
    rows.add_page(decoded)
    frame = rows.frame()
    assert not frame.duplicated(MEASUREMENT_KEY).any()
    expected = {
        (study["protocolSection"]["identificationModule"]["nctId"], *key): posted
        for study in served["studies"]
        for key, posted in posted_measurements(study).items()
    }
    assert len(frame) == len(expected)
    for row in frame.to_dict("records"):
        key = (
            row["nct_id"],
            row["measure_no"],
            row["group_id"],
            row["class_no"],
            row["category_no"],
        )
        posted = expected[key]
        assert {name: row[name] for name in posted} == posted, key
        if row["value"] is not None:
            assert str(row["value"]) == row["value_text"]
    assert frame["numeric_note"].notna().any() and frame["value"].isna().any()
    assert len(rows.analyses_frame()) > 0


def test_a_malformed_results_section_rejects_only_its_trial(records: TrialRecords) -> None:
    ids = [n for n in records.ids() if records.get(n)["hasResults"]][:5]
    local = generate_records(1_600, seed=7)

    def break_it(study: dict) -> None:
        measures = [{"title": "MADRS", "groups": {"id": "OG000"}}]
        study["resultsSection"] = {"outcomeMeasuresModule": {"outcomeMeasures": measures}}

    local.mutate(ids[2], break_it)
    _, decoded = _fetch(local, ids)
    (rejected,) = decoded.rejected
    assert rejected.nct_id == ids[2]
    assert rejected.field == "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].groups"
    assert [s.nct_id for s in decoded.studies] == [
        n for n in local.ids() if n in ids and n != ids[2]
    ]
