"""Response pages of posted results into typed results per study, or a rejection per study.

``decode_results_page`` reads one ``/studies`` body asked with ``filter.ids`` and
``fields=NCTId|LastUpdatePostDate|ResultsSection`` (a ``PagedStudies``): each study becomes a
``StudyResults`` or, when anything in it cannot be trusted, a ``Rejected`` (from
``lib/trials/decoding.py``) with its NCT id, the field path and the reason; the other studies
of the page are kept. A body that is not JSON or not a ``PagedStudies`` raises
``MalformedResponse``; ``results_page`` turns that into the client's ``MalformedAnswer``,
which names the request.

A study's results are rejected for a wrong-typed value or a value outside an enum, a string
PostgreSQL text cannot hold, an impossible last-update date, or a group id that does not
refer to one of its module's groups (a measurement that cannot be put in an arm is no
measurement). A value that is not a number ("NA") is legal: it is the rows that keep it as
text.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec

from benchmark_pipeline.lib.trials.client import Answer
from benchmark_pipeline.lib.trials.dates import full_date
from benchmark_pipeline.lib.trials.decoding import (
    MalformedResponse,
    RecordError,
    Rejected,
    split_error,
    stdlib_study_by_study,
    study_by_study,
    text_rejection,
)
from benchmark_pipeline.lib.trials.results.references import reference_problems
from benchmark_pipeline.lib.trials.results.wire import ResultsPage, ResultsSection, ResultsStudy

_NCT_PATH = "protocolSection.identificationModule.nctId"
_LAST_UPDATE_PATH = "protocolSection.statusModule.lastUpdatePostDateStruct.date"
_PAGE = msgspec.json.Decoder(ResultsPage)
_STUDY = msgspec.json.Decoder(ResultsStudy)
_ESCAPED_NUL = b"\\u0000"


@dataclass(frozen=True)
class StudyResults:
    """One trial's posted results, typed; ``results`` is None when the record has none."""

    nct_id: str
    last_update_date: date | None
    has_results: bool | None
    results: ResultsSection | None


@dataclass
class DecodedResults:
    """One page: the studies whose results decoded, and those set aside with the reason."""

    studies: list[StudyResults]
    total_count: int | None
    next_page_token: str | None
    rejected: list[Rejected] = field(default_factory=list)


def decode_results_page(body: bytes) -> DecodedResults:
    """One ``/studies`` body as typed results per study; ``MalformedResponse`` says why not.

    The whole page is decoded at once; when one study does not fit, the page is decoded study
    by study so that only that study is rejected.
    """
    try:
        page = _PAGE.decode(body)
    except msgspec.ValidationError:
        return _by_study(body)
    except msgspec.DecodeError:
        return _from_stdlib_json(body)
    return _checked(page.studies, page.total_count, page.next_page_token, [], body)


def results_page(answer: Answer) -> DecodedResults:
    """``answer``'s body decoded; ``MalformedAnswer`` naming the request, status and body when
    it is not a ``PagedStudies``."""
    try:
        return decode_results_page(answer.body)
    except MalformedResponse as exc:
        raise answer.malformed(str(exc)) from None


def _checked(
    studies: list[ResultsStudy],
    total_count: int | None,
    token: str | None,
    rejected: list[Rejected],
    body: bytes | None,
) -> DecodedResults:
    # msgspec reads JSON strictly, so only an escaped NUL can bring a string PostgreSQL text
    # refuses; a page without one is not walked again (None: read by the standard library).
    check_text = body is None or _ESCAPED_NUL in body
    kept = []
    for study in studies:
        try:
            kept.append(study_results(study, check_text=check_text))
        except RecordError as exc:
            rejected.append(exc.rejected)
    return DecodedResults(kept, total_count, token, rejected)


def _by_study(body: bytes) -> DecodedResults:
    page, studies, rejected = study_by_study(body, _STUDY.decode)
    return _checked(studies, page.total_count, page.next_page_token, rejected, body)


def _convert(record: Any) -> ResultsStudy:
    try:
        return msgspec.convert(record, ResultsStudy)
    except msgspec.ValidationError as exc:
        raise RecordError(_nct_in(record), *split_error(exc)) from None


def _from_stdlib_json(body: bytes) -> DecodedResults:
    page, studies, rejected = stdlib_study_by_study(body, _convert)
    return _checked(studies, page.total_count, page.next_page_token, rejected, None)


def _nct_in(record: Any) -> str | None:
    """The NCT id of a study that did not decode, if it has a usable one."""
    for key in ("protocolSection", "identificationModule", "nctId"):
        record = record.get(key) if isinstance(record, dict) else None
    return record if isinstance(record, str) else None


def study_results(study: ResultsStudy, *, check_text: bool = True) -> StudyResults:
    """A decoded study's results, checked; ``RecordError`` names the field that cannot be used.

    ``check_text=False`` skips the walk for strings PostgreSQL text cannot hold (for a body
    known to have none).
    """
    protocol = study.protocol_section
    ident = protocol.identification_module if protocol else None
    nct = ident.nct_id if ident else None
    if not nct:
        raise RecordError(None, _NCT_PATH, "missing: results need the trial's NCT id")
    problem = text_rejection(study) if check_text else None
    if problem:
        raise RecordError(nct, *problem)
    status = protocol.status_module
    struct = status.last_update_post_date_struct if status else None
    updated = None
    if struct is not None and struct.date is not None:
        try:
            updated = full_date(struct.date)
        except ValueError as exc:
            raise RecordError(nct, _LAST_UPDATE_PATH, str(exc)) from None
    results = study.results_section
    if results is not None:
        problem = next(reference_problems(results), None)
        if problem:
            raise RecordError(nct, *problem)
    return StudyResults(nct, updated, study.has_results, results)
