"""The typed contract of one Metapsy comparison row and of ``public.benchmark_study_outcomes``.

``MetapsyRow`` names every table column with its type, bounds and meaning; its aliases are the
Metapsy CSV's own column names (``.id``, ``.g``, ``d1`` ...), so a file is read by column name
and decoded into this model at the edge. The table schema shown in Dagster, the column list the
loader copies and the migration's column comments all say the same.
"""

from types import NoneType, UnionType
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from benchmark_pipeline.lib.postgres.limits import INT_BOUNDS, text_problem

INT_MAX = INT_BOUNDS["integer"][1]
OUTCOME_TYPES = ("msd", "imsd", "change", "response", "remission")
CONTINUOUS = {"msd", "imsd", "change"}
RATINGS = ("clinician", "self-report")
ROB_RATINGS = ("Low", "Some concerns", "High")


def _flag(value: object) -> object:
    # Metapsy writes its yes/no columns as 1 and 0; anything else is not a flag.
    if value in ("0", "1"):
        return value == "1"
    raise ValueError(f"expected 0 or 1, got {value!r}")


Flag = Annotated[bool, BeforeValidator(_flag)]
Count = Annotated[int, Field(gt=0, le=INT_MAX)]
Events = Annotated[int, Field(ge=0, le=INT_MAX)]
Spread = Annotated[float, Field(gt=0)]
Rob = Literal["Low", "Some concerns", "High"]


def _col(alias: str, description: str, **kwargs: object) -> object:
    return Field(alias=alias, description=description, **kwargs)


def _opt(alias: str, description: str, **kwargs: object) -> object:
    return Field(None, alias=alias, description=description, **kwargs)


class MetapsyRow(BaseModel):
    """One comparison (arm 1 vs arm 2) x instrument x time point x outcome type."""

    model_config = ConfigDict(frozen=True, allow_inf_nan=False, extra="ignore")

    row_id: str = _col(".id", "The maintainers' row id (.id); unique within a dataset")
    study: str = _col("study", "First author and year, as the dataset writes it")
    year: int | None = _opt("year", "Year of publication", ge=1900, le=2100)
    doi: str | None = _opt("doi", "DOI(s) of the study report(s), as given ('; ' between two)")
    registration_number: str | None = _opt("registration_number", "Trial registry id as given")
    condition_arm1: str = _col("condition_arm1", "Condition code of arm 1 (the psychedelic arm)")
    condition_arm2: str = _col("condition_arm2", "Condition code of arm 2 (the comparator)")
    multi_arm1: str | None = _opt("multi_arm1", "Which arm 1 in a multi-arm study (e.g. dose)")
    multi_arm2: str | None = _opt("multi_arm2", "Which arm 2 in a multi-arm study (e.g. dose)")
    drug_arm1: str | None = _opt("drug_arm1", "Drug given in arm 1")
    drug_arm2: str | None = _opt("drug_arm2", "Drug or placebo given in arm 2")
    dose_arm1: str | None = _opt("dose_arm1", "Dose in arm 1, as written")
    dose_arm2: str | None = _opt("dose_arm2", "Dose in arm 2, as written")
    name_arm1: str | None = _opt("name_arm1", "Arm 1 as the paper names it")
    name_arm2: str | None = _opt("name_arm2", "Arm 2 as the paper names it")
    instrument: str = _col("instrument", "Outcome instrument, Metapsy code (e.g. madrs, caps-5)")
    rating: Literal["clinician", "self-report"] | None = _opt("rating", "Who rates the scale")
    primary_instrument: Flag = _col("primary_instrument", "The study's primary instrument here")
    study_time_point: str | None = _opt("study_time_point", "Time point as the study labels it")
    time_weeks: float | None = _opt("time_weeks", "Weeks after the final dosing session")
    time_days: float | None = _opt("time_days", "Days after the final dosing session")
    primary_timepoint: Flag = _col("primary_timepoint", "The study's primary time point")
    post_crossover: Flag | None = _opt("post_crossover", "After crossover (NULL: no crossover)")
    outcome_type: Literal["msd", "imsd", "change", "response", "remission"] = _col(
        "outcome_type",
        "msd endpoint mean/SD, imsd imputed endpoint, change from baseline, response, remission",
    )
    n_arm1: Count | None = _opt("n_arm1", "Arm 1 N of the endpoint mean/SD")
    mean_arm1: float | None = _opt("mean_arm1", "Arm 1 endpoint mean")
    sd_arm1: Spread | None = _opt("sd_arm1", "Arm 1 endpoint SD")
    n_arm2: Count | None = _opt("n_arm2", "Arm 2 N of the endpoint mean/SD")
    mean_arm2: float | None = _opt("mean_arm2", "Arm 2 endpoint mean")
    sd_arm2: Spread | None = _opt("sd_arm2", "Arm 2 endpoint SD")
    n_change_arm1: Count | None = _opt("n_change_arm1", "Arm 1 N of the change score")
    mean_change_arm1: float | None = _opt("mean_change_arm1", "Arm 1 mean change from baseline")
    sd_change_arm1: Spread | None = _opt("sd_change_arm1", "Arm 1 SD of the change")
    n_change_arm2: Count | None = _opt("n_change_arm2", "Arm 2 N of the change score")
    mean_change_arm2: float | None = _opt("mean_change_arm2", "Arm 2 mean change from baseline")
    sd_change_arm2: Spread | None = _opt("sd_change_arm2", "Arm 2 SD of the change")
    event_arm1: Events | None = _opt("event_arm1", "Arm 1 events (responders or remitters)")
    totaln_arm1: Count | None = _opt("totaln_arm1", "Arm 1 N of the dichotomous outcome")
    event_arm2: Events | None = _opt("event_arm2", "Arm 2 events (responders or remitters)")
    totaln_arm2: Count | None = _opt("totaln_arm2", "Arm 2 N of the dichotomous outcome")
    baseline_mean_arm1: float | None = _opt("baseline_m_arm1", "Arm 1 baseline mean")
    baseline_sd_arm1: Spread | None = _opt("baseline_sd_arm1", "Arm 1 baseline SD")
    baseline_n_arm1: Count | None = _opt("baseline_n_arm1", "Arm 1 N at baseline")
    baseline_mean_arm2: float | None = _opt("baseline_m_arm2", "Arm 2 baseline mean")
    baseline_sd_arm2: Spread | None = _opt("baseline_sd_arm2", "Arm 2 baseline SD")
    baseline_n_arm2: Count | None = _opt("baseline_n_arm2", "Arm 2 N at baseline")
    hedges_g: float | None = _opt(".g", "Hedges' g by the maintainers; negative favours arm 1")
    hedges_g_se: Spread | None = _opt(".g_se", "Standard error of hedges_g")
    log_rr: float | None = _opt(".log_rr", "Log risk ratio (arm 1 vs arm 2) by the maintainers")
    log_rr_se: Spread | None = _opt(".log_rr_se", "Standard error of log_rr")
    rob_randomization: Rob | None = _opt("d1", "Risk of bias (RoB 2) domain 1: randomization")
    rob_deviations: Rob | None = _opt("d2", "RoB 2 domain 2: deviations from interventions")
    rob_missing_data: Rob | None = _opt("d3", "RoB 2 domain 3: missing outcome data")
    rob_measurement: Rob | None = _opt("d4", "RoB 2 domain 4: measurement of the outcome")
    rob_selection: Rob | None = _opt("d5", "RoB 2 domain 5: selection of the reported result")
    rob_overall: Rob | None = _opt("rob", "RoB 2 overall rating")

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                raise ValueError("is blank")
            if problem := text_problem(value):
                raise ValueError(problem)
        return value


