"""The generated records: deterministic, varied like the registry, and valid against the spec."""

import json
import re
from collections import Counter

import pytest

from benchmark_pipeline.lib.trials.indication import indication_category
from benchmark_pipeline_tests.support.reference import reference_names, reference_path

from . import spec
from .ctgov_conditions import CONDITION_CATEGORY, CONDITION_MESH, CONDITIONS
from .ctgov_records import MODALITY_TERMS, TrialRecords, generate_records

SAMPLES = ("ctgov", "samples")


@pytest.fixture(scope="module")
def records() -> TrialRecords:
    return generate_records(1_600, seed=7)


def _status(study: dict) -> dict:
    return study["protocolSection"]["statusModule"]


def test_same_seed_same_records_and_smaller_sets_are_prefixes() -> None:
    small, large = generate_records(50, seed=3), generate_records(200, seed=3)
    assert list(small) == list(large)[:50]
    assert list(generate_records(50, seed=3)) == list(small)
    assert small.ids() != generate_records(50, seed=4).ids()


def test_nct_ids_are_unique_and_well_formed(records: TrialRecords) -> None:
    ids = records.ids()
    assert len(set(ids)) == len(ids) == 1_600
    assert all(re.fullmatch(r"NCT\d{8}", nct) for nct in ids)


def test_records_carry_the_variety_the_registry_has(records: TrialRecords) -> None:
    studies = list(records)
    statuses = Counter(_status(s)["overallStatus"] for s in studies)
    assert {"COMPLETED", "ACTIVE_NOT_RECRUITING", "RECRUITING"} <= statuses.keys()
    assert {"TERMINATED", "WITHDRAWN", "SUSPENDED"} <= statuses.keys()
    assert statuses.most_common(1)[0][0] == "COMPLETED"

    modality_sets = list(records.modalities.values())
    assert set().union(*modality_sets) == set(MODALITY_TERMS)
    assert sum(len(m) == 2 for m in modality_sets) > 50
    assert sum(not m for m in modality_sets) > 10

    starts = [_status(s)["startDateStruct"] for s in studies]
    forms = Counter(len(d["date"]) for d in starts)
    assert set(forms) == {4, 7, 10}
    assert any("type" not in d for d in starts)

    countries = [
        {loc["country"] for loc in s["protocolSection"]["contactsLocationsModule"]["locations"]}
        for s in studies
    ]
    assert sum(len(c) > 1 for c in countries) > 50
    locations = [
        loc for s in studies for loc in s["protocolSection"]["contactsLocationsModule"]["locations"]
    ]
    assert any("facility" not in loc for loc in locations)
    assert any("geoPoint" not in loc for loc in locations)

    designs = [s["protocolSection"]["designModule"] for s in studies]
    observational = [d for d in designs if d["studyType"] == "OBSERVATIONAL"]
    assert observational and all("phases" not in d for d in observational)
    assert all(d["phases"] for d in designs if d["studyType"] == "INTERVENTIONAL")
    assert {d["enrollmentInfo"]["type"] for d in designs} == {"ACTUAL", "ESTIMATED"}


def test_every_modality_is_named_by_one_of_its_terms(records: TrialRecords) -> None:
    """The ground truth is reachable: each true modality shows one of its terms as a word."""
    for study in records:
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        interventions = study["protocolSection"]["armsInterventionsModule"]["interventions"]
        text = " | ".join(n for i in interventions for n in [i["name"], *i.get("otherNames", [])])
        for modality in records.modalities[nct]:
            assert any(
                re.search(rf"(?<![0-9A-Za-z]){re.escape(t)}(?![0-9A-Za-z])", text, re.I)
                for t in MODALITY_TERMS[modality]
            ), (nct, modality, text)


def test_esketamine_records_name_ketamine_only_as_s_ketamine(records: TrialRecords) -> None:
    """A substring "ketamine" mislabels every esketamine record; a word match only S-ketamine."""
    only_esketamine = [n for n, m in records.modalities.items() if m == {"esketamine"}]
    words = Counter()
    for nct in only_esketamine:
        interventions = records.get(nct)["protocolSection"]["armsInterventionsModule"]
        names = json.dumps(interventions["interventions"])
        words["substring"] += "ketamine" in names.lower()
        for match in re.finditer(r"(?<![0-9A-Za-z])ketamine(?![0-9A-Za-z])", names, re.I):
            assert names[match.start() - 2 : match.start()] == "S-", (nct, names)
            words["s-ketamine"] += 1
    assert words["substring"] > len(only_esketamine) / 2 and words["s-ketamine"] > 0


