"""raw_benchmark_trials (ClinicalTrials.gov search) and benchmark_trials (the Supabase table)."""

from datetime import UTC, datetime

import dagster as dg
import psycopg

from benchmark_pipeline.constants import OWNERS, TRIALS_GROUP
from benchmark_pipeline.defs.loads import DryRunConfig, load_failures
from benchmark_pipeline.defs.metadata import check_result, entries
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.trials.client import CtgovError, RegistryUnreachable
from benchmark_pipeline.lib.trials.cursor import (
    CURSOR_TABLE,
    RefreshCursor,
    read_cursor,
    searches_digest,
)
from benchmark_pipeline.lib.trials.load import (
    TRIALS_TABLE,
    known_trials,
    load_trials,
    trials_to_load,
)
from benchmark_pipeline.lib.trials.paging import changed_params, iter_lookups, iter_pages
from benchmark_pipeline.lib.trials.records import FRAME_COLUMNS, TABLE_COLUMNS
from benchmark_pipeline.lib.trials.refresh import plan_refresh
from benchmark_pipeline.lib.trials.search import TrialSearch, search_trials
from benchmark_pipeline.lib.trials.sweep import plan_fetch
from benchmark_pipeline.resources import (
    ClinicalTrialsResource,
    DatabaseConnectionError,
    PostgresResource,
)

from .config import RawTrialsConfig
from .freshness import FRESHNESS_STATEMENT, TRIALS_FRESHNESS
from .metadata import (
    column_schema,
    counts,
    cursor_outcome,
    listed,
    modality_table,
    preview,
    rejected_table,
)

COMPLETE_CHECK = "complete_and_unique"
REJECTED_CHECK = "rejected_lookups"
UNREACHABLE_HINT = (
    "Check the network, or CTGOV_API_URL if the registry should be elsewhere (unset, it is "
    "https://clinicaltrials.gov/api/v2)."
)


def registry_failure(exc: CtgovError, base_url: str) -> dg.Failure:
    """The run's failure for an unusable answer, naming the registry's URL.

    The client has already spent its own bounded retries (attempts and a deadline), or the
    answer was wrong (malformed, a count mismatch, an endless listing): retrying the step would
    only multiply that bound or fetch the same wrong answer. An address that could not be reached
    at all is the exception: the weekly job's step retry tries again a minute later.
    """
    message = str(exc)
    metadata = {"api_url": base_url}
    if isinstance(exc, RegistryUnreachable):
        return dg.Failure(
            description=f"ClinicalTrials.gov at {message}. {UNREACHABLE_HINT}", metadata=metadata
        )
    if base_url.rstrip("/") not in message:
        message = f"{base_url}: {message}"
    return dg.Failure(
        description=f"ClinicalTrials.gov: {message}", metadata=metadata, allow_retries=False
    )


def stored_cursor(postgres: PostgresResource) -> RefreshCursor | None:
    """The refresh cursor stored with the table; a database failure ends the run, naming it."""
    try:
        with postgres.connect(autocommit=True) as conn:
            return read_cursor(conn)
    except (DatabaseConnectionError, psycopg.Error) as exc:
        raise dg.Failure(
            description=(
                f"reading the refresh cursor ({CURSOR_TABLE}) on {postgres.describe()} failed, "
                f"so nothing was fetched: {type(exc).__name__}: {str(exc).strip()}"
            )
        ) from None


