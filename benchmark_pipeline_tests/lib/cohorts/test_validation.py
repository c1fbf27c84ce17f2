"""The row rules, on the shipped seed, a bad-input corpus and single changed rows."""

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmark_pipeline.constants import DATA_DIR
from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.cohorts.csv_file import append_rows, read_cohort_csv
from benchmark_pipeline.lib.cohorts.validation import unverified_reuse_terms, validate_cohorts
from benchmark_pipeline.lib.metapsy.cohort_rows import cohort_csv_text, pooled_cohort_rows
from benchmark_pipeline.lib.metapsy.pooled import pool_dataset
from benchmark_pipeline.lib.metapsy.reading import read_dataset_csv
from benchmark_pipeline.lib.metapsy.snapshot import MetapsyFileError, read_snapshot
from benchmark_pipeline.lib.metapsy.validation import validate_dataset
from benchmark_pipeline_tests.lib.metapsy.snapshots import copy_snapshot
from benchmark_pipeline_tests.support.metapsy import pinned_pooled_effects
from benchmark_pipeline_tests.support.reference import reference_path

CORPUS = Path(__file__).resolve().parents[2] / "data"
SEED = DATA_DIR / "benchmark_cohorts_seed.csv"
THIS_YEAR = datetime.now(UTC).year


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


TRIALS = [
    "MAPS MAPP1 Phase 3 (Mitchell et al. 2021)",
    "MAPS MAPP2 Phase 3 (Mitchell et al. 2023)",
    "COMPASS COMP360 25mg Phase 2b (Goodwin et al. 2022)",
    "Johns Hopkins Psilocybin MDD (Davis et al. 2021)",
    "Imperial College London Psilocybin vs Escitalopram (Carhart-Harris et al. 2021)",
    "Bogenschutz et al. AUD Psilocybin Phase 2 (2022)",
    "Murrough et al. Ketamine vs. Midazolam MDD (2013)",
    "Feder et al. Ketamine PTSD RCT (2014)",
]
METAPSY = "Metapsy Pooled Psilocybin Depression (Sypres Collaboration 2025)"
METAPSY_MDMA = "Metapsy Pooled MDMA PTSD (Sypres Collaboration 2026)"
NATURALISTIC = "Unlimited Sciences Naturalistic Tracking Study (2023)"


def _seed_with_pooled_rows():
    pooled = cohort_csv_text(pooled_cohort_rows(pinned_pooled_effects().datasets))
    return append_rows(read_cohort_csv(SEED), pooled)


def test_seed_loads_every_verified_cohort_and_rejects_the_survey() -> None:
    result = validate_cohorts(read_cohort_csv(SEED))
    assert result.rows_in == 9
    assert sorted(result.valid["cohort_name"]) == sorted(TRIALS)
    (survey,) = result.rejections
    assert (survey.row, survey.cohort_name) == (8, NATURALISTIC)
    assert survey.reasons == (
        "instrument is empty (primary instrument not verified; the table requires one)",
    )


def test_pooled_rows_follow_the_file_and_load_with_the_trials() -> None:
    result = validate_cohorts(_seed_with_pooled_rows())
    assert sorted(result.valid["cohort_name"]) == sorted([*TRIALS, METAPSY, METAPSY_MDMA])
    (survey,) = result.rejections
    assert (survey.row, survey.cohort_name) == (8, NATURALISTIC)


def test_unverified_reuse_terms_stay_empty_and_are_listed() -> None:
    valid = validate_cohorts(_seed_with_pooled_rows()).valid.set_index("cohort_name")
    for pooled in (METAPSY, METAPSY_MDMA):
        terms = valid.loc[pooled, ["data_freely_usable", "license"]].tolist()
        assert terms == [True, "ODC-By 1.0 (Open Data Commons Attribution License v1.0; dataset)"]
    assert valid.loc[TRIALS, "data_freely_usable"].isna().all()
    unverified = unverified_reuse_terms(valid.reset_index())
    assert sorted(unverified["cohort_name"]) == sorted(TRIALS)
    # The paper's access terms were verified, the data's reuse terms were not.
    carhart = unverified.set_index("cohort_name").loc[TRIALS[4], "license"]
    assert carhart == "Closed access (Copyright 2021 Massachusetts Medical Society)"


