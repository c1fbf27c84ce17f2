"""A frame COPYed into a table, every value checked strictly against its column's type first.

Binary COPY is psycopg's fastest path, but its dumpers trust the caller: an int too large for
``integer`` wraps around and any object becomes a ``boolean`` by truthiness. So every value is
checked here first, and one that does not fit its column stops the load with its column, row
and value named, instead of arriving as a different number. ``copy_frame`` is the one way a
load writes rows, into a staging table or straight into an empty target.
"""

import datetime as dt
import math
import struct
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from itertools import chain

import pandas as pd
import psycopg
from psycopg import sql

# psycopg's own row formatters (C), the ones Copy.write_row uses: not public API, so psycopg is
# pinned to the minor version they were read from (pyproject.toml), and test_binary_copy.py
# compares the encoder's data with Copy.write_row's byte for byte.
from psycopg._copy_base import format_row_binary, format_row_text
from psycopg.adapt import Dumper, Transformer
from psycopg.pq import Format

# PostgreSQL type OIDs (pg_type.oid; fixed for the built-in types).
BOOL, INT8, INT2, INT4, TEXT, VARCHAR, NUMERIC = 16, 20, 21, 23, 25, 1043, 1700
DATE, TIMESTAMP, TIMESTAMPTZ, TEXT_ARRAY, JSONB = 1082, 1114, 1184, 1009, 3802

_INT_BITS = {INT2: 16, INT4: 32, INT8: 64}
# Rows whose values are checked at a time: short enough (a few ms) that the server is still busy
# with the rows already sent when the next are ready.
CHUNK_ROWS = 1_000
# Sent as soon as this much is encoded (psycopg's own COPY buffer size): the server never waits
# long for its next rows.
SEND_BYTES = 32 * 1024
# Binary COPY's file header (signature, flags, header extension length) and trailer, from
# PostgreSQL's COPY documentation ("Binary Format").
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_TRAILER = (-1).to_bytes(2, "big", signed=True)
_NAMES = {
    BOOL: "boolean",
    INT8: "bigint",
    INT2: "smallint",
    INT4: "integer",
    TEXT: "text",
    VARCHAR: "text",
    NUMERIC: "numeric",
    DATE: "date",
    TIMESTAMP: "timestamp",
    TIMESTAMPTZ: "timestamptz",
    TEXT_ARRAY: "text[]",
    JSONB: "jsonb (JSON text)",
}


class StagingValueError(ValueError):
    """A value does not fit its column's type; nothing of the load was written."""


def _fits_int(bits: int) -> Callable[[object], bool]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return lambda v: type(v) is int and low <= v <= high


def _is_number(v: object) -> bool:
    if type(v) is float:
        return math.isfinite(v)
    return type(v) in (int, Decimal)


def _is_text_list(v: object) -> bool:
    return type(v) is list and all(item is None or type(item) is str for item in v)


_FITS: dict[int, Callable[[object], bool]] = {
    BOOL: lambda v: type(v) is bool,
    TEXT: lambda v: type(v) is str,
    VARCHAR: lambda v: type(v) is str,
    NUMERIC: _is_number,
    DATE: lambda v: type(v) is dt.date,
    TIMESTAMP: lambda v: type(v) is dt.datetime and v.tzinfo is None,
    TIMESTAMPTZ: lambda v: type(v) is dt.datetime and v.tzinfo is not None,
    TEXT_ARRAY: _is_text_list,
    JSONB: lambda v: type(v) is str,
    **{oid: _fits_int(bits) for oid, bits in _INT_BITS.items()},
}


def supports(oids: list[int]) -> bool:
    """True when every column type has a strict check here (else use text COPY)."""
    return all(oid in _FITS for oid in oids)


# Per type, the Python types a value may have: checked for a whole column at C speed first.
_TYPES: dict[int, set[type]] = {
    BOOL: {bool},
    TEXT: {str},
    VARCHAR: {str},
    NUMERIC: {int, float, Decimal},
    DATE: {dt.date},
    TIMESTAMP: {dt.datetime},
    TIMESTAMPTZ: {dt.datetime},
    TEXT_ARRAY: {list},
    JSONB: {str},
    **{oid: {int} for oid in _INT_BITS},
}
_NONE = type(None)


