"""Row fingerprints: what each loaded row held, so a refresh sends only the rows that changed.

A fingerprint is a 64-bit hash of a row's loaded values, computed column by column with pandas'
``hash_array`` (SipHash with a fixed key: the same values give the same fingerprint in every
process). After each load the table's keys and fingerprints are kept in
``benchmark_pipeline.load_fingerprints``; the next load stages and merges only the rows whose
key is new or whose fingerprint differs. A write to the table that did not come from a load
(the SQL editor, the API's service role) fires a trigger that forgets the table's fingerprints,
so the next load compares every row again: the cache can make a load faster, never wrong.
"""

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
import psycopg
from pandas.util import hash_array

FINGERPRINTS_TABLE = "benchmark_pipeline.load_fingerprints"
# The setting a load holds for its transaction; the trigger leaves fingerprints alone while it
# names the table being written.
LOADING_SETTING = "benchmark_pipeline.loading"
_MIX = np.uint64(0x100000001B3)  # FNV-1 prime: each column's hash stirred into the row's
_NONE = type(None)
CHUNK_ROWS = 10_000
# NULL's hash in every column, whatever the column holds otherwise: a value's hash never
# depends on the other values of its chunk.
_NULL = np.uint64(0x9E3779B97F4A7C15)


def _list_hash(values: list[list | None]) -> np.ndarray:
    """Lists of text, vectorized: every element hashed at once, then each list's element hashes
    summed with a weight per position, and its length stirred in ([] and [""] and ["a", "b"] and
    ["b", "a"] all differ)."""
    sizes = np.fromiter((0 if v is None else len(v) for v in values), np.int64, len(values))
    flat = [item for v in values if v for item in v]
    elements = hash_array(np.array(flat, dtype=object), categorize=False)
    starts = np.cumsum(sizes) - sizes
    positions = np.arange(len(flat)) - np.repeat(starts, sizes)
    weighted = elements * (_MIX ** (positions.astype(np.uint64) + np.uint64(1)))
    summed = np.zeros(len(values), dtype=np.uint64)
    filled = sizes > 0
    if filled.any():
        summed[filled] = np.add.reduceat(weighted, starts[filled])
    return (summed ^ sizes.astype(np.uint64)) * _MIX


def _ints(values: list[object]) -> np.ndarray | None:
    try:
        return np.array([0 if v is None else v for v in values], dtype=np.int64)
    except OverflowError:  # beyond int64: hashed through their text instead
        return None


def _column_hash(values: list[object]) -> np.ndarray:
    """One uint64 per value; NULL, and each type's values, hash apart."""
    types = set(map(type, values))
    kinds = types - {_NONE}
    if not kinds:
        return np.full(len(values), _NULL, dtype=np.uint64)
    if kinds <= {str}:
        hashed = hash_array(np.array(values, dtype=object))
    elif kinds <= {list}:
        hashed = _list_hash(values)
    elif kinds <= {bool}:
        hashed = hash_array(np.array([v is True for v in values], dtype=np.int64))
    elif kinds <= {int} and (ints := _ints(values)) is not None:
        hashed = hash_array(ints)
    elif kinds <= {dt.date}:
        ordinal = [0 if v is None else v.toordinal() for v in values]
        hashed = hash_array(np.array(ordinal, dtype=np.int64))
    else:  # datetimes, numbers, mixed: their exact text (Decimal and float keep their digits)
        text = [None if v is None else f"{type(v).__name__}:{v!r}" for v in values]
        hashed = hash_array(np.array(text, dtype=object))
    if _NONE not in types:
        return hashed
    return np.where(np.fromiter((v is None for v in values), bool, len(values)), _NULL, hashed)


def _python_values(series: pd.Series) -> list[object]:
    values = series.tolist()
    if set(map(type, values)) <= {str, int, bool, list, dt.date, dt.datetime, Decimal, _NONE}:
        return values
    # pandas' missing markers become NULL, numpy scalars Python ones, as the loader sends them.
    return [
        None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v
        for v in (x.item() if hasattr(x, "item") else x for x in values)
    ]


