"""Run configuration of the trials assets and checks, with the defaults a weekly run uses."""

import dagster as dg
from pydantic import Field

from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY
from benchmark_pipeline.lib.trials.sweep import SweepRules

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
    incremental: bool = Field(
        default=False,
        description=(
            "Fetch only the records updated since the last refresh's cursor (stored with the "
            "table), minus overlap_days; the weekly schedule sets this. A full sweep runs anyway "
            "when no cursor exists, when the searches changed, on the month's sweep day or when "
            "the last sweep is too old. False: every run fetches every search whole."
        ),
    )
    monthly_full_sweep_weekday: int | None = Field(
        default=0,
        ge=0,
        le=6,
        description=(
            "Incremental runs sweep in full once a month: the first run on or after the month's "
            "first such weekday (0 = Monday ... 6 = Sunday, UTC) since the last full sweep. The "
            "default with the Monday schedule: the first Monday of each month. Empty: no "
            "monthly sweep (full_sweep_max_age_days still applies)."
        ),
    )
    full_sweep_max_age_days: int = Field(
        default=35,
        ge=1,
        description="An incremental run sweeps in full when the last full sweep is older than this.",
    )
    overlap_days: int = Field(
        default=3,
        ge=0,
        description=(
            "An incremental run asks for records updated on or after the cursor's registry date "
            "less this many days, so a record posted late or on the cursor's day is not missed."
        ),
    )

    def sweep_rules(self) -> SweepRules:
        return SweepRules(
            incremental=self.incremental,
            monthly_sweep_weekday=self.monthly_full_sweep_weekday,
            max_sweep_age_days=self.full_sweep_max_age_days,
            overlap_days=self.overlap_days,
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
