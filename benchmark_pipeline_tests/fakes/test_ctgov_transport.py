"""The two front ends of the one fake answer alike: same records, same search, same faults."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from benchmark_pipeline.constants import REPO_ROOT

from . import spec
from .ctgov_core import FakeCtgov
from .ctgov_faults import RESET, TIMEOUT, Faults, Reply
from .ctgov_query import PIECES
from .ctgov_records import TrialRecords, generate_records
from .ctgov_server import FakeCtgovServer
from .ctgov_transport import mock_transport

REQUESTS = [
    ("/version", {}),
    ("/studies", {"query.intr": "ketamine", "pageSize": "50", "countTotal": "true"}),
    ("/studies", {"query.intr": "AREA[InterventionName]LSD OR AREA[InterventionOtherName]LSD"}),
    ("/studies", {"filter.overallStatus": "COMPLETED", "fields": "NCTId|ConditionBrowseModule"}),
    ("/studies", {"query.intr": "psilocybin AND depression"}),
    ("/studies/NCT09999999", {}),
]


@pytest.fixture(scope="module")
def records() -> TrialRecords:
    return generate_records(400, seed=3)


def _answers(client: httpx.Client) -> list[tuple[int, str, bytes]]:
    found = []
    for path, params in REQUESTS:
        response = client.get(path, params=params)
        found.append((response.status_code, response.headers["content-type"], response.content))
    return found


def test_server_and_transport_give_the_same_answers(records: TrialRecords) -> None:
    with FakeCtgovServer(records) as server, httpx.Client(base_url=server.base_url) as http:
        over_http = _answers(http)
    fake = FakeCtgov(records)
    base = "https://clinicaltrials.gov/api/v2"
    with httpx.Client(base_url=base, transport=mock_transport(fake)) as client:
        in_process = _answers(client)
    assert in_process == over_http
    assert [status for status, _, _ in over_http] == [200, 200, 200, 200, 400, 404]


def test_area_narrows_a_term_to_one_intervention_field(records: TrialRecords) -> None:
    fake = FakeCtgov(records)
    with httpx.Client(base_url="http://x/api/v2", transport=mock_transport(fake)) as client:

        def ids(query: str) -> set[str]:
            body = client.get("/studies", params={"query.intr": query, "pageSize": 1000}).json()
            return {s["protocolSection"]["identificationModule"]["nctId"] for s in body["studies"]}

        names = ids("AREA[InterventionName]LSD")
        others = ids("AREA[InterventionOtherName]LSD")
    assert names and others and names != others
    assert ids_with(records, "name", "LSD") == names
    assert ids_with(records, "otherNames", "LSD") == others


def ids_with(records: TrialRecords, field: str, word: str) -> set[str]:
    found = set()
    for study in records:
        for item in study["protocolSection"]["armsInterventionsModule"]["interventions"]:
            values = item.get(field, [])
            values = [values] if isinstance(values, str) else values
            if any(re.search(rf"(?<![0-9A-Za-z]){word}(?![0-9A-Za-z])", v) for v in values):
                found.add(study["protocolSection"]["identificationModule"]["nctId"])
    return found


def test_fields_keep_only_the_named_pieces_and_every_piece_is_in_the_spec(
    records: TrialRecords,
) -> None:
    for piece, path in PIECES.items():
        assert path in spec.piece_paths(piece), piece
    fake = FakeCtgov(records)
    with httpx.Client(base_url="http://x/api/v2", transport=mock_transport(fake)) as client:
        body = client.get(
            "/studies", params={"fields": "NCTId|ConditionBrowseModule|HasResults", "pageSize": 3}
        ).json()
        unknown = client.get("/studies", params={"fields": "Nonsense"})
    spec.validate(body, strict=True)
    for study in body["studies"]:
        assert list(study) == ["protocolSection", "derivedSection", "hasResults"]
        assert list(study["protocolSection"]) == ["identificationModule"]
        assert list(study["protocolSection"]["identificationModule"]) == ["nctId"]
        assert list(study["derivedSection"]) == ["conditionBrowseModule"]
    assert unknown.status_code == 400 and "Nonsense" in unknown.text


def test_scripted_and_injected_faults_reach_the_transport() -> None:
    fake = FakeCtgov(generate_records(10, seed=1))
    fake.queue(RESET, TIMEOUT, Reply.text(429, "slow", {"Retry-After": "3"}))
    with httpx.Client(base_url="http://x/api/v2", transport=mock_transport(fake)) as client:
        with pytest.raises(httpx.ReadError):
            client.get("/version")
        with pytest.raises(httpx.ReadTimeout):
            client.get("/version")
        slow = client.get("/version")
        fine = client.get("/version")
        fake.set_faults(down=True, paths=("/studies",))
        down, version = client.get("/studies"), client.get("/version")
    assert (slow.status_code, slow.headers["retry-after"]) == (429, "3")
    assert fine.status_code == 200
    assert (down.status_code, version.status_code) == (503, 200)
    assert fake.request_count() == 6 and fake.faults_injected["down"] == 1


@pytest.mark.parametrize("malformed", ["html", "truncated", "studies_object", "endless_pages"])
def test_malformed_pages_are_malformed_on_both_front_ends(malformed: str) -> None:
    records = generate_records(20, seed=1)
    faults = Faults(malformed=malformed)
    with FakeCtgovServer(records, faults=faults) as server, httpx.Client() as http:
        over_http = http.get(f"{server.base_url}/studies", params={"countTotal": "true"})
    fake = FakeCtgov(records, faults=faults)
    with httpx.Client(base_url="http://x/api/v2", transport=mock_transport(fake)) as client:
        in_process = client.get("/studies", params={"countTotal": "true"})
    assert over_http.status_code == in_process.status_code == 200
    assert over_http.headers["content-type"] == in_process.headers["content-type"]
    if malformed != "endless_pages":  # its tokens are counted per fake
        assert over_http.content == in_process.content
    if malformed == "endless_pages":
        assert in_process.json()["studies"] == [] and in_process.json()["nextPageToken"]


def test_a_dripped_body_arrives_slowly_over_the_loopback() -> None:
    records = generate_records(2, seed=1)
    with FakeCtgovServer(records, faults=Faults(drip_seconds=0.02, drip_bytes=10)) as server:
        started = time.monotonic()
        body = httpx.get(f"{server.base_url}/version", timeout=1).content
        took = time.monotonic() - started
    assert body.startswith(b'{"apiVersion"') and took >= 0.02 * (len(body) // 10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_command_serves_until_stopped() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "benchmark_pipeline_tests.fakes", "serve", "--port"]
    process = subprocess.Popen(
        [*command, str(port), "--trials", "50", "--seed", "3"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = process.stdout.readline()
        assert line.startswith(f"http://127.0.0.1:{port}/api/v2"), line
        version = httpx.get(f"http://127.0.0.1:{port}/api/v2/version", timeout=5)
        listing = httpx.get(
            f"http://127.0.0.1:{port}/api/v2/studies", params={"countTotal": "true"}, timeout=5
        )
        assert version.status_code == 200 and version.json()["apiVersion"] == "2.0.5"
        assert listing.json()["totalCount"] == 50
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/v2/version", timeout=2)
