"""Loading public.benchmark_trials: the project's loader side by side with plain COPY.

Each round, at each size, in fresh databases migrated from sql/ (same table, same indexes):

- COPY: one plain ``COPY ... FROM STDIN`` of the rows, pre-rendered as COPY text before the
  clock starts, into the empty table: what the database itself can take in;
- loader: ``upsert_frame`` in its own transaction (table lock; into an empty table one checked
  binary COPY straight in, otherwise staging COPY + MERGE), the shared loader of every table;
- load_trials: the trials asset's whole load (the loader plus its missing marks, row count and
  completeness check), timed from the frame it is given, as the asset calls it.

Each loader runs three steps on one database: first load into the empty table, the same frame
again (unchanged re-run), then the frame with 1% of the trials changed. Every step records its
rows written (tuples whose ``xmin`` is the step's), rows locked (visible tuples with ``xmax``
set afterwards), WAL (``pg_current_wal_insert_lsn()`` before and after), and the CPU seconds
of this process and of the server backend, which other work on the machine disturbs far less
than wall time.
"""

import datetime as dt
import io
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.copy import Copy, FileWriter

from benchmark_pipeline.lib.postgres.binary_copy import cell  # the loader's own conversion
from benchmark_pipeline.lib.postgres.staged_upsert import upsert_frame
from benchmark_pipeline.lib.trials.load import LOADED_COLUMNS, TRIALS_TABLE, load_trials
from benchmark_pipeline.lib.trials.records import TABLE_COLUMNS, build_trials
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.fakes import generate_study
from benchmarks import common

SIZES = (1_600, 100_000, 500_000)
QUICK_SIZES = (1_600, 100_000)
REPEATS = 5
SEED = 0
CHANGED_EVERY = 100  # 1% of the trials change between the re-run and the next load

# Targets, judged at JUDGED_SIZE rows (other sizes show the trend, without a verdict).
JUDGED_SIZE = 100_000
FIRST_VS_COPY = 0.95  # first load into an empty table, rows/s against plain COPY
CHANGED_VS_COPY = 0.8  # load into a populated table with 1% changed rows
RERUN_VS_FIRST = 0.35  # unchanged re-run's time against the first load's
RERUN_MAX_WAL_MB = 1.0

FIRST, RERUN, CHANGED = "first load", "unchanged re-run", "1% changed"


def trial_frame(count: int, seed: int = SEED) -> pd.DataFrame:
    """``count`` realistic trial rows (``TABLE_COLUMNS``), parsed from the fake's records.

    Records are generated one at a time and parsed as they come, so only the frame is held.
    """
    studies = (generate_study(i, seed)[0] for i in range(count))
    return build_trials({"psilocybin": studies}).frame[TABLE_COLUMNS]


def subset(frame: pd.DataFrame, count: int) -> pd.DataFrame:
    """``count`` rows spread over the whole key range, sorted as the loader receives them."""
    if count >= len(frame):
        return frame
    return frame.sample(count, random_state=SEED).sort_values("nct_id").reset_index(drop=True)


def changed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every ``CHANGED_EVERY``-th trial completed and updated a day later."""
    out = frame.copy()
    rows = out.index[::CHANGED_EVERY]
    out.loc[rows, "status"] = "COMPLETED"
    out.loc[rows, "last_update_date"] = [
        (d or dt.date(2020, 1, 1)) + dt.timedelta(days=1) for d in out.loc[rows, "last_update_date"]
    ]
    return out


def copy_text(uri: str, frame: pd.DataFrame) -> bytes:
    """The rows as the loader stages them (missing_since NULL), in COPY text format, rendered
    with psycopg's own dumpers without sending them."""
    staged = frame.assign(missing_since=None)[LOADED_COLUMNS]
    buffer = io.BytesIO()
    with psycopg.connect(uri) as conn, conn.cursor() as cur:
        with Copy(cur, writer=FileWriter(buffer)) as copy:
            for row in staged.itertuples(index=False, name=None):
                copy.write_row([cell(v) for v in row])
    return buffer.getvalue()


@dataclass(frozen=True)
class Step:
    size: int
    variant: str
    step: str
    seconds: float
    client_cpu: float
    server_cpu: float
    inserted: int | None  # as the load reports them
    updated: int | None
    written: int
    locked: int
    wal_bytes: int


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the local server process ``pid`` so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measured(
    conn: psycopg.Connection, size: int, variant: str, step: str, load: Callable[[], object]
) -> Step:
    """Run ``load`` (returning (inserted, updated) or None) and measure it."""
    next_xid, lsn = conn.execute(
        "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint,"
        " pg_current_wal_insert_lsn()::text"
    ).fetchone()
    pid = conn.info.backend_pid
    server, client, started = _backend_cpu(pid), time.process_time(), time.perf_counter()
    counts = load()
    seconds = time.perf_counter() - started
    client, server = time.process_time() - client, _backend_cpu(pid) - server
    wal = conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", [lsn])
    wal_bytes = int(wal.fetchone()[0])
    written, locked = conn.execute(
        "SELECT count(*) FILTER (WHERE xmin::text::bigint >= %s),"
        " count(*) FILTER (WHERE xmax::text <> '0') FROM public.benchmark_trials",
        [next_xid],
    ).fetchone()
    inserted, updated = counts or (None, None)
    if counts is not None:
        assert inserted + updated == written, (variant, step, counts, written)
    return Step(
        size, variant, step, seconds, client, server, inserted, updated, written, locked, wal_bytes
    )


