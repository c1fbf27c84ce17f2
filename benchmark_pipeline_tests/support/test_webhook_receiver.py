"""The loopback webhook receiver keeps each JSON body posted to it."""

import httpx
import pytest

from benchmark_pipeline_tests.support.webhook_receiver import WebhookReceiver


def test_the_receiver_keeps_each_json_body_and_waits_for_the_next():
    with WebhookReceiver() as hook:
        reply = httpx.post(hook.url, json={"text": "Run failed: trials_refresh_job"}, timeout=10)
        [received] = hook.wait_for(1, timeout=10)
        with pytest.raises(AssertionError, match="received 1"):
            hook.wait_for(2, timeout=0.2)
    assert reply.status_code == 200
    assert received.path == "/hook"
    assert received.body == {"text": "Run failed: trials_refresh_job"}
    assert received.headers["Content-Type"] == "application/json"
