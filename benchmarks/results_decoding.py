"""Decoding posted results: 2,000 results sections decoded, flattened into rows, columns derived.

The bodies are the fake registry's own answers to the requests the pipeline makes for posted
results (``results_params``: ``filter.ids`` of 50 NCT ids, ``fields=NCTId|LastUpdatePostDate|
ResultsSection``, ``pageSize=50``), made once by ``FakeCtgov.handle`` before any clock starts;
the trial facts recognition needs (modalities, interventions) come from the same records through
the pipeline's ``TrialRows``, as the trials table holds them. Timed separately, each pass with
the classifiers' caches empty as a run starts: ``decode_results_page`` (msgspec into typed
results, references checked), ``ResultRows.add_page`` (one row per measurement, one per
analysis), ``ResultRows.frame`` (the pandas frame) and ``derive_columns`` (instrument, quantity,
dispersion, arm role, comparability).

Peak memory: a process of its own (started through a small launcher, as ``memory.py`` does, so
that its ``ru_maxrss`` is its own) reads the prepared bodies and trial facts and runs
``read_results`` over the pages decoded one at a time, as ``raw_trial_results`` does; a process
that only imports the same modules and reads the same bodies and facts gives the floor.
"""

import gc
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from benchmark_pipeline.lib.trials.results.fetch import (
    IDS_PER_REQUEST,
    RESULTS_FIELDS,
    RESULTS_PER_PAGE,
)
from benchmarks import common

SECTIONS = 2_000
RECORDS = 20_000  # fake records to draw them from: about 11% of the fake's trials have results
SEED = 0
REPEATS = 5
QUICK_REPEATS = 3
FLOOR = "imports + bodies + trial facts (floor)"
RUN = "decode + rows + derive (read_results, page by page)"
MODES = (FLOOR, RUN)


@dataclass(frozen=True)
class Round:
    decode: float
    add: float
    frame: float
    derive: float
    rows: int
    analyses: int
    sections: int

    @property
    def total(self) -> float:
        return self.decode + self.add + self.frame + self.derive


def prepare(count: int = SECTIONS) -> tuple[list[bytes], dict]:
    """The response bodies holding ``count`` results sections, in pages of the pipeline's size,
    and the ``TrialFacts`` of their trials (both untimed)."""
    from benchmark_pipeline.lib.trials.records import TrialRows
    from benchmark_pipeline.lib.trials.results.fetch import results_params
    from benchmark_pipeline.lib.trials.results.load import TrialFacts
    from benchmark_pipeline_tests.fakes import FakeCtgov, generate_records

    records = generate_records(RECORDS, seed=SEED)
    ids = sorted(n for n, s in records.studies.items() if s.get("hasResults") is True)[:count]
    if len(ids) < count:
        raise RuntimeError(f"{RECORDS:,} fake records hold only {len(ids):,} results sections")
    fake = FakeCtgov(records)
    bodies = []
    for start in range(0, count, IDS_PER_REQUEST):
        query = urlencode(results_params(ids[start : start + IDS_PER_REQUEST]))
        reply = fake.handle("/api/v2/studies", query)
        if reply.status != 200:
            raise RuntimeError(f"the fake answered {reply.status}: {reply.body[:200]!r}")
        bodies.append(reply.body)
    # The trials table's view of these trials, found by the searches of their modalities.
    trials = TrialRows()
    for nct in ids:
        trials.add_records([records.studies[nct]], sorted(records.modalities[nct]) or ["none"])
    facts = {
        row["nct_id"]: TrialFacts(
            row["nct_id"],
            row["last_update_date"],
            row["modality"],
            list(row["modalities"]),
            json.loads(row["interventions"]),
        )
        for row in trials.frame().to_dict("records")
    }
    return bodies, facts


