"""The controlled vocabularies of the cohort table and the score range of each instrument.

data/README.md documents the same lists for the people who edit the CSV; a value outside them
is rejected rather than guessed, so a new condition is added here first and a new instrument to
data/benchmark_instruments.csv (``instruments``), where its range comes from.
"""

from dataclasses import dataclass

from benchmark_pipeline.lib.cohorts.instruments import INSTRUMENTS_CSV, NO_SCALE, read_instruments
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


def _instrument_ranges() -> dict[str, ScoreRange | None]:
    """Every valid instrument of data/benchmark_instruments.csv with its range, then ``mixed``."""
    shipped = read_instruments(INSTRUMENTS_CSV)
    ranges: dict[str, ScoreRange | None] = {
        i.name: ScoreRange(i.score_min, i.score_max) for i in shipped.instruments
    }
    return {**ranges, NO_SCALE: None}


# One list: the instruments file, which benchmark_instruments mirrors. A row that file rejects
# is not in the vocabulary either, so no cohort can use an instrument the table lacks.
INSTRUMENT_RANGES = _instrument_ranges()
INSTRUMENTS = frozenset(INSTRUMENT_RANGES)
