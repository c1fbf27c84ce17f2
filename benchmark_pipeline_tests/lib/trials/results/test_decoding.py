"""A results page decodes study by study: a study that cannot be trusted is set aside with its
NCT id, field path and reason, the others are kept; a page that is not one fails at once."""

import json
from collections.abc import Callable

import pytest

from benchmark_pipeline.lib.trials.client import Answer, MalformedAnswer
from benchmark_pipeline.lib.trials.decoding import MalformedResponse, Rejected
from benchmark_pipeline.lib.trials.results.decoding import decode_results_page, results_page
from benchmark_pipeline.lib.trials.results.rows import ResultRows

from .support import page, study, three_measures

OM = "resultsSection.outcomeMeasuresModule.outcomeMeasures"
BROKEN = "NCT00000002"


def _set(path: list, value: object) -> Callable[[dict], None]:
    def change(record: dict) -> None:
        node = record
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


_MEASURES = ["resultsSection", "outcomeMeasuresModule", "outcomeMeasures"]
_CASES = [
    (
        _MEASURES + [2, "classes", 0, "categories", 0, "measurements", 1, "value"],
        -6.1,
        f"{OM}[2].classes[0].categories[0].measurements[1].value",
        "Expected `str | null`, got `float`",
    ),
    (_MEASURES + [0, "groups"], {"id": "OG000"}, f"{OM}[0].groups", "Expected `array`, got"),
    (_MEASURES + [1, "paramType"], "AVERAGE", f"{OM}[1].paramType", "Invalid enum value"),
    (_MEASURES + [0, "type"], "MAIN", f"{OM}[0].type", "Invalid enum value 'MAIN'"),
    (
        _MEASURES + [1, "classes", 1, "categories", 0, "measurements", 0, "groupId"],
        "OG009",
        f"{OM}[1].classes[1].categories[0].measurements[0].groupId",
        "groupId 'OG009' is not one of the groups posted (OG000, OG001)",
    ),
    (
        _MEASURES + [0, "classes", 0, "categories", 0, "measurements", 1, "groupId"],
        "OG000",
        f"{OM}[0].classes[0].categories[0].measurements[1].groupId",
        "group 'OG000' has two values in one category",
    ),
    (
        _MEASURES + [0, "denoms", 0, "counts", 1, "groupId"],
        None,
        f"{OM}[0].denoms[0].counts[1].groupId",
        "missing",
    ),
    (
        _MEASURES + [2, "analyses", 0, "groupIds"],
        ["OG000", "OG002"],
        f"{OM}[2].analyses[0].groupIds[1]",
        "groupId 'OG002' is not one of the groups",
    ),
    (
        _MEASURES + [0, "denoms", 0, "counts", 0, "value"],
        30,
        f"{OM}[0].denoms[0].counts[0].value",
        "Expected `str | null`, got `int`",
    ),
    (_MEASURES + [0, "analyses", 0, "pValue"], 0.001, f"{OM}[0].analyses[0].pValue", "got"),
    (_MEASURES + [1, "title"], "MADRS\u0000", f"{OM}[1].title", "contains a NUL character"),
    (_MEASURES + [1, "groups", 1, "id"], "OG000", f"{OM}[1].groups[1].id", "is repeated"),
    (
        ["protocolSection", "statusModule", "lastUpdatePostDateStruct", "date"],
        "2025-13-45",
        "protocolSection.statusModule.lastUpdatePostDateStruct.date",
        "is not a real date",
    ),
    (
        ["resultsSection", "baselineCharacteristicsModule"],
        {"groups": [{"id": "BG000"}], "measures": [{"dispersionType": "Standard Deviation"}]},
        "resultsSection.baselineCharacteristicsModule.measures[0].dispersionType",
        "Invalid enum value 'Standard Deviation'",
    ),
]


@pytest.mark.parametrize(("path", "value", "field", "reason"), _CASES)
def test_a_wrong_value_rejects_only_its_trials_results(path, value, field, reason) -> None:
    broken = study(BROKEN, three_measures())
    _set(path, value)(broken)
    body = page(study("NCT00000001"), broken, study("NCT00000003", three_measures()))
    decoded = decode_results_page(body)
    assert [s.nct_id for s in decoded.studies] == ["NCT00000001", "NCT00000003"]
    (rejected,) = decoded.rejected
    assert (rejected.nct_id, rejected.field) == (BROKEN, field)
    assert reason in rejected.reason
    rows = ResultRows()
    rows.add_page(decoded)
    assert BROKEN not in set(rows.frame()["nct_id"]) and rows.rejected == [rejected]


def test_a_lone_surrogate_rejects_its_study_not_the_page() -> None:
    body = page(study("NCT00000001"), study(BROKEN), study("NCT00000003"))
    body = body.replace(b"Higher is worse.", b"Higher \\ud800 worse.", 1)  # the first study's
    decoded = decode_results_page(body)
    assert [r.nct_id for r in decoded.rejected] == ["NCT00000001"]
    assert decoded.rejected[0].field == f"{OM}[0].description"
    assert [s.nct_id for s in decoded.studies] == [BROKEN, "NCT00000003"]


def test_a_study_without_nct_id_or_results_is_told_apart() -> None:
    nameless = study("NCT00000009")
    del nameless["protocolSection"]["identificationModule"]
    without = {"protocolSection": {"identificationModule": {"nctId": "NCT00000004"}}}
    decoded = decode_results_page(page(nameless, without))
    assert decoded.rejected == [
        Rejected(None, "protocolSection.identificationModule.nctId", decoded.rejected[0].reason)
    ]
    (kept,) = decoded.studies
    assert (kept.nct_id, kept.results, kept.last_update_date) == ("NCT00000004", None, None)
    rows = ResultRows()
    rows.add_page(decoded)
    assert rows.frame().empty and rows.studies_with_results == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<!DOCTYPE html><html>Maintenance</html>", "not JSON"),
        (b'{"studies": [{"protocolSection": {}}', "not JSON"),
        (b'{"studies": {"0": {}}}', "not a PagedStudies page: Expected `array`"),
        (b'{"totalCount": 3}', "not a PagedStudies page"),
        (b"[]", "not a PagedStudies page"),
    ],
)
def test_a_malformed_page_fails_naming_the_request(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedResponse, match=reason):
        decode_results_page(body)
    url = "https://clinicaltrials.gov/api/v2/studies?filter.ids=NCT00000001&fields=ResultsSection"
    answer = Answer(url=url, status=200, content_type="text/html", body=body)
    with pytest.raises(MalformedAnswer) as failure:
        results_page(answer)
    message = str(failure.value)
    assert message.startswith(f"GET {url} answered HTTP 200") and reason.split(":")[0] in message


def test_paging_fields_pass_through() -> None:
    body = json.dumps({"studies": [], "totalCount": 0, "nextPageToken": "abc"}).encode()
    decoded = decode_results_page(body)
    assert (decoded.studies, decoded.total_count, decoded.next_page_token) == ([], 0, "abc")
