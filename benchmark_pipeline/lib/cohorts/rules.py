"""The rules a cohort row must keep, each one mask over every row (see ``reasons``).

``raw`` holds the stripped text cells and ``typed`` the parsed values (``cells``), both with
``CohortFrame`` columns; a rule adds a reason to every row that breaks it.
"""

import functools
import re
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from benchmark_pipeline.lib.cohorts import contract as cs
from benchmark_pipeline.lib.cohorts.doi import citation_has_doi, dois_in, is_valid_doi
from benchmark_pipeline.lib.cohorts.reasons import RowReasons
from benchmark_pipeline.lib.cohorts.vocabulary import (
    CONDITIONS,
    EFFECT_SIZE_KINDS,
    INSTRUMENT_RANGES,
    MODALITIES,
    SETTINGS,
)

# The table's NOT NULL columns plus the rule of provenance (a citation with its DOI). Reuse
# terms are not required: an empty data_freely_usable is "not verified", and the table says so.
REQUIRED = [
    "cohort_name",
    "source_citation",
    "doi",
    "modality",
    "condition",
    "setting",
    "n_participants",
    "instrument",
]
# Why an empty required cell rejects the row rather than taking a default.
_WHY_REQUIRED = {
    "instrument": " (primary instrument not verified; the table requires one)",
    "n_participants": " (the table requires an N > 0)",
}
_NCT = r"NCT\d{8}"
_ROWS_LISTED = 10
_CITATION_SHOWN = 200  # characters of a citation a reason quotes


def required(raw: pd.DataFrame, reasons: RowReasons) -> None:
    for column in REQUIRED:
        reasons.add(
            raw[column] == "", lambda i, c=column: f"{c} is empty{_WHY_REQUIRED.get(c, '')}"
        )


def vocabulary(raw: pd.DataFrame, reasons: RowReasons) -> None:
    modality = raw["modality"]
    unknown = (modality != "") & ~modality.isin(MODALITIES)
    fixable = modality.str.lower().isin(MODALITIES)

    def modality_reason(i: int) -> str:
        value = modality.iat[i]
        hint = f" (write it lowercase: {value.lower()!r})" if fixable.iat[i] else ""
        return f"modality {value!r} is not in the vocabulary{hint}"

    reasons.add(unknown, modality_reason)
    for column, allowed in (
        ("condition", CONDITIONS),
        ("setting", SETTINGS),
        ("instrument", INSTRUMENT_RANGES),
        ("effect_size_kind", EFFECT_SIZE_KINDS),
    ):
        values = raw[column]
        reasons.add(
            (values != "") & ~values.isin(allowed),
            lambda i, c=column, v=values: f"{c} {v.iat[i]!r} is not in the vocabulary",
        )


def provenance(raw: pd.DataFrame, reasons: RowReasons) -> None:
    citation, doi, nct = raw["source_citation"], raw["doi"], raw["nct_id"]
    valid_doi = pd.Series([is_valid_doi(d) for d in doi.tolist()], index=doi.index)
    reasons.add(
        (doi != "") & ~valid_doi,
        lambda i: f"doi {doi.iat[i]!r} is not a valid DOI (10.<registrant>/<suffix>)",
    )
    # A citation's DOIs are found once per distinct citation: a long file repeats them.
    found = {c: dois_in(c) for c in citation.unique().tolist()}
    cited = citation.map(lambda c: bool(found[c]))
    reasons.add((citation != "") & ~cited, lambda i: "source_citation contains no DOI")
    matches = pd.Series(
        [not d or citation_has_doi(c, d) for c, d in zip(citation, doi, strict=True)],
        index=doi.index,
    )
    reasons.add(
        cited & ~matches,
        lambda i: (
            f"doi {doi.iat[i]!r} does not match the DOI(s) in source_citation: "
            + ", ".join(found[citation.iat[i]])
        ),
    )
    reasons.add(
        (nct != "") & ~nct.str.fullmatch(_NCT).fillna(False),
        lambda i: f"nct_id {nct.iat[i]!r} is not NCT followed by 8 digits",
    )


def scores(raw: pd.DataFrame, typed: pd.DataFrame, reasons: RowReasons) -> None:
    """Means within the instrument's score range; a change no wider than the range."""
    instrument = raw["instrument"]
    ranges = {k: v for k, v in INSTRUMENT_RANGES.items() if v is not None}
    low = instrument.map({k: v.low for k, v in ranges.items()}).astype("Float64")
    high = instrument.map({k: v.high for k, v in ranges.items()}).astype("Float64")
    no_scale = instrument.isin([k for k, v in INSTRUMENT_RANGES.items() if v is None])
    for column in cs.MEAN_COLUMNS:
        value = typed[column]
        reasons.add(
            value.notna() & no_scale,
            lambda i, c=column: (
                f"{c} given, but instrument {instrument.iat[i]!r} has no common scale"
            ),
        )
        reasons.add(
            (value < low) | (value > high),
            lambda i, c=column, v=value: (
                f"{c} {v.iat[i]:g} is outside the {instrument.iat[i]} range "
                f"{low.iat[i]:g}-{high.iat[i]:g}"
            ),
        )
    change = typed["change_mean"]
    reasons.add(
        change.abs() > high - low,
        lambda i: (
            f"change_mean {change.iat[i]:g} exceeds the {instrument.iat[i]} range width "
            f"{high.iat[i] - low.iat[i]:g}"
        ),
    )


