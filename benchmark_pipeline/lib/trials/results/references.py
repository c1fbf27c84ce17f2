"""The group references inside posted results: every value must belong to a posted group.

In each module of a ``ResultsSection`` (an outcome measure, the baseline characteristics, the
participant flow) measurements, denom counts, analyses and flow counts name their group by
``groupId``. A value whose group is missing, unknown or given two values in one category cannot
be put in an arm, so the study's results are not used (``decoding.study_results``).
"""

from collections.abc import Generator, Iterator

from benchmark_pipeline.lib.trials.results.wire import (
    Denom,
    MeasureClass,
    MeasureGroup,
    ResultsSection,
)


def reference_problems(results: ResultsSection) -> Iterator[tuple[str, str]]:
    """(field path, reason) for every group id that does not name one of its module's groups,
    every group without an id or with a repeated one, and every category giving one group two
    values; nothing when every reference holds."""
    outcomes = results.outcome_measures_module
    for i, measure in enumerate(outcomes.outcome_measures if outcomes else []):
        path = f"resultsSection.outcomeMeasuresModule.outcomeMeasures[{i}]"
        ids = yield from _group_ids(measure.groups, path)
        yield from _measured(ids, measure.denoms, measure.classes, path)
        for a, analysis in enumerate(measure.analyses):
            for j, group_id in enumerate(analysis.group_ids):
                yield from _known(ids, group_id, f"{path}.analyses[{a}].groupIds[{j}]")
    baseline = results.baseline_characteristics_module
    if baseline is not None:
        path = "resultsSection.baselineCharacteristicsModule"
        ids = yield from _group_ids(baseline.groups, path)
        yield from _measured(ids, baseline.denoms, [], path)
        for m, measure in enumerate(baseline.measures):
            yield from _measured(ids, measure.denoms, measure.classes, f"{path}.measures[{m}]")
    flow = results.participant_flow_module
    if flow is not None:
        path = "resultsSection.participantFlowModule"
        ids = yield from _group_ids(flow.groups, path)
        for p, period in enumerate(flow.periods):
            where = f"{path}.periods[{p}]"
            for kind, steps, stats in (
                ("milestones", period.milestones, "achievements"),
                ("dropWithdraws", period.drop_withdraws, "reasons"),
            ):
                for s, step in enumerate(steps):
                    for k, item in enumerate(getattr(step, stats)):
                        at = f"{where}.{kind}[{s}].{stats}[{k}].groupId"
                        yield from _known(ids, item.group_id, at)


def _group_ids(
    groups: list[MeasureGroup], path: str
) -> Generator[tuple[str, str], None, frozenset[str]]:
    """Yields the problems of the groups themselves; returns their ids."""
    ids: list[str] = []
    for g, group in enumerate(groups):
        if not group.id:
            yield f"{path}.groups[{g}].id", "missing: every group needs its id"
        elif group.id in ids:
            yield f"{path}.groups[{g}].id", f"group id {group.id!r} is repeated"
        ids.append(group.id or "")
    return frozenset(ids)


def _known(ids: frozenset[str], group_id: str | None, path: str) -> Iterator[tuple[str, str]]:
    if group_id is None:
        yield path, "missing: the value cannot be put in a group without its groupId"
    elif group_id not in ids:
        known = ", ".join(sorted(ids)) or "none"
        yield path, f"groupId {group_id!r} is not one of the groups posted ({known})"


def _measured(
    ids: frozenset[str], denoms: list[Denom], classes: list[MeasureClass], path: str
) -> Iterator[tuple[str, str]]:
    levels = [(path, denoms)] + [(f"{path}.classes[{c}]", k.denoms) for c, k in enumerate(classes)]
    for where, listed in levels:
        for d, denom in enumerate(listed):
            for n, count in enumerate(denom.counts):
                yield from _known(ids, count.group_id, f"{where}.denoms[{d}].counts[{n}].groupId")
    for c, klass in enumerate(classes):
        for k, category in enumerate(klass.categories):
            seen: set[str | None] = set()
            for m, measurement in enumerate(category.measurements):
                at = f"{path}.classes[{c}].categories[{k}].measurements[{m}].groupId"
                yield from _known(ids, measurement.group_id, at)
                if measurement.group_id in seen:
                    yield at, f"group {measurement.group_id!r} has two values in one category"
                seen.add(measurement.group_id)
