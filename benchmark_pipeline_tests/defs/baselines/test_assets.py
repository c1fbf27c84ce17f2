"""teds_discharges -> population_baselines through ``dg.materialize`` on a real PostgreSQL; without
a TEDS-D file both are skipped, their checks with them."""

from pathlib import Path

import dagster as dg
import psycopg
import pytest

from benchmark_pipeline.defs.baselines import checks
from benchmark_pipeline.defs.baselines.assets import population_baselines, teds_discharges
from benchmark_pipeline.defs.baselines.config import NO_FILE, TEDS_ENV_VAR, resolve_location
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.support import teds
from benchmark_pipeline_tests.support.metadata import table_rows

CHECKS = [
    checks.codes_valid,
    checks.matches_codebook_totals,
    checks.counts_add_up,
    checks.row_count_matches_groups,
]
ALL_CHECKS = {key.name for c in CHECKS for key in c.check_keys} | {"mirrors_aggregate"}


@pytest.fixture(autouse=True)
def no_configured_file(monkeypatch):
    """Whatever the developer's shell holds, a test configures its file itself."""
    monkeypatch.delenv(TEDS_ENV_VAR, raising=False)


def _run(
    postgres: PostgresResource,
    path: Path | str | None = None,
    instance: dg.DagsterInstance | None = None,
    **load: bool,
) -> dg.ExecuteInProcessResult:
    ops: dict = {"population_baselines": {"config": load}}
    if path is not None:
        ops["teds_discharges"] = {"config": {"path": str(path)}}
    return dg.materialize(
        [teds_discharges, population_baselines, *CHECKS],
        resources={"postgres": postgres},
        instance=instance or dg.DagsterInstance.ephemeral(),
        run_config={"ops": ops},
        raise_on_error=False,
    )


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    (event,) = result.asset_materializations_for_node(asset)
    return {k: getattr(v, "value", v) for k, v in event.metadata.items()}


