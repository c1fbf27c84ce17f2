"""What the pipeline asks ClinicalTrials.gov, and every page of each answer, bounded.

A search per modality (``search_params``), look-ups by NCT id (``iter_lookups``) and
``/version``. Pages are decoded as they arrive (``lib/trials/decoding.py``) and paging is
bounded: a repeated page token, more pages than the announced ``totalCount`` can fill, or a
different number of studies than announced all end the run with a clear error.
"""

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from benchmark_pipeline.lib.modalities import INTERVENTION_FIELD_ONLY
from benchmark_pipeline.lib.trials.client import (
    Answer,
    CtgovError,
    CtgovSession,
    TotalCountMismatch,
    describe_request,
)
from benchmark_pipeline.lib.trials.decoding import (
    DecodedPage,
    MalformedResponse,
    decode_page,
    decode_version,
)
from benchmark_pipeline.lib.trials.wire import Version

PAGE_SIZE = 1000  # the API's maximum; larger values are silently coerced down to it
# Pieces of a record the rows use (piece names of the API's data structure, checked against the
# OpenAPI spec by the tests): the protocol, the condition MeSH terms and ancestors, hasResults.
STUDY_FIELDS = "ProtocolSection|ConditionBrowseModule|HasResults"
IDS_PER_LOOKUP = 200  # keeps a filter.ids request URL a few kB long
EXTRA_PAGES = 3  # empty pages tolerated beyond what totalCount needs ("a page may be empty")


def _essie_term(term: str) -> str:
    # Anything but a bare word is quoted so Essie reads it as one phrase ("magic mushroom", "N,N-DMT").
    quoted = term if re.fullmatch(r"[A-Za-z0-9]+", term) else f'"{term}"'
    if term in INTERVENTION_FIELD_ONLY:
        return f"AREA[InterventionName]{quoted} OR AREA[InterventionOtherName]{quoted}"
    return quoted


def search_params(
    terms: Sequence[str], statuses: Sequence[str], condition: str | None = None
) -> dict[str, str]:
    """The ``/studies`` query for one modality: its terms OR-ed in ``query.intr``, statuses filtered."""
    params = {
        "query.intr": " OR ".join(_essie_term(t) for t in terms),
        "fields": STUDY_FIELDS,
        "pageSize": str(PAGE_SIZE),
    }
    if statuses:
        params["filter.overallStatus"] = "|".join(statuses)
    if condition:
        params["query.cond"] = condition
    return params


@dataclass
class Paging:
    """What one paged result announced and delivered, filled in as the pages arrive."""

    total_count: int = 0
    pages: int = 0
    received: int = 0


def iter_pages(
    session: CtgovSession,
    params: Mapping[str, str],
    paging: Paging | None = None,
    decode: Callable[[Answer], Any] | None = None,
) -> Iterator[DecodedPage]:
    """Every page of ``/studies`` for ``params``, decoded, until ``nextPageToken`` is absent.

    ``decode`` turns an answer into a page (``studies``, ``rejected``, ``total_count``,
    ``next_page_token``); by default the trials' own decoder. Posted results use theirs.

    An empty page is not the end. Raises ``CtgovError`` when a token repeats or the pages
    outnumber what ``totalCount`` can fill (plus ``EXTRA_PAGES``), ``TotalCountMismatch`` when
    the studies received (kept or rejected) differ from ``totalCount``, and ``MalformedAnswer``
    for a page that is not a ``PagedStudies``.
    """
    paging = paging if paging is not None else Paging()
    what = describe_request("/studies", params)
    decode = decode or _page
    first = decode(session.get("/studies", {**params, "countTotal": "true"}))
    if first.total_count is None:
        raise CtgovError(f"{what}: first page has no totalCount")
    paging.total_count = first.total_count
    page_size = int(params.get("pageSize") or 10)
    allowed = max(1, math.ceil(first.total_count / page_size)) + EXTRA_PAGES
    page, seen_tokens = first, set()
    while True:
        paging.pages += 1
        paging.received += len(page.studies) + len(page.rejected)
        if paging.received > paging.total_count:
            raise TotalCountMismatch(
                f"{what}: received {paging.received} studies by page {paging.pages} but the API "
                f"announced totalCount={paging.total_count}; refusing to load a wrong result"
            )
        yield page
        token = page.next_page_token
        if not token:
            break
        if token in seen_tokens:
            raise CtgovError(f"{what}: page token repeated after {paging.pages} pages")
        if paging.pages >= allowed:
            raise CtgovError(
                f"{what}: still a nextPageToken after {paging.pages} pages, more than "
                f"totalCount={paging.total_count} at pageSize={page_size} needs "
                f"(+{EXTRA_PAGES}); stopping an endless listing"
            )
        seen_tokens.add(token)
        page = decode(session.get("/studies", {**params, "pageToken": token}))
    if paging.received != paging.total_count:
        raise TotalCountMismatch(
            f"{what}: received {paging.received} studies in {paging.pages} page(s) but the API "
            f"announced totalCount={paging.total_count}; refusing to load an incomplete result"
        )


def _page(answer: Answer) -> DecodedPage:
    try:
        return decode_page(answer.body)
    except MalformedResponse as exc:
        raise answer.malformed(str(exc)) from None


def lookup_params(nct_ids: Sequence[str]) -> dict[str, str]:
    """A ``filter.ids`` query: the current records of these ids, whatever their status."""
    return {"filter.ids": "|".join(nct_ids), "fields": STUDY_FIELDS, "pageSize": str(PAGE_SIZE)}


def iter_lookups(
    session: CtgovSession, nct_ids: Iterable[str], batch_size: int = IDS_PER_LOOKUP
) -> Iterator[DecodedPage]:
    """Pages of the current records of these NCT ids (``filter.ids``, no other filter).

    Ids the registry no longer has are simply absent from the result.
    """
    ids = sorted(set(nct_ids))
    for start in range(0, len(ids), batch_size):
        yield from iter_pages(session, lookup_params(ids[start : start + batch_size]))


def read_version(session: CtgovSession) -> Version:
    """``/version``: ``apiVersion`` and ``dataTimestamp`` (UTC) of the data being served."""
    answer = session.get("/version")
    try:
        return decode_version(answer.body)
    except MalformedResponse as exc:
        raise answer.malformed(str(exc)) from None
