"""metapsy_effect_sizes -> metapsy_pooled_effects with their checks, through dg.materialize on
the test's own PostgreSQL."""

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from benchmark_pipeline.defs.metapsy import checks
from benchmark_pipeline.defs.metapsy.assets import (
    MetapsyPooledEffects,
    metapsy_effect_sizes,
    metapsy_pooled_effects,
)
from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.metapsy.cohort_rows import pooled_cohort_rows
from benchmark_pipeline.lib.postgres.mirror import mirror_frame
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.lib.metapsy.snapshots import (
    DATASETS,
    PINNED,
    copy_snapshot,
    set_cell,
    without_column,
    without_study,
)
from benchmark_pipeline_tests.support.databases import table_snapshot
from benchmark_pipeline_tests.support.metadata import rows_by, table_rows

ASSETS = [
    metapsy_effect_sizes,
    metapsy_pooled_effects,
    checks.rejected_rows,
    checks.matches_published_result,
]
GOODWIN_PRIMARY = "Goodwin2022_imsd_madrs_Week3_3.00_clinician_psil_psil_25mg_1mg"
BACK_PRE_DOSE = "Back2024_msd_madrs_Day-8_-1.14_clinician_psil_ncn_NA_NA"


@dg.asset(group_name="metapsy")
def pooled_cohorts_downstream(
    postgres: PostgresResource, metapsy_pooled_effects: MetapsyPooledEffects
) -> None:
    """Stands in for benchmark_cohorts once the pooled rows are wired into it."""
    rows = pooled_cohort_rows(metapsy_pooled_effects.datasets)
    with postgres.connect(autocommit=True) as conn, conn.transaction():
        mirror_frame(conn, "public.benchmark_cohorts", rows, key=["cohort_name"], columns=COLUMNS)


def _run(
    postgres: PostgresResource,
    snapshot_dirs: list[Path] | None = None,
    *,
    assets: list | None = None,
    **config: bool,
) -> dg.ExecuteInProcessResult:
    settings: dict = dict(config)
    if snapshot_dirs is not None:
        settings["snapshot_dirs"] = [str(p) for p in snapshot_dirs]
    return dg.materialize(
        assets or ASSETS,
        resources={"postgres": postgres},
        instance=dg.DagsterInstance.ephemeral(),
        run_config={"ops": {"metapsy_effect_sizes": {"config": settings}}},
        raise_on_error=False,
    )


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    (event,) = result.asset_materializations_for_node(asset)
    return {k: getattr(v, "value", v) for k, v in event.metadata.items()}


