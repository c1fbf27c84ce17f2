"""A dataset's primary model recomputed: its rows selected, pooled and held against the
published result of its release."""

from dataclasses import dataclass, field

from benchmark_pipeline.lib.metapsy.pooling import PooledFit, PoolingError, fit_random_effects
from benchmark_pipeline.lib.metapsy.primary_models import (
    PRIMARY_MODELS,
    PrimaryModel,
    Selection,
    select_rows,
)
from benchmark_pipeline.lib.metapsy.published import published_mismatches
from benchmark_pipeline.lib.metapsy.snapshot import Snapshot
from benchmark_pipeline.lib.metapsy.validation import DatasetValidation, Rejection


@dataclass(frozen=True)
class PooledDataset:
    """The primary model of one snapshot: the filters applied, the rows they kept and left
    out (and why), the fit, or why there is none."""

    snapshot: Snapshot
    model: PrimaryModel | None
    selection: Selection | None
    fit: PooledFit | None
    problem: str | None = None
    rejected: list[Rejection] = field(default_factory=list)  # never reached the filters

    @property
    def label(self) -> str:
        return f"{self.snapshot.dataset} {self.snapshot.release}"

    def check_problems(self) -> list[str]:
        """What stops this result from standing for the published one: no fit, or a value
        outside its tolerance (each named). Empty when it matches, or when the release has no
        published result (see ``unpublished``)."""
        if self.fit is None:
            return [f"{self.label}: no fit ({self.problem})"]
        published = self.snapshot.published
        if published is None:
            return []
        return [f"{self.label}: {m}" for m in published_mismatches(self.fit.values(), published)]

    @property
    def unpublished(self) -> bool:
        return self.snapshot.published is None


def pool_dataset(validation: DatasetValidation) -> PooledDataset:
    """Select the primary model's rows among the valid rows and fit them."""
    snapshot = validation.snapshot
    model = PRIMARY_MODELS.get(snapshot.dataset)
    if model is None:
        known = ", ".join(sorted(PRIMARY_MODELS))
        problem = f"no primary model is specified for dataset {snapshot.dataset!r} ({known})"
        return PooledDataset(snapshot, None, None, None, problem, validation.rejections)
    selection = select_rows(validation.valid, model)
    try:
        fit = fit_random_effects(selection.included)
    except PoolingError as exc:
        return PooledDataset(snapshot, model, selection, None, str(exc), validation.rejections)
    return PooledDataset(snapshot, model, selection, fit, None, validation.rejections)
