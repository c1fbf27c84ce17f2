"""Run configuration of the baselines assets: which TEDS-D file to read, and how to load."""

import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline.lib.baselines.source import is_url

TEDS_ENV_VAR = "TEDS_D_PATH"
HOW_TO_CONFIGURE = (
    "Download a TEDS-D public-use file (one zip per year) from SAMHSA's TEDS data files page "
    "(https://www.samhsa.gov/data/data-we-collect/teds/datafiles), then set "
    f"{TEDS_ENV_VAR} to the zip, the CSV inside it, a folder of yearly files or an http(s) URL "
    "before starting Dagster, or set ops.teds_discharges.config.path for one run."
)
NO_FILE = f"No TEDS-D file is configured, so nothing was read. {HOW_TO_CONFIGURE}"


class TedsFileConfig(dg.Config):
    path: str | None = Field(
        default=None,
        description=(
            "The TEDS-D public-use file to read: the zip as downloaded from SAMHSA, the CSV "
            "inside it, a folder of such files (one per year) or an http(s) URL. A relative "
            f"path is taken from the repository root. Empty: ${TEDS_ENV_VAR} when set (read "
            "when the run starts); else teds_discharges and population_baselines are skipped and "
            "the table is left as it is."
        ),
    )


def resolve_location(configured: str | None, environ: dict[str, str] | None = None) -> str | None:
    """Run config first, then ``TEDS_D_PATH``; None when neither names a file."""
    environ = os.environ if environ is None else environ
    chosen = (configured or environ.get(TEDS_ENV_VAR) or "").strip()
    if not chosen:
        return None
    if is_url(chosen):
        return chosen
    path = Path(chosen).expanduser()
    return str(path if path.is_absolute() else REPO_ROOT / path)
