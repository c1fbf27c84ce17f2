"""Materializing the cohort assets and their checks on a test's own database, and reading what
the run recorded: metadata, check evaluations, the failure message."""

from pathlib import Path

import dagster as dg

from benchmark_pipeline.defs.cohorts import checks
from benchmark_pipeline.defs.cohorts.assets import benchmark_cohorts, validated_benchmark_cohorts
from benchmark_pipeline.resources import DoiRegistryResource, PostgresResource
from benchmark_pipeline_tests.support.metapsy import no_pooled_effects, pooled_from_pinned_snapshots

CORPUS = Path(__file__).resolve().parents[2] / "data"
CHECKS = [
    checks.citation_completeness,
    checks.n_completeness,
    checks.rejected_rows,
    checks.reuse_terms_verified,
    checks.doi_matches_citation,
]


def materialize_cohorts(
    postgres: PostgresResource,
    csv_path: Path | None = None,
    *,
    dry_run: bool = False,
    allow_mass_removal: bool = False,
    encoding: str | None = None,
    assets: list | None = None,
    pooled: bool = False,
) -> dg.ExecuteInProcessResult:
    """validated_benchmark_cohorts + benchmark_cohorts + every check (or ``assets``), with the
    real Metapsy pooled rows when ``pooled``, else the CSV's rows alone."""
    load = {"dry_run": dry_run, "allow_mass_removal": allow_mass_removal}
    ops: dict = {"benchmark_cohorts": {"config": load}}
    read = {"csv_path": str(csv_path)} if csv_path is not None else {}
    if encoding is not None:
        read["encoding"] = encoding
    if read:
        ops["validated_benchmark_cohorts"] = {"config": read}
    return dg.materialize(
        assets
        or [
            pooled_from_pinned_snapshots if pooled else no_pooled_effects,
            validated_benchmark_cohorts,
            benchmark_cohorts,
            *CHECKS,
        ],
        resources={"postgres": postgres, "doi_registry": DoiRegistryResource()},
        instance=dg.DagsterInstance.ephemeral(),
        run_config={"ops": ops},
        raise_on_error=False,
    )


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    (event,) = result.asset_materializations_for_node(asset)
    return {k: getattr(v, "value", v) for k, v in event.metadata.items()}


def evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def failure(result: dg.ExecuteInProcessResult) -> tuple[str, str]:
    """(step, message) of the run's one failed step."""
    (event,) = [e for e in result.all_events if e.is_step_failure]
    return event.step_key, str(event.step_failure_data.error)