def _cold() -> None:
    """Empty the caches a run fills as it goes (compiled phrase and modality matchers, dates)."""
    from benchmark_pipeline.lib import modalities
    from benchmark_pipeline.lib.trials import dates
    from benchmark_pipeline.lib.trials.results import arms, phrases

    phrases.matcher_of.cache_clear()
    arms._fixed_words.cache_clear()
    modalities._cached_matcher.cache_clear()
    modalities._cached_narrower.cache_clear()
    dates.partial_date.cache_clear()


def _one_round(bodies: list[bytes], facts: dict) -> Round:
    from benchmark_pipeline.lib.trials.results.decoding import decode_results_page
    from benchmark_pipeline.lib.trials.results.recognition import derive_columns
    from benchmark_pipeline.lib.trials.results.rows import ResultRows

    _cold()
    gc.collect()
    pages = []
    decode_s, _ = common.timed(lambda: pages.extend(decode_results_page(b) for b in bodies))
    rows = ResultRows()
    add_s, _ = common.timed(lambda: [rows.add_page(p) for p in pages])
    frame_s, frame = common.timed(rows.frame)
    derive_s, (derived, _) = common.timed(lambda: derive_columns(frame, facts))
    assert not rows.rejected and len(derived) == len(frame)
    return Round(
        decode_s,
        add_s,
        frame_s,
        derive_s,
        len(frame),
        len(rows.analyses_frame()),
        rows.studies_with_results,
    )


def _vmrss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _child(mode: str, prepared: str) -> dict[str, object]:
    """Runs in the child: read the prepared bodies and facts, then the work for ``mode``."""
    import time

    from benchmark_pipeline.lib.trials.results.decoding import decode_results_page
    from benchmark_pipeline.lib.trials.results.fetch import plan_reads
    from benchmark_pipeline.lib.trials.results.reading import read_results
    from benchmark_pipeline.lib.trials.results.recognition import derive_columns

    with open(prepared, "rb") as file:
        bodies, facts = pickle.load(file)
    gc.collect()
    result: dict[str, object] = {"rss_before_mb": _vmrss_mb()}
    started = time.perf_counter()
    if mode == RUN:
        plan = plan_reads({n: t.last_update_date for n, t in facts.items()}, {})
        pages = (decode_results_page(b) for b in bodies)
        value = read_results(pages, facts, plan, derive_columns)
        result["rows"] = len(value.frame)
        result["sections"] = sum(r.outcome == "loaded" for r in value.reads)
    elif mode != FLOOR:
        raise ValueError(mode)
    result["seconds"] = time.perf_counter() - started
    result["vmhwm_mb"] = common.vmhwm_mb()
    return result


def _memory(prepared: Path) -> dict[str, dict]:
    reports = {}
    for mode in MODES:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.results_decoding", "--launch", mode, str(prepared)],
            cwd=common.REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"{mode} child failed:\n{done.stderr[-4000:]}")
        reports[mode] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {mode}: {reports[mode]['maxrss_mb']:,.0f} MB peak RSS", flush=True)
    return reports