def bounds(typed: pd.DataFrame, reasons: RowReasons) -> None:
    """N and arm sizes > 0, SDs > 0, percentages 0-100, the active arm within N."""
    for column in [c for c in cs.INT_COLUMNS if c != "publication_year"]:
        value = typed[column]
        reasons.add(value <= 0, lambda i, c=column, v=value: f"{c} must be > 0 (got {v.iat[i]})")
    for column in cs.SD_COLUMNS:
        value = typed[column]
        reasons.add(value <= 0, lambda i, c=column, v=value: f"{c} {v.iat[i]:g} must be > 0")
    for column in cs.PCT_COLUMNS:
        value = typed[column]
        reasons.add(
            (value < 0) | (value > 100),
            lambda i, c=column, v=value: f"{c} {v.iat[i]:g} is not a percentage between 0 and 100",
        )
    arm, n = typed["active_arm_n"], typed["n_participants"]
    reasons.add(arm > n, lambda i: f"active_arm_n {arm.iat[i]} exceeds n_participants {n.iat[i]}")


def publication(raw: pd.DataFrame, typed: pd.DataFrame, reasons: RowReasons) -> None:
    """A publication year between 1900 and the current year (UTC) that the row's own
    source_citation writes: the citation is where the year was verified, so a year it does not
    show is a typing error or a value from somewhere else."""
    year, citation = typed["publication_year"], raw["source_citation"]
    latest = datetime.now(UTC).year
    reasons.add(
        (year < cs.FIRST_PUBLICATION_YEAR) | (year > latest),
        lambda i: (
            f"publication_year {year.iat[i]} is not between {cs.FIRST_PUBLICATION_YEAR} and "
            f"{latest}"
        ),
    )
    missing = [
        value is not pd.NA and not _writes_year(text, value)
        for value, text in zip(year.tolist(), citation.tolist(), strict=True)
    ]
    reasons.add(
        np.array(missing, dtype=bool),
        lambda i: (
            f"publication_year {year.iat[i]} does not appear in source_citation "
            f"{_excerpt(citation.iat[i])!r}"
        ),
    )


@functools.lru_cache(maxsize=4096)  # a long file repeats its citations
def _writes_year(citation: str, year: int) -> bool:
    """``year`` is in ``citation`` as a number of its own (not inside a longer one)."""
    return str(year) in citation and re.search(rf"(?<![0-9]){year}(?![0-9])", citation) is not None


def _excerpt(text: str) -> str:
    return text if len(text) <= _CITATION_SHOWN else text[: _CITATION_SHOWN - 1] + "…"


def followup(typed: pd.DataFrame, reasons: RowReasons) -> None:
    weeks, days = typed["followup_weeks"], typed["followup_days"]
    low, high = typed["followup_weeks_min"], typed["followup_weeks_max"]
    reasons.add(
        days >= 7, lambda i: f"followup_days {days.iat[i]} is a week or more: use followup_weeks"
    )
    reasons.add(
        low.isna() != high.isna(),
        lambda i: "followup_weeks_min and followup_weeks_max go together",
    )
    reasons.add(
        low >= high,
        lambda i: f"followup window {low.iat[i]}-{high.iat[i]} weeks is not increasing",
    )
    given = weeks.notna().astype(int) + days.notna().astype(int) + low.notna().astype(int)
    reasons.add(
        given > 1,
        lambda i: "give one follow-up: followup_weeks, followup_days or a weeks window",
    )


def effects(raw: pd.DataFrame, typed: pd.DataFrame, reasons: RowReasons) -> None:
    kind = raw["effect_size_kind"]
    g, other = typed["effect_size_hedges_g"].notna(), typed["effect_size"].notna()
    reasons.add(g & other, lambda i: "give either effect_size_hedges_g or effect_size, not both")
    reasons.add(
        g & (kind != "hedges_g"), lambda i: "effect_size_hedges_g needs effect_size_kind 'hedges_g'"
    )
    reasons.add(
        other & (kind == "hedges_g"), lambda i: "a Hedges' g belongs in effect_size_hedges_g"
    )
    reasons.add(other & (kind == ""), lambda i: "effect_size needs effect_size_kind")
    reasons.add(
        (kind != "") & ~g & ~other, lambda i: "effect_size_kind given without an effect size"
    )


def reuse_terms(raw: pd.DataFrame, reasons: RowReasons) -> None:
    """Verified reuse terms name the licence they were read from."""
    reasons.add(
        (raw["data_freely_usable"] != "") & (raw["license"] == ""),
        lambda i: (
            "data_freely_usable is given but license is empty (verified reuse terms name "
            "their licence; leave both empty when not verified)"
        ),
    )


def unique_names(raw: pd.DataFrame, reasons: RowReasons) -> None:
    """Every row of a repeated cohort_name is rejected, naming the rows that share it."""
    names = raw["cohort_name"]
    repeated = names.duplicated(keep=False) & (names != "")
    rows_of = pd.Series(raw.index[repeated.to_numpy()]).groupby(names[repeated].to_numpy())
    listed = {name: rows.tolist() for name, rows in rows_of}

    def reason(i: int) -> str:
        rows = listed[names.iat[i]]
        shown = ", ".join(map(str, rows[:_ROWS_LISTED]))
        more = f" and {len(rows) - _ROWS_LISTED} more" if len(rows) > _ROWS_LISTED else ""
        return f"cohort_name is not unique (rows {shown}{more})"

    reasons.add(repeated, reason)
