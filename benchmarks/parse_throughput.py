"""Parse throughput: API pages of 1,000 studies, decoded and turned into the trials frame.

Pages are built from the fake's realistic records and serialized to compact JSON as the API
sends them (untimed). Timed separately: ``json.loads`` of every page, ``parse_study`` alone
(field extraction), and ``build_trials`` (extraction, modality classification, the frame), which
is what the raw asset runs after fetching.
"""

import json
import statistics

from benchmark_pipeline.lib.trials.records import build_trials, parse_study
from benchmark_pipeline_tests.fakes import generate_records
from benchmarks import common

STUDIES = 50_000
QUICK_STUDIES = 20_000
PAGE_SIZE = 1_000
REPEATS = 3
SEED = 0


def pages(count: int) -> list[str]:
    studies = list(generate_records(count, seed=SEED))
    return [
        json.dumps(
            {"studies": studies[i : i + PAGE_SIZE], "nextPageToken": f"page{i // PAGE_SIZE + 1}"},
            separators=(",", ":"),
        )
        for i in range(0, count, PAGE_SIZE)
    ]


def run(uri: str | None = None, *, quick: bool, command: str) -> None:
    """``uri`` is unused (no database here); kept for run_all's common call signature."""
    count = QUICK_STUDIES if quick else STUDIES
    print(f"generating {count:,} studies in pages of {PAGE_SIZE:,} ...", flush=True)
    bodies = pages(count)
    mb = sum(len(b) for b in bodies) / 1e6
    decode, extract, build = [], [], []
    for _ in range(REPEATS):
        seconds, decoded = common.timed(lambda: [json.loads(b)["studies"] for b in bodies])
        decode.append(seconds)
        studies = [s for page in decoded for s in page]
        extract.append(common.timed(lambda studies=studies: [parse_study(s) for s in studies])[0])
        seconds, parsed = common.timed(
            lambda studies=studies: build_trials({"psilocybin": studies})
        )
        build.append(seconds)
        assert len(parsed.frame) == count
    steps = [
        ("json.loads", statistics.median(decode)),
        ("parse_study (fields only)", statistics.median(extract)),
        ("build_trials (fields, modalities, frame)", statistics.median(build)),
        ("json.loads + build_trials", statistics.median(decode) + statistics.median(build)),
    ]
    table = common.md_table(
        ["step", "seconds", "studies/s", "pages/s"],
        [
            [name, common.fmt_s(s), common.fmt_int(count / s), f"{count / PAGE_SIZE / s:.1f}"]
            for name, s in steps
        ],
    )
    print("\n" + table + "\n")
    common.write_section(
        "parse",
        "\n".join(
            [
                common.section_header("Parse throughput of API pages", command),
                f"{count:,} studies from the fake's record generator, in {len(bodies)} pages of "
                f"{PAGE_SIZE:,} serialized as compact JSON ({mb / len(bodies):.2f} MB a page); "
                f"median of {REPEATS} passes, one process.",
                "",
                table,
            ]
        ),
    )


if __name__ == "__main__":
    common.standalone(run, __doc__.splitlines()[0])
