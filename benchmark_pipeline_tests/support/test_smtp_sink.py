"""The loopback SMTP sink receives what smtplib sends, as an alert sender would send it."""

import smtplib
from email.message import EmailMessage

import pytest

from benchmark_pipeline_tests.support.smtp_sink import SmtpSink


def test_the_sink_keeps_each_message_and_waits_for_the_next():
    mail = EmailMessage()
    mail["From"] = "dagster@example.org"
    mail["To"] = "oncall@example.org"
    mail["Subject"] = "Run failed: trials_refresh_job"
    mail.set_content("ClinicalTrials.gov could not be reached.")
    with SmtpSink() as sink:
        with smtplib.SMTP(sink.host, sink.port, timeout=10) as smtp:
            smtp.send_message(mail)
        [received] = sink.wait_for(1, timeout=10)
        with pytest.raises(AssertionError, match="received 1"):
            sink.wait_for(2, timeout=0.2)
    assert received.mail_from == "dagster@example.org"
    assert received.rcpt_tos == ["oncall@example.org"]
    assert received.message["Subject"] == "Run failed: trials_refresh_job"
    assert received.text().strip() == "ClinicalTrials.gov could not be reached."
