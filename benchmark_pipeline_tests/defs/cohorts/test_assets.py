"""validated_benchmark_cohorts -> benchmark_cohorts on a real embedded PostgreSQL."""

from pathlib import Path

import dagster as dg
import pandas as pd
import psycopg
import pytest

from benchmark_pipeline.defs.cohorts.assets import benchmark_cohorts
from benchmark_pipeline.defs.cohorts.config import DEFAULT_CSV, resolve_csv_path
from benchmark_pipeline.lib.cohorts.contract import CohortFrame
from benchmark_pipeline.lib.cohorts.csv_file import append_rows, read_cohort_csv
from benchmark_pipeline.lib.cohorts.validation import CohortValidation, validate_cohorts
from benchmark_pipeline.lib.metapsy.cohort_rows import cohort_csv_text, pooled_cohort_rows
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.support.metadata import rows_by, table_rows
from benchmark_pipeline_tests.support.metapsy import pinned_pooled_effects

from .runs import (
    CHECKS,
    CORPUS,
    evaluations,
    failure,
    materialize_cohorts,
    metadata,
)

SQL_TEXT = "O'Brien cohort'); DROP TABLE public.benchmark_cohorts; --"


def _table(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT cohort_name, n_participants, effect_size_hedges_g, notes, updated_at"
        " FROM public.benchmark_cohorts ORDER BY cohort_name"
    ).fetchall()


