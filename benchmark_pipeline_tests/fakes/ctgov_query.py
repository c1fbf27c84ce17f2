"""The `/studies` query language of the fake API: parameters, intervention terms, page tokens.

Only what the pipeline sends is implemented: ``query.intr`` as terms or quoted phrases joined
with ``OR`` (words side by side must all match, whole words as Essie reads them, in intervention
names, other names and descriptions; ``AREA[InterventionName]`` or
``AREA[InterventionOtherName]`` before a term narrows it to that field), ``filter.overallStatus``,
``filter.ids``, ``filter.advanced`` as ``AREA[LastUpdatePostDate]RANGE[lo,hi]`` (dates
``yyyy-MM-dd`` or ``MIN``/``MAX``, both ends included: the incremental refresh's filter),
``fields`` (piece names, see ``PIECES``; a results piece such as ``ResultsSection`` attaches the
posted results, ``ctgov_results``), ``pageSize``, ``pageToken`` and ``countTotal``. Any other parameter the real API knows is refused with a message that names
the fake, so a test never passes on a silently ignored parameter.
"""

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date

STATUSES = frozenset(
    "ACTIVE_NOT_RECRUITING COMPLETED ENROLLING_BY_INVITATION NOT_YET_RECRUITING RECRUITING "
    "SUSPENDED TERMINATED WITHDRAWN AVAILABLE NO_LONGER_AVAILABLE TEMPORARILY_NOT_AVAILABLE "
    "APPROVED_FOR_MARKETING WITHHELD UNKNOWN".split()
)
SUPPORTED = frozenset(
    "query.intr filter.overallStatus filter.ids filter.advanced pageSize pageToken countTotal "
    "fields format markupFormat".split()
)
# Parameters of the real /studies endpoint that the fake does not implement.
NOT_IMPLEMENTED = frozenset(
    "query.cond query.term query.locn query.titles query.outc query.spons query.lead query.id "
    "query.patient filter.geo filter.synonyms postFilter.overallStatus "
    "postFilter.geo postFilter.ids postFilter.advanced postFilter.synonyms aggFilters geoDecay "
    "sort".split()
)
# Parameters that may change from page to page; every other one must repeat the first page's.
PER_PAGE = frozenset({"countTotal", "pageSize", "pageToken"})
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000

NCT_PATTERN = re.compile(r"^[Nn][Cc][Tt]0*([1-9]\d{0,7})$")
_TOKEN = re.compile(r'(AREA\[\w+\])?(?:"([^"]*)"|([()])|([^\s"()]+))')
# The fields of an intervention that a bare term searches, and those AREA[...] can name.
AREAS = {"InterventionName": ("name",), "InterventionOtherName": ("otherNames",)}
BARE_TERM_FIELDS = ("name", "otherNames", "description")
# Piece names of ``fields`` the fake serves, with the JSON path each one fills.
PIECES: dict[str, tuple[str, ...]] = {
    "NCTId": ("protocolSection", "identificationModule", "nctId"),
    "BriefTitle": ("protocolSection", "identificationModule", "briefTitle"),
    "OfficialTitle": ("protocolSection", "identificationModule", "officialTitle"),
    "OverallStatus": ("protocolSection", "statusModule", "overallStatus"),
    "ProtocolSection": ("protocolSection",),
    "DerivedSection": ("derivedSection",),
    "ConditionBrowseModule": ("derivedSection", "conditionBrowseModule"),
    "InterventionBrowseModule": ("derivedSection", "interventionBrowseModule"),
    "HasResults": ("hasResults",),
    "LastUpdatePostDate": ("protocolSection", "statusModule", "lastUpdatePostDateStruct", "date"),
    "ResultsSection": ("resultsSection",),
    "ParticipantFlowModule": ("resultsSection", "participantFlowModule"),
    "BaselineCharacteristicsModule": ("resultsSection", "baselineCharacteristicsModule"),
    "OutcomeMeasuresModule": ("resultsSection", "outcomeMeasuresModule"),
}
# Pieces that ask for posted results: only these make the fake attach them (``ctgov_results``).
RESULTS_PIECES = frozenset(p for p, path in PIECES.items() if path[0] == "resultsSection")
_LIST_SEPARATOR = re.compile(r"[,|]")
_UPDATED_RANGE = re.compile(
    r"^AREA\[LastUpdatePostDate\]RANGE\[\s*(MIN|\d{4}-\d{2}-\d{2})\s*,\s*(MAX|\d{4}-\d{2}-\d{2})\s*\]$"
)