# Table columns filled outside the CSV: which dataset and release a row came from, and the
# registry id again when it is a ClinicalTrials.gov one (to join benchmark_trials).
CONTEXT_COLUMNS = {
    "dataset": ("text", "Metapsy dataset shorthand, e.g. depression-psiloctr"),
    "release": ("text", "Dataset release the row was read from, e.g. 25.1.2"),
}
DERIVED_COLUMNS = {
    "nct_id": ("text", "registration_number when it is a ClinicalTrials.gov id (NCT + 8 digits)"),
}
FIELDS = MetapsyRow.model_fields
CSV_NAMES = {name: field.alias for name, field in FIELDS.items()}
REQUIRED_CSV_COLUMNS = list(CSV_NAMES.values())
ROW_COLUMNS = list(FIELDS)
TABLE_COLUMNS = [*CONTEXT_COLUMNS, *ROW_COLUMNS, *DERIVED_COLUMNS]
KEY = ["dataset", "row_id"]


_SQL_TYPES = {bool: "boolean", int: "integer", float: "numeric", str: "text"}


def _base_type(annotation: object) -> object:
    """``int`` for ``Annotated[int, ...] | None``; ``str`` for a ``Literal`` of strings."""
    origin, args = get_origin(annotation), [a for a in get_args(annotation) if a is not NoneType]
    if origin is Literal:
        return str
    if origin in (Annotated, Union, UnionType):
        return _base_type(args[0])
    return annotation


def _type_name(name: str) -> str:
    return _SQL_TYPES[_base_type(FIELDS[name].annotation)]


def column_types() -> dict[str, str]:
    """Table column -> PostgreSQL type name, in table order."""
    extra = {**CONTEXT_COLUMNS, **DERIVED_COLUMNS}
    return {c: extra[c][0] if c in extra else _type_name(c) for c in TABLE_COLUMNS}


def column_descriptions() -> dict[str, str]:
    """Table column -> meaning, with the Metapsy CSV column it comes from."""
    extra = {**CONTEXT_COLUMNS, **DERIVED_COLUMNS}
    return {
        c: extra[c][1] if c in extra else f"{FIELDS[c].description} (CSV: {CSV_NAMES[c]})"
        for c in TABLE_COLUMNS
    }
