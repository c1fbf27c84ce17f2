"""Reading the cohort CSV as a whole: its encoding, its header and the shape of every record.

Whatever is wrong here is wrong with the file, not with one cohort, so ``read_cohort_csv`` fails
the whole file with a ``CohortCsvError`` that names the file and, where there is one, the line;
nothing from such a file is loaded. Row rules are ``validation``'s job.
"""

import codecs
import contextlib
import csv
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from benchmark_pipeline.lib.cohorts import contract as cs

DEFAULT_ENCODING = "utf-8"
HEADER_ROW = 1  # spreadsheet numbering: the header is row 1, the first cohort row 2
# The largest cohort CSV read: the whole file is held in memory as text and as a frame. The
# 90,000-row file the benchmarks validate is 155 MB.
MAX_FILE_BYTES = 256_000_000
# The longest cell: a sixteenth of the largest file, far above any verification note (the
# seed's longest cell is under 2,000 characters) and above Python's csv default of 131,072, yet
# a quote left open in a large file stops there rather than swallowing the rest of it.
MAX_CELL_CHARS = MAX_FILE_BYTES // 16
_FIELD_LIMIT_LOCK = threading.Lock()


class CohortCsvError(ValueError):
    """The file as a whole cannot be read: nothing from it is loaded."""


def decode(data: bytes, path: Path, encoding: str = DEFAULT_ENCODING) -> str:
    """``data`` as text in ``encoding`` (UTF-8 with or without a byte-order mark by default).

    Raises ``CohortCsvError`` naming the first byte that is not valid in the encoding: its
    value, its offset in the file, its line and its position in that line.
    """
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise CohortCsvError(f"{path}: unknown encoding {encoding!r}") from None
    name = "utf-8-sig" if codec.name == "utf-8" else codec.name
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = (
            "save the file as UTF-8, or set encoding to the one it was saved in "
            "(for example latin-1 or cp1252)"
            if codec.name == "utf-8"
            else "check the encoding setting"
        )
        raise CohortCsvError(
            f"{path}: not {codec.name} text: byte 0x{data[exc.start]:02X} at offset "
            f"{exc.start:,} (line {line}, byte {column} of the line) is {exc.reason}; {hint}"
        ) from None


@contextlib.contextmanager
def _field_limit(chars: int) -> Iterator[None]:
    """Python's csv field limit set to ``chars`` while the block runs. The limit is the csv
    module's, for the whole process, so readers here take turns and the old limit comes back."""
    with _FIELD_LIMIT_LOCK:
        previous = csv.field_size_limit(chars)
        try:
            yield
        finally:
            csv.field_size_limit(previous)


def _records(text: str, path: Path) -> list[tuple[int, int, list[str]]]:
    """(spreadsheet row, first file line, fields) of every record that holds a value; a blank
    line or a row of empty cells still counts as a row, as a spreadsheet shows it. A cell
    longer than ``MAX_CELL_CHARS`` fails the file naming the line its record starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, line = [], 1
    try:
        with _field_limit(MAX_CELL_CHARS):
            for row, fields in enumerate(reader, start=HEADER_ROW):
                if "".join(fields).strip():
                    records.append((row, line, fields))
                line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise CohortCsvError(
                f"{path}: line {line}: a cell longer than {MAX_CELL_CHARS:,} characters, the "
                f"most one cell may hold (a sixteenth of the {MAX_FILE_BYTES:,}-byte file "
                "limit); a quote left open makes one cell of everything after it"
            ) from None
        raise CohortCsvError(f"{path}: line {line}: not valid CSV ({exc})") from None
    return records


def _header_problems(header: list[str]) -> list[str]:
    problems = []
    if missing := [c for c in cs.COLUMNS if c not in header]:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown := [c for c in header if c and c not in cs.COLUMNS]:
        problems.append(f"unknown column(s): {', '.join(repr(c) for c in unknown)}")
    if repeated := sorted({c for c in header if c and header.count(c) > 1}):
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if unnamed := [str(i + 1) for i, c in enumerate(header) if not c]:
        problems.append(f"column(s) without a name at position(s) {', '.join(unnamed)}")
    return problems


def _named(header: list[str]) -> int:
    """How many header fields name a column: a spreadsheet's trailing delimiter adds an empty,
    unnamed last field, which is not a column."""
    count = len(header)
    while count and not header[count - 1]:
        count -= 1
    return count


def _shape_problem(line: int, fields: list[str], width: int) -> str | None:
    """Why a record does not fit under a header of ``width`` named columns. Extra fields are
    accepted only when empty (a trailing delimiter on the line)."""
    if len(fields) < width:
        return f"line {line}: {len(fields)} field(s) where the header names {width}"
    if extra := [f for f in fields[width:] if f.strip()]:
        return (
            f"line {line}: {len(fields)} field(s) where the header names {width}; "
            f"value {extra[0][:40]!r} after the last named column"
        )
    return None


def read_cohort_csv(path: Path, encoding: str = DEFAULT_ENCODING) -> pd.DataFrame:
    """Every cell of the CSV as stripped text ('' when empty), in ``CohortFrame`` column order.

    The index is each row's spreadsheet row number (header = row 1); rows without any value
    are left out. A trailing delimiter on the header or on any line is read as the empty,
    unnamed last column a spreadsheet export writes. Raises ``CohortCsvError`` naming the file
    when it is missing, larger than ``MAX_FILE_BYTES``, empty, not valid text in ``encoding``,
    not valid CSV (a cell longer than ``MAX_CELL_CHARS`` included), has header
    problems (each missing, unknown, repeated or unnamed column), a line that does not fit the
    header, or a header and no data row.
    """
    if not path.is_file():
        raise CohortCsvError(f"cohort CSV not found: {path}")
    if (size := path.stat().st_size) > MAX_FILE_BYTES:
        raise CohortCsvError(
            f"{path}: {size:,} bytes, more than the {MAX_FILE_BYTES:,} a cohort CSV may hold; "
            "nothing is read"
        )
    records = _records(decode(path.read_bytes(), path, encoding), path)
    if not records:
        raise CohortCsvError(f"{path}: the file is empty (no header, no row)")
    header = [h.strip() for h in records[0][2]]
    width = _named(header)
    if problems := _header_problems(header[:width]):
        raise CohortCsvError(f"{path}: " + "; ".join(problems))
    body = records[1:]
    if not body:
        raise CohortCsvError(
            f"{path}: the header is there but no data row follows it; an empty cohort list "
            "would empty benchmark_cohorts, so nothing is loaded"
        )
    shape = [p for _, line, fields in body if (p := _shape_problem(line, fields, width))]
    if shape:
        more = f" (and {len(shape) - 1} more line(s))" if len(shape) > 1 else ""
        raise CohortCsvError(f"{path}: {shape[0]}{more}")
    rows = pd.Index([row for row, _, _ in body], name="row")
    # Column by column: one strip per cell, no per-cell pandas call.
    columns = zip(*(fields for _, _, fields in body), strict=False)
    cells = {
        name: [v.strip() for v in column]
        for name, column in zip(header[:width], columns, strict=False)
    }
    return pd.DataFrame(cells, index=rows, dtype=str)[cs.COLUMNS]


def append_rows(raw: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """``extra`` (text cells, ``COLUMNS``) after ``raw``, numbered as if they followed the file's
    last row, so a rejection names a row no file line already has."""
    first = (max(raw.index) if len(raw) else 1) + 1
    extra = extra[cs.COLUMNS].set_axis(range(first, first + len(extra)))
    return pd.concat([raw, extra.astype(raw.dtypes.to_dict())])
