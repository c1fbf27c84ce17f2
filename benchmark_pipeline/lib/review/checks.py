"""What one run's checks found, as a reviewer reads it: one line per check the run planned (asset,
check, passed / warned / failed / skipped, the reason in one sentence), failures and warnings
first, and the counts in words ("24 passed, 3 warned, 6 skipped, 0 failed").

A check the run planned but never evaluated is skipped: its asset had nothing to load, an opt-in
check was switched off, or the run stopped before it. Built from plain records, so the tests
call it directly."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

# A reason longer than this is cut at a word; the check's own page has the whole text.
REASON_CHARS = 300
COLUMNS = ("status", "asset", "check", "reason")


class Status(Enum):
    """In the order a reviewer reads them: what needs action first."""

    FAILED = "failed"
    WARNED = "warned"
    SKIPPED = "skipped"
    PASSED = "passed"


@dataclass(frozen=True)
class Evaluation:
    """One check's result as the run recorded it: ``blocking`` is its ERROR severity (a failed
    blocking check stops what depends on it; a failed non-blocking one only warns)."""

    asset: str
    check: str
    passed: bool
    blocking: bool
    description: str | None = None


@dataclass(frozen=True)
class Line:
    asset: str
    check: str
    status: Status
    reason: str


@dataclass(frozen=True)
class Review:
    lines: tuple[Line, ...]

    def count(self, status: Status) -> int:
        return sum(1 for line in self.lines if line.status is status)

    @property
    def counts(self) -> str:
        """E.g. "24 passed, 3 warned, 6 skipped, 0 failed"."""
        order = (Status.PASSED, Status.WARNED, Status.SKIPPED, Status.FAILED)
        return ", ".join(f"{self.count(status):,} {status.value}" for status in order)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The lines under ``COLUMNS``."""
        return [(line.status.value, line.asset, line.check, line.reason) for line in self.lines]


def one_sentence(text: str | None) -> str:
    """``text`` on one line, cut at a word after ``REASON_CHARS`` characters."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    if len(flat) <= REASON_CHARS:
        return flat
    return flat[:REASON_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


def _status(evaluation: Evaluation) -> Status:
    if evaluation.passed:
        return Status.PASSED
    return Status.FAILED if evaluation.blocking else Status.WARNED


def _skip_reason(asset: str, materialized: set[str], run_ended: str) -> str:
    if asset not in materialized:
        return f"not run: {asset} was not materialized by this run ({run_ended})"
    return (
        f"not run by this run ({run_ended}); the check's description says what it checks and "
        "how to turn it on"
    )


def review(
    planned: Iterable[tuple[str, str]],
    evaluations: Iterable[Evaluation],
    materialized: Iterable[str],
    *,
    run_ended: str = "the run succeeded",
) -> Review:
    """The review of one run: ``planned`` (asset, check) pairs, the ``evaluations`` it recorded
    in order (the last one of a check counts, e.g. after a retried step), the assets it
    ``materialized``, and how it ended (``run_ended``, for the reason of a skipped check).

    Every planned check is one line; an evaluation of a check that was not planned gets its
    line too. Lines are sorted by status (failed, warned, skipped, passed), then asset and
    check."""
    latest = {(e.asset, e.check): e for e in evaluations}
    done = set(materialized)
    lines = []
    for asset, check in set(planned) | set(latest):
        evaluation = latest.get((asset, check))
        if evaluation is None:
            lines.append(Line(asset, check, Status.SKIPPED, _skip_reason(asset, done, run_ended)))
        else:
            reason = one_sentence(evaluation.description)
            lines.append(Line(asset, check, _status(evaluation), reason))
    rank = {status: i for i, status in enumerate(Status)}
    lines.sort(key=lambda line: (rank[line.status], line.asset, line.check))
    return Review(tuple(lines))
