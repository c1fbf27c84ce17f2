"""Test doubles: a loopback ClinicalTrials.gov API v2 and the trial records it serves."""

from .ctgov_records import MODALITY_TERMS, TrialRecords, generate_records, generate_study
from .ctgov_server import FakeCtgovServer, Faults

__all__ = [
    "MODALITY_TERMS",
    "FakeCtgovServer",
    "Faults",
    "TrialRecords",
    "generate_records",
    "generate_study",
]