def run_copy(uri: str, size: int, data: bytes) -> Step:
    cols = sql.SQL(", ").join(map(sql.Identifier, LOADED_COLUMNS))
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(*TRIALS_TABLE.split(".")), cols
    )
    with common.fresh_database(uri, "copy") as dsn, psycopg.connect(dsn, autocommit=True) as conn:

        def copy() -> None:
            with conn.cursor().copy(statement) as cp:
                for start in range(0, len(data), 1 << 20):
                    cp.write(data[start : start + (1 << 20)])

        common.checkpoint(uri)
        step = _measured(conn, size, "COPY", FIRST, copy)
    assert step.written == size, step
    return step


# The same loader on a table without migration 069's trigger: no fingerprints are computed or
# kept, so every load stages and compares every row. Shown for what the fingerprints cost a
# first load and save a re-run; not judged against the targets.
UNWATCHED = "loader, no fingerprints"


def _upsert(conn: psycopg.Connection, frame: pd.DataFrame) -> tuple[int, int]:
    staged = frame.assign(missing_since=None)
    with conn.transaction():
        counts = upsert_frame(conn, TRIALS_TABLE, staged, key=["nct_id"], columns=LOADED_COLUMNS)
    return counts.inserted, counts.updated


def _load_trials(conn: psycopg.Connection, frame: pd.DataFrame) -> tuple[int, int]:
    result = load_trials(conn, frame)
    return result.inserted, result.updated


LOADERS = {"loader": _upsert, "load_trials": _load_trials, UNWATCHED: _upsert}


def run_loader(uri: str, variant: str, frame: pd.DataFrame) -> list[Step]:
    """First load, unchanged re-run, 1% changed, in that order on one database. Before the later
    two, VACUUM (ANALYZE): the week between two refreshes gives autovacuum time to visit the
    table, so a step pays neither for its predecessor's dead tuples nor for hint bits."""
    load = LOADERS[variant]
    steps = []
    with common.fresh_database(uri, "load") as dsn:
        with PostgresResource(database_url=dsn).connect(autocommit=True) as conn:
            if variant == UNWATCHED:
                conn.execute(
                    "DROP TRIGGER benchmark_trials_forget_fingerprints ON public.benchmark_trials"
                )
            for step, data in ((FIRST, frame), (RERUN, frame), (CHANGED, changed(frame))):
                if step != FIRST:
                    conn.execute("VACUUM (ANALYZE) public.benchmark_trials")
                common.checkpoint(uri)
                steps.append(
                    _measured(conn, len(frame), variant, step, lambda d=data: load(conn, d))
                )
    return steps


def measure(uri: str, sizes: tuple[int, ...]) -> list[list[Step]]:
    """``REPEATS`` rounds at every size; each round is every variant and step once."""
    print(f"generating and parsing {max(sizes):,} trial records ...", flush=True)
    gen_s, full = common.timed(lambda: trial_frame(max(sizes)))
    print(f"  {gen_s:.1f} s", flush=True)
    rounds = []
    for size in sizes:
        frame = subset(full, size)
        data = copy_text(uri, frame)
        for n in range(REPEATS):
            steps = [run_copy(uri, size, data)]
            for variant in LOADERS:
                steps += run_loader(uri, variant, frame)
            rounds.append(steps)
            brief = ", ".join(f"{s.variant} {s.step} {s.seconds:.3f} s" for s in steps)
            print(f"{size:,} rows, round {n + 1}: {brief}", flush=True)
    return rounds


def _median_ratio(rounds: list[list[Step]], size: int, top: tuple, bottom: tuple) -> float:
    """Median over rounds of seconds(``top``) / seconds(``bottom``), each within one round:
    the two were measured minutes apart at most, under the same load on the machine."""
    ratios = []
    for steps in rounds:
        by = {(s.variant, s.step): s for s in steps if s.size == size}
        if by:
            ratios.append(by[top].seconds / by[bottom].seconds)
    return statistics.median(ratios)