def _all_fit(oid: int, values: list[object]) -> bool:
    """Whole-column check; False sends the column through the per-value search for the culprit."""
    if not set(map(type, values)) - {_NONE} <= _TYPES[oid]:
        return False
    if oid in (BOOL, TEXT, VARCHAR, DATE, JSONB):
        return True  # the exact type is all there is to check
    if oid == TEXT_ARRAY:  # every element of every list (None and [] add none)
        return set(map(type, chain.from_iterable(filter(None, values)))) <= {str, _NONE}
    present = [v for v in values if v is not None]
    if oid in _INT_BITS:
        bits = _INT_BITS[oid]
        return not present or (
            -(2 ** (bits - 1)) <= min(present) and max(present) < 2 ** (bits - 1)
        )
    if oid == NUMERIC:
        return all(map(_is_number, present))
    if oid in (TIMESTAMP, TIMESTAMPTZ):
        return all(map(_FITS[oid], present))
    return True


def column_values(column: str, oid: int, values: list[object], first_row: int = 0) -> list[object]:
    """``values`` checked against the column type ``oid``; numerics become exact Decimals.

    ``None`` is NULL. Raises ``StagingValueError`` naming the column, the row (counted from
    ``first_row``) and the value.
    """
    if not _all_fit(oid, values):
        fits = _FITS[oid]
        row, value = next(
            (first_row + i, v) for i, v in enumerate(values) if v is not None and not fits(v)
        )
        raise StagingValueError(
            f"column {column!r}, row {row}: {value!r} ({type(value).__name__}) "
            f"is not a valid {_NAMES[oid]} value"
        )
    if oid == NUMERIC:
        # str() first: Decimal(22.8) would keep the float's binary error (22.80000000000000071...).
        return [None if v is None else Decimal(str(v)) for v in values]
    return values


_ARRAY_HEADER = struct.Struct("!iiiii")  # ndim, has NULL, element oid, length, lower bound
_ONE_TEXT_HEADER = _ARRAY_HEADER.pack(1, 0, TEXT, 1, 1)
_EMPTY_TEXT_ARRAY = struct.pack("!iii", 0, 0, TEXT)
_NULL_ELEMENT = b"\xff\xff\xff\xff"
_LENGTH = struct.Struct("!i").pack


class TextArrayBinaryDumper(Dumper):
    """A list of str (or None) as a binary ``text[]``, for lists already checked above.

    psycopg's own list dumper works out dimensions and element types for every list; this one
    writes PostgreSQL's one-dimensional array format directly, several times faster (most
    lists hold one element: a modality, a condition, a country). Rows often share one list
    object (the same conditions, the same countries): each is encoded once per COPY, while the
    frame holding it keeps its identity.
    """

    format = Format.BINARY
    oid = TEXT_ARRAY

    def __init__(self, cls: type, context: object = None) -> None:
        super().__init__(cls, context)
        self._encoded: dict[int, tuple[list, bytes]] = {}

    def dump(self, obj: list) -> bytes:
        known = self._encoded.get(id(obj))
        if known is not None and known[0] is obj:
            return known[1]
        data = _text_array(obj)
        self._encoded[id(obj)] = (obj, data)
        return data


def _text_array(obj: list) -> bytes:
    if len(obj) == 1 and obj[0] is not None:
        data = obj[0].encode()
        return _ONE_TEXT_HEADER + _LENGTH(len(data)) + data
    if not obj:
        return _EMPTY_TEXT_ARRAY
    parts = [_ARRAY_HEADER.pack(1, None in obj, TEXT, len(obj), 1)]
    for item in obj:
        if item is None:
            parts.append(_NULL_ELEMENT)
        else:
            data = item.encode()
            parts += (_LENGTH(len(data)), data)
    return b"".join(parts)


class _JsonText(str):
    """Never instantiated: the Python type ``JsonTextBinaryDumper`` is registered under, so that
    only its OID (what a typed COPY looks dumpers up by) reaches it."""


class JsonTextBinaryDumper(Dumper):
    """JSON already serialized as text, as a binary ``jsonb``: its format version (1), then the
    text. The server parses it and refuses text that is not JSON."""

    format = Format.BINARY
    oid = JSONB

    def dump(self, obj: str) -> bytes:
        return b"\x01" + obj.encode()


# Exact types that ``cell`` passes through unchanged (a list only as an equal copy). Nearly
# every cell of a frame is one of them, and skipping the call for them halves the time of
# encoding a large frame.
_AS_IS = frozenset({str, int, bool, dt.date, dt.datetime, type(None), list})


def _column_cells(values: list[object]) -> list[object]:
    """``cell`` over one column, calling it only for values it would change."""
    as_is = _AS_IS
    if set(map(type, values)) <= as_is:
        return values  # the usual case, decided at C speed
    return [v if type(v) in as_is else cell(v) for v in values]


