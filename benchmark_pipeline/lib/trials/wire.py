"""The API's JSON as typed structures (msgspec), for the fields the pipeline reads.

Shapes and enums follow the OpenAPI spec (``PagedStudies``, ``Study`` and its modules); keys the
pipeline does not read are skipped unparsed. ``decode_page`` turns one response body into typed
studies: a body that is not JSON or not a ``PagedStudies`` raises ``MalformedResponse``; a study
with a wrong-typed value, or a string PostgreSQL text cannot hold, is set aside as a
``Rejected`` with its NCT id, field path and reason, and the others are kept.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import msgspec

from benchmark_pipeline.lib.postgres.limits import text_problem

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


class _PageOfRaw(_Wire):
    studies: list[msgspec.Raw]
    total_count: Annotated[int, msgspec.Meta(ge=0)] | None = None
    next_page_token: str | None = None


class _PageOfAny(_Wire):
    studies: list[Any]
    total_count: Annotated[int, msgspec.Meta(ge=0)] | None = None
    next_page_token: str | None = None


class Version(_Wire):
    api_version: str
    data_timestamp: str | None = None


class _Identity(msgspec.Struct, rename="camel"):
    protocol_section: Any = None


@dataclass(frozen=True)
class Rejected:
    """A study left out: its NCT id (None if it has none), the field at fault and why."""

    nct_id: str | None
    field: str
    reason: str


@dataclass
class DecodedPage:
    studies: list[Study]
    total_count: int | None
    next_page_token: str | None
    rejected: list[Rejected] = field(default_factory=list)


class MalformedResponse(ValueError):
    """A response that is not what the API promises; the message names it."""


_PAGE = msgspec.json.Decoder(Page)
_PAGE_OF_RAW = msgspec.json.Decoder(_PageOfRaw)
_STUDY = msgspec.json.Decoder(Study)
_IDENTITY = msgspec.json.Decoder(_Identity)
_VERSION = msgspec.json.Decoder(Version)
_ESCAPED_NUL = b"\\u0000"
_AT_PATH = re.compile(r"^(?P<reason>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def split_error(error: msgspec.MsgspecError) -> tuple[str, str]:
    """msgspec's "Expected `int`, got `str` - at `$.a.b`" as ("a.b", "Expected `int`, got `str`")."""
    match = _AT_PATH.match(str(error))
    path = (match.group("path") or "").lstrip(".")
    return path or "<record>", match.group("reason")


def _nct_of(protocol: Any) -> str | None:
    ident = protocol.get("identificationModule") if isinstance(protocol, dict) else None
    nct = ident.get("nctId") if isinstance(ident, dict) else None
    return nct if isinstance(nct, str) else None


def text_rejection(study: Study) -> tuple[str, str] | None:
    """The first string PostgreSQL text cannot hold, as (field path, reason); None if none."""
    return _text_problem_in(study, "")


def _text_problem_in(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        problem = text_problem(value)
        return (path, problem) if problem else None
    if isinstance(value, list):
        for i, item in enumerate(value):
            if found := _text_problem_in(item, f"{path}[{i}]"):
                return found
    elif isinstance(value, msgspec.Struct):
        for name, encoded in zip(
            value.__struct_fields__, value.__struct_encode_fields__, strict=True
        ):
            where = f"{path}.{encoded}" if path else encoded
            if found := _text_problem_in(getattr(value, name), where):
                return found
    return None


def nct_id_of(study: Study) -> str | None:
    protocol = study.protocol_section
    ident = protocol.identification_module if protocol else None
    return ident.nct_id if ident else None


def _checked(studies: list[Study], rejected: list[Rejected], check_text: bool) -> list[Study]:
    if not check_text:
        return studies
    kept = []
    for study in studies:
        problem = text_rejection(study)
        if problem:
            rejected.append(Rejected(nct_id_of(study), *problem))
        else:
            kept.append(study)
    return kept


def convert_study(record: Any) -> Study:
    """A study already parsed from JSON (a dict) as a typed ``Study``; raises ``RecordError``."""
    try:
        study = msgspec.convert(record, Study)
    except msgspec.ValidationError as exc:
        raise RecordError(_nct_of(_get(record, "protocolSection")), *split_error(exc)) from None
    problem = text_rejection(study)
    if problem:
        raise RecordError(nct_id_of(study), *problem)
    return study


def _get(record: Any, key: str) -> Any:
    return record.get(key) if isinstance(record, dict) else None


class RecordError(ValueError):
    """One study cannot be used; carries what a ``Rejected`` needs."""

    def __init__(self, nct_id: str | None, path: str, reason: str) -> None:
        super().__init__(f"{nct_id or 'a record without nctId'}: {path}: {reason}")
        self.rejected = Rejected(nct_id, path, reason)


def decode_page(body: bytes) -> DecodedPage:
    """One ``/studies`` response body as typed studies; ``MalformedResponse`` says why not.

    The fast path decodes the whole page at once; when one study does not fit, the page is
    decoded study by study so that only that study is rejected.
    """
    check_text = _ESCAPED_NUL in body
    try:
        page = _PAGE.decode(body)
    except msgspec.ValidationError:
        return _by_study(body)
    except msgspec.DecodeError:
        return _from_stdlib_json(body)
    rejected: list[Rejected] = []
    studies = _checked(page.studies, rejected, check_text)
    return DecodedPage(studies, page.total_count, page.next_page_token, rejected)


def _by_study(body: bytes) -> DecodedPage:
    try:
        page = _PAGE_OF_RAW.decode(body)
    except msgspec.ValidationError as exc:
        raise MalformedResponse(f"not a PagedStudies page: {_where(exc)}") from None
    studies, rejected = [], []
    for raw in page.studies:
        try:
            studies.append(_STUDY.decode(raw))
        except msgspec.ValidationError as exc:
            rejected.append(Rejected(_identity(raw), *split_error(exc)))
    studies = _checked(studies, rejected, _ESCAPED_NUL in body)
    return DecodedPage(studies, page.total_count, page.next_page_token, rejected)


def _from_stdlib_json(body: bytes) -> DecodedPage:
    # msgspec refuses some JSON the standard library reads (a lone surrogate escape in one
    # string): such a page is still a page, and only the study holding it is rejected.
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedResponse(f"not JSON: {exc}") from None
    try:
        page = msgspec.convert(document, _PageOfAny)
    except msgspec.ValidationError as exc:
        raise MalformedResponse(f"not a PagedStudies page: {_where(exc)}") from None
    studies, rejected = [], []
    for record in page.studies:
        try:
            studies.append(convert_study(record))
        except RecordError as exc:
            rejected.append(exc.rejected)
    return DecodedPage(studies, page.total_count, page.next_page_token, rejected)


def _identity(raw: msgspec.Raw) -> str | None:
    try:
        return _nct_of(_IDENTITY.decode(raw).protocol_section)
    except msgspec.MsgspecError:
        return None


def _where(error: msgspec.MsgspecError) -> str:
    path, reason = split_error(error)
    return f"{reason} at {path}"


def decode_version(body: bytes) -> Version:
    """``/version``'s body; ``MalformedResponse`` unless it is a ``Version``."""
    try:
        return _VERSION.decode(body)
    except msgspec.MsgspecError as exc:
        raise MalformedResponse(f"not a Version answer: {exc}") from None
