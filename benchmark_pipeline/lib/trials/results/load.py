"""Posted results into ``public.benchmark_trial_results`` in one transaction: the rows of the
trials read this run replace theirs (the rest of the table stays as it is), the ledger records
each read, and the trials whose posted values disagree with a verified cohort are held for
review. A dry run does it all and rolls back."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import psycopg

from benchmark_pipeline.lib import kill_points
from benchmark_pipeline.lib.postgres.mirror import MirrorCounts, Within, mirror_frame
from benchmark_pipeline.lib.postgres.staged_upsert import table_row_count
from benchmark_pipeline.lib.trials.results.agreement import (
    Disagreement,
    PostedValue,
    VerifiedCohort,
    disagreements,
)
from benchmark_pipeline.lib.trials.results.columns import MEASUREMENT_COLUMNS, MEASUREMENT_KEY
from benchmark_pipeline.lib.trials.results.recognition import DERIVED

RESULTS_TABLE = "public.benchmark_trial_results"
READS_TABLE = "benchmark_pipeline.trial_results_reads"
# What the pipeline derives for each row (lib/trials/results/recognition.py), and the hold.
DERIVED_COLUMNS = [*DERIVED, "held_for_review", "held_reason"]
TABLE_COLUMNS = [*MEASUREMENT_COLUMNS, *DERIVED_COLUMNS]


@dataclass(frozen=True)
class TrialFacts:
    """What the trials table says of a trial with posted results."""

    nct_id: str
    last_update_date: date | None
    modality: str | None
    modalities: list[str]
    interventions: list[dict[str, Any]]


@dataclass(frozen=True)
class Read:
    """One trial's results read this run: ``outcome`` loaded, rejected or no_results."""

    nct_id: str
    last_update_date: date | None
    outcome: str
    rows: int = 0
    reason: str | None = None


@dataclass
class ResultsLoad:
    counts: MirrorCounts
    row_count: int
    dry_run: bool
    held: list[Disagreement] = field(default_factory=list)
    newly_held: list[str] = field(default_factory=list)  # trials held by this load, not before
    problems: list[str] = field(default_factory=list)


def trials_with_results(conn: psycopg.Connection) -> dict[str, TrialFacts]:
    """The current trials the registry says have posted results."""
    rows = conn.execute(
        "SELECT nct_id, last_update_date, modality, coalesce(modalities, '{}'),"
        " coalesce(interventions, '[]'::jsonb) FROM public.benchmark_trials"
        " WHERE has_results AND missing_since IS NULL"
    ).fetchall()
    return {r[0]: TrialFacts(r[0], r[1], r[2], list(r[3]), list(r[4])) for r in rows}


def earlier_reads(conn: psycopg.Connection) -> dict[str, date | None]:
    """nct_id -> the last update date of the record whose results were last read."""
    return dict(conn.execute(f"SELECT nct_id, last_update_date FROM {READS_TABLE}").fetchall())


def verified_cohorts(conn: psycopg.Connection) -> list[VerifiedCohort]:
    rows = conn.execute(
        "SELECT cohort_name, nct_id, instrument, change_mean, endpoint_mean"
        " FROM public.benchmark_cohorts WHERE nct_id IS NOT NULL ORDER BY cohort_name"
    ).fetchall()
    return [VerifiedCohort(*row) for row in rows]


def _posted(conn: psycopg.Connection, nct_ids: Sequence[str]) -> list[PostedValue]:
    rows = conn.execute(
        f"SELECT nct_id, instrument, quantity, value, measure_no, title, group_title,"
        f" class_title, category_title FROM {RESULTS_TABLE}"
        " WHERE nct_id = ANY(%s) AND comparable AND arm_role = 'active' AND value IS NOT NULL",
        [list(nct_ids)],
    ).fetchall()
    posted = []
    for nct, instrument, quantity, value, no, title, group, klass, category in rows:
        where = f"measure {no} '{title}', group '{group}'"
        where += "".join(f", {k} '{t}'" for k, t in (("class", klass), ("category", category)) if t)
        posted.append(PostedValue(nct, instrument, quantity, value, where))
    return posted