def _typical(rounds: list[list[Step]], size: int, variant: str, step: str) -> Step:
    """Of the rounds, the step with the median time (its counts and WAL with it)."""
    runs = sorted(
        (
            s
            for steps in rounds
            for s in steps
            if (s.size, s.variant, s.step) == (size, variant, step)
        ),
        key=lambda s: s.seconds,
    )
    return runs[len(runs) // 2]


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(rounds: list[list[Step]], command: str) -> None:
    sizes = sorted({s.size for steps in rounds for s in steps})
    keys = [("COPY", FIRST)] + [(v, step) for v in LOADERS for step in (FIRST, RERUN, CHANGED)]
    rows = []
    for size in sizes:
        for variant, step in keys:
            s = _typical(rounds, size, variant, step)
            vs_copy = 1 / _median_ratio(rounds, size, (variant, step), ("COPY", FIRST))
            rows.append(
                [
                    common.fmt_int(size),
                    variant,
                    "into the empty table" if variant == "COPY" else step,
                    common.fmt_s(s.seconds),
                    common.fmt_ratio(vs_copy),
                    f"{s.client_cpu:.2f}",
                    f"{s.server_cpu:.2f}",
                    "-" if s.inserted is None else f"{s.inserted:,} / {s.updated:,}",
                    common.fmt_int(s.written),
                    common.fmt_int(s.locked),
                    f"{s.wal_bytes / 1e6:.2f}",
                ]
            )
    headers = [
        "rows",
        "variant",
        "step",
        "seconds",
        "vs COPY",
        "client CPU s",
        "server CPU s",
        "inserted / updated",
        "rows written",
        "rows locked",
        "WAL MB",
    ]
    table = common.md_table(headers, rows)
    targets = common.md_table(["variant", "target", "measured", "verdict"], _targets(rounds))
    print("\n" + table + "\n\n" + targets + "\n")
    body = "\n".join(
        [
            common.section_header("Loading public.benchmark_trials", command),
            "Each round, at each size: plain `COPY` of pre-rendered COPY text into the empty "
            "table of a fresh database (the database's own limit); then each loader into a "
            "fresh database of its own: first load into the empty table, the same frame again "
            "(unchanged re-run), the frame with 1% of the trials changed (status and last "
            f"update date of every {CHANGED_EVERY}th). `loader` is `upsert_frame` in its own "
            "transaction: table lock, then into an empty table one checked binary COPY "
            "straight in (its rows hashed as they are sent: their fingerprints, kept), otherwise "
            "only the rows whose fingerprint changed are staged and merged (`MERGE`). "
            "`loader, no fingerprints` is the same loader on a table without migration 069's "
            "trigger, so it keeps no fingerprints and stages and compares every row: what the "
            "fingerprints cost a first load and save a re-run. `load_trials` is the "
            "trials asset's whole load: the same loader plus its missing marks, row count and "
            "completeness check. Before the re-run and the 1% load, `VACUUM (ANALYZE)` and "
            "a `CHECKPOINT`, as the week between two refreshes leaves the table. "
            f"{REPEATS} rounds: seconds and counts are from the round with the median time; "
            "`vs COPY` and the target ratios are medians of ratios taken within one round. "
            "Rows written: tuples whose `xmin` is the step's; rows locked: visible tuples "
            "with `xmax` set after the step; WAL from `pg_current_wal_insert_lsn()` before "
            "and after; CPU seconds of this process and of its server backend.",
            "",
            table,
            "",
            f"Targets, judged at {JUDGED_SIZE:,} rows:",
            "",
            targets,
        ]
    )
    common.write_section("load", body)


def _targets(rounds: list[list[Step]]) -> list[list[str]]:
    if not any(s.size == JUDGED_SIZE for steps in rounds for s in steps):
        return [["-", "(no run at the judged size)", "-", "-"]]
    rows = []
    for variant in LOADERS:
        first_vs_copy = _median_ratio(rounds, JUDGED_SIZE, ("COPY", FIRST), (variant, FIRST))
        moved_vs_copy = _median_ratio(rounds, JUDGED_SIZE, ("COPY", FIRST), (variant, CHANGED))
        rerun_vs_first = _median_ratio(rounds, JUDGED_SIZE, (variant, RERUN), (variant, FIRST))
        rerun = _typical(rounds, JUDGED_SIZE, variant, RERUN)
        wal_mb = rerun.wal_bytes / 1e6
        checks = [
            (
                f"first load into an empty table ≥ {FIRST_VS_COPY}× plain COPY",
                common.fmt_ratio(first_vs_copy),
                first_vs_copy >= FIRST_VS_COPY,
            ),
            (
                f"populated table, 1% changed, ≥ {CHANGED_VS_COPY}× plain COPY",
                common.fmt_ratio(moved_vs_copy),
                moved_vs_copy >= CHANGED_VS_COPY,
            ),
            (
                f"unchanged re-run ≤ {RERUN_VS_FIRST}× the first load's time",
                common.fmt_ratio(rerun_vs_first),
                rerun_vs_first <= RERUN_VS_FIRST,
            ),
            (
                "unchanged re-run: rows updated / written / locked all 0",
                f"{rerun.updated} / {rerun.written} / {rerun.locked}",
                rerun.updated == rerun.written == rerun.locked == 0,
            ),
            (
                f"unchanged re-run: ≤ {RERUN_MAX_WAL_MB:.0f} MB of WAL",
                f"{wal_mb:.2f} MB",
                wal_mb <= RERUN_MAX_WAL_MB,
            ),
        ]
        rows += [[variant, target, measured, _met(ok)] for target, measured, ok in checks]
    return rows


def run(uri: str, *, quick: bool, command: str) -> None:
    report(measure(uri, QUICK_SIZES if quick else SIZES), command)


if __name__ == "__main__":
    common.standalone(run, __doc__.splitlines()[0])
