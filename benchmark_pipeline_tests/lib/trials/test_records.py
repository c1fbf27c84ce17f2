import json
from datetime import date

import msgspec
import pandas as pd
import pytest

from benchmark_pipeline.lib.trials.decoding import decode_page
from benchmark_pipeline.lib.trials.records import (
    FRAME_COLUMNS,
    TABLE_COLUMNS,
    TrialRows,
    build_trials,
)
from benchmark_pipeline_tests.fakes import spec, study
from benchmark_pipeline_tests.support.reference import reference_names, reference_path

SAMPLES = ("ctgov", "samples")
# processed/ is not a raw API response.
SAMPLE_FILES = reference_names(*SAMPLES, pattern="*.json")


def _records(name):
    body = json.loads(reference_path(*SAMPLES, name).read_text(encoding="utf-8"))
    return body["studies"] if "studies" in body else [body]


def _row(record) -> dict:
    parsed = build_trials({"search": [record]})
    assert parsed.rejected == [], parsed.rejected
    (row,) = parsed.frame.to_dict("records")
    return row


def _rejected(record):
    parsed = build_trials({"search": [record]})
    assert parsed.frame.empty
    (rejected,) = parsed.rejected
    return rejected


def test_the_real_samples_are_all_there():
    assert len(SAMPLE_FILES) == 9


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_real_response_parses(name):
    for record in _records(name):
        protocol = record["protocolSection"]
        row = _row(record)
        ident = protocol["identificationModule"]
        assert row["nct_id"] == ident["nctId"]
        assert row["title"] == ident["briefTitle"]
        assert row["status"] == protocol["statusModule"]["overallStatus"]
        assert row["phase"] == ("/".join(protocol["designModule"].get("phases", [])) or None)
        assert row["conditions"] == protocol.get("conditionsModule", {}).get("conditions", [])
        info = protocol["designModule"].get("enrollmentInfo", {})
        assert row["enrollment_count"] == (info["count"] if "count" in info else None)
        if info.get("type") != "ACTUAL":
            assert pd.isna(row["enrollment_actual"])
        assert row["study_type"] == protocol["designModule"].get("studyType")
        start = protocol["statusModule"].get("startDateStruct", {})
        assert (row["start_date"] is None) == ("date" not in start)
        if "date" in start:
            assert row["start_date"].isoformat().startswith(start["date"])
            assert (
                row["start_date_precision"]
                == {4: "year", 7: "month", 10: "day"}[len(start["date"])]
            )
            assert row["start_date_type"] == start.get("type")
        browse = record.get("derivedSection", {}).get("conditionBrowseModule", {})
        assert row["condition_mesh_terms"] == [m["term"] for m in browse.get("meshes", [])]
        assert row["condition_mesh_ancestors"] == [m["term"] for m in browse.get("ancestors", [])]
        assert row["has_results"] == record.get("hasResults")
        outcomes = protocol.get("outcomesModule", {}).get("primaryOutcomes", [])
        assert [o["measure"] for o in json.loads(row["primary_outcomes"])] == [
            o["measure"] for o in outcomes
        ]


def test_real_multi_country_and_single_country_records():
    (china,) = _records("jamesvdinh_study_NCT03934567_2025-06-17T11-17-59-791Z.json")
    row = _row(china)
    assert row["countries"] == ["China"] and row["country"] == "China"
    (big,) = _records("mcode_NCT02513394.json")
    row = _row(big)
    assert len(row["countries"]) > 1 and row["country"] is None
    assert row["countries"] == sorted(set(row["countries"]))
    assert row["indication_category"] == "other"  # breast cancer treatment


def test_real_record_with_date_without_type():
    (record,) = _records("jamesvdinh_study_NCT00184067_2025-06-17T11-17-42-480Z.json")
    assert "type" not in record["protocolSection"]["statusModule"]["startDateStruct"]
    row = _row(record)
    assert row["start_date"] == date(2004, 5, 1)
    assert (row["start_date_precision"], row["start_date_type"]) == ("month", None)


