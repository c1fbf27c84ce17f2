"""Long-running commands for tests and benchmarks: each in a process group of its own with its
output in a log file, waited for with deadlines, and stopped with everything it started.

Linux only (process trees are read from /proc).
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")  # Dagster's coloured log lines


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, process group) of ``pid``, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses; what follows the last ")" is
    # state, ppid, pgrp, ...
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[2])


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def process_tree(pid: int) -> list[int]:
    """``pid`` and every living descendant of it (children, grandchildren, ...)."""
    parents = {p: stat[0] for p in _all_pids() if (stat := _stat(p)) is not None}
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree.extend(frontier)
    return [p for p in tree if p in parents]


def rss_mb(pids: Sequence[int]) -> float:
    """Resident memory (VmRSS) of these processes together, in MB; a process gone counts 0."""
    total_kb = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


@dataclass
class Service:
    """A command running in its own process group (its pid is the group's id)."""

    name: str
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the command's output (stdout and stderr together)."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(ANSI_ESCAPE.sub("", text).splitlines()[-lines:])

    def members(self) -> list[int]:
        """Living processes of the group, and descendants that left it."""
        group = [p for p in _all_pids() if (stat := _stat(p)) is not None and stat[1] == self.pid]
        return sorted(set(group) | set(process_tree(self.pid)))


def start_service(
    name: str, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, log_dir: Path
) -> Service:
    """Start ``argv`` in a new session (so a new process group), its output to ``<name>.log``."""
    log = log_dir / f"{name}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Service(name, process, log)


def _signal_all(pids: Sequence[int], groups: Sequence[int], sig: signal.Signals) -> None:
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, sig)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def stop_services(services: Sequence[Service], grace_seconds: float = 5.0) -> list[int]:
    """SIGTERM every service's process group (and descendants that left it), SIGKILL what is
    still alive after ``grace_seconds``. Returns the pids that survived even SIGKILL (none,
    unless the kernel is slow to reap)."""
    groups = [s.pid for s in services]
    pids = sorted({p for s in services for p in s.members()})
    _signal_all(pids, groups, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while time.monotonic() < deadline and _living(pids):
        _reap(services)
        time.sleep(0.1)
    pids = sorted(set(pids) | {p for s in services for p in s.members()})
    _signal_all(pids, groups, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and _living(pids):
        _reap(services)
        time.sleep(0.05)
    _reap(services)
    return _living(pids)


def _reap(services: Sequence[Service]) -> None:
    for service in services:
        service.process.poll()


def _living(pids: Sequence[int]) -> list[int]:
    """Pids still running (a zombie whose parent is gone or is us counts as ended)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


class DeadlineExceeded(AssertionError):
    """A wait ran out of time; the message says what was awaited and what was seen."""


def wait_for(
    probe: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    interval: float = 0.2,
    diagnostics: Callable[[], str] = lambda: "",
) -> T:
    """Call ``probe`` until it returns something other than None (or False), at most
    ``timeout`` seconds; then raise ``DeadlineExceeded`` naming ``what``, the last probe error
    and ``diagnostics()``. Any other exception of the probe is retried (a server not up yet
    refuses connections), except an ``AssertionError``: the probe saw that waiting is futile."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            value = probe()
        except AssertionError:
            raise
        except Exception as exc:
            value, last_error = None, exc
        if value is not None and value is not False:
            return value
        if time.monotonic() >= deadline:
            detail = f"; last error: {last_error!r}" if last_error else ""
            raise DeadlineExceeded(
                f"timed out after {timeout:g} s waiting for {what}{detail}\n{diagnostics()}"
            )
        time.sleep(interval)