def test_reuse_terms_without_their_licence_reject_the_row(tmp_path: Path) -> None:
    rows = list(csv.DictReader((CORPUS / "cohorts_bom.csv").open(encoding="utf-8-sig")))
    rows[0]["license"] = ""
    rows[1] |= {"license": "", "data_freely_usable": ""}
    result = validate_cohorts(read_cohort_csv(_write(tmp_path, rows)))
    assert result.valid["cohort_name"].tolist() == ["good two"]
    assert result.valid["license"].isna().all()
    (rejection,) = result.rejections
    assert rejection.reasons[0].startswith("data_freely_usable is given but license is empty")


def test_values_postgresql_cannot_hold_reject_only_their_row(tmp_path: Path) -> None:
    text = (CORPUS / "cohorts_out_of_range.csv").read_text(encoding="utf-8")
    nul = (
        text.splitlines()[1].replace("good one", "nul in notes").replace("fictional", "fic\0tional")
    )
    path = tmp_path / "limits.csv"
    path.write_text(text + nul + "\n", encoding="utf-8")
    result = validate_cohorts(read_cohort_csv(path))
    assert result.valid["cohort_name"].tolist() == ["good one", "good two"]
    reasons = {r.cohort_name: r.reasons for r in result.rejections}
    assert reasons == {
        "n above the integer range": (
            "n_participants 3000000000 is outside the integer range -2,147,483,648..2,147,483,647",
        ),
        "arm beyond any integer": (
            "active_arm_n 99999999999999999999 is outside the integer range "
            "-2,147,483,648..2,147,483,647",
        ),
        "nul in notes": ("notes contains a NUL character at position 3",),
    }
    assert [r.row for r in result.rejections] == [4, 5, 6]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("nan", "baseline_mean 'nan' is not a finite number"),
        ("inf", "baseline_mean 'inf' is not a finite number"),
        ("1e400", "baseline_mean '1e400' is not a finite number"),
        ("1_000", "baseline_mean '1_000' is not a number"),
        ("30,5", "baseline_mean '30,5' is not a number"),
    ],
)
def test_numbers_must_be_finite_decimals(tmp_path: Path, cell: str, reason: str) -> None:
    rows = list(csv.DictReader((CORPUS / "cohorts_bom.csv").open(encoding="utf-8-sig")))
    rows[0]["baseline_mean"] = cell
    (rejection,) = validate_cohorts(read_cohort_csv(_write(tmp_path, rows))).rejections
    assert rejection.reasons == (reason,)


