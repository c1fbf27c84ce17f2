"""Runs of the code location as real ``dagster`` processes, each in a Dagster instance folder of
its own, killed with SIGKILL (the whole process group) at a named point or after a given time;
and the runs that follow a killed one, as a person or ``run_retries`` starts them.
"""

import contextlib
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline.definitions import defs as load_defs
from benchmark_pipeline.lib import kill_points
from benchmark_pipeline_tests.support.processes import Service, start_service
from benchmark_pipeline_tests.support.warm_dagster import WarmDagster, WarmProcess

DAGSTER = Path(sys.executable).parent / "dagster"
TRIALS_JOB = "trials_refresh_job"
RUN_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Target:
    """What a run executes: a job of the definitions, or assets through the implicit asset job
    (as ``dagster asset materialize`` and the UI's Materialize do)."""

    job: str | None = None
    assets: tuple[str, ...] = ()

    def argv(self) -> list[str]:
        if self.job:
            return [str(DAGSTER), "job", "execute", "-m", "benchmark_pipeline", "-j", self.job]
        selection = ",".join(self.assets)
        return [
            str(DAGSTER),
            "asset",
            "materialize",
            "-m",
            "benchmark_pipeline",
            "--select",
            selection,
        ]

    def asset_keys(self) -> list[dg.AssetKey] | None:
        return [dg.AssetKey.from_user_string(a) for a in self.assets] or None


def trials_refresh_job() -> dg.JobDefinition:
    """The weekly job, as the code location defines it (reconstructable by name)."""
    return load_defs().resolve_job_def(TRIALS_JOB)


def asset_job() -> dg.JobDefinition:
    """The implicit job of every asset, which ``dagster asset materialize`` runs."""
    return load_defs().resolve_implicit_global_asset_job_def()


@dataclass
class Home:
    """A Dagster instance folder (``DAGSTER_HOME``) and the environment of runs in it."""

    path: Path
    env: dict[str, str]

    @classmethod
    def create(cls, path: Path, env: Mapping[str, str]) -> "Home":
        path.mkdir(parents=True)
        (path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        # Created once before any run: two processes creating its SQLite storage would race.
        with dg.DagsterInstance.from_config(str(path)):
            pass
        return cls(path, dict(env))

    def copy(self, path: Path, **env: str) -> "Home":
        """A copy of this instance (its runs, events and stored values) with ``env`` changed."""
        shutil.copytree(self.path, path)
        return Home(path, {**self.env, **env})

    @contextlib.contextmanager
    def instance(self) -> Iterator[dg.DagsterInstance]:
        with dg.DagsterInstance.from_config(str(self.path)) as instance:
            yield instance

    def run_env(self, **extra: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "PYTEST_"))}
        for name in (kill_points.KILL_AT, kill_points.KILL_PAUSE):
            base.pop(name, None)
        return {**base, **self.env, "DAGSTER_HOME": str(self.path), **extra}

    def start(
        self, target: Target, name: str, *, warm: WarmDagster | None = None, **extra: str
    ) -> "Service | WarmProcess":
        """``target`` as a ``dagster`` process in a process group of its own: the executable
        itself, or forked by ``warm``."""
        start = warm.start if warm else start_service
        return start(
            name, target.argv(), env=self.run_env(**extra), cwd=REPO_ROOT, log_dir=self.path
        )

    def value_files(self) -> list[Path]:
        """The IO manager's files (every asset's stored value and any ``.partial`` one)."""
        storage = self.path / "storage"
        names = {key.path[-1] for key in load_defs().resolve_all_asset_keys()}
        return sorted(
            p for p in storage.rglob("*") if p.is_file() and p.name.split(".")[0] in names
        )


def _wait(process: "Service | WarmProcess", timeout: float) -> int:
    """The exit status; ``TimeoutError`` while it runs after ``timeout`` seconds."""
    if isinstance(process, WarmProcess):
        return process.wait(timeout)
    try:
        return process.process.wait(timeout)
    except subprocess.TimeoutExpired as exc:
        raise TimeoutError(str(exc)) from None


def kill_group(process: "Service | WarmProcess") -> None:
    """SIGKILL the process group and every descendant, and wait until none is left."""
    for pid in process.members():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    _wait(process, 30)
    deadline = time.monotonic() + 10
    while process.members() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not process.members(), f"{process.name}: processes survived SIGKILL"


def run_to_end(process: "Service | WarmProcess", timeout: float = RUN_TIMEOUT_S) -> int:
    """The process's exit status once it ended by itself (killed after ``timeout``)."""
    try:
        return _wait(process, timeout)
    finally:
        kill_group(process)


def kill_after(process: "Service | WarmProcess", seconds: float) -> bool:
    """SIGKILL the process group ``seconds`` after now; False when it had already ended."""
    try:
        _wait(process, seconds)
    except TimeoutError:
        kill_group(process)
        return True
    kill_group(process)
    return False


def assert_values_whole(home: Home, *, partials_allowed: bool) -> list[str]:
    """Every value file in place unpickles completely; ``.partial`` files (a write killed before
    its rename) only where ``partials_allowed``. Returns the names of the whole values."""
    whole = []
    for path in home.value_files():
        if path.name.endswith(".partial"):
            assert partials_allowed, f"a half-written value is left: {path}"
            continue
        with path.open("rb") as file:
            pickle.load(file)
            assert file.read() == b"", f"{path} holds more than one value"
        whole.append(path.name)
    return whole


def run_again(home: Home, target: Target, *, from_failure_of: str | None = None) -> bool:
    """A normal run of ``target`` in ``home``'s instance (in this process, with its environment
    set for the run), or, with ``from_failure_of`` (a job's run that did not succeed), the
    re-execution ``run_retries`` makes of a run whose process died: the run marked failed (as run
    monitoring does), then re-executed from its failure. Returns whether it succeeded."""
    with _environment(home.env), home.instance() as instance:
        if not target.job:
            assert from_failure_of is None, "the implicit asset job is re-executed from the UI only"
            result = asset_job().execute_in_process(
                instance=instance, asset_selection=target.asset_keys(), raise_on_error=False
            )
            return result.success
        options = None
        parent = instance.get_run_by_id(from_failure_of) if from_failure_of else None
        # A run that ended successfully before its process was killed is not retried.
        if parent is not None and parent.status != dg.DagsterRunStatus.SUCCESS:
            if not parent.is_finished:
                instance.report_run_failed(parent, "the run's process was killed")
            options = dg.ReexecutionOptions.from_failure(from_failure_of, instance)
        with dg.execute_job(
            dg.reconstructable(trials_refresh_job),
            instance,
            reexecution_options=options,
            raise_on_error=False,
        ) as result:
            return result.success


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
