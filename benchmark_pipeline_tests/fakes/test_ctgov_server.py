"""The fake ClinicalTrials.gov API answers like the real one, and fails when told to."""

import json
import threading
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from . import spec
from .ctgov_faults import Faults
from .ctgov_records import MODALITY_TERMS, TrialRecords, generate_records
from .ctgov_server import FakeCtgovServer

# Every spelling but the bare acronym DMT, which also names non-psychedelic therapies
# (ACRONYM_NOISE): with it, the listing would rightly hold trials without a modality.
ALL_TERMS = " OR ".join(
    f'"{t}"' if " " in t else t for ts in MODALITY_TERMS.values() for t in ts if t != "DMT"
)
MAX_PAGES = 500


@pytest.fixture(scope="module")
def records() -> TrialRecords:
    return generate_records(1_600, seed=11)


@pytest.fixture
def api(records: TrialRecords) -> Iterator[FakeCtgovServer]:
    with FakeCtgovServer(records) as server:
        yield server


@pytest.fixture
def client(api: FakeCtgovServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.base_url, timeout=10) as http:
        yield http


def _ids(page: dict) -> list[str]:
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]]


def fetch_all(client: httpx.Client, params: dict, *, validate: bool = False) -> list[dict]:
    """Every page of a listing, following nextPageToken (bounded)."""
    pages, token = [], None
    for _ in range(MAX_PAGES):
        response = client.get(
            "/studies", params={**params, **({"pageToken": token} if token else {})}
        )
        assert response.status_code == 200, response.text
        page = response.json()
        if validate:
            spec.validate(page, strict=True)
        pages.append(page)
        token = page.get("nextPageToken")
        if token is None:
            return pages
    raise AssertionError(f"no last page after {MAX_PAGES} pages")


