"""raw_trial_results (posted results read from ClinicalTrials.gov) and benchmark_trial_results
(the Supabase table of arm-level numbers), refreshed with the trials every week."""

import dagster as dg

from benchmark_pipeline.constants import OWNERS, TRIALS_GROUP
from benchmark_pipeline.defs.cohorts.instruments import benchmark_instruments
from benchmark_pipeline.defs.loads import DryRunConfig, load_failures
from benchmark_pipeline.defs.metadata import check_result, entries
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.trials.client import CtgovError
from benchmark_pipeline.lib.trials.results.fetch import iter_results, plan_reads
from benchmark_pipeline.lib.trials.results.load import (
    RESULTS_TABLE,
    earlier_reads,
    load_results,
    trials_with_results,
)
from benchmark_pipeline.lib.trials.results.reading import TrialResults, read_results
from benchmark_pipeline.lib.trials.results.recognition import derive_columns
from benchmark_pipeline.resources import ClinicalTrialsResource, PostgresResource

from .assets import benchmark_trials, registry_failure
from .results_metadata import by_modality, primary_outcomes, rejected_results, results_schema

COMPLETE_CHECK = "complete_and_unique"


@dg.asset(
    group_name=TRIALS_GROUP,
    kinds={"python", "pandas", "api"},
    owners=OWNERS,
    deps=[benchmark_trials, benchmark_instruments],
    description=(
        "The results sponsors posted on ClinicalTrials.gov for the loaded trials that have "
        "them, read by NCT id only for trials never read or whose record changed since "
        "(so a weekly refresh reads few). Every outcome measure becomes rows per arm, class "
        "and category with its values exactly as posted, the instrument it measures when its "
        "title names one (whole words), whether it is a change or an endpoint, the arm's role "
        "(active or placebo) and whether the row is comparable with a patient's score, and "
        "why not. A trial whose results hold a wrong-typed value is left out and listed."
    ),
)
@explains_stops
def raw_trial_results(
    context: dg.AssetExecutionContext, postgres: PostgresResource, ctgov: ClinicalTrialsResource
) -> dg.Output:
    with load_failures(RESULTS_TABLE, postgres), postgres.connect(autocommit=True) as conn:
        trials = trials_with_results(conn)
        plan = plan_reads({n: t.last_update_date for n, t in trials.items()}, earlier_reads(conn))
    try:
        with ctgov.session(on_retry=context.log.warning) as session:
            value = read_results(iter_results(session, plan.to_read), trials, plan, derive_columns)
    except CtgovError as exc:
        raise registry_failure(exc, ctgov.base_url) from None
    frame = value.frame
    context.log.info(
        f"{len(trials)} trial(s) with posted results: {len(plan.to_read)} read, "
        f"{len(plan.unchanged)} unchanged since their last read; {len(frame)} row(s), "
        f"{len(value.rejected)} trial(s) rejected"
    )
    return dg.Output(
        value,
        metadata=entries(
            trials_with_results=len(trials),
            trials_read=len(plan.to_read),
            trials_unchanged=len(plan.unchanged),
            trials_rejected=len(value.rejected),
            trials_not_returned=len(value.not_returned),
            not_returned_ids=", ".join(value.not_returned[:200]) or None,
            rows=len(frame),
            comparable_rows=int(frame["comparable"].sum()) if len(frame) else 0,
            by_modality=by_modality(value),
            recognised_primary_outcomes=primary_outcomes(frame),
            rejected=rejected_results(value.rejected),
            registry=ctgov.registry_note(),
        ),
    )


@dg.asset(
    group_name=TRIALS_GROUP,
    kinds={"python", "postgres", "supabase"},
    owners=OWNERS,
    metadata={
        "dagster/table_name": RESULTS_TABLE,
        "dagster/column_schema": results_schema(),
        "freshness": (
            "none: no window of its own; the weekly trials_refresh_job reads the results of the "
            "trials whose record changed, after benchmark_trials, whose freshness is watched"
        ),
    },
    check_specs=[
        dg.AssetCheckSpec(
            COMPLETE_CHECK,
            asset="benchmark_trial_results",
            description=(
                "Every posted result read this run reached the table the app reads, each once. "
                "How: checked by the load inside its transaction: every row read this run is in "
                "the table, and no key (trial, measure, group, class, category) twice."
            ),
        )
    ],
    description=(
        "The results trial sponsors posted, which the app may compare a patient with when no "
        "cohort fits. How: public.benchmark_trial_results: one row per trial, outcome measure, "
        "arm, class and "
        "category of the results posted on ClinicalTrials.gov, values as posted (never "
        "rescaled, SE never turned into SD). The rows of the trials read this run replace "
        "theirs in one transaction; other trials' rows stay. A trial whose posted value "
        "disagrees with a verified cohort of the same trial is held for review: the read API "
        "never uses its rows. dry_run reports and rolls back."
    ),
)
@explains_stops
def benchmark_trial_results(
    context: dg.AssetExecutionContext,
    config: DryRunConfig,
    raw_trial_results: TrialResults,
    postgres: PostgresResource,
) -> dg.MaterializeResult:
    value = raw_trial_results
    with load_failures(RESULTS_TABLE, postgres), postgres.connect(autocommit=True) as conn:
        load = load_results(conn, value.frame, value.reads, dry_run=config.dry_run)
    counts = load.counts
    context.log.info(
        f"{RESULTS_TABLE} on {postgres.describe()}: {counts.inserted} inserted, "
        f"{counts.updated} updated, {counts.unchanged} unchanged, {counts.removed} removed"
        + (" (dry run, rolled back)" if config.dry_run else "")
    )
    return dg.MaterializeResult(
        metadata=entries(
            **{"dagster/row_count": load.row_count, "dagster/table_name": RESULTS_TABLE},
            dry_run=config.dry_run,
            inserted=counts.inserted,
            updated=counts.updated,
            unchanged=counts.unchanged,
            removed=counts.removed,
            trials_held_for_review=len({d.cohort.nct_id for d in load.held}),
            newly_held_for_review=", ".join(load.newly_held),
            database=postgres.describe(),
        ),
        check_results=[
            check_result(load.problems, check_name=COMPLETE_CHECK, rows_read=len(value.frame))
        ],
    )
