"""Load throughput into public.benchmark_trials, and an unchanged re-run of the project's loader.

Variants, each into a fresh database migrated from sql/ (same table, same indexes):

- loader: ``trials_load.load_trials`` (COPY into a staging table, one
  INSERT ... ON CONFLICT DO UPDATE ... WHERE IS DISTINCT FROM), timed from the frame it is
  given, as the asset calls it;
- COPY: one plain ``COPY ... FROM STDIN`` of the same rows, pre-rendered as COPY text before the
  clock starts, so it measures what the database itself can take in;
- old: the replaced scripts' way, 50 rows per request, ``INSERT ... ON CONFLICT (nct_id) DO
  NOTHING``, one statement and one commit per batch over one kept-open connection (the best
  case of a REST upsert, whose server pools its connections), without sleeps;
- old + sleeps: the same with the scripts' 0.2 s sleep after every batch; measured where it
  fits the time budget, otherwise computed as (old, no sleeps) + batches × 0.2 s and labelled so.
"""

import io
import math
import time
from dataclasses import dataclass

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.copy import Copy, FileWriter

from benchmark_pipeline.lib.postgres.binary_copy import cell  # the loader's own conversion
from benchmark_pipeline.lib.trials.load import LOADED_COLUMNS, TRIALS_TABLE, load_trials
from benchmark_pipeline.lib.trials.records import TABLE_COLUMNS, build_trials
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.fakes import generate_study
from benchmarks import common

SIZES = (1_600, 100_000, 500_000)
QUICK_SIZES = (1_600, 100_000)
OLD_BATCH = 50
OLD_SLEEP_S = 0.2
# Measure the sleeping variant for real only when it should finish within this many seconds.
SLEEP_BUDGET_S = 420.0
SEED = 0

TARGET_VS_COPY = 0.5
TARGET_VS_OLD = 2.5
TARGET_VS_OLD_SLEEPS = 100.0


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


def python_rows(frame: pd.DataFrame) -> list[list[object]]:
    """The frame as the values the loader stages (``LOADED_COLUMNS``, missing_since NULL)."""
    staged = frame.assign(missing_since=None)[LOADED_COLUMNS]
    return [[cell(v) for v in row] for row in staged.itertuples(index=False, name=None)]


def copy_text(conn: psycopg.Connection, rows: list[list[object]]) -> bytes:
    """Render ``rows`` in COPY text format with psycopg's own dumpers, without sending them."""
    buffer = io.BytesIO()
    with conn.cursor() as cur, Copy(cur, writer=FileWriter(buffer)) as copy:
        for row in rows:
            copy.write_row(row)
    return buffer.getvalue()


@dataclass
class Measure:
    size: int
    variant: str
    seconds: float
    computed: bool = False

    @property
    def rows_per_s(self) -> float:
        return self.size / self.seconds


@dataclass
class Rerun:
    size: int
    first_s: float
    rerun_s: float
    loader_updated: int
    loader_inserted: int
    n_tup_upd: int
    n_tup_ins: int


def _stats(conn: psycopg.Connection) -> tuple[int, int, int]:
    """(n_tup_ins, n_tup_upd, seq_scan) of the trials table, as the statistics system has them."""
    return conn.execute(
        "SELECT n_tup_ins, n_tup_upd, seq_scan FROM pg_stat_user_tables "
        "WHERE relid = 'public.benchmark_trials'::regclass"
    ).fetchone()


