"""run_review: one page per run listing every check the run planned, with what each found.

The review sensors (sensors.py) record it when a run ends, as a materialization of this asset
carrying the run's link, its counts and the table; the run is tagged with the page's address.
The asset is not materialized by a run of its own: it is the instance's record of runs."""

import dagster as dg

from benchmark_pipeline.constants import OWNERS, REVIEW_GROUP
from benchmark_pipeline.defs.metadata import markdown_table
from benchmark_pipeline.lib.review.checks import COLUMNS, Review, Status

from .events import run_review

RUN_REVIEW = dg.AssetKey("run_review")
NOTHING_FAILED = "nothing_failed"
RUN_LABEL = "run"

run_review_spec = dg.AssetSpec(
    key=RUN_REVIEW,
    group_name=REVIEW_GROUP,
    kinds={"dagster"},
    owners=OWNERS,
    description=(
        "What the latest run found, on one page: every check it planned (asset, check, passed, "
        "warned, failed or skipped, and the reason in one sentence), failures and warnings "
        "first, with the counts. A skipped check did not run (nothing to load, an opt-in check "
        "switched off, or the run stopped before it). Recorded when any run of this code "
        "location ends, successful or not; earlier runs' reviews are on the Events tab, each "
        "with a link to its run."
    ),
)


def review_metadata(run: dg.DagsterRun, review: Review, ended: str) -> dict[str, object]:
    """The materialization's metadata: the run's link, how it ended, the counts and the table."""
    return {
        RUN_LABEL: dg.MetadataValue.dagster_run(run.run_id),
        "job": run.job_name,
        "ended": ended,
        "counts": review.counts,
        "checks": markdown_table(COLUMNS, review.rows(), empty="_the run planned no check_"),
    }


def verdict(review: Review) -> tuple[bool, str]:
    """Whether the reviewed run failed no check, and the sentence saying so."""
    failed = [line for line in review.lines if line.status is Status.FAILED]
    if not failed:
        return True, f"No check failed: {review.counts}."
    names = ", ".join(f"{line.asset} {line.check}" for line in failed)
    return False, f"{len(failed)} check(s) failed ({names}): {review.counts}."


@dg.asset_check(
    asset=RUN_REVIEW,
    name=NOTHING_FAILED,
    description=(
        "The reviewed run failed no check (warnings and skipped checks are listed on the "
        "review, not failed here). Recorded with every review; run by hand, it reads the "
        "latest review's run again."
    ),
)
def run_review_nothing_failed(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    latest = context.instance.get_latest_materialization_event(RUN_REVIEW)
    materialization = latest.asset_materialization if latest else None
    shown = materialization.metadata.get(RUN_LABEL) if materialization else None
    run = context.instance.get_run_by_id(shown.value) if shown else None
    if run is None:
        return dg.AssetCheckResult(passed=True, description="No run has been reviewed yet.")
    passed, sentence = verdict(run_review(context.instance, run))
    return dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=sentence,
        metadata={RUN_LABEL: dg.MetadataValue.dagster_run(run.run_id)},
    )