def test_generated_records_pass_the_strict_schema(records: TrialRecords) -> None:
    spec.validate({"studies": list(records)[:400], "totalCount": 400}, strict=True)


def test_mutation_helpers_change_one_record_and_bump_the_version(records: TrialRecords) -> None:
    local = generate_records(20, seed=7)
    first, second = local.ids()[:2]
    before = local.version
    local.set_status(first, "SUSPENDED", last_update="2026-09-01")
    assert _status(local.get(first))["overallStatus"] == "SUSPENDED"
    assert _status(local.get(first))["lastUpdatePostDateStruct"]["date"] == "2026-09-01"
    assert local.get(second) == records.get(second)
    removed = local.remove(second)
    assert second not in local.ids() and len(local) == 19
    assert removed["protocolSection"]["identificationModule"]["nctId"] == second
    assert local.version == before + 2


@pytest.mark.parametrize(
    "name", [n for n in reference_names(*SAMPLES, pattern="*.json") if not n.startswith("mcode")]
)
def test_real_samples_pass_the_strict_schema(name: str) -> None:
    document = json.loads(reference_path(*SAMPLES, name).read_text(encoding="utf-8"))
    spec.validate(document, "PagedStudies" if "studies" in document else "Study", strict=True)


def test_strict_schema_catches_what_the_spec_only_describes() -> None:
    study = {
        "protocolSection": {
            "identificationModule": {"nctid": "NCT01234567"},
            "statusModule": {"startDateStruct": {"date": "2020/01"}},
        }
    }
    assert spec.errors({"studies": [study]}) == []
    problems = spec.errors({"studies": [study]}, strict=True)
    assert any("'nctid' was unexpected" in p for p in problems)
    assert any("2020/01" in p for p in problems)
    assert spec.errors({"studies": [], "next": "x"})  # PagedStudies is closed in the spec itself


def test_the_mcode_fixture_is_not_a_raw_api_response() -> None:
    """It carries keys the API never sends, which only the strict check notices."""
    document = json.loads(
        reference_path(*SAMPLES, "mcode_NCT02513394.json").read_text(encoding="utf-8")
    )
    assert spec.errors(document, "Study") == []
    assert any("modelPredictions" in p for p in spec.errors(document, "Study", strict=True))


def test_records_carry_design_dates_mesh_and_the_healthy_volunteer_flag(
    records: TrialRecords,
) -> None:
    studies = list(records)
    infos = [s["protocolSection"]["designModule"]["designInfo"] for s in studies]
    assert {i.get("allocation") for i in infos} >= {"RANDOMIZED", "NON_RANDOMIZED", None}
    assert {i.get("primaryPurpose") for i in infos} >= {"TREATMENT", "BASIC_SCIENCE"}
    assert all("primaryCompletionDateStruct" in _status(s) for s in studies)
    browse = [s["derivedSection"]["conditionBrowseModule"] for s in studies]
    assert sum(bool(b["meshes"]) for b in browse) > 1_000
    assert {s["hasResults"] for s in studies} == {True, False}
    flags = Counter(s["protocolSection"]["eligibilityModule"]["healthyVolunteers"] for s in studies)
    assert flags[True] > 50 and flags[False] > 1_000
    noise = [
        s
        for s in studies
        if any(
            "(DMT)" in i["name"]
            for i in s["protocolSection"]["armsInterventionsModule"]["interventions"]
        )
    ]
    assert noise and all(
        not records.modalities[s["protocolSection"]["identificationModule"]["nctId"]] for s in noise
    )


def test_the_pipeline_finds_the_indication_each_condition_was_drawn_for() -> None:
    conditions = {c for listed in CONDITIONS.values() for c in listed}
    conditions |= {"Multiple Sclerosis"}
    assert conditions <= set(CONDITION_MESH) and conditions <= set(CONDITION_CATEGORY)
    for condition in sorted(conditions):
        terms, ancestors = CONDITION_MESH[condition]
        found = indication_category(
            [condition],
            mesh_terms=terms,
            mesh_ancestors=ancestors,
            healthy_volunteers=condition == "Healthy Volunteers",
        )
        assert found == CONDITION_CATEGORY[condition], condition
