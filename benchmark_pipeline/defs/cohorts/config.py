"""Run configuration of the cohort assets and checks."""

import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from benchmark_pipeline.constants import DATA_DIR, REPO_ROOT
from benchmark_pipeline.lib.cohorts.csv_file import DEFAULT_ENCODING

CSV_ENV_VAR = "BENCHMARK_COHORTS_CSV"
DEFAULT_CSV = DATA_DIR / "benchmark_cohorts_seed.csv"


class CohortCsvConfig(dg.Config):
    csv_path: str | None = Field(
        default=None,
        description=(
            f"Cohort CSV to validate. Empty: ${CSV_ENV_VAR} when set, else "
            "data/benchmark_cohorts_seed.csv. A relative path is taken from the repository root."
        ),
    )
    encoding: str = Field(
        default=DEFAULT_ENCODING,
        description=(
            "Text encoding of the CSV. utf-8 (with or without a byte-order mark) by default; a "
            "file in another encoding is refused naming its first foreign byte, unless its "
            "encoding is given here (for example latin-1 or cp1252 for a spreadsheet export)."
        ),
    )


def resolve_csv_path(configured: str | None, environ: dict[str, str] | None = None) -> Path:
    """Run config first, then ``BENCHMARK_COHORTS_CSV``, then the shipped seed file.

    Read when the asset runs, never at import, so a changed variable needs no reload.
    """
    environ = os.environ if environ is None else environ
    chosen = configured or environ.get(CSV_ENV_VAR) or str(DEFAULT_CSV)
    path = Path(chosen).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


class DoiCheckConfig(dg.Config):
    enabled: bool = Field(
        default=False,
        description="Look every DOI up at doi.org and compare titles (needs the network).",
    )
