"""Fixtures of the end-to-end tests: a realistic fake registry on loopback."""

from collections.abc import Iterator

import pytest

from benchmark_pipeline_tests.fakes import FakeCtgovServer, TrialRecords, generate_records

REALISTIC_SIZE = 1_600


@pytest.fixture(scope="module")
def records() -> TrialRecords:
    return generate_records(REALISTIC_SIZE, seed=7)


@pytest.fixture
def fake_api(records) -> Iterator[FakeCtgovServer]:
    with FakeCtgovServer(records) as server:
        yield server
