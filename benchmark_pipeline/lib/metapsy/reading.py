"""Reading a Metapsy ``data.csv`` by column name, as text, refusing a file that is not one.

The Metapsy format: semicolon-separated, UTF-8, decimal comma, missing values written ``NA``,
one header row. Releases reorder and add columns, so a file is read by name: the columns of the
contract must all be there (once each); others are ignored. Cells stay text here; decoding
them is validation's job, row by row.
"""

import csv
import io
from pathlib import Path

import pandas as pd

from benchmark_pipeline.lib.metapsy.contract import REQUIRED_CSV_COLUMNS
from benchmark_pipeline.lib.metapsy.snapshot import MetapsyFileError

SEPARATOR = ";"
LINE = "line"  # the file line of each row: the header is line 1


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MetapsyFileError(
            f"{path}: not UTF-8: byte 0x{data[exc.start]:02x} at line {line} "
            f"(offset {exc.start}); Metapsy files are UTF-8"
        ) from None


def read_dataset_csv(path: Path) -> pd.DataFrame:
    """Every contract column of ``path`` as stripped text, plus ``line``; one row per data line.

    Raises ``MetapsyFileError`` naming the file when it is missing, not UTF-8, not
    semicolon-separated, lacks or repeats a contract column, or has a line whose field count
    differs from the header's.
    """
    if not path.is_file():
        raise MetapsyFileError(f"{path}: not found")
    reader = csv.reader(io.StringIO(_text(path), newline=""), delimiter=SEPARATOR)
    header = [h.strip() for h in next(reader, [])]
    if len(header) < 2:
        raise MetapsyFileError(
            f"{path}: not a Metapsy CSV: the header has no '{SEPARATOR}'-separated columns"
        )
    problems = []
    if missing := [c for c in REQUIRED_CSV_COLUMNS if c not in header]:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if repeated := sorted({c for c in header if header.count(c) > 1}):
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        raise MetapsyFileError(
            f"{path}: not a Metapsy CSV of this contract: " + "; ".join(problems)
        )
    lines, records = [], []
    for row in reader:
        number = reader.line_num  # the last physical line of the row
        if not any(cell.strip() for cell in row):
            continue  # a blank line, e.g. at the end of the file
        if len(row) != len(header):
            raise MetapsyFileError(
                f"{path}: line {number} has {len(row)} fields, the header {len(header)}"
            )
        lines.append(number)
        records.append([cell.strip() for cell in row])
    frame = pd.DataFrame(records, columns=header, dtype=object)
    frame = frame[REQUIRED_CSV_COLUMNS] if records else pd.DataFrame(columns=REQUIRED_CSV_COLUMNS)
    return frame.assign(**{LINE: lines})
