"""teds_discharges (the TEDS-D file, read and validated) and population_baselines (the table)."""

import dagster as dg

from benchmark_pipeline.constants import BASELINES_GROUP, OWNERS
from benchmark_pipeline.defs.loads import MirrorLoadConfig, load_failures, load_summary
from benchmark_pipeline.defs.metadata import check_result, entries, inline_table
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.baselines.aggregate import aggregate
from benchmark_pipeline.lib.baselines.groups import groups_per_year
from benchmark_pipeline.lib.baselines.load import TABLE, LoadedBaselines, load_baselines
from benchmark_pipeline.lib.baselines.reading import (
    TedsDischarges,
    not_configured,
    read_discharges,
)
from benchmark_pipeline.lib.baselines.source import TedsFileError, describe_location
from benchmark_pipeline.lib.postgres.staged_upsert import table_row_count
from benchmark_pipeline.resources import PostgresResource

from .config import NO_FILE, TedsFileConfig, resolve_location
from .metadata import (
    discharges_schema,
    files_table,
    invalid_table,
    national_preview,
    remainders_table,
    table_schema,
)

MIRROR_CHECK = "mirrors_aggregate"
NOT_LOADED = f"Not loaded: {NO_FILE} The table was left as it was."


@dg.asset(
    group_name=BASELINES_GROUP,
    kinds={"python", "duckdb", "csv"},
    owners=OWNERS,
    metadata={"dagster/column_schema": discharges_schema()},
    description=(
        "The TEDS-D public-use file (SAMHSA's Treatment Episode Data Set - Discharges; the zip "
        "as downloaded, the CSV inside, a folder of yearly files or a URL), read with DuckDB: "
        "encoding (UTF-8, else latin-1) and delimiter detected, the 2021 file's text labels "
        "mapped to codes, every code of the variables used checked against the codebook. A "
        "row with an invalid code is left out and counted under its variable and value. "
        "Without a configured file (TEDS_D_PATH) nothing is read and nothing downstream changes."
    ),
)
@explains_stops
def teds_discharges(
    context: dg.AssetExecutionContext, config: TedsFileConfig
) -> dg.MaterializeResult:
    location = resolve_location(config.path)
    if location is None:
        context.log.warning(NO_FILE)
        return dg.MaterializeResult(
            value=not_configured(),
            metadata={
                "file_configured": False,
                "how_to_configure": NO_FILE,
                "dagster/row_count": 0,
            },
        )
    try:
        result = read_discharges(location)
    except TedsFileError as exc:
        raise dg.Failure(
            description=str(exc),
            metadata={"location": describe_location(location)},
            allow_retries=False,
        ) from None
    for bad in result.invalid:
        context.log.warning(
            f"{bad.file}: {bad.rows:,} row(s) left out, {bad.variable} ({bad.column}) = "
            f"{bad.value!r} is no code of the codebook"
        )
    return dg.MaterializeResult(
        value=result,
        metadata=entries(
            file_configured=True,
            location=describe_location(location),
            files=files_table(result.files),
            years=", ".join(map(str, result.years)) or "none",
            rows_read=result.rows_read,
            rows_valid=len(result.discharges),
            rows_invalid=result.rows_invalid,
            invalid_values=invalid_table(result.invalid),
            **{"dagster/row_count": len(result.discharges)},
        ),
    )


@dg.asset(
    deps=[benchmark_schema],
    group_name=BASELINES_GROUP,
    kinds={"python", "duckdb", "postgres", "supabase"},
    owners=OWNERS,
    metadata={
        "dagster/column_schema": table_schema(),
        "dagster/table_name": TABLE,
        "freshness": (
            "none: SAMHSA publishes one TEDS-D file a year, and the table changes only when a "
            "person loads a newly downloaded one"
        ),
    },
    check_specs=[
        dg.AssetCheckSpec(
            MIRROR_CHECK,
            asset="population_baselines",
            description=(
                "Checked by the load itself, inside its transaction: the table holds exactly the "
                "groups of this load (none missing, none extra) with the same discharges per year."
            ),
        )
    ],
    description=(
        "public.population_baselines in Supabase: usual-care reference values from TEDS-D, one "
        "row per discharge year x region (National and the four census regions) x primary-"
        "substance group x demographic group (all, female, male, age bands), with discharges, "
        "% female, % treatment completed, % with prior treatment, median length of stay and "
        "median age band. Mirrored in one transaction (upsert on the group, rows of years no "
        "longer loaded removed; a load removing most of the table needs allow_mass_removal). "
        "Without a configured file the table is left as it is."
    ),
)
@explains_stops
def population_baselines(
    context: dg.AssetExecutionContext,
    config: MirrorLoadConfig,
    postgres: PostgresResource,
    teds_discharges: TedsDischarges,
):  # no return annotation: beside check_specs, Dagster would read it as the outputs' types
    if not teds_discharges.configured:
        with load_failures(TABLE, postgres), postgres.connect() as conn:
            rows = table_row_count(conn, TABLE)
        context.log.warning(NOT_LOADED)
        return dg.MaterializeResult(
            value=LoadedBaselines(aggregate=None, load=None, table_rows=rows),
            metadata={
                "loaded": False,
                "why_not": NOT_LOADED,
                "dagster/row_count": rows,
                "dagster/table_name": TABLE,
                "database": postgres.describe(),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name=MIRROR_CHECK,
                    passed=False,
                    severity=dg.AssetCheckSeverity.WARN,
                    description=NOT_LOADED,
                    metadata={"file_configured": False, "table_rows": rows},
                )
            ],
        )
    result = aggregate(teds_discharges.discharges)
    with load_failures(TABLE, postgres), postgres.connect(autocommit=True) as conn:
        load = load_baselines(
            conn,
            result.groups,
            dry_run=config.dry_run,
            allow_mass_removal=config.allow_mass_removal,
        )
    return dg.MaterializeResult(
        value=LoadedBaselines(aggregate=result, load=load, table_rows=load.row_count),
        metadata=entries(
            loaded=True,
            years=", ".join(map(str, result.years)),
            discharges_per_year=inline_table(
                ["year", "discharges"], sorted(result.rows_per_year.items())
            ),
            groups_per_year=f"{groups_per_year()} (5 regions x 11 substance groups x 15 "
            "demographic groups)",
            national_by_substance=national_preview(result),
            not_in_any_row=remainders_table(result),
            **load_summary(context, TABLE, postgres, load),
        ),
        check_results=[
            check_result(
                load.problems,
                check_name=MIRROR_CHECK,
                groups_loaded=len(result.groups),
                rows_in_table=load.rows_loaded,
                dry_run=config.dry_run,
            )
        ],
    )
