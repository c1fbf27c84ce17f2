"""What the posted results are: the instrument each measure reports, change or endpoint, the
kind of dispersion, each arm's role and drug, and whether a value compares with a patient's
score, with the reason when not.

``derive_columns(frame, trials)`` takes the rows of ``MEASUREMENT_COLUMNS`` and, per NCT id,
the trial's vocabulary facts (anything with ``modalities`` and ``interventions`` [{name, type,
other_names}], a list or its JSON text) and returns the frame with ``DERIVED`` columns added,
and the ``NearMiss`` list a reviewer reads: measures whose words name one of our instruments
but were not recognised (with why), and recognised measures whose unit says otherwise. The
rules live in ``instrument_finding``, ``quantity``, ``dispersion``, ``arms`` and
``comparability``; here they are applied once per measure and once per group.
"""

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY
from benchmark_pipeline.lib.trials.results.arms import TrialDrugs, arm_roles, trial_drugs
from benchmark_pipeline.lib.trials.results.comparability import (
    measure_reason,
    unit_kind,
    value_reason,
)
from benchmark_pipeline.lib.trials.results.dispersion import dispersion_kind
from benchmark_pipeline.lib.trials.results.instrument_finding import find_instrument
from benchmark_pipeline.lib.trials.results.quantity import (
    INSTRUMENT_TOKEN,
    SCORE_TOKEN,
    blank,
    quantity_of,
)

DERIVED = [
    "instrument",
    "instrument_match",
    "quantity",
    "dispersion_kind",
    "arm_role",
    "modality",
    "comparable",
    "not_comparable_reason",
]
# The value before treatment: a class, category, title or time frame naming baseline as the
# time point (not "change from baseline") is never a change nor an endpoint.
_BASELINE = re.compile(r"\b(baseline|pre-?treatment|pre-?dose|screening)\b", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(change[sd]?|from|since|relative|to|versus|vs|reduction|decrease|improvement|minus)\b",
    re.IGNORECASE,
)
# An endpoint title on the baseline score: "MADRS Total Score at Baseline", "Baseline MADRS".
_BASELINE_TITLE = re.compile(r"\bat\s+baseline\b|^\s*baseline\b", re.IGNORECASE)
# A part of an instrument (an item, a subscale, a symptom cluster) is not its total score; "the
# 17-item HAM-D" names the whole scale.
_PART = re.compile(
    r"(?<![\d-])(?<!\d\s)\b(items?|sub-?scales?|clusters?|factors?|domains?|questions?|"
    r"sub-?scores?|criteri(?:on|a))\b",
    re.IGNORECASE,
)
# Instruments whose name is itself a score ("percentage of heavy drinking days").
_NAMED_SCORES = frozenset({"PHDD-TLFB"})
_MEASURE = ["nct_id", "measure_no"]


class TrialVocabulary(Protocol):
    modalities: Sequence[str]
    interventions: Any  # [{name, type, other_names}] or its JSON text


@dataclass(frozen=True)
class NearMiss:
    """A measure a reviewer should look at: ``kind`` 'not_recognised' (its words name an
    instrument of ours but none was recognised) or 'unit' (recognised, but its unit is not
    that instrument's points nor a count of participants)."""

    nct_id: str
    measure_no: int
    title: str | None
    words: str
    why: str
    kind: str


@dataclass(frozen=True)
class _Measure:
    instrument: str | None
    match: str | None
    quantity: str
    dispersion: str | None
    reason: str | None
    near_miss: NearMiss | None


def _measure(row: Mapping[str, Any], instruments: Collection[str] | None) -> _Measure:
    title, description = row["title"], row["description"]
    found = find_instrument(title, description, instruments)
    name = found.instrument
    texts = list(found.words) if name else []
    token = SCORE_TOKEN if name in _NAMED_SCORES else INSTRUMENT_TOKEN
    quantity = quantity_of(
        blank(title, texts, token), blank(description, texts, token), row["time_frame"]
    )
    dispersion = dispersion_kind(row["dispersion_type"])
    unit = row["unit_of_measure"]
    kind = unit_kind(unit, name)
    reason = _part_reason(name, title, texts) or measure_reason(
        name, quantity, row["param_type"], dispersion, unit, kind
    )
    if reason is None and quantity == "endpoint" and _BASELINE_TITLE.search(title or ""):
        reason = "the value at baseline, not a change nor an endpoint score"
    if reason is None and at_baseline(row["time_frame"]):
        reason = "the value at baseline, not a change nor an endpoint score"
    miss = None
    words = ", ".join(repr(w) for w in found.words)
    if name is None and found.why:
        miss = NearMiss(row["nct_id"], row["measure_no"], title, words, found.why, "not_recognised")
    elif name is not None and kind == "other":
        why = f"recognised as {name}, but its unit {unit!r} is not {name}'s points"
        miss = NearMiss(row["nct_id"], row["measure_no"], title, words, why, "unit")
    return _Measure(name, found.match, quantity, dispersion, reason, miss)