def test_shipped_csv_loads_and_reloading_changes_nothing(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    first = materialize_cohorts(postgres, pooled=True)
    assert first.success
    pooled = cohort_csv_text(pooled_cohort_rows(pinned_pooled_effects().datasets))
    expected = validate_cohorts(append_rows(read_cohort_csv(DEFAULT_CSV), pooled)).valid
    assert len(expected) == 10  # 8 trial cohorts of the CSV and the 2 pooled models
    loaded = _table(migrated)
    assert [r[0] for r in loaded] == sorted(expected["cohort_name"])
    assert metadata(first, "benchmark_cohorts")["inserted"] == len(expected)

    second = materialize_cohorts(postgres, pooled=True)
    meta = metadata(second, "benchmark_cohorts")
    assert (meta["inserted"], meta["updated"], meta["removed"]) == (0, 0, 0)
    assert meta["unchanged"] == len(expected)
    assert _table(migrated) == loaded  # same rows, same updated_at
    assert evaluations(second)["mirrors_valid_rows"].passed


def test_seed_loads_the_trials_and_metapsy_and_warns_of_unverified_reuse_terms(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    result = materialize_cohorts(postgres, pooled=True)
    assert result.success
    stored = dict(
        migrated.execute(
            "SELECT cohort_name, data_freely_usable FROM public.benchmark_cohorts"
        ).fetchall()
    )
    assert len(stored) == 10
    assert stored["Metapsy Pooled Psilocybin Depression (Sypres Collaboration 2025)"] is True
    assert stored["Metapsy Pooled MDMA PTSD (Sypres Collaboration 2026)"] is True
    assert sum(usable is None for usable in stored.values()) == 8  # NULL: not verified
    years = dict(
        migrated.execute("SELECT cohort_name, publication_year FROM public.benchmark_cohorts")
    )
    assert years["Metapsy Pooled MDMA PTSD (Sypres Collaboration 2026)"] == 2026  # release year
    assert years["MAPS MAPP2 Phase 3 (Mitchell et al. 2023)"] is None  # year not verified
    assert years["Johns Hopkins Psilocybin MDD (Davis et al. 2021)"] == 2020  # online first
    reuse = evaluations(result)["reuse_terms_verified"]
    assert (reuse.passed, reuse.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert reuse.metadata["rows_unverified"].value == "8"
    assert "8 of 10 valid row(s) load with reuse terms not verified" in reuse.description
    assert "MAPS MAPP1 Phase 3 (Mitchell et al. 2021)" in reuse.description
    licences = {row["license"] for row in table_rows(reuse.metadata["unverified"])}
    assert "Closed access (Copyright 2021 Massachusetts Medical Society)" in licences
    (survey,) = evaluations(result)["rejected_rows"].metadata["rejections"].value
    assert survey["cohort_name"] == "Unlimited Sciences Naturalistic Tracking Study (2023)"
    assert survey["reasons"] == [
        "instrument is empty (primary instrument not verified; the table requires one)"
    ]


def test_reuse_terms_check_passes_when_every_row_is_verified(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    reuse = evaluations(materialize_cohorts(postgres, CORPUS / "cohorts_bom.csv"))[
        "reuse_terms_verified"
    ]
    assert reuse.passed
    assert reuse.metadata["rows_unverified"].value == "0"


def test_every_column_round_trips_through_the_table(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    assert materialize_cohorts(postgres, CORPUS / "cohorts_bad_rows.csv").success
    expected = validate_cohorts(read_cohort_csv(CORPUS / "cohorts_bad_rows.csv")).valid
    columns = list(expected.columns)
    cur = migrated.execute(
        "SELECT "
        + ", ".join(f'"{c}"' for c in columns)
        + " FROM public.benchmark_cohorts ORDER BY cohort_name"
    )
    stored = CohortFrame.validate(pd.DataFrame(cur.fetchall(), columns=columns))
    expected = expected.sort_values("cohort_name").reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, expected, check_dtype=False)


def test_bad_rows_are_reported_and_good_rows_load(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    result = materialize_cohorts(postgres, CORPUS / "cohorts_bad_rows.csv")
    assert result.success
    meta = metadata(result, "validated_benchmark_cohorts")
    assert (meta["rows_in"], meta["rows_valid"], meta["rows_rejected"]) == (20, 3, 17)
    assert rows_by(meta["rejected"], "row")[10] == {
        "row": 10,
        "cohort_name": "n decimal",
        "reasons": "n_participants '12.5' is not a whole number",
    }
    assert isinstance(meta["dagster/column_schema"], dg.TableSchema)
    names = [r[0] for r in _table(migrated)]
    assert names == sorted(["good one", "good two", SQL_TEXT])
    notes = migrated.execute(
        "SELECT notes FROM public.benchmark_cohorts WHERE cohort_name = %s", (SQL_TEXT,)
    ).fetchone()[0]
    assert notes == 'Robert\'); DELETE FROM public.benchmark_cohorts; -- "quoted" | pipe'
    rejected = evaluations(result)["rejected_rows"]
    assert not rejected.passed
    assert rejected.severity == dg.AssetCheckSeverity.WARN
    assert len(rejected.metadata["rejections"].value) == 17


def test_rows_removed_from_the_csv_leave_the_table(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    assert materialize_cohorts(postgres, CORPUS / "cohorts_bad_rows.csv").success
    result = materialize_cohorts(postgres, CORPUS / "cohorts_bom.csv")
    meta = metadata(result, "benchmark_cohorts")
    assert (meta["inserted"], meta["removed"], meta["unchanged"]) == (0, 1, 2)
    assert [r[0] for r in _table(migrated)] == ["good one", "good two"]


def test_dry_run_reports_and_changes_nothing(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    assert materialize_cohorts(postgres, CORPUS / "cohorts_bom.csv").success
    before = _table(migrated)
    result = materialize_cohorts(postgres, CORPUS / "cohorts_bad_rows.csv", dry_run=True)
    meta = metadata(result, "benchmark_cohorts")
    assert (meta["dry_run"], meta["inserted"], meta["dagster/row_count"]) == (True, 1, 2)
    assert _table(migrated) == before
    mirror = evaluations(result)["mirrors_valid_rows"]
    assert mirror.passed  # checked inside the rehearsed transaction, before the rollback


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("cohorts_missing_column.csv", "missing column(s): doi, license"),
        ("cohorts_extra_column.csv", "unknown column(s): 'journal_impact'"),
        ("does_not_exist.csv", "cohort CSV not found"),
    ],
)
def test_unreadable_file_fails_and_leaves_the_table(
    migrated: psycopg.Connection, postgres: PostgresResource, name: str, message: str
) -> None:
    assert materialize_cohorts(postgres, CORPUS / "cohorts_bom.csv").success
    before = _table(migrated)
    result = materialize_cohorts(postgres, CORPUS / name)
    assert not result.success
    step, text = failure(result)
    assert step == "validated_benchmark_cohorts"
    assert message in text and name in text
    assert _table(migrated) == before


def _bypassing_validator(frame: pd.DataFrame) -> dg.AssetsDefinition:
    """Stands in for a validator that let a bad row through, to prove the guards hold."""

    @dg.asset(name="validated_benchmark_cohorts", group_name="cohorts")
    def stand_in() -> CohortValidation:
        return CohortValidation(valid=frame)

    return stand_in


def test_blocking_check_failure_stops_the_load(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    assert materialize_cohorts(postgres, CORPUS / "cohorts_bom.csv").success
    before = _table(migrated)
    frame = validate_cohorts(read_cohort_csv(CORPUS / "cohorts_bad_rows.csv")).valid.copy()
    frame.loc[0, "n_participants"] = 0
    frame.loc[1, "source_citation"] = "A citation whose DOI was lost"
    result = materialize_cohorts(
        postgres, assets=[_bypassing_validator(frame), benchmark_cohorts, *CHECKS]
    )
    assert not result.success
    checked = evaluations(result)
    assert not checked["n_completeness"].passed
    assert "good one: n_participants 0" in checked["n_completeness"].description
    assert not checked["citation_completeness"].passed
    assert not result.asset_materializations_for_node("benchmark_cohorts")
    assert _table(migrated) == before


def test_csv_path_from_config_then_environment_then_default(tmp_path: Path) -> None:
    assert resolve_csv_path("x.csv", {"BENCHMARK_COHORTS_CSV": "/y.csv"}).name == "x.csv"
    assert resolve_csv_path(None, {"BENCHMARK_COHORTS_CSV": "/data/y.csv"}) == Path("/data/y.csv")
    assert resolve_csv_path(None, {}) == DEFAULT_CSV
    assert resolve_csv_path("data/z.csv", {}) == DEFAULT_CSV.parent / "z.csv"


def test_environment_override_is_read_at_run_time(
    migrated: psycopg.Connection, postgres: PostgresResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCHMARK_COHORTS_CSV", str(CORPUS / "cohorts_bom.csv"))
    result = materialize_cohorts(postgres)
    assert metadata(result, "validated_benchmark_cohorts")["csv_path"].endswith("cohorts_bom.csv")
    assert [r[0] for r in _table(migrated)] == ["good one", "good two"]
