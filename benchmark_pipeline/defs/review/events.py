"""A run's review read from the instance: the checks the run planned
(ASSET_CHECK_EVALUATION_PLANNED, recorded when the run is created, however it was launched), the
results it recorded (ASSET_CHECK_EVALUATION) and the assets it materialized."""

import dagster as dg

from benchmark_pipeline.lib.review.checks import Evaluation, Review, review

Event = dg.DagsterEventType
ENDED = {
    dg.DagsterRunStatus.SUCCESS: "the run succeeded",
    dg.DagsterRunStatus.FAILURE: "the run failed",
    dg.DagsterRunStatus.CANCELED: "the run was canceled",
}


def ended(run: dg.DagsterRun) -> str:
    """How ``run`` ended, in words ("the run failed")."""
    return ENDED.get(run.status, f"the run is {run.status.value.lower()}")


def _events(instance: dg.DagsterInstance, run_id: str, kind: Event) -> list[dg.DagsterEvent]:
    records = instance.get_records_for_run(run_id=run_id, of_type=kind).records
    return [record.event_log_entry.dagster_event for record in records]


def run_review(instance: dg.DagsterInstance, run: dg.DagsterRun) -> Review:
    """Every check ``run`` planned or evaluated, with its status and reason."""
    planned = [
        (key.asset_key.to_user_string(), key.name)
        for event in _events(instance, run.run_id, Event.ASSET_CHECK_EVALUATION_PLANNED)
        for key in [event.event_specific_data.asset_check_key]
    ]
    evaluations = [
        Evaluation(
            asset=result.asset_key.to_user_string(),
            check=result.check_name,
            passed=result.passed,
            blocking=result.severity == dg.AssetCheckSeverity.ERROR,
            description=result.description,
        )
        for event in _events(instance, run.run_id, Event.ASSET_CHECK_EVALUATION)
        for result in [event.event_specific_data]
    ]
    materialized = [
        event.asset_key.to_user_string()
        for event in _events(instance, run.run_id, Event.ASSET_MATERIALIZATION)
    ]
    return review(planned, evaluations, materialized, run_ended=ended(run))
