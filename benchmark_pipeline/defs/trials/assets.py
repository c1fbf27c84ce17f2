"""raw_benchmark_trials (ClinicalTrials.gov search) and benchmark_trials (the Supabase table)."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.constants import OWNERS, TRIALS_GROUP
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.lib import ctgov_client
from benchmark_pipeline.lib.ctgov_parse import FRAME_COLUMNS, TABLE_COLUMNS, build_trials
from benchmark_pipeline.lib.trials_load import (
    TRIALS_TABLE,
    known_trials,
    load_trials,
    refreshed_rows,
)
from benchmark_pipeline.resources import ClinicalTrialsResource, PostgresResource

from .config import BenchmarkTrialsConfig, RawTrialsConfig
from .metadata import column_schema, counts, preview

RAW_RETRY = dg.RetryPolicy(
    max_retries=2, delay=60, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


@dg.asset(
    group_name=TRIALS_GROUP,
    kinds={"python", "pandas", "api"},
    owners=OWNERS,
    retry_policy=RAW_RETRY,
    name="raw_benchmark_trials",
    metadata={"dagster/column_schema": column_schema(FRAME_COLUMNS)},
    description=(
        "Psychedelic-therapy trials from ClinicalTrials.gov: one search per modality "
        "(psilocybin, MDMA, ketamine, esketamine, LSD, ayahuasca, DMT, ibogaine, mescaline) "
        "among completed, active and recruiting studies, every page read and the total checked "
        "against the registry's own count. One row per trial; its modality comes from the "
        "drugs the trial itself gives, so an esketamine trial is never labelled ketamine."
    ),
)
def raw_benchmark_trials(
    context: dg.AssetExecutionContext, config: RawTrialsConfig, ctgov: ClinicalTrialsResource
) -> dg.Output[pd.DataFrame]:
    try:
        with ctgov.session() as session:
            version = ctgov_client.read_version(session)
            results = {
                modality: ctgov_client.fetch_all_pages(
                    session,
                    ctgov_client.search_params(terms, config.statuses, config.condition),
                )
                for modality, terms in config.modalities.items()
            }
            requests_made = session.requests_made
    except ctgov_client.CtgovError as exc:
        # The client has already spent its own bounded retries (attempts and total time),
        # or the answer was wrong (a count mismatch): retrying the step would only multiply
        # that bound. The step's RetryPolicy is for what the client does not expect.
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    parsed = build_trials({m: r.studies for m, r in results.items()}, config.modalities)
    frame = parsed.frame
    if parsed.without_nct_id:
        context.log.warning(
            f"{len(parsed.without_nct_id)} record(s) without nctId were not loaded: "
            f"{parsed.without_nct_id[:5]}"
        )
    trials_per_modality = {
        m: int(frame["modalities"].map(lambda ms, m=m: m in ms).sum()) for m in config.modalities
    }
    return dg.Output(
        frame,
        metadata={
            "dagster/row_count": len(frame),
            "records_received": parsed.records_received,
            "repeats_across_searches": parsed.repeats,
            "records_without_nct_id": len(parsed.without_nct_id),
            "records_without_nct_id_detail": dg.MetadataValue.json(parsed.without_nct_id),
            "total_count_per_search": dg.MetadataValue.json(
                {m: r.total_count for m, r in results.items()}
            ),
            "pages_per_search": dg.MetadataValue.json({m: r.pages for m, r in results.items()}),
            "trials_by_primary_modality": dg.MetadataValue.json(counts(frame["modality"])),
            "trials_per_modality": dg.MetadataValue.json(trials_per_modality),
            "modality_source": dg.MetadataValue.json(counts(frame["modality_source"])),
            "modalities_searched": dg.MetadataValue.json(list(config.modalities)),
            "statuses": dg.MetadataValue.json(config.statuses),
            "requests_made": requests_made,
            "api_data_timestamp": str(version.get("dataTimestamp")),
            "api_version": str(version.get("apiVersion")),
            "api_url": ctgov.base_url,
            "preview": preview(frame),
        },
    )


@dg.asset(
    group_name=TRIALS_GROUP,
    kinds={"python", "postgres", "supabase"},
    owners=OWNERS,
    deps=[benchmark_schema],
    metadata={
        "dagster/table_name": TRIALS_TABLE,
        "dagster/column_schema": column_schema([*TABLE_COLUMNS, "updated_at", "missing_since"]),
    },
    description=(
        "The global trials table behind 'backed by N global trials', in Supabase. Each weekly "
        "load is one transaction: new trials are added, trials whose details changed (e.g. "
        "RECRUITING -> COMPLETED) are updated, identical ones are left alone. A trial the search "
        "no longer returns is kept and refreshed by its NCT id (it has usually just become "
        "terminated, withdrawn or suspended); one the registry no longer has at all gets "
        "missing_since. Nothing is ever deleted. dry_run reports the changes and rolls back."
    ),
)
def benchmark_trials(
    context: dg.AssetExecutionContext,
    config: BenchmarkTrialsConfig,
    raw_benchmark_trials: pd.DataFrame,
    postgres: PostgresResource,
    ctgov: ClinicalTrialsResource,
) -> dg.MaterializeResult:
    with postgres.connect(autocommit=True) as conn:
        known = known_trials(conn)
    not_seen = sorted(set(known) - set(raw_benchmark_trials["nct_id"]))
    with ctgov.session() as session:
        looked_up = ctgov_client.fetch_by_ids(session, not_seen) if not_seen else []
    refreshed = refreshed_rows(looked_up, known)
    gone = sorted(set(not_seen) - set(refreshed["nct_id"]))
    frame = pd.concat([raw_benchmark_trials, refreshed], ignore_index=True)[TABLE_COLUMNS]
    with postgres.connect(autocommit=True) as conn:
        load = load_trials(conn, frame, gone=gone, dry_run=config.dry_run)
    verb = "would change (dry run, rolled back)" if config.dry_run else "changed"
    context.log.info(
        f"{TRIALS_TABLE} on {postgres.describe()} {verb}: {load.inserted} inserted, "
        f"{load.updated} updated, {load.unchanged} unchanged, {len(not_seen)} not seen this run"
    )
    return dg.MaterializeResult(
        metadata={
            # On a dry run the table still holds what it held before.
            "dagster/row_count": len(known) if config.dry_run else load.row_count,
            "dagster/table_name": TRIALS_TABLE,
            "dry_run": config.dry_run,
            "inserted": load.inserted,
            "updated": load.updated,
            "unchanged": load.unchanged,
            "not_seen_this_run": len(not_seen),
            "refreshed_by_nct_id": len(refreshed),
            "newly_missing": load.newly_missing,
            "still_missing": load.still_missing,
            "row_count_after_load": load.row_count,
            "not_seen_ids": dg.MetadataValue.json(not_seen[:200]),
            "gone_ids": dg.MetadataValue.json(gone[:200]),
            "database": postgres.describe(),
            "preview_refreshed": preview(refreshed),
        }
    )