def test_full_record_fields():
    record = study(
        "NCT01234567",
        [("Psilocybin", ["COMP360"]), "Placebo"],
        title="A " + "very long title " * 30,
        phases=["PHASE2", "PHASE3"],
        countries=["United States", "Canada", "United States"],
        enrollment=(120, "ACTUAL"),
        start={"date": "2023-07"},
        primary_completion={"date": "2025-11-30", "type": "ACTUAL"},
        conditions=["Treatment Resistant Depression", "Anxiety"],
        keywords=["psilocybin"],
        mesh=(["Depressive Disorder, Treatment-Resistant"], ["Depressive Disorder"]),
        design_info={"allocation": "RANDOMIZED", "primaryPurpose": "TREATMENT"},
        outcomes=[
            {"measure": "fMRI connectivity", "timeFrame": "Day 1", "description": "Resting state"},
            {"measure": "QIDS-SR-16", "timeFrame": "Week 6"},
        ],
        has_results=True,
    )
    spec.validate({"studies": [record]}, strict=True)
    row = _row(record)
    assert row["title"] == "A " + "very long title " * 30
    assert row["phase"] == "PHASE2/PHASE3"
    assert row["countries"] == ["Canada", "United States"] and row["country"] is None
    assert row["enrollment_actual"] == 120 and row["enrollment_type"] == "ACTUAL"
    assert (row["start_date"], row["start_date_precision"], row["start_date_type"]) == (
        date(2023, 7, 1),
        "month",
        None,
    )
    assert (
        row["primary_completion_date"],
        row["primary_completion_date_precision"],
        row["primary_completion_date_type"],
    ) == (date(2025, 11, 30), "day", "ACTUAL")
    assert (
        row["completion_date"],
        row["completion_date_precision"],
        row["completion_date_type"],
    ) == (date(2026, 12, 1), "month", "ESTIMATED")
    assert row["last_update_date"] == date(2025, 6, 2)
    assert row["primary_outcome_measure"] == "fMRI connectivity"
    assert json.loads(row["primary_outcomes"]) == [
        {"measure": "fMRI connectivity", "time_frame": "Day 1", "description": "Resting state"},
        {"measure": "QIDS-SR-16", "time_frame": "Week 6", "description": None},
    ]
    assert json.loads(row["interventions"]) == [
        {"name": "Psilocybin", "type": "DRUG", "other_names": ["COMP360"]},
        {"name": "Placebo", "type": "DRUG", "other_names": []},
    ]
    assert row["conditions"] == ["Treatment Resistant Depression", "Anxiety"]
    assert row["condition_mesh_terms"] == ["Depressive Disorder, Treatment-Resistant"]
    assert row["condition_mesh_ancestors"] == ["Depressive Disorder"]
    assert (row["study_type"], row["primary_purpose"], row["allocation"]) == (
        "INTERVENTIONAL",
        "TREATMENT",
        "RANDOMIZED",
    )
    assert (row["healthy_volunteers"], row["has_results"]) == (False, True)
    assert (row["modality"], row["modality_source"]) == ("psilocybin", "interventions")
    assert row["indication_category"] == "depression"


def test_estimated_enrollment_is_not_actual():
    row = _row(study("NCT01234567", ["MDMA"], enrollment=(92, "ESTIMATED")))
    assert pd.isna(row["enrollment_actual"])
    assert (row["enrollment_count"], row["enrollment_type"]) == (92, "ESTIMATED")


