"""Every bad input through Dagster, on a table that already holds cohorts: the run ends as
designed, says why, and the table keeps every row it had (``table_snapshot``, updated_at
included)."""

import csv
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.cohorts.csv_file import MAX_CELL_CHARS
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.support.databases import table_snapshot

from .runs import CORPUS, evaluations, failure, materialize_cohorts, metadata

TABLE = "benchmark_cohorts"
THREE_ROWS = CORPUS / "cohorts_bad_rows.csv"  # 3 valid rows among 17 rejected ones
TWO_ROWS = CORPUS / "cohorts_bom.csv"  # good one, good two


def _loaded(postgres: PostgresResource, conn: psycopg.Connection, path: Path) -> list[tuple]:
    assert materialize_cohorts(postgres, path).success
    return table_snapshot(conn, TABLE)


def _refused(
    postgres: PostgresResource, conn: psycopg.Connection, before: Path, path: Path, **config
) -> tuple[dg.ExecuteInProcessResult, str, str]:
    """Load ``before``, then run on ``path``: the run fails and the table keeps every row.
    Returns the run, its failed step and the step's message."""
    snapshot = _loaded(postgres, conn, before)
    result = materialize_cohorts(postgres, path, **config)
    assert not result.success
    assert table_snapshot(conn, TABLE) == snapshot
    return (result, *failure(result))


