"""Email and webhook delivery to receivers on loopback, and failures that name the channel
without its secrets."""

import pytest

from benchmark_pipeline.lib.alerts.channels import (
    AlertDeliveryError,
    SmtpSettings,
    post_webhook,
    recipients,
    send_email,
    webhook_origin,
)
from benchmark_pipeline.lib.alerts.message import Alert
from benchmark_pipeline_tests.support.processes import free_port
from benchmark_pipeline_tests.support.smtp_sink import SmtpSink
from benchmark_pipeline_tests.support.webhook_receiver import WebhookReceiver

ALERT = Alert(title="trials_refresh_job failed", reason="the registry could not be reached.")
TOKEN = "T000/B000/XXXXsecretXXXX"


def _smtp(port: int, **changes) -> SmtpSettings:
    settings = dict(
        host="127.0.0.1",
        port=port,
        sender="pipeline@clinic.example",
        recipients=("a@clinic.example", "b@clinic.example"),
        security="none",
        timeout_seconds=5,
    )
    return SmtpSettings(**(settings | changes))


def test_recipients_and_origin():
    assert recipients(" a@x.org, ,b@y.org ") == ("a@x.org", "b@y.org")
    assert recipients(None) == ()
    assert webhook_origin(f"https://user:pw@hooks.slack.com/services/{TOKEN}?q=1") == (
        "https://hooks.slack.com"
    )
    assert webhook_origin("http://127.0.0.1:8080/hook") == "http://127.0.0.1:8080"


def test_an_email_reaches_every_recipient():
    with SmtpSink() as sink:
        send_email(_smtp(sink.port), ALERT)
        (mail,) = sink.wait_for(1, timeout=10)
    assert mail.rcpt_tos == ["a@clinic.example", "b@clinic.example"]
    assert mail.message["Subject"] == ALERT.subject
    assert mail.message["From"] == "pipeline@clinic.example"
    assert mail.text().replace("\r\n", "\n") == ALERT.text()  # SMTP sends CRLF line ends


def test_an_unreachable_smtp_server_is_named_without_the_password():
    settings = _smtp(free_port(), user="pipeline", password="hunter2-secret")
    with pytest.raises(AlertDeliveryError) as raised:
        send_email(settings, ALERT)
    assert f"email via 127.0.0.1:{settings.port} failed: ConnectionRefusedError" in str(
        raised.value
    )
    assert "hunter2" not in str(raised.value)


def test_an_unknown_security_mode_is_refused_by_name():
    with pytest.raises(AlertDeliveryError, match="ALERT_SMTP_SECURITY must be one of"):
        send_email(_smtp(25, security="tls"), ALERT)


def test_a_webhook_receives_the_json_body():
    with WebhookReceiver() as hook:
        post_webhook(hook.url, ALERT)
        (post,) = hook.wait_for(1, timeout=10)
    assert post.body == ALERT.json_body()
    assert post.headers["Content-Type"] == "application/json"


def test_a_failing_webhook_is_named_by_its_host_only():
    port = free_port()
    with pytest.raises(AlertDeliveryError) as raised:
        post_webhook(f"http://127.0.0.1:{port}/services/{TOKEN}", ALERT, timeout_seconds=5)
    assert str(raised.value) == f"webhook at http://127.0.0.1:{port} failed: ConnectError"
