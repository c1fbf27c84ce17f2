"""The groups population_baselines is broken down by, and where every code of the file goes.

Each row of the table is one year x region x primary-substance group x demographic group:

- **Region** (REGION): National = every discharge of the year, including the U.S. territories
  (Puerto Rico), which belong to no census region (2019 codebook, PDF page 34); then the four
  census regions Northeast (1), Midwest (2), South (3), West (4). The territories (0) are counted
  in National only.
- **Primary-substance group** (SUB1, the primary substance at admission; 2019 codebook, PDF pages
  46-47): ``all``, then
  alcohol = 2; opioids = 5 heroin, 6 non-prescription methadone, 7 other opiates and synthetics;
  cocaine = 3 cocaine/crack; stimulants = 10 methamphetamine/speed, 11 other amphetamines (the
  codebook puts MDMA here), 12 other stimulants; cannabis = 4 marijuana/hashish;
  hallucinogens = 9 (LSD, DMT, mescaline, peyote, psilocybin, STP and other hallucinogens);
  sedatives = 13 benzodiazepines, 14 other tranquilizers, 15 barbiturates, 16 other sedatives
  or hypnotics; other = 8 PCP (listed apart from the hallucinogens by the codebook),
  17 inhalants, 18 over-the-counter medications, 19 other drugs (the codebook puts ketamine
  here). Two more groups keep the breakdown complete without mislabelling anyone:
  none = 1 (no primary substance reported) and unknown = -9 (missing). Every SUB1 code is in
  exactly one group, so the groups add up to ``all``.
- **Demographic group**: ``all``; ``female`` (sex 2) and ``male`` (sex 1), whose sum is ``all``
  minus the discharges of unknown sex; and one group per age band (AGE 1-12).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from benchmark_pipeline.lib.baselines.codebook import AGE_BANDS, MISSING

NATIONAL = "National"
REGIONS: dict[str, int | None] = {
    NATIONAL: None,
    "Northeast": 1,
    "Midwest": 2,
    "South": 3,
    "West": 4,
}
TERRITORIES_CODE = 0
TERRITORIES = "U.S. territories"  # counted in National, in no region row
CONDITION = "Substance use treatment"


@dataclass(frozen=True)
class SubstanceGroup:
    key: str
    label: str
    sub1: tuple[int, ...]


ALL_SUBSTANCES = SubstanceGroup("all", "All primary substances", ())
SUBSTANCE_GROUPS: tuple[SubstanceGroup, ...] = (
    SubstanceGroup("alcohol", "Alcohol", (2,)),
    SubstanceGroup(
        "opioids",
        "Opioids (heroin, non-prescription methadone, other opiates and synthetics)",
        (5, 6, 7),
    ),
    SubstanceGroup("cocaine", "Cocaine/crack", (3,)),
    SubstanceGroup(
        "stimulants",
        "Methamphetamine and other stimulants (incl. other amphetamines such as MDMA)",
        (10, 11, 12),
    ),
    SubstanceGroup("cannabis", "Cannabis (marijuana/hashish)", (4,)),
    SubstanceGroup("hallucinogens", "Hallucinogens (LSD, DMT, mescaline, psilocybin, ...)", (9,)),
    SubstanceGroup(
        "sedatives",
        "Sedatives and tranquilizers (benzodiazepines, barbiturates, other)",
        (13, 14, 15, 16),
    ),
    SubstanceGroup(
        "other",
        "Other (PCP, inhalants, over-the-counter medications, other drugs incl. ketamine)",
        (8, 17, 18, 19),
    ),
    SubstanceGroup("none", "No primary substance reported", (1,)),
    SubstanceGroup("unknown", "Primary substance missing/unknown", (MISSING,)),
)
SUBSTANCES: tuple[SubstanceGroup, ...] = (ALL_SUBSTANCES, *SUBSTANCE_GROUPS)

ALL = "all"
SEX_GROUPS = {2: "female", 1: "male"}
SEX_UNKNOWN = "sex unknown"  # counted in "all", in no demographic row
AGE_GROUPS = {**{code: f"age {band}" for code, band in AGE_BANDS.items()}, 12: "age 65+"}
AGE_UNKNOWN = "age unknown"
DEMOGRAPHICS: tuple[str, ...] = (ALL, *SEX_GROUPS.values(), *AGE_GROUPS.values())


def sub1_group(code: int) -> str:
    """The substance group key of a SUB1 code."""
    for group in SUBSTANCE_GROUPS:
        if code in group.sub1:
            return group.key
    raise KeyError(f"SUB1 code {code} is in no substance group")


def groups_per_year() -> int:
    """Rows of the table for one loaded year: every region x substance x demographic group."""
    return len(REGIONS) * len(SUBSTANCES) * len(DEMOGRAPHICS)


def expected_rows(years: Iterable[int]) -> int:
    """Rows the table holds when exactly ``years`` are loaded."""
    return groups_per_year() * len(set(years))
