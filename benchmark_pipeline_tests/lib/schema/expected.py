"""What the read API should answer, worked out in Python from the loaded rows: the indication
groups, the benchmark rule written out again, and a call that must succeed."""

import pandas as pd

from benchmark_pipeline.lib.schema.read_api import Answer, call_as
from benchmark_pipeline.lib.trials.indication import PSYCHIATRIC

# The non-psychiatric categories of lib/trials/indication.py by the group the summary counts.
GROUPS = {
    "chronic_pain": "pain",
    "acute_or_perioperative_pain": "pain",
    "anaesthesia_or_sedation": "anaesthesia",
    "ect": "ect",
    "healthy_volunteers": "healthy_volunteers",
    "other": "other",
}
SETTING_STEP = {"meta_analysis": 1, "clinical_trial": 2}


def group(category: str | None) -> str:
    if category is None:
        return "unclassified"
    return "psychiatric" if category in PSYCHIATRIC else GROUPS[category]


def ok(conn, function: str, **arguments) -> Answer:
    """The answer of a call that must succeed (as authenticated)."""
    answer = call_as(conn, function, arguments)
    assert answer.ok, f"{answer.call()}: {answer.sqlstate} {answer.error}"
    return answer


def rule(cohorts: pd.DataFrame, modality, condition, instrument, scored_only=False):
    """The cohort (a row tuple) the rule of docs/read-api.md picks, written out again: step,
    then N, then the latest publication_year (none last), then the name decide. None when no cohort
    qualifies."""
    keep = pd.Series(True, index=cohorts.index)
    if modality:
        keep &= cohorts["modality"] == modality
    if condition:
        keep &= cohorts["condition"] == condition
    if scored_only:
        scored = cohorts["change_mean"].notna() | cohorts["endpoint_mean"].notna()
        keep &= (cohorts["instrument"] == instrument) & scored
    elif instrument:
        keep &= (cohorts["setting"] == "meta_analysis") | (cohorts["instrument"] == instrument)
    candidates = cohorts[keep].assign(
        step=lambda f: f["setting"].map(SETTING_STEP).fillna(3),
        year=lambda f: f["publication_year"].fillna(0).astype(int),
    )
    ordered = sorted(
        candidates.itertuples(),
        key=lambda r: (r.step, -r.n_participants, -r.year, r.cohort_name),
    )
    return ordered[0] if ordered else None


def registry_rule(conn, modality, condition, instrument) -> list[tuple]:
    """The registry arms the rule's fourth step may draw on, written out again from the rows
    (read as the owner), as keys (nct_id, measure_no, group_id, class_no, category_no) in the
    rule's order: largest analysed N, latest last update, then the key. Only current trials
    (in the trials table, not missing from the registry) count."""
    trials = {
        nct: (ms or [m], [c.lower() for c in conditions or []], (category or "").lower())
        for nct, m, ms, conditions, category in conn.execute(
            "SELECT nct_id, modality, modalities, conditions, indication_category"
            " FROM public.benchmark_trials WHERE missing_since IS NULL"
        )
    }
    scales = {
        name: (low, high)
        for name, low, high in conn.execute(
            "SELECT name, score_min, score_max FROM public.benchmark_instruments"
        )
    }
    cursor = conn.execute("SELECT * FROM public.benchmark_trial_results")
    names = [c.name for c in cursor.description]
    usable = []
    for row in (dict(zip(names, values, strict=True)) for values in cursor):
        if row["nct_id"] not in trials:
            continue
        modalities, conditions, category = trials[row["nct_id"]]
        low, high = scales.get(row["instrument"], (None, None))
        value = row["value"]
        if value is None or low is None:
            on_scale = False
        elif row["quantity"] == "change":  # a change may span the scale either way
            on_scale = abs(value) <= high - low
        else:
            on_scale = low <= value <= high
        if not (
            row["comparable"]
            and not row["held_for_review"]
            and row["arm_role"] == "active"
            and row["instrument"] is not None
            and instrument in (None, row["instrument"])
            and row["quantity"] in ("change", "endpoint")
            and row["dispersion_kind"] == "standard_deviation"
            and row["spread"] is not None
            and row["spread"] >= 0
            and (row["analysed_n"] or 0) > 0
            and on_scale
        ):
            continue
        if modality and modality != row["modality"]:
            if row["modality"] is not None or modality not in modalities:
                continue
        if condition and condition.lower() not in [*conditions, category]:
            continue
        usable.append(row)
    usable.sort(
        key=lambda r: (
            -r["analysed_n"],
            -(r["last_update_date"].toordinal() if r["last_update_date"] else 0),
            r["nct_id"],
            r["measure_no"],
            r["group_id"],
            r["class_no"],
            r["category_no"],
        )
    )
    key = ("nct_id", "measure_no", "group_id", "class_no", "category_no")
    return [tuple(r[k] for k in key) for r in usable]
