"""Checks on the trials: blocking ones stop a bad load, WARN ones flag what a reviewer should see."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.lib.trials_load import TRIALS_TABLE
from benchmark_pipeline.resources import PostgresResource

from .assets import benchmark_trials, raw_benchmark_trials
from .config import ExpectedRangeConfig, SharpDropConfig
from .metadata import markdown_table

NCT_ID_PATTERN = r"^NCT\d{8}$"
# Check functions take the frame under the asset's own name, which hides the asset object.
RAW_KEY = raw_benchmark_trials.key


def _offending(frame: pd.DataFrame, mask: pd.Series) -> dict:
    bad = frame[mask]
    return {
        "offending_rows": len(bad),
        "offending_preview": markdown_table(bad, ["nct_id", "modality", "status", "title"], 20),
    }


def _this_run_metadata(context: dg.AssetCheckExecutionContext, asset: dg.AssetKey) -> dict:
    event = context.instance.get_latest_materialization_event(asset)
    if event is None or event.run_id != context.run.run_id:
        return {}
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def previous_row_count(context: dg.AssetCheckExecutionContext, asset: dg.AssetKey) -> int | None:
    """``dagster/row_count`` of the latest materialization from an earlier run, if any."""
    records = context.instance.fetch_materializations(asset, limit=10).records
    for record in records:
        if record.run_id != context.run.run_id:
            value = record.asset_materialization.metadata.get("dagster/row_count")
            return None if value is None else int(value.value)
    return None


@dg.asset_check(
    asset=raw_benchmark_trials,
    blocking=True,
    description="Every nct_id is unique and looks like NCT followed by 8 digits.",
)
def raw_trials_nct_ids_valid(raw_benchmark_trials: pd.DataFrame) -> dg.AssetCheckResult:
    frame = raw_benchmark_trials
    malformed = ~frame["nct_id"].astype("string").str.fullmatch(NCT_ID_PATTERN).fillna(False)
    duplicated = frame["nct_id"].duplicated(keep=False)
    passed = not (malformed.any() or duplicated.any())
    return dg.AssetCheckResult(
        passed=passed,
        description=None
        if passed
        else f"{int(malformed.sum())} malformed and {int(duplicated.sum())} duplicated nct_id(s)",
        metadata={
            "malformed": int(malformed.sum()),
            "duplicated": int(duplicated.sum()),
            **_offending(frame, malformed | duplicated),
        },
    )


@dg.asset_check(asset=raw_benchmark_trials, blocking=True, description="Every trial has a title.")
def raw_trials_have_titles(raw_benchmark_trials: pd.DataFrame) -> dg.AssetCheckResult:
    frame = raw_benchmark_trials
    missing = frame["title"].isna() | (frame["title"].astype("string").str.strip() == "")
    return dg.AssetCheckResult(passed=not missing.any(), metadata=_offending(frame, missing))


@dg.asset_check(
    asset=raw_benchmark_trials,
    blocking=True,
    description=(
        "The number of trials is not more than 20% (configurable) below the last "
        "materialization's: a sharp drop means a broken search, not fewer trials."
    ),
)
def raw_trials_no_sharp_drop(
    context: dg.AssetCheckExecutionContext,
    config: SharpDropConfig,
    raw_benchmark_trials: pd.DataFrame,
) -> dg.AssetCheckResult:
    previous = previous_row_count(context, RAW_KEY)
    current = len(raw_benchmark_trials)
    floor = None if previous is None else previous * (1 - config.max_drop_fraction)
    if floor is None:
        description = "no earlier materialization to compare"
    elif current < floor:
        description = (
            f"{current:,} trials, {1 - current / previous:.0%} fewer than the last run's "
            f"{previous:,} (at most {config.max_drop_fraction:.0%} allowed)"
        )
    else:
        description = None
    return dg.AssetCheckResult(
        passed=floor is None or current >= floor,
        description=description,
        metadata={
            "current_rows": current,
            "previous_rows": previous if previous is not None else "none",
            "minimum_allowed": floor if floor is not None else "none",
            "max_drop_fraction": config.max_drop_fraction,
        },
    )


@dg.asset_check(
    asset=raw_benchmark_trials,
    description=(
        "The number of trials is within the expected range (default 1,250-2,500: a real run "
        "returned about 1,565)."
    ),
)
def raw_trials_count_in_expected_range(
    config: ExpectedRangeConfig, raw_benchmark_trials: pd.DataFrame
) -> dg.AssetCheckResult:
    count = len(raw_benchmark_trials)
    passed = config.min_trials <= count <= config.max_trials
    return dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=None
        if passed
        else f"{count:,} trials, outside the expected {config.min_trials:,}-{config.max_trials:,}",
        metadata={
            "rows": count,
            "expected_min": config.min_trials,
            "expected_max": config.max_trials,
        },
    )


@dg.asset_check(
    asset=raw_benchmark_trials,
    description="Every searched modality has at least one trial, and every record had an nctId.",
)
def raw_trials_every_modality_found(
    context: dg.AssetCheckExecutionContext, raw_benchmark_trials: pd.DataFrame
) -> dg.AssetCheckResult:
    meta = _this_run_metadata(context, RAW_KEY)
    searched = meta.get("modalities_searched") or []
    present = {m for ms in raw_benchmark_trials["modalities"] for m in ms}
    empty = [m for m in searched if m not in present]
    without_id = int(meta.get("records_without_nct_id") or 0)
    problems = ([f"no trial for: {', '.join(empty)}"] if empty else []) + (
        [f"{without_id} record(s) without nctId"] if without_id else []
    )
    return dg.AssetCheckResult(
        passed=bool(searched) and not problems,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(problems) or None,
        metadata={
            "modalities_searched": dg.MetadataValue.json(searched),
            "modalities_without_trials": dg.MetadataValue.json(empty),
            "records_without_nct_id": without_id,
        },
    )


@dg.asset_check(
    asset=benchmark_trials,
    blocking=True,
    additional_ins={"raw": dg.AssetIn(key=RAW_KEY)},
    description="Every trial of this run is in the table, and no nct_id appears twice.",
)
def benchmark_trials_complete_and_unique(
    context: dg.AssetCheckExecutionContext, postgres: PostgresResource, raw: pd.DataFrame
) -> dg.AssetCheckResult:
    meta = _this_run_metadata(context, benchmark_trials.key)
    with postgres.connect() as conn:
        in_table = {r[0] for r in conn.execute("SELECT nct_id FROM public.benchmark_trials")}
        duplicates = conn.execute(
            "SELECT nct_id, count(*) FROM public.benchmark_trials GROUP BY nct_id HAVING count(*) > 1"
        ).fetchall()
    absent = sorted(set(raw["nct_id"]) - in_table)
    # A dry run wrote nothing: exactly the trials it would have inserted are absent.
    expected_absent = int(meta.get("inserted") or 0) if meta.get("dry_run") else 0
    return dg.AssetCheckResult(
        passed=len(absent) == expected_absent and not duplicates,
        metadata={
            "table": TRIALS_TABLE,
            "raw_trials": len(raw),
            "absent_from_table": len(absent),
            "expected_absent": expected_absent,
            "absent_ids": dg.MetadataValue.json(absent[:100]),
            "duplicated_ids": dg.MetadataValue.json({k: v for k, v in duplicates}),
        },
    )
