"""Decoding a dataset's rows into the typed contract, one row at a time.

``validate_dataset`` never fails: each row either decodes into ``MetapsyRow`` and passes the
rules its outcome type implies, or is left out with its row id, line, and every field that
broke a rule with the reason. The valid rows come back as a typed frame of the table's columns.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from pydantic import ValidationError

from benchmark_pipeline.lib.metapsy.contract import (
    CONTINUOUS,
    CSV_NAMES,
    ROW_COLUMNS,
    TABLE_COLUMNS,
    MetapsyRow,
    column_types,
)
from benchmark_pipeline.lib.metapsy.reading import LINE
from benchmark_pipeline.lib.metapsy.snapshot import Snapshot

MISSING = {"", "NA"}
_NCT = re.compile(r"^NCT\d{8}$")
_PANDAS_DTYPES = {"integer": "Int64", "numeric": "Float64", "boolean": "boolean", "text": object}
_NUMERIC = {CSV_NAMES[c] for c in ROW_COLUMNS if column_types()[c] in {"integer", "numeric"}}
# What each outcome type must carry for its effect size to be read back from the row.
_NEEDS = {
    "msd": ["n_arm1", "mean_arm1", "sd_arm1", "n_arm2", "mean_arm2", "sd_arm2"],
    "imsd": ["n_arm1", "mean_arm1", "sd_arm1", "n_arm2", "mean_arm2", "sd_arm2"],
    "change": [
        *("n_change_arm1", "mean_change_arm1", "sd_change_arm1"),
        *("n_change_arm2", "mean_change_arm2", "sd_change_arm2"),
    ],
    "response": ["event_arm1", "totaln_arm1", "event_arm2", "totaln_arm2", "log_rr", "log_rr_se"],
    "remission": ["event_arm1", "totaln_arm1", "event_arm2", "totaln_arm2", "log_rr", "log_rr_se"],
}


@dataclass(frozen=True)
class Problem:
    field: str  # the CSV column
    value: str | None
    reason: str

    def __str__(self) -> str:
        shown = "NA" if self.value is None else repr(self.value)
        return f"{self.field} {shown}: {self.reason}"


@dataclass(frozen=True)
class Rejection:
    line: int
    row_id: str
    study: str
    problems: tuple[Problem, ...]

    @property
    def reasons(self) -> str:
        return "; ".join(map(str, self.problems))


@dataclass
class DatasetValidation:
    """One snapshot read: its typed valid rows (``TABLE_COLUMNS``) and every rejected row."""

    snapshot: Snapshot
    valid: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return len(self.valid) + len(self.rejections)


def _cell(column: str, text: str) -> tuple[str | None, Problem | None]:
    """The cell as the model should see it: None for NA, a decimal point for the comma."""
    if text in MISSING:
        return None, None
    if column in _NUMERIC:
        if "." in text:
            reason = "a decimal point; Metapsy files write decimals with a comma"
            return None, Problem(column, text, reason)
        return text.replace(",", "."), None
    return text, None


def _decode(raw: dict[str, str]) -> tuple[MetapsyRow | None, list[Problem]]:
    cells, problems = {}, []
    for column in CSV_NAMES.values():
        cells[column], problem = _cell(column, raw[column])
        problems += [problem] if problem else []
    if problems:
        return None, problems
    try:
        return MetapsyRow.model_validate(cells), []
    except ValidationError as exc:
        return None, [
            Problem(str(e["loc"][0]), raw.get(str(e["loc"][0])), e["msg"]) for e in exc.errors()
        ]


def _rule_problems(row: MetapsyRow) -> list[Problem]:
    """What the row's outcome type needs and lacks, and counts that contradict each other."""
    problems = [
        Problem(CSV_NAMES[c], None, f"required for outcome_type {row.outcome_type}")
        for c in _NEEDS[row.outcome_type]
        if getattr(row, c) is None
    ]
    if row.outcome_type in CONTINUOUS:
        problems += [
            Problem(CSV_NAMES[c], None, "a continuous outcome needs Hedges' g and its SE")
            for c in ("hedges_g", "hedges_g_se")
            if getattr(row, c) is None
        ]
    for arm in ("arm1", "arm2"):
        events, total = getattr(row, f"event_{arm}"), getattr(row, f"totaln_{arm}")
        if events is not None and total is not None and events > total:
            problems.append(Problem(f"event_{arm}", str(events), f"exceeds totaln_{arm} {total}"))
    for value, error in (("hedges_g", "hedges_g_se"), ("log_rr", "log_rr_se")):
        if (getattr(row, value) is None) != (getattr(row, error) is None):
            problems.append(
                Problem(CSV_NAMES[error], None, f"{CSV_NAMES[value]} and its SE go together")
            )
    return problems


def typed_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows of table values -> a frame of ``TABLE_COLUMNS`` with nullable typed columns."""
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    return frame.astype({c: _PANDAS_DTYPES[t] for c, t in column_types().items()})


def validate_dataset(snapshot: Snapshot, raw: pd.DataFrame) -> DatasetValidation:
    """Decode every row of ``raw`` (from ``read_dataset_csv``) for ``snapshot``."""
    ids = Counter(raw[".id"])
    good, rejections = [], []
    for record in raw.to_dict("records"):
        row, problems = _decode(record)
        if row is not None:
            problems = _rule_problems(row)
        if ids[record[".id"]] > 1:
            lines = raw.loc[raw[".id"] == record[".id"], LINE].tolist()
            problems.append(Problem(".id", record[".id"], f"not unique (lines {lines})"))
        if problems:
            rejections.append(
                Rejection(record[LINE], record[".id"], record["study"], tuple(problems))
            )
            continue
        values = row.model_dump()
        nct = values["registration_number"]
        good.append(
            {
                "dataset": snapshot.dataset,
                "release": snapshot.release,
                **values,
                "nct_id": nct if nct and _NCT.match(nct) else None,
            }
        )
    return DatasetValidation(snapshot=snapshot, valid=typed_frame(good), rejections=rejections)
