"""Why a run stopped, told where a reviewer looks first.

When a blocking check fails, or an asset or op raises, the assets after it are not materialized.
Dagster alone shows them as "Failed" with nothing to say why, marks their checks "Execution
failed" although they never ran, and words the run's failure "1 blocking asset check failed".
A compute function wrapped in ``explains_stops`` records the reason first: an observation on
every asset the run will no longer reach (the asset's latest event, on its *Events* tab) and a
WARN result "Not run: ..." on each of their checks (the check's page, instead of a red
"Execution failed"). A failed blocking check then fails its step with a ``dg.Failure`` carrying
the same sentence, which becomes the run's failure message. A step that will be retried records
nothing: its retry may still succeed.

An asset with nothing to load (an opt-in source switched off) returns ``NothingToLoad``: its
optional output is not produced, so no materialization is recorded and Dagster skips what
depends on it (steps and checks alike, shown as skipped, never failed); the reason, with how to
turn the source on, goes to the run log once.
"""

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import dagster as dg

from benchmark_pipeline.defs.tables import left_as_it_was, table_name

# Labels of the observation's metadata, beside its description on the asset's Events tab.
REASON_LABEL = "not materialized because"
TABLE_LABEL = "table"


@dataclass(frozen=True)
class Stop:
    """What stopped the run's way (``cause``, e.g. "raw_benchmark_trials's blocking check
    no_sharp_drop failed") and its own words (``reason``: the check's description or the
    failure's message)."""

    cause: str
    reason: str

    @property
    def sentence(self) -> str:
        reason = self.reason.rstrip(".")
        return f"{self.cause}: {reason}"


@dataclass(frozen=True)
class NothingToLoad:
    """Returned by an asset declared with ``output_required=False`` when there is nothing to
    load: ``reason`` says why and how to turn the source on."""

    reason: str


def _assets_def(context: dg.OpExecutionContext) -> dg.AssetsDefinition | None:
    """The assets definition of the running op (a graph asset's, for an op inside one)."""
    layer = context.job_def.asset_layer
    handle = context.node_handle
    while handle is not None:
        found = layer.get_assets_def_for_node(handle)
        if found is not None:
            return found
        handle = handle.parent
    return None


def unreached(
    context: dg.OpExecutionContext, roots: Iterable[dg.AssetKey], *, with_roots: bool
) -> tuple[list[dg.AssetKey], list[dg.AssetCheckKey]]:
    """The run's assets below ``roots`` (and ``roots`` themselves when ``with_roots``), which it
    will no longer materialize, and the checks of those assets the run planned."""
    layer = context.job_def.asset_layer
    graph, planned = layer.asset_graph, layer.selected_asset_keys
    roots = list(roots)
    found = set(roots) if with_roots else set()
    frontier = list(roots)
    while frontier:
        for child in graph.get(frontier.pop()).child_keys:
            if child in planned and child not in found:
                found.add(child)
                frontier.append(child)
    chosen = context.run.asset_check_selection
    checks = [
        key
        for key in graph.asset_check_keys
        if key.asset_key in found and (chosen is None or key in chosen)
    ]
    by_name = lambda key: key.to_user_string()  # noqa: E731
    return sorted(found, key=by_name), sorted(checks, key=by_name)


def _table_left(context: dg.OpExecutionContext, key: dg.AssetKey) -> str | None:
    """For a table asset not reached: "public.t was left as it was: N rows at its last load"."""
    table = table_name(context.job_def.asset_layer.asset_graph, key)
    return None if table is None else left_as_it_was(context.instance, table, key)