def test_header_only_file_fails_and_keeps_the_table(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    result, step, message = _refused(
        postgres, migrated, THREE_ROWS, CORPUS / "cohorts_header_only.csv"
    )
    assert step == "validated_benchmark_cohorts"
    assert "cohorts_header_only.csv: the header is there but no data row follows it" in message
    assert not result.asset_materializations_for_node("benchmark_cohorts")


def test_file_whose_rows_are_all_rejected_never_empties_the_table(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    result, step, message = _refused(
        postgres,
        migrated,
        THREE_ROWS,
        CORPUS / "cohorts_all_rejected.csv",
        allow_mass_removal=True,
    )
    assert step == "benchmark_cohorts"
    assert "refusing to empty public.benchmark_cohorts" in message
    assert "would remove all 3 row(s)" in message
    assert "The CSV had 2 row(s): 0 valid, 2 rejected" in message
    assert len(evaluations(result)["rejected_rows"].metadata["rejections"].value) == 2


def test_removing_most_rows_needs_allow_mass_removal_for_the_run(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    _, step, message = _refused(postgres, migrated, THREE_ROWS, CORPUS / "cohorts_one_row.csv")
    assert step == "benchmark_cohorts"
    assert "refusing to remove 2 of the 3 row(s) of public.benchmark_cohorts (67%" in message
    assert "run once with allow_mass_removal: true" in message

    allowed = materialize_cohorts(postgres, CORPUS / "cohorts_one_row.csv", allow_mass_removal=True)
    assert allowed.success
    meta = metadata(allowed, "benchmark_cohorts")
    assert (meta["removed"], meta["dagster/row_count"]) == (2, 1)
    assert evaluations(allowed)["mirrors_valid_rows"].passed


@pytest.mark.parametrize(
    "name", ["cohorts_trailing_delimiter.csv", "cohorts_trailing_delimiter_rows_only.csv"]
)
def test_trailing_delimiter_loads_what_the_spreadsheet_meant(
    migrated: psycopg.Connection, postgres: PostgresResource, name: str
) -> None:
    before = _loaded(postgres, migrated, TWO_ROWS)
    result = materialize_cohorts(postgres, CORPUS / name)
    assert result.success
    meta = metadata(result, "benchmark_cohorts")
    assert (meta["unchanged"], meta["inserted"], meta["updated"], meta["removed"]) == (2, 0, 0, 0)
    assert evaluations(result)["mirrors_valid_rows"].passed
    assert table_snapshot(migrated, TABLE) == before


def test_value_after_the_last_column_fails_naming_the_line(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    _, step, message = _refused(postgres, migrated, TWO_ROWS, CORPUS / "cohorts_trailing_value.csv")
    assert step == "validated_benchmark_cohorts"
    width = len(COLUMNS)
    assert (
        f"cohorts_trailing_value.csv: line 3: {width + 1} field(s) where the header names {width}"
        in message
    )


def test_latin1_file_fails_naming_the_byte_then_loads_with_its_encoding(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    path = CORPUS / "cohorts_latin1.csv"
    _, step, message = _refused(postgres, migrated, TWO_ROWS, path)
    assert step == "validated_benchmark_cohorts"
    offset = path.read_bytes().index(b"\xe9")
    assert f"not utf-8 text: byte 0xE9 at offset {offset:,} (line 2, byte 17 of the line)" in (
        message
    )

    read = materialize_cohorts(postgres, path, encoding="latin-1")
    assert read.success
    assert metadata(read, "validated_benchmark_cohorts")["encoding"] == "latin-1"
    rows = migrated.execute(
        "SELECT cohort_name, country FROM public.benchmark_cohorts ORDER BY cohort_name"
    ).fetchall()
    assert rows == [("Cohorte de Montréal", "Québec"), ("good two", "Nowhere")]


def test_values_postgresql_cannot_hold_are_rejected_before_copy(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    before = _loaded(postgres, migrated, TWO_ROWS)
    text = (CORPUS / "cohorts_out_of_range.csv").read_text(encoding="utf-8")
    good = text.splitlines()[1]
    nul = good.replace("good one", "nul in notes").replace("fictional", "fic\0tion")
    nul_name = good.replace("good one", "nul\0name")
    path = tmp_path / "limits.csv"
    path.write_text(text + nul + "\n" + nul_name + "\n", encoding="utf-8")
    result = materialize_cohorts(postgres, path)
    assert result.success
    rejected = evaluations(result)["rejected_rows"]
    assert rejected.severity == dg.AssetCheckSeverity.WARN
    reasons = {r["cohort_name"]: r["reasons"] for r in rejected.metadata["rejections"].value}
    assert reasons["n above the integer range"] == [
        "n_participants 3000000000 is outside the integer range -2,147,483,648..2,147,483,647"
    ]
    assert reasons["nul in notes"] == ["notes contains a NUL character at position 3"]
    # The name is the row's identity in the UI: its NUL is shown escaped.
    assert reasons["nul\\x00name"] == ["cohort_name contains a NUL character at position 3"]
    assert len(reasons) == 4
    # The two good rows are unchanged: nothing was rewritten, nothing failed at COPY.
    assert metadata(result, "benchmark_cohorts")["unchanged"] == 2
    assert table_snapshot(migrated, TABLE) == before


def _with_notes(tmp_path: Path, notes: str) -> Path:
    """cohorts_bom.csv with good one's notes replaced by ``notes``."""
    header, one, two = (TWO_ROWS.read_text(encoding="utf-8-sig")).splitlines()
    path = tmp_path / "long_notes.csv"
    path.write_text("\n".join([header, one.replace("fictional test row", notes), two]) + "\n")
    return path


def test_a_cell_above_the_csv_default_loads_whole_and_one_above_the_bound_fails_at_its_line(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    notes = "x" * 200_000  # Python's csv module refuses more than 131,072 by default
    assert materialize_cohorts(postgres, _with_notes(tmp_path, notes)).success
    stored = migrated.execute(
        "SELECT length(notes) FROM public.benchmark_cohorts WHERE cohort_name = 'good one'"
    ).fetchone()
    assert stored == (200_000,)

    path = _with_notes(tmp_path, "x" * (MAX_CELL_CHARS + 1))
    _, step, message = _refused(postgres, migrated, TWO_ROWS, path)
    assert step == "validated_benchmark_cohorts"
    assert f"long_notes.csv: line 2: a cell longer than {MAX_CELL_CHARS:,} characters" in message


def test_a_publication_year_its_citation_does_not_write_is_listed_and_the_rest_load(
    migrated: psycopg.Connection, postgres: PostgresResource, tmp_path: Path
) -> None:
    rows = list(csv.DictReader(TWO_ROWS.open(encoding="utf-8-sig")))
    rows[0]["publication_year"] = "2020"  # J Test. 2020;1:1-2
    rows[1]["publication_year"] = "2019"
    path = tmp_path / "years.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    result = materialize_cohorts(postgres, path)
    assert result.success
    (rejection,) = evaluations(result)["rejected_rows"].metadata["rejections"].value
    assert (rejection["row"], rejection["cohort_name"]) == (3, "good two")
    assert rejection["reasons"] == [
        "publication_year 2019 does not appear in source_citation 'Example A et al. A made-up "
        "trial for tests. J Test. 2020;1:1-2. doi:10.5555/test.2'"
    ]
    stored = migrated.execute(
        "SELECT cohort_name, publication_year FROM public.benchmark_cohorts"
    ).fetchall()
    assert stored == [("good one", 2020)]
