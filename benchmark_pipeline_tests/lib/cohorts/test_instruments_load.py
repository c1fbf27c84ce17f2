"""Mirroring the instruments file into public.benchmark_instruments on a real PostgreSQL."""

from decimal import Decimal

import psycopg
import pytest

from benchmark_pipeline.lib.cohorts.instruments import COLUMNS, read_instruments
from benchmark_pipeline.lib.cohorts.instruments_load import (
    load_instruments,
    mirror_problems,
    table_rows,
)
from benchmark_pipeline.lib.postgres.mirror import MassRemovalError


@pytest.fixture
def rows() -> list[dict]:
    return read_instruments().rows()


def _stamps(conn: psycopg.Connection) -> dict:
    return dict(conn.execute("SELECT name, updated_at FROM public.benchmark_instruments"))


def test_the_file_loads_value_for_value_and_a_rerun_changes_nothing(migrated, rows):
    first = load_instruments(migrated, rows)
    assert (first.inserted, first.updated, first.removed, first.row_count) == (7, 0, 0, 7)
    assert first.problems == []
    stored = table_rows(migrated)
    assert stored["PHQ-9"]["similar_band"] == Decimal("5")
    assert stored["PHQ-9"]["band_doi"] == "10.1097/00005650-200412000-00006"
    assert stored["CAPS-5"]["score_max"] == Decimal("80")
    assert all(stored[n]["similar_band"] is None for n in stored if n != "PHQ-9")
    assert {n: list(r) for n, r in stored.items()} == {r["name"]: COLUMNS for r in rows}
    stamps = _stamps(migrated)
    again = load_instruments(migrated, rows)
    assert (again.inserted, again.updated, again.unchanged, again.removed) == (0, 0, 7, 0)
    assert _stamps(migrated) == stamps


def test_a_changed_value_updates_that_row_only(migrated, rows):
    load_instruments(migrated, rows)
    stamps = _stamps(migrated)
    changed = [dict(r, notes="changed") if r["name"] == "MADRS" else r for r in rows]
    load = load_instruments(migrated, changed)
    assert (load.inserted, load.updated, load.unchanged) == (0, 1, 6)
    after = _stamps(migrated)
    assert [n for n in after if after[n] != stamps[n]] == ["MADRS"]


def test_a_dry_run_reports_and_leaves_the_table_empty(migrated, rows):
    load = load_instruments(migrated, rows, dry_run=True)
    assert (load.inserted, load.row_count, load.problems) == (7, 0, [])
    assert table_rows(migrated) == {}


def test_mass_removal_is_refused_and_nothing_is_written(migrated, rows):
    load_instruments(migrated, rows)
    with pytest.raises(MassRemovalError, match="refusing to remove 5 of the 7"):
        load_instruments(migrated, rows[:2])
    with pytest.raises(MassRemovalError, match="refusing to empty public.benchmark_instruments"):
        load_instruments(migrated, [], allow_mass_removal=True)
    assert len(table_rows(migrated)) == 7
    load = load_instruments(migrated, rows[:2], allow_mass_removal=True)
    assert (load.removed, load.row_count) == (5, 2)


def test_the_mirror_check_names_each_difference(migrated, rows):
    load_instruments(migrated, rows)
    migrated.execute(
        "UPDATE public.benchmark_instruments SET similar_band = 4 WHERE name = 'PHQ-9'"
    )
    migrated.execute("DELETE FROM public.benchmark_instruments WHERE name = 'IES-R'")
    assert mirror_problems(migrated, rows) == [
        "missing from the table: IES-R",
        "PHQ-9.similar_band: table Decimal('4'), CSV 5.0",
    ]


def test_the_table_refuses_a_band_without_its_source(migrated):
    with pytest.raises(psycopg.errors.CheckViolation, match="benchmark_instruments_band_sourced"):
        migrated.execute(
            "INSERT INTO public.benchmark_instruments (name, full_name, score_min, score_max,"
            " lower_is_better, similar_band) VALUES ('X', 'X', 0, 10, true, 2)"
        )
