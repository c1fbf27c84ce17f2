"""Checks on validated_benchmark_cohorts: provenance and N (blocking); rejections, reuse terms
and DOIs (warn)."""

import dagster as dg

from benchmark_pipeline.defs.metadata import check_metadata, check_result, inline_table
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.cohorts.doi import citation_has_doi, is_valid_doi, lookup_doi
from benchmark_pipeline.lib.cohorts.validation import CohortValidation, unverified_reuse_terms
from benchmark_pipeline.resources import DoiRegistryResource

from .assets import validated_benchmark_cohorts
from .config import DoiCheckConfig
from .metadata import rejections_json, rejections_table, reuse_table, shown

_ROWS_DESCRIBED = 3


def citation_problems(validation: CohortValidation) -> list[str]:
    """Valid rows whose citation lacks a syntactically valid DOI equal to their doi column."""
    return [
        f"{row.cohort_name}: citation has no valid DOI {row.doi!r}"
        for row in validation.valid[["cohort_name", "source_citation", "doi"]].itertuples()
        if not (
            isinstance(row.source_citation, str)
            and isinstance(row.doi, str)
            and is_valid_doi(row.doi)
            and citation_has_doi(row.source_citation, row.doi)
        )
    ]


def n_problems(validation: CohortValidation) -> list[str]:
    """Valid rows without an N > 0."""
    return [
        f"{row.cohort_name}: n_participants {row.n_participants}"
        for row in validation.valid[["cohort_name", "n_participants"]].itertuples()
        if not (row.n_participants == row.n_participants and row.n_participants > 0)
    ]


@dg.asset_check(
    asset=validated_benchmark_cohorts,
    blocking=True,
    description=(
        "Every cohort a clinician sees names its source paper: each valid row cites its source "
        "with a DOI equal to its doi column."
    ),
)
@explains_stops
def citation_completeness(validated_benchmark_cohorts: CohortValidation) -> dg.AssetCheckResult:
    return check_result(
        citation_problems(validated_benchmark_cohorts), rows=len(validated_benchmark_cohorts.valid)
    )


@dg.asset_check(
    asset=validated_benchmark_cohorts,
    blocking=True,
    description=(
        "Every cohort says how many patients it holds: each valid row has a whole-number N "
        "greater than 0."
    ),
)
@explains_stops
def n_completeness(validated_benchmark_cohorts: CohortValidation) -> dg.AssetCheckResult:
    return check_result(
        n_problems(validated_benchmark_cohorts), rows=len(validated_benchmark_cohorts.valid)
    )


@dg.asset_check(
    asset=validated_benchmark_cohorts,
    description=(
        "No cohort of the file was left out unseen: a warning lists each rejected CSV row with "
        "its reasons."
    ),
)
def rejected_rows(validated_benchmark_cohorts: CohortValidation) -> dg.AssetCheckResult:
    rejections = validated_benchmark_cohorts.rejections
    return dg.AssetCheckResult(
        passed=not rejections,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{len(rejections)} row(s) rejected and not loaded: "
            + "; ".join(
                f"row {r.row} ({shown(r.cohort_name) or 'no name'}): {', '.join(r.reasons)}"
                for r in rejections[:_ROWS_DESCRIBED]
            )
            + (" ..." if len(rejections) > _ROWS_DESCRIBED else "")
            if rejections
            else None
        ),
        metadata=check_metadata(
            rows_rejected=len(rejections),
            rejected=rejections_table(rejections),
            rejections=dg.MetadataValue.json(rejections_json(rejections)) if rejections else None,
        ),
    )


_NAMES_SHOWN = 10


@dg.asset_check(
    asset=validated_benchmark_cohorts,
    description=(
        "Whether each cohort's data may be reused is known, never assumed: every valid row "
        "states verified reuse terms (data_freely_usable true or false). A "
        "warning lists the rows that load with data_freely_usable empty: NULL in the table, "
        "meaning not verified, never a claim either way."
    ),
)
def reuse_terms_verified(validated_benchmark_cohorts: CohortValidation) -> dg.AssetCheckResult:
    valid = validated_benchmark_cohorts.valid
    unverified = unverified_reuse_terms(valid)
    names = unverified["cohort_name"].tolist()
    shown = ", ".join(names[:_NAMES_SHOWN]) + (" ..." if len(names) > _NAMES_SHOWN else "")
    return dg.AssetCheckResult(
        passed=not names,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{len(names)} of {len(valid)} valid row(s) load with reuse terms not verified "
            f"(data_freely_usable empty, NULL in the table): {shown}"
            if names
            else None
        ),
        metadata=check_metadata(
            rows_valid=len(valid),
            rows_unverified=len(names),
            unverified=reuse_table(unverified),
        ),
    )


DOI_CHECK = "doi_matches_citation"


@dg.multi_asset_check(
    name=f"validated_benchmark_cohorts_{DOI_CHECK}",  # the op name an @asset_check would have
    specs=[
        dg.AssetCheckSpec(
            DOI_CHECK,
            asset=validated_benchmark_cohorts,
            description=(
                "Each cohort's DOI leads to the paper its citation names, so a clinician "
                "following a benchmark to its source reads the right study. Opt-in, because it "
                "needs the network: off (the default) it is not run and shows as skipped, and "
                "the DOIs stay unverified; turn it on with config enabled: true. How: each valid "
                "row's DOI is resolved at doi.org and its registered title must appear in the "
                "citation; an unreachable registry does not pass."
            ),
        )
    ],
    can_subset=True,  # off, it yields no result: skipped, not failed
)
def doi_matches_citation(
    context: dg.AssetCheckExecutionContext,
    config: DoiCheckConfig,
    doi_registry: DoiRegistryResource,
    validated_benchmark_cohorts: CohortValidation,
):  # no return annotation: it yields its one result, or none when off
    if not config.enabled:
        context.log.info(
            f"{DOI_CHECK} not run: the DOI lookup is opt-in because it needs the network "
            "(config enabled: true)."
        )
        return
    rows = validated_benchmark_cohorts.valid
    with doi_registry.client() as client:
        lookups = [lookup_doi(client, r.doi, r.source_citation) for r in rows.itertuples()]
    problems = [lookup.problem for lookup in lookups if lookup.problem]
    table = [[lk.doi, lk.registered_title, lk.problem or "matches"] for lk in lookups]
    yield dg.AssetCheckResult(
        check_name=DOI_CHECK,
        passed=not problems,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(problems) if problems else None,
        metadata=check_metadata(
            enabled=True,
            looked_up=len(lookups),
            results=inline_table(["doi", "registered title", "result"], table),
            problems=inline_table(["problem"], [[p] for p in problems]),
        ),
    )
