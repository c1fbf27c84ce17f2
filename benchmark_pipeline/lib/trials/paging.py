"""What the pipeline asks ClinicalTrials.gov, and every page of each answer, bounded.

A search per modality (``search_params``), optionally only for records updated since a date
(``filter.advanced``), look-ups by NCT id (``iter_lookups``) and ``/version``. Pages are decoded
as they arrive (``lib/trials/decoding.py``) and paging is bounded by what cannot happen in a
real listing: a repeated page token, a run of more than ``MAX_EMPTY_RUN`` empty pages, more
empty pages in all than ``empty_pages_allowed`` gives, or a different number of studies than
announced all end the run with a clear error. An empty page now and then is legal ("a page may
have empty ``studies``"), and studies beyond the announced ``totalCount`` are refused as they
arrive, so pages with studies cannot go on for ever.
"""

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
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
# A real listing has the odd empty page between full ones; a run of them means a server that
# hands out fresh tokens for nothing. More than this many empty pages in a row end the run.
MAX_EMPTY_RUN = 10
MIN_EMPTY_PAGES_ALLOWED = 100  # empty pages in all, or one per page totalCount needs if more


def empty_pages_allowed(total_count: int, page_size: int) -> int:
    """Empty pages one listing may have in all: one per page its ``totalCount`` needs, at least
    ``MIN_EMPTY_PAGES_ALLOWED``."""
    return max(MIN_EMPTY_PAGES_ALLOWED, math.ceil(total_count / max(page_size, 1)))


def updated_since(changed_since: date) -> str:
    """The ``filter.advanced`` expression for records whose LastUpdatePostDate is on or after
    ``changed_since`` (the API's RANGE is inclusive; dates are yyyy-MM-dd)."""
    return f"AREA[LastUpdatePostDate]RANGE[{changed_since.isoformat()},MAX]"


def _essie_term(term: str) -> str:
    # Anything but a bare word is quoted so Essie reads it as one phrase ("magic mushroom", "N,N-DMT").
    quoted = term if re.fullmatch(r"[A-Za-z0-9]+", term) else f'"{term}"'
    if term in INTERVENTION_FIELD_ONLY:
        return f"AREA[InterventionName]{quoted} OR AREA[InterventionOtherName]{quoted}"
    return quoted


def search_params(
    terms: Sequence[str],
    statuses: Sequence[str],
    condition: str | None = None,
    changed_since: date | None = None,
) -> dict[str, str]:
    """The ``/studies`` query for one modality: its terms OR-ed in ``query.intr``, statuses
    filtered, and (incremental) only records updated on or after ``changed_since``."""
    params = {
        "query.intr": " OR ".join(_essie_term(t) for t in terms),
        "fields": STUDY_FIELDS,
        "pageSize": str(PAGE_SIZE),
    }
    if statuses:
        params["filter.overallStatus"] = "|".join(statuses)
    if condition:
        params["query.cond"] = condition
    if changed_since is not None:
        params["filter.advanced"] = updated_since(changed_since)
    return params


@dataclass
class Paging:
    """What one paged result announced and delivered, filled in as the pages arrive."""

    total_count: int = 0
    pages: int = 0
    received: int = 0
    empty_pages: int = 0


def iter_pages(
    session: CtgovSession,
    params: Mapping[str, str],
    paging: Paging | None = None,
    decode: Callable[[Answer], Any] | None = None,
) -> Iterator[DecodedPage]:
    """Every page of ``/studies`` for ``params``, decoded, until ``nextPageToken`` is absent.

    ``decode`` turns an answer into a page (``studies``, ``rejected``, ``total_count``,
    ``next_page_token``); by default the trials' own decoder. Posted results use theirs.

    An empty page is not the end. Raises ``CtgovError`` when a token repeats, more than
    ``MAX_EMPTY_RUN`` empty pages come in a row, or the empty pages in all pass
    ``empty_pages_allowed``; ``TotalCountMismatch`` when the studies received (kept or rejected)
    differ from ``totalCount``, and ``MalformedAnswer`` for a page that is not a ``PagedStudies``.
    """
    paging = paging if paging is not None else Paging()
    what = describe_request("/studies", params)
    decode = decode or _page
    first = decode(session.get("/studies", {**params, "countTotal": "true"}))
    if first.total_count is None:
        raise CtgovError(f"{what}: first page has no totalCount")
    paging.total_count = first.total_count
    page_size = int(params.get("pageSize") or 10)
    allowed_empty = empty_pages_allowed(first.total_count, page_size)
    page, seen_tokens, empty_run = first, set(), 0
    while True:
        paging.pages += 1
        arrived = len(page.studies) + len(page.rejected)
        paging.received += arrived
        if paging.received > paging.total_count:
            raise TotalCountMismatch(
                f"{what}: received {paging.received} studies by page {paging.pages} but the API "
                f"announced totalCount={paging.total_count}; refusing to load a wrong result"
            )
        empty_run = 0 if arrived else empty_run + 1
        paging.empty_pages += 0 if arrived else 1
        yield page
        token = page.next_page_token
        if not token:
            break
        if token in seen_tokens:
            raise CtgovError(f"{what}: page token repeated after {paging.pages} pages")
        if empty_run > MAX_EMPTY_RUN:
            raise CtgovError(
                f"{what}: {empty_run} empty pages in a row, each with a new nextPageToken, after "
                f"{paging.received} of totalCount={paging.total_count} studies (a real listing "
                f"has at most the odd empty page; more than {MAX_EMPTY_RUN} in a row end the "
                "run); stopping an endless listing"
            )
        if paging.empty_pages > allowed_empty:
            raise CtgovError(
                f"{what}: {paging.empty_pages} empty pages among {paging.pages}, more than the "
                f"{allowed_empty} allowed for totalCount={paging.total_count} at "
                f"pageSize={page_size}; stopping an endless listing"
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


def changed_params(
    vocabulary: Mapping[str, Sequence[str]], condition: str | None, changed_since: date
) -> dict[str, str]:
    """One search for every modality's terms in any status, updated on or after
    ``changed_since``: how an incremental run finds known trials that changed and left the
    status filter (the look-up a full sweep makes by NCT id)."""
    terms = list(dict.fromkeys(t for terms in vocabulary.values() for t in terms))
    return search_params(terms, (), condition, changed_since)


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
