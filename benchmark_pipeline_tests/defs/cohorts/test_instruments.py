"""benchmark_instruments through Dagster on a real embedded PostgreSQL."""

import dagster as dg
import psycopg

from benchmark_pipeline.defs.cohorts.instruments import benchmark_instruments
from benchmark_pipeline.lib.cohorts.instruments import read_instruments
from benchmark_pipeline.resources import PostgresResource

from .runs import evaluations, metadata


def _materialize(postgres: PostgresResource, **config) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [benchmark_instruments],
        resources={"postgres": postgres},
        instance=dg.DagsterInstance.ephemeral(),
        run_config={"ops": {"benchmark_instruments": {"config": config}}},
    )


def test_the_file_is_mirrored_with_its_checks_and_metadata(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    result = _materialize(postgres)
    meta = metadata(result, "benchmark_instruments")
    assert (meta["inserted"], meta["dagster/row_count"]) == (7, 7)
    assert meta["dagster/table_name"] == "public.benchmark_instruments"
    columns = [c.name for c in meta["dagster/column_schema"].columns]
    assert columns[:3] == ["name", "full_name", "score_min"] and columns[-1] == "updated_at"
    table = meta["instruments"]
    assert "| PHQ-9 | 0 | 27 | True | 5 | 10.1097/00005650-200412000-00006 |" in table
    assert "| CAPS-5 | 0 | 80 | True |  |  |" in table
    assert len(table.splitlines()) == 2 + 7  # header, separator, one line per instrument
    checks = evaluations(result)
    assert checks["mirrors_valid_rows"].passed and checks["rejected_rows"].passed
    names = [r[0] for r in migrated.execute("SELECT name FROM public.benchmark_instruments")]
    assert sorted(names) == sorted(i.name for i in read_instruments().instruments)

    again = metadata(_materialize(postgres), "benchmark_instruments")
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 7)


def test_a_dry_run_leaves_the_table_as_it_was(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    meta = metadata(_materialize(postgres, dry_run=True), "benchmark_instruments")
    assert (meta["dry_run"], meta["inserted"], meta["dagster/row_count"]) == (True, 7, 0)
    assert migrated.execute("SELECT count(*) FROM public.benchmark_instruments").fetchone() == (0,)
