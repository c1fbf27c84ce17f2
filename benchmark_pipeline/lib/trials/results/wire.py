"""A study's posted results as typed structures (msgspec), shaped by the OpenAPI spec.

Names, nesting and enums follow ``ResultsSection`` and its modules in ``ctg-oas-v2.yaml``: a
value of another type, or outside an enum, does not decode. What the spec types as a string
stays a string here (a measurement's ``value``, ``spread`` and limits, a denom count, an
analysis's ``paramValue`` and ``pValue``): the registry posts "NA", "<0.001" or "12.30" there,
and ``lib/trials/results/numbers.py`` decides later what is a number. Keys not declared here
(the adverse events module, more-info contacts) are skipped unparsed.
"""

from typing import Annotated, Literal

import msgspec

from benchmark_pipeline.lib.trials.wire import DateStruct, Identification

OutcomeMeasureType = Literal["PRIMARY", "SECONDARY", "OTHER_PRE_SPECIFIED", "POST_HOC"]
ReportingStatus = Literal["NOT_POSTED", "POSTED"]
MeasureParam = Literal[
    "GEOMETRIC_MEAN",
    "GEOMETRIC_LEAST_SQUARES_MEAN",
    "LEAST_SQUARES_MEAN",
    "LOG_MEAN",
    "MEAN",
    "MEDIAN",
    "NUMBER",
    "COUNT_OF_PARTICIPANTS",
    "COUNT_OF_UNITS",
]
MeasureDispersionType = Literal[
    "NA",
    "STANDARD_DEVIATION",
    "STANDARD_ERROR",
    "INTER_QUARTILE_RANGE",
    "FULL_RANGE",
    "CONFIDENCE_80",
    "CONFIDENCE_90",
    "CONFIDENCE_95",
    "CONFIDENCE_975",
    "CONFIDENCE_99",
    "CONFIDENCE_OTHER",
    "GEOMETRIC_COEFFICIENT",
]
AnalysisDispersionType = Literal["STANDARD_DEVIATION", "STANDARD_ERROR_OF_MEAN"]
ConfidenceIntervalNumSides = Literal["ONE_SIDED", "TWO_SIDED"]
NonInferiorityType = Literal[
    "SUPERIORITY", "NON_INFERIORITY", "EQUIVALENCE", "OTHER", "NON_INFERIORITY_OR_EQUIVALENCE"
]


class _Wire(msgspec.Struct, rename="camel", gc=False):
    """camelCase keys as the API sends them; unknown keys skipped."""


class MeasureGroup(_Wire):
    id: str | None = None
    title: str | None = None
    description: str | None = None


class DenomCount(_Wire):
    group_id: str | None = None
    value: str | None = None


class Denom(_Wire):
    units: str | None = None
    counts: list[DenomCount] = []


class Measurement(_Wire):
    group_id: str | None = None
    value: str | None = None
    spread: str | None = None
    lower_limit: str | None = None
    upper_limit: str | None = None
    comment: str | None = None


class MeasureCategory(_Wire):
    title: str | None = None
    measurements: list[Measurement] = []


class MeasureClass(_Wire):
    title: str | None = None
    denoms: list[Denom] = []
    categories: list[MeasureCategory] = []


class MeasureAnalysis(_Wire):
    """A between-group analysis (the spec's ``MeasureAnalysis``); its ``paramType`` is free text
    ("Mean Difference (Final Values)", "Hazard Ratio (HR)"), not the ``MeasureParam`` enum."""

    param_type: str | None = None
    param_value: str | None = None
    dispersion_type: AnalysisDispersionType | None = None
    dispersion_value: str | None = None
    statistical_method: str | None = None
    statistical_comment: str | None = None
    p_value: str | None = None
    p_value_comment: str | None = None
    ci_num_sides: ConfidenceIntervalNumSides | None = None
    ci_pct_value: str | None = None
    ci_lower_limit: str | None = None
    ci_upper_limit: str | None = None
    ci_lower_limit_comment: str | None = None
    ci_upper_limit_comment: str | None = None
    estimate_comment: str | None = None
    tested_non_inferiority: bool | None = None
    non_inferiority_type: NonInferiorityType | None = None
    non_inferiority_comment: str | None = None
    other_analysis_description: str | None = None
    group_description: str | None = None
    group_ids: list[str] = []


