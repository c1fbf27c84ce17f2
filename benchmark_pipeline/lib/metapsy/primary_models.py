"""Each dataset's primary model as its maintainers' reproducibility guide specifies it.

The filters are the guide's ``filterPoolingData(...)`` statements for ``data_main``, copied
verbatim (a test finds each one in the guide); the model is the guide's ``runMetaAnalysis``
call: Hedges' g (.g, .g_se), random effects, REML tau^2, Knapp-Hartung interval, one effect
size per row ("overall" model).
"""

from dataclasses import dataclass

import pandas as pd

from benchmark_pipeline.lib.metapsy.r_filters import RFilter

GUIDES_URL = "https://github.com/PennLINC/sypres-docs/tree/main/docs/datasets/_posts"


@dataclass(frozen=True)
class PrimaryModel:
    dataset: str
    guide: str  # the reproducibility guide's file in the maintainers' documentation
    filters: tuple[RFilter, ...]
    effect: str = "Hedges' g (.g with SE .g_se), negative favours arm 1"
    model: str = "random effects, REML tau^2, Knapp-Hartung 95% CI (t, k-1 df)"


PRIMARY_MODELS = {
    "depression-psiloctr": PrimaryModel(
        dataset="depression-psiloctr",
        guide="2025-06-26-psilodep-meta-analysis.md",
        filters=tuple(
            RFilter(text)
            for text in (
                'primary_instrument == "1"',
                'primary_timepoint == "1"',
                'is.na(post_crossover) | !Detect(post_crossover, "1")',
                'outcome_type == "msd" | outcome_type == "imsd"',
                '!(Detect(study, "Goodwin 2022") & (!is.na(multi_arm1)) & Detect(multi_arm1, "10 mg"))',
                '!(Detect(study, "Goodwin 2022") & (!is.na(multi_arm2)) & Detect(multi_arm2, "10 mg"))',
                '!Detect(study, "Krempien 2023")',
                '!Detect(study, "Carhart-Harris 2021")',
            )
        ),
    ),
    "ptsd-mdmactr": PrimaryModel(
        dataset="ptsd-mdmactr",
        guide="2026-02-13-mdmaptsd-meta-analysis.md",
        filters=tuple(
            RFilter(text)
            for text in (
                'primary_instrument == "1"',
                'primary_timepoint == "1"',
                'is.na(post_crossover) | !Detect(post_crossover, "1")',
                'outcome_type == "msd"',
                '!(Detect(study, "Mithoefer 2018") & (!is.na(multi_arm1)) & Detect(multi_arm2, "75 mg"))',
                '!(Detect(study, "Mithoefer 2018") & (Detect(multi_arm1, "75 mg") & !is.na(multi_arm2)))',
                '!(Detect(study, "Ot\'alora 2018") & (!is.na(multi_arm1)) & Detect(multi_arm2, "100 mg"))',
                '!(Detect(study, "Ot\'alora 2018") & (Detect(multi_arm1, "100 mg") & !is.na(multi_arm2)))',
            )
        ),
    ),
}


@dataclass(frozen=True)
class FilterStep:
    """One statement: how many rows it alone leaves out, and how many remain after it and all
    statements before it."""

    text: str
    not_true: int
    remaining: int


@dataclass(frozen=True)
class Selection:
    included: pd.DataFrame
    excluded: pd.DataFrame  # row_id, study, outcome_type, instrument, study_time_point, reasons
    steps: tuple[FilterStep, ...]


EXCLUDED_COLUMNS = ["row_id", "study", "outcome_type", "instrument", "study_time_point", "reasons"]


def _why(value: object, text: str) -> str:
    return f"{text} is {'NA' if value is pd.NA else 'FALSE'}"


def select_rows(frame: pd.DataFrame, model: PrimaryModel) -> Selection:
    """The rows of ``frame`` that every filter of ``model`` keeps (TRUE; FALSE and NA drop a row,
    as ``dplyr::filter`` does), and every other row with each statement that dropped it."""
    frame = frame.reset_index(drop=True)
    results = [(f.text, f.evaluate(frame)) for f in model.filters]
    keep = pd.Series(True, index=frame.index)
    steps = []
    for text, result in results:
        keep &= result.fillna(False).astype(bool)
        steps.append(FilterStep(text, int((~result.fillna(False)).sum()), int(keep.sum())))
    reasons = [
        "; ".join(_why(r[i], text) for text, r in results if r[i] is pd.NA or not r[i])
        for i in frame.index
    ]
    excluded = frame.assign(reasons=reasons).loc[~keep, EXCLUDED_COLUMNS].reset_index(drop=True)
    return Selection(frame.loc[keep].reset_index(drop=True), excluded, tuple(steps))
