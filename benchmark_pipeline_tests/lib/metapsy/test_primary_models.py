"""The primary-model filters: R's semantics, the guides' exact statements, the rows they keep."""

import re

import pandas as pd
import pytest

from benchmark_pipeline.lib.metapsy.primary_models import PRIMARY_MODELS, select_rows
from benchmark_pipeline.lib.metapsy.r_filters import FilterSyntaxError, RFilter
from benchmark_pipeline.lib.metapsy.reading import read_dataset_csv
from benchmark_pipeline.lib.metapsy.snapshot import read_snapshot
from benchmark_pipeline.lib.metapsy.validation import typed_frame, validate_dataset
from benchmark_pipeline_tests.lib.metapsy.snapshots import PINNED
from benchmark_pipeline_tests.support.reference import ReferenceMissing, reference_dir


def _methods_guide(name: str) -> str:
    """A methods guide from the shared Metapsy material beside the reference folder."""
    path = reference_dir().parent / "datasets" / "metapsy" / "methods" / name
    if not path.is_file():
        raise ReferenceMissing(f"Metapsy methods guide missing: {path}")
    return path.read_text(encoding="utf-8")


def _frame(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return typed_frame(
        [dict.fromkeys(("dataset",)) | {c: v[i] for c, v in columns.items()} for i in range(n)]
    )


def _eval(text: str, frame: pd.DataFrame) -> list:
    return [None if v is pd.NA else bool(v) for v in RFilter(text).evaluate(frame)]


def test_na_propagates_as_in_r_and_filter_drops_it() -> None:
    frame = _frame(post_crossover=[True, False, None], multi_arm1=["10 mg", None, "25 mg"])
    assert _eval('Detect(post_crossover, "1")', frame) == [True, False, None]
    assert _eval('is.na(post_crossover) | !Detect(post_crossover, "1")', frame) == [
        False,
        True,
        True,
    ]
    assert _eval('Detect(multi_arm1, "10 mg")', frame) == [True, None, False]
    # NA & FALSE is FALSE, NA & TRUE is NA, NA | TRUE is TRUE: Kleene logic, as in R.
    assert _eval('Detect(multi_arm1, "10 mg") & Detect(post_crossover, "1")', frame) == [
        True,
        False,
        False,
    ]
    assert _eval('!(Detect(multi_arm1, "10 mg") & !is.na(post_crossover))', frame) == [
        False,
        None,
        True,
    ]


def test_columns_compare_as_r_text_and_detect_is_a_regex() -> None:
    frame = _frame(
        primary_instrument=[True, False],
        study=["Ot'alora 2018", "Goodwin 2022"],
        time_weeks=[4.0, 4.5],
    )
    assert _eval('primary_instrument == "1"', frame) == [True, False]
    assert _eval('primary_instrument != "1"', frame) == [False, True]
    assert _eval("time_weeks == \"4\" | time_weeks == '4.5'", frame) == [True, True]
    assert _eval('Detect(study, "Ot\'alora 2018")', frame) == [True, False]
    assert _eval('Detect(study, "^Good|alora")', frame) == [True, True]
    assert _eval('Detect(study, "goodwin")', frame) == [False, False]  # case-sensitive


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('primary_instrument = "1"', "cannot read"),
        ('nonsense == "1"', "unknown column 'nonsense'"),
        ('grepl("x", study)', "unknown function grepl()"),
        ('(study == "x"', "expected )"),
        ('"1"', "is a constant"),
    ],
)
def test_statements_outside_the_supported_r_are_refused(text: str, message: str) -> None:
    with pytest.raises(FilterSyntaxError, match=re.escape(message)):
        RFilter(text).evaluate(_frame(study=["x"], primary_instrument=[True]))


def _data_main_statements(guide: str) -> list[str]:
    text = _methods_guide(guide.split("-", 3)[-1])
    block = re.search(r"data_main <- data %>%\s*filterPoolingData\((.*?)\n  \)\n", text, re.S)
    assert block, guide
    return [line.strip().rstrip(",") for line in block.group(1).strip().splitlines()]


@pytest.mark.parametrize("dataset", sorted(PRIMARY_MODELS))
def test_filters_are_the_guides_statements_verbatim_and_in_order(dataset: str) -> None:
    model = PRIMARY_MODELS[dataset]
    assert [f.text for f in model.filters] == _data_main_statements(model.guide)


PSILODEP_STUDIES = [
    "Back 2024", "Davis 2021", "Goodwin 2022", "Griffiths 2016", "Lewis 2025",
    "Luquiens 2025", "Raison 2023", "Rieser 2025", "Rosenblat 2024", "Ross 2016",
    "Ross 2025", "von Rotz 2023",
]  # fmt: skip
MDMAPTSD_STUDIES = [
    "Mitchell 2021", "Mitchell 2023", "Mithoefer 2011", "Mithoefer 2018", "Oehen 2013",
    "Ot'alora 2018",
]  # fmt: skip


@pytest.mark.parametrize(
    ("dataset", "studies"),
    [("depression-psiloctr", PSILODEP_STUDIES), ("ptsd-mdmactr", MDMAPTSD_STUDIES)],
)
def test_the_filters_keep_one_row_per_study_of_the_published_forest_plot(
    dataset: str, studies: list[str]
) -> None:
    snapshot = read_snapshot(PINNED / dataset)
    valid = validate_dataset(snapshot, read_dataset_csv(snapshot.data_csv)).valid
    selection = select_rows(valid, PRIMARY_MODELS[dataset])
    assert sorted(selection.included["study"]) == studies
    assert len(selection.included) + len(selection.excluded) == len(valid)
    assert selection.steps[-1].remaining == len(studies)
    assert selection.excluded["reasons"].str.len().gt(0).all()
    included = selection.included
    assert included["primary_instrument"].all() and included["primary_timepoint"].all()
    assert set(included["outcome_type"]) <= {"msd", "imsd"}


def test_excluded_rows_say_which_statements_dropped_them() -> None:
    snapshot = read_snapshot(PINNED / "depression-psiloctr")
    valid = validate_dataset(snapshot, read_dataset_csv(snapshot.data_csv)).valid
    selection = select_rows(valid, PRIMARY_MODELS["depression-psiloctr"])
    why = selection.excluded.set_index("row_id")["reasons"]
    goodwin_10mg = "Goodwin2022_imsd_madrs_Week3_3.00_clinician_psil_psil_25mg_10mg"
    assert why[goodwin_10mg] == (
        '!(Detect(study, "Goodwin 2022") & (!is.na(multi_arm2)) & Detect(multi_arm2, "10 mg"))'
        " is FALSE"
    )
    grob = why[why.index.str.startswith("Grob2011_msd_bdi_2weeks")]
    assert list(grob) == ['is.na(post_crossover) | !Detect(post_crossover, "1") is FALSE']
    assert not selection.included["study"].isin(["Krempien 2023", "Carhart-Harris 2021"]).any()
