"""read_api_answers: what the app would see, each read function of sql/068_read_api.sql called as a
signed-in user once the tables are loaded, shown in the UI.

The check reads every table, so it must run even when an opt-in table is skipped: it depends on
the loads that always run, not on population_baselines (a dependency on a skipped asset would
skip it too). The baselines load runs first all the same: its steps carry a higher priority,
and the code location's executor runs one step at a time, the highest priority first. Should a
run ever read before that load, the check says so rather than show a stale count as current.
"""

from typing import Any

import dagster as dg

from benchmark_pipeline.defs.baselines.assets import population_baselines
from benchmark_pipeline.defs.baselines.config import NO_FILE, resolve_location
from benchmark_pipeline.defs.cohorts.assets import benchmark_cohorts
from benchmark_pipeline.defs.cohorts.instruments import benchmark_instruments
from benchmark_pipeline.defs.metadata import check_metadata, markdown_table
from benchmark_pipeline.defs.metapsy.assets import metapsy_effect_sizes
from benchmark_pipeline.defs.trials.assets import benchmark_trials
from benchmark_pipeline.lib.schema.read_api import CLAIMS, ROLE, Answer, AppView, app_view
from benchmark_pipeline.resources import PostgresResource

# What each answer shows of a row or an object; the rest is a click away in the app.
SHOWN = {
    "benchmark_trials_for": ["nct_id", "modality", "indication_category", "status", "start_date"],
    "benchmark_cohorts_for": [
        "cohort_name", "setting", "modality", "condition", "instrument", "n_participants",
        "change_mean", "endpoint_mean", "effect_size_hedges_g",
    ],
    "primary_benchmark": [
        "cohort_name", "setting", "instrument", "n_participants", "followup_weeks",
        "followup_days", "change_mean", "endpoint_mean", "effect_size_hedges_g", "doi",
        "rule_step", "chosen_because",
    ],
    "benchmark_comparison": [
        "instrument", "baseline_score", "current_score", "compared", "patient_value",
        "benchmark_value", "difference", "direction_label", "label_reason",
    ],
}  # fmt: skip
# Each table the app reads: (its count in benchmark_summary, the asset that loads it).
TABLES = {
    "benchmark_trials": (("trials", "current"), "benchmark_trials"),
    "benchmark_cohorts": (("cohorts",), "benchmark_cohorts"),
    "benchmark_study_outcomes": (("study_outcome_rows",), "benchmark_trial_results"),
    "population_baselines": (("population_baselines",), "population_baselines"),
    "benchmark_instruments": (("instruments",), "benchmark_instruments"),
}
BASELINES = population_baselines.key


