"""The fake honours the incremental refresh's filter, and changes a share of its trials as a week
of the registry does."""

import json
from urllib.parse import urlencode

import pytest

from benchmark_pipeline_tests.fakes import FakeCtgov, generate_records

UPDATED = "AREA[LastUpdatePostDate]RANGE[{},{}]"


def _listing(fake: FakeCtgov, **params: str) -> tuple[int, dict | str]:
    reply = fake.handle("/api/v2/studies", urlencode({"pageSize": "1000", **params}))
    body = reply.body.decode()
    return reply.status, json.loads(body) if reply.status == 200 else body


def _updated(study: dict) -> str:
    return study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]


def test_the_range_keeps_exactly_the_studies_updated_within_it_ends_included():
    records = generate_records(300, seed=3)
    fake = FakeCtgov(records)
    dates = sorted(_updated(s) for s in records)
    low, high = dates[100], dates[200]
    for lo, hi in [(low, "MAX"), ("MIN", high), (low, high)]:
        status, body = _listing(fake, **{"filter.advanced": UPDATED.format(lo, hi)})
        assert status == 200
        got = {s["protocolSection"]["identificationModule"]["nctId"] for s in body["studies"]}
        expected = {
            s["protocolSection"]["identificationModule"]["nctId"]
            for s in records
            if (lo == "MIN" or _updated(s) >= lo) and (hi == "MAX" or _updated(s) <= hi)
        }
        assert got == expected and expected


@pytest.mark.parametrize(
    ("advanced", "message"),
    [
        ("AREA[StartDate]2022", "only as AREA[LastUpdatePostDate]RANGE[lo,hi]"),
        ("AREA[LastUpdatePostDate]RANGE[2026-02-30,MAX]", "invalid date in filter.advanced"),
        ("AREA[LastUpdatePostDate]RANGE[last week,MAX]", "only as"),
    ],
)
def test_any_other_advanced_filter_is_refused_naming_the_fake(advanced, message):
    status, body = _listing(FakeCtgov(generate_records(5)), **{"filter.advanced": advanced})
    assert status == 400 and message in body


def test_a_share_of_the_trials_moves_on_and_is_posted_on_the_day():
    records = generate_records(2_000, seed=5)
    before = {nct: records.get(nct) for nct in records.ids()}
    changed = records.update_share(0.02, "2026-09-10", seed=1)
    assert len(changed) == 40 and changed == sorted(changed)
    assert records.update_share(0.02, "2026-09-10", seed=1) == changed  # the same draw
    for nct in records.ids():
        now, then = records.get(nct), before[nct]
        if nct in changed:
            assert _updated(now) == "2026-09-10"
            assert now["protocolSection"] != then["protocolSection"]
        else:
            assert now == then
    fake = FakeCtgov(records)
    _, body = _listing(fake, **{"filter.advanced": UPDATED.format("2026-09-10", "MAX")})
    assert len(body["studies"]) == 40