class OutcomeMeasure(_Wire):
    """One posted outcome measure. Its ``dispersionType`` is a plain string in the spec (the
    registry posts display text such as "Standard Deviation" or "95% Confidence Interval"),
    unlike a baseline measure's, which is the ``MeasureDispersionType`` enum."""

    type: OutcomeMeasureType | None = None
    title: str | None = None
    description: str | None = None
    population_description: str | None = None
    reporting_status: ReportingStatus | None = None
    anticipated_posting_date: str | None = None
    param_type: MeasureParam | None = None
    dispersion_type: str | None = None
    unit_of_measure: str | None = None
    calculate_pct: bool | None = None
    time_frame: str | None = None
    type_units_analyzed: str | None = None
    denom_units_selected: str | None = None
    groups: list[MeasureGroup] = []
    denoms: list[Denom] = []
    classes: list[MeasureClass] = []
    analyses: list[MeasureAnalysis] = []


class OutcomeMeasuresModule(_Wire):
    outcome_measures: list[OutcomeMeasure] = []


class BaselineMeasure(_Wire):
    title: str | None = None
    description: str | None = None
    population_description: str | None = None
    param_type: MeasureParam | None = None
    dispersion_type: MeasureDispersionType | None = None
    unit_of_measure: str | None = None
    calculate_pct: bool | None = None
    denom_units_selected: str | None = None
    denoms: list[Denom] = []
    classes: list[MeasureClass] = []


class BaselineCharacteristicsModule(_Wire):
    population_description: str | None = None
    type_units_analyzed: str | None = None
    groups: list[MeasureGroup] = []
    denoms: list[Denom] = []
    measures: list[BaselineMeasure] = []


class FlowStats(_Wire):
    group_id: str | None = None
    comment: str | None = None
    num_subjects: str | None = None
    num_units: str | None = None


class FlowMilestone(_Wire):
    type: str | None = None
    comment: str | None = None
    achievements: list[FlowStats] = []


class DropWithdraw(_Wire):
    type: str | None = None
    comment: str | None = None
    reasons: list[FlowStats] = []


class FlowPeriod(_Wire):
    title: str | None = None
    milestones: list[FlowMilestone] = []
    drop_withdraws: list[DropWithdraw] = []


class ParticipantFlowModule(_Wire):
    pre_assignment_details: str | None = None
    recruitment_details: str | None = None
    type_units_analyzed: str | None = None
    groups: list[MeasureGroup] = []  # the spec's FlowGroup: the same id, title, description
    periods: list[FlowPeriod] = []


class ResultsSection(_Wire):
    participant_flow_module: ParticipantFlowModule | None = None
    baseline_characteristics_module: BaselineCharacteristicsModule | None = None
    outcome_measures_module: OutcomeMeasuresModule | None = None


class ResultsStatus(_Wire):
    last_update_post_date_struct: DateStruct | None = None


class ResultsProtocol(_Wire):
    """Only what names a study and dates its record; the rest of the protocol is not judged
    here (the trials refresh decodes it)."""

    identification_module: Identification | None = None
    status_module: ResultsStatus | None = None


class ResultsStudy(_Wire):
    protocol_section: ResultsProtocol | None = None
    results_section: ResultsSection | None = None
    has_results: bool | None = None


class ResultsPage(_Wire):
    studies: list[ResultsStudy]
    total_count: Annotated[int, msgspec.Meta(ge=0)] | None = None
    next_page_token: str | None = None
