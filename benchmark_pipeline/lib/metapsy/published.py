"""The maintainers' published primary result of a release, and how a recomputed fit compares.

A value is compared within half a unit of the last digit the maintainers print: g and its CI
bounds and tau^2 are published with two decimals (within 0.005), I^2 with one (within 0.05
percentage points); k and n are counts and must be equal.
"""

from pydantic import BaseModel, ConfigDict, Field

G_TOLERANCE = 0.005
TAU2_TOLERANCE = 0.005
I2_TOLERANCE = 0.05


class PublishedResult(BaseModel):
    """One release's primary model as published, with where each number was read."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    release: str
    hedges_g: float
    ci_lower: float
    ci_upper: float
    tau2: float = Field(ge=0)
    i2_pct: float = Field(ge=0, le=100)
    k: int = Field(gt=0)
    n: int = Field(gt=0)
    source: str = Field(min_length=20)

    def line(self) -> str:
        return (
            f"g {self.hedges_g:.2f} [{self.ci_lower:.2f}; {self.ci_upper:.2f}], "
            f"tau2 {self.tau2:.2f}, I2 {self.i2_pct:.1f}%, k {self.k}, n {self.n}"
        )


def published_mismatches(fitted: dict[str, float | int], published: PublishedResult) -> list[str]:
    """Every value of ``fitted`` (keys hedges_g, ci_lower, ci_upper, tau2, i2_pct, k, n) that
    differs from ``published`` by more than its tolerance, each with both values."""
    problems = []
    for key, tolerance in (
        ("hedges_g", G_TOLERANCE),
        ("ci_lower", G_TOLERANCE),
        ("ci_upper", G_TOLERANCE),
        ("tau2", TAU2_TOLERANCE),
        ("i2_pct", I2_TOLERANCE),
    ):
        ours, theirs = float(fitted[key]), float(getattr(published, key))
        # Compared on a 1e-9 grid so that a value exactly on the tolerance is not refused
        # by binary rounding (|-0.905 - -0.90| is 0.00500000000000001 in floats).
        if round(abs(ours - theirs), 9) > tolerance:
            problems.append(
                f"{key} {ours:.4f} differs from the published {theirs:g} by "
                f"{abs(ours - theirs):.4f} (tolerance {tolerance:g})"
            )
    for key in ("k", "n"):
        if int(fitted[key]) != getattr(published, key):
            problems.append(
                f"{key} {int(fitted[key])} differs from the published {getattr(published, key)}"
            )
    return problems