@dg.asset(
    group_name=TRIALS_GROUP,
    kinds={"python", "pandas", "api"},
    owners=OWNERS,
    deps=[benchmark_schema],
    metadata={"dagster/column_schema": column_schema(FRAME_COLUMNS)},
    description=(
        "Psychedelic-therapy trials from ClinicalTrials.gov: one search per modality "
        "(psilocybin, MDMA, ketamine, esketamine, arketamine, LSD, ayahuasca, DMT, 5-MeO-DMT, "
        "ibogaine, mescaline, methylone) among completed, active and recruiting studies, every "
        "page decoded into typed records as it arrives and the total checked against the "
        "registry's own count. One row per trial; its modality comes from the drugs the trial "
        "itself gives (so an esketamine trial is never labelled ketamine), and its indication "
        "category (depression, PTSD, ... anaesthesia, healthy volunteers) from its conditions. "
        "A record with a wrong-typed or impossible value is left out and listed; a malformed "
        "answer ends the run. Metadata: trials_by_modality gives, per modality, the "
        "registry's count for its search, the trials naming it and the trials it is primary "
        "for, split by indication. With incremental set (the weekly schedule), only records "
        "updated since the stored cursor are fetched, and a full sweep runs monthly; "
        "fetch_mode and fetch_reason say which ran and why."
    ),
)
@explains_stops
def raw_benchmark_trials(
    context: dg.AssetExecutionContext,
    config: RawTrialsConfig,
    ctgov: ClinicalTrialsResource,
    postgres: PostgresResource,
) -> dg.MaterializeResult:
    cursor = stored_cursor(postgres) if config.incremental else None
    digest = searches_digest(config.modalities, config.statuses, config.condition)
    fetch = plan_fetch(cursor, digest, datetime.now(UTC), config.sweep_rules())
    context.log.info(f"{fetch.mode} fetch: {fetch.reason}")
    try:
        with ctgov.session(on_retry=context.log.warning) as session:
            search = search_trials(
                session, config.modalities, config.statuses, config.condition, fetch
            )
    except CtgovError as exc:
        raise registry_failure(exc, ctgov.base_url) from None
    frame = search.frame
    if search.without_nct_id:
        context.log.warning(
            f"{len(search.without_nct_id)} record(s) without nctId were not loaded: "
            f"{search.without_nct_id[:5]}"
        )
    if search.rejected:
        context.log.warning(
            f"{len(search.rejected)} record(s) rejected: "
            f"{[r.as_dict() for r in search.rejected[:5]]}"
        )
    return dg.MaterializeResult(
        value=search,
        metadata=entries(
            **{"dagster/row_count": len(frame)},
            trials_by_modality=modality_table(search),
            records_received=search.records_received,
            repeats_across_searches=search.repeats,
            records_rejected=len(search.rejected),
            rejected=rejected_table(search.rejected),
            records_without_nct_id=len(search.without_nct_id),
            records_without_nct_id_detail=dg.MetadataValue.json(search.without_nct_id)
            if search.without_nct_id
            else None,
            modality_source=listed(counts(frame["modality_source"])) or "no trial",
            statuses=", ".join(search.statuses) or "any",
            condition=config.condition or "any",
            fetch_mode=fetch.mode,
            fetch_reason=fetch.reason,
            cursor=str(fetch.cursor_date)
            if fetch.cursor_date
            else ("none yet" if config.incremental else "not read (incremental: false)"),
            changed_since=str(fetch.changed_since or "any date (full sweep)"),
            pages_fetched=search.pages,
            bytes_fetched=search.bytes_received,
            requests_made=search.requests_made,
            api_data_timestamp=str(search.data_timestamp),
            api_version=str(search.api_version),
            api_url=ctgov.base_url,
            registry=ctgov.registry_note(),
            preview=preview(frame),
        ),
    )


