"""The alert as a person reads it (email text) and as a webhook receives it (JSON)."""

from benchmark_pipeline.lib.alerts.message import Alert

ALERT = Alert(
    title="trials_refresh_job failed",
    reason="raw_benchmark_trials failed: ClinicalTrials.gov at http://x could not be reached.",
    url="http://dagster.example.org/runs/abc",
    tables=("public.benchmark_trials was left as it was: 1,565 rows at its last load",),
    run_id="abc",
    job="trials_refresh_job",
)


def test_the_text_leads_with_the_reason_then_the_link_and_tables():
    assert ALERT.subject == "[benchmark_pipeline] trials_refresh_job failed"
    assert ALERT.text() == (
        "trials_refresh_job failed\n\n"
        "raw_benchmark_trials failed: ClinicalTrials.gov at http://x could not be reached.\n\n"
        "Run: http://dagster.example.org/runs/abc\n\n"
        "Tables:\n"
        "- public.benchmark_trials was left as it was: 1,565 rows at its last load\n"
    )


def test_the_json_body_carries_slacks_text_and_every_fact():
    body = ALERT.json_body()
    assert body["text"] == f"{ALERT.subject}\n{ALERT.text()}"
    assert (body["reason"], body["run_url"], body["run_id"], body["job"]) == (
        ALERT.reason,
        ALERT.url,
        "abc",
        "trials_refresh_job",
    )
    assert body["tables"] == list(ALERT.tables)


def test_without_link_or_tables_only_the_reason_is_said():
    alert = Alert(title="t failed", reason="why.")
    assert alert.text() == "t failed\n\nwhy.\n"