def _wait_for_stats(dsn: str, ready, timeout: float = 10.0) -> tuple[int, int, int]:
    """Poll the statistics until ``ready(stats)``: a backend reports its counts when idle."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn, autocommit=True) as conn:
        while True:
            stats = _stats(conn)
            if ready(stats) or time.monotonic() > deadline:
                return stats
            time.sleep(0.05)


def run_loader(uri: str, frame: pd.DataFrame) -> tuple[Measure, Rerun]:
    """First load into an empty table, then the same frame again (nothing should change)."""
    size = len(frame)
    with common.fresh_database(uri, "loader") as dsn:
        postgres = PostgresResource(database_url=dsn)
        with postgres.connect(autocommit=True) as conn:
            common.checkpoint(uri)
            first_s, first = common.timed(lambda: load_trials(conn, frame))
            assert first.inserted == size, first
            conn.execute("SELECT pg_stat_force_next_flush()")
        before = _wait_for_stats(dsn, lambda s: s[0] >= size)
        with postgres.connect(autocommit=True) as conn:
            common.checkpoint(uri)
            rerun_s, again = common.timed(lambda: load_trials(conn, frame))
            conn.execute("SELECT pg_stat_force_next_flush()")
        # The re-run's row count scans the table once, so seq_scan moving means its counts arrived.
        after = _wait_for_stats(dsn, lambda s: s[2] > before[2])
    return Measure(size, "loader", first_s), Rerun(
        size=size,
        first_s=first_s,
        rerun_s=rerun_s,
        loader_updated=again.updated,
        loader_inserted=again.inserted,
        n_tup_upd=after[1] - before[1],
        n_tup_ins=after[0] - before[0],
    )


def run_copy(uri: str, rows: list[list[object]]) -> Measure:
    cols = sql.SQL(", ").join(map(sql.Identifier, LOADED_COLUMNS))
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(*TRIALS_TABLE.split(".")), cols
    )
    with common.fresh_database(uri, "copy") as dsn, psycopg.connect(dsn, autocommit=True) as conn:
        data = copy_text(conn, rows)
        chunk = 1 << 20

        def copy() -> None:
            with conn.cursor().copy(statement) as cp:
                for start in range(0, len(data), chunk):
                    cp.write(data[start : start + chunk])

        common.checkpoint(uri)
        seconds, _ = common.timed(copy)
        loaded = conn.execute("SELECT count(*) FROM public.benchmark_trials").fetchone()[0]
    assert loaded == len(rows), (loaded, len(rows))
    return Measure(len(rows), "COPY", seconds)


def _insert_statement(count: int) -> sql.Composed:
    row = sql.SQL("({})").format(sql.SQL(", ").join(sql.Placeholder() * len(LOADED_COLUMNS)))
    return sql.SQL("INSERT INTO {} ({}) VALUES {} ON CONFLICT (nct_id) DO NOTHING").format(
        sql.Identifier(*TRIALS_TABLE.split(".")),
        sql.SQL(", ").join(map(sql.Identifier, LOADED_COLUMNS)),
        sql.SQL(", ").join([row] * count),
    )


def run_old(uri: str, rows: list[list[object]], *, sleep_s: float = 0.0) -> Measure:
    """50-row batches, each its own statement and commit (autocommit), like one REST request."""
    statements: dict[int, sql.Composed] = {}

    def load(conn: psycopg.Connection) -> None:
        for start in range(0, len(rows), OLD_BATCH):
            batch = rows[start : start + OLD_BATCH]
            statement = statements.setdefault(len(batch), _insert_statement(len(batch)))
            conn.execute(statement, [value for row in batch for value in row])
            if sleep_s:
                time.sleep(sleep_s)

    label = "old + sleeps" if sleep_s else "old"
    with common.fresh_database(uri, "old") as dsn, psycopg.connect(dsn, autocommit=True) as conn:
        common.checkpoint(uri)
        seconds, _ = common.timed(lambda: load(conn))
        loaded = conn.execute("SELECT count(*) FROM public.benchmark_trials").fetchone()[0]
    assert loaded == len(rows), (loaded, len(rows))
    return Measure(len(rows), label, seconds)


def batches(size: int) -> int:
    return math.ceil(size / OLD_BATCH)


def measure_sizes(
    uri: str, sizes: tuple[int, ...], *, quick: bool
) -> tuple[list[Measure], list[Rerun]]:
    print(f"generating and parsing {max(sizes):,} trial records ...", flush=True)
    gen_s, full = common.timed(lambda: trial_frame(max(sizes)))
    print(f"  {gen_s:.1f} s", flush=True)
    measures: list[Measure] = []
    reruns: list[Rerun] = []
    for size in sizes:
        frame = subset(full, size)
        rows = python_rows(frame)
        print(f"{size:,} rows:", flush=True)
        loader, rerun = run_loader(uri, frame)
        reruns.append(rerun)
        copy = run_copy(uri, rows)
        old = run_old(uri, rows)
        for m in (loader, copy, old):
            print(f"  {m.variant:<13} {m.seconds:9.3f} s  {m.rows_per_s:12,.0f} rows/s", flush=True)
        estimate = old.seconds + batches(size) * OLD_SLEEP_S
        if size <= 2_000 or (not quick and estimate <= SLEEP_BUDGET_S):
            print(f"  old + sleeps  (measuring, about {estimate:.0f} s) ...", flush=True)
            slept = run_old(uri, rows, sleep_s=OLD_SLEEP_S)
        else:
            slept = Measure(size, "old + sleeps", estimate, computed=True)
        print(
            f"  {slept.variant:<13} {slept.seconds:9.3f} s  {slept.rows_per_s:12,.0f} rows/s"
            f"{'  (computed)' if slept.computed else ''}",
            flush=True,
        )
        measures += [loader, copy, old, slept]
    return measures, reruns


LOADER_VS_COPY = (
    "Why the loader stays below plain COPY: it writes every row twice, once into the "
    "staging table and once into `benchmark_trials` (the upsert alone takes about as long as "
    "plain COPY into the indexed table), and it encodes the rows in Python (typed binary COPY, "
    "each value checked against its column first). Writing "
    "twice is the price of one atomic statement that inserts new trials, updates changed ones, "
    "leaves identical ones untouched and can be rolled back for a dry run; `benchmarks/README.md` "
    "has the split of one 100k load."
)

# The size the targets name; other sizes are shown for the trend, without a verdict.
JUDGED_SIZE = 100_000


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _verdict(size: int, ok: bool) -> str:
    return f" ({_met(ok)})" if size == JUDGED_SIZE else ""


def report(measures: list[Measure], reruns: list[Rerun], command: str) -> None:
    by = {(m.size, m.variant): m for m in measures}
    sizes = sorted({m.size for m in measures})
    rows = []
    for m in measures:
        rows.append(
            [
                common.fmt_int(m.size),
                m.variant,
                common.fmt_s(m.seconds) + (" (computed)" if m.computed else ""),
                common.fmt_int(m.rows_per_s),
                common.fmt_int(batches(m.size)) if m.variant.startswith("old") else "1",
            ]
        )
    throughput = common.md_table(["rows", "variant", "seconds", "rows/s", "requests"], rows)
    ratio_rows = []
    for size in sizes:
        loader = by[(size, "loader")]
        slept = by[(size, "old + sleeps")]
        vs_copy = loader.rows_per_s / by[(size, "COPY")].rows_per_s
        vs_old = loader.rows_per_s / by[(size, "old")].rows_per_s
        vs_slept = loader.rows_per_s / slept.rows_per_s
        ratio_rows.append(
            [
                common.fmt_int(size),
                f"{vs_copy:.2f}×{_verdict(size, vs_copy >= TARGET_VS_COPY)}",
                f"{vs_old:.2f}×{_verdict(size, vs_old >= TARGET_VS_OLD)}",
                f"{common.fmt_ratio(vs_slept)}{' computed' if slept.computed else ''}"
                f"{_verdict(size, vs_slept >= TARGET_VS_OLD_SLEEPS)}",
            ]
        )
    ratios = common.md_table(
        [
            "rows",
            f"loader / COPY (target ≥ {TARGET_VS_COPY}×)",
            f"loader / old (target ≥ {TARGET_VS_OLD}×)",
            f"loader / old + sleeps (target ≥ {TARGET_VS_OLD_SLEEPS:.0f}×)",
        ],
        ratio_rows,
    )
    print("\n" + throughput + "\n\n" + ratios + "\n")
    body = "\n".join(
        [
            common.section_header("Load throughput into public.benchmark_trials", command),
            "Each variant loads the same rows into an empty table in a fresh database created by "
            "the project's migrations (all indexes present); the clock covers only the load. "
            "`loader` is `trials_load.load_trials` from the parsed frame; `COPY` is one plain "
            "`COPY ... FROM STDIN` of pre-rendered COPY text (the database's limit); `old` is "
            "50-row `INSERT ... ON CONFLICT (nct_id) DO NOTHING` batches, one commit each, over "
            "one open connection, without sleeps; `old + sleeps` adds the replaced scripts' "
            f"{OLD_SLEEP_S} s sleep after every batch. Rows marked (computed) were not run: "
            f"(old, measured) + batches × {OLD_SLEEP_S} s.",
            "",
            throughput,
            "",
            "Ratios of rows/s:",
            "",
            ratios,
            "",
            f"Targets are judged at {JUDGED_SIZE:,} rows, the size they name. At 1,600 rows a "
            "load is a few tens of milliseconds, mostly fixed costs (the staging table is created "
            "and dropped, the upsert and the row count are separate statements), so its ratios "
            "say little about throughput. The sleeping variant's ratio follows from the old "
            "approach's own speed: its 0.2 s per 50 rows caps it at 250 rows/s whatever the "
            "database does.",
            "",
            LOADER_VS_COPY,
        ]
    )
    common.write_section("load", body)

    rerun_rows = [
        [
            common.fmt_int(r.size),
            common.fmt_s(r.first_s),
            common.fmt_s(r.rerun_s),
            f"{r.rerun_s / r.first_s:.2f}×",
            str(r.loader_updated),
            str(r.loader_inserted),
            str(r.n_tup_upd),
            _met(r.loader_updated == 0 and r.n_tup_upd == 0 and r.n_tup_ins == 0),
        ]
        for r in reruns
    ]
    table = common.md_table(
        [
            "rows",
            "first load s",
            "re-run s",
            "re-run / first",
            "loader: updated",
            "loader: inserted",
            "n_tup_upd delta",
            "0 rewritten",
        ],
        rerun_rows,
    )
    print(table + "\n")
    common.write_section(
        "rerun",
        "\n".join(
            [
                common.section_header("Unchanged re-run", command),
                "The loader run a second time with the same frame, right after the first load "
                "above. `n_tup_upd delta` is the change of `pg_stat_user_tables.n_tup_upd` for "
                "the table across the re-run (read once the re-run's statistics were flushed); "
                "target: 0 rows rewritten.",
                "",
                table,
            ]
        ),
    )


def run(uri: str, *, quick: bool, command: str) -> None:
    measures, reruns = measure_sizes(uri, QUICK_SIZES if quick else SIZES, quick=quick)
    report(measures, reruns, command)


if __name__ == "__main__":
    common.standalone(run, __doc__.splitlines()[0])
