"""The IO manager's value files after a process died while writing one."""

import os
import socket
import subprocess
import sys

import dagster as dg
from upath import UPath

from benchmark_pipeline.resources import ValueFilesIOManager


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_partial_value_of_a_dead_writer_is_removed_by_the_next_write(tmp_path):
    files = ValueFilesIOManager(base_dir=str(tmp_path)).create_io_manager(
        dg.build_init_resource_context()
    )
    path = UPath(tmp_path) / "raw_benchmark_trials"
    files.dump_to_path(None, "previous run", path)
    host = socket.gethostname()
    dead = tmp_path / f"raw_benchmark_trials.{host}-{_dead_pid()}-1.partial"
    living = tmp_path / f"raw_benchmark_trials.{host}-{os.getppid()}-1.partial"
    elsewhere = tmp_path / f"raw_benchmark_trials.other-machine-{_dead_pid()}-1.partial"
    other_asset = tmp_path / f"benchmark_trials.{host}-{_dead_pid()}-1.partial"
    for partial in (dead, living, elsewhere, other_asset):
        partial.write_bytes(b"\x80\x05half a pick")
    assert files.load_from_path(None, path) == "previous run"  # a partial is never read

    files.dump_to_path(None, "this run", path)
    assert files.load_from_path(None, path) == "this run"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["raw_benchmark_trials", living.name, elsewhere.name, other_asset.name]
    )
