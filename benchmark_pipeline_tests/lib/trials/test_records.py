import json
from datetime import date

import pytest

from benchmark_pipeline.lib.trials.records import (
    FRAME_COLUMNS,
    build_trials,
    parse_partial_date,
    parse_study,
)
from benchmark_pipeline_tests.defs.trials.ctgov_api import study
from benchmark_pipeline_tests.support.reference import reference_names, reference_path

SAMPLES = ("ctgov", "samples")
# processed/ is not a raw API response.
SAMPLE_FILES = reference_names(*SAMPLES, pattern="*.json")


def _records(name):
    body = json.loads(reference_path(*SAMPLES, name).read_text(encoding="utf-8"))
    return body["studies"] if "studies" in body else [body]


def test_the_real_samples_are_all_there():
    assert len(SAMPLE_FILES) == 9


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_real_response_parses(name):
    for record in _records(name):
        protocol = record["protocolSection"]
        row = parse_study(record)
        ident = protocol["identificationModule"]
        assert row["nct_id"] == ident["nctId"]
        assert row["title"] == ident["briefTitle"]
        assert row["status"] == protocol["statusModule"]["overallStatus"]
        assert row["phase"] == ("/".join(protocol["designModule"].get("phases", [])) or None)
        assert row["conditions"] == protocol.get("conditionsModule", {}).get("conditions", [])
        info = protocol["designModule"].get("enrollmentInfo", {})
        assert row["enrollment_count"] == info.get("count")
        if info.get("type") != "ACTUAL":
            assert row["enrollment_actual"] is None
        start = protocol["statusModule"].get("startDateStruct", {}).get("date")
        assert (row["start_date"] is None) == (start is None)
        if start:
            assert row["start_date"].isoformat().startswith(start)


def test_real_multi_country_and_single_country_records():
    (china,) = _records("jamesvdinh_study_NCT03934567_2025-06-17T11-17-59-791Z.json")
    row = parse_study(china)
    assert row["countries"] == ["China"] and row["country"] == "China"
    (big,) = _records("mcode_NCT02513394.json")
    row = parse_study(big)
    assert len(row["countries"]) > 1 and row["country"] is None
    assert row["countries"] == sorted(set(row["countries"]))


def test_real_record_with_date_without_type():
    (record,) = _records("jamesvdinh_study_NCT00184067_2025-06-17T11-17-42-480Z.json")
    assert "type" not in record["protocolSection"]["statusModule"]["startDateStruct"]
    assert parse_study(record)["start_date"] == date(2004, 5, 1)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024", date(2024, 1, 1)),
        ("2024-12", date(2024, 12, 1)),
        ("2021-12-28", date(2021, 12, 28)),
        (None, None),
        ("", None),
    ],
)
def test_partial_dates(text, expected):
    assert parse_partial_date(text) == expected


def test_malformed_date_raises_instead_of_guessing():
    with pytest.raises(ValueError, match="2024/12"):
        parse_partial_date("2024/12")


def test_full_record_fields():
    record = study(
        "NCT01234567",
        [("Psilocybin", ["COMP360"]), "Placebo"],
        title="A " + "very long title " * 30,
        phases=["PHASE2", "PHASE3"],
        countries=["United States", "Canada", "United States"],
        enrollment=(120, "ACTUAL"),
        start={"date": "2023-07"},
        conditions=["Treatment Resistant Depression", "Anxiety"],
    )
    row = parse_study(record)
    assert row["title"] == "A " + "very long title " * 30
    assert row["phase"] == "PHASE2/PHASE3"
    assert row["countries"] == ["Canada", "United States"] and row["country"] is None
    assert row["enrollment_actual"] == 120 and row["enrollment_type"] == "ACTUAL"
    assert row["start_date"] == date(2023, 7, 1)
    assert row["completion_date"] == date(2026, 12, 1)
    assert row["last_update_date"] == date(2025, 6, 2)
    assert row["primary_outcome_measure"] == "Change in MADRS total score"
    assert row["conditions"] == ["Treatment Resistant Depression", "Anxiety"]


def test_estimated_enrollment_is_not_actual():
    row = parse_study(study("NCT01234567", ["MDMA"], enrollment=(92, "ESTIMATED")))
    assert row["enrollment_actual"] is None
    assert (row["enrollment_count"], row["enrollment_type"]) == (92, "ESTIMATED")


def test_missing_modules_give_empty_values():
    row = parse_study({"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}})
    assert row["nct_id"] == "NCT00000001"
    assert row["title"] is None and row["phase"] is None and row["status"] is None
    assert row["conditions"] == [] and row["countries"] == [] and row["country"] is None
    assert row["start_date"] is None and row["enrollment_count"] is None
    assert parse_study({})["nct_id"] is None


def test_build_trials_labels_from_interventions_and_deduplicates():
    esk = study("NCT00000002", ["Esketamine"])  # the ketamine search finds it too
    both = study("NCT00000003", ["Psilocybin", "MDMA"])
    code_only = study("NCT00000004", ["JNJ-54135419"])  # no vocabulary term at all
    parsed = build_trials(
        {
            "ketamine": [esk, code_only],
            "esketamine": [esk, code_only],
            "psilocybin": [both],
            "mdma": [both],
        }
    )
    frame = parsed.frame.set_index("nct_id")
    assert list(parsed.frame.columns) == FRAME_COLUMNS
    assert len(frame) == 3 and parsed.records_received == 6 and parsed.repeats == 3
    assert frame.loc["NCT00000002", "modality"] == "esketamine"
    assert frame.loc["NCT00000002", "modalities"] == ["esketamine"]
    assert frame.loc["NCT00000002", "found_by"] == ["ketamine", "esketamine"]
    assert frame.loc["NCT00000003", "modality"] == "psilocybin"
    assert frame.loc["NCT00000003", "modalities"] == ["psilocybin", "mdma"]
    assert frame.loc["NCT00000004", "modality"] == "esketamine"
    assert frame.loc["NCT00000004", "modality_source"] == "search"


def test_records_without_nct_id_are_counted_not_dropped_silently():
    good = study("NCT00000005", ["Ibogaine"])
    bad = study(None, ["Ibogaine"], title="Orphan record")
    parsed = build_trials({"ibogaine": [good, bad]})
    assert parsed.records_received == 2
    assert list(parsed.frame["nct_id"]) == ["NCT00000005"]
    assert parsed.without_nct_id == [
        {"found_by": "ibogaine", "title": "Orphan record", "status": "RECRUITING"}
    ]
