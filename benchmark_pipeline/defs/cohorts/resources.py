"""The DOI registry client used by the opt-in doi_matches_citation check."""

import dagster as dg
import httpx
from pydantic import Field

from benchmark_pipeline.lib.doi import DOI_RESOLVER


class DoiRegistryResource(dg.ConfigurableResource):
    """doi.org (Crossref, DataCite, ... by content negotiation) over httpx."""

    base_url: str = Field(default=DOI_RESOLVER, description="DOI resolver.")
    timeout_s: float = Field(default=15.0, description="Per-request timeout in seconds.")

    def client(self) -> httpx.Client:
        """A new client; tests override this to put an ``httpx.MockTransport`` underneath."""
        return httpx.Client(
            base_url=self.base_url,
            timeout=self.timeout_s,
            headers={"User-Agent": "benchmark_pipeline (cohort citation check)"},
        )


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"doi_registry": DoiRegistryResource()})
