"""One run's reading: a Read for every trial the registry returned; a trial it did not return
gets none, so its rows stay and it is read again next run."""

from datetime import date

import pandas as pd

from benchmark_pipeline.lib.trials.decoding import Rejected
from benchmark_pipeline.lib.trials.results.decoding import DecodedResults, StudyResults
from benchmark_pipeline.lib.trials.results.fetch import ResultsPlan, plan_reads
from benchmark_pipeline.lib.trials.results.load import TrialFacts
from benchmark_pipeline.lib.trials.results.reading import read_results


def _facts(nct: str) -> TrialFacts:
    return TrialFacts(nct, date(2026, 11, 2), "psilocybin", ["psilocybin"], [])


def _derive(frame: pd.DataFrame, trials) -> tuple[pd.DataFrame, list]:
    return frame.assign(comparable=False), []


def test_returned_rejected_empty_and_missing_trials():
    ids = ["NCT00000001", "NCT00000002", "NCT00000003"]
    page = DecodedResults(
        studies=[StudyResults("NCT00000001", date(2026, 11, 2), True, None)],
        total_count=2,
        next_page_token=None,
        rejected=[Rejected("NCT00000002", "resultsSection.x", "Expected `str`, got `int`")],
    )
    value = read_results([page], {n: _facts(n) for n in ids}, ResultsPlan(ids, []), _derive)
    assert [(r.nct_id, r.outcome) for r in value.reads] == [
        ("NCT00000001", "no_results"),
        ("NCT00000002", "rejected"),
    ]
    assert value.reads[1].reason == "resultsSection.x: Expected `str`, got `int`"
    assert value.not_returned == ["NCT00000003"]


def test_the_plan_reads_new_and_changed_trials_only():
    plan = plan_reads(
        {
            "NCT1": date(2026, 1, 1),
            "NCT2": date(2026, 2, 1),
            "NCT3": None,
            "NCT4": date(2026, 3, 1),
        },
        {"NCT1": date(2026, 1, 1), "NCT2": date(2026, 1, 15), "NCT3": None},
    )
    assert plan.to_read == ["NCT2", "NCT3", "NCT4"]  # a trial without a date is always read
    assert plan.unchanged == ["NCT1"]
