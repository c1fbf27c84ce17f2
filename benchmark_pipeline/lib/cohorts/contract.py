"""The column contract of the verified cohort CSV and of ``public.benchmark_cohorts``.

``CohortFrame`` lists every column in CSV order with its type, nullability, bounds and meaning;
the header check, the typed output of validation and the table schema shown in Dagster all come
from it. data/README.md explains the same columns for the people who edit the CSV.
"""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from benchmark_pipeline.lib.cohorts.vocabulary import (
    CONDITIONS,
    EFFECT_SIZE_KINDS,
    INSTRUMENTS,
    MODALITIES,
    SETTINGS,
)

Int = pd.Int64Dtype
Float = pd.Float64Dtype
Bool = pd.BooleanDtype
# The earliest publication year the table accepts; the latest is the current year (``rules``).
FIRST_PUBLICATION_YEAR = 1900


def _pct(description: str) -> object:
    return pa.Field(nullable=True, ge=0, le=100, description=description)


def _positive(description: str) -> object:
    return pa.Field(nullable=True, gt=0, description=description)


def _optional(description: str) -> object:
    return pa.Field(nullable=True, description=description)


class CohortFrame(pa.DataFrameModel):
    """One verified cohort per row; empty cells are values that were not verified."""

    cohort_name: Series[str] = pa.Field(unique=True, description="Natural key; unique label")
    source_citation: Series[str] = pa.Field(description="Full citation including the DOI")
    doi: Series[str] = pa.Field(description="DOI of the cited source; must appear in the citation")
    publication_year: Series[Int] = pa.Field(
        nullable=True,
        ge=FIRST_PUBLICATION_YEAR,
        description=(
            "Year the cited source was published (a Metapsy pooled row: its release year); "
            "written in the citation; empty = not verified"
        ),
    )
    nct_id: Series[str] = pa.Field(
        nullable=True, str_matches=r"^NCT\d{8}$", description="Registry id"
    )
    modality: Series[str] = pa.Field(isin=sorted(MODALITIES), description="Treatment, lowercase")
    condition: Series[str] = pa.Field(isin=sorted(CONDITIONS), description="Condition code")
    condition_detail: Series[str] = _optional("Condition as the source describes it")
    setting: Series[str] = pa.Field(isin=sorted(SETTINGS), description="Study setting")
    n_participants: Series[Int] = pa.Field(
        gt=0, description="Total randomized (pooled participants for a meta-analysis)"
    )
    active_arm_n: Series[Int] = _positive("Randomized to the active arm")
    country: Series[str] = _optional("Country or countries of the sites")
    instrument: Series[str] = pa.Field(isin=sorted(INSTRUMENTS), description="Primary instrument")
    baseline_mean: Series[Float] = _optional("Baseline score (mean), instrument units")
    baseline_sd: Series[Float] = _positive("Baseline score SD")
    endpoint_mean: Series[Float] = _optional("Endpoint score (mean), only when reported as a score")
    endpoint_sd: Series[Float] = _positive("Endpoint score SD")
    change_mean: Series[Float] = _optional("Mean change from baseline (negative = fewer symptoms)")
    change_sd: Series[Float] = _positive("SD of the change (never an SE)")
    change_detail: Series[str] = _optional("Group, estimator and comparator of the change")
    followup_weeks: Series[Int] = _positive("Primary endpoint, whole weeks after baseline")
    followup_days: Series[Int] = pa.Field(
        nullable=True, ge=1, le=6, description="Primary endpoint in days when under a week"
    )
    followup_weeks_min: Series[Int] = _positive("Start of a follow-up window, weeks")
    followup_weeks_max: Series[Int] = _positive("End of a follow-up window, weeks")
    response_rate_pct: Series[Float] = _pct("Responders, % of the active arm")
    response_definition: Series[str] = _optional("Response definition as published")
    remission_rate_pct: Series[Float] = _pct("Remitters, % of the active arm")
    remission_definition: Series[str] = _optional("Remission definition as published")
    loss_of_diagnosis_pct: Series[Float] = _pct("No longer meeting diagnostic criteria, %")
    effect_size_hedges_g: Series[Float] = _optional("Hedges' g, only when the source reports it")
    effect_size: Series[Float] = _optional("Any other published effect size (see its kind)")
    effect_size_kind: Series[str] = pa.Field(
        nullable=True, isin=sorted(EFFECT_SIZE_KINDS), description="Kind of the effect size"
    )
    effect_size_detail: Series[str] = _optional("Comparison, direction and interval of the effect")
    adverse_event_rate_pct: Series[Float] = _pct("Any adverse event, % of the active arm")
    data_freely_usable: Series[Bool] = _optional(
        "Reuse terms: true = open licence verified, false = verified restricted, empty = not verified"
    )
    license: Series[str] = _optional("Licence or access terms as verified; empty when not verified")
    notes: Series[str] = _optional("Verification notes: arms, definitions, caveats")
    value_sources: Series[str] = _optional("Where each value was read")

    class Config:
        strict = True
        coerce = True


SCHEMA = CohortFrame.to_schema()
COLUMNS: list[str] = list(SCHEMA.columns)
INT_COLUMNS = [n for n, c in SCHEMA.columns.items() if str(c.dtype) == "Int64"]
FLOAT_COLUMNS = [n for n, c in SCHEMA.columns.items() if str(c.dtype) == "Float64"]
BOOL_COLUMNS = [n for n, c in SCHEMA.columns.items() if str(c.dtype) == "boolean"]
TEXT_COLUMNS = [n for n in COLUMNS if n not in {*INT_COLUMNS, *FLOAT_COLUMNS, *BOOL_COLUMNS}]
PCT_COLUMNS = [n for n in COLUMNS if n.endswith("_pct")]
SD_COLUMNS = [n for n in COLUMNS if n.endswith("_sd")]
MEAN_COLUMNS = ["baseline_mean", "endpoint_mean"]


def column_types() -> dict[str, str]:
    """Column name -> type name, for documentation and the Dagster table schema."""
    names = {"Int64": "integer", "Float64": "numeric", "boolean": "boolean"}
    return {n: names.get(str(c.dtype), "text") for n, c in SCHEMA.columns.items()}


def column_descriptions() -> dict[str, str]:
    return {n: c.description or "" for n, c in SCHEMA.columns.items()}
