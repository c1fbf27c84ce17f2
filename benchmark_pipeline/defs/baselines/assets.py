"""teds_discharges (the TEDS-D file, read and validated) and population_baselines (the table)."""

import dagster as dg

from benchmark_pipeline.constants import BASELINES_GROUP, OWNERS
from benchmark_pipeline.defs.loads import MirrorLoadConfig, load_failures, load_summary
from benchmark_pipeline.defs.metadata import check_result, entries, inline_table
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.stops import NothingToLoad, explains_stops
from benchmark_pipeline.lib.baselines.aggregate import aggregate
from benchmark_pipeline.lib.baselines.groups import groups_per_year
from benchmark_pipeline.lib.baselines.load import TABLE, LoadedBaselines, load_baselines
from benchmark_pipeline.lib.baselines.reading import TedsDischarges, read_discharges
from benchmark_pipeline.lib.baselines.source import TedsFileError, describe_location
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
# Ahead of the other loads whenever ready, so read_api_answers (which cannot depend on an opt-in
# asset without being skipped with it) reads the table after this run's load.
FIRST = {"dagster/priority": "10"}


# teds_discharges reads no table, but it runs after the schema step on purpose: then everything
# population_baselines waits for is upstream of teds_discharges too. Dagster's in-process
# executor (1.13) settles skipped steps before abandoned ones in one pass and does not look
# again, so a step left with a skipped input (no TEDS-D file) and a failed one (a migration)
# would stay pending and the run would spin forever instead of failing.
@dg.asset(
    deps=[benchmark_schema],
    group_name=BASELINES_GROUP,
    kinds={"python", "duckdb", "csv"},
    owners=OWNERS,
    output_required=False,
    op_tags=FIRST,
    metadata={"dagster/column_schema": discharges_schema()},
    description=(
        "Discharges from U.S. publicly funded substance use treatment, one row per treatment "
        "episode, as SAMHSA's TEDS-D public-use file reports them: the raw material of the "
        "usual-care baselines. A row whose code is not in SAMHSA's codebook is left out and "
        "counted, never guessed. Opt-in: without a TEDS-D file this asset is skipped (not "
        "materialized) and so is everything that needs it; to turn it on, download a yearly "
        "file from SAMHSA and set TEDS_D_PATH to it (or ops.teds_discharges.config.path for "
        "one run). How: the zip as downloaded, the CSV inside it, a folder of yearly files or a "
        "URL, read with DuckDB (encoding and delimiter detected, the 2021 file's text labels "
        "mapped to codes)."
    ),
)
@explains_stops
def teds_discharges(
    context: dg.AssetExecutionContext, config: TedsFileConfig
):  # no return annotation: Dagster would read the union as the output's type
    location = resolve_location(config.path)
    if location is None:
        return NothingToLoad(NO_FILE)
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
    op_tags=FIRST,
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
                "The table the app reads holds exactly this load's groups, none missing and "
                "none extra, with the same discharges per year. Checked by the load itself, "
                "inside its transaction, before anything is committed."
            ),
        )
    ],
    description=(
        "Usual-care reference values from U.S. substance use treatment (TEDS-D): per discharge "
        "year, region (National and the four census regions), primary substance and "
        "demographic group (all, female, male, age bands), how many discharges, % female, % "
        "who completed treatment, % with prior treatment, median length of stay and median age "
        "band. Opt-in: skipped with teds_discharges when no TEDS-D file is configured "
        "(TEDS_D_PATH), the table then left as it was. How: public.population_baselines in "
        "Supabase, mirrored in one transaction (upsert on the group, rows of years no longer "
        "loaded removed; a load removing most of the table needs allow_mass_removal)."
    ),
)
@explains_stops
def population_baselines(
    context: dg.AssetExecutionContext,
    config: MirrorLoadConfig,
    postgres: PostgresResource,
    teds_discharges: TedsDischarges,
):  # no return annotation: beside check_specs, Dagster would read it as the outputs' types
    result = aggregate(teds_discharges.discharges)
    with load_failures(TABLE, postgres), postgres.connect(autocommit=True) as conn:
        load = load_baselines(
            conn,
            result.groups,
            dry_run=config.dry_run,
            allow_mass_removal=config.allow_mass_removal,
        )
    return dg.MaterializeResult(
        value=LoadedBaselines(aggregate=result, load=load),
        metadata=entries(
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
                dry_run=load.dry_run,
            )
        ],
    )
