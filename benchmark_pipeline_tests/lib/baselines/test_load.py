"""Mirroring the aggregate into public.population_baselines on a real PostgreSQL."""

import pandas as pd
import psycopg
import pytest

from benchmark_pipeline.lib.baselines.aggregate import aggregate
from benchmark_pipeline.lib.baselines.load import load_baselines, mirror_problems
from benchmark_pipeline.lib.postgres.mirror import MassRemovalError
from benchmark_pipeline_tests.support import teds

NAMES = {"DISYR": "year", "AGE": "age", "GENDER": "sex", "REGION": "region", "SUB1": "sub1",
         "NOPRIOR": "noprior", "LOS": "los", "REASON": "reason"}  # fmt: skip


def groups(year: int, seed: int = 0, rows: int = 1_200) -> pd.DataFrame:
    frame = teds.generate(rows, year=year, seed=seed).rename(columns=NAMES)[list(NAMES.values())]
    return aggregate(frame).groups


def _table(conn: psycopg.Connection) -> pd.DataFrame:
    cursor = conn.execute(
        "SELECT year, region, substance_group, demographic_group, n_episodes, pct_female, "
        "median_los_days, median_los_range, avg_age, avg_prior_treatments, avg_los_days, "
        "updated_at FROM public.population_baselines"
    )
    return pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description])


def test_a_load_writes_every_group_and_a_rerun_changes_nothing(migrated):
    frame = groups(2019)
    first = load_baselines(migrated, frame, dry_run=False, allow_mass_removal=False)
    assert (first.inserted, first.updated, first.removed, first.row_count) == (825, 0, 0, 825)
    assert first.problems == []
    table = _table(migrated)
    assert table[["avg_age", "avg_prior_treatments", "avg_los_days"]].isna().all().all()
    national = table.set_index(["region", "substance_group", "demographic_group"]).loc[
        ("National", "all", "all")
    ]
    assert national["n_episodes"] == 1_200
    assert float(national["pct_female"]) == float(
        frame.set_index(["region", "substance_group", "demographic_group"]).loc[
            ("National", "all", "all"), "pct_female"
        ]
    )
    again = load_baselines(migrated, frame, dry_run=False, allow_mass_removal=False)
    assert (again.inserted, again.updated, again.unchanged, again.removed) == (0, 0, 825, 0)
    assert _table(migrated)["updated_at"].tolist() == table["updated_at"].tolist()


def test_a_changed_group_updates_that_row_only(migrated):
    frame = groups(2019)
    load_baselines(migrated, frame, dry_run=False, allow_mass_removal=False)
    before = _table(migrated).set_index(["region", "substance_group", "demographic_group"])
    changed = frame.copy()
    changed.loc[changed.index[5], "n_completed"] += 1
    load = load_baselines(migrated, changed, dry_run=False, allow_mass_removal=False)
    assert (load.inserted, load.updated, load.unchanged) == (0, 1, 824)
    after = _table(migrated).set_index(["region", "substance_group", "demographic_group"])
    moved = after.index[after["updated_at"] != before.loc[after.index, "updated_at"]]
    key = tuple(changed.loc[changed.index[5], ["region", "substance_group", "demographic_group"]])
    assert list(moved) == [key]


def test_a_dry_run_reports_the_load_and_leaves_the_table(migrated):
    load = load_baselines(migrated, groups(2019), dry_run=True, allow_mass_removal=False)
    assert (load.inserted, load.rows_loaded, load.row_count, load.dry_run) == (825, 825, 0, True)
    assert load.problems == []
    assert _table(migrated).empty


def test_replacing_every_year_needs_the_runs_allowance(migrated):
    load_baselines(migrated, groups(2019), dry_run=False, allow_mass_removal=False)
    with pytest.raises(MassRemovalError, match="allow_mass_removal"):
        load_baselines(migrated, groups(2020), dry_run=False, allow_mass_removal=False)
    assert set(_table(migrated)["year"]) == {2019}
    load = load_baselines(migrated, groups(2020), dry_run=False, allow_mass_removal=True)
    assert (load.inserted, load.removed, load.row_count) == (825, 825, 825)
    assert set(_table(migrated)["year"]) == {2020}


def test_adding_a_year_keeps_the_other_and_nothing_empties_the_table(migrated):
    load_baselines(migrated, groups(2019), dry_run=False, allow_mass_removal=False)
    both = pd.concat([groups(2019), groups(2020, seed=1)], ignore_index=True)
    load = load_baselines(migrated, both, dry_run=False, allow_mass_removal=False)
    assert (load.inserted, load.unchanged, load.row_count) == (825, 825, 1_650)
    with pytest.raises(MassRemovalError, match="refusing to empty"):
        load_baselines(migrated, both.iloc[0:0], dry_run=False, allow_mass_removal=True)
    assert len(_table(migrated)) == 1_650


def test_the_mirror_check_sees_a_table_that_differs(migrated):
    frame = groups(2019)
    load_baselines(migrated, frame, dry_run=False, allow_mass_removal=False)
    assert mirror_problems(migrated, frame) == []
    migrated.execute(
        "UPDATE public.population_baselines SET n_episodes = n_episodes + 1 "
        "WHERE region = 'West' AND substance_group = 'alcohol' AND demographic_group = 'male'"
    )
    total = int(frame["n_episodes"].sum())  # over every group of the year
    assert mirror_problems(migrated, frame) == [
        f"2019: n_episodes over the year's groups sum to {total + 1} in the table, {total} in "
        "the load"
    ]
    migrated.execute(
        "DELETE FROM public.population_baselines "
        "WHERE region = 'South' AND substance_group = 'none' AND demographic_group = 'age 65+'"
    )
    problems = mirror_problems(migrated, frame)
    assert problems[0] == (
        "1 group(s) missing from the table, e.g. [(2019, 'South', 'none', 'age 65+')]"
    )
