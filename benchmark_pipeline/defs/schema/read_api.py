"""read_api_answers: what the app would see, each read function of sql/068_read_api.sql called as a
signed-in user once the tables are loaded, shown in the UI."""

import json
from decimal import Decimal
from typing import Any

import dagster as dg

from benchmark_pipeline.defs.baselines.assets import population_baselines
from benchmark_pipeline.defs.cohorts.assets import benchmark_cohorts
from benchmark_pipeline.defs.cohorts.instruments import benchmark_instruments
from benchmark_pipeline.defs.metadata import markdown_table
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


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else str(value)


def _json(value: Any) -> str:
    return "```json\n" + json.dumps(value, indent=2, default=_plain) + "\n```"


def _body(answer: Answer) -> str:
    if not answer.ok:
        return f"**failed** (SQLSTATE {answer.sqlstate or 'none'}): {answer.error}"
    if answer.columns == (answer.function,):  # a scalar or jsonb function
        value = answer.value
        if answer.function not in SHOWN or not isinstance(value, dict):
            return _json(value) if isinstance(value, dict) else f"`{value}`"
        shown = {k: value.get(k) for k in SHOWN[answer.function]}
        if isinstance(value.get("benchmark"), dict):
            shown["benchmark"] = {k: value["benchmark"].get(k) for k in SHOWN["primary_benchmark"]}
        return _json(shown)
    columns = SHOWN.get(answer.function, list(answer.columns))
    rows = [[record.get(c) for c in columns] for record in answer.records()]
    return markdown_table(columns, rows, empty="_no rows_").value


def answers_markdown(view: AppView) -> str:
    """Each call as SQL writes it, then what came back (or the error)."""
    sections = [f"#### `{a.call()}`\n\n{_body(a)}" for a in view.answers]
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


@dg.asset_check(
    asset=benchmark_cohorts,
    additional_deps=[
        benchmark_trials,
        metapsy_effect_sizes,
        population_baselines,
        benchmark_instruments,
    ],
    description=(
        "What the app sees: every read function of sql/068_read_api.sql called as a signed-in "
        "user, as Supabase's API does (SET LOCAL ROLE authenticated, request.jwt.claims set, "
        "arguments typed by the function), in a transaction rolled back: the summary, the "
        "modalities and trial counts, the first trials, every cohort, the primary benchmark of "
        "each modality and condition, and an illustrative patient compared on each instrument "
        "a cohort reports. Fails, naming the function and the error, when any call fails."
    ),
)
def read_api_answers(postgres: PostgresResource) -> dg.AssetCheckResult:
    with postgres.connect(autocommit=True) as conn:
        view = app_view(conn)
    failures = view.failures()
    return dg.AssetCheckResult(
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(
            "; ".join(f"{a.call()} failed: {a.sqlstate} {a.error}" for a in failures)
            if failures
            else f"{len(view.answers)} call(s) answered as {ROLE}"
        ),
        metadata={
            "role": ROLE,
            "jwt_claims": dg.MetadataValue.json(CLAIMS),
            "calls": len(view.answers),
            "failed": len(failures),
            "not_compared": dg.MetadataValue.json(view.not_compared),
            "results": calls_markdown(view),
            "answers": dg.MetadataValue.md(answers_markdown(view)),
        },
    )
