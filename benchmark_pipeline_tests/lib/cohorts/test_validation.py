"""The cohort CSV's header contract and row rules, on the shipped seed and a bad-input corpus."""

import csv
from pathlib import Path

import pytest

from benchmark_pipeline.constants import DATA_DIR
from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.cohorts.validation import (
    CohortCsvError,
    read_cohort_csv,
    validate_cohorts,
)
from benchmark_pipeline_tests.support.reference import reference_path

CORPUS = Path(__file__).resolve().parents[2] / "data"
SEED = DATA_DIR / "benchmark_cohorts_seed.csv"


def _reasons(path: Path) -> dict[str, list[str]]:
    result = validate_cohorts(read_cohort_csv(path))
    reasons: dict[str, list[str]] = {}
    for rejection in result.rejections:
        reasons.setdefault(rejection.cohort_name, []).extend(rejection.reasons)
    return reasons


@pytest.mark.parametrize(
    ("cohort", "reason"),
    [
        ("missing citation", "source_citation is empty"),
        ("citation without doi", "source_citation contains no DOI"),
        ("doi mismatch", "does not match the DOI(s) in source_citation: 10.5555/test.5"),
        ("n empty", "n_participants is empty"),
        ("n zero", "n_participants must be > 0 (got 0)"),
        ("n negative", "n_participants must be > 0 (got -5)"),
        ("n decimal", "n_participants '12.5' is not a whole number"),
        ("n text", "n_participants 'abc' is not a whole number"),
        ("duplicate cohort", "cohort_name is not unique (rows 12, 13)"),
        ("uppercase modality", "write it lowercase: 'mdma'"),
        ("unknown modality", "modality 'mushrooms' is not in the vocabulary"),
        ("mean outside range", "baseline_mean 95 is outside the MADRS range 0-60"),
        ("percentage 140", "response_rate_pct 140 is not a percentage between 0 and 100"),
        ("sd zero", "baseline_sd 0 must be > 0"),
        ("usable yes", "data_freely_usable 'yes' is not true or false"),
        ("followup ten days", "followup_days 10 is a week or more"),
    ],
)
def test_bad_row_is_rejected_with_its_reason(cohort: str, reason: str) -> None:
    reasons = _reasons(CORPUS / "cohorts_bad_rows.csv")
    assert any(reason in r for r in reasons[cohort]), reasons[cohort]


def test_good_rows_survive_bad_neighbours() -> None:
    result = validate_cohorts(read_cohort_csv(CORPUS / "cohorts_bad_rows.csv"))
    assert result.valid["cohort_name"].tolist() == [
        "good one",
        "good two",
        "O'Brien cohort'); DROP TABLE public.benchmark_cohorts; --",
    ]
    assert result.rows_in == 20
    duplicate_rows = [r.row for r in result.rejections if r.cohort_name == "duplicate cohort"]
    assert duplicate_rows == [12, 13]


def test_all_reasons_of_a_row_are_kept(tmp_path: Path) -> None:
    rows = list(csv.DictReader((CORPUS / "cohorts_bad_rows.csv").open(encoding="utf-8")))
    bad = rows[0] | {"n_participants": "abc", "modality": "MDMA", "response_rate_pct": "140"}
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerow(bad)
    (rejection,) = validate_cohorts(read_cohort_csv(path)).rejections
    assert rejection.row == 2
    assert len(rejection.reasons) == 3


def test_bom_file_reads_like_plain_utf8() -> None:
    result = validate_cohorts(read_cohort_csv(CORPUS / "cohorts_bom.csv"))
    assert result.valid["cohort_name"].tolist() == ["good one", "good two"]
    assert not result.rejections


def test_missing_columns_are_named() -> None:
    with pytest.raises(CohortCsvError, match="missing column\\(s\\): doi, license"):
        read_cohort_csv(CORPUS / "cohorts_missing_column.csv")


def test_unknown_columns_are_named() -> None:
    with pytest.raises(CohortCsvError, match="unknown column\\(s\\): 'journal_impact'"):
        read_cohort_csv(CORPUS / "cohorts_extra_column.csv")


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(CohortCsvError, match=str(missing)):
        read_cohort_csv(missing)


def test_seed_rejects_only_what_the_verification_left_unknown() -> None:
    result = validate_cohorts(read_cohort_csv(SEED))
    assert result.rows_in == 10
    assert result.valid["cohort_name"].tolist() == [
        "Metapsy Pooled Psilocybin Depression (Sypres Collaboration 2025)"
    ]
    by_name = {r.cohort_name: " ".join(r.reasons) for r in result.rejections}
    assert "instrument is empty" in by_name["Unlimited Sciences Naturalistic Tracking Study (2023)"]
    assert all("data_freely_usable is empty" in reasons for reasons in by_name.values())


def _seed_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(SEED.open(encoding="utf-8")))


def test_seed_keeps_the_verified_text_and_values() -> None:
    verified = {
        r["nct_id"] or r["source_citation"]: r
        for r in csv.DictReader(reference_path("cohorts", "verified_cohort_facts.csv").open())
    }
    seed = _seed_rows()
    assert len(seed) == len(verified) == 10
    for row in seed:
        fact = verified[row["nct_id"] or row["source_citation"]]
        for column in ("source_citation", "modality", "notes", "license", "data_freely_usable"):
            assert row[column] == fact[column], (row["cohort_name"], column)
        # Every number copied from the verified facts is the verified number.
        for column in ("baseline_mean", "baseline_sd", "endpoint_mean", "endpoint_sd"):
            assert row[column] == fact[column], (row["cohort_name"], column)
        assert row["value_sources"].startswith(fact["value_sources"])


def test_seed_follows_the_conventions() -> None:
    rows = {r["cohort_name"].split(" (")[0]: r for r in _seed_rows()}
    mapp1 = rows["MAPS MAPP1 Phase 3"]
    assert (mapp1["endpoint_mean"], mapp1["change_mean"], mapp1["change_sd"]) == (
        "",
        "-24.4",
        "11.6",
    )
    assert (mapp1["response_rate_pct"], mapp1["loss_of_diagnosis_pct"]) == ("", "67")
    assert rows["MAPS MAPP2 Phase 3"]["doi"] == "10.1038/s41591-023-02565-4"
    assert rows["Johns Hopkins Psilocybin MDD"]["n_participants"] == "27"
    assert rows["Imperial College London Psilocybin vs Escitalopram"]["condition"] == "MDD"
    assert rows["Imperial College London Psilocybin vs Escitalopram"]["change_sd"] == ""
    assert rows["Feder et al. Ketamine PTSD RCT"]["instrument"] == "IES-R"
    assert rows["Feder et al. Ketamine PTSD RCT"]["followup_days"] == "1"
    assert rows["Metapsy Pooled Psilocybin Depression"]["n_participants"] == "711"
    assert [r["cohort_name"] for r in rows.values() if r["effect_size_hedges_g"]] == [
        "Metapsy Pooled Psilocybin Depression (Sypres Collaboration 2025)"
    ]
    naturalistic = rows["Unlimited Sciences Naturalistic Tracking Study"]
    assert (naturalistic["followup_weeks_min"], naturalistic["followup_weeks_max"]) == ("2", "4")
