"""Registry results against the verified cohorts of the same trial: where a cohort in
``benchmark_cohorts`` names an NCT id and the registry posted the same instrument and quantity
for the trial's active arm, the two values must agree within rounding; otherwise every row of
that trial is held for review (never a benchmark) with a reason naming both values."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class VerifiedCohort:
    """A cohort of ``benchmark_cohorts`` with an NCT id, and its verified means."""

    name: str
    nct_id: str
    instrument: str | None
    change_mean: Decimal | None
    endpoint_mean: Decimal | None

    def values(self) -> list[tuple[str, Decimal]]:
        """(quantity, value) pairs the cohort verifies."""
        pairs = [("change", self.change_mean), ("endpoint", self.endpoint_mean)]
        return [(q, v) for q, v in pairs if v is not None]


@dataclass(frozen=True)
class PostedValue:
    """An active arm's comparable mean in the registry: where it is and what it says."""

    nct_id: str
    instrument: str
    quantity: str
    value: Decimal
    where: str  # "measure 1 'Change in CAPS-5', group 'MDMA', class 'Week 18'"


@dataclass(frozen=True)
class Disagreement:
    cohort: VerifiedCohort
    quantity: str
    cohort_value: Decimal
    posted: tuple[PostedValue, ...]

    @property
    def sentence(self) -> str:
        shown = "; ".join(f"{p.value} ({p.where})" for p in self.posted)
        return (
            f"{self.cohort.nct_id}: the verified cohort '{self.cohort.name}' reports a "
            f"{self.cohort.instrument} {self.quantity} mean of {self.cohort_value}, the registry "
            f"posted {shown}"
        )


def agree(a: Decimal, b: Decimal) -> bool:
    """Whether two means agree within rounding: the less precise one equals the more precise one
    rounded to its number of decimals (half up or half even, as papers and registries round)."""
    coarse, fine = (a, b) if a.as_tuple().exponent >= b.as_tuple().exponent else (b, a)
    step = Decimal(1).scaleb(coarse.as_tuple().exponent)
    return any(fine.quantize(step, rounding=r) == coarse for r in (ROUND_HALF_UP, ROUND_HALF_EVEN))


def disagreements(
    cohorts: Iterable[VerifiedCohort], posted: Sequence[PostedValue]
) -> list[Disagreement]:
    """The cohorts whose value no posted value of the same trial, instrument and quantity agrees
    with. A cohort the registry posted nothing comparable for is not a disagreement."""
    found = []
    for cohort in cohorts:
        for quantity, value in cohort.values():
            same = tuple(
                p
                for p in posted
                if (p.nct_id, p.instrument, p.quantity)
                == (cohort.nct_id, cohort.instrument, quantity)
            )
            if same and not any(agree(value, p.value) for p in same):
                found.append(Disagreement(cohort, quantity, value, same))
    return found
