"""Checks on the raw trials: blocking ones stop a bad load, WARN ones flag what a reviewer should
see. They read the value raw_benchmark_trials handed on; only no_sharp_drop needs an earlier run.
benchmark_trials' own completeness check is emitted by its load."""

import json
import math

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import (
    check_metadata,
    check_result,
    entries,
    frame_records,
    inline_table,
)
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.trials.indication import PSYCHIATRIC
from benchmark_pipeline.lib.trials.search import TrialSearch
from benchmark_pipeline.lib.trials.sweep import FULL, INCREMENTAL
from benchmark_pipeline.resources import ClinicalTrialsResource

from .assets import raw_benchmark_trials
from .config import ExpectedRangeConfig, NonPsychiatricShareConfig, SharpDropConfig
from .metadata import counts, listed, rejected_table

NCT_ID_PATTERN = r"^NCT\d{8}$"
# Check functions take the value under the asset's own name, which hides the asset object.
RAW_KEY = raw_benchmark_trials.key


def _offending(frame: pd.DataFrame, mask: pd.Series) -> dict:
    bad = frame[mask]
    return entries(
        offending_rows=len(bad),
        offending_preview=frame_records(bad, ["nct_id", "modality", "status", "title"], 20),
    )


INCREMENTAL_NOTE = (
    "not applicable: this incremental run fetched only the {n:,} trial(s) updated since the "
    "cursor; the count is checked on full sweeps"
)


def _fetched_in_full(metadata: dict) -> bool:
    mode = metadata.get("fetch_mode")
    return mode is None or mode.value == FULL


def previous_row_count(context: dg.AssetCheckExecutionContext, asset: dg.AssetKey) -> int | None:
    """``dagster/row_count`` of the latest full-sweep materialization from an earlier run, if
    any (an incremental run's count is only what changed)."""
    records = context.instance.fetch_materializations(asset, limit=25).records
    for record in records:
        metadata = record.asset_materialization.metadata
        if record.run_id != context.run.run_id and _fetched_in_full(metadata):
            value = metadata.get("dagster/row_count")
            return None if value is None else int(value.value)
    return None


@dg.asset_check(
    asset=raw_benchmark_trials,
    blocking=True,
    description="Every nct_id is unique and looks like NCT followed by 8 digits.",
)
@explains_stops
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
        metadata=check_metadata(
            malformed=int(malformed.sum()),
            duplicated=int(duplicated.sum()),
            **_offending(frame, malformed | duplicated),
        ),
    )


@dg.asset_check(asset=raw_benchmark_trials, blocking=True, description="Every trial has a title.")
@explains_stops
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
@explains_stops
def no_sharp_drop(
    context: dg.AssetCheckExecutionContext,
    config: SharpDropConfig,
    raw_benchmark_trials: TrialSearch,
) -> dg.AssetCheckResult:
    current = len(raw_benchmark_trials.frame)
    if raw_benchmark_trials.fetch.incremental:
        return dg.AssetCheckResult(
            passed=True,
            description=INCREMENTAL_NOTE.format(n=current),
            metadata=entries(current_rows=current, fetch_mode=INCREMENTAL),
        )
    previous = previous_row_count(context, RAW_KEY)
    # The fewest whole trials that are not a sharp drop.
    floor = None if previous is None else math.ceil(previous * (1 - config.max_drop_fraction))
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
        metadata=entries(
            current_rows=current,
            previous_rows=previous,
            minimum_allowed=floor,
            allowed_drop=f"at most {config.max_drop_fraction:.0%} fewer than the last run",
        ),
    )


@dg.asset_check(
    asset=raw_benchmark_trials,
    description=(
        "The number of trials is within the expected range (default 1,250-2,500: a real run "
        "returned about 1,565)."
    ),
)
def count_in_expected_range(
    config: ExpectedRangeConfig, raw_benchmark_trials: TrialSearch, ctgov: ClinicalTrialsResource
) -> dg.AssetCheckResult:
    count = len(raw_benchmark_trials.frame)
    # A count from the project's fake registry says so, or it reads as the real registry's.
    fake = ctgov.registry_note()

    def said(sentence: str) -> str:
        return f"{sentence}: {fake}" if fake else sentence

    if raw_benchmark_trials.fetch.incremental:
        return dg.AssetCheckResult(
            passed=True,
            severity=dg.AssetCheckSeverity.WARN,
            description=said(INCREMENTAL_NOTE.format(n=count)),
            metadata={"rows": count, "fetch_mode": INCREMENTAL},
        )
    passed = config.min_trials <= count <= config.max_trials
    expected = f"{config.min_trials:,}-{config.max_trials:,}"
    return dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=(said(f"{count:,} trials") if fake else None)
        if passed
        else said(f"{count:,} trials, outside the expected {expected}"),
        metadata={
            "rows": count,
            **({"registry": fake} if fake else {}),
            "expected_range": f"{config.min_trials:,}-{config.max_trials:,} trials",
        },
    )


