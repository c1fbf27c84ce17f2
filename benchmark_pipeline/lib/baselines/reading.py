"""Reading TEDS-D public-use files with DuckDB and validating every code against the codebook.

``read_discharges(location)`` reads the file(s) at ``location`` and returns the valid discharges,
one row per discharge with the codes of the variables the baselines use, and every invalid value:
a row with a value that is no code of its variable (per the codebook) is left out, and counted
under that variable and value, never dropped silently. A file that cannot be read as a TEDS-D
file (no such file, not a zip, a header without the variables, a ragged row) fails at once with
a ``TedsFileError`` naming it.
"""

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from benchmark_pipeline.lib.baselines.codebook import VARIABLES, Variable, parse_code
from benchmark_pipeline.lib.baselines.source import (
    LocalFile,
    TedsFileError,
    detect_delimiter,
    detect_encoding,
    files_in,
    header_line,
    local_file,
    split_header,
)

# The frame's columns, each the code of one codebook variable.
FRAME_COLUMNS = {
    "year": "DISYR",
    "age": "AGE",
    "sex": "SEX",
    "region": "REGION",
    "sub1": "SUB1",
    "noprior": "NOPRIOR",
    "los": "LOS",
    "reason": "REASON",
}
_SQL_TYPES = {"year": "SMALLINT"}  # every other code fits a TINYINT
CASE_ID = "CASEID"
# Bounded memory: DuckDB spills to a temporary folder beyond this.
MEMORY_LIMIT = "600MB"


@dataclass(frozen=True)
class InvalidValue:
    """Rows of one file whose value of one variable is no code of it."""

    file: str
    variable: str
    column: str
    value: str | None  # as written in the file; None = empty
    rows: int
    example_case_id: str | None


@dataclass(frozen=True)
class FileRead:
    """How one file was read."""

    source: str
    member: str | None
    encoding: str
    delimiter: str
    sex_column: str
    labelled_variables: tuple[str, ...]  # variables written as text labels, not codes
    rows_read: int
    rows_valid: int
    years: tuple[int, ...]


@dataclass(frozen=True)
class TedsDischarges:
    """The valid discharges of every file read, and everything left out."""

    location: str
    discharges: pd.DataFrame
    files: tuple[FileRead, ...] = ()
    invalid: tuple[InvalidValue, ...] = field(default=())

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_invalid(self) -> int:
        return self.rows_read - len(self.discharges)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.discharges["year"].tolist())))


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="int16" if c == "year" else "int8") for c in FRAME_COLUMNS}
    )


def _columns_of(variable: Variable, header: Iterable[str], source: str) -> str:
    """The header's name of ``variable``'s column (names match ignoring case)."""
    wanted = {name.upper() for name in variable.column_names}
    present = [name for name in header if name.upper() in wanted]
    if len(present) != 1:
        raise TedsFileError(
            f"{source}: expected exactly one of the columns {', '.join(variable.column_names)} "
            f"for {variable.description}; found {present or 'none'}"
        )
    return present[0]


def _mapping(
    con: duckdb.DuckDBPyConnection, alias: str, column: str, file: LocalFile
) -> tuple[list[InvalidValue], bool]:
    """Map every distinct value of ``column`` to its code in table ``map_<alias>``; return the
    invalid values and whether any value was a text label."""
    variable = VARIABLES[FRAME_COLUMNS[alias]]
    counts = con.execute(
        f'SELECT "{column}", count(*), min(case_id) FROM raw GROUP BY 1 ORDER BY 1'
    ).fetchall()
    valid, invalid, labelled = [], [], False
    for value, rows, example in counts:
        code = parse_code(variable, value)
        if code is None:
            invalid.append(InvalidValue(file.source, variable.name, column, value, rows, example))
        else:
            valid.append((value, code))
            labelled = labelled or not value.strip().lstrip("+-").isdigit()
    con.execute(f"CREATE TABLE map_{alias} (value VARCHAR, code SMALLINT)")
    if valid:
        con.executemany(f"INSERT INTO map_{alias} VALUES (?, ?)", valid)
    return invalid, labelled


def read_file(file: LocalFile) -> tuple[pd.DataFrame, FileRead, list[InvalidValue]]:
    """The valid discharges of one local data file, how it was read, and its invalid values."""
    encoding = detect_encoding(file.path)
    line = header_line(file.path, encoding)
    required = [v.column_names for v in VARIABLES.values()]
    delimiter = detect_delimiter(line, required, file.source)
    names = split_header(line, delimiter)
    if len(set(names)) != len(names):
        raise TedsFileError(f"{file.source}: the header names a column twice")
    columns = {
        alias: _columns_of(VARIABLES[v], names, file.source) for alias, v in FRAME_COLUMNS.items()
    }
    case_ids = [name for name in names if name.upper() == CASE_ID]
    case_id = f'"{case_ids[0]}"' if case_ids else "NULL"
    with (
        tempfile.TemporaryDirectory(prefix="teds_duckdb_") as spill,
        duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill}) as con,
    ):
        try:
            con.execute(
                "CREATE TABLE raw AS SELECT "
                + ", ".join(f'"{c}"' for c in dict.fromkeys(columns.values()))
                + f", {case_id} AS case_id FROM read_csv(?, delim = ?, header = true, "
                "auto_detect = false, columns = ?, quote = '\"', escape = '\"', encoding = ?)",
                [str(file.path), delimiter, dict.fromkeys(names, "VARCHAR"), encoding],
            )
        except duckdb.Error as exc:
            raise TedsFileError(f"{file.source}: not readable as CSV: {exc}") from None
        rows_read = con.execute("SELECT count(*) FROM raw").fetchone()[0]
        invalid, labelled = [], []
        for alias, column in columns.items():
            bad, is_labelled = _mapping(con, alias, column, file)
            invalid += bad
            if is_labelled:
                labelled.append(FRAME_COLUMNS[alias])
        select = ", ".join(
            f"map_{a}.code::{_SQL_TYPES.get(a, 'TINYINT')} AS {a}" for a in FRAME_COLUMNS
        )
        joins = " ".join(f'JOIN map_{a} ON raw."{c}" = map_{a}.value' for a, c in columns.items())
        frame = con.execute(f"SELECT {select} FROM raw {joins}").df()
    read = FileRead(
        source=file.source,
        member=file.member,
        encoding=encoding,
        delimiter=delimiter,
        sex_column=columns["sex"],
        labelled_variables=tuple(labelled),
        rows_read=rows_read,
        rows_valid=len(frame),
        years=tuple(sorted(set(frame["year"].tolist()))),
    )
    return frame, read, invalid


def read_discharges(location: str) -> TedsDischarges:
    """Every valid discharge of the file(s) at ``location``: a path or http(s) URL of a TEDS-D
    zip or data file, or a folder of them (one file per year; two files may not share a year)."""
    frames, reads, invalid = [], [], []
    for one in files_in(location):
        with local_file(one) as file:
            frame, read, bad = read_file(file)
        for earlier in reads:
            if shared := set(earlier.years) & set(read.years):
                raise TedsFileError(
                    f"{read.source} and {earlier.source} both hold discharges of "
                    f"{sorted(shared)}: keep one file per year"
                )
        frames.append(frame)
        reads.append(read)
        invalid += bad
    discharges = pd.concat(frames, ignore_index=True) if frames else empty_frame()
    return TedsDischarges(location, discharges, tuple(reads), tuple(invalid))
