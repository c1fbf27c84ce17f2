"""Reading, validating and aggregating a TEDS-D-sized file: wall time and peak memory.

The file is synthetic, laid out like SAMHSA's (76 columns, numeric codes) and as large as the
2019 public-use file: 1,722,503 discharges whose DISYR, AGE, GENDER, REGION, REASON, NOPRIOR
and SUB1 have exactly the 2019 codebook's published frequencies (shuffled independently), so the
national-totals check must pass on it. It is generated once and cached in ``benchmarks/.work/``
with the zip SAMHSA would ship. Each measured run happens in a process of its own, started by a
small launcher (as in ``memory.py``) so that ``ru_maxrss`` is the run's own peak RSS:
``read_discharges`` (zip extraction, encoding and delimiter detection, DuckDB read, validation
of every code), then ``aggregate`` and the add-up check. Targets: under 20 s and under 1 GB.

.venv/bin/python -m benchmarks.teds_aggregate [--quick]   # --quick: 172,250 random rows
"""

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import common

WORK = common.WORK_DIR / "teds"
YEAR = 2019
QUICK_ROWS = 172_250
TARGET_SECONDS = 20.0
TARGET_MB = 1024.0
MODES = ("imports only", "csv", "zip")


def _files(quick: bool) -> dict[str, Path]:
    """The cached synthetic file and its zip, generated when absent."""
    from benchmark_pipeline.lib.baselines.published import PUBLISHED
    from benchmark_pipeline_tests.support import teds

    name = f"tedsd_puf_{YEAR}_synthetic{'_quick' if quick else ''}"
    csv, archive = WORK / f"{name}.csv", WORK / f"{name}.zip"
    WORK.mkdir(parents=True, exist_ok=True)
    if not csv.exists():
        print(f"generating {csv} ...", flush=True)
        if quick:
            frame = teds.generate(QUICK_ROWS, year=YEAR, seed=0)
        else:
            published = PUBLISHED[YEAR].frequencies
            marginals = {("GENDER" if k == "SEX" else k): v for k, v in published.items()}
            frame = teds.with_marginals(marginals, year=YEAR, seed=0)
        partial = csv.with_name(csv.name + ".partial")
        teds.write_csv(frame, partial)
        partial.rename(csv)
    if not archive.exists():
        partial = archive.with_name(archive.name + ".partial")
        teds.write_zip(csv, partial)
        partial.rename(archive)
    return {"csv": csv, "zip": archive}


def _child(mode: str, path: str) -> dict[str, object]:
    """Runs in the measured process: the work for ``mode``; returns what to print as JSON."""
    import time

    from benchmark_pipeline.lib.baselines.aggregate import aggregate
    from benchmark_pipeline.lib.baselines.consistency import addup_problems, published_comparisons
    from benchmark_pipeline.lib.baselines.published import PUBLISHED
    from benchmark_pipeline.lib.baselines.reading import read_discharges

    result: dict[str, object] = {}
    if mode != "imports only":
        started = time.perf_counter()
        discharges = read_discharges(path)
        read = time.perf_counter()
        aggregated = aggregate(discharges.discharges)
        problems = addup_problems(aggregated)
        done = time.perf_counter()
        comparisons = published_comparisons(aggregated.groups, PUBLISHED[YEAR])
        result = {
            "rows": discharges.rows_read,
            "invalid": discharges.rows_invalid,
            "groups": len(aggregated.groups),
            "addup_problems": len(problems),
            "published_equal": sum(c.matches for c in comparisons),
            "published_figures": len(comparisons),
            "read_s": read - started,
            "aggregate_s": done - read,
            "total_s": done - started,
        }
    result["vmhwm_mb"] = common.vmhwm_mb()
    return result


def _measure(mode: str, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.teds_aggregate", "--launch", mode, str(path)],
        cwd=common.REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{mode} run failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(uri: str | None = None, *, quick: bool, command: str) -> None:
    files = _files(quick)
    rows = []
    for mode in MODES:
        path = files.get(mode, files["csv"])
        r = _measure(mode, path)
        measured = mode != "imports only"
        met = measured and r["total_s"] < TARGET_SECONDS and r["maxrss_mb"] < TARGET_MB
        rows.append(
            [
                mode if not measured else f"{mode} ({path.stat().st_size / 1e6:,.0f} MB)",
                common.fmt_int(r["rows"]) if measured else "-",
                common.fmt_int(r["invalid"]) if measured else "-",
                common.fmt_s(r["read_s"]) if measured else "-",
                common.fmt_s(r["aggregate_s"]) if measured else "-",
                common.fmt_s(r["total_s"]) if measured else "-",
                f"{r['maxrss_mb']:,.0f}",
                f"{r['vmhwm_mb']:,.0f}",
                f"{r['published_equal']}/{r['published_figures']}" if measured else "-",
                ("yes" if met else "NO") if measured else "-",
            ]
        )
        print(f"  {mode}: {rows[-1]}", flush=True)
    table = common.md_table(
        [
            "input",
            "rows",
            "invalid",
            "read + validate s",
            "aggregate + add-up s",
            "total s",
            "peak RSS MB (ru_maxrss)",
            "peak RSS MB (VmHWM)",
            "2019 national figures equal",
            "targets met",
        ],
        rows,
    )
    print("\n" + table + "\n")
    size = f"{QUICK_ROWS:,} random rows (--quick)" if quick else "1,722,503 rows"
    common.write_section(
        "teds",
        "\n".join(
            [
                common.section_header("TEDS-D read, validate and aggregate", command),
                f"A synthetic TEDS-D file of {size} in the public-use layout (76 columns, numeric "
                "codes); the full-size file has exactly the 2019 codebook's published frequencies "
                "for DISYR, AGE, GENDER, REGION, REASON, NOPRIOR and SUB1, so all 32 national "
                "figures must equal the codebook's. Each input is read by a process of its own: "
                "`read_discharges` (for the zip: extraction first), then `aggregate` and "
                "`addup_problems`. Peak RSS is the launcher's RUSAGE_CHILDREN `ru_maxrss` for "
                "that process, and its own `VmHWM`; `imports only` is the floor. Targets: under "
                f"{TARGET_SECONDS:.0f} s and under {TARGET_MB / 1024:.0f} GB.",
                "",
                table,
            ]
        ),
    )


def main(argv: list[str]) -> None:
    common.main_with_children(
        "benchmarks.teds_aggregate", MODES, ["path"], _child, run, __doc__.splitlines()[0], argv
    )


if __name__ == "__main__":
    main(sys.argv[1:])
