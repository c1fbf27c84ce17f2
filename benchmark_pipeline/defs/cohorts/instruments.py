"""benchmark_instruments: the instruments file (score ranges, direction, verified `similar` bands)
mirrored into public.benchmark_instruments, with its mirror and rejected-rows checks."""

import dagster as dg

from benchmark_pipeline.constants import COHORTS_GROUP, OWNERS
from benchmark_pipeline.defs.loads import MirrorLoadConfig, load_failures, load_summary
from benchmark_pipeline.defs.metadata import check_metadata, check_result, markdown_table
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.cohorts.instruments import (
    DESCRIPTIONS,
    INSTRUMENTS_CSV,
    InstrumentCsvError,
    InstrumentFile,
    read_instruments,
)
from benchmark_pipeline.lib.cohorts.instruments_load import TABLE, load_instruments
from benchmark_pipeline.resources import PostgresResource

MIRROR_CHECK = "mirrors_valid_rows"
REJECTED_CHECK = "rejected_rows"
_TYPES = {
    "score_min": "numeric",
    "score_max": "numeric",
    "lower_is_better": "boolean",
    "similar_band": "numeric",
}
SHOWN = ["name", "score_min", "score_max", "lower_is_better", "similar_band", "band_doi"]


def instruments_table_schema() -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, _TYPES.get(name, "text"), description=description)
            for name, description in DESCRIPTIONS.items()
        ]
        + [dg.TableColumn("updated_at", "timestamptz", description="When the row last changed")]
    )


def _rejections(read: InstrumentFile) -> dg.MetadataValue:
    rows = [[r.row, r.name, "; ".join(r.reasons)] for r in read.rejections]
    return markdown_table(["row", "name", "reasons"], rows, empty="_no rejected rows_")


def _shown(value: object) -> object:
    return f"{value:g}" if isinstance(value, float) else value


def _table(read: InstrumentFile) -> dg.MetadataValue:
    rows = [[_shown(row[c]) for c in SHOWN] for row in read.rows()]
    return markdown_table(SHOWN, rows, empty="_no valid instrument_")


@dg.asset(
    deps=[benchmark_schema],
    group_name=COHORTS_GROUP,
    kinds={"python", "csv", "postgres", "supabase"},
    owners=OWNERS,
    metadata={
        "dagster/column_schema": instruments_table_schema(),
        "dagster/table_name": TABLE,
        "freshness": (
            "none: the table changes only when data/benchmark_instruments.csv changes, with a "
            "new release of this code location; materialize it after an upgrade"
        ),
    },
    check_specs=[
        dg.AssetCheckSpec(
            MIRROR_CHECK,
            asset="benchmark_instruments",
            description=(
                "The table the app reads holds exactly the checked scales. How: right after the "
                "load, in its transaction, exactly the valid rows of the file, every value equal."
            ),
        ),
        dg.AssetCheckSpec(
            REJECTED_CHECK,
            asset="benchmark_instruments",
            description=(
                "No rating scale of the file was left out unseen: a warning lists each rejected "
                "row with its reasons."
            ),
        ),
    ],
    description=(
        "The rating scales (PHQ-9, CAPS-5, ...) the cohorts report and a patient's score is "
        "read on. How: public.benchmark_instruments in Supabase: each outcome instrument the "
        "cohorts use, with "
        "its score range, direction (lower_is_better) and, where a published value was "
        "verified, the band of difference benchmark_comparison calls similar (only PHQ-9, 5 "
        "points; empty elsewhere, with the reason in notes). Mirrored from "
        "data/benchmark_instruments.csv, the file the cohort vocabulary takes its score ranges "
        "from, in one transaction. A row that breaks a rule is left out and listed; a file "
        "that cannot be read fails the run naming it."
    ),
)
@explains_stops
def benchmark_instruments(
    context: dg.AssetExecutionContext, config: MirrorLoadConfig, postgres: PostgresResource
) -> dg.MaterializeResult:
    try:
        read = read_instruments(INSTRUMENTS_CSV)
    except InstrumentCsvError as exc:
        raise dg.Failure(
            description=str(exc), metadata={"csv_path": str(INSTRUMENTS_CSV)}
        ) from None
    for rejection in read.rejections:
        context.log.warning(
            f"row {rejection.row} ({rejection.name}): {'; '.join(rejection.reasons)}"
        )
    counts = f"The file has {len(read.instruments)} valid row(s)."
    with (
        load_failures(TABLE, postgres, input_counts=counts),
        postgres.connect(autocommit=True) as conn,
    ):
        load = load_instruments(
            conn,
            read.rows(),
            dry_run=config.dry_run,
            allow_mass_removal=config.allow_mass_removal,
        )
    return dg.MaterializeResult(
        metadata={
            "csv_path": str(read.path),
            "rows_rejected": len(read.rejections),
            "instruments": _table(read),
            **load_summary(context, TABLE, postgres, load),
            "dagster/column_schema": instruments_table_schema(),
        },
        check_results=[
            check_result(load.problems, check_name=MIRROR_CHECK, valid_rows=len(read.instruments)),
            dg.AssetCheckResult(
                check_name=REJECTED_CHECK,
                passed=not read.rejections,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"{len(read.rejections)} row(s) rejected" if read.rejections else None,
                metadata=check_metadata(
                    rows_rejected=len(read.rejections), rejected=_rejections(read)
                ),
            ),
        ],
    )