@dg.asset_check(
    asset=raw_benchmark_trials,
    description="Every searched modality has at least one trial, and every record had an nctId.",
)
def every_modality_found(raw_benchmark_trials: TrialSearch) -> dg.AssetCheckResult:
    search = raw_benchmark_trials
    present = {m for ms in search.frame["modalities"] for m in ms}
    # An incremental run sees only what changed: a modality with no change is not missing.
    empty = [] if search.fetch.incremental else [m for m in search.vocabulary if m not in present]
    without_id = len(search.without_nct_id)
    problems = ([f"no trial for: {', '.join(empty)}"] if empty else []) + (
        [f"{without_id} record(s) without nctId"] if without_id else []
    )
    if not search.vocabulary:
        problems.append("no modality was searched")
    return check_result(
        problems,
        severity=dg.AssetCheckSeverity.WARN,
        modalities_searched=", ".join(search.vocabulary) or "none",
        modalities_without_trials=", ".join(empty) or None,
        records_without_nct_id=without_id,
    )


@dg.asset_check(
    asset=raw_benchmark_trials,
    description=(
        "No record was left out for a wrong-typed or impossible value (a date like 2023-13-45, "
        "a count sent as text, a character PostgreSQL cannot store). Each one is listed with its "
        "NCT id, the field at fault and the reason; the other trials load."
    ),
)
def rejected_records(raw_benchmark_trials: TrialSearch) -> dg.AssetCheckResult:
    rejected = raw_benchmark_trials.rejected
    shown = "; ".join(f"{r.nct_id}: {r.field}: {r.reason}" for r in rejected[:5])
    return check_result(
        [f"{len(rejected)} record(s) left out: {shown}"] if rejected else [],
        severity=dg.AssetCheckSeverity.WARN,
        records_rejected=len(rejected),
        rejected=rejected_table(rejected),
        rejected_detail=dg.MetadataValue.json([r.as_dict() for r in rejected[:200]])
        if rejected
        else None,
    )


@dg.asset_check(
    asset=raw_benchmark_trials,
    description=(
        "How many trials are outside psychiatric indications (anaesthesia or sedation, pain, "
        "ECT, healthy volunteers, other), reported every run; warns above a configurable share "
        "(default 50%). Nothing is removed: readers filter on indication_category."
    ),
)
def non_psychiatric_share(
    config: NonPsychiatricShareConfig, raw_benchmark_trials: TrialSearch
) -> dg.AssetCheckResult:
    frame = raw_benchmark_trials.frame
    outside = frame[~frame["indication_category"].isin(PSYCHIATRIC)]
    share = len(outside) / len(frame) if len(frame) else 0.0
    passed = share <= config.max_share
    by_category = listed(counts(outside["indication_category"]))
    return dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{len(outside):,} of {len(frame):,} trials ({share:.0%}) are outside psychiatric "
            f"indications"
            + (f": {by_category}" if by_category else "")
            + ("" if passed else f"; more than the {config.max_share:.0%} allowed")
        ),
        metadata=entries(
            non_psychiatric_trials=len(outside),
            trials=len(frame),
            share_percent=round(100 * share, 1),
            allowed_share=f"at most {config.max_share:.0%}",
            by_category=by_category or None,
            by_modality=listed(counts(outside["modality"])) or None,
        ),
    )


@dg.asset_check(
    asset=raw_benchmark_trials,
    description=(
        "Trials whose modality comes only from the search that found them "
        "(modality_source = 'search'): none of their interventions names a drug of the "
        "vocabulary, so the label may be wrong (a code name the vocabulary lacks, or an "
        "acronym meaning something else). Listed for review."
    ),
)
def search_labelled_trials(raw_benchmark_trials: TrialSearch) -> dg.AssetCheckResult:
    labelled = raw_benchmark_trials.search_labelled
    rows = [
        [nct, modality, ", ".join(found), _intervention_names(items), title]
        for nct, modality, found, items, title in labelled[
            ["nct_id", "modality", "found_by", "interventions", "title"]
        ].itertuples(index=False)
    ]
    return check_result(
        [f"{len(labelled)} trial(s) labelled only by the search that found them"]
        if len(labelled)
        else [],
        severity=dg.AssetCheckSeverity.WARN,
        search_labelled=len(labelled),
        trials=inline_table(
            ["nct_id", "modality", "found_by", "interventions", "title"], rows[:100]
        ),
        nct_ids=", ".join(labelled["nct_id"]) or None,
    )


def _intervention_names(interventions_json: str) -> str:
    names = [i.get("name") or "" for i in json.loads(interventions_json or "[]")]
    return "; ".join(n for n in names if n)
