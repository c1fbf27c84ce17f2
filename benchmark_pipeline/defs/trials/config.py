"""Run configuration of the trials assets and checks, with the defaults a weekly run uses."""

import dagster as dg
from pydantic import Field

from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY

DEFAULT_STATUSES = ["COMPLETED", "ACTIVE_NOT_RECRUITING", "RECRUITING"]

# A real run of the search loaded about 1,565 trials (the replaced script expected 300-800,
# which was wrong). The band allows for the registry growing and for a few searches' noise.
EXPECTED_MIN_TRIALS = 1_250
EXPECTED_MAX_TRIALS = 2_500


class RawTrialsConfig(dg.Config):
    modalities: dict[str, list[str]] = Field(
        default={m: list(terms) for m, terms in DEFAULT_VOCABULARY.items()},
        description=(
            "Modality -> search terms, OR-ed in one query.intr search per modality. The same "
            "terms (with the fixed enantiomer spellings of lib/modalities.py) classify each "
            "trial from its interventions; the first listed modality a trial names is its "
            "primary one."
        ),
    )
    statuses: list[str] = Field(
        default=DEFAULT_STATUSES, description="filter.overallStatus values (empty: any status)."
    )
    condition: str | None = Field(
        default=None, description="Optional query.cond, e.g. 'depression' (empty: any condition)."
    )


class SharpDropConfig(dg.Config):
    max_drop_fraction: float = Field(
        default=0.2, description="Fail when rows fall more than this fraction below the last run."
    )


class ExpectedRangeConfig(dg.Config):
    min_trials: int = EXPECTED_MIN_TRIALS
    max_trials: int = EXPECTED_MAX_TRIALS


class NonPsychiatricShareConfig(dg.Config):
    max_share: float = Field(
        default=0.5,
        description=(
            "Warn when more than this share of trials is outside psychiatric indications "
            "(anaesthesia, pain, ECT, healthy volunteers, other). The share is reported either way."
        ),
    )
