"""The API's JSON as typed structures (msgspec), for the fields the pipeline reads.

Shapes and enums follow the OpenAPI spec (``PagedStudies``, ``Study`` and its modules): a value
of another type, or outside an enum, does not decode. Keys the pipeline does not read are
skipped unparsed. ``lib/trials/decoding.py`` decodes response bodies into these.
"""

from typing import Annotated, Any, Literal

import msgspec

Status = Literal[
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
]
DateType = Literal["ACTUAL", "ESTIMATED"]
Phase = Literal["NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4"]
StudyType = Literal["EXPANDED_ACCESS", "INTERVENTIONAL", "OBSERVATIONAL"]
Allocation = Literal["RANDOMIZED", "NON_RANDOMIZED", "NA"]
PrimaryPurpose = Literal[
    "TREATMENT",
    "PREVENTION",
    "DIAGNOSTIC",
    "ECT",
    "SUPPORTIVE_CARE",
    "SCREENING",
    "HEALTH_SERVICES_RESEARCH",
    "BASIC_SCIENCE",
    "DEVICE_FEASIBILITY",
    "OTHER",
]
InterventionType = Literal[
    "BEHAVIORAL",
    "BIOLOGICAL",
    "COMBINATION_PRODUCT",
    "DEVICE",
    "DIAGNOSTIC_TEST",
    "DIETARY_SUPPLEMENT",
    "DRUG",
    "GENETIC",
    "PROCEDURE",
    "RADIATION",
    "OTHER",
]
# The table's column is a PostgreSQL integer; a negative enrollment is no enrollment.
Count = Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]


class _Wire(msgspec.Struct, rename="camel", gc=False):
    """camelCase keys as the API sends them; unknown keys skipped."""


class DateStruct(_Wire):
    date: str | None = None
    type: DateType | None = None


class Identification(_Wire):
    nct_id: str | None = None
    brief_title: str | None = None
    official_title: str | None = None


class StatusModule(_Wire):
    overall_status: Status | None = None
    start_date_struct: DateStruct | None = None
    primary_completion_date_struct: DateStruct | None = None
    completion_date_struct: DateStruct | None = None
    last_update_post_date_struct: DateStruct | None = None


class Conditions(_Wire):
    conditions: list[str] = []
    keywords: list[str] = []


class EnrollmentInfo(_Wire):
    count: Count | None = None
    type: DateType | None = None


class DesignInfo(_Wire):
    allocation: Allocation | None = None
    primary_purpose: PrimaryPurpose | None = None


class Design(_Wire):
    study_type: StudyType | None = None
    phases: list[Phase] = []
    design_info: DesignInfo | None = None
    enrollment_info: EnrollmentInfo | None = None


class Eligibility(_Wire):
    healthy_volunteers: bool | None = None


class Intervention(_Wire):
    type: InterventionType | None = None
    name: str | None = None
    other_names: list[str] = []


class ArmsInterventions(_Wire):
    interventions: list[Intervention] = []


class Outcome(_Wire):
    measure: str | None = None
    description: str | None = None
    time_frame: str | None = None


class Outcomes(_Wire):
    primary_outcomes: list[Outcome] = []


class Location(_Wire):
    country: str | None = None


class ContactsLocations(_Wire):
    locations: list[Location] = []


class Protocol(_Wire):
    identification_module: Identification | None = None
    status_module: StatusModule | None = None
    conditions_module: Conditions | None = None
    design_module: Design | None = None
    eligibility_module: Eligibility | None = None
    arms_interventions_module: ArmsInterventions | None = None
    outcomes_module: Outcomes | None = None
    contacts_locations_module: ContactsLocations | None = None


class Mesh(_Wire):
    id: str | None = None
    term: str | None = None


class BrowseModule(_Wire):
    meshes: list[Mesh] = []
    ancestors: list[Mesh] = []


class Derived(_Wire):
    condition_browse_module: BrowseModule | None = None


class Study(_Wire):
    protocol_section: Protocol | None = None
    derived_section: Derived | None = None
    has_results: bool | None = None


class Page(_Wire):
    studies: list[Study]
    total_count: Annotated[int, msgspec.Meta(ge=0)] | None = None
    next_page_token: str | None = None


class PageOfRaw(_Wire):
    """A page whose studies are decoded one by one, to find the one that does not fit."""

    studies: list[msgspec.Raw]
    total_count: Annotated[int, msgspec.Meta(ge=0)] | None = None
    next_page_token: str | None = None


class PageOfAny(_Wire):
    """A page read by the standard library's JSON decoder."""

    studies: list[Any]
    total_count: Annotated[int, msgspec.Meta(ge=0)] | None = None
    next_page_token: str | None = None


class Version(_Wire):
    api_version: str
    data_timestamp: str | None = None


class Identity(msgspec.Struct, rename="camel"):
    """Just enough of a study that does not decode to name it."""

    protocol_section: Any = None
