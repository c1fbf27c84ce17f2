"""The controlled vocabularies of the cohort table and the score range of each instrument.

data/README.md documents the same lists for the people who edit the CSV; a value outside them
is rejected rather than guessed, so a new instrument or condition is added here first.
"""

from dataclasses import dataclass

from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY

# One modality vocabulary for trials and cohorts: the trial classifier's.
MODALITIES = frozenset(DEFAULT_VOCABULARY)

CONDITIONS = frozenset(
    {
        "PTSD",
        "MDD",
        "TRD",
        "AUD",
        "depressive symptoms",  # pooled across diagnoses (meta-analyses)
        "no diagnosis required",  # naturalistic samples without a diagnostic entry criterion
    }
)

SETTINGS = frozenset({"clinical_trial", "naturalistic", "meta_analysis"})

EFFECT_SIZE_KINDS = frozenset({"hedges_g", "cohens_d", "mean_difference"})


@dataclass(frozen=True)
class ScoreRange:
    """The possible total scores of an instrument; ``None`` when scores are not one scale."""

    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


INSTRUMENT_RANGES: dict[str, ScoreRange | None] = {
    "CAPS-5": ScoreRange(0, 80),
    "MADRS": ScoreRange(0, 60),
    "PHQ-9": ScoreRange(0, 27),
    "QIDS-SR-16": ScoreRange(0, 27),
    "GRID-HAMD-17": ScoreRange(0, 52),
    "IES-R": ScoreRange(0, 88),
    # Percentage of heavy drinking days by Timeline Followback interview.
    "PHDD-TLFB": ScoreRange(0, 100),
    # Pooled standardized effects over different instruments: no score is comparable.
    "mixed": None,
}
INSTRUMENTS = frozenset(INSTRUMENT_RANGES)
