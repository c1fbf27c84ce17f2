"""The resource bindings read from the environment."""

import dagster as dg
import pytest

from benchmark_pipeline.defs.resources import ctgov_resource


@pytest.mark.parametrize(
    ("url", "pacing"),
    [
        ("http://127.0.0.1:8765/api/v2", 0.0),  # the fake of `make materialize`: not paced
        ("http://localhost:8765/api/v2", 0.0),
        ("http://[::1]:8765/api/v2", 0.0),
        ("https://clinicaltrials.gov/api/v2", 1.0),  # the real registry asks for Crawl-delay: 1
        ("http://127.0.0.1.example.org/api/v2", 1.0),
    ],
)
def test_a_registry_on_this_machine_is_not_paced(monkeypatch, url, pacing):
    monkeypatch.setenv("CTGOV_API_URL", url)
    resource = ctgov_resource()
    assert resource.min_interval_seconds == pacing
    # Bound as an EnvVar: the UI shows the variable's name, a run reads its value.
    assert isinstance(resource.base_url, dg.EnvVar) and resource.base_url.get_value() == url


def test_without_ctgov_api_url_the_real_registry_is_paced(monkeypatch):
    monkeypatch.delenv("CTGOV_API_URL", raising=False)
    resource = ctgov_resource()
    assert resource.base_url == "https://clinicaltrials.gov/api/v2"
    assert resource.min_interval_seconds == 1.0


def test_alert_settings_are_bound_as_environment_variables(monkeypatch):
    from benchmark_pipeline.defs.resources import ALERT_SETTINGS, alerts_resource

    for name in [*ALERT_SETTINGS.values(), "ALERT_SMTP_PORT"]:
        monkeypatch.delenv(name, raising=False)
    unset = alerts_resource()
    assert unset.channels() == [] and unset.smtp() is None  # nothing to send to, nothing fails

    monkeypatch.setenv("ALERT_SMTP_HOST", "smtp.clinic.example")
    monkeypatch.setenv("ALERT_SMTP_PORT", "2525")
    monkeypatch.setenv("ALERT_SMTP_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("ALERT_EMAIL_TO", "a@clinic.example, b@clinic.example")
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/secret")
    resource = alerts_resource()
    # The UI shows the variables' names, never their values.
    assert isinstance(resource.smtp_password, dg.EnvVar)
    assert isinstance(resource.webhook_url, dg.EnvVar)
    channels = resource.process_config_and_initialize().channels()
    assert channels == [
        "email to a@clinic.example, b@clinic.example via smtp.clinic.example:2525",
        "webhook at https://hooks.slack.com",
    ]
    assert not any("secret" in channel for channel in channels)


def test_wrong_alert_settings_are_named_and_not_tried_again(monkeypatch):
    import pytest

    import benchmark_pipeline.resources as resources
    from benchmark_pipeline.lib.alerts.channels import AlertDeliveryError
    from benchmark_pipeline.lib.alerts.message import Alert

    waits: list[float] = []
    monkeypatch.setattr(resources.time, "sleep", waits.append)
    alerts = resources.AlertChannelsResource(
        smtp_host="127.0.0.1", email_to="a@clinic.example", smtp_security="tls"
    )
    with pytest.raises(AlertDeliveryError, match="ALERT_SMTP_SECURITY must be one of"):
        alerts.send(Alert(title="t failed", reason="why."))
    assert waits == []  # a setting does not change by waiting
