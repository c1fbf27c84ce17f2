"""Parse throughput: API pages of 1,000 studies, decoded into typed records and turned into rows.

Pages are built from the fake's realistic records, cut to the pieces the pipeline requests
(``fields``) and serialized to compact JSON as the API sends them (untimed). Timed separately:
``decode_page`` (msgspec into the typed ``Study`` structs), ``TrialRows.add`` (fields, dates,
modality and indication: the rows), and ``TrialRows.frame`` (labels and the pandas frame), which
together are what the raw asset runs per page after fetching. Every pass starts with the
classifiers' caches empty, as a run does. ``json.loads`` of the same pages is shown for scale.
"""

import functools
import json
import statistics

from benchmark_pipeline.lib import modalities
from benchmark_pipeline.lib.trials import dates, indication
from benchmark_pipeline.lib.trials.decoding import decode_page
from benchmark_pipeline.lib.trials.paging import STUDY_FIELDS
from benchmark_pipeline.lib.trials.records import TrialRows
from benchmark_pipeline_tests.fakes import generate_records
from benchmark_pipeline_tests.fakes.ctgov_query import project
from benchmarks import common

STUDIES = 50_000
QUICK_STUDIES = 20_000
PAGE_SIZE = 1_000
REPEATS = 3
SEED = 0
TARGET = 20_000  # studies/s, decode + rows, at 50,000 studies
BEFORE = (
    "Before typed records (json.loads of each page, then `build_trials` on dicts, with every "
    "term's regex rebuilt per name) the same 50,000 studies ran at about 4,000-5,000 studies/s "
    "(json.loads + build_trials: 5,071/s on 2026-11-24)."
)


def pages(count: int) -> list[bytes]:
    pieces = tuple(STUDY_FIELDS.split("|"))
    studies = [project(s, pieces) for s in generate_records(count, seed=SEED)]
    return [
        json.dumps(
            {"studies": studies[i : i + PAGE_SIZE], "nextPageToken": f"page{i // PAGE_SIZE + 1}"},
            separators=(",", ":"),
        ).encode()
        for i in range(0, count, PAGE_SIZE)
    ]


def _cold() -> None:
    """Empty the caches a run fills as it goes (compiled vocabulary, names, conditions, dates)."""
    modalities._cached_matcher.cache_clear()
    indication._seen.clear()
    dates.partial_date.cache_clear()


def _one_pass(bodies: list[bytes]) -> tuple[float, float, float, int]:
    _cold()
    decoded = []
    decode_s, _ = common.timed(lambda: decoded.extend(decode_page(b) for b in bodies))
    rows = TrialRows()
    add = functools.partial(rows.add, found_by="psilocybin")
    rows_s, _ = common.timed(lambda: [add(p.studies, rejected=p.rejected) for p in decoded])
    frame_s, frame = common.timed(rows.frame)
    return decode_s, rows_s, frame_s, len(frame)


def run(uri: str | None = None, *, quick: bool, command: str) -> None:
    """``uri`` is unused (no database here); kept for run_all's common call signature."""
    count = QUICK_STUDIES if quick else STUDIES
    print(f"generating {count:,} studies in pages of {PAGE_SIZE:,} ...", flush=True)
    bodies = pages(count)
    mb = sum(len(b) for b in bodies) / 1e6
    loads = [common.timed(lambda: [json.loads(b) for b in bodies])[0] for _ in range(REPEATS)]
    passes = [_one_pass(bodies) for _ in range(REPEATS)]
    assert all(p[3] == count for p in passes)
    decode, rows, frame = (statistics.median(p[i] for p in passes) for i in range(3))
    steps = [
        ("json.loads (for scale; not used)", statistics.median(loads)),
        ("decode_page (typed, msgspec)", decode),
        ("TrialRows.add (rows: fields, dates, modality, indication)", rows),
        ("TrialRows.frame (labels, pandas frame)", frame),
        ("decode + rows", decode + rows),
        ("decode + rows + frame", decode + rows + frame),
    ]
    table = common.md_table(
        ["step", "seconds", "studies/s", "pages/s"],
        [
            [name, common.fmt_s(s), common.fmt_int(count / s), f"{count / PAGE_SIZE / s:.1f}"]
            for name, s in steps
        ],
    )
    speed = count / (decode + rows)
    verdict = "met" if speed >= TARGET else "NOT met"
    print("\n" + table + "\n")
    print(f"decode + rows: {speed:,.0f} studies/s (target {TARGET:,}: {verdict})")
    common.write_section(
        "parse",
        "\n".join(
            [
                common.section_header("Parse throughput of API pages", command),
                f"{count:,} studies from the fake's record generator, cut to the requested "
                f"pieces (`fields={STUDY_FIELDS}`), in {len(bodies)} pages of {PAGE_SIZE:,} "
                f"serialized as compact JSON ({mb / len(bodies):.2f} MB a page); median of "
                f"{REPEATS} passes, one process, caches emptied before each pass.",
                "",
                table,
                "",
                f"Decode + rows: {speed:,.0f} studies/s; target at least {TARGET:,} at "
                f"{STUDIES:,} studies: {verdict}" + (" (quick run)." if quick else "."),
                "",
                BEFORE,
            ]
        ),
    )


if __name__ == "__main__":
    common.standalone(run, __doc__.splitlines()[0])