def run(uri: str | None = None, *, quick: bool, command: str) -> None:
    """``uri`` is unused (no database here); kept for run_all's common call signature."""
    repeats = QUICK_REPEATS if quick else REPEATS
    print(f"building {SECTIONS:,} results sections from the fake registry ...", flush=True)
    bodies, facts = prepare()
    mb, pages = sum(len(b) for b in bodies) / 1e6, len(bodies)
    rounds = [_one_round(bodies, facts) for _ in range(repeats)]
    first = rounds[0]
    counts = {(r.rows, r.analyses, r.sections) for r in rounds}
    assert len(counts) == 1, counts
    assert first.sections == SECTIONS
    steps = [
        ("decode_results_page (typed, msgspec, references checked)", "decode"),
        ("ResultRows.add_page (rows: measurements and analyses)", "add"),
        ("ResultRows.frame (pandas frame)", "frame"),
        ("derive_columns (instrument, quantity, dispersion, arm role, comparability)", "derive"),
        ("decode + rows + frame + derive", "total"),
    ]
    medians = {key: statistics.median(getattr(r, key) for r in rounds) for _, key in steps}
    table = common.md_table(
        ["step", "seconds", "sections/s", "rows/s"],
        [
            [
                name,
                common.fmt_s(medians[key]),
                common.fmt_int(SECTIONS / medians[key]),
                common.fmt_int(first.rows / medians[key]),
            ]
            for name, key in steps
        ],
    )
    print("\n" + table + "\n", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "bodies_and_facts.pickle"
        prepared.write_bytes(pickle.dumps((bodies, facts)))
        del bodies, facts
        gc.collect()
        reports = _memory(prepared)
    run_report, floor = reports[RUN], reports[FLOOR]
    assert run_report["rows"] == first.rows and run_report["sections"] == SECTIONS
    peak = run_report["maxrss_mb"]
    added = peak - floor["maxrss_mb"]
    memory = common.md_table(
        [
            "child process",
            "peak RSS MB (ru_maxrss, RUSAGE_CHILDREN)",
            "peak RSS MB (VmHWM)",
            "RSS MB before the work (VmRSS)",
            "measurement rows",
            "work s",
        ],
        [
            [
                mode,
                f"{r['maxrss_mb']:,.0f}",
                f"{r['vmhwm_mb']:,.0f}",
                f"{r['rss_before_mb']:,.0f}",
                common.fmt_int(r["rows"]) if "rows" in r else "-",
                common.fmt_s(r["seconds"]),
            ]
            for mode, r in reports.items()
        ],
    )
    print("\n" + memory + "\n")
    rate = SECTIONS / medians["total"]
    print(f"{rate:,.0f} sections/s; peak memory {added:,.0f} MB above the floor ({peak:,.0f} MB)")
    common.write_section(
        "results",
        "\n".join(
            [
                common.section_header("Decoding posted results", command),
                f"{SECTIONS:,} results sections: the first {SECTIONS:,} trials with "
                f"`hasResults` of {RECORDS:,} fake records (seed {SEED}), served by the fake "
                "registry (`FakeCtgov.handle`) as its answers to the requests the pipeline "
                f"makes (`results_params`: `filter.ids` of {IDS_PER_REQUEST} NCT ids, "
                f"`fields={RESULTS_FIELDS}`, `pageSize={RESULTS_PER_PAGE}`): {pages} pages of "
                f"{RESULTS_PER_PAGE} studies, {mb:.1f} MB of compact JSON in all "
                f"({mb / pages:.2f} MB a page), made before the clock starts. They make "
                f"{first.rows:,} measurement rows (the rows `derive_columns` and the table "
                f"take; rows/s below counts these) and {first.analyses:,} analysis rows. "
                "Trial facts for recognition (modalities, interventions) from the same records "
                "through the pipeline's `TrialRows`, found by the searches of their "
                f"modalities. Median of {repeats} rounds, one process, the classifiers' caches "
                "(phrase, modality and date) emptied before each round; the total is the "
                "median of each round's sum.",
                "",
                table,
                "",
                f"Peak memory for {SECTIONS:,} sections: {added:,.0f} MB above the floor "
                f"({peak:,.0f} MB peak RSS in all). Each child is a process of its own, started "
                "by a small launcher so that its `ru_maxrss` (the launcher's RUSAGE_CHILDREN "
                "figure) is its own; both read the same prepared bodies and trial facts from a "
                "file (not generated there, so the fake's records never count), import the "
                "same modules, and the run then calls `read_results` on the pages decoded one "
                "at a time, as `raw_trial_results` does: decode, rows, frame, derived columns. "
                "The figure above the floor is the run's peak minus the floor's; `VmHWM` is "
                "each child's own high-water mark from /proc, `VmRSS` its resident size just "
                "before the work.",
                "",
                memory,
            ]
        ),
    )


def main(argv: list[str]) -> None:
    common.main_with_children(
        "benchmarks.results_decoding",
        MODES,
        ["prepared"],
        _child,
        run,
        __doc__.splitlines()[0],
        argv,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
