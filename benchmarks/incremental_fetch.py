"""The weekly trials refresh, full sweep against incremental fetch, with the registry's pacing.

2,000 fake trials served by ``FakeCtgovServer`` on loopback. Two databases are loaded by a full
run (not timed); then 2% of the trials change, as a week of the registry does
(``TrialRecords.update_share``: they start, stop, complete or grow, and are posted a week
later), and each database is refreshed once through ``dagster.materialize`` of the schema and
trials assets: one with a full sweep (every search whole, every unseen known trial looked up by
NCT id), one incremental (only records updated since the stored cursor, less the overlap). The
client keeps its default pacing of one request a second, as against the real registry. Per run:
requests, bytes of the answers' bodies (the assets' ``bytes_fetched`` and ``lookup_bytes``),
wall time; then the two tables compared column by column.
"""

import statistics

import dagster as dg

from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.trials.assets import benchmark_trials, raw_benchmark_trials
from benchmark_pipeline.resources import ClinicalTrialsResource, PostgresResource
from benchmark_pipeline_tests.fakes import FakeCtgovServer, generate_records
from benchmark_pipeline_tests.support.trials_tables import table_differences
from benchmarks import common

TRIALS = 2_000
CHANGED_SHARE = 0.02
SEED = 0
PACING_S = ClinicalTrialsResource().min_interval_seconds  # the default: 1 request a second
POSTED_ON, WEEK_LATER = "2026-09-10", "2026-09-11T09:00:06"
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
ASSETS = [benchmark_schema, raw_benchmark_trials, benchmark_trials]
FULL, INCREMENTAL = "full sweep", "incremental"


def refresh(dsn: str, base_url: str, *, incremental: bool, pacing: float) -> dict:
    """One run of the schema and trials assets; the figures of its materializations."""
    raw = {"incremental": incremental, "monthly_full_sweep_weekday": None}
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            ASSETS,
            resources={
                "postgres": PostgresResource(database_url=dsn),
                "ctgov": ClinicalTrialsResource(base_url=base_url, min_interval_seconds=pacing),
            },
            instance=instance,
            run_config={**QUIET, "ops": {"raw_benchmark_trials": {"config": raw}}},
        )
    assert result.success
    found = {}
    for asset in ("raw_benchmark_trials", "benchmark_trials"):
        (event,) = result.asset_materializations_for_node(asset)
        found[asset] = {k: v.value for k, v in event.metadata.items()}
    return found


def one_round(uri: str, round_no: int) -> dict[str, dict]:
    """Both refreshes of one week, each on a database first loaded in full at the week's start."""
    records = generate_records(TRIALS, seed=SEED)
    measured: dict[str, dict] = {}
    with (
        FakeCtgovServer(records) as server,
        common.fresh_database(uri, "incr_full", migrate=False) as full_dsn,
        common.fresh_database(uri, "incr_incremental", migrate=False) as incremental_dsn,
    ):
        dsns = {FULL: full_dsn, INCREMENTAL: incremental_dsn}
        for dsn in dsns.values():
            refresh(dsn, server.base_url, incremental=True, pacing=0.0)
        changed = records.update_share(CHANGED_SHARE, POSTED_ON, seed=round_no)
        server.data_timestamp = WEEK_LATER
        for mode, dsn in dsns.items():
            server.reset_counters()
            seconds, found = common.timed(
                lambda dsn=dsn, mode=mode: refresh(
                    dsn, server.base_url, incremental=mode == INCREMENTAL, pacing=PACING_S
                )
            )
            raw, table = found["raw_benchmark_trials"], found["benchmark_trials"]
            measured[mode] = {
                "seconds": seconds,
                "requests": server.request_count(),
                "bytes": raw["bytes_fetched"] + table["lookup_bytes"],
                "search_bytes": raw["bytes_fetched"],
                "fetched": raw["dagster/row_count"],
                "changed_rows": table["inserted"] + table["updated"],
                "mode": raw["fetch_mode"],
                "changed": len(changed),
            }
        measured["differences"] = table_differences(
            PostgresResource(database_url=incremental_dsn), PostgresResource(database_url=full_dsn)
        )
    return measured


def run(uri: str, *, quick: bool, command: str) -> None:
    rounds = 1 if quick else 3
    results = [one_round(uri, n) for n in range(1, rounds + 1)]
    rows = []
    for mode in (FULL, INCREMENTAL):
        runs = [r[mode] for r in results]
        assert all(r["mode"] == ("full" if mode == FULL else "incremental") for r in runs)
        rows.append(
            [
                mode,
                f"{statistics.median(r['requests'] for r in runs):.0f}",
                common.fmt_int(statistics.median(r["bytes"] for r in runs)),
                common.fmt_int(statistics.median(r["search_bytes"] for r in runs)),
                common.fmt_s(statistics.median(r["seconds"] for r in runs)),
                common.fmt_int(statistics.median(r["fetched"] for r in runs)),
                common.fmt_int(statistics.median(r["changed_rows"] for r in runs)),
            ]
        )
    ratios = [r[INCREMENTAL]["bytes"] / r[FULL]["bytes"] for r in results]
    identical = all(not r["differences"] for r in results)
    table = common.md_table(
        [
            "refresh",
            "requests",
            "bytes fetched",
            "of which searches",
            "wall s",
            "trials the searches returned",
            "rows inserted or updated",
        ],
        rows,
    )
    worst = max(ratios)
    summary = [
        f"- {TRIALS:,} fake trials; each round, {results[0][FULL]['changed']} of them "
        f"({CHANGED_SHARE:.0%}) changed and posted a week after the cursor. Medians of {rounds} "
        f"round(s), each round's two runs on the same week's registry.",
        f"- Bytes: the incremental run moved {statistics.median(ratios):.1%} of the full "
        f"sweep's bytes (largest round {worst:.1%}); target at most 10%: "
        f"{'met' if worst <= 0.10 else 'NOT met'}.",
        f"- Tables after the two runs, compared column by column (every column but the id, "
        f"created_at and updated_at the database assigns, plus which rows changed in the last "
        f"load): {'identical in every round' if identical else 'DIFFERENT: ' + '; '.join(d for r in results for d in r['differences'])}.",
        f"- Requests: both runs make one request per search page at {PACING_S:.0f} s apart "
        "(`/version`, one page per modality search at these sizes, and the full sweep's "
        "look-ups by NCT id or the incremental run's one search for changed trials in any "
        "status), so the wall time is mostly the pacing: the incremental run saves bytes, "
        "decoding and rows compared, not requests.",
    ]
    print("\n" + table + "\n\n" + "\n".join(summary) + "\n")
    common.write_section(
        "incremental",
        "\n".join(
            [
                common.section_header(
                    f"Weekly refresh: full sweep against incremental fetch ({TRIALS:,} trials, "
                    f"{CHANGED_SHARE:.0%} changed)",
                    command,
                ),
                "The fake registry serves on 127.0.0.1 from a thread of the same process; the "
                "client paces its requests at the default one a second. Each run is an "
                "in-process `dagster.materialize` of `benchmark_schema`, `raw_benchmark_trials` "
                "and `benchmark_trials` on an ephemeral instance; bytes are the answers' bodies "
                "as the client decoded them.",
                "",
                table,
                "",
                *summary,
            ]
        ),
    )


if __name__ == "__main__":
    common.standalone(run, __doc__.splitlines()[0])
