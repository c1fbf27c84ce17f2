"""Response bodies into typed studies: the boundary where a bad record is set aside, not loaded.

``decode_page`` turns one ``/studies`` body into typed ``Study`` values (``lib/trials/wire.py``):
a body that is not JSON or not a ``PagedStudies`` raises ``MalformedResponse``; a study with a
wrong-typed value, or a string PostgreSQL text cannot hold, is set aside as a ``Rejected`` with
its NCT id, field path and reason, and the others are kept.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from benchmark_pipeline.lib.postgres.limits import text_problem
from benchmark_pipeline.lib.trials.wire import (
    Identity,
    Page,
    PageOfAny,
    PageOfRaw,
    Study,
    Version,
)


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
_PAGE_OF_RAW = msgspec.json.Decoder(PageOfRaw)
_STUDY = msgspec.json.Decoder(Study)
_IDENTITY = msgspec.json.Decoder(Identity)
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


T = TypeVar("T")


def study_by_study(
    body: bytes, decode: Callable[[msgspec.Raw], T]
) -> tuple[PageOfRaw, list[T], list[Rejected]]:
    """A page whose studies did not all decode, decoded one study at a time with ``decode``:
    the page, the studies that decoded, and a ``Rejected`` (NCT id, field, reason) for each
    other. ``MalformedResponse`` when the page itself is not a ``PagedStudies``."""
    try:
        page = _PAGE_OF_RAW.decode(body)
    except msgspec.ValidationError as exc:
        raise MalformedResponse(f"not a PagedStudies page: {_where(exc)}") from None
    studies, rejected = [], []
    for raw in page.studies:
        try:
            studies.append(decode(raw))
        except msgspec.ValidationError as exc:
            rejected.append(Rejected(_identity(raw), *split_error(exc)))
    return page, studies, rejected


def stdlib_study_by_study(
    body: bytes, convert: Callable[[Any], T]
) -> tuple[PageOfAny, list[T], list[Rejected]]:
    """A page msgspec cannot read as JSON, read by the standard library (which takes some JSON
    msgspec refuses, e.g. a lone surrogate escape in one string), each study converted with
    ``convert`` (raising ``RecordError``): such a page is still a page, and only the study
    holding it is rejected. ``MalformedResponse`` when it is not JSON or not a page."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedResponse(f"not JSON: {exc}") from None
    try:
        page = msgspec.convert(document, PageOfAny)
    except msgspec.ValidationError as exc:
        raise MalformedResponse(f"not a PagedStudies page: {_where(exc)}") from None
    studies, rejected = [], []
    for record in page.studies:
        try:
            studies.append(convert(record))
        except RecordError as exc:
            rejected.append(exc.rejected)
    return page, studies, rejected


def _by_study(body: bytes) -> DecodedPage:
    page, studies, rejected = study_by_study(body, _STUDY.decode)
    studies = _checked(studies, rejected, _ESCAPED_NUL in body)
    return DecodedPage(studies, page.total_count, page.next_page_token, rejected)


def _from_stdlib_json(body: bytes) -> DecodedPage:
    page, studies, rejected = stdlib_study_by_study(body, convert_study)
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
