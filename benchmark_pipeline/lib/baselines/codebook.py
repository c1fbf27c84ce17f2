"""The TEDS-D public-use file's variables that the baselines read, with their codes and labels.

Facts, with where they come from:

- Codes and labels of the 2015-onward coding: SAMHSA, *Treatment Episode Data Set Discharges
  (TEDS-D) 2019 Codebook* (``TEDS-D-2019-DS0001-info-codebook_V1.pdf``), PDF pages 13 (DISYR),
  14 (AGE), 15 (GENDER), 34 (REGION), 40 (REASON), 41-42 (LOS), 45 (NOPRIOR), 46-47 (SUB1).
  The 2015, 2017 and 2018 codebooks list the same codes for these variables (labels differ in
  wording and case only); -9 for LOS appears in the 2015 codebook (PDF page 43). The PDFs were
  read from the copies in github.com/kabellhart/teds-processing, ``source-pdfs/`` (commit
  e53f31e).
- -9 means "Missing/unknown/not collected/invalid" wherever a codebook lists it.
- NOPRIOR has two values since 2015: 0 = no prior treatment episode, 1 = one or more (2019
  codebook, PDF page 45), so a count of prior episodes cannot be averaged.
- LOS is the number of days for 1-30, then ranges (31 = 31 to 45 days ... 37 = more than a
  year), and AGE is 12 bands (2019 codebook, PDF pages 14 and 41-42): a mean would need invented
  midpoints.
- The 2021 file carries text labels instead of codes ("already decoded and it's all strings",
  and it needs latin-1): github.com/HI-OD2A-P2P/TEDS-Processing, ``TEDS-D/LoadData_TEDS_D.py``
  lines 117-127 (commit 6bdcce7). Its labels are those of the 2021 codebook as parsed in the
  same repository, ``TEDS-D/codebooks/merged_codes_result.csv``, column 2021 (commit e2a017e);
  where they differ from the 2019 wording both are listed below. Labels are matched ignoring
  case, dash style and repeated spaces; any other text is an invalid code, counted and shown.
- The 2023 file names the sex variable SEX instead of GENDER (codes unchanged), as the
  specification of population_baselines states; no 2023 codebook was read to confirm it, so the
  reader accepts either column (never both) and validates it against the same codes.
"""

import re
from dataclasses import dataclass

MISSING = -9
MISSING_LABEL = "Missing/unknown/not collected/invalid"
FIRST_YEAR = 2015  # the 2015-onward coding; earlier files use another (NOPRIOR 0-5, ...)
LAST_YEAR = 2099  # a DISYR beyond it is a typo, not a year
LAST_DAY_CODE = 30  # LOS 1-30 are days; 31-37 are ranges


@dataclass(frozen=True)
class Variable:
    """One variable of the file: its column name(s), what it is and its codes with labels."""

    name: str
    description: str
    codes: dict[int, tuple[str, ...]]  # code -> labels, the codebook's 2019 wording first
    columns: tuple[str, ...] = ()  # column names in the file; default (name,)

    @property
    def column_names(self) -> tuple[str, ...]:
        return self.columns or (self.name,)

    def label(self, code: int) -> str:
        return self.codes[code][0]


def _days() -> dict[int, tuple[str, ...]]:
    return {day: (str(day),) for day in range(1, LAST_DAY_CODE + 1)}


AGE_BANDS = {
    1: "12-14",
    2: "15-17",
    3: "18-20",
    4: "21-24",
    5: "25-29",
    6: "30-34",
    7: "35-39",
    8: "40-44",
    9: "45-49",
    10: "50-54",
    11: "55-64",
}

VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable("DISYR", "Year of discharge", {}),
        Variable(
            "AGE",
            "Age at admission (bands)",
            {
                **{c: (f"{b} years", f"{b} years old") for c, b in AGE_BANDS.items()},
                12: ("65 years and older",),
            },
        ),
        Variable(
            "SEX",
            "Biological sex (GENDER until 2022, SEX in 2023)",
            {1: ("Male",), 2: ("Female",), MISSING: (MISSING_LABEL,)},
            columns=("GENDER", "SEX"),
        ),
        Variable(
            "REGION",
            "Census region",
            {
                0: ("U.S. territories",),
                1: ("Northeast",),
                2: ("Midwest",),
                3: ("South",),
                4: ("West",),
            },
        ),
        Variable(
            "SUB1",
            "Substance use at admission (primary)",
            {
                1: ("None",),
                2: ("Alcohol",),
                3: ("Cocaine/crack",),
                4: ("Marijuana/hashish",),
                5: ("Heroin",),
                6: ("Non-prescription methadone",),
                7: ("Other opiates and synthetics",),
                8: ("PCP",),
                9: ("Hallucinogens",),
                10: ("Methamphetamine/speed",),
                11: ("Other amphetamines",),
                12: ("Other stimulants",),
                13: ("Benzodiazepines",),
                14: ("Other tranquilizers",),
                15: ("Barbiturates",),
                16: ("Other sedatives or hypnotics",),
                17: ("Inhalants",),
                18: ("Over-the-counter medications",),
                19: ("Other drugs",),
                MISSING: (MISSING_LABEL,),
            },
        ),
        Variable(
            "NOPRIOR",
            "Previous substance use treatment episodes",
            {
                0: ("No prior treatment episodes", "No prior treatment episode"),
                1: ("One or more prior treatment episodes",),
                MISSING: (MISSING_LABEL,),
            },
        ),
        Variable(
            "LOS",
            "Length of stay in treatment (days)",
            {
                **_days(),
                31: ("31 to 45 days",),
                32: ("46 to 60 days",),
                33: ("61 to 90 days",),
                34: ("91 to 120 days",),
                35: ("121 to 180 days",),
                36: ("181 to 365 days",),
                37: ("More than a year",),
                MISSING: (MISSING_LABEL,),
            },
        ),
        Variable(
            "REASON",
            "Reason for discharge",
            {
                1: ("Treatment completed",),
                2: ("Dropped out of treatment",),
                3: ("Terminated by facility",),
                4: ("Transferred to another treatment program or facility",),
                5: ("Incarcerated",),
                6: ("Death",),
                7: ("Other",),
            },
        ),
    )
}

_INTEGER = re.compile(r"[+-]?\d+")


def normalize_label(text: str) -> str:
    """Case, dash style and runs of whitespace do not distinguish labels."""
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(text.split()).casefold()


def label_index(variable: Variable) -> dict[str, int]:
    """Every normalized label of ``variable`` -> its code."""
    return {
        normalize_label(label): code for code, labels in variable.codes.items() for label in labels
    }


def parse_code(variable: Variable, raw: str | None) -> int | None:
    """The code ``raw`` stands for (a number, or one of the variable's labels), or None when it
    is no valid code of ``variable``."""
    if raw is None:
        return None
    text = raw.strip()
    if _INTEGER.fullmatch(text):
        code = int(text)
        if variable.name == "DISYR":
            return code if FIRST_YEAR <= code <= LAST_YEAR else None
        return code if code in variable.codes else None
    if variable.name == "DISYR":
        return None
    return label_index(variable).get(normalize_label(text))
