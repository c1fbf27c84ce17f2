"""What metapsy_pooled_effects hands the cohort assets, without loading the study outcomes table
first: the real fits of the pinned snapshots, or none (the CSV's rows alone)."""

import dagster as dg

from benchmark_pipeline.defs.metapsy.assets import MetapsyPooledEffects, _read
from benchmark_pipeline.defs.metapsy.config import PINNED_SNAPSHOTS
from benchmark_pipeline.lib.metapsy.pooled import pool_dataset


def pinned_pooled_effects() -> MetapsyPooledEffects:
    """The real pooled fits of the pinned snapshots."""
    return MetapsyPooledEffects(
        datasets=tuple(pool_dataset(_read(folder)) for folder in PINNED_SNAPSHOTS)
    )


@dg.asset(name="metapsy_pooled_effects", group_name="metapsy")
def pooled_from_pinned_snapshots() -> MetapsyPooledEffects:
    """What metapsy_pooled_effects hands on, without loading the study outcomes table first."""
    return pinned_pooled_effects()


@dg.asset(name="metapsy_pooled_effects", group_name="metapsy")
def no_pooled_effects() -> MetapsyPooledEffects:
    """No pooled model: the cohort assets see the CSV's rows alone."""
    return MetapsyPooledEffects(datasets=())