def row_fingerprints(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """A uint64 fingerprint of each row of ``frame[columns]``, in order (computed
    ``CHUNK_ROWS`` rows at a time, so its working memory stays small beside the frame)."""
    fingerprint = np.zeros(len(frame), dtype=np.uint64)
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        part = fingerprint[start : start + CHUNK_ROWS]
        for position, column in enumerate(columns):
            hashed = _column_hash(_python_values(chunk[column]))
            part[:] = (part ^ hashed) * _MIX + np.uint64(position + 1)
    return fingerprint


def row_keys(frame: pd.DataFrame, key: Sequence[str]) -> list[str]:
    """Each row's key as one text (parts NUL-separated: no key text holds a NUL)."""
    parts = [frame[k].map(str).tolist() for k in key]
    return parts[0] if len(parts) == 1 else ["\x00".join(p) for p in zip(*parts, strict=True)]


@dataclass(frozen=True)
class Fingerprints:
    """A table's rows as of its last load: key -> fingerprint, for the columns loaded."""

    columns: tuple[str, ...]
    by_key: dict[str, int]


def watched(conn: psycopg.Connection, table: str) -> bool:
    """True when ``table`` has the trigger that drops its fingerprints on any write that is not
    a load (migration 069): only then may fingerprints stand in for comparing rows."""
    return conn.execute(
        "SELECT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = to_regclass(%s)"
        " AND tgfoid = to_regproc('benchmark_pipeline.forget_fingerprints') AND tgenabled <> 'D')",
        (table,),
    ).fetchone()[0]


def hold_table(conn: psycopg.Connection, table: str) -> None:
    """Mark this transaction's writes to ``table`` as a load's: the trigger keeps the
    fingerprints the load records."""
    conn.execute("SELECT set_config(%s, %s, true)", (LOADING_SETTING, table))


def recorded(conn: psycopg.Connection, table: str) -> Fingerprints | None:
    """The fingerprints recorded by the table's last load, if still valid."""
    row = conn.execute(
        f"SELECT columns, row_keys, fingerprints FROM {FINGERPRINTS_TABLE} WHERE table_name = %s",
        (table,),
    ).fetchone()
    if row is None:
        return None
    columns, keys, fingerprints = row
    values = np.frombuffer(fingerprints, dtype="<u8").tolist()
    return Fingerprints(tuple(columns), dict(zip(json.loads(keys), values, strict=True)))


def record(
    conn: psycopg.Connection,
    table: str,
    columns: Sequence[str],
    keys: list[str],
    fingerprints: np.ndarray,
) -> None:
    """Keep ``keys`` and ``fingerprints`` as what ``table`` now holds (inside the load's
    transaction: a rolled-back load records nothing)."""
    conn.execute(
        f"INSERT INTO {FINGERPRINTS_TABLE} (table_name, columns, row_keys, fingerprints)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT (table_name) DO UPDATE SET columns ="
        " EXCLUDED.columns, row_keys = EXCLUDED.row_keys, fingerprints = EXCLUDED.fingerprints,"
        " recorded_at = now()",
        (
            table,
            list(columns),
            json.dumps(keys, ensure_ascii=False).encode(),
            fingerprints.astype("<u8").tobytes(),
        ),
    )


def changed_rows(
    previous: Fingerprints | None,
    columns: Sequence[str],
    keys: list[str],
    fingerprints: np.ndarray,
) -> np.ndarray:
    """A boolean mask of the rows to stage: new keys and changed fingerprints (every row when
    nothing valid was recorded for these columns)."""
    if previous is None or previous.columns != tuple(columns):
        return np.ones(len(keys), dtype=bool)
    known = previous.by_key
    before = np.fromiter((known.get(k, 0) for k in keys), dtype=np.uint64, count=len(keys))
    seen = np.fromiter((k in known for k in keys), dtype=bool, count=len(keys))
    return ~seen | (before != fingerprints)
