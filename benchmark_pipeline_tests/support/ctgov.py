"""ClinicalTrials.gov helpers shared by the trials tests and the benchmarks: what the fake
registry should yield, the resource pointed at it, and a session whose clock only moves when
the code sleeps."""

import httpx

from benchmark_pipeline.defs.trials.config import DEFAULT_STATUSES
from benchmark_pipeline.lib.trials.client import CtgovSession, RetrySettings
from benchmark_pipeline.lib.trials.paging import Paging, iter_pages
from benchmark_pipeline.resources import ClinicalTrialsResource
from benchmark_pipeline_tests.fakes import (
    FakeCtgov,
    TrialRecords,
    mock_transport,
    registry,
    spec,
    study,
)
from benchmark_pipeline_tests.fakes.ctgov_conditions import CONDITION_CATEGORY


def expected_nct_ids(records: TrialRecords) -> set[str]:
    """Trials the default search must find: a psychedelic intervention and a default status."""
    return {
        nct
        for nct in records.ids()
        if records.modalities[nct]
        and records.get(nct)["protocolSection"]["statusModule"]["overallStatus"] in DEFAULT_STATUSES
    }


def expected_indications(records: TrialRecords) -> dict[str, str]:
    """The indication category each expected trial's (one) condition was drawn for."""
    return {
        nct: CONDITION_CATEGORY[
            records.get(nct)["protocolSection"]["conditionsModule"]["conditions"][0]
        ]
        for nct in expected_nct_ids(records)
    }


def fast_ctgov(base_url: str, **overrides) -> ClinicalTrialsResource:
    """The real resource with pacing off and short backoffs, so faults cost milliseconds."""
    settings = dict(
        base_url=base_url,
        min_interval_seconds=0.0,
        backoff_base_seconds=0.01,
        backoff_max_seconds=0.05,
        timeout_seconds=0.5,
        connect_timeout_seconds=0.5,
        max_attempts=10,
        max_total_seconds=30.0,
    )
    settings.update(overrides)
    return ClinicalTrialsResource(**settings)


class FakeClock:
    """Time that moves only when the code under test sleeps (or a request 'takes' time)."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def spec_checked_fake(studies=(), **kwargs) -> FakeCtgov:
    """The fake over ``studies``, checking every page it serves against the spec."""
    return FakeCtgov(registry(*studies), validate=spec.validate, **kwargs)


def clocked_session(fake: FakeCtgov, clock: FakeClock, **settings) -> CtgovSession:
    """A session on ``fake`` (MockTransport) whose sleeps, drips and deadline use ``clock``."""
    client = httpx.Client(
        base_url="https://clinicaltrials.gov/api/v2",
        transport=mock_transport(fake, sleep=clock.sleep),
    )
    return CtgovSession(
        client=client,
        settings=RetrySettings(**settings),
        sleep=clock.sleep,
        clock=clock,
        rng=lambda: 0.5,
    )


def psilocybin_trials(n: int, start: int = 1) -> list[dict]:
    """``n`` recruiting psilocybin trials, NCT ids counting up from ``start``."""
    return [study(f"NCT{i:08d}", ["Psilocybin"]) for i in range(start, start + n)]


def fetch_studies(session, params) -> tuple[list, Paging]:
    """Every typed study of a paged result, and what the paging saw."""
    paging = Paging()
    studies = [s for page in iter_pages(session, params, paging) for s in page.studies]
    return studies, paging


def nct_ids_of(studies) -> list[str]:
    return [s.protocol_section.identification_module.nct_id for s in studies]