def _checks(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def _outcomes(conn: psycopg.Connection) -> list[tuple]:
    return table_snapshot(conn, "benchmark_study_outcomes")


def _edited(tmp_path: Path, **edit: Callable) -> list[Path]:
    """The pinned snapshots, depression-psiloctr copied with ``edit`` applied."""
    return [copy_snapshot(tmp_path, DATASETS[0], **edit), PINNED / DATASETS[1]]


def test_pinned_snapshots_load_every_row_reproduce_both_results_and_rerun_changes_nothing(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    first = _run(postgres)
    assert first.success
    assert all(e.passed for e in first.get_asset_check_evaluations())
    meta = _metadata(first, "metapsy_effect_sizes")
    assert (meta["rows_in"], meta["rows_valid"], meta["rows_rejected"]) == (281, 281, 0)
    assert (meta["inserted"], meta["dagster/row_count"]) == (281, 281)
    assert meta["dagster/table_name"] == "public.benchmark_study_outcomes"
    assert isinstance(meta["dagster/column_schema"], dg.TableSchema)
    assert {
        "dataset": "ptsd-mdmactr",
        "instrument": "caps-5",
        "rows": 19,
        "outcome types": "change, msd, remission, response",
    } in table_rows(meta["rows_by_dataset_and_instrument"])
    snapshot = rows_by(meta["snapshots"], "dataset")["depression-psiloctr"]
    assert (snapshot["release"], snapshot["commit"], snapshot["dataset DOI"]) == (
        "25.1.2",
        "71a102a1b85a",
        "10.5281/zenodo.15714852",
    )
    assert (snapshot["rows in"], snapshot["valid"], snapshot["rejected"]) == (220, 220, 0)
    counts = migrated.execute(
        "SELECT dataset, count(*) FROM public.benchmark_study_outcomes GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert counts == [("depression-psiloctr", 220), ("ptsd-mdmactr", 61)]

    pooled = _metadata(first, "metapsy_pooled_effects")
    assert pooled["dagster/row_count"] == 2
    forest = rows_by(pooled["depression-psiloctr forest"], "study")
    assert forest["Goodwin 2022"] == {
        "study": "Goodwin 2022",
        "g": "-0.7092",
        "95% CI": "[-1.0308; -0.3876]",
        "weight %": "13.7",
    }
    assert forest["Random effects model (HK), k = 12, n = 585"]["g"] == "-0.9031"
    assert forest["Prediction interval"]["95% CI"] == "[-1.7183; -0.0879]"
    ptsd = rows_by(pooled["ptsd-mdmactr forest"], "study")["Ot'alora 2018"]
    assert (ptsd["g"], ptsd["95% CI"], ptsd["weight %"]) == ("-0.2761", "[-1.2607; 0.7084]", "7.2")
    msd = rows_by(pooled["ptsd-mdmactr filters"], "filterPoolingData statement")[
        'outcome_type == "msd"'
    ]
    assert (msd["rows it leaves out"], msd["rows left after it"]) == (40, 10)
    assert "Carhart-Harris 2021" in pooled["depression-psiloctr excluded rows"]
    assert pooled["ptsd-mdmactr pooled"].startswith("g -0.7119 [-0.9534; -0.4704]")
    published = _checks(first)["matches_published_result"]
    assert published.metadata["compared"].value == [
        "depression-psiloctr 25.1.2",
        "ptsd-mdmactr 26.0.1",
    ]

    before = _outcomes(migrated)
    second = _run(postgres)
    meta = _metadata(second, "metapsy_effect_sizes")
    assert (meta["inserted"], meta["updated"], meta["unchanged"], meta["removed"]) == (0, 0, 281, 0)
    assert _outcomes(migrated) == before
    assert _checks(second)["mirrors_valid_rows"].passed


def test_dry_run_reports_the_load_and_leaves_the_table_empty(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    result = _run(postgres, dry_run=True)
    assert result.success
    meta = _metadata(result, "metapsy_effect_sizes")
    assert (meta["dry_run"], meta["inserted"], meta["dagster/row_count"]) == (True, 281, 0)
    assert _checks(result)["mirrors_valid_rows"].passed  # checked before the rollback
    assert _outcomes(migrated) == []


@pytest.mark.parametrize(
    ("edit", "mismatches"),
    [
        (
            without_study("Back 2024"),
            [
                "hedges_g -0.8624 differs from the published -0.9",
                "n 555 differs from the published 585",
            ],
        ),
        (
            set_cell(GOODWIN_PRIMARY, "sd_arm1", "0"),
            ["k 11 differs from the published 12", "n 427 differs from the published 585"],
        ),
    ],
    ids=["one study removed", "a primary row rejected"],
)
def test_a_fit_that_misses_the_published_result_blocks_everything_downstream(
    migrated: psycopg.Connection,
    postgres: PostgresResource,
    tmp_path: Path,
    edit: Callable,
    mismatches: list[str],
) -> None:
    with_downstream = [*ASSETS, pooled_cohorts_downstream]
    assert _run(postgres, assets=with_downstream).success
    cohorts_before = table_snapshot(migrated, "benchmark_cohorts")
    assert len(cohorts_before) == 2

    result = _run(postgres, _edited(tmp_path, edit_table=edit), assets=with_downstream)
    assert not result.success
    check = _checks(result)["matches_published_result"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    for mismatch in mismatches:
        assert f"depression-psiloctr 25.1.2: {mismatch}" in check.description
    assert "ptsd-mdmactr" not in check.description
    assert not result.asset_materializations_for_node("pooled_cohorts_downstream")
    assert table_snapshot(migrated, "benchmark_cohorts") == cohorts_before


def test_a_rejected_row_warns_and_the_other_rows_load(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    result = _run(postgres, _edited(tmp_path, edit_table=set_cell(BACK_PRE_DOSE, "n_arm1", "-3")))
    assert result.success
    rejected = _checks(result)["rejected_rows"]
    assert not rejected.passed and rejected.severity == dg.AssetCheckSeverity.WARN
    (detail,) = rejected.metadata["rejections"].value
    assert (detail["row_id"], detail["problems"][0]["field"]) == (BACK_PRE_DOSE, "n_arm1")
    assert "Input should be greater than 0" in detail["problems"][0]["reason"]
    meta = _metadata(result, "metapsy_effect_sizes")
    assert BACK_PRE_DOSE in rows_by(meta["rejected"], "row id (.id)")
    assert meta["dagster/row_count"] == 280
    assert _checks(result)["matches_published_result"].passed  # not a primary-model row
    excluded = _metadata(result, "metapsy_pooled_effects")["depression-psiloctr excluded rows"]
    assert f"| {BACK_PRE_DOSE} | Back 2024 |" in excluded and "rejected by validation" in excluded


def test_a_release_without_a_published_result_only_warns(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    unpublished = lambda r: r | {"published_primary_result": None}  # noqa: E731
    result = _run(postgres, _edited(tmp_path, edit_record=unpublished))
    assert result.success
    check = _checks(result)["matches_published_result"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert "depression-psiloctr 25.1.2: no published primary result for release 25.1.2" in (
        check.description
    )


def test_a_malformed_file_fails_naming_it_and_leaves_the_table(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    assert _run(postgres).success
    before = _outcomes(migrated)
    broken = _edited(tmp_path, edit_table=without_column(".g_se"))
    result = _run(postgres, broken)
    assert not result.success
    error = str(result.failure_data_for_node("metapsy_effect_sizes").error)
    assert str(broken[0] / "data.csv") in error and "missing column(s): .g_se" in error
    assert not result.asset_materializations_for_node("metapsy_pooled_effects")
    assert _outcomes(migrated) == before


def test_dropping_a_dataset_needs_an_allowance_for_the_run(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    assert _run(postgres).success
    before = _outcomes(migrated)
    refused = _run(postgres, [PINNED / "ptsd-mdmactr"])
    assert not refused.success
    error = str(refused.failure_data_for_node("metapsy_effect_sizes").error)
    assert "refusing to remove 220 of the 281 row(s)" in error and "allow_mass_removal" in error
    assert _outcomes(migrated) == before
    allowed = _run(postgres, [PINNED / "ptsd-mdmactr"], allow_mass_removal=True)
    assert allowed.success
    assert _metadata(allowed, "metapsy_effect_sizes")["dagster/row_count"] == 61