class BadRequest(ValueError):
    """A request the API answers with 400 and a text/plain message."""


def normalize_nct(value: str) -> str:
    """``nct00012345`` or ``NCT12345`` -> ``NCT00012345``; BadRequest when not an NCT id."""
    match = NCT_PATTERN.match(value.strip())
    if not match:
        raise BadRequest(f"invalid NCT ID: {value!r}")
    return f"NCT{int(match.group(1)):08d}"


def _split(value: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATOR.split(value) if item.strip()]


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<![0-9A-Za-z]){words}(?![0-9A-Za-z])", re.IGNORECASE)


_FIELD_SETS = (BARE_TERM_FIELDS, *AREAS.values())


@dataclass(frozen=True)
class InterventionQuery:
    """``query.intr`` as alternatives, each a list of phrases that must all match."""

    alternatives: tuple[tuple[tuple[tuple[str, ...], re.Pattern[str]], ...], ...]
    only_ids: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "InterventionQuery":
        groups: list[list[tuple[tuple[str, ...], str]]] = [[]]
        for area, quoted, paren, bare in _TOKEN.findall(text):
            if paren or bare in {"AND", "NOT"}:
                raise BadRequest(
                    "the fake ClinicalTrials.gov server supports only terms and quoted phrases "
                    f"joined with OR in query.intr, got {text!r}"
                )
            if area and area[5:-1] not in AREAS:
                raise BadRequest(f"{area} is not implemented by the fake server")
            fields = AREAS[area[5:-1]] if area else BARE_TERM_FIELDS
            if bare == "OR" and not area:
                groups.append([])
            else:
                groups[-1].append((fields, quoted or bare))
        words = [w for group in groups for _, phrase in group for w in phrase.split(",") if w]
        if words and all(NCT_PATTERN.match(w) for w in words):
            return cls((), tuple(normalize_nct(w) for w in words))
        if any(not group for group in groups):
            raise BadRequest(f"malformed query.intr: {text!r}")
        return cls(tuple(tuple((f, _phrase_pattern(p)) for f, p in group) for group in groups))

    def matches(self, study: dict) -> bool:
        """True when some alternative matches the study's intervention fields."""
        module = study.get("protocolSection", {}).get("armsInterventionsModule", {})
        texts: dict[str, list[str]] = {f: [] for f in BARE_TERM_FIELDS}
        for item in module.get("interventions", []):
            texts["name"].append(item.get("name", ""))
            texts["otherNames"].extend(item.get("otherNames", []))
            texts["description"].append(item.get("description", ""))
        joined = {fields: "\n".join(t for f in fields for t in texts[f]) for fields in _FIELD_SETS}
        return any(all(p.search(joined[f]) for f, p in group) for group in self.alternatives)


def parse_updated_range(text: str) -> tuple[str, str]:
    """``AREA[LastUpdatePostDate]RANGE[lo,hi]`` as (lo, hi), ``""`` for ``MIN``/``MAX``;
    BadRequest for any other ``filter.advanced`` (the fake implements only this one)."""
    match = _UPDATED_RANGE.match(text.strip())
    if not match:
        raise BadRequest(
            "the fake ClinicalTrials.gov server implements filter.advanced only as "
            f"AREA[LastUpdatePostDate]RANGE[lo,hi], got {text!r}"
        )
    bounds = tuple("" if b in ("MIN", "MAX") else b for b in match.groups())
    for bound in filter(None, bounds):
        try:
            date.fromisoformat(bound)
        except ValueError:
            raise BadRequest(f"invalid date in filter.advanced: {bound!r}") from None
    return bounds


def last_update_of(study: dict) -> str:
    """The study's LastUpdatePostDate (``yyyy-MM-dd``), ``""`` when it has none."""
    status = study.get("protocolSection", {}).get("statusModule", {})
    return (status.get("lastUpdatePostDateStruct") or {}).get("date") or ""


