"""Run configuration of the Metapsy assets."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from benchmark_pipeline.constants import DATA_DIR, REPO_ROOT

PINNED_SNAPSHOTS = [
    str((DATA_DIR / "metapsy" / name).relative_to(REPO_ROOT))
    for name in ("depression-psiloctr", "ptsd-mdmactr")
]


class MetapsyEffectSizesConfig(dg.Config):
    snapshot_dirs: list[str] = Field(
        default=PINNED_SNAPSHOTS,
        description=(
            "One snapshot folder per dataset (data.csv, license, readme.md, metadata/), each "
            "with its <folder>.release.json beside it. Default: the pinned releases under "
            "data/metapsy/. A relative path is taken from the repository root. The table "
            "mirrors exactly these snapshots."
        ),
    )
    dry_run: bool = Field(
        default=False,
        description="Run the whole load inside a transaction, report it, then roll it back.",
    )
    allow_mass_removal: bool = Field(
        default=False,
        description=(
            "Allow this run to remove more than half of the table's rows (e.g. a dataset "
            "dropped from snapshot_dirs). An input with no valid row never empties the table."
        ),
    )


def resolve_snapshot_dir(configured: str) -> Path:
    """A configured folder as an absolute path (relative ones from the repository root)."""
    path = Path(configured).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path
