"""Typed results -> flat rows: one per measurement, one per between-group analysis.

``ResultRows`` takes decoded pages (``lib/trials/results/decoding.py``) as they arrive and keeps
only rows, by column. A row is one trial x outcome measure x group x class x category, keyed by
``MEASUREMENT_KEY``; every value is kept as posted (text) and, when the whole string is a finite
number, as an exact ``Decimal`` beside it: never rescaled, never turned from SE into SD. The
analysed N of a group is its "Participants" denom count, the class's own denom first.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from benchmark_pipeline.lib.trials.decoding import Rejected
from benchmark_pipeline.lib.trials.results.columns import ANALYSIS_COLUMNS, MEASUREMENT_COLUMNS
from benchmark_pipeline.lib.trials.results.decoding import DecodedResults, StudyResults
from benchmark_pipeline.lib.trials.results.numbers import parse_count, parse_number
from benchmark_pipeline.lib.trials.results.wire import (
    Denom,
    MeasureAnalysis,
    MeasureClass,
    OutcomeMeasure,
)

PARTICIPANTS = "participants"  # the denom unit whose count is the analysed N (case aside)
_INTEGER_COLUMNS = {
    n for n, (t, _) in {**MEASUREMENT_COLUMNS, **ANALYSIS_COLUMNS}.items() if t == "integer"
}


class _Notes(list):
    """The reasons posted strings have no number, for the row's ``numeric_note``."""

    def number(self, name: str, text: str | None) -> Decimal | None:
        value, why = parse_number(text)
        if why:
            self.append(f"{name} {text!r}: {why}")
        return value

    def joined(self) -> str | None:
        return "; ".join(self) or None


def _analysed_n(
    group_id: str, klass: MeasureClass, measure: OutcomeMeasure, notes: _Notes
) -> tuple[int | None, str | None, list[str]]:
    """(N, 'class' or 'measure', the denom units posted) for one group of one class."""
    units = list(dict.fromkeys(d.units for d in (*klass.denoms, *measure.denoms) if d.units))
    for level, denoms in (("class", klass.denoms), ("measure", measure.denoms)):
        text = _participants(denoms, group_id)
        if text is not None:
            count, why = parse_count(text)
            if why:
                notes.append(f"analysed N {text!r}: {why}")
            return count, level, units
    return None, None, units


def _participants(denoms: list[Denom], group_id: str) -> str | None:
    for denom in denoms:
        if (denom.units or "").strip().lower() == PARTICIPANTS:
            for count in denom.counts:
                if count.group_id == group_id:
                    return count.value
    return None


def measurement_rows(study: StudyResults) -> Iterable[list[Any]]:
    """Every measurement of ``study`` as a row of ``MEASUREMENT_COLUMNS`` (in that order)."""
    module = study.results.outcome_measures_module if study.results else None
    for measure_no, measure in enumerate(module.outcome_measures if module else [], start=1):
        groups = {g.id: g for g in measure.groups}
        for class_no, klass in enumerate(measure.classes, start=1):
            for category_no, category in enumerate(klass.categories, start=1):
                for measurement in category.measurements:
                    group = groups[measurement.group_id]  # decoding checked every reference
                    notes = _Notes()
                    value = notes.number("value", measurement.value)
                    spread = notes.number("spread", measurement.spread)
                    lower = notes.number("lower limit", measurement.lower_limit)
                    upper = notes.number("upper limit", measurement.upper_limit)
                    n, level, units = _analysed_n(group.id, klass, measure, notes)
                    yield [
                        study.nct_id,
                        study.last_update_date,
                        measure.type,
                        measure_no,
                        measure.title,
                        measure.description,
                        measure.population_description,
                        measure.time_frame,
                        measure.unit_of_measure,
                        measure.param_type,
                        measure.dispersion_type,
                        measure.reporting_status,
                        group.id,
                        group.title,
                        group.description,
                        class_no,
                        klass.title,
                        category_no,
                        category.title,
                        measurement.value,
                        value,
                        measurement.spread,
                        spread,
                        measurement.lower_limit,
                        lower,
                        measurement.upper_limit,
                        upper,
                        measurement.comment,
                        n,
                        level,
                        units,
                        measure.denom_units_selected,
                        notes.joined(),
                    ]