def _checks(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def _rows(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT year, region, substance_group, demographic_group, n_episodes, updated_at "
        "FROM public.population_baselines ORDER BY 1, 2, 3, 4"
    ).fetchall()


def test_without_a_file_both_assets_and_their_checks_are_skipped_and_the_log_says_why_once(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    migrated.execute(
        "INSERT INTO public.population_baselines (source, year, region) VALUES ('hand', 2018, 'X')"
    )
    before = migrated.execute("SELECT * FROM public.population_baselines").fetchall()
    instance = dg.DagsterInstance.ephemeral()
    result = _run(postgres, instance=instance)
    assert result.success
    assert migrated.execute("SELECT * FROM public.population_baselines").fetchall() == before
    for asset in ("teds_discharges", "population_baselines"):
        assert instance.get_latest_materialization_event(dg.AssetKey(asset)) is None, asset
    skipped = {e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"}
    assert "population_baselines" in skipped
    # Every check was planned and none evaluated: the UI shows them skipped, none failed.
    assert result.get_asset_check_evaluations() == []
    planned = instance.all_logs(
        result.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
    )
    assert {e.dagster_event.event_specific_data.check_name for e in planned} == ALL_CHECKS
    reasons = [
        e.user_message for e in instance.all_logs(result.run_id) if NO_FILE in e.user_message
    ]
    assert len(reasons) == 1 and TEDS_ENV_VAR in reasons[0]


def test_a_real_file_without_a_valid_row_still_materializes_and_warns(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    frame = teds.generate(3, year=2019, seed=7)
    overrides = {(row, "REASON"): "8" for row in range(3)}
    path = teds.write_csv(frame, tmp_path / "all_invalid.csv", overrides=overrides)
    result = dg.materialize(
        [teds_discharges, checks.codes_valid],
        instance=dg.DagsterInstance.ephemeral(),
        run_config={"ops": {"teds_discharges": {"config": {"path": str(path)}}}},
    )
    assert result.success
    assert _metadata(result, "teds_discharges")["dagster/row_count"] == 0
    (codes,) = result.get_asset_check_evaluations()
    assert not codes.passed and codes.severity == dg.AssetCheckSeverity.WARN
    assert codes.description == (
        "3 of 3 row(s) left out for 1 invalid value(s); no valid discharge in 3 row(s) read: "
        "the file loads nothing"
    )
    assert codes.metadata["rows_valid"] == dg.MetadataValue.text("0")


def test_a_2021_zip_named_by_the_environment_fills_the_table(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path, monkeypatch
) -> None:
    frame = teds.generate(2_000, year=2021, seed=5)
    data = teds.write_csv(frame, tmp_path / "tedsd_puf_2021.csv", labels=True, encoding="latin-1")
    monkeypatch.setenv(TEDS_ENV_VAR, str(teds.write_zip(data, tmp_path / "teds-d-2021.zip")))
    result = _run(postgres)
    assert result.success
    read = _metadata(result, "teds_discharges")
    assert (read["rows_read"], read["rows_invalid"], read["years"]) == (2_000, 0, "2021")
    (file,) = table_rows(read["files"])
    assert file["encoding"] == "latin-1" and file["member"] == "tedsd_puf_2021.csv"
    table = _metadata(result, "population_baselines")
    assert (table["inserted"], table["dagster/row_count"]) == (825, 825)
    assert len(_rows(migrated)) == 825
    evaluations = _checks(result)
    for name in ("codes_valid", "mirrors_aggregate", "counts_add_up", "row_count_matches_groups"):
        assert evaluations[name].passed, (name, evaluations[name].description)
    published = evaluations["matches_codebook_totals"]
    assert not published.passed and published.severity == dg.AssetCheckSeverity.WARN
    assert published.description.startswith("2021: no published codebook figures here")

    again = _run(postgres)
    assert (_metadata(again, "population_baselines")["unchanged"]) == 825


def test_invalid_codes_warn_and_totals_unlike_the_codebook_fail_the_check(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    frame = teds.generate(1_000, year=2019, seed=6)
    path = teds.write_csv(frame, tmp_path / "bad.csv", overrides={(4, "REASON"): "8"})
    result = _run(postgres, path)
    assert result.success  # neither check blocks: the table holds what the file holds
    evaluations = _checks(result)
    codes = evaluations["codes_valid"]
    assert not codes.passed and codes.severity == dg.AssetCheckSeverity.WARN
    assert codes.description == "1 of 1,000 row(s) left out for 1 invalid value(s)"
    (invalid,) = table_rows(codes.metadata["invalid_values"])
    assert (invalid["variable"], invalid["column"], invalid["value"], invalid["rows"]) == (
        "REASON",
        "REASON",
        "8",
        1,
    )
    published = evaluations["matches_codebook_totals"]
    assert not published.passed and published.severity == dg.AssetCheckSeverity.ERROR
    assert "2019 discharges: table 999, codebook 1,722,503" in published.description
    assert evaluations["counts_add_up"].passed


def test_a_file_that_is_not_teds_fails_the_run_naming_it(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    other = tmp_path / "cohorts.csv"
    other.write_text("cohort_name,n\nA,1\n")
    result = _run(postgres, other)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "cohorts.csv: not a TEDS-D discharges file" in failure.event_specific_data.error.message
    assert _rows(migrated) == []


def test_dry_run_and_the_mass_removal_allowance(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    first = teds.write_csv(teds.generate(800, year=2019, seed=1), tmp_path / "2019.csv")
    second = teds.write_csv(teds.generate(800, year=2020, seed=2), tmp_path / "2020.csv")
    rehearsal = _run(postgres, first, dry_run=True)
    assert rehearsal.success and _metadata(rehearsal, "population_baselines")["inserted"] == 825
    assert _checks(rehearsal)["row_count_matches_groups"].passed
    assert _rows(migrated) == []
    assert _run(postgres, first).success
    loaded = _rows(migrated)
    refused = _run(postgres, second)
    assert not refused.success
    assert _rows(migrated) == loaded
    allowed = _run(postgres, second, allow_mass_removal=True)
    assert allowed.success and _metadata(allowed, "population_baselines")["removed"] == 825
    assert {row[0] for row in _rows(migrated)} == {2020}


def test_the_location_comes_from_config_then_the_environment():
    assert resolve_location(None, {}) is None
    assert resolve_location("", {TEDS_ENV_VAR: "  "}) is None
    assert resolve_location(None, {TEDS_ENV_VAR: "/data/teds.zip"}) == "/data/teds.zip"
    assert resolve_location("https://x.org/t.zip", {TEDS_ENV_VAR: "/a"}) == "https://x.org/t.zip"
    assert resolve_location("data/t.zip", {}).endswith("/data/t.zip")
    assert Path(resolve_location("data/t.zip", {})).is_absolute()
