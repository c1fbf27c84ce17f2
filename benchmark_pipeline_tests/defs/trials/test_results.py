"""The posted results path through Dagster against the one fake registry: a full run loads
benchmark_trial_results, an unchanged re-run reads and writes nothing, a trial whose results
hold a wrong-typed value is rejected alone, and a posted value that disagrees with a verified
cohort of the same trial holds that trial and stops the run naming both values."""

from decimal import Decimal

import dagster as dg
import psycopg
import pytest

from benchmark_pipeline.defs.cohorts.instruments import benchmark_instruments
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.trials.assets import benchmark_trials, raw_benchmark_trials
from benchmark_pipeline.defs.trials.results import benchmark_trial_results, raw_trial_results
from benchmark_pipeline.defs.trials.results_checks import (
    instrument_recognition,
    matches_verified_cohorts,
    results_decoded,
)
from benchmark_pipeline.lib.schema.read_api import call_as
from benchmark_pipeline_tests.fakes import FakeCtgov, fake_resource, generate_records
from benchmark_pipeline_tests.support.databases import table_snapshot
from benchmark_pipeline_tests.support.trials_runs import evaluations

ASSETS = [
    benchmark_schema,
    benchmark_instruments,
    raw_benchmark_trials,
    benchmark_trials,
    raw_trial_results,
    benchmark_trial_results,
    results_decoded,
    instrument_recognition,
    matches_verified_cohorts,
]


@pytest.fixture
def records():
    return generate_records(400, seed=11)


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def _run(records, postgres, instance, **kwargs) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        ASSETS,
        resources={"postgres": postgres, "ctgov": fake_resource(FakeCtgov(records))},
        instance=instance,
        **kwargs,
    )


def _metadata(result, asset: str) -> dict:
    (event,) = result.asset_materializations_for_node(asset)
    return {k: getattr(v, "value", v) for k, v in event.metadata.items()}


def _with_results(conn: psycopg.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT nct_id FROM public.benchmark_trials WHERE has_results AND missing_since IS NULL"
    )
    return {r[0] for r in rows}


def test_a_full_run_loads_every_posted_result_and_a_rerun_writes_nothing(
    records, postgres, instance
):
    first = _run(records, postgres, instance)
    read = first.output_for_node("raw_trial_results")
    with postgres.connect() as conn:
        expected = _with_results(conn)
        stored = conn.execute(
            "SELECT count(*), count(DISTINCT nct_id), count(*) FILTER (WHERE comparable),"
            " count(*) FILTER (WHERE instrument IS NOT NULL) FROM public.benchmark_trial_results"
        ).fetchone()
        reads = dict(
            conn.execute(
                "SELECT outcome, count(*) FROM benchmark_pipeline.trial_results_reads GROUP BY 1"
            ).fetchall()
        )
        before = table_snapshot(conn, "benchmark_trial_results")
    assert expected and set(read.plan.to_read) == expected
    assert stored[0] == len(read.frame) > 0 and stored[1] == len(expected)
    assert 0 < stored[2] < stored[0] and stored[3] > 0  # some comparable, some not
    assert reads == {"loaded": len(expected)}
    loaded = _metadata(first, "benchmark_trial_results")
    assert (loaded["inserted"], loaded["dagster/row_count"]) == (stored[0], stored[0])
    checks = evaluations(first)
    assert checks["complete_and_unique"].passed
    assert checks["results_decoded"].passed
    assert checks["matches_verified_cohorts"].passed

    again = _run(records, postgres, instance)
    assert again.output_for_node("raw_trial_results").plan.to_read == []
    meta = _metadata(again, "benchmark_trial_results")
    assert (meta["inserted"], meta["updated"], meta["removed"]) == (0, 0, 0)
    with postgres.connect() as conn:
        assert table_snapshot(conn, "benchmark_trial_results") == before


def _break_results(records, nct_id: str) -> None:
    """Post a measurement value as a JSON number (the spec says string) and update the record."""
    from benchmark_pipeline_tests.fakes.ctgov_results import generate_results

    def change(study: dict) -> None:
        section = generate_results(study)
        measurement = section["outcomeMeasuresModule"]["outcomeMeasures"][0]["classes"][0][
            "categories"
        ][0]["measurements"][0]
        measurement["value"] = 12.5
        study["resultsSection"] = section
        status = study["protocolSection"]["statusModule"]
        status["lastUpdatePostDateStruct"] = {"date": "2026-12-01", "type": "ACTUAL"}

    records.mutate(nct_id, change)


def test_a_wrong_typed_value_rejects_only_its_trial_and_keeps_its_rows(records, postgres, instance):
    _run(records, postgres, instance)
    with postgres.connect() as conn:
        broken = sorted(_with_results(conn))[0]
        kept = conn.execute(
            "SELECT * FROM public.benchmark_trial_results WHERE nct_id = %s ORDER BY 1, 2, 3",
            [broken],
        ).fetchall()
    _break_results(records, broken)
    result = _run(records, postgres, instance)
    value = result.output_for_node("raw_trial_results")
    assert value.plan.to_read == [broken]
    (rejected,) = value.rejected
    assert rejected.nct_id == broken
    assert "measurements[0].value" in rejected.field and "str" in rejected.reason
    check = evaluations(result)["results_decoded"]
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert broken in check.description
    with postgres.connect() as conn:
        after = conn.execute(
            "SELECT * FROM public.benchmark_trial_results WHERE nct_id = %s ORDER BY 1, 2, 3",
            [broken],
        ).fetchall()
        outcome = conn.execute(
            "SELECT outcome, last_update_date::text FROM benchmark_pipeline.trial_results_reads"
            " WHERE nct_id = %s",
            [broken],
        ).fetchone()
    assert after == kept
    assert outcome == ("rejected", "2026-12-01")


