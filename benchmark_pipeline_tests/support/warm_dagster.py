"""``dagster`` commands started from a warm parent, for tests that start and kill many of them.

Importing Dagster and the code location takes a run seconds, more than the run's own work. The
parent imports both once, then forks one child per command; the child takes a process group of
its own, its environment, working directory and log file, and runs the ``dagster`` executable's
own entry point with the command's arguments. It is a ``dagster`` process like any other (it
loads the code location, reads ``DAGSTER_HOME``, executes the run), started in a fraction of a
second. The parent reaps each child and reports its exit status.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline_tests.support.processes import ANSI_ESCAPE, process_tree

PARENT = r"""
import json, os, select, sys, traceback
from dagster._cli import main  # what the `dagster` executable runs
from benchmark_pipeline.definitions import defs
defs()  # imports every module of the code location
print("ready", flush=True)

def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        print(f"exit {pid} {os.waitstatus_to_exitcode(status)}", flush=True)

while True:
    readable, _, _ = select.select([sys.stdin], [], [], 0.05)
    reap()
    if not readable:
        continue
    line = sys.stdin.readline()
    if not line:
        break
    order = json.loads(line)
    pid = os.fork()
    if pid:
        print(f"started {pid}", flush=True)
        continue
    code = 1
    try:
        os.setsid()
        log = os.open(order["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.environ.clear()
        os.environ.update(order["env"])
        os.chdir(order["cwd"])
        sys.argv = order["argv"]
        code = main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code or 0)
"""


@dataclass
class WarmProcess:
    """One command forked by the warm parent; the same surface as ``processes.Service``."""

    name: str
    pid: int
    log: Path
    parent: "WarmDagster"

    def running(self) -> bool:
        return self.pid not in self.parent.exits

    def wait(self, timeout: float) -> int:
        """The exit status (negative: the signal that ended it); ``TimeoutError`` if still
        running after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.running():
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{self.name} still running after {timeout:g} s")
            time.sleep(0.02)
        return self.parent.exits[self.pid]

    def members(self) -> list[int]:
        """Living processes of its group and their descendants (the child itself until it has
        exited and been reaped by the parent)."""
        group = []
        for entry in Path("/proc").iterdir():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.pid and fields[0] != "Z":
                    group.append(int(entry.name))
        return sorted({p for member in group for p in process_tree(member)})

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(ANSI_ESCAPE.sub("", text).splitlines()[-lines:])


@dataclass
class WarmDagster:
    """The warm parent; ``start`` forks a command. Use as a context manager."""

    process: subprocess.Popen | None = None
    exits: dict[int, int] = field(default_factory=dict)
    _started: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ready: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> "WarmDagster":
        self.process = subprocess.Popen(
            [sys.executable, "-c", PARENT],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        return self  # it imports while the caller prepares; ``start`` waits for it

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("ready"):
                self._ready.set()
            elif match := re.fullmatch(r"started (\d+)\n", line):
                with self._lock:
                    self._started.append(int(match[1]))
            elif match := re.fullmatch(r"exit (\d+) (-?\d+)\n", line):
                self.exits[int(match[1])] = int(match[2])

    def start(
        self, name: str, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, log_dir: Path
    ) -> WarmProcess:
        """Fork ``argv`` (``argv[0]`` the ``dagster`` executable) with ``env`` in ``cwd``, its
        output to ``<log_dir>/<name>.log``."""
        if not self._ready.wait(120):
            raise TimeoutError("the warm dagster parent did not get ready in 120 s")
        log = log_dir / f"{name}.log"
        order = {"argv": list(argv), "env": dict(env), "cwd": str(cwd), "log": str(log)}
        with self._lock:
            seen = len(self._started)
        self.process.stdin.write(json.dumps(order) + "\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + 30
        while True:
            with self._lock:
                if len(self._started) > seen:
                    pid = self._started[seen]
                    break
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the warm dagster parent did not fork")
            time.sleep(0.005)
        return WarmProcess(name, pid, log, self)

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        with contextlib.suppress(OSError, ValueError):
            os.killpg(self.process.pid, 9)
