"""Mirroring the baselines into ``public.population_baselines`` in one transaction.

``load_baselines`` owns its transaction (rolled back on a dry run): ``mirror_frame`` stages the
rows, upserts them on the natural key (year, region, substance_group, demographic_group),
deletes the rows no longer produced and refuses, before writing, to empty the table or remove
most of it unless the run allows it. The mirror check compares the table with the rows before
anything is committed. ``avg_age``, ``avg_prior_treatments`` and ``avg_los_days`` are written
as NULL: the file's codes give no honest mean (see ``codebook``).
"""

from dataclasses import dataclass

import pandas as pd
import psycopg

from benchmark_pipeline.lib.baselines.aggregate import COLUMNS, KEY, BaselineAggregate
from benchmark_pipeline.lib.postgres.mirror import MirrorLoad, load_mirror

TABLE = "public.population_baselines"
NULL_AVERAGES = ["avg_age", "avg_prior_treatments", "avg_los_days"]
LOADED_COLUMNS = [*COLUMNS, *NULL_AVERAGES]


@dataclass(frozen=True)
class LoadedBaselines:
    """What population_baselines hands its checks: the aggregate and its load."""

    aggregate: BaselineAggregate
    load: MirrorLoad


def mirror_problems(conn: psycopg.Connection, frame: pd.DataFrame) -> list[str]:
    """Differences between the table and ``frame`` (keys missing or extra, n_episodes per year);
    empty when the table holds exactly the frame's groups with the frame's counts."""
    table = pd.DataFrame(
        conn.execute(
            "SELECT year, region, substance_group, demographic_group, n_episodes "
            "FROM public.population_baselines"
        ).fetchall(),
        columns=[*KEY, "n_episodes"],
    )
    keys = set(map(tuple, frame[KEY].itertuples(index=False)))
    held = list(map(tuple, table[KEY].itertuples(index=False)))
    problems = []
    if missing := sorted(keys - set(held), key=str):
        problems.append(f"{len(missing)} group(s) missing from the table, e.g. {missing[:5]}")
    if extra := sorted(set(held) - keys, key=str):
        problems.append(f"{len(extra)} row(s) in the table but not in this load, e.g. {extra[:5]}")
    if len(held) != len(set(held)):
        problems.append("a group is in the table more than once")
    loaded = frame.groupby("year")["n_episodes"].sum()
    stored = table.groupby("year")["n_episodes"].sum().reindex(loaded.index)
    for year in loaded.index[loaded.ne(stored)]:
        problems.append(
            f"{year}: n_episodes over the year's groups sum to {stored[year]} in the table, "
            f"{loaded[year]} in the load"
        )
    return problems


def load_baselines(
    conn: psycopg.Connection, frame: pd.DataFrame, *, dry_run: bool, allow_mass_removal: bool
) -> MirrorLoad:
    """Make the table hold exactly ``frame`` (``aggregate.COLUMNS``, one row per group; the
    averages NULL), checked by ``mirror_problems`` before it commits (see ``load_mirror``)."""
    return load_mirror(
        conn,
        TABLE,
        frame.assign(**dict.fromkeys(NULL_AVERAGES)),
        key=KEY,
        columns=LOADED_COLUMNS,
        check=lambda c: mirror_problems(c, frame),
        dry_run=dry_run,
        allow_mass_removal=allow_mass_removal,
    )
