"""metapsy_effect_sizes (every comparison row, mirrored) and metapsy_pooled_effects (each
dataset's primary model recomputed)."""

from dataclasses import dataclass

import dagster as dg
import pandas as pd

from benchmark_pipeline.constants import METAPSY_GROUP, OWNERS
from benchmark_pipeline.defs.loads import load_failures, load_summary
from benchmark_pipeline.defs.metadata import check_result, entries
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.metapsy.load import TABLE, load_study_outcomes
from benchmark_pipeline.lib.metapsy.pooled import PooledDataset, pool_dataset
from benchmark_pipeline.lib.metapsy.reading import read_dataset_csv
from benchmark_pipeline.lib.metapsy.snapshot import MetapsyFileError, read_snapshot
from benchmark_pipeline.lib.metapsy.validation import DatasetValidation, validate_dataset
from benchmark_pipeline.lib.postgres.mirror import MirrorLoad
from benchmark_pipeline.resources import PostgresResource

from .config import MetapsyEffectSizesConfig, resolve_snapshot_dir
from .metadata import (
    excluded_markdown,
    filters_table,
    forest_table,
    outcomes_table_schema,
    pooled_frame,
    pooled_schema,
    pooled_summary_table,
    rejections_table,
    rows_by_instrument_table,
    snapshots_table,
)

MIRROR_CHECK = "mirrors_valid_rows"


@dataclass(frozen=True)
class MetapsyEffectSizes:
    """The snapshots as read (valid rows and rejections, per dataset) and what the load did."""

    datasets: tuple[DatasetValidation, ...]
    load: MirrorLoad


@dataclass(frozen=True)
class MetapsyPooledEffects:
    """Per dataset: the fit, the included studies, the filters applied, the excluded rows."""

    datasets: tuple[PooledDataset, ...]


def _read(folder: str) -> DatasetValidation:
    snapshot = read_snapshot(resolve_snapshot_dir(folder))
    return validate_dataset(snapshot, read_dataset_csv(snapshot.data_csv))


@dg.asset(
    deps=[benchmark_schema],
    group_name=METAPSY_GROUP,
    kinds={"python", "pandas", "postgres", "supabase"},
    owners=OWNERS,
    metadata={
        "dagster/column_schema": outcomes_table_schema(),
        "dagster/table_name": TABLE,
        "freshness": (
            "none: the Metapsy releases are pinned in data/metapsy/ and change only with a new "
            "release of this code location; materialize it after an upgrade"
        ),
    },
    check_specs=[
        dg.AssetCheckSpec(
            MIRROR_CHECK,
            asset="metapsy_effect_sizes",
            description=(
                "The study-level table the app reads holds every valid study row, each once. "
                "How: right after the load, in its transaction, the table holds exactly one row "
                "per valid comparison row of the snapshots read, no (dataset, row_id) twice."
            ),
        )
    ],
    description=(
        "The study-by-study results behind the open Metapsy meta-analyses, the raw material of "
        "the pooled benchmarks: every comparison row of the Metapsy living meta-analytic "
        "datasets (Sypres Collaboration, ODC-By 1.0; pinned releases in data/metapsy/): per "
        "study, arm, "
        "instrument and time point the per-arm n, mean and SD, change scores, events, the "
        "maintainers' Hedges' g and log risk ratio, and risk-of-bias ratings. Read by column "
        "name and decoded row by row (a bad row is left out with its reason, never guessed), "
        "then mirrored "
        "into public.benchmark_study_outcomes in one transaction (key: dataset + row id)."
    ),
)
# No return annotation: with a check_spec the asset has two outputs, and Dagster would take
# ``-> dg.MaterializeResult`` as the type of both (Nothing), refusing the value downstream needs.
@explains_stops
def metapsy_effect_sizes(
    context: dg.AssetExecutionContext, config: MetapsyEffectSizesConfig, postgres: PostgresResource
):
    try:
        datasets = tuple(_read(folder) for folder in config.snapshot_dirs)
    except MetapsyFileError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    for dataset in datasets:
        for r in dataset.rejections:
            context.log.warning(
                f"{dataset.snapshot.dataset} line {r.line} ({r.row_id}) rejected: {r.reasons}"
            )
    frame = pd.concat([d.valid for d in datasets], ignore_index=True)
    with load_failures(TABLE, postgres), postgres.connect(autocommit=True) as conn:
        load = load_study_outcomes(
            conn, frame, dry_run=config.dry_run, allow_mass_removal=config.allow_mass_removal
        )
    return dg.MaterializeResult(
        value=MetapsyEffectSizes(datasets=datasets, load=load),
        metadata=entries(
            snapshots=snapshots_table(datasets),
            rows_in=sum(d.rows_in for d in datasets),
            rows_valid=len(frame),
            rows_rejected=sum(len(d.rejections) for d in datasets),
            rejected=rejections_table(datasets),
            rows_by_dataset_and_instrument=rows_by_instrument_table(frame),
            **load_summary(context, TABLE, postgres, load),
            **{"dagster/column_schema": outcomes_table_schema()},
        ),
        check_results=[
            check_result(
                load.problems,
                check_name=MIRROR_CHECK,
                valid_rows=len(frame),
                dry_run=config.dry_run,
            )
        ],
    )


@dg.asset(
    group_name=METAPSY_GROUP,
    kinds={"python", "pandas"},
    owners=OWNERS,
    metadata={"dagster/column_schema": pooled_schema()},
    description=(
        "The pooled effect of each Metapsy meta-analysis, recomputed here from its studies so "
        "a benchmark quotes a number the pipeline can reproduce, and held against the result "
        "the maintainers published. How: each dataset's primary model, exactly as the "
        "maintainers' reproducibility guide specifies: their filterPoolingData statements, "
        "then random effects with REML tau^2 and a Knapp-Hartung 95% CI (PyMARE), with "
        "Q-based I^2, Q, k, n and the prediction interval. Metadata per dataset: the forest "
        "table, the filters applied, every excluded row and why. A blocking check holds each "
        "fit against the published primary result of its release."
    ),
)
@explains_stops
def metapsy_pooled_effects(
    context: dg.AssetExecutionContext, metapsy_effect_sizes: MetapsyEffectSizes
) -> dg.MaterializeResult[MetapsyPooledEffects]:
    results = tuple(pool_dataset(d) for d in metapsy_effect_sizes.datasets)
    metadata = entries(pooled=pooled_summary_table(results))
    for p in results:
        name = p.snapshot.dataset
        context.log.info(f"{p.label}: {p.fit.line() if p.fit else p.problem}")
        metadata |= {
            f"{name} pooled": p.fit.line() if p.fit else f"no fit: {p.problem}",
            f"{name} forest": forest_table(p),
            f"{name} filters": filters_table(p),
            f"{name} excluded rows": excluded_markdown(p),
            f"{name} primary model": (
                f"{p.model.effect}; {p.model.model}; filters from the reproducibility guide "
                f"{p.model.guide}"
                if p.model
                else p.problem
            ),
        }
    return dg.MaterializeResult(
        value=MetapsyPooledEffects(datasets=results),
        metadata={
            **metadata,
            "dagster/row_count": len(pooled_frame(results)),
            "dagster/column_schema": pooled_schema(),
        },
    )
