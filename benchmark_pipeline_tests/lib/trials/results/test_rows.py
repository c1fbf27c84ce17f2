"""Typed results as flat rows: values exactly as posted, the analysed N of each group, a unique
natural key, and columns a load can COPY as they are."""

from decimal import Decimal

import pandas as pd

from benchmark_pipeline.lib.postgres import binary_copy
from benchmark_pipeline.lib.trials.results.columns import (
    ANALYSIS_COLUMNS,
    ANALYSIS_KEY,
    MEASUREMENT_COLUMNS,
    MEASUREMENT_KEY,
)
from benchmark_pipeline.lib.trials.results.decoding import decode_results_page
from benchmark_pipeline.lib.trials.results.rows import ResultRows

from .support import measure, page, study

_OIDS = {
    "text": binary_copy.TEXT,
    "integer": binary_copy.INT4,
    "numeric": binary_copy.NUMERIC,
    "date": binary_copy.DATE,
    "text[]": binary_copy.TEXT_ARRAY,
}


def _rows(*studies: dict) -> ResultRows:
    rows = ResultRows()
    decoded = decode_results_page(page(*studies))
    assert decoded.rejected == []
    rows.add_page(decoded)
    return rows


def _values_measure() -> dict:
    """One group, one class, a category per kind of posted value."""
    posted = [
        {"value": "NA", "comment": "Median not reached."},
        {"value": ""},
        {"value": "12.30", "spread": "4.10"},
        {"value": "-1.5", "lowerLimit": "-2.75", "upperLimit": "NR"},
        {"value": "1e400", "spread": "nan"},
        {"comment": "No participant was assessed."},
        {"value": "12.3 (SD 4)"},
    ]
    categories = [
        {"title": f"Kind {i}", "measurements": [{"groupId": "OG000", **values}]}
        for i, values in enumerate(posted)
    ]
    return measure(
        groups=[{"id": "OG000", "title": "Psilocybin"}],
        denoms=[{"units": "Participants", "counts": [{"groupId": "OG000", "value": "30"}]}],
        classes=[{"title": "Week 6", "categories": categories}],
        analyses=[],
    )


def test_values_are_kept_as_posted_and_numbers_only_when_whole_strings_are() -> None:
    frame = _rows(study("NCT00000001", [_values_measure()])).frame()
    got = frame[["value_text", "value", "spread_text", "spread", "comment", "numeric_note"]]
    assert got.to_dict("records") == [
        dict(
            value_text="NA",
            value=None,
            spread_text=None,
            spread=None,
            comment="Median not reached.",
            numeric_note="value 'NA': not a number",
        ),
        dict(
            value_text="",
            value=None,
            spread_text=None,
            spread=None,
            comment=None,
            numeric_note="value '': empty",
        ),
        dict(
            value_text="12.30",
            value=Decimal("12.30"),
            spread_text="4.10",
            spread=Decimal("4.10"),
            comment=None,
            numeric_note=None,
        ),
        dict(
            value_text="-1.5",
            value=Decimal("-1.5"),
            spread_text=None,
            spread=None,
            comment=None,
            numeric_note="upper limit 'NR': not a number",
        ),
        dict(
            value_text="1e400",
            value=None,
            spread_text="nan",
            spread=None,
            comment=None,
            numeric_note="value '1e400': not a finite number; spread 'nan': not a finite number",
        ),
        dict(
            value_text=None,
            value=None,
            spread_text=None,
            spread=None,
            comment="No participant was assessed.",
            numeric_note=None,
        ),
        dict(
            value_text="12.3 (SD 4)",
            value=None,
            spread_text=None,
            spread=None,
            comment=None,
            numeric_note="value '12.3 (SD 4)': not a number",
        ),
    ]
    assert str(frame["value"][2]) == "12.30"  # the posted digits reach PostgreSQL numeric
    assert frame["lower_limit"][3] == Decimal("-2.75") and frame["upper_limit"][3] is None
    assert list(frame["category_no"]) == list(range(1, 8))


def test_analysed_n_comes_from_the_class_denom_first_then_the_measure() -> None:
    frame = _rows(study("NCT00000001")).frame()
    got = frame[["class_title", "group_id", "analysed_n", "analysed_n_level", "denom_units"]]
    assert got.to_dict("records") == [
        dict(
            class_title="Week 3",
            group_id="OG000",
            analysed_n=30,
            analysed_n_level="measure",
            denom_units=["Participants"],
        ),
        dict(
            class_title="Week 3",
            group_id="OG001",
            analysed_n=29,
            analysed_n_level="measure",
            denom_units=["Participants"],
        ),
        dict(
            class_title="Week 6",
            group_id="OG000",
            analysed_n=27,
            analysed_n_level="class",
            denom_units=["Participants"],
        ),
        dict(
            class_title="Week 6",
            group_id="OG001",
            analysed_n=0,
            analysed_n_level="class",
            denom_units=["Participants"],
        ),
    ]
    # Spread is the posted SE: never turned into an SD with the N beside it.
    assert list(frame["dispersion_type"].unique()) == ["Standard Error"]
    assert list(frame["spread_text"][:3]) == ["1.50", "1.4", "1.6"]


def test_only_participant_denoms_give_an_n_and_other_units_are_recorded() -> None:
    eyes = measure(
        denomUnitsSelected="Eyes",
        denoms=[
            {"units": "Eyes", "counts": [{"groupId": "OG000", "value": "60"}]},
            {"units": "Participants", "counts": [{"groupId": "OG001", "value": "12.5"}]},
        ],
    )
    frame = _rows(study("NCT00000001", [eyes])).frame()
    first = frame.iloc[0]  # OG000 at Week 3: only an Eyes count
    assert pd.isna(first["analysed_n"]) and pd.isna(first["analysed_n_level"])
    assert first["denom_units"] == ["Eyes", "Participants"]
    assert first["denom_units_selected"] == "Eyes"
    second = frame.iloc[1]  # OG001: a Participants count that is no whole number
    assert pd.isna(second["analysed_n"]) and second["analysed_n_level"] == "measure"
    assert "analysed N '12.5': not a whole number of participants" in second["numeric_note"]


def test_keys_are_unique_and_a_repeated_trial_is_counted_once() -> None:
    rows = ResultRows()
    one = decode_results_page(page(study("NCT00000001"), study("NCT00000002")))
    rows.add_page(one)
    rows.add_page(decode_results_page(page(study("NCT00000002"))))
    frame, analyses = rows.frame(), rows.analyses_frame()
    assert rows.repeats == 1 and rows.studies_with_results == 2
    assert len(frame) == 8 and not frame.duplicated(MEASUREMENT_KEY).any()
    assert len(analyses) == 2 and not analyses.duplicated(ANALYSIS_KEY).any()
    assert analyses.iloc[0][["p_value_text", "p_value", "param_value"]].tolist() == [
        "<0.001",
        None,
        Decimal("-6.20"),
    ]


def test_every_column_is_what_its_declared_type_takes() -> None:
    rows = _rows(study("NCT00000001"), study("NCT00000002", [_values_measure()]))
    for declared, frame in (
        (MEASUREMENT_COLUMNS, rows.frame()),
        (ANALYSIS_COLUMNS, rows.analyses_frame()),
    ):
        assert list(frame.columns) == list(declared)
        for name, (kind, _) in declared.items():
            cells = [binary_copy.cell(v) for v in frame[name].tolist()]
            binary_copy.column_values(name, _OIDS[kind], cells)
