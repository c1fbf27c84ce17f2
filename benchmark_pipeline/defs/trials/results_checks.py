"""Checks on the posted results a reviewer reads: the trials set aside, the instruments the
words name but the pipeline did not recognise (and the other way round), and the registry's
values against the verified cohorts of the same trials."""

import dagster as dg

from benchmark_pipeline.defs.metadata import check_result, inline_table
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.trials.results.load import RESULTS_TABLE
from benchmark_pipeline.lib.trials.results.reading import TrialResults
from benchmark_pipeline.resources import PostgresResource

from .results import benchmark_trial_results, raw_trial_results
from .results_metadata import rejected_results


@dg.asset_check(
    asset=raw_trial_results,
    description=(
        "Every trial's posted results decoded: a trial whose results hold a wrong-typed value, "
        "a value outside the spec's enums or an arm that does not exist is left out (its rows "
        "stay as they were) and listed with the field and the reason."
    ),
)
def results_decoded(raw_trial_results: TrialResults) -> dg.AssetCheckResult:
    rejected = raw_trial_results.rejected
    return check_result(
        [f"{r.nct_id}: {r.field}: {r.reason}" for r in rejected],
        severity=dg.AssetCheckSeverity.WARN,
        rejected=rejected_results(rejected),
        trials_read=len(raw_trial_results.plan.to_read),
    )


@dg.asset_check(
    asset=raw_trial_results,
    description=(
        "Measures whose words name a known instrument (MADRS-S, CAPS, Hamilton ...) but were "
        "not recognised as one, or were recognised against what their unit says: a person "
        "should look whether the rule or the registry is wrong."
    ),
)
def instrument_recognition(raw_trial_results: TrialResults) -> dg.AssetCheckResult:
    misses = raw_trial_results.near_misses
    rows = [[m.nct_id, m.measure_no, m.title, m.words, m.why] for m in misses[:100]]
    return check_result(
        [f"{m.nct_id} measure {m.measure_no} '{m.title}': {m.why}" for m in misses],
        severity=dg.AssetCheckSeverity.WARN,
        near_misses=inline_table(["nct_id", "measure_no", "title", "words", "why"], rows),
    )


@dg.asset_check(
    asset=benchmark_trial_results,
    blocking=True,
    description=(
        "Where a verified cohort in benchmark_cohorts names the trial's NCT id and the registry "
        "posted the same instrument and quantity for the active arm, the two means agree "
        "within rounding. A trial where none agrees is held for review by the load (the read "
        "API never uses its rows) and named here with both values until the values agree: "
        "the load that holds it fails this check and its run (so the run-failure alert tells "
        "someone once); while it stays held, later runs warn."
    ),
)
@explains_stops
def matches_verified_cohorts(
    context: dg.AssetCheckExecutionContext, postgres: PostgresResource
) -> dg.AssetCheckResult:
    with postgres.connect(autocommit=True) as conn:
        held = conn.execute(
            f"SELECT nct_id, min(held_reason), count(*) FROM {RESULTS_TABLE}"
            " WHERE held_for_review GROUP BY nct_id ORDER BY nct_id"
        ).fetchall()
    new = _held_by_this_run(context)
    return check_result(
        [f"{reason} (its {rows:,} rows are held for review)" for _, reason, rows in held],
        severity=dg.AssetCheckSeverity.ERROR
        if any(nct in new for nct, _, _ in held)
        else dg.AssetCheckSeverity.WARN,
        held=inline_table(["nct_id", "reason", "rows held"], held),
        newly_held=", ".join(sorted(new)) or None,
    )


def _held_by_this_run(context: dg.AssetCheckExecutionContext) -> set[str]:
    """The trials this run's load held for review, not held before it."""
    key = benchmark_trial_results.key
    for record in context.instance.fetch_materializations(key, limit=1).records:
        if record.run_id == context.run.run_id:
            value = record.asset_materialization.metadata.get("newly_held_for_review")
            text = str(getattr(value, "value", "") or "")
            return {nct.strip() for nct in text.split(",") if nct.strip()}
    return set()
