"""Row fingerprints: what each loaded row held, so a refresh sends only the rows that changed.

A row's fingerprint is a 64-bit hash (pandas' ``hash_array``: SipHash with a fixed key, the
same in every process) of the row exactly as the loader sends it: its COPY encoding, typed by
the table's own columns (``binary_copy.RowEncoder``). Two rows get the same fingerprint only
when they send the same bytes, and so store the same values (but for a 2**-64 chance); some
rows that would store the same values send different bytes (JSON text spaced differently), and
are merely compared in the database. ``1.5`` and ``Decimal("1.50")`` differ (numeric keeps its
scale), NULL and ``""`` differ, ``[]`` and ``[""]`` differ. A first load hashes the bytes it
sends anyway, so keeping the fingerprints costs it little.

After each load the table's keys and fingerprints are kept in
``benchmark_pipeline.load_fingerprints``; the next load stages and merges only the rows whose
key is new or whose fingerprint differs. A write to the table that did not come from a load
(the SQL editor, the API's service role) fires a trigger that forgets the table's fingerprints,
so the next load compares every row again: the cache can make a load faster, never wrong.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import psycopg
from pandas.util import hash_array
from psycopg import sql

from benchmark_pipeline.lib.postgres.binary_copy import RowEncoder

FINGERPRINTS_TABLE = "benchmark_pipeline.load_fingerprints"
# The setting a load holds for its transaction; the trigger leaves fingerprints alone while it
# names the table being written.
LOADING_SETTING = "benchmark_pipeline.loading"
HASH_ROWS = 5_000  # rows hashed at a time: the encoded rows waiting for it stay a few MB


class RowHashes:
    """Collects encoded rows (``RowEncoder.pieces``' ``keep_rows``) and hashes them,
    ``HASH_ROWS`` at a time; ``fingerprints()`` gives one uint64 a row, in order."""

    def __init__(self) -> None:
        self._waiting: list[bytes] = []
        self._hashed: list[np.ndarray] = []

    def __call__(self, rows: list[bytes]) -> None:
        self._waiting += rows
        if len(self._waiting) >= HASH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._waiting:
            self._hashed.append(hash_array(np.array(self._waiting, dtype=object), categorize=False))
            self._waiting = []

    def fingerprints(self) -> np.ndarray:
        self._flush()
        return np.concatenate(self._hashed) if self._hashed else np.empty(0, dtype=np.uint64)


def row_fingerprints(
    conn: psycopg.Connection, table: str, frame: pd.DataFrame, columns: Sequence[str]
) -> np.ndarray:
    """A uint64 fingerprint of each row of ``frame[columns]``, in order, as loaded into
    ``table``: its rows encoded as a COPY into it would send them (and checked the same way),
    nothing sent."""
    encoder = RowEncoder(conn, sql.Identifier(*table.split(".")), columns)
    hashes = RowHashes()
    for _ in encoder.pieces(frame, hashes):
        pass
    return hashes.fingerprints()


def _texts(values: list[object]) -> list[str]:
    if set(map(type, values)) <= {str}:  # the usual key, decided at C speed
        return values
    return [str(v) for v in values]


def row_keys(frame: pd.DataFrame, key: Sequence[str]) -> list[str]:
    """Each row's key as one text (parts NUL-separated: no key text holds a NUL)."""
    parts = [_texts(frame[k].tolist()) for k in key]
    return parts[0] if len(parts) == 1 else ["\x00".join(p) for p in zip(*parts, strict=True)]


@dataclass(frozen=True, eq=False)
class Fingerprints:
    """A table's rows as of its last load: their keys and fingerprints, in the order loaded,
    for the columns loaded."""

    columns: tuple[str, ...]
    keys: list[str]
    values: np.ndarray

    @cached_property
    def by_key(self) -> dict[str, int]:
        return dict(zip(self.keys, self.values.tolist(), strict=True))


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
    values = np.frombuffer(fingerprints, dtype="<u8").astype(np.uint64)
    return Fingerprints(tuple(columns), json.loads(keys), values)


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
    if previous.keys == keys:  # the usual refresh: the same trials in the same order
        return previous.values != fingerprints
    known = previous.by_key
    before = np.fromiter((known.get(k, 0) for k in keys), dtype=np.uint64, count=len(keys))
    seen = np.fromiter((k in known for k in keys), dtype=bool, count=len(keys))
    return ~seen | (before != fingerprints)