def _analysis_row(nct: str, measure_no: int, analysis_no: int, a: MeasureAnalysis) -> list[Any]:
    notes = _Notes()
    return [
        nct,
        measure_no,
        analysis_no,
        list(a.group_ids),
        a.group_description,
        a.param_type,
        a.param_value,
        notes.number("param value", a.param_value),
        a.dispersion_type,
        a.dispersion_value,
        notes.number("dispersion value", a.dispersion_value),
        a.ci_pct_value,
        a.ci_num_sides,
        a.ci_lower_limit,
        notes.number("CI lower limit", a.ci_lower_limit),
        a.ci_upper_limit,
        notes.number("CI upper limit", a.ci_upper_limit),
        a.p_value,
        notes.number("p value", a.p_value),
        a.statistical_method,
        a.non_inferiority_type,
        a.estimate_comment,
        notes.joined(),
    ]


def analysis_rows(study: StudyResults) -> Iterable[list[Any]]:
    """Every between-group analysis of ``study`` as a row of ``ANALYSIS_COLUMNS``."""
    module = study.results.outcome_measures_module if study.results else None
    for measure_no, measure in enumerate(module.outcome_measures if module else [], start=1):
        for analysis_no, analysis in enumerate(measure.analyses, start=1):
            yield _analysis_row(study.nct_id, measure_no, analysis_no, analysis)


@dataclass
class ResultRows:
    """The rows of one run, page by page; ``frame()`` and ``analyses_frame()`` return them.

    A trial given twice (two look-ups) is kept once and counted in ``repeats``; the studies the
    decoder set aside are kept in ``rejected``.
    """

    studies_with_results: int = 0
    repeats: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Kept by column, not by row: the frame then takes one column at a time.
        self._measurements: list[list[Any]] = [[] for _ in MEASUREMENT_COLUMNS]
        self._analyses: list[list[Any]] = [[] for _ in ANALYSIS_COLUMNS]
        self._seen: set[str] = set()

    def add(self, studies: Iterable[StudyResults], rejected: Iterable[Rejected] = ()) -> None:
        """Decoded studies (and those the decoder set aside) into rows."""
        self.rejected.extend(rejected)
        for study in studies:
            if study.nct_id in self._seen:
                self.repeats += 1
                continue
            self._seen.add(study.nct_id)
            self.studies_with_results += study.results is not None
            for columns, rows in (
                (self._measurements, measurement_rows(study)),
                (self._analyses, analysis_rows(study)),
            ):
                for row in rows:
                    for column, value in zip(columns, row, strict=True):
                        column.append(value)

    def add_page(self, page: DecodedResults) -> None:
        """One decoded page."""
        self.add(page.studies, page.rejected)

    def frame(self) -> pd.DataFrame:
        """One row per measurement, in ``MEASUREMENT_COLUMNS`` order, as posted."""
        return _frame(MEASUREMENT_COLUMNS, self._measurements)

    def analyses_frame(self) -> pd.DataFrame:
        """One row per between-group analysis, in ``ANALYSIS_COLUMNS`` order."""
        return _frame(ANALYSIS_COLUMNS, self._analyses)


def _frame(columns: dict[str, tuple[str, str]], values: list[list[Any]]) -> pd.DataFrame:
    # Numerics stay Decimal objects (exact digits, as binary COPY wants them); integers are
    # nullable Int64 so a missing N stays missing instead of becoming a float.
    data = {
        name: pd.array(column, dtype="Int64")
        if name in _INTEGER_COLUMNS
        else pd.Series(column, dtype=object)
        for name, column in zip(columns, values, strict=True)
    }
    return pd.DataFrame(data, columns=list(columns), copy=False)