@dg.asset(
    group_name=TRIALS_GROUP,
    kinds={"python", "postgres", "supabase"},
    owners=OWNERS,
    deps=[benchmark_schema],
    freshness_policy=TRIALS_FRESHNESS,
    metadata={
        "dagster/table_name": TRIALS_TABLE,
        "dagster/column_schema": column_schema([*TABLE_COLUMNS, "updated_at", "missing_since"]),
        "freshness": FRESHNESS_STATEMENT,
    },
    check_specs=[
        dg.AssetCheckSpec(
            COMPLETE_CHECK,
            asset="benchmark_trials",
            blocking=True,
            description=(
                "Every trial found this run reached the table the app counts, each once. How: "
                "checked by the load itself, inside its transaction: every trial of this run is "
                "in the table, and no nct_id appears twice."
            ),
        ),
        dg.AssetCheckSpec(
            REJECTED_CHECK,
            asset="benchmark_trials",
            description=(
                "Trials the searches no longer return are looked up by NCT id; a looked-up "
                "record with a wrong-typed or impossible value is left out (its row stays as it "
                "was) and listed here with its field and reason."
            ),
        ),
    ],
    description=(
        "The global trials table behind 'backed by N global trials', in Supabase. Each weekly "
        "load is one transaction: new trials are added, trials whose details changed (e.g. "
        "RECRUITING -> COMPLETED) are updated, identical ones are left alone. A trial the search "
        "no longer returns is kept and refreshed by its NCT id (it has usually just become "
        "terminated, withdrawn or suspended); one the registry no longer has at all gets "
        "missing_since. Nothing is ever deleted. dry_run reports the changes and rolls back."
    ),
)
@explains_stops
def benchmark_trials(
    context: dg.AssetExecutionContext,
    config: DryRunConfig,
    raw_benchmark_trials: TrialSearch,
    postgres: PostgresResource,
    ctgov: ClinicalTrialsResource,
) -> dg.MaterializeResult:
    search = raw_benchmark_trials
    with load_failures(TRIALS_TABLE, postgres), postgres.connect(autocommit=True) as conn:
        known = known_trials(conn)
    fetch = search.fetch

    def lookup(session, ids: list[str]):
        # An incremental run asks one search for what changed in any status, not every id.
        if fetch.incremental:
            params = changed_params(search.vocabulary, search.condition, fetch.changed_since)
            return iter_pages(session, params)
        return iter_lookups(session, ids)

    try:
        with ctgov.session(on_retry=context.log.warning) as session:
            plan = plan_refresh(
                known,
                search.frame["nct_id"],
                lambda ids: lookup(session, ids),
                search.vocabulary,
                incremental=fetch.incremental,
            )
    except CtgovError as exc:
        raise registry_failure(exc, ctgov.base_url) from None
    frame = trials_to_load(search.frame, plan.refreshed)
    cursor = search.cursor_update(rejected_later=len(plan.rejected))
    with load_failures(TRIALS_TABLE, postgres), postgres.connect(autocommit=True) as conn:
        load = load_trials(conn, frame, gone=plan.gone, dry_run=config.dry_run, cursor=cursor)
    verb = "would change (dry run, rolled back)" if config.dry_run else "changed"
    # An incremental run fetched only what changed: the known trials it did not see are unchanged.
    not_fetched = len(plan.not_seen) - len(plan.refreshed) - len(plan.rejected)
    unseen = (
        f"{not_fetched} unchanged since the cursor (not fetched)"
        if fetch.incremental
        else f"{len(plan.not_seen)} not seen this run"
    )
    context.log.info(
        f"{TRIALS_TABLE} on {postgres.describe()} {verb} ({fetch.mode} fetch): "
        f"{load.inserted} inserted, {load.updated} updated, {load.unchanged} unchanged, {unseen}"
    )
    rejected = [f"{r.nct_id}: {r.field}: {r.reason}" for r in plan.rejected]
    return dg.MaterializeResult(
        metadata=entries(
            # On a dry run the table still holds what it held before.
            **{
                "dagster/row_count": len(known) if config.dry_run else load.row_count,
                "dagster/table_name": TRIALS_TABLE,
            },
            dry_run=config.dry_run,
            fetch_mode=fetch.mode,
            inserted=load.inserted,
            updated=load.updated,
            unchanged=load.unchanged,
            not_seen_this_run=None if fetch.incremental else len(plan.not_seen),
            unchanged_not_fetched=not_fetched if fetch.incremental else None,
            refreshed_by_nct_id=len(plan.refreshed),
            rejected_on_lookup=len(plan.rejected),
            newly_missing=load.newly_missing,
            still_missing=load.still_missing,
            row_count_after_load=load.row_count,
            not_seen_ids=None if fetch.incremental else ", ".join(plan.not_seen[:200]) or None,
            gone_ids=", ".join(plan.gone[:200]) or None,
            cursor_after=cursor_outcome(load, cursor.registry_date),
            lookup_requests=session.requests_made,
            lookup_bytes=session.bytes_received,
            registry=ctgov.registry_note(),
            database=postgres.describe(),
            preview_refreshed=preview(plan.refreshed),
        ),
        check_results=[
            check_result(
                load.problems,
                check_name=COMPLETE_CHECK,
                table=TRIALS_TABLE,
                trials_this_run=len(frame),
                dry_run=config.dry_run,
            ),
            check_result(
                [f"{len(rejected)} looked-up record(s) left out: " + "; ".join(rejected[:5])]
                if rejected
                else [],
                severity=dg.AssetCheckSeverity.WARN,
                check_name=REJECTED_CHECK,
                rejected=rejected_table(plan.rejected),
                records_rejected=len(plan.rejected),
            ),
        ],
    )