def test_missing_modules_give_empty_values():
    row = _row({"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}})
    assert row["nct_id"] == "NCT00000001"
    assert row["title"] is None and row["phase"] is None and row["status"] is None
    assert row["conditions"] == [] and row["countries"] == [] and row["country"] is None
    assert row["start_date"] is None and pd.isna(row["enrollment_count"])
    assert row["condition_mesh_terms"] == [] and row["has_results"] is None
    assert json.loads(row["primary_outcomes"]) == [] and json.loads(row["interventions"]) == []
    assert row["indication_category"] == "other"
    assert build_trials({"search": [{}]}).without_nct_id == [
        {"found_by": "search", "title": None, "status": None}
    ]


def test_build_trials_labels_from_interventions_and_deduplicates():
    esk = study("NCT00000002", ["Esketamine"])  # the ketamine search finds it too
    both = study("NCT00000003", ["Psilocybin", "MDMA"])
    code_name = study("NCT00000004", ["JNJ-54135419"])  # esketamine's code name
    unknown = study("NCT00000005", ["Compound 7"])  # no vocabulary term at all
    parsed = build_trials(
        {
            "ketamine": [esk, code_name, unknown],
            "esketamine": [esk, code_name, unknown],
            "psilocybin": [both],
            "mdma": [both],
        }
    )
    frame = parsed.frame.set_index("nct_id")
    assert list(parsed.frame.columns) == FRAME_COLUMNS
    assert len(frame) == 4 and parsed.records_received == 8 and parsed.repeats == 4
    assert frame.loc["NCT00000002", "modality"] == "esketamine"
    assert frame.loc["NCT00000002", "modalities"] == ["esketamine"]
    assert frame.loc["NCT00000002", "found_by"] == ["ketamine", "esketamine"]
    assert frame.loc["NCT00000003", "modality"] == "psilocybin"
    assert frame.loc["NCT00000003", "modalities"] == ["psilocybin", "mdma"]
    assert frame.loc["NCT00000004", "modality"] == "esketamine"
    assert frame.loc["NCT00000004", "modality_source"] == "interventions"
    assert frame.loc["NCT00000005", "modality"] == "esketamine"
    assert frame.loc["NCT00000005", "modality_source"] == "search"


def test_records_without_nct_id_are_counted_not_dropped_silently():
    good = study("NCT00000005", ["Ibogaine"])
    bad = study(None, ["Ibogaine"], title="Orphan record")
    parsed = build_trials({"ibogaine": [good, bad]})
    assert parsed.records_received == 2
    assert list(parsed.frame["nct_id"]) == ["NCT00000005"]
    assert parsed.without_nct_id == [
        {"found_by": "ibogaine", "title": "Orphan record", "status": "RECRUITING"}
    ]


def _with(path: list[str], value) -> dict:
    record = study("NCT00000042", ["Psilocybin"])
    node = record
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return record


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        (
            ["protocolSection", "designModule", "phases"],
            "PHASE2",
            "protocolSection.designModule.phases",
            "Expected `array`, got `str`",
        ),
        (
            ["protocolSection", "designModule", "enrollmentInfo", "count"],
            "120",
            "protocolSection.designModule.enrollmentInfo.count",
            "Expected `int | null`, got `str`",
        ),
        (
            ["protocolSection", "designModule", "enrollmentInfo", "count"],
            -3,
            "protocolSection.designModule.enrollmentInfo.count",
            "Expected `int` >= 0",
        ),
        (
            ["protocolSection", "statusModule", "startDateStruct", "date"],
            "2023-13-45",
            "protocolSection.statusModule.startDateStruct.date",
            "'2023-13-45' is not a real date: month must be in 1..12",
        ),
        (
            ["protocolSection", "statusModule", "completionDateStruct", "date"],
            "bad",
            "protocolSection.statusModule.completionDateStruct.date",
            "'bad' is not a date in yyyy, yyyy-MM or yyyy-MM-dd form",
        ),
        (
            ["protocolSection", "statusModule", "lastUpdatePostDateStruct", "date"],
            "2025-06",
            "protocolSection.statusModule.lastUpdatePostDateStruct.date",
            "'2025-06' is not a full yyyy-MM-dd date",
        ),
        (
            ["protocolSection", "identificationModule", "briefTitle"],
            "Psilocybin\x00 for depression",
            "protocolSection.identificationModule.briefTitle",
            "contains a NUL character at position 10",
        ),
        (
            ["protocolSection", "statusModule", "overallStatus"],
            "FINISHED",
            "protocolSection.statusModule.overallStatus",
            "Invalid enum value 'FINISHED'",
        ),
        (
            ["hasResults"],
            "yes",
            "hasResults",
            "Expected `bool | null`, got `str`",
        ),
        (
            ["derivedSection", "conditionBrowseModule", "meshes"],
            {"term": "Depression"},
            "derivedSection.conditionBrowseModule.meshes",
            "Expected `array`, got `object`",
        ),
    ],
)
def test_a_wrong_typed_or_impossible_value_rejects_only_its_record(path, value, field, reason):
    bad = _with(path, value)
    assert _rejected(bad).field == field
    assert _rejected(bad).reason.startswith(reason), _rejected(bad).reason
    assert _rejected(bad).nct_id == "NCT00000042"
    # From the wire as from a dict: the page keeps its other studies.
    before, after = study("NCT00000041", ["Psilocybin"]), study("NCT00000043", ["Psilocybin"])
    page = decode_page(msgspec.json.encode({"studies": [before, bad, after], "totalCount": 3}))
    rows = TrialRows()
    rows.add(page.studies, "psilocybin", page.rejected)
    assert rows.frame()["nct_id"].tolist() == ["NCT00000041", "NCT00000043"]
    (from_wire,) = rows.rejected
    assert (from_wire.nct_id, from_wire.field, from_wire.found_by) == (
        "NCT00000042",
        field,
        ("psilocybin",),
    )
    assert from_wire.reason.startswith(reason)
    assert rows.records_received == 3


def test_a_lone_surrogate_rejects_its_record_not_the_page():
    good = json.dumps(study("NCT00000043", ["Psilocybin"]))
    bad = json.dumps(study("NCT00000042", ["Psilocybin"], title="X\ud800Y"))
    page = decode_page(f'{{"studies":[{good},{bad}],"totalCount":2}}'.encode())
    assert len(page.studies) == 1
    (rejected,) = page.rejected
    assert rejected.nct_id == "NCT00000042"
    assert rejected.field == "protocolSection.identificationModule.briefTitle"
    assert "not valid UTF-8" in rejected.reason


def test_no_value_of_the_wrong_type_reaches_a_row():
    rows = build_trials({"s": [study(f"NCT{i:08d}", ["Psilocybin"]) for i in range(1, 4)]}).frame
    types = {c: {type(v).__name__ for v in rows[c]} for c in TABLE_COLUMNS}
    assert types["enrollment_count"] == {"int64"} or types["enrollment_count"] <= {"int", "int64"}
    assert types["healthy_volunteers"] == {"bool"} and types["start_date"] == {"date"}
    assert types["conditions"] == {"list"} and types["primary_outcomes"] == {"str"}