@pytest.mark.parametrize(
    ("change", "reasons"),
    [
        (
            {"instrument": "mixed"},
            ["baseline_mean given, but instrument 'mixed' has no common scale"],
        ),
        ({"change_mean": "-61"}, ["change_mean -61 exceeds the MADRS range width 60"]),
        ({"active_arm_n": "41"}, ["active_arm_n 41 exceeds n_participants 40"]),
        ({"followup_days": "0", "followup_weeks": ""}, ["followup_days must be > 0 (got 0)"]),
        (
            {"followup_weeks": "", "followup_weeks_min": "2"},
            ["followup_weeks_min and followup_weeks_max go together"],
        ),
        (
            {"followup_weeks": "", "followup_weeks_min": "4", "followup_weeks_max": "4"},
            ["followup window 4-4 weeks is not increasing"],
        ),
        (
            {"followup_days": "3"},
            ["give one follow-up: followup_weeks, followup_days or a weeks window"],
        ),
        (
            {"effect_size_hedges_g": "-0.5", "effect_size": "0.7", "effect_size_kind": "hedges_g"},
            [
                "give either effect_size_hedges_g or effect_size, not both",
                "a Hedges' g belongs in effect_size_hedges_g",
            ],
        ),
        (
            {"effect_size_hedges_g": "-0.5"},
            ["effect_size_hedges_g needs effect_size_kind 'hedges_g'"],
        ),
        ({"effect_size": "0.7"}, ["effect_size needs effect_size_kind"]),
        ({"effect_size_kind": "cohens_d"}, ["effect_size_kind given without an effect size"]),
        ({"nct_id": "NCT123"}, ["nct_id 'NCT123' is not NCT followed by 8 digits"]),
        (
            {"doi": "doi:10.5555/test.1"},
            [
                "doi 'doi:10.5555/test.1' is not a valid DOI (10.<registrant>/<suffix>)",
                "doi 'doi:10.5555/test.1' does not match the DOI(s) in source_citation: "
                "10.5555/test.1",
            ],
        ),
        ({"condition": "OCD"}, ["condition 'OCD' is not in the vocabulary"]),
        ({"setting": "clinic"}, ["setting 'clinic' is not in the vocabulary"]),
        (
            {"effect_size_kind": "odds"},
            [
                "effect_size_kind 'odds' is not in the vocabulary",
                "effect_size_kind given without an effect size",
            ],
        ),
        ({"publication_year": "2020"}, []),  # J Test. 2020;1:1-2
        (
            {"publication_year": "2021"},
            [
                "publication_year 2021 does not appear in source_citation 'Example A et al. A "
                "made-up trial for tests. J Test. 2020;1:1-2. doi:10.5555/test.1'"
            ],
        ),
        (  # a year inside a longer number is not the year
            {"publication_year": "2020", "source_citation": "J Test. 12020;1. doi:10.5555/test.1"},
            [
                "publication_year 2020 does not appear in source_citation 'J Test. 12020;1. "
                "doi:10.5555/test.1'"
            ],
        ),
        (
            {"publication_year": "1899", "source_citation": "J Test. 1899;1. doi:10.5555/test.1"},
            [f"publication_year 1899 is not between 1900 and {THIS_YEAR}"],
        ),
        (
            {
                "publication_year": str(THIS_YEAR + 1),
                "source_citation": f"J Test. {THIS_YEAR + 1};1. doi:10.5555/test.1",
            },
            [f"publication_year {THIS_YEAR + 1} is not between 1900 and {THIS_YEAR}"],
        ),
        ({"publication_year": "2020.0"}, ["publication_year '2020.0' is not a whole number"]),
        ({"data_freely_usable": "TRUE"}, []),
        ({"data_freely_usable": "", "license": ""}, []),
        ({"doi": "10.5555/TEST.1"}, []),  # DOIs are case-insensitive
    ],
)
def test_each_rule_names_what_it_found(tmp_path: Path, change: dict, reasons: list[str]) -> None:
    rows = list(csv.DictReader((CORPUS / "cohorts_bom.csv").open(encoding="utf-8-sig")))
    result = validate_cohorts(read_cohort_csv(_write(tmp_path, [rows[0] | change])))
    assert [list(r.reasons) for r in result.rejections] == ([reasons] if reasons else [])
    assert len(result.valid) == (0 if reasons else 1)


def _write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _seed_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(SEED.open(encoding="utf-8")))


def test_seed_keeps_the_verified_text_and_values() -> None:
    verified = {
        r["nct_id"] or r["source_citation"]: r
        for r in csv.DictReader(reference_path("cohorts", "verified_cohort_facts.csv").open())
    }
    seed = _seed_rows()
    assert (len(seed), len(verified)) == (9, 10)
    # The one verified fact not in the seed is the hand-entered pooled value of an older
    # Metapsy release, replaced by the pooled models recomputed from the datasets.
    seeded = {row["nct_id"] or row["source_citation"] for row in seed}
    (replaced,) = [fact for key, fact in verified.items() if key not in seeded]
    assert replaced["cohort_name"].startswith("Metapsy Pooled Psilocybin Depression")
    assert replaced["effect_size_hedges_g"] == "-0.91"
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
    # Hedges' g only where a source reports it; the pooled g are recomputed, not typed.
    assert [r["cohort_name"] for r in rows.values() if r["effect_size_hedges_g"]] == []
    naturalistic = rows["Unlimited Sciences Naturalistic Tracking Study"]
    assert (naturalistic["followup_weeks_min"], naturalistic["followup_weeks_max"]) == ("2", "4")


