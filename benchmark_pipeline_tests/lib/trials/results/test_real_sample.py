"""The one recorded study with posted results decodes, and every row says what the file says.

The expected values come from walking the file's JSON here, independently of the decoder: every
measurement's value, spread and limits, its group, class and category titles and the group's
analysed N, so a shifted index or a value from another arm cannot pass.
"""

import json
from pathlib import Path

import pytest

from benchmark_pipeline.lib.trials.results.columns import MEASUREMENT_COLUMNS, MEASUREMENT_KEY
from benchmark_pipeline.lib.trials.results.decoding import decode_results_page
from benchmark_pipeline.lib.trials.results.rows import ResultRows

from .support import posted_measurements

SAMPLE = ("ctgov", "samples", "mcode_NCT02513394.json")


@pytest.fixture(scope="module")
def document(reference: Path) -> dict:
    return json.loads(reference.joinpath(*SAMPLE).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rows(document: dict) -> ResultRows:
    page = decode_results_page(json.dumps({"studies": [document]}).encode())
    assert page.rejected == []
    found = ResultRows()
    found.add_page(page)
    return found


def test_every_outcome_measure_decodes_with_every_value_as_posted(
    document: dict, rows: ResultRows
) -> None:
    expected = posted_measurements(document)
    frame = rows.frame()
    assert list(frame.columns) == list(MEASUREMENT_COLUMNS)
    measures = document["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    assert frame["measure_no"].nunique() == len(measures)
    assert len(frame) == len(expected)
    assert set(frame["nct_id"]) == {document["protocolSection"]["identificationModule"]["nctId"]}
    for row in frame.to_dict("records"):
        key = (row["measure_no"], row["group_id"], row["class_no"], row["category_no"])
        posted = expected[key]
        assert {name: row[name] for name in posted} == posted, key
        assert str(row["value"]) == posted["value_text"]  # the posted digits, exactly


def test_counts_of_the_sample_come_from_the_file(document: dict, rows: ResultRows) -> None:
    frame = rows.frame()
    measures = document["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    for m, measure in enumerate(measures, start=1):
        mine = frame[frame["measure_no"] == m]
        assert set(mine["group_id"]) == {g["id"] for g in measure["groups"]}
        posted = sum(len(k["measurements"]) for c in measure["classes"] for k in c["categories"])
        assert len(mine) == posted
    assert not frame.duplicated(MEASUREMENT_KEY).any()
    analyses = rows.analyses_frame()
    assert len(analyses) == sum(len(m.get("analyses", [])) for m in measures)
    first = measures[0]["analyses"][0]
    row = analyses.iloc[0]
    assert (row["param_type"], row["param_value_text"], row["p_value_text"]) == (
        first["paramType"],
        first["paramValue"],
        first["pValue"],
    )
    assert (row["ci_lower_limit_text"], row["ci_upper_limit_text"]) == (
        first["ciLowerLimit"],
        first["ciUpperLimit"],
    )


def test_baseline_and_flow_decode_with_their_group_counts(document: dict) -> None:
    page = decode_results_page(json.dumps({"studies": [document]}).encode())
    (study,) = page.studies
    baseline = study.results.baseline_characteristics_module
    posted = document["resultsSection"]["baselineCharacteristicsModule"]
    assert [(c.group_id, c.value) for c in baseline.denoms[0].counts] == [
        (c["groupId"], c["value"]) for c in posted["denoms"][0]["counts"]
    ]
    assert [m.title for m in baseline.measures] == [m["title"] for m in posted["measures"]]
    flow = study.results.participant_flow_module
    started = document["resultsSection"]["participantFlowModule"]["periods"][0]["milestones"][0]
    assert [a.num_subjects for a in flow.periods[0].milestones[0].achievements] == [
        a["numSubjects"] for a in started["achievements"]
    ]
