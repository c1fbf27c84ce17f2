"""DOIs: syntax, finding them in a citation, and comparing a DOI's registered title with it.

The lookup takes an ``httpx.Client`` so the network stays at the caller's edge (tests pass a
client over ``httpx.MockTransport``).
"""

import html
import re
from dataclasses import dataclass

import httpx

# Crossref's recommended pattern for modern DOIs, anchored for a whole-value check.
_DOI = r"10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]]*[-_;()/:A-Za-z0-9\[\]]"
_DOI_EXACT = re.compile(rf"^{_DOI}$")
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/[^\s\"<>,;]+")
# A DOI at the end of a sentence or inside brackets drags that punctuation along.
_TRAILING = ".,;:)]"
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[a-z0-9]+")

CSL_JSON = "application/vnd.citationstyles.csl+json"
DOI_RESOLVER = "https://doi.org"
TITLE_COVERAGE = 0.9


def is_valid_doi(value: str) -> bool:
    """True when ``value`` is one syntactically valid DOI (``10.<registrant>/<suffix>``)."""
    return bool(_DOI_EXACT.match(value.strip()))


def dois_in(text: str) -> list[str]:
    """Every DOI written in ``text``, in order, without trailing punctuation."""
    found = []
    for match in _DOI_IN_TEXT.findall(text):
        doi = match.rstrip(_TRAILING)
        # Keep a balanced closing bracket that belongs to the DOI itself, e.g. 10.1000/(1)2.
        while doi.count("(") > doi.count(")") and match[len(doi) :].startswith(")"):
            doi += ")"
        found.append(doi)
    return found


def citation_has_doi(citation: str, doi: str) -> bool:
    """DOIs are case-insensitive: ``doi`` matches when the citation writes it in any case."""
    return doi.strip().lower() in {d.lower() for d in dois_in(citation)}


def _words(text: str) -> list[str]:
    return _WORD.findall(html.unescape(_TAG.sub(" ", text)).lower())


def title_in_citation(title: str, citation: str) -> bool:
    """True when the registered title is in the citation: verbatim, or at least 90% of its
    words (registries differ from papers in dashes, italics markup and subtitles)."""
    title_words, cited = _words(title), _words(citation)
    if not title_words:
        return False
    if " ".join(title_words) in " ".join(cited):
        return True
    cited_set = set(cited)
    return sum(w in cited_set for w in title_words) / len(title_words) >= TITLE_COVERAGE


@dataclass(frozen=True)
class DoiLookup:
    doi: str
    registered_title: str | None
    problem: str | None

    @property
    def matches(self) -> bool:
        return self.problem is None


def registered_title(client: httpx.Client, doi: str) -> str:
    """The title registered for ``doi`` (Crossref, DataCite, ... via doi.org content
    negotiation). Raises ``httpx.HTTPError`` when unreachable or not registered."""
    response = client.get(f"/{doi}", headers={"Accept": CSL_JSON}, follow_redirects=True)
    response.raise_for_status()
    title = response.json().get("title")
    if isinstance(title, list):
        title = title[0] if title else None
    if not title:
        raise ValueError("the registry's record has no title")
    return str(title)


def lookup_doi(client: httpx.Client, doi: str, citation: str) -> DoiLookup:
    """Resolve ``doi`` and compare its registered title with ``citation``; never raises."""
    try:
        title = registered_title(client, doi)
    except httpx.HTTPStatusError as exc:
        code = exc.response.status_code
        reason = "not registered" if code == 404 else f"registry answered HTTP {code}"
        return DoiLookup(doi, None, f"{doi}: {reason}")
    except httpx.HTTPError as exc:
        return DoiLookup(doi, None, f"{doi}: registry unreachable ({type(exc).__name__}: {exc})")
    except ValueError as exc:
        return DoiLookup(doi, None, f"{doi}: unreadable registry answer ({exc})")
    if not title_in_citation(title, citation):
        return DoiLookup(doi, title, f"{doi}: registered title {title!r} is not in the citation")
    return DoiLookup(doi, title, None)
