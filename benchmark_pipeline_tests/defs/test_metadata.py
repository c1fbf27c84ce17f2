"""The shared shapes of metadata: numbers as a person reads them, tables shown in place, and a
check result that says nothing when there is nothing to say."""

import dagster as dg
import numpy as np
import pandas as pd

from benchmark_pipeline.defs.metadata import (
    check_metadata,
    check_result,
    entries,
    inline_table,
    readable,
)
from benchmark_pipeline_tests.support.metadata import table_rows


def test_numbers_are_rounded_to_what_they_mean():
    assert readable(1_096 * (1 - 0.2)) == 876.8  # 876.8000000000001 unrounded
    assert readable(np.float64(0.123456)) == 0.1235 and type(readable(np.float64(1.5))) is float
    assert readable(np.int64(7)) == 7 and type(readable(np.int64(7))) is int
    assert readable(3.0) == 3 and type(readable(3.0)) is int
    assert readable(0.0000123456) == 0.00001235
    assert readable(float("nan")) is None and readable(pd.NA) is None
    assert readable(["ketamine", "esketamine"]) == "ketamine, esketamine"
    assert readable(pd.Timestamp("2026-01-02")) == "2026-01-02 00:00:00"


def test_a_table_is_shown_in_place_and_an_empty_one_is_not_emitted():
    value = inline_table(["table", "rows anon sees"], [["public.a", 0], ["public.b", "none"]])
    assert isinstance(value, dg.TableMetadataValue)
    assert table_rows(value) == [
        {"table": "public.a", "rows anon sees": "0"},
        {"table": "public.b", "rows anon sees": "none"},
    ]
    assert inline_table(["problem"], []) is None
    assert entries(listed=None, count=0) == {"count": 0}


def test_a_passing_check_lists_no_problems_and_a_failing_one_lists_each():
    passed = check_result([], rows=3)
    assert passed.passed and passed.description is None
    assert set(passed.metadata) == {"rows"}
    failed = check_result([f"problem {i}" for i in range(25)], rows=3)
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.description.startswith("problem 0; problem 1;")
    assert failed.description.endswith("problem 19; and 5 more (see problems)")
    assert [row["problem"] for row in table_rows(failed.metadata["problems"])] == [
        f"problem {i}" for i in range(25)
    ]


def test_a_check_shows_its_numbers_as_text_not_as_a_one_point_plot():
    shown = check_metadata(
        rows=1_234, share=np.float64(0.25), whole=3.0, missing=None, dry_run=False, note="x"
    )
    assert shown == {
        "rows": dg.MetadataValue.text("1,234"),
        "share": dg.MetadataValue.text("0.25"),
        "whole": dg.MetadataValue.text("3"),
        "dry_run": False,
        "note": "x",
    }
    assert check_result([], rows=3).metadata["rows"] == dg.MetadataValue.text("3")
