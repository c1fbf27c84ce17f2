"""The outcome instruments (``data/benchmark_instruments.csv``): each one's score range, its
direction and, where a published value was verified, the band of difference read as `similar`.

The one list of instruments: the cohort vocabulary takes its ranges from here and the
``benchmark_instruments`` table mirrors it. ``read_instruments`` decodes the file at its edge. A
file that cannot be read as a whole (missing, not UTF-8, a header other than ``COLUMNS``, a line
that does not fit it, no data row) raises ``InstrumentCsvError`` naming the file; each row is
then typed (msgspec) and checked, and a row that breaks a rule is left out with its row number
(header = row 1), its name and every reason.
"""

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import msgspec

from benchmark_pipeline.constants import DATA_DIR
from benchmark_pipeline.lib.cohorts.doi import is_valid_doi
from benchmark_pipeline.lib.postgres.limits import text_problem

INSTRUMENTS_CSV = DATA_DIR / "benchmark_instruments.csv"
# Pooled standardized effects over several instruments: a cohort instrument without a scale,
# so it has no row here.
NO_SCALE = "mixed"

Name = Annotated[str, msgspec.Meta(min_length=1)]
Band = Annotated[float, msgspec.Meta(gt=0)]


class Instrument(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the file, typed. ``similar_band`` is in score points; None = no verified band."""

    name: Name
    full_name: Name
    score_min: float
    score_max: float
    lower_is_better: bool
    similar_band: Band | None = None
    band_kind: str | None = None
    band_source: str | None = None
    band_doi: str | None = None
    notes: str | None = None


FIELDS = {f.name: f for f in msgspec.structs.fields(Instrument)}
COLUMNS = list(FIELDS)
DESCRIPTIONS = {
    "name": "Instrument name as cohorts write it (natural key)",
    "full_name": "Full name of the instrument and the score it totals",
    "score_min": "Lowest possible total score",
    "score_max": "Highest possible total score",
    "lower_is_better": "True when a lower score means fewer symptoms",
    "similar_band": "Largest difference, in score points, read as `similar`; empty = none verified",
    "band_kind": "What the band is (e.g. an MCID for individual change) and how it was derived",
    "band_source": "Citation of the band's source",
    "band_doi": "DOI of the band's source",
    "notes": "Sources of the range and direction; why the band is empty, or other published values",
}
_BAND_PARTS = ("band_kind", "band_source", "band_doi")
_BOOLEANS = {"true": True, "false": False}


class InstrumentCsvError(ValueError):
    """The file as a whole cannot be read: nothing from it is used."""


@dataclass(frozen=True)
class InstrumentRejection:
    row: int
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class InstrumentFile:
    """The valid instruments, in file order, and every rejected row with its reasons."""

    path: Path
    instruments: tuple[Instrument, ...]
    rejections: tuple[InstrumentRejection, ...]

    def rows(self) -> list[dict[str, Any]]:
        """The valid instruments as plain dicts in ``COLUMNS`` order, for a load."""
        return [msgspec.structs.asdict(i) for i in self.instruments]


def _text(path: Path) -> str:
    if not path.is_file():
        raise InstrumentCsvError(f"instrument CSV not found: {path}")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InstrumentCsvError(
            f"{path}: not UTF-8 text: byte 0x{data[exc.start]:02X} at offset {exc.start} "
            f"(line {line}); save the file as UTF-8"
        ) from None


def _records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and (row number, fields) of every non-blank row, or ``InstrumentCsvError``."""
    reader = csv.reader(io.StringIO(_text(path), newline=""), strict=True)
    try:
        rows = [(n, fields) for n, fields in enumerate(reader, start=1) if "".join(fields).strip()]
    except csv.Error as exc:
        raise InstrumentCsvError(f"{path}: line {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise InstrumentCsvError(f"{path}: the file is empty (no header, no row)")
    header = [h.strip() for h in rows[0][1]]
    problems = []
    if missing := [c for c in COLUMNS if c not in header]:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown := [c for c in header if c not in COLUMNS]:
        problems.append(f"unknown column(s): {', '.join(map(repr, unknown))}")
    if repeated := sorted({c for c in header if header.count(c) > 1}):
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        raise InstrumentCsvError(f"{path}: " + "; ".join(problems))
    if ragged := [n for n, fields in rows[1:] if len(fields) != len(header)]:
        raise InstrumentCsvError(
            f"{path}: row {ragged[0]} does not have the header's {len(header)} fields"
        )
    if len(rows) == 1:
        raise InstrumentCsvError(f"{path}: the header is there but no instrument row follows it")
    return header, rows[1:]


def _cell(name: str, cell: str, reasons: list[str]) -> Any:
    """``cell`` as its field's type; a reason instead when it is not one."""
    if name == "lower_is_better":
        if cell.lower() not in _BOOLEANS:
            reasons.append(f"lower_is_better {cell!r} is not true or false")
        return _BOOLEANS.get(cell.lower())
    try:
        value = msgspec.convert(cell, FIELDS[name].type, strict=False)
    except msgspec.ValidationError as exc:
        reasons.append(f"{name} {cell!r}: {exc}")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        reasons.append(f"{name} {cell!r} is not a finite number")
        return None
    return value


def _row_reasons(cells: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    reasons = [f"{n} {p}" for n, c in cells.items() if (p := text_problem(c))]
    for name, cell in cells.items():
        if cell:
            values[name] = _cell(name, cell, reasons)
        elif FIELDS[name].required:
            reasons.append(f"{name} is empty (required)")
    low, high = values.get("score_min"), values.get("score_max")
    band = values.get("similar_band")
    if low is not None and high is not None:
        if low >= high:
            reasons.append(f"score_min {low:g} is not below score_max {high:g}")
        elif band is not None and band > high - low:
            reasons.append(f"similar_band {band:g} is wider than the range {low:g}-{high:g}")
    if cells["similar_band"]:
        reasons += [f"{p} is empty: a band needs its source" for p in _BAND_PARTS if not cells[p]]
    else:
        reasons += [f"{p} given without a similar_band" for p in _BAND_PARTS if cells[p]]
    if cells["band_doi"] and not is_valid_doi(cells["band_doi"]):
        reasons.append(f"band_doi {cells['band_doi']!r} is not a valid DOI (10.<registrant>/...)")
    if cells["name"] == NO_SCALE:
        reasons.append(f"{NO_SCALE!r} is the cohort instrument without a scale; it has no row")
    return values, reasons


def read_instruments(path: Path = INSTRUMENTS_CSV) -> InstrumentFile:
    """Every row of the file typed and checked; see the module docstring for what fails."""
    header, records = _records(path)
    parsed = []
    for row, fields in records:
        cells = {h: f.strip() for h, f in zip(header, fields, strict=True)}
        values, reasons = _row_reasons(cells)
        parsed.append((row, cells["name"], values, reasons))
    names = [name for _, name, _, _ in parsed]
    instruments, rejections = [], []
    for row, name, values, reasons in parsed:
        if names.count(name) > 1:
            rows = [str(r) for r, n, _, _ in parsed if n == name]
            reasons.append(f"name is not unique (rows {', '.join(rows)})")
        if reasons:
            # A NUL rejects its row; metadata and logs show it written out.
            shown = name.replace("\x00", "\\x00")
            rejections.append(InstrumentRejection(row, shown, tuple(reasons)))
        else:
            instruments.append(msgspec.convert(values, Instrument))
    return InstrumentFile(path, tuple(instruments), tuple(rejections))
