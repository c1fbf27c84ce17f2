"""The reference material the tests read from beside the checkout (never copied into it).

``BENCHMARK_REFERENCE_DIR`` names the folder; by default it is ``../shared/reference`` next to
the repository. It holds the ClinicalTrials.gov OpenAPI spec, recorded API responses, real
intervention strings with their labels, and the verified cohort facts.
"""

import os
from pathlib import Path

from benchmark_pipeline.constants import REPO_ROOT

ENV_VAR = "BENCHMARK_REFERENCE_DIR"
DEFAULT_DIR = REPO_ROOT.parent / "shared" / "reference"


class ReferenceMissing(FileNotFoundError):
    """A reference file the tests need is not where ``BENCHMARK_REFERENCE_DIR`` points."""


def reference_dir() -> Path:
    """The reference folder (``BENCHMARK_REFERENCE_DIR``, else ``../shared/reference``)."""
    configured = os.environ.get(ENV_VAR)
    return Path(configured).expanduser().resolve() if configured else DEFAULT_DIR.resolve()


def reference_path(*parts: str) -> Path:
    """``reference_dir() / parts``; raises ``ReferenceMissing`` with one line naming it."""
    path = reference_dir().joinpath(*parts)
    if not path.exists():
        raise ReferenceMissing(
            f"reference material missing: {path} (set {ENV_VAR} to the folder holding "
            f"ctgov/ and cohorts/; default {DEFAULT_DIR})"
        )
    return path


def reference_names(*parts: str, pattern: str = "*") -> list[str]:
    """File names in a reference folder, sorted, for parametrizing tests at collection time.

    When the folder is missing, the one name returned is the folder itself, so the test made
    from it fails through ``reference_path`` instead of being collected as an empty set.
    """
    folder = reference_dir().joinpath(*parts)
    names = sorted(p.name for p in folder.glob(pattern)) if folder.is_dir() else []
    return names or [f"<no {pattern} in {folder}>"]
