"""The recomputed primary models as rows of ``benchmark_cohorts`` (the cohort contract).

One row per pooled dataset: setting ``meta_analysis``, N = the participants pooled, the pooled
Hedges' g (as the maintainers print it, to 4 decimals) with its interval, tau^2, I^2 and k in
``effect_size_detail``, a citation naming the dataset, its release (with the day it was tagged)
and DOI, the release's year as ``publication_year`` (a release year: the dataset has no other),
the ODC-By licence, and the included studies in ``notes``. ``cohort_csv_text`` turns them into
text cells exactly as ``read_cohort_csv`` reads the CSV, so they pass through the same
``validate_cohorts``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.metapsy.pooled import PooledDataset
from benchmark_pipeline.lib.metapsy.snapshot import ReleaseRecord

LICENSE = "ODC-By 1.0 (Open Data Commons Attribution License v1.0; dataset)"
OPEN_LICENSES = {"ODC-By-1.0"}
# Metapsy instrument codes whose cohort-vocabulary name is certain; several instruments pooled
# together are "mixed" (standardized effects have no common scale).
INSTRUMENT_NAMES = {"caps-5": "CAPS-5", "madrs": "MADRS", "phq-9": "PHQ-9"}


@dataclass(frozen=True)
class CohortLabel:
    cohort_name: str
    modality: str
    condition: str
    condition_detail: str
    comparison: str


COHORT_LABELS = {
    # The name of the hand-entered row this one replaces, so the natural key stays the same.
    "depression-psiloctr": CohortLabel(
        cohort_name="Metapsy Pooled Psilocybin Depression (Sypres Collaboration 2025)",
        modality="psilocybin",
        condition="depressive symptoms",
        condition_detail="adults with depressive symptoms (dataset scope, readme.md)",
        comparison="psilocybin-assisted therapy vs control",
    ),
    "ptsd-mdmactr": CohortLabel(
        cohort_name="Metapsy Pooled MDMA PTSD (Sypres Collaboration 2026)",
        modality="mdma",
        condition="PTSD",
        condition_detail="adults with post-traumatic stress disorder (dataset scope, readme.md)",
        comparison="MDMA therapy vs control",
    ),
}


def _instrument(pooled: PooledDataset) -> str:
    codes = set(pooled.selection.included["instrument"]) if pooled.selection else set()
    if len(codes) > 1:
        return "mixed"
    return INSTRUMENT_NAMES.get(next(iter(codes), ""), "")  # unknown: left unverified


def _citation(pooled: PooledDataset) -> str:
    snapshot, record = pooled.snapshot, pooled.snapshot.record
    commit = f" (commit {record.commit})" if record.commit else ""
    dated = f" of {record.release_date.isoformat()}" if record.release_date else ""
    doi = f" doi:{record.dataset_doi}." if record.dataset_doi else ""
    return (
        f"{', '.join(snapshot.authors)}. {record.title}. Metapsy living meta-analytic dataset "
        f"{record.dataset}, release {record.release}{dated}{commit}, {record.repository}.{doi}"
    )


def _release_year_source(record: ReleaseRecord) -> str:
    if record.release_date is None:
        return ""
    return (
        f"; publication_year {record.release_date.year} = the release year of "
        f"{record.dataset} {record.release} (tagged {record.release_date.isoformat()}), not a "
        f"publication year: {record.release_date_source.rstrip('.')}"
    )


def _row(pooled: PooledDataset) -> dict:
    fit, record, label = pooled.fit, pooled.snapshot.record, COHORT_LABELS[pooled.snapshot.dataset]
    published = pooled.snapshot.published
    studies = "; ".join(
        f"{s.study} {s.hedges_g:.2f} [{s.ci_lower:.2f}; {s.ci_upper:.2f}] {s.weight_pct:.1f}%"
        for s in fit.studies
    )
    excluded = len(pooled.selection.excluded) + len(pooled.rejected)
    return {
        "cohort_name": label.cohort_name,
        "source_citation": _citation(pooled),
        "doi": record.dataset_doi,
        "publication_year": record.release_date.year if record.release_date else None,
        "modality": label.modality,
        "condition": label.condition,
        "condition_detail": label.condition_detail,
        "setting": "meta_analysis",
        "n_participants": fit.n,
        "instrument": _instrument(pooled),
        "effect_size_hedges_g": round(fit.hedges_g, 4),
        "effect_size_kind": "hedges_g",
        "effect_size_detail": (
            f"Hedges' g, {label.comparison}, each study at its primary time point and "
            f"instrument, negative favours {label.modality}; random effects, REML tau2, "
            f"Knapp-Hartung 95% CI: {fit.line()}. "
            + (f"Published for this release: {published.line()}." if published else "")
        ),
        "data_freely_usable": record.license in OPEN_LICENSES,
        "license": LICENSE if record.license in OPEN_LICENSES else record.license,
        "notes": (
            f"Included studies (k = {fit.k}; g [95% CI] weight): {studies}. "
            f"{excluded} other row(s) of the release left out by the primary-model filters."
        ),
        "value_sources": (
            f"Recomputed by benchmark_pipeline (metapsy_pooled_effects) from "
            f"{record.dataset} {record.release} data.csv with the filters of the maintainers' "
            f"reproducibility guide {pooled.model.guide}; DOI: {(record.dataset_doi_source or '').rstrip('.')}; "
            f"licence: {record.license_source}" + _release_year_source(record)
        ),
    }


def pooled_cohort_rows(pooled: Sequence[PooledDataset]) -> pd.DataFrame:
    """One cohort row (``COLUMNS``) per dataset that has a fit and a cohort label."""
    rows = [_row(p) for p in pooled if p.fit is not None and p.snapshot.dataset in COHORT_LABELS]
    return pd.DataFrame(rows, columns=COLUMNS, dtype=object)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def cohort_csv_text(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` as the cohort CSV reader returns a file: every cell stripped text, '' empty."""
    return rows[COLUMNS].apply(lambda column: column.map(_text)).astype(object)
