"""The `/studies` query language of the fake API: parameters, intervention terms, page tokens.

Only what the pipeline sends is implemented: ``query.intr`` as terms or quoted phrases joined
with ``OR`` (words side by side must all match, as Essie reads them), ``filter.overallStatus``,
``filter.ids``, ``pageSize``, ``pageToken`` and ``countTotal``. Any other parameter the real API
knows is refused with a message that names the fake, so a test never passes on a silently
ignored parameter.
"""

import base64
import hashlib
import json
import re
from dataclasses import dataclass

STATUSES = frozenset(
    "ACTIVE_NOT_RECRUITING COMPLETED ENROLLING_BY_INVITATION NOT_YET_RECRUITING RECRUITING "
    "SUSPENDED TERMINATED WITHDRAWN AVAILABLE NO_LONGER_AVAILABLE TEMPORARILY_NOT_AVAILABLE "
    "APPROVED_FOR_MARKETING WITHHELD UNKNOWN".split()
)
SUPPORTED = frozenset(
    "query.intr filter.overallStatus filter.ids pageSize pageToken countTotal fields format "
    "markupFormat".split()
)
# Parameters of the real /studies endpoint that the fake does not implement.
NOT_IMPLEMENTED = frozenset(
    "query.cond query.term query.locn query.titles query.outc query.spons query.lead query.id "
    "query.patient filter.geo filter.advanced filter.synonyms postFilter.overallStatus "
    "postFilter.geo postFilter.ids postFilter.advanced postFilter.synonyms aggFilters geoDecay "
    "sort".split()
)
# Parameters that may change from page to page; every other one must repeat the first page's.
PER_PAGE = frozenset({"countTotal", "pageSize", "pageToken"})
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000

NCT_PATTERN = re.compile(r"^[Nn][Cc][Tt]0*([1-9]\d{0,7})$")
_TOKEN = re.compile(r'"([^"]*)"|([()])|([^\s"()]+)')
_LIST_SEPARATOR = re.compile(r"[,|]")


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


@dataclass(frozen=True)
class InterventionQuery:
    """``query.intr`` as alternatives, each a list of phrases that must all match."""

    alternatives: tuple[tuple[re.Pattern[str], ...], ...]
    only_ids: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "InterventionQuery":
        groups: list[list[str]] = [[]]
        for quoted, paren, bare in _TOKEN.findall(text):
            if paren or bare in {"AND", "NOT"}:
                raise BadRequest(
                    "the fake ClinicalTrials.gov server supports only terms and quoted phrases "
                    f"joined with OR in query.intr, got {text!r}"
                )
            if bare == "OR":
                groups.append([])
            else:
                groups[-1].append(quoted or bare)
        words = [w for group in groups for phrase in group for w in phrase.split(",") if w]
        if words and all(NCT_PATTERN.match(w) for w in words):
            return cls((), tuple(normalize_nct(w) for w in words))
        if any(not group for group in groups):
            raise BadRequest(f"malformed query.intr: {text!r}")
        return cls(tuple(tuple(_phrase_pattern(p) for p in group) for group in groups))

    def matches(self, study: dict) -> bool:
        """True when some alternative matches the study's intervention names or other names."""
        module = study.get("protocolSection", {}).get("armsInterventionsModule", {})
        texts = []
        for item in module.get("interventions", []):
            texts.append(item.get("name", ""))
            texts.extend(item.get("otherNames", []))
        text = "\n".join(texts)
        return any(all(p.search(text) for p in group) for group in self.alternatives)


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

    @classmethod
    def parse(cls, params: dict[str, list[str]]) -> "StudiesRequest":
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
            page_size=min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
            page_token=one.get("pageToken") or None,
            count_total=count_total == "true",
            selection_key=hashlib.sha256(json.dumps(selection).encode()).hexdigest()[:16],
        )

    def selects(self, study: dict) -> bool:
        """Whether the study belongs to the result (a query of NCT ids only ignores filters)."""
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        if self.intervention and self.intervention.only_ids:
            return nct in self.intervention.only_ids
        if self.intervention and not self.intervention.matches(study):
            return False
        if self.ids and nct not in self.ids:
            return False
        status = study["protocolSection"]["statusModule"].get("overallStatus")
        return not self.statuses or status in self.statuses


def encode_token(offset: int, selection_key: str, empty_served: bool) -> str:
    """An opaque page token: where the next page starts, for which selection."""
    raw = json.dumps([offset, selection_key, int(empty_served)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, selection_key: str) -> tuple[int, bool]:
    """``(offset, empty_served)``; BadRequest when the token is not one of ours for this query."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        offset, key, empty_served = json.loads(raw)
    except (ValueError, TypeError):
        raise BadRequest(f"invalid pageToken: {token!r}") from None
    if key != selection_key:
        raise BadRequest("pageToken was issued for different query or filter parameters")
    return int(offset), bool(empty_served)
