"""Checks on the raw trials: blocking ones stop a bad load, WARN ones flag what a reviewer should
see. They read the value raw_benchmark_trials handed on; only no_sharp_drop needs an earlier run.
benchmark_trials' own completeness check is emitted by its load."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import check_result, frame_table
from benchmark_pipeline.lib.trials.search import TrialSearch

from .assets import raw_benchmark_trials
from .config import ExpectedRangeConfig, SharpDropConfig

NCT_ID_PATTERN = r"^NCT\d{8}$"
# Check functions take the value under the asset's own name, which hides the asset object.
RAW_KEY = raw_benchmark_trials.key


def _offending(frame: pd.DataFrame, mask: pd.Series) -> dict:
    bad = frame[mask]
    return {
        "offending_rows": len(bad),
        "offending_preview": frame_table(bad, ["nct_id", "modality", "status", "title"], 20),
    }


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
def nct_ids_valid(raw_benchmark_trials: TrialSearch) -> dg.AssetCheckResult:
    frame = raw_benchmark_trials.frame
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
def have_titles(raw_benchmark_trials: TrialSearch) -> dg.AssetCheckResult:
    frame = raw_benchmark_trials.frame
    missing = frame["title"].isna() | (frame["title"].astype("string").str.strip() == "")
    return dg.AssetCheckResult(
        passed=not missing.any(),
        description=f"{int(missing.sum())} trial(s) without a title" if missing.any() else None,
        metadata=_offending(frame, missing),
    )


@dg.asset_check(
    asset=raw_benchmark_trials,
    blocking=True,
    description=(
        "The number of trials is not more than 20% (configurable) below the last "
        "materialization's: a sharp drop means a broken search, not fewer trials."
    ),
)
def no_sharp_drop(
    context: dg.AssetCheckExecutionContext,
    config: SharpDropConfig,
    raw_benchmark_trials: TrialSearch,
) -> dg.AssetCheckResult:
    previous = previous_row_count(context, RAW_KEY)
    current = len(raw_benchmark_trials.frame)
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
def count_in_expected_range(
    config: ExpectedRangeConfig, raw_benchmark_trials: TrialSearch
) -> dg.AssetCheckResult:
    count = len(raw_benchmark_trials.frame)
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
def every_modality_found(raw_benchmark_trials: TrialSearch) -> dg.AssetCheckResult:
    search = raw_benchmark_trials
    present = {m for ms in search.frame["modalities"] for m in ms}
    empty = [m for m in search.vocabulary if m not in present]
    without_id = len(search.without_nct_id)
    problems = ([f"no trial for: {', '.join(empty)}"] if empty else []) + (
        [f"{without_id} record(s) without nctId"] if without_id else []
    )
    if not search.vocabulary:
        problems.append("no modality was searched")
    return check_result(
        problems,
        severity=dg.AssetCheckSeverity.WARN,
        modalities_searched=dg.MetadataValue.json(list(search.vocabulary)),
        modalities_without_trials=dg.MetadataValue.json(empty),
        records_without_nct_id=without_id,
    )