# The verified year of each seed row (verification reports in the reference folder); MAPP2's
# year was not seen, Davis 2021's issue year neither (2020 is its online-first year).
SEED_YEARS = {
    "MAPS MAPP1 Phase 3 (Mitchell et al. 2021)": 2021,
    "MAPS MAPP2 Phase 3 (Mitchell et al. 2023)": None,
    "COMPASS COMP360 25mg Phase 2b (Goodwin et al. 2022)": 2022,
    "Johns Hopkins Psilocybin MDD (Davis et al. 2021)": 2020,
    "Imperial College London Psilocybin vs Escitalopram (Carhart-Harris et al. 2021)": 2021,
    "Bogenschutz et al. AUD Psilocybin Phase 2 (2022)": 2022,
    "Unlimited Sciences Naturalistic Tracking Study (2023)": 2023,
    "Murrough et al. Ketamine vs. Midazolam MDD (2013)": 2013,
    "Feder et al. Ketamine PTSD RCT (2014)": 2014,
}


def test_seed_publication_years_are_the_verified_ones_each_with_its_source() -> None:
    rows = {r["cohort_name"]: r for r in _seed_rows()}
    assert {n: int(r["publication_year"]) if r["publication_year"] else None
            for n, r in rows.items()} == SEED_YEARS  # fmt: skip
    for name, year in SEED_YEARS.items():
        if year is not None:
            assert f"publication_year {year} " in rows[name]["value_sources"], name
    assert (
        "online-first" in rows["Johns Hopkins Psilocybin MDD (Davis et al. 2021)"]["value_sources"]
    )


def test_pooled_rows_carry_their_release_year_named_as_such() -> None:
    valid = validate_cohorts(_seed_with_pooled_rows()).valid.set_index("cohort_name")
    assert (
        valid.loc[METAPSY, "publication_year"],
        valid.loc[METAPSY_MDMA, "publication_year"],
    ) == (
        2025,
        2026,
    )
    for name, tag in ((METAPSY, "2025-11-19"), (METAPSY_MDMA, "2026-03-25")):
        assert f"of {tag}" in valid.loc[name, "source_citation"]
        assert "the release year of" in valid.loc[name, "value_sources"]
        assert "not a publication year" in valid.loc[name, "value_sources"]


def test_a_release_without_its_date_leaves_the_pooled_year_empty(tmp_path: Path) -> None:
    undated = copy_snapshot(
        tmp_path,
        "ptsd-mdmactr",
        edit_record=lambda r: {k: v for k, v in r.items() if not k.startswith("release_date")},
    )
    snapshot = read_snapshot(undated)
    pooled = pool_dataset(validate_dataset(snapshot, read_dataset_csv(snapshot.data_csv)))
    text = cohort_csv_text(pooled_cohort_rows([pooled]))
    assert text.loc[0, "publication_year"] == ""
    assert "publication_year" not in text.loc[0, "value_sources"]
    assert "release 26.0.1 (commit" in text.loc[0, "source_citation"]
    assert validate_cohorts(text).rejections == []


def test_a_release_date_needs_its_source(tmp_path: Path) -> None:
    folder = copy_snapshot(
        tmp_path, "ptsd-mdmactr", edit_record=lambda r: r | {"release_date_source": None}
    )
    with pytest.raises(MetapsyFileError, match="release_date and release_date_source go together"):
        read_snapshot(folder)
