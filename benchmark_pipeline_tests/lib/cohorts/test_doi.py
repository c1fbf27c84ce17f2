"""DOI syntax, DOIs in citations, and the registry lookup over a fake HTTP transport."""

import httpx
import pytest

from benchmark_pipeline.lib.cohorts.doi import (
    citation_has_doi,
    dois_in,
    is_valid_doi,
    lookup_doi,
    title_in_citation,
)

CITATION = (
    "Mitchell JM et al. MDMA-assisted therapy for severe PTSD: a randomized, double-blind, "
    "placebo-controlled phase 3 study. Nat Med. 2021;27:1025-1033. doi:10.1038/s41591-021-01336-3"
)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("10.1038/s41591-021-01336-3", True),
        ("10.1056/NEJMoa2206443", True),
        ("doi:10.1056/NEJMoa2206443", False),
        ("10.12/x", False),
        ("10.1056/", False),
        ("10.1056/abc def", False),
    ],
)
def test_doi_syntax(value: str, valid: bool) -> None:
    assert is_valid_doi(value) is valid


def test_dois_in_text_lose_trailing_punctuation() -> None:
    text = "Paper. doi:10.1001/jamapsychiatry.2022.2096. Dataset (10.5281/zenodo.15714852)."
    assert dois_in(text) == ["10.1001/jamapsychiatry.2022.2096", "10.5281/zenodo.15714852"]
    assert citation_has_doi(text, "10.1001/JAMAPSYCHIATRY.2022.2096")
    assert not citation_has_doi(text, "10.1001/jamapsychiatry.2022.209")


def test_title_comparison_ignores_markup_and_case() -> None:
    assert title_in_citation("MDMA-assisted therapy for <i>severe</i> PTSD", CITATION)
    assert not title_in_citation("Psilocybin for alcohol use disorder", CITATION)


def _client(handler) -> httpx.Client:
    return httpx.Client(base_url="https://doi.org", transport=httpx.MockTransport(handler))


def test_lookup_matches_the_registered_title() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers["accept"]))
        return httpx.Response(
            200,
            json={
                "title": "MDMA-assisted therapy for severe PTSD: a randomized, double-blind, "
                "placebo-controlled phase 3 study"
            },
        )

    with _client(handler) as client:
        result = lookup_doi(client, "10.1038/s41591-021-01336-3", CITATION)
    assert result.matches
    assert seen == [("/10.1038/s41591-021-01336-3", "application/vnd.citationstyles.csl+json")]


@pytest.mark.parametrize(
    ("handler", "problem"),
    [
        (
            lambda r: httpx.Response(200, json={"title": "Lithium in bipolar"}),
            "is not in the citation",
        ),
        (lambda r: httpx.Response(404), "not registered"),
        (lambda r: httpx.Response(503), "HTTP 503"),
        (lambda r: httpx.Response(200, json={}), "no title"),
    ],
)
def test_lookup_reports_why_it_does_not_match(handler, problem: str) -> None:
    with _client(handler) as client:
        result = lookup_doi(client, "10.1038/s41591-021-01336-3", CITATION)
    assert not result.matches
    assert problem in result.problem


def test_unreachable_registry_is_a_problem_not_an_exception() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to host", request=request)

    with _client(handler) as client:
        result = lookup_doi(client, "10.1038/s41591-021-01336-3", CITATION)
    assert "registry unreachable" in result.problem
