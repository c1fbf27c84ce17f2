"""The one fake ClinicalTrials.gov API v2: records, query semantics, faults, and two front ends
(a loopback server and an httpx MockTransport) over the same core. ``python -m
benchmark_pipeline_tests.fakes serve --port 8765`` serves it for a person."""

from .ctgov_core import FakeCtgov
from .ctgov_faults import RESET, TIMEOUT, Faults, Reply
from .ctgov_records import MODALITY_TERMS, TrialRecords, generate_records, generate_study
from .ctgov_server import FakeCtgovServer
from .ctgov_study import registry, study
from .ctgov_transport import fake_resource, mock_transport

__all__ = [
    "MODALITY_TERMS",
    "RESET",
    "TIMEOUT",
    "FakeCtgov",
    "FakeCtgovServer",
    "Faults",
    "Reply",
    "TrialRecords",
    "fake_resource",
    "generate_records",
    "generate_study",
    "mock_transport",
    "registry",
    "study",
]
