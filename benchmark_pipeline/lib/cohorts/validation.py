"""Reading the verified cohort CSV and validating it row by row, with every reason kept.

``read_cohort_csv`` fails the whole file (missing file, header problems); ``validate_cohorts``
never fails: each row either passes every rule or is rejected with all its reasons, so one bad
row costs only itself.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from benchmark_pipeline.lib.cohorts import contract as cs
from benchmark_pipeline.lib.cohorts.doi import citation_has_doi, dois_in, is_valid_doi
from benchmark_pipeline.lib.cohorts.vocabulary import (
    CONDITIONS,
    EFFECT_SIZE_KINDS,
    INSTRUMENT_RANGES,
    MODALITIES,
    SETTINGS,
)

_INTEGER = re.compile(r"^[+-]?\d+$")
_NCT = re.compile(r"^NCT\d{8}$")
# The table's NOT NULL columns plus the rules of provenance (a citation with its DOI, a licence).
REQUIRED = [
    "cohort_name",
    "source_citation",
    "doi",
    "modality",
    "condition",
    "setting",
    "n_participants",
    "instrument",
    "data_freely_usable",
    "license",
]
# Why an empty required cell rejects the row rather than taking a default.
_WHY_REQUIRED = {
    "instrument": " (primary instrument not verified; the table requires one)",
    "data_freely_usable": (
        " (reuse terms not verified; the table requires true or false, and its default true"
        " would be an unverified claim)"
    ),
    "license": " (licence not verified)",
    "n_participants": " (the table requires an N > 0)",
}
FIRST_DATA_ROW = 2  # the header is row 1, as a spreadsheet shows it


class CohortCsvError(ValueError):
    """The file as a whole cannot be read: nothing from it is loaded."""


@dataclass(frozen=True)
class Rejection:
    row: int
    cohort_name: str
    reasons: tuple[str, ...]


@dataclass
class CohortValidation:
    """The typed valid rows (``CohortFrame`` columns) and every rejected row with its reasons."""

    valid: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return len(self.valid) + len(self.rejections)


def read_cohort_csv(path: Path) -> pd.DataFrame:
    """Every cell of the CSV as stripped text ('' when empty), in file order.

    UTF-8 with or without a byte-order mark. Raises ``CohortCsvError`` naming the path when the
    file is missing and naming each column when the header lacks or adds columns.
    """
    if not path.is_file():
        raise CohortCsvError(f"cohort CSV not found: {path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
    header = [h.strip() for h in header]
    problems = []
    if missing := [c for c in cs.COLUMNS if c not in header]:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown := [c for c in header if c not in cs.COLUMNS]:
        problems.append(f"unknown column(s): {', '.join(repr(c) for c in unknown)}")
    if repeated := sorted({c for c in header if header.count(c) > 1}):
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        raise CohortCsvError(f"{path}: " + "; ".join(problems))
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=False
    )
    frame.columns = header
    return frame.apply(lambda col: col.str.strip())[cs.COLUMNS]


def _integer(row: dict, column: str, reasons: list[str]) -> int | None:
    text = row[column]
    if not text:
        return None
    if not _INTEGER.match(text):
        reasons.append(f"{column} {text!r} is not a whole number")
        return None
    value = int(text)
    if value <= 0:
        reasons.append(f"{column} must be > 0 (got {value})")
    return value


def _number(row: dict, column: str, reasons: list[str]) -> float | None:
    text = row[column]
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        reasons.append(f"{column} {text!r} is not a number")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        reasons.append(f"{column} {text!r} is not a finite number")
        return None
    return value


def _boolean(row: dict, column: str, reasons: list[str]) -> bool | None:
    text = row[column].lower()
    if text in {"true", "false"}:
        return text == "true"
    if text:
        reasons.append(f"{column} {row[column]!r} is not true or false")
    return None


def _vocabulary_reasons(row: dict) -> list[str]:
    reasons = []
    modality = row["modality"]
    if modality and modality not in MODALITIES:
        hint = (
            f" (write it lowercase: {modality.lower()!r})" if modality.lower() in MODALITIES else ""
        )
        reasons.append(f"modality {modality!r} is not in the vocabulary{hint}")
    for column, allowed in (
        ("condition", CONDITIONS),
        ("setting", SETTINGS),
        ("instrument", INSTRUMENT_RANGES),
        ("effect_size_kind", EFFECT_SIZE_KINDS),
    ):
        if row[column] and row[column] not in allowed:
            reasons.append(f"{column} {row[column]!r} is not in the vocabulary")
    return reasons


def _provenance_reasons(row: dict) -> list[str]:
    citation, doi, nct = row["source_citation"], row["doi"], row["nct_id"]
    reasons = []
    if doi and not is_valid_doi(doi):
        reasons.append(f"doi {doi!r} is not a valid DOI (10.<registrant>/<suffix>)")
    if citation and not dois_in(citation):
        reasons.append("source_citation contains no DOI")
    elif citation and doi and not citation_has_doi(citation, doi):
        reasons.append(
            f"doi {doi!r} does not match the DOI(s) in source_citation: {', '.join(dois_in(citation))}"
        )
    if nct and not _NCT.match(nct):
        reasons.append(f"nct_id {nct!r} is not NCT followed by 8 digits")
    return reasons


def _score_reasons(values: dict, instrument: str) -> list[str]:
    if instrument not in INSTRUMENT_RANGES:
        return []
    score = INSTRUMENT_RANGES[instrument]
    reasons = []
    for column in cs.MEAN_COLUMNS:
        value = values[column]
        if value is None:
            continue
        if score is None:
            reasons.append(f"{column} given, but instrument {instrument!r} has no common scale")
        elif not score.low <= value <= score.high:
            reasons.append(
                f"{column} {value:g} is outside the {instrument} range {score.low:g}-{score.high:g}"
            )
    change = values["change_mean"]
    if change is not None and score is not None and abs(change) > score.width:
        reasons.append(
            f"change_mean {change:g} exceeds the {instrument} range width {score.width:g}"
        )
    return reasons


def _bound_reasons(values: dict) -> list[str]:
    reasons = [
        f"{c} {values[c]:g} must be > 0"
        for c in cs.SD_COLUMNS
        if values[c] is not None and values[c] <= 0
    ]
    reasons += [
        f"{c} {values[c]:g} is not a percentage between 0 and 100"
        for c in cs.PCT_COLUMNS
        if values[c] is not None and not 0 <= values[c] <= 100
    ]
    arm, n = values["active_arm_n"], values["n_participants"]
    if arm is not None and n is not None and arm > n:
        reasons.append(f"active_arm_n {arm} exceeds n_participants {n}")
    return reasons


def _followup_reasons(values: dict) -> list[str]:
    weeks, days = values["followup_weeks"], values["followup_days"]
    low, high = values["followup_weeks_min"], values["followup_weeks_max"]
    reasons = []
    if days is not None and days >= 7:
        reasons.append(f"followup_days {days} is a week or more: use followup_weeks")
    if (low is None) != (high is None):
        reasons.append("followup_weeks_min and followup_weeks_max go together")
    elif low is not None and high is not None and low >= high:
        reasons.append(f"followup window {low}-{high} weeks is not increasing")
    if sum(v is not None for v in (weeks, days, low)) > 1:
        reasons.append("give one follow-up: followup_weeks, followup_days or a weeks window")
    return reasons


def _effect_reasons(row: dict, values: dict) -> list[str]:
    kind, g, other = row["effect_size_kind"], values["effect_size_hedges_g"], values["effect_size"]
    reasons = []
    if g is not None and other is not None:
        reasons.append("give either effect_size_hedges_g or effect_size, not both")
    if g is not None and kind != "hedges_g":
        reasons.append("effect_size_hedges_g needs effect_size_kind 'hedges_g'")
    if other is not None and kind == "hedges_g":
        reasons.append("a Hedges' g belongs in effect_size_hedges_g")
    if other is not None and not kind:
        reasons.append("effect_size needs effect_size_kind")
    if kind and g is None and other is None:
        reasons.append("effect_size_kind given without an effect size")
    return reasons


def _row_reasons(row: dict) -> tuple[dict, list[str]]:
    """The row's typed values and every rule it breaks."""
    reasons = [f"{c} is empty{_WHY_REQUIRED.get(c, '')}" for c in REQUIRED if not row[c]]
    values: dict = {c: (row[c] or None) for c in cs.TEXT_COLUMNS}
    values |= {c: _integer(row, c, reasons) for c in cs.INT_COLUMNS}
    values |= {c: _number(row, c, reasons) for c in cs.FLOAT_COLUMNS}
    values |= {c: _boolean(row, c, reasons) for c in cs.BOOL_COLUMNS}
    reasons += _vocabulary_reasons(row) + _provenance_reasons(row)
    reasons += _score_reasons(values, row["instrument"]) + _bound_reasons(values)
    reasons += _followup_reasons(values) + _effect_reasons(row, values)
    return values, reasons


def validate_cohorts(raw: pd.DataFrame) -> CohortValidation:
    """Apply every row rule to ``raw`` (from ``read_cohort_csv``); a row with any broken rule
    is rejected with all its reasons, the others come back typed and checked by CohortFrame."""
    names = raw["cohort_name"].tolist()
    rows_of = {n: [i + FIRST_DATA_ROW for i, m in enumerate(names) if m == n] for n in names if n}
    good, rejections = [], []
    for i, row in enumerate(raw.to_dict("records")):
        values, reasons = _row_reasons(row)
        if len(rows_of.get(row["cohort_name"], [])) > 1:
            others = ", ".join(map(str, rows_of[row["cohort_name"]]))
            reasons.append(f"cohort_name is not unique (rows {others})")
        if reasons:
            rejections.append(Rejection(i + FIRST_DATA_ROW, row["cohort_name"], tuple(reasons)))
        else:
            good.append(values)
    valid = pd.DataFrame(good, columns=cs.COLUMNS)
    return CohortValidation(valid=cs.CohortFrame.validate(valid), rejections=rejections)