def record(
    context: dg.OpExecutionContext,
    stop: Stop,
    assets: list[dg.AssetKey],
    checks: list[dg.AssetCheckKey],
) -> tuple[str, list[dg.AssetObservation]]:
    """Log the "Not run" result of each unreached check and return the run's failure sentence
    with the observation of each unreached asset. Logged events go out just before the next
    event the step yields, so the caller yields the observations (or its own result) before
    it raises."""
    run = context.run_id.split("-")[0]
    for key in checks:
        context.log_event(
            dg.AssetCheckEvaluation(
                asset_key=key.asset_key,
                check_name=key.name,
                passed=False,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"Not run: {stop.sentence}.",
            )
        )
    left = {key: _table_left(context, key) for key in assets}
    observations = [
        dg.AssetObservation(
            asset_key=key,
            description=f"Not materialized by run {run}: {stop.sentence}."
            + (f" {left[key]}." if left[key] else ""),
            metadata={REASON_LABEL: dg.MetadataValue.text(stop.sentence)}
            | ({TABLE_LABEL: dg.MetadataValue.text(left[key])} if left[key] else {}),
        )
        for key in assets
    ]
    names = ", ".join(
        key.to_user_string() + (f" ({left[key]})" if left[key] else "") for key in assets
    )
    sentence = f"{stop.sentence}." + (f" Not materialized: {names}." if names else "")
    return sentence, observations


def _will_retry(context: dg.OpExecutionContext, error: Exception) -> bool:
    step = context.get_step_execution_context()
    policy = step.op_retry_policy
    if policy is None or (isinstance(error, dg.Failure) and not error.allow_retries):
        return False
    return step.previous_attempt_count < policy.max_retries


def _message(error: Exception) -> str:
    if isinstance(error, dg.Failure) and error.description:
        return error.description
    return f"{type(error).__name__}: {error}"


def _stopped_by_error(context: dg.OpExecutionContext, error: Exception) -> Iterator[Any]:
    definition = _assets_def(context)
    own = sorted(definition.keys, key=lambda k: k.to_user_string()) if definition else []
    if not own:
        return
    assets, checks = unreached(context, own, with_roots=True)
    names = ", ".join(k.to_user_string() for k in own)
    _, observations = record(
        context, Stop(cause=f"{names} failed", reason=_message(error)), assets, checks
    )
    yield from observations


def _blocked(context: dg.OpExecutionContext, result: dg.AssetCheckResult) -> Iterator[Any]:
    """Yield ``result``; when it is a failed blocking check, record and raise why first."""
    definition = _assets_def(context)
    specs = list(definition.check_specs) if definition else []
    spec = next((s for s in specs if result.check_name in (None, s.name)), None)
    stops = (
        spec is not None
        and spec.blocking
        and not result.passed
        and result.severity == dg.AssetCheckSeverity.ERROR
    )
    if not stops:
        yield result
        return
    asset = spec.asset_key.to_user_string()
    stop = Stop(
        cause=f"{asset}'s blocking check {spec.name} failed",
        reason=result.description or "no description given",
    )
    assets, checks = unreached(context, [spec.asset_key], with_roots=False)
    sentence, observations = record(context, stop, assets, checks)
    yield from observations
    yield result
    raise dg.Failure(
        description=sentence,
        metadata={
            "blocking check": f"{asset} / {spec.name}",
            "not materialized": ", ".join(k.to_user_string() for k in assets) or "nothing",
        },
        allow_retries=False,
    )


def explains_stops(fn: Callable[..., Any]) -> Callable[..., Iterator[Any]]:
    """Wrap an asset's, op's or blocking check's compute function (between its Dagster
    decorator and ``def``) so that a stop is recorded where the reviewer looks (see the module)."""

    @functools.wraps(fn)
    def compute(*args: Any, **kwargs: Any) -> Iterator[Any]:
        context = dg.OpExecutionContext.get()
        try:
            result = fn(*args, **kwargs)
        except Exception as error:
            if not _will_retry(context, error):
                yield from _stopped_by_error(context, error)
            raise
        if isinstance(result, NothingToLoad):
            context.log.info(f"Not materialized; what depends on it is skipped. {result.reason}")
        elif isinstance(result, dg.AssetCheckResult):
            yield from _blocked(context, result)
        elif isinstance(result, dg.Output | dg.MaterializeResult):
            yield result
        else:
            yield dg.Output(result)

    return compute