@dataclass(frozen=True)
class StudiesRequest:
    """A validated ``GET /studies`` request."""

    intervention: InterventionQuery | None
    statuses: frozenset[str]
    ids: frozenset[str]
    page_size: int
    page_token: str | None
    count_total: bool
    selection_key: str
    pieces: tuple[str, ...] = ()
    updated: tuple[str, str] | None = None  # LastUpdatePostDate range; "" is an open end

    @classmethod
    def parse(
        cls, params: dict[str, list[str]], max_page_size: int = MAX_PAGE_SIZE
    ) -> "StudiesRequest":
        for name in params:
            if name in NOT_IMPLEMENTED:
                raise BadRequest(f"parameter {name} is not implemented by the fake server")
            if name not in SUPPORTED:
                raise BadRequest(f"unknown parameter: {name}")
        one = {name: values[-1] for name, values in params.items()}
        if one.get("format", "json") != "json":
            raise BadRequest("the fake server returns only format=json")
        statuses = frozenset(_split(one.get("filter.overallStatus", "")))
        if statuses - STATUSES:
            raise BadRequest(
                f"invalid filter.overallStatus: {', '.join(sorted(statuses - STATUSES))}"
            )
        try:
            page_size = int(one.get("pageSize", "0"))
        except ValueError:
            raise BadRequest(f"invalid pageSize: {one['pageSize']!r}") from None
        if page_size < 0:
            raise BadRequest(f"invalid pageSize: {page_size}")
        count_total = one.get("countTotal", "false").lower()
        if count_total not in {"true", "false"}:
            raise BadRequest(f"invalid countTotal: {one['countTotal']!r}")
        intr = one.get("query.intr", "").strip()
        selection = sorted((k, v) for k, v in one.items() if k not in PER_PAGE)
        return cls(
            intervention=InterventionQuery.parse(intr) if intr else None,
            statuses=statuses,
            ids=frozenset(normalize_nct(v) for v in _split(one.get("filter.ids", ""))),
            page_size=min(page_size or DEFAULT_PAGE_SIZE, max_page_size),
            page_token=one.get("pageToken") or None,
            count_total=count_total == "true",
            selection_key=hashlib.sha256(json.dumps(selection).encode()).hexdigest()[:16],
            pieces=parse_fields(one.get("fields", "")),
            updated=parse_updated_range(one["filter.advanced"])
            if one.get("filter.advanced", "").strip()
            else None,
        )

    @property
    def wants_results(self) -> bool:
        """Whether ``fields`` names a piece of the posted results."""
        return not RESULTS_PIECES.isdisjoint(self.pieces)

    def selects(self, study: dict) -> bool:
        """Whether the study belongs to the result (a query of NCT ids only ignores filters)."""
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        if self.intervention and self.intervention.only_ids:
            return nct in self.intervention.only_ids
        if self.intervention and not self.intervention.matches(study):
            return False
        if self.ids and nct not in self.ids:
            return False
        if self.updated is not None:
            updated, (low, high) = last_update_of(study), self.updated
            if not updated or updated < low or (high and updated > high):
                return False
        status = study["protocolSection"]["statusModule"].get("overallStatus")
        return not self.statuses or status in self.statuses


def parse_fields(value: str) -> tuple[str, ...]:
    """``fields`` as piece names; BadRequest for a piece the fake does not know."""
    pieces = tuple(_split(value))
    unknown = [p for p in pieces if p not in PIECES]
    if unknown:
        raise BadRequest(f"fields {', '.join(unknown)} are not known to the fake server")
    return pieces


def project(study: dict, pieces: tuple[str, ...]) -> dict:
    """``study`` with only the JSON paths of ``pieces`` (all of it when none), in key order."""
    if not pieces:
        return study
    return _keep(study, [PIECES[p] for p in pieces])


def _keep(node: dict, paths: list[tuple[str, ...]]) -> dict:
    kept = {}
    for key, value in node.items():
        below = [p[1:] for p in paths if p[0] == key]
        if not below:
            continue
        if any(not p for p in below) or not isinstance(value, dict):
            kept[key] = value
        elif inner := _keep(value, below):
            kept[key] = inner
    return kept


def encode_token(offset: int, selection_key: str, empties_here: int, empty_served: bool) -> str:
    """An opaque page token: where the next page starts, for which selection, how many empty
    pages were already served before it, and whether the listing has had one at all."""
    raw = json.dumps([offset, selection_key, empties_here, int(empty_served)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, selection_key: str) -> tuple[int, int, bool]:
    """``(offset, empties_here, empty_served)``; BadRequest when the token is not one of ours
    for this query."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        offset, key, empties_here, empty_served = json.loads(raw)
    except (ValueError, TypeError):
        raise BadRequest(f"invalid pageToken: {token!r}") from None
    if key != selection_key:
        raise BadRequest("pageToken was issued for different query or filter parameters")
    return int(offset), int(empties_here), bool(empty_served)