def test_a_value_that_disagrees_with_a_verified_cohort_holds_the_trial_and_stops_the_run(
    records, postgres, instance
):
    _run(records, postgres, instance)
    with postgres.connect() as conn:
        nct_id, instrument, quantity, value = conn.execute(
            "SELECT nct_id, instrument, quantity, value FROM public.benchmark_trial_results"
            " WHERE comparable AND arm_role = 'active' AND quantity = 'change'"
            " ORDER BY nct_id, measure_no LIMIT 1"
        ).fetchone()
        _insert_cohort(conn, nct_id, instrument, value + Decimal("3.0"))
    result = _run(records, postgres, instance, raise_on_error=False)
    assert not result.success
    check = evaluations(result)["matches_verified_cohorts"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert f"{nct_id}: the verified cohort 'Registry agreement test cohort'" in check.description
    assert f"{instrument} change mean of {value + Decimal('3.0')}" in check.description
    with postgres.connect() as conn:
        held = conn.execute(
            "SELECT bool_and(held_for_review) FROM public.benchmark_trial_results"
            " WHERE nct_id = %s",
            [nct_id],
        ).fetchone()[0]
        assert held
    # Still held at the next load: the check warns, the run goes on, no second alert.
    still = _run(records, postgres, instance)
    check = evaluations(still)["matches_verified_cohorts"]
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert nct_id in check.description
    with postgres.connect() as conn:
        # The cohort corrected to the posted value (rounded to one decimal, as a paper prints
        # it): the next load releases the trial.
        conn.execute(
            "UPDATE public.benchmark_cohorts SET change_mean = %s WHERE nct_id = %s",
            [round(value, 1), nct_id],
        )
    released = _run(records, postgres, instance)
    assert evaluations(released)["matches_verified_cohorts"].passed
    with postgres.connect() as conn:
        assert not conn.execute(
            "SELECT bool_or(held_for_review) FROM public.benchmark_trial_results"
        ).fetchone()[0]


def _insert_cohort(conn, nct_id: str, instrument: str, change_mean: Decimal) -> None:
    conn.execute(
        "INSERT INTO public.benchmark_cohorts (cohort_name, source_citation, doi, nct_id,"
        " modality, condition, setting, n_participants, instrument, change_mean)"
        " VALUES ('Registry agreement test cohort', 'Test citation doi:10.1000/test',"
        " '10.1000/test', %s, 'psilocybin', 'MDD', 'clinical_trial', 40, %s, %s)",
        [nct_id, instrument, change_mean],
    )


def test_the_app_compares_a_patient_with_a_registry_arm_the_run_loaded(records, postgres, instance):
    # No cohort is loaded here, so every instrument is one only registry results report.
    _run(records, postgres, instance)
    with psycopg.connect(postgres.dsn(), autocommit=True) as conn:
        usable = conn.execute(
            "SELECT r.modality, r.instrument, r.nct_id, r.measure_no, r.group_id, r.quantity,"
            " r.value, r.analysed_n FROM public.benchmark_trial_results r"
            " JOIN public.benchmark_instruments i ON i.name = r.instrument"
            " WHERE r.comparable AND NOT r.held_for_review AND r.arm_role = 'active'"
            " AND r.dispersion_kind = 'standard_deviation' AND r.spread IS NOT NULL"
            " AND r.analysed_n > 0 AND r.value BETWEEN -(i.score_max - i.score_min)"
            " AND i.score_max ORDER BY r.analysed_n DESC, r.nct_id LIMIT 1"
        ).fetchone()
        assert usable, "the fake's results hold no usable arm"
        modality, instrument = usable[0], usable[1]
        answer = call_as(
            conn,
            "benchmark_comparison",
            {
                "instrument": instrument,
                "baseline_score": 30,
                "current_score": 15,
                "modality": modality,
            },
        )
        candidates = conn.execute(
            "SELECT nct_id, measure_no, group_id FROM public.benchmark_trial_results"
            " WHERE comparable AND NOT held_for_review AND arm_role = 'active'"
            " AND instrument = %s AND modality = %s",
            [instrument, modality],
        ).fetchall()
    assert answer.ok, answer.error
    comparison = answer.value
    benchmark = comparison["benchmark"]
    assert benchmark["rule_step"] == 4
    assert benchmark["setting"] == "registry_results"
    posted = benchmark["registry_result"]
    assert (posted["nct_id"], posted["measure_no"], posted["group_id"]) in set(candidates)
    assert posted["nct_id"] in benchmark["chosen_because"]
    assert "ClinicalTrials.gov" in benchmark["source_citation"]
    # The number compared is the posted one, in the instrument's points, never rescaled.
    with psycopg.connect(postgres.dsn(), autocommit=True) as conn:
        value = conn.execute(
            "SELECT value FROM public.benchmark_trial_results WHERE nct_id = %s"
            " AND measure_no = %s AND group_id = %s AND class_no = %s AND category_no = %s",
            [
                posted["nct_id"],
                posted["measure_no"],
                posted["group_id"],
                posted["class_no"],
                posted["category_no"],
            ],
        ).fetchone()[0]
    assert Decimal(str(comparison["benchmark_value"])) == value