def _flat(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """A JSON object as (dotted field, value) pairs, nested objects flattened."""
    if not isinstance(value, dict):
        return [(prefix, value)]
    pairs: list[tuple[str, Any]] = []
    for key, item in value.items():
        pairs += _flat(item, f"{prefix}.{key}" if prefix else str(key))
    return pairs


def _fields(value: Any) -> str:
    """A JSON object as a two-column markdown table (field, value); a scalar as code."""
    if not isinstance(value, dict):
        return f"`{value}`"
    return markdown_table(["field", "value"], _flat(value)).value


def _body(answer: Answer) -> str:
    if not answer.ok:
        return f"**failed** (SQLSTATE {answer.sqlstate or 'none'}): {answer.error}"
    if answer.columns == (answer.function,):  # a scalar or jsonb function
        value = answer.value
        if answer.function not in SHOWN or not isinstance(value, dict):
            return _fields(value)
        shown = {k: value.get(k) for k in SHOWN[answer.function]}
        if isinstance(value.get("benchmark"), dict):
            shown["benchmark"] = {k: value["benchmark"].get(k) for k in SHOWN["primary_benchmark"]}
        return _fields(shown)
    columns = SHOWN.get(answer.function, list(answer.columns))
    rows = [[record.get(c) for c in columns] for record in answer.records()]
    return markdown_table(columns, rows, empty="_no rows_").value


def _outcome(answer: Answer) -> str:
    return f"{len(answer.rows)} row(s)" if answer.ok else f"failed ({answer.sqlstate})"


def answers_markdown(view: AppView) -> str:
    """Each call, collapsed under its SQL form and outcome, then what came back (or the error);
    last, the instruments not compared."""
    sections = [
        f"<details><summary><code>{a.call()}</code>: {_outcome(a)}</summary>\n\n{_body(a)}\n\n"
        "</details>"
        for a in view.answers
    ]
    if view.not_compared:
        sections.append(
            "Not compared (no cohort reports them as a change or an endpoint): "
            + ", ".join(view.not_compared)
        )
    return "\n\n".join(sections)


def calls_markdown(view: AppView) -> dg.MetadataValue:
    rows = [
        [f"`{a.call()}`", "ok" if a.ok else f"failed ({a.sqlstate})", len(a.rows) if a.ok else ""]
        for a in view.answers
    ]
    return markdown_table(["call", "result", "rows"], rows)


def _count(summary: dict, path: tuple[str, ...]) -> Any:
    value: Any = summary
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def tables_markdown(view: AppView, why_empty: dict[str, str]) -> dg.MetadataValue | None:
    """Each table the app reads with the rows it sees there (benchmark_summary's counts), when
    it last changed, and for an empty table why; None when the summary failed."""
    summaries = [a for a in view.of("benchmark_summary") if a.ok]
    if not summaries:
        return None
    summary = summaries[0].value
    rows = []
    for table, (path, asset) in TABLES.items():
        count = _count(summary, path)
        note = why_empty.get(table) or (
            f"nothing loaded yet: materialize {asset}" if not count else ""
        )
        rows.append([table, count, _count(summary, ("last_changed", table)) or "", note])
    return markdown_table(["table", "rows the app sees", "last changed", "note"], rows)


NOT_CURRENT = "read before this run's load of population_baselines finished: not current"


def baselines_note(*, file_configured: bool, planned: bool, loaded_this_run: bool) -> str | None:
    """Why population_baselines may not be current when the check reads it: no TEDS-D file
    configured (the asset is skipped, the table as it was), or this run plans its load and had
    not recorded it yet. None when the table is what this run means it to be."""
    if not file_configured:
        return f"not loaded by this run: {NO_FILE}"
    if planned and not loaded_this_run:
        return NOT_CURRENT
    return None


def _baselines_note(context: dg.AssetCheckExecutionContext) -> str | None:
    ops = context.run.run_config.get("ops", {})
    path = ops.get("teds_discharges", {}).get("config", {}).get("path")
    latest = context.instance.get_latest_materialization_event(BASELINES)
    return baselines_note(
        file_configured=resolve_location(path) is not None,
        planned=BASELINES in context.job_def.asset_layer.selected_asset_keys,
        loaded_this_run=latest is not None and latest.run_id == context.run.run_id,
    )


@dg.asset_check(
    asset=benchmark_cohorts,
    additional_deps=[benchmark_trials, metapsy_effect_sizes, benchmark_instruments],
    description=(
        "What the app shows a signed-in clinician, exactly as it would show it: the summary "
        "and row counts of every table (an empty one says why), the drugs with their trial "
        "counts, the first trials, every cohort, the benchmark the app picks for each drug and "
        "condition, and an illustrative patient compared on each scale a cohort reports. Fails, "
        "naming the call and its error, when the app would get an error. How: each read "
        "function of sql/068_read_api.sql is called through the same role and sign-in Supabase's "
        "API uses, in a transaction that is rolled back, so nothing is changed."
    ),
)
def read_api_answers(
    context: dg.AssetCheckExecutionContext, postgres: PostgresResource
) -> dg.AssetCheckResult:
    with postgres.connect(autocommit=True) as conn:
        view = app_view(conn)
    failures = view.failures()
    note = _baselines_note(context)
    notes = {"population_baselines": note} if note else {}
    stale = note == NOT_CURRENT
    description = (
        "; ".join(f"{a.call()} failed: {a.sqlstate} {a.error}" for a in failures)
        if failures
        else f"{len(view.answers)} call(s) answered as a signed-in user"
    )
    return dg.AssetCheckResult(
        passed=not failures and not stale,
        severity=dg.AssetCheckSeverity.ERROR if failures else dg.AssetCheckSeverity.WARN,
        description=description + (f"; population_baselines {note}" if stale else ""),
        metadata=check_metadata(
            tables=tables_markdown(view, notes),
            results=calls_markdown(view),
            answers=dg.MetadataValue.md(answers_markdown(view)),
            calls=len(view.answers),
            failed=len(failures),
            not_compared=", ".join(view.not_compared) or "none",
            signed_in_as=f"{ROLE} (a stand-in user, sub {CLAIMS['sub']})",
        ),
    )