def cell(value: object) -> object:
    """pandas' missing markers become NULL; numpy scalars become Python ones.

    A whole float becomes an int: pandas stores an integer column with gaps as float, and
    PostgreSQL's integer input refuses "1.0" (numeric columns take "1" just as well).
    """
    if isinstance(value, list | tuple):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
        if isinstance(value, list):
            return value
    if value is None or pd.isna(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class RowEncoder:
    """``frame[columns]`` as COPY data for the table ``target``, typed by its own columns.

    Binary COPY when every column type has a strict check above (each value checked first:
    ``StagingValueError`` naming column, row and value), else text COPY, where the server
    parses and refuses. Rows are formatted by psycopg's own row formatter, the one
    ``Copy.write_row`` uses, one at a time, so the data can be sent as it is encoded and each
    row's bytes, exactly what the server receives, can be kept (``fingerprints.py`` hashes them).
    """

    def __init__(
        self, conn: psycopg.Connection, target: sql.Composable, columns: Sequence[str]
    ) -> None:
        cols = sql.SQL(", ").join(map(sql.Identifier, columns))
        described = conn.execute(sql.SQL("SELECT {} FROM {} LIMIT 0").format(cols, target))
        self.columns = list(columns)
        self.oids = [c.type_code for c in described.description]
        self.binary = supports(self.oids)
        self.cursor = conn.cursor()
        if self.binary:
            self.cursor.adapters.register_dumper(list, TextArrayBinaryDumper)
            self.cursor.adapters.register_dumper(_JsonText, JsonTextBinaryDumper)
            options = sql.SQL(" (FORMAT BINARY)")
        else:
            options = sql.SQL("")
        self.statement = sql.SQL("COPY {} ({}) FROM STDIN{}").format(target, cols, options)
        self._transformer = Transformer(self.cursor)
        if self.binary:  # as Copy.set_types; text rows are dumped by their Python types
            self._transformer.set_dumper_types(self.oids, Format.BINARY)
        self._format_row = format_row_binary if self.binary else format_row_text

    def _chunk_values(self, chunk: pd.DataFrame, first_row: int) -> list[list[object]]:
        # By column: Series.tolist() is far cheaper than itertuples() over extension arrays.
        values = [_column_cells(chunk.iloc[:, i].tolist()) for i in range(chunk.shape[1])]
        if not self.binary:
            return values
        return [
            column_values(c, o, v, first_row)
            for c, o, v in zip(self.columns, self.oids, values, strict=True)
        ]

    def pieces(
        self, frame: pd.DataFrame, keep_rows: Callable[[list[bytes]], None] | None = None
    ) -> Iterator[bytes | bytearray]:
        """The COPY data of ``frame[columns]``, about ``SEND_BYTES`` at a time (binary: header
        first, trailer last). With ``keep_rows``, it is given each piece's rows, one bytes
        object a row, before the piece is yielded.

        Values are checked ``CHUNK_ROWS`` rows at a time, so only one chunk's values are held
        beside the frame; a value that does not fit stops the data before its chunk's rows.
        """
        selected = frame[self.columns]
        format_row, transformer = self._format_row, self._transformer
        if self.binary:
            yield _SIGNATURE
        for start in range(0, len(selected), CHUNK_ROWS):
            values = self._chunk_values(selected.iloc[start : start + CHUNK_ROWS], start)
            out, ends = bytearray(), []
            for row in zip(*values, strict=True):
                format_row(row, transformer, out)
                ends.append(len(out))
                if len(out) >= SEND_BYTES:
                    yield _handed(out, ends, keep_rows)
                    out, ends = bytearray(), []
            if ends:
                yield _handed(out, ends, keep_rows)
        if self.binary:
            yield _TRAILER


def _handed(
    out: bytearray, ends: list[int], keep_rows: Callable[[list[bytes]], None] | None
) -> bytearray:
    """``out``, a piece ready to send, after giving ``keep_rows`` its rows (``ends``: where
    each row ends in it)."""
    if keep_rows is not None:
        view = memoryview(out)
        keep_rows([view[s:e].tobytes() for s, e in zip([0, *ends], ends, strict=False)])
        view.release()
    return out


def copy_frame(
    conn: psycopg.Connection,
    target: sql.Composable,
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    keep_rows: Callable[[list[bytes]], None] | None = None,
) -> int:
    """COPY ``frame[columns]`` into the table ``target``; return the number of rows written.

    Values are typed and checked by ``RowEncoder``; the caller's transaction keeps nothing of a
    COPY that fails. Columns not named take their defaults. Each piece is sent as soon as it is
    encoded, so the server inserts and indexes the first rows while the next are encoded (a
    sending thread would fight this one for the interpreter and slow both). ``keep_rows`` is
    given the rows' encoded bytes as they go (``RowEncoder.pieces``).
    """
    encoder = RowEncoder(conn, target, columns)
    with encoder.cursor.copy(encoder.statement) as copy:
        for piece in encoder.pieces(frame, keep_rows):
            copy.write(piece)
    return len(frame)
