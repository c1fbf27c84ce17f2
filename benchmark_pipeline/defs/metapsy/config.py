"""Run configuration of the Metapsy assets."""

from pathlib import Path

from pydantic import Field

from benchmark_pipeline.constants import DATA_DIR, REPO_ROOT
from benchmark_pipeline.defs.loads import MirrorLoadConfig

PINNED_SNAPSHOTS = [
    str((DATA_DIR / "metapsy" / name).relative_to(REPO_ROOT))
    for name in ("depression-psiloctr", "ptsd-mdmactr")
]


class MetapsyEffectSizesConfig(MirrorLoadConfig):
    snapshot_dirs: list[str] = Field(
        default=PINNED_SNAPSHOTS,
        description=(
            "One snapshot folder per dataset (data.csv, license, readme.md, metadata/), each "
            "with its <folder>.release.json beside it. Default: the pinned releases under "
            "data/metapsy/. A relative path is taken from the repository root. The table "
            "mirrors exactly these snapshots."
        ),
    )


def resolve_snapshot_dir(configured: str) -> Path:
    """A configured folder as an absolute path (relative ones from the repository root)."""
    path = Path(configured).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path
