"""Real rows in every benchmark table, loaded through the pipeline's own libraries, for the tests
of the read API: the instruments file, the seed cohorts with the recomputed Metapsy pooled rows
(plus a few PHQ-9 cohorts marked as test rows, since no published PHQ-9 cohort is in the seed),
trials of known indication categories (one of them no longer in the registry), the pinned
Metapsy study outcomes, one synthetic TEDS-D year and the registry results of a few fake trials
(``trial_results_rows``)."""

from dataclasses import dataclass

import pandas as pd
import psycopg

from benchmark_pipeline.defs.cohorts.config import DEFAULT_CSV
from benchmark_pipeline.defs.metapsy.assets import _read
from benchmark_pipeline.defs.metapsy.config import PINNED_SNAPSHOTS
from benchmark_pipeline.lib.baselines.aggregate import aggregate
from benchmark_pipeline.lib.baselines.load import load_baselines
from benchmark_pipeline.lib.cohorts.contract import COLUMNS as COHORT_COLUMNS
from benchmark_pipeline.lib.cohorts.csv_file import append_rows, read_cohort_csv
from benchmark_pipeline.lib.cohorts.instruments import read_instruments
from benchmark_pipeline.lib.cohorts.instruments_load import load_instruments
from benchmark_pipeline.lib.cohorts.load import load_cohorts
from benchmark_pipeline.lib.cohorts.validation import validate_cohorts
from benchmark_pipeline.lib.metapsy.cohort_rows import cohort_csv_text, pooled_cohort_rows
from benchmark_pipeline.lib.metapsy.load import load_study_outcomes
from benchmark_pipeline.lib.metapsy.pooled import pool_dataset
from benchmark_pipeline.lib.trials.load import load_trials
from benchmark_pipeline.lib.trials.records import build_trials
from benchmark_pipeline_tests.fakes import study
from benchmark_pipeline_tests.support import teds
from benchmark_pipeline_tests.support.trial_results_rows import load_trial_results

TEST_DOI = "10.5555/benchmark-pipeline-test"


def _test_cohort(name: str, year: str, **values: str) -> dict[str, str]:
    row = dict.fromkeys(COHORT_COLUMNS, "")
    row.update(
        cohort_name=name,
        source_citation=(
            f"Test row of the read API tests, not a publication; test year {year}. doi:{TEST_DOI}"
        ),
        doi=TEST_DOI,
        publication_year=year,
        setting="clinical_trial",
        instrument="PHQ-9",
        **values,
    )
    return row


# Two change cohorts tied on N (the later publication_year wins) and one reporting only an
# endpoint.
TEST_COHORTS = [
    _test_cohort(
        "PHQ-9 change cohort A (test 2019)",
        "2019",
        modality="psilocybin",
        condition="MDD",
        n_participants="60",
        baseline_mean="18",
        change_mean="-8.0",
        followup_weeks="6",
    ),
    _test_cohort(
        "PHQ-9 change cohort B (test 2021)",
        "2021",
        modality="psilocybin",
        condition="MDD",
        n_participants="60",
        baseline_mean="17",
        change_mean="-6.0",
        followup_weeks="6",
    ),
    _test_cohort(
        "PHQ-9 endpoint cohort (test 2020)",
        "2020",
        modality="ketamine",
        condition="TRD",
        n_participants="40",
        endpoint_mean="9.0",
        followup_weeks="4",
    ),
]

NO_MESH = ([], [])  # the category comes from the condition alone
TRIALS = [
    study("NCT90000001", ["Psilocybin"], conditions=["Major Depressive Disorder"], mesh=NO_MESH),
    study("NCT90000002", ["MDMA"], conditions=["Post Traumatic Stress Disorder"], mesh=NO_MESH),
    study(
        "NCT90000003",
        ["Ketamine"],
        conditions=["Cluster Headache"],
        start={"date": "2021-03"},
        mesh=NO_MESH,
    ),
    study(
        "NCT90000004",
        ["Ketamine"],
        conditions=["Postoperative Pain"],
        start={"date": "2023-01-15"},
        mesh=NO_MESH,
    ),
    study("NCT90000005", ["Ketamine"], conditions=["Anesthesia"], mesh=NO_MESH),
    study("NCT90000006", ["Ketamine"], conditions=["Electroconvulsive Therapy"], mesh=NO_MESH),
    study(
        "NCT90000007",
        ["Psilocybin"],
        conditions=["Healthy Volunteers"],
        healthy_volunteers=True,
        mesh=NO_MESH,
    ),
    study(
        "NCT90000008",
        ["LSD"],
        conditions=["Traumatic Brain Injury"],
        status="COMPLETED",
        mesh=NO_MESH,
    ),
    study(
        "NCT90000009",
        ["Psilocybin", "Esketamine"],
        conditions=["Treatment Resistant Depression"],
        start={"date": "2022-06-01"},
        mesh=NO_MESH,
    ),
    study(
        "NCT90000010",
        ["Psilocybin"],
        conditions=["Alcohol Use Disorder"],
        status="COMPLETED",
        mesh=NO_MESH,
    ),
]
GONE = study("NCT90000011", ["Psilocybin"], conditions=["Anorexia Nervosa"], mesh=NO_MESH)
TEDS_NAMES = {"DISYR": "year", "AGE": "age", "GENDER": "sex", "REGION": "region", "SUB1": "sub1",
              "NOPRIOR": "noprior", "LOS": "los", "REASON": "reason"}  # fmt: skip


@dataclass(frozen=True)
class LoadedRows:
    cohorts: pd.DataFrame  # the valid cohort rows loaded (CohortFrame columns)
    study_outcomes: int
    baselines: int
    instruments: int
    trial_results: pd.DataFrame  # the rows of benchmark_trial_results loaded


def load_benchmark_rows(conn: psycopg.Connection) -> LoadedRows:
    """Load every table of a migrated database (``conn`` in autocommit mode)."""
    instruments = read_instruments()
    load_instruments(conn, instruments.rows())

    datasets = [_read(folder) for folder in PINNED_SNAPSHOTS]
    pooled = [pool_dataset(dataset) for dataset in datasets]
    extra = pd.concat(
        [cohort_csv_text(pooled_cohort_rows(pooled)), pd.DataFrame(TEST_COHORTS)],
        ignore_index=True,
    )
    cohorts = validate_cohorts(append_rows(read_cohort_csv(DEFAULT_CSV), extra))
    load_cohorts(conn, cohorts.valid, dry_run=False)

    outcomes = pd.concat([dataset.valid for dataset in datasets], ignore_index=True)
    load_study_outcomes(conn, outcomes)

    frame = teds.generate(1_200, year=2019, seed=1).rename(columns=TEDS_NAMES)
    groups = aggregate(frame[list(TEDS_NAMES.values())]).groups
    load_baselines(conn, groups, dry_run=False, allow_mass_removal=False)

    load_trials(conn, build_trials({"search": [*TRIALS, GONE]}).frame)
    load_trials(conn, build_trials({"search": TRIALS}).frame, gone=["NCT90000011"])
    results = load_trial_results(conn)
    return LoadedRows(
        cohorts.valid, len(outcomes), len(groups), len(instruments.instruments), results
    )
