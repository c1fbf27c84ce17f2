"""Checks on the Metapsy assets: rejected rows (warn) and the published result (blocking)."""

import dagster as dg

from benchmark_pipeline.defs.metadata import check_metadata, check_result
from benchmark_pipeline.defs.stops import explains_stops

from .assets import (
    MetapsyEffectSizes,
    MetapsyPooledEffects,
    metapsy_effect_sizes,
    metapsy_pooled_effects,
)
from .metadata import pooled_summary_table, rejections_json, rejections_table

_DESCRIBED_CHARS = 600  # the first rejections; the table lists them all


def _described(datasets, count: int) -> str | None:
    if not count:
        return None
    listed = " | ".join(
        f"{d.snapshot.dataset} line {r.line} ({r.row_id}): {r.reasons}"
        for d in datasets
        for r in d.rejections
    )
    if len(listed) > _DESCRIBED_CHARS:
        listed = listed[:_DESCRIBED_CHARS].rstrip() + " ..."
    return f"{count} row(s) rejected and not loaded: {listed}"


@dg.asset_check(
    asset=metapsy_effect_sizes,
    description=(
        "No study row was left out unseen: a warning lists each rejected row of a snapshot "
        "with its dataset, line, row id, and every field with the reason."
    ),
)
def rejected_rows(metapsy_effect_sizes: MetapsyEffectSizes) -> dg.AssetCheckResult:
    datasets = metapsy_effect_sizes.datasets
    count = sum(len(d.rejections) for d in datasets)
    return dg.AssetCheckResult(
        passed=not count,
        severity=dg.AssetCheckSeverity.WARN,
        description=_described(datasets, count),
        metadata=check_metadata(
            rows_rejected=count,
            rejected=rejections_table(datasets),
            rejections=dg.MetadataValue.json(rejections_json(datasets)) if count else None,
        ),
    )


@dg.asset_check(
    asset=metapsy_pooled_effects,
    blocking=True,
    description=(
        "Each pooled effect computed here is the one its maintainers published, so a "
        "benchmark drawn from it quotes the published number. How: each recomputed primary "
        "model matches its release's published primary result: g and "
        "its 95% CI bounds within 0.005, tau^2 within 0.005, I^2 within 0.05 points, k and n "
        "exactly. A mismatch or a missing fit fails and stops everything downstream; a release "
        "without a published result only warns."
    ),
)
@explains_stops
def matches_published_result(metapsy_pooled_effects: MetapsyPooledEffects) -> dg.AssetCheckResult:
    results = metapsy_pooled_effects.datasets
    problems = [problem for p in results for problem in p.check_problems()]
    unpublished = [
        f"{p.label}: no published primary result for release {p.snapshot.release} to compare "
        "with (add it to the snapshot's release.json once the maintainers publish one)"
        for p in results
        if p.fit is not None and p.unpublished
    ]
    severity = dg.AssetCheckSeverity.ERROR if problems else dg.AssetCheckSeverity.WARN
    return check_result(
        problems + unpublished,
        severity=severity,
        comparison=pooled_summary_table(results),
        compared=[p.label for p in results if p.fit is not None and not p.unpublished],
    )