def held_trials(conn: psycopg.Connection) -> set[str]:
    rows = conn.execute(f"SELECT DISTINCT nct_id FROM {RESULTS_TABLE} WHERE held_for_review")
    return {r[0] for r in rows}


def hold_disagreeing(conn: psycopg.Connection) -> list[Disagreement]:
    """Hold every row of the trials whose posted values disagree with a verified cohort, and
    release the rows of trials that agree now; rows whose hold does not change are not
    written. Returns the disagreements."""
    cohorts = verified_cohorts(conn)
    found = disagreements(cohorts, _posted(conn, sorted({c.nct_id for c in cohorts})))
    reasons: dict[str, list[str]] = {}
    for disagreement in found:
        reasons.setdefault(disagreement.cohort.nct_id, []).append(disagreement.sentence)
    held = [(nct, "; ".join(sentences)) for nct, sentences in sorted(reasons.items())]
    conn.execute(
        f"UPDATE {RESULTS_TABLE} AS t SET held_for_review = h.nct_id IS NOT NULL,"
        " held_reason = h.reason, updated_at = now()"
        " FROM (SELECT DISTINCT nct_id FROM public.benchmark_trial_results) AS all_trials"
        " LEFT JOIN unnest(%s::text[], %s::text[]) AS h(nct_id, reason)"
        "   ON h.nct_id = all_trials.nct_id"
        " WHERE t.nct_id = all_trials.nct_id"
        "   AND (t.held_for_review, t.held_reason)"
        "       IS DISTINCT FROM (h.nct_id IS NOT NULL, h.reason)",
        [[n for n, _ in held], [r for _, r in held]],
    )
    return found


def _record_reads(conn: psycopg.Connection, reads: Sequence[Read]) -> None:
    with conn.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {READS_TABLE} (nct_id, last_update_date, outcome, rows, reason)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (nct_id) DO UPDATE SET"
            " last_update_date = excluded.last_update_date, outcome = excluded.outcome,"
            " rows = excluded.rows, reason = excluded.reason, read_at = now()",
            [(r.nct_id, r.last_update_date, r.outcome, r.rows, r.reason) for r in reads],
        )


def _problems(conn: psycopg.Connection, frame: pd.DataFrame) -> list[str]:
    """The loaded keys against the table, inside the transaction: every row there, none twice."""
    keys = frame[MEASUREMENT_KEY].astype(str).agg("|".join, axis=1)
    if keys.duplicated().any():
        return [f"{int(keys.duplicated().sum())} key(s) twice in the rows read"]
    ids = sorted(set(frame["nct_id"]))
    stored = conn.execute(
        f"SELECT count(*) FROM {RESULTS_TABLE} WHERE nct_id = ANY(%s)", [ids]
    ).fetchone()[0]
    return [] if stored == len(frame) else [f"{stored} row(s) stored for {len(frame)} read"]


def load_results(
    conn: psycopg.Connection, frame: pd.DataFrame, reads: Sequence[Read], *, dry_run: bool
) -> ResultsLoad:
    """Load ``frame`` (``TABLE_COLUMNS``) for the trials ``reads`` loaded or found without
    results, record every read, and hold disagreeing trials, in one transaction of its own
    (``conn`` in autocommit mode). A rejected trial's rows stay as they were."""
    replaced = [r.nct_id for r in reads if r.outcome != "rejected"]
    with conn.transaction(force_rollback=dry_run):
        counts = mirror_frame(
            conn,
            RESULTS_TABLE,
            frame,
            key=MEASUREMENT_KEY,
            columns=TABLE_COLUMNS,
            within=Within("nct_id", replaced),
        )
        _record_reads(conn, reads)
        before = held_trials(conn)
        held = hold_disagreeing(conn)
        newly_held = sorted(held_trials(conn) - before)
        problems = _problems(conn, frame)
        kill_points.reached(kill_points.BEFORE_COMMIT)
    kill_points.reached(kill_points.COMMITTED)
    return ResultsLoad(
        counts=counts,
        row_count=table_row_count(conn, RESULTS_TABLE),
        dry_run=dry_run,
        held=held,
        newly_held=newly_held,
        problems=problems,
    )