@pytest.mark.parametrize("page_size", [1, 37, 1000])
def test_every_page_is_a_valid_paged_studies(page_size: int) -> None:
    with (
        FakeCtgovServer(generate_records(120, seed=5)) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        pages = fetch_all(http, {"pageSize": page_size, "countTotal": "true"}, validate=True)
        version = http.get("/version").json()
        one = http.get(f"/studies/{_ids(pages[0])[0]}").json()
    assert len(pages) == -(-120 // page_size)
    spec.validate(version, "Version")
    assert list(version) == ["apiVersion", "dataTimestamp"] and version["apiVersion"] == "2.0.5"
    spec.validate(one, "Study", strict=True)


def test_wire_format_is_compact_json_in_the_real_key_order(client: httpx.Client) -> None:
    response = client.get("/studies", params={"pageSize": 2, "countTotal": "true"})
    assert response.headers["content-type"].startswith("application/json")
    compact = json.dumps(response.json(), separators=(",", ":"), ensure_ascii=False)
    assert response.text == compact and "\n" not in response.text
    assert list(response.json()) == ["studies", "totalCount", "nextPageToken"]


def test_pagination_returns_every_match_exactly_once(
    client: httpx.Client, records: TrialRecords
) -> None:
    pages = fetch_all(client, {"query.intr": ALL_TERMS, "pageSize": 100, "countTotal": "true"})
    received = [nct for page in pages for nct in _ids(page)]
    expected = [nct for nct in records.ids() if records.modalities[nct]]
    assert len(received) == len(set(received))
    assert set(received) == set(expected)
    assert pages[0]["totalCount"] == len(received)
    assert all("totalCount" not in page for page in pages[1:])
    assert len(pages) == -(-len(expected) // 100)


def test_an_empty_page_in_the_middle_does_not_end_the_listing(
    api: FakeCtgovServer, client: httpx.Client, records: TrialRecords
) -> None:
    api.set_faults(empty_page=True)
    pages = fetch_all(client, {"query.intr": "psilocybin", "pageSize": 50})
    assert any(not page["studies"] and "nextPageToken" in page for page in pages[1:-1])
    received = [nct for page in pages for nct in _ids(page)]
    assert sorted(received) == sorted(records.with_modality("psilocybin"))


def _named(records: TrialRecords, word: str) -> set[str]:
    """Records with ``word`` as an intervention's name or one of its other names."""
    return {
        nct
        for nct in records.ids()
        for i in records.get(nct)["protocolSection"]["armsInterventionsModule"]["interventions"]
        if word == i["name"] or word in i.get("otherNames", [])
    }


def test_ketamine_finds_s_ketamine_but_not_esketamine(
    client: httpx.Client, records: TrialRecords
) -> None:
    pages = fetch_all(client, {"query.intr": "KETAMINE", "pageSize": 1000})
    found = {nct for page in pages for nct in _ids(page)}
    s_ketamine = _named(records, "S-ketamine")
    r_ketamine = _named(records, "R-ketamine")  # arketamine trials write "ketamine" too
    only_esketamine = {n for n, m in records.modalities.items() if m == {"esketamine"}}
    assert s_ketamine and r_ketamine and only_esketamine - s_ketamine
    assert found == set(records.with_modality("ketamine")) | s_ketamine | r_ketamine
    assert not (only_esketamine - s_ketamine) & found


@pytest.mark.parametrize(
    ("query", "modality"),
    [
        ("esketamine OR Spravato", "esketamine"),
        ('LSD OR "lysergic acid diethylamide"', "lsd"),
        ("MDMA OR methylenedioxymethamphetamine", "mdma"),
    ],
)
def test_terms_match_whole_words_in_intervention_names(
    client: httpx.Client, records: TrialRecords, query: str, modality: str
) -> None:
    pages = fetch_all(client, {"query.intr": query, "pageSize": 1000})
    assert {nct for page in pages for nct in _ids(page)} == set(records.with_modality(modality))


def test_page_size_is_capped_at_1000_and_zero_means_ten(client: httpx.Client) -> None:
    sizes = {}
    for asked in ("5000", "1000", "0", None):
        params = {"pageSize": asked} if asked is not None else {}
        sizes[asked] = len(client.get("/studies", params=params).json()["studies"])
    assert sizes == {"5000": 1000, "1000": 1000, "0": 10, None: 10}


def test_status_and_id_filters(client: httpx.Client, records: TrialRecords) -> None:
    wanted = {"TERMINATED", "WITHDRAWN", "SUSPENDED"}
    pages = fetch_all(
        client, {"filter.overallStatus": "TERMINATED,WITHDRAWN|SUSPENDED", "pageSize": 1000}
    )
    statuses = Counter(
        s["protocolSection"]["statusModule"]["overallStatus"] for p in pages for s in p["studies"]
    )
    expected = Counter(
        s["protocolSection"]["statusModule"]["overallStatus"]
        for s in records
        if s["protocolSection"]["statusModule"]["overallStatus"] in wanted
    )
    assert statuses == expected and set(statuses) == wanted

    some = records.ids()[:5]
    by_ids = client.get("/studies", params={"filter.ids": "|".join(some), "pageSize": 50}).json()
    assert _ids(by_ids) == some
    completed = [
        n
        for n in some
        if records.get(n)["protocolSection"]["statusModule"]["overallStatus"] == "COMPLETED"
    ]
    both = client.get(
        "/studies", params={"filter.ids": ",".join(some), "filter.overallStatus": "COMPLETED"}
    )
    assert _ids(both.json()) == completed
    # A query of NCT ids only ignores the filters, as the real API does.
    ids_query = client.get(
        "/studies", params={"query.intr": " ".join(some), "filter.overallStatus": "COMPLETED"}
    )
    assert _ids(ids_query.json()) == some


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"query.intervention": "psilocybin"}, "unknown parameter"),
        ({"filter.overallStatus": "FINISHED"}, "invalid filter.overallStatus"),
        ({"pageSize": "-1"}, "invalid pageSize"),
        ({"filter.ids": "NCT0"}, "invalid NCT ID"),
        ({"sort": "LastUpdatePostDate"}, "not implemented by the fake"),
        ({"query.intr": "psilocybin AND depression"}, "only terms and quoted phrases"),
    ],
)
def test_bad_requests_get_400_text(client: httpx.Client, params: dict, message: str) -> None:
    response = client.get("/studies", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert message in response.text


def test_a_token_only_works_with_the_query_it_came_from(client: httpx.Client) -> None:
    first = client.get("/studies", params={"query.intr": "ketamine", "pageSize": 5}).json()
    token = first["nextPageToken"]
    same = client.get(
        "/studies", params={"query.intr": "ketamine", "pageSize": 7, "pageToken": token}
    )
    other = client.get("/studies", params={"query.intr": "psilocybin", "pageToken": token})
    assert same.status_code == 200 and len(same.json()["studies"]) == 7
    assert other.status_code == 400


def test_single_study_and_fields_are_served(client: httpx.Client, records: TrialRecords) -> None:
    nct = records.ids()[3]
    assert client.get(f"/studies/{nct.lower()}").json() == records.get(nct)
    assert client.get("/studies/NCT09999999").status_code == 404
    fields = client.get("/studies", params={"fields": "NCTId|OverallStatus", "pageSize": 1})
    assert fields.status_code == 200


def test_record_changes_show_up_in_the_next_request() -> None:
    records = generate_records(40, seed=2)
    first, second = records.ids()[:2]
    with FakeCtgovServer(records) as server, httpx.Client(base_url=server.base_url) as http:
        records.set_status(first, "WITHDRAWN")
        withdrawn = http.get(
            "/studies", params={"filter.overallStatus": "WITHDRAWN", "pageSize": 100}
        )
        records.remove(second)
        listing = http.get("/studies", params={"pageSize": 100, "countTotal": "true"}).json()
        gone = http.get(f"/studies/{second}")
    assert first in _ids(withdrawn.json())
    assert second not in _ids(listing) and listing["totalCount"] == 39
    assert gone.status_code == 404


def test_requests_are_counted_logged_and_reset(api: FakeCtgovServer, client: httpx.Client) -> None:
    client.get("/version")
    client.get("/studies", params={"query.intr": "ibogaine", "pageSize": 3})
    client.get("/studies", params={"pageSize": 3})
    assert api.request_count() == 3
    assert api.request_count("/studies") == 2 and api.request_count("/api/v2/version") == 1
    assert api.query_log[1] == "/api/v2/studies?query.intr=ibogaine&pageSize=3"
    api.reset_counters()
    assert api.request_count() == 0 and api.query_log == []


def _outcome(http: httpx.Client) -> str:
    try:
        response = http.get("/version")
    except httpx.TimeoutException:
        return "timeout"
    except (httpx.ReadError, httpx.RemoteProtocolError):
        return "reset"
    if response.status_code == 429:
        assert response.headers["retry-after"] == "0"
    return str(response.status_code)


def test_fault_rate_is_roughly_honoured(records: TrialRecords) -> None:
    faults = Faults(rate=0.3, retry_after=0, stall_seconds=0.3, seed=1)
    with (
        FakeCtgovServer(records, faults=faults) as server,
        httpx.Client(base_url=server.base_url, timeout=0.1) as http,
    ):
        outcomes = Counter(_outcome(http) for _ in range(400))
        injected = Counter(server.faults_injected)
    failed = 400 - outcomes["200"]
    assert 0.22 * 400 <= failed <= 0.38 * 400
    assert set(outcomes) == {"200", "429", "503", "timeout", "reset"}
    assert all(outcomes[kind] == injected[kind] for kind in ("429", "503", "timeout", "reset"))


def test_down_mode_fails_every_request(api: FakeCtgovServer, client: httpx.Client) -> None:
    api.set_faults(down=True)
    statuses = [client.get(path).status_code for path in ("/version", "/studies", "/studies") * 5]
    assert statuses == [503] * 15
    api.set_faults(down=False)
    assert client.get("/version").status_code == 200


def test_the_server_stops_at_context_exit_even_mid_request(records: TrialRecords) -> None:
    stalled: list[BaseException] = []

    def slow_request(url: str) -> None:
        try:
            httpx.get(url, timeout=60)
        except httpx.HTTPError as exc:
            stalled.append(exc)

    with FakeCtgovServer(
        records, faults=Faults(rate=1.0, kinds=("timeout",), stall_seconds=30)
    ) as server:
        url = f"{server.base_url}/version"
        worker = threading.Thread(target=slow_request, args=(url,))
        worker.start()
        for _ in range(200):
            if server.request_count():
                break
            threading.Event().wait(0.01)
    worker.join(timeout=10)
    assert not worker.is_alive() and stalled
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)