def _interventions(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    return list(value or [])


def _drugs(
    nct_id: str,
    trials: Mapping[str, TrialVocabulary],
    vocabulary: Mapping[str, Sequence[str]],
    known: dict[str, TrialDrugs],
) -> TrialDrugs:
    if nct_id not in known:
        trial = trials.get(nct_id)
        modalities = list(trial.modalities or []) if trial is not None else []
        interventions = _interventions(trial.interventions) if trial is not None else []
        known[nct_id] = trial_drugs(modalities, interventions, vocabulary)
    return known[nct_id]


def at_baseline(text: str | None) -> bool:
    """Whether ``text`` (a class, category or time frame title) names baseline as the time
    point: "Baseline", "Day 0 (Baseline)", "Pre-treatment"; not "Change from Baseline at
    Week 6" nor "Baseline and Week 6"."""
    if not text or not _BASELINE.search(text):
        return False
    return not _RELATIVE.search(text) and not re.search(r"\band\b|,|;", text)


def _baseline_reason(quantity: str, *titles: str | None) -> str | None:
    """A value at baseline is no change and no endpoint, whatever its measure says."""
    if quantity in ("change", "endpoint") and any(at_baseline(t) for t in titles):
        return "the value at baseline, not a change nor an endpoint score"
    return None


def _part_reason(instrument: str | None, title: str | None, words: list[str]) -> str | None:
    """A single item, subscale or cluster named in the title (its instrument's own ``words``
    blanked, so "CAPS-5 Cluster B" is read as "INSTRUMENT Cluster B") is not the total."""
    if instrument and title and _PART.search(blank(title, words)):
        return f"an item, subscale or cluster of {instrument}, not its total score"
    return None


def derive_columns(
    frame: pd.DataFrame,
    trials: Mapping[str, TrialVocabulary],
    *,
    instruments: Collection[str] | None = None,
    vocabulary: Mapping[str, Sequence[str]] = DEFAULT_VOCABULARY,
) -> tuple[pd.DataFrame, list[NearMiss]]:
    """``frame`` with the ``DERIVED`` columns, and the near misses in measure order.

    ``instruments`` limits recognition to those names (default: every instrument with words);
    a trial missing from ``trials`` has no drugs, so none of its arms is 'active'.
    """
    measures: dict[tuple[str, int], _Measure] = {}
    columns = ["nct_id", "measure_no", "title", "description", "time_frame"]
    columns += ["dispersion_type", "unit_of_measure", "param_type"]
    for row in frame.drop_duplicates(_MEASURE)[columns].to_dict("records"):
        measures[(row["nct_id"], row["measure_no"])] = _measure(row, instruments)
    groups: dict[tuple[str, int], list[tuple[str, str | None, str | None]]] = {}
    group_rows = frame.drop_duplicates([*_MEASURE, "group_id"])
    for nct, no, gid, title, description in zip(
        group_rows["nct_id"],
        group_rows["measure_no"],
        group_rows["group_id"],
        group_rows["group_title"],
        group_rows["group_description"],
        strict=True,
    ):
        groups.setdefault((nct, no), []).append((gid, title, description))
    known: dict[str, TrialDrugs] = {}
    roles = {
        (*key, gid): role
        for key, posted in groups.items()
        for gid, role in arm_roles(posted, _drugs(key[0], trials, vocabulary, known)).items()
    }
    derived: dict[str, list[Any]] = {name: [] for name in DERIVED}
    for nct, no, gid, text, value, klass, category in zip(
        frame["nct_id"],
        frame["measure_no"],
        frame["group_id"],
        frame["value_text"],
        frame["value"],
        frame["class_title"],
        frame["category_title"],
        strict=True,
    ):
        m = measures[(nct, no)]
        role, modality = roles[(nct, no, gid)]
        reason = m.reason or _baseline_reason(m.quantity, klass, category)
        reason = reason or value_reason(text, None if pd.isna(value) else value)
        row = (m.instrument, m.match, m.quantity, m.dispersion, role, modality)
        row += (reason is None, reason)
        for name, item in zip(DERIVED, row, strict=True):
            derived[name].append(item)
    out = frame.copy(deep=False)
    for name, values in derived.items():
        dtype = bool if name == "comparable" else object
        out[name] = pd.Series(values, index=frame.index, dtype=dtype)
    misses = [m.near_miss for m in measures.values() if m.near_miss is not None]
    return out, misses
