"""ClinicalTrials.gov helpers shared by the trials tests and the benchmarks."""

from benchmark_pipeline.defs.trials.config import DEFAULT_STATUSES
from benchmark_pipeline.resources import ClinicalTrialsResource
from benchmark_pipeline_tests.fakes import TrialRecords
from benchmark_pipeline_tests.fakes.ctgov_vocabulary import CONDITION_CATEGORY


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
