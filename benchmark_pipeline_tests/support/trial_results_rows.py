"""Rows of benchmark_trial_results for the read API's tests, written out by hand (the pipeline's
recognition is tested on its own): four fake trials with posted results, loaded through the
shared mirror (``upsert_frame``) on the table's natural key.

The esketamine MADRS rows are the rule's traps: beside the usable active arm (N 114) a placebo
arm with a larger N (120), an arm posting a standard error only (N 200), an arm held for review
(N 300), a percentage change that is not comparable (N 400) and an "endpoint" off the MADRS
scale (N 250). Two esketamine QIDS-SR-16 arms tie on N 50 (the later last update wins); the
MDMA CAPS-5 arm (N 500) is larger than every verified cohort, which still come first; the
ketamine arm's drug was not recognised, so only its trial's modalities make it a ketamine arm.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import psycopg

from benchmark_pipeline.lib.postgres.staged_upsert import upsert_frame
from benchmark_pipeline.lib.trials.load import load_trials
from benchmark_pipeline.lib.trials.records import build_trials
from benchmark_pipeline.lib.trials.results.columns import MEASUREMENT_COLUMNS, MEASUREMENT_KEY
from benchmark_pipeline_tests.fakes import study

TABLE = "public.benchmark_trial_results"
DERIVED = ["instrument", "instrument_match", "quantity", "dispersion_kind", "arm_role", "modality",
           "comparable", "not_comparable_reason", "held_for_review", "held_reason"]  # fmt: skip
COLUMNS = [*MEASUREMENT_COLUMNS, *DERIVED]
INTEGERS = [name for name, (kind, _) in MEASUREMENT_COLUMNS.items() if kind == "integer"]

NO_MESH = ([], [])
TRIALS = [
    study("NCT90000021", ["Esketamine"], conditions=["Treatment Resistant Depression"],
          status="COMPLETED", has_results=True, mesh=NO_MESH),
    study("NCT90000022", ["Esketamine"], conditions=["Major Depressive Disorder"],
          status="COMPLETED", has_results=True, mesh=NO_MESH),
    study("NCT90000023", ["MDMA"], conditions=["Post Traumatic Stress Disorder"],
          status="COMPLETED", has_results=True, mesh=NO_MESH),
    study("NCT90000024", ["Ketamine"], conditions=["Major Depressive Disorder"],
          status="COMPLETED", has_results=True, mesh=NO_MESH),
]  # fmt: skip

MADRS_CHANGE = {
    "outcome_type": "PRIMARY",
    "title": "Change From Baseline in Montgomery-Åsberg Depression Rating Scale (MADRS) "
    "Total Score",
    "description": "MADRS: 10 items, total 0 to 60; a negative change means improvement.",
    "time_frame": "Baseline and Day 28",
    "unit_of_measure": "score on a scale",
    "param_type": "MEAN",
    "dispersion_type": "Standard Deviation",
    "class_title": "Day 28",
    "instrument": "MADRS",
    "instrument_match": "title: 'Montgomery-Åsberg Depression Rating Scale', 'MADRS'",
    "quantity": "change",
    "dispersion_kind": "standard_deviation",
}
ESKETAMINE = {"group_title": "Esketamine 56 mg + Oral Antidepressant", "group_id": "OG000",
              "arm_role": "active", "modality": "esketamine"}  # fmt: skip
PLACEBO = {"group_title": "Placebo Nasal Spray + Oral Antidepressant", "group_id": "OG001",
           "arm_role": "placebo", "modality": None}  # fmt: skip
QIDS_ENDPOINT = {
    "outcome_type": "SECONDARY",
    "title": "Quick Inventory of Depressive Symptomatology-Self Report (QIDS-SR-16) Total Score",
    "time_frame": "Week 4",
    "unit_of_measure": "score on a scale",
    "param_type": "MEAN",
    "dispersion_type": "Standard Deviation",
    "class_title": "Week 4",
    "instrument": "QIDS-SR-16",
    "instrument_match": "title: 'QIDS-SR-16'",
    "quantity": "endpoint",
    "dispersion_kind": "standard_deviation",
}


def _row(nct_id: str, measure_no: int, value: str, spread: str | None, n: int, **fields: Any):
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        nct_id=nct_id,
        last_update_date=date(2024, 3, 1),
        measure_no=measure_no,
        class_no=1,
        category_no=1,
        reporting_status="POSTED",
        value_text=value,
        value=Decimal(value),
        spread_text=spread,
        spread=None if spread is None else Decimal(spread),
        analysed_n=n,
        analysed_n_level="measure",
        denom_units=["Participants"],
        denom_units_selected="Participants",
        comparable=True,
        held_for_review=False,
    )
    row.update(fields)
    return row


ROWS = [
    # NCT90000021: the usable active arm and the placebo arm with a larger N.
    _row("NCT90000021", 1, "-19.8", "8.94", 114, **MADRS_CHANGE, **ESKETAMINE),
    _row("NCT90000021", 1, "-15.8", "9.67", 120, **MADRS_CHANGE, **PLACEBO),
    # A least-squares mean with its standard error only: never an SD.
    _row("NCT90000021", 2, "-17.9", "1.10", 200, **{**MADRS_CHANGE, **ESKETAMINE,
         "outcome_type": "SECONDARY", "title": "MADRS Total Score, Least Squares Mean Change",
         "param_type": "LEAST_SQUARES_MEAN", "dispersion_type": "Standard Error",
         "dispersion_kind": "standard_error", "instrument_match": "title: 'MADRS'"}),
    _row("NCT90000021", 3, "9.1", "4.9", 50, **QIDS_ENDPOINT, **ESKETAMINE,
         last_update_date=date(2024, 3, 1)),
    # NCT90000022: held for review; a percentage change; the QIDS-SR-16 arm updated later.
    _row("NCT90000022", 1, "-21.0", "9.0", 300, **{**MADRS_CHANGE, "class_title": "Week 4",
         "time_frame": "Baseline and Week 4"}, **ESKETAMINE, held_for_review=True,
         held_reason="disagrees with a verified cohort of the same trial (test row)",
         last_update_date=date(2025, 1, 15)),
    _row("NCT90000022", 2, "-45.0", "30.0", 400, **{**MADRS_CHANGE, "outcome_type": "SECONDARY",
         "title": "Percentage Change From Baseline in MADRS Total Score",
         "unit_of_measure": "percent change", "instrument_match": "title: 'MADRS'"},
         **ESKETAMINE, comparable=False,
         not_comparable_reason="unit 'percent change' is not the instrument's points",
         last_update_date=date(2025, 1, 15)),
    # A MADRS "endpoint" of 75 on a 0-60 scale: mislabelled, whatever the flags say.
    _row("NCT90000022", 4, "75.0", "10.0", 250, **{**MADRS_CHANGE, "outcome_type": "SECONDARY",
         "title": "MADRS Total Score", "quantity": "endpoint", "time_frame": "Week 4",
         "class_title": "Week 4", "instrument_match": "title: 'MADRS'"}, **ESKETAMINE,
         last_update_date=date(2025, 1, 15)),
    _row("NCT90000022", 3, "9.5", "5.1", 50, **QIDS_ENDPOINT, **ESKETAMINE,
         last_update_date=date(2025, 1, 15)),
    _row("NCT90000022", 3, "12.0", "5.5", 52, **QIDS_ENDPOINT, **PLACEBO,
         last_update_date=date(2025, 1, 15)),
    # NCT90000023: an MDMA arm larger than every verified cohort.
    _row("NCT90000023", 1, "-25.0", "12.0", 500, outcome_type="PRIMARY",
         title="Change From Baseline in CAPS-5 Total Severity Score", time_frame="Week 18",
         unit_of_measure="score on a scale", param_type="MEAN",
         dispersion_type="Standard Deviation", class_title="Week 18", instrument="CAPS-5",
         instrument_match="title: 'CAPS-5'", quantity="change",
         dispersion_kind="standard_deviation", group_id="OG000",
         group_title="MDMA-assisted therapy", arm_role="active", modality="mdma"),
    # NCT90000024: an active arm whose drug the pipeline did not recognise.
    _row("NCT90000024", 1, "-7.5", "4.0", 30, **{**QIDS_ENDPOINT, "outcome_type": "PRIMARY",
         "title": "Change From Baseline in QIDS-SR-16 Total Score", "quantity": "change",
         "time_frame": "Baseline and Day 7", "class_title": "Day 7"}, group_id="OG000",
         group_title="Infusion 0.5 mg/kg", arm_role="active", modality=None),
    _row("NCT90000024", 1, "-4.0", "4.2", 31, **{**QIDS_ENDPOINT, "outcome_type": "PRIMARY",
         "title": "Change From Baseline in QIDS-SR-16 Total Score", "quantity": "change",
         "time_frame": "Baseline and Day 7", "class_title": "Day 7"}, group_id="OG001",
         group_title="Saline Infusion", arm_role="placebo", modality=None),
]  # fmt: skip


def trial_results_frame() -> pd.DataFrame:
    """``ROWS`` as the loader hands a frame over: numbers exact, integers nullable."""
    frame = pd.DataFrame(ROWS, columns=COLUMNS, dtype=object)
    for name in INTEGERS:
        frame[name] = pd.array(frame[name], dtype="Int64")
    return frame


def load_trial_results(conn: psycopg.Connection) -> pd.DataFrame:
    """Load ``TRIALS`` and ``ROWS`` (``conn`` in autocommit mode); returns the rows loaded."""
    load_trials(conn, build_trials({"search": TRIALS}).frame)
    frame = trial_results_frame()
    with conn.transaction():
        upsert_frame(conn, TABLE, frame, key=MEASUREMENT_KEY, columns=COLUMNS)
    return frame
