"""The full trials pipeline against the loopback fake API, through Dagster and without it.

Every run starts from an empty database (the schema asset applies the migrations). The Dagster
run is ``dagster.materialize`` of the schema and trials assets on an ephemeral instance, in
process; the bare run calls the same library functions in the same order (lint and apply the
migrations, ``search_trials``: ``/version`` and every page of every modality search, each page
decoded into rows as it arrives; ``known_trials``, ``load_trials``). The difference is what Dagster and the assets' metadata add.
The API client's pacing is switched off (``min_interval_seconds=0``) so the fake's speed shows;
what the default pacing would add is reported from the request count.
"""

import math
import statistics

import dagster as dg

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.trials import checks as trials_checks
from benchmark_pipeline.defs.trials.assets import benchmark_trials, raw_benchmark_trials
from benchmark_pipeline.defs.trials.config import RawTrialsConfig
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.trials.load import known_trials, load_trials, trials_to_load
from benchmark_pipeline.lib.trials.paging import PAGE_SIZE
from benchmark_pipeline.lib.trials.search import search_trials
from benchmark_pipeline.resources import ClinicalTrialsResource, PostgresResource
from benchmark_pipeline_tests.fakes import FakeCtgovServer, generate_records
from benchmarks import common

TRIALS = 1_600
REPEATS = 3
SEED = 0
PACING_S = 0.0
DEFAULT_PACING_S = ClinicalTrialsResource().min_interval_seconds
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}

ASSETS = [benchmark_schema, raw_benchmark_trials, benchmark_trials]
CHECKS = [
    value for value in vars(trials_checks).values() if isinstance(value, dg.AssetChecksDefinition)
]


def ctgov(base_url: str) -> ClinicalTrialsResource:
    return ClinicalTrialsResource(base_url=base_url, min_interval_seconds=PACING_S)


def bare_run(dsn: str, base_url: str) -> dict[str, int]:
    """What the schema and trials assets do, called directly; returns the expected request count."""
    found = migrations.discover(SQL_DIR)
    migrations.lint(found)
    postgres = PostgresResource(database_url=dsn)
    with postgres.connect(autocommit=True) as conn:
        migrations.apply_migrations(conn, found)
    config = RawTrialsConfig()
    with ctgov(base_url).session() as session:
        search = search_trials(session, config.modalities, config.statuses, config.condition)
    with postgres.connect(autocommit=True) as conn:
        known = known_trials(conn)
        assert not known, "the bare run expects an empty table"
        load = load_trials(conn, trials_to_load(search.frame))
    totals = search.total_count_per_search.values()
    return {
        "rows": load.row_count,
        "records": search.records_received,
        # One page per 1,000 studies of each search (at least one), plus /version.
        "expected_requests": 1 + sum(max(1, math.ceil(total / PAGE_SIZE)) for total in totals),
    }


def dagster_run(dsn: str, base_url: str, *, with_checks: bool) -> dict[str, object]:
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [*ASSETS, *(CHECKS if with_checks else [])],
            resources={"postgres": PostgresResource(database_url=dsn), "ctgov": ctgov(base_url)},
            instance=instance,
            run_config=QUIET,
        )
    assert result.success
    checks = result.get_asset_check_evaluations()
    return {
        "checks_passed": sum(e.passed for e in checks),
        "checks": len(checks),
        "checks_failed": sorted(e.check_name for e in checks if not e.passed),
    }


def measure(uri: str, server: FakeCtgovServer, fn) -> tuple[float, int, int, int, object]:
    """(seconds, requests, /version requests, /studies requests, fn's result), fresh database."""
    with common.fresh_database(uri, "pipeline", migrate=False) as dsn:
        server.reset_counters()
        common.checkpoint(uri)
        seconds, value = common.timed(lambda: fn(dsn, server.base_url))
        return (
            seconds,
            server.request_count(),
            server.request_count("/version"),
            server.request_count("/studies"),
            value,
        )


def run(uri: str, *, quick: bool, command: str) -> None:
    records = generate_records(TRIALS, seed=SEED)
    variants = {
        "bare library calls": bare_run,
        "Dagster materialize (assets)": lambda d, u: dagster_run(d, u, with_checks=False),
        "Dagster materialize (assets + trials checks)": lambda d, u: dagster_run(
            d, u, with_checks=True
        ),
    }
    with FakeCtgovServer(records) as server:
        print(f"{TRIALS:,} fake records on {server.base_url}", flush=True)
        # The first of each in this process pays for imports and caches; reported on its own.
        first = {name: measure(uri, server, fn) for name, fn in variants.items()}
        runs: dict[str, list] = {name: [] for name in variants}
        for _ in range(REPEATS):
            for name, fn in variants.items():
                runs[name].append(measure(uri, server, fn))
    bare = first["bare library calls"][4]
    expected = bare["expected_requests"]
    median = {name: statistics.median(r[0] for r in rs) for name, rs in runs.items()}
    rows = []
    for name, rs in runs.items():
        _, requests, version, studies, value = rs[-1]
        extra = median[name] - median["bare library calls"]
        checks = "-"
        if isinstance(value, dict) and value.get("checks"):
            failed = ", ".join(value["checks_failed"])
            checks = f"{value['checks_passed']}/{value['checks']} passed"
            checks += f" (failed: {failed})" if failed else ""
        rows.append(
            [
                name,
                common.fmt_s(median[name]),
                common.fmt_s(first[name][0]),
                f"{extra:+.3f} s" if extra else "-",
                f"{requests} ({version} + {studies})",
                checks,
            ]
        )
    table = common.md_table(
        [
            "run",
            f"wall s (median of {REPEATS})",
            "first run in process s",
            "vs bare",
            "requests (/version + /studies)",
            "asset checks",
        ],
        rows,
    )
    requests = runs["bare library calls"][-1][1]
    met = all(r[1] == expected for rs in runs.values() for r in rs)
    pacing = (requests - 1) * DEFAULT_PACING_S
    summary = [
        f"- The fake registry holds {TRIALS:,} trials; {bare['records']:,} records matched the "
        f"{len(RawTrialsConfig().modalities)} modality searches (status filter included) and "
        f"{bare['rows']:,} distinct trials were loaded.",
        f"- Requests: {requests}; expected one per 1,000 studies of each search (at least one) "
        f"plus `/version` = {expected}: {'met' if met else 'NOT met'} in every run.",
        f"- Pacing used: `min_interval_seconds={PACING_S}`. The default "
        f"({DEFAULT_PACING_S} s between requests) would add about (requests - 1) × "
        f"{DEFAULT_PACING_S} s = {pacing:.0f} s to every run above.",
        f"- Dagster overhead (assets, median): "
        f"{median['Dagster materialize (assets)'] - median['bare library calls']:+.2f} s "
        f"({median['Dagster materialize (assets)'] / median['bare library calls']:.1f}× the bare work).",
    ]
    print("\n" + table + "\n\n" + "\n".join(summary) + "\n")
    common.write_section(
        "pipeline",
        "\n".join(
            [
                common.section_header(
                    f"Full pipeline against the loopback fake ({TRIALS:,} trials)", command
                ),
                "Each run starts from an empty database and ends with the trials table loaded; "
                "the fake API serves on 127.0.0.1 from a thread of the same process. Dagster runs "
                "are in-process `dagster.materialize` on an ephemeral instance with the console "
                "log at WARNING (the event log still records everything).",
                "",
                table,
                "",
                *summary,
            ]
        ),
    )


if __name__ == "__main__":
    common.standalone(run, __doc__.splitlines()[0])
