"""The primary models recomputed: the maintainers' printed results, number for number."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from benchmark_pipeline.lib.metapsy.pooled import PooledDataset, pool_dataset
from benchmark_pipeline.lib.metapsy.pooling import PoolingError, fit_random_effects
from benchmark_pipeline.lib.metapsy.published import PublishedResult, published_mismatches
from benchmark_pipeline.lib.metapsy.reading import read_dataset_csv
from benchmark_pipeline.lib.metapsy.snapshot import read_snapshot
from benchmark_pipeline.lib.metapsy.validation import validate_dataset
from benchmark_pipeline_tests.lib.metapsy.snapshots import PINNED

# summary(main_results$model.overall) as printed in each reproducibility guide (meta::metagen via
# metapsyTools): g [95% CI], prediction interval, tau^2 [Q-profile CI], I^2, Q, and per study
# g [95% CI] and random-effects weight.
PRINTED = {
    "depression-psiloctr": {
        "fit": (-0.9031, -1.2561, -0.5501, -1.7183, -0.0879, 0.1174, 0.0140, 1.0125, 53.9, 23.84),
        "t": -5.63,
        "studies": {
            "Back 2024": (-1.4215, -2.2271, -0.6160, 6.9),
            "Davis 2021": (-2.4807, -3.5637, -1.3976, 4.7),
            "Goodwin 2022": (-0.7092, -1.0308, -0.3876, 13.7),
            "Griffiths 2016": (-1.2731, -1.8827, -0.6635, 9.2),
            "Lewis 2025": (-1.7297, -2.7230, -0.7365, 5.3),
            "Luquiens 2025": (-0.3347, -1.0987, 0.4294, 7.3),
            "Raison 2023": (-0.8700, -1.2941, -0.4459, 12.0),
            "Rieser 2025": (-0.3806, -1.0314, 0.2701, 8.7),
            "Rosenblat 2024": (-0.1417, -0.8599, 0.5765, 7.8),
            "Ross 2016": (-0.7940, -1.5967, 0.0086, 6.9),
            "Ross 2025": (-0.8275, -1.5562, -0.0988, 7.7),
            "von Rotz 2023": (-0.9384, -1.5120, -0.3648, 9.7),
        },
    },
    "ptsd-mdmactr": {
        "fit": (-0.7119, -0.9534, -0.4704, -1.0588, -0.3651, 0.0, 0.0, 0.3800, 0.0, 2.42),
        "t": -7.58,
        "studies": {
            "Mitchell 2021": (-0.7712, -1.2295, -0.3129, 33.3),
            "Mitchell 2023": (-0.5915, -1.0069, -0.1760, 40.5),
            "Mithoefer 2011": (-1.2080, -2.1842, -0.2317, 7.3),
            "Mithoefer 2018": (-0.9603, -1.9458, 0.0251, 7.2),
            "Oehen 2013": (-0.8525, -2.1083, 0.4033, 4.4),
            "Ot'alora 2018": (-0.2761, -1.2607, 0.7084, 7.2),
        },
    },
}


def _pooled(dataset: str) -> PooledDataset:
    snapshot = read_snapshot(PINNED / dataset)
    return pool_dataset(validate_dataset(snapshot, read_dataset_csv(snapshot.data_csv)))


@pytest.mark.parametrize("dataset", sorted(PRINTED))
def test_fit_reproduces_the_guides_printout_to_its_last_digit(dataset: str) -> None:
    fit = _pooled(dataset).fit
    printed = PRINTED[dataset]
    ours = (
        fit.hedges_g, fit.ci_lower, fit.ci_upper, fit.pi_lower, fit.pi_upper,
        fit.tau2, fit.tau2_ci_lower, fit.tau2_ci_upper, fit.i2_pct, fit.q,
    )  # fmt: skip
    digits = (4, 4, 4, 4, 4, 4, 4, 4, 1, 2)
    assert [round(v, d) for v, d in zip(ours, digits, strict=True)] == list(printed["fit"])
    assert round(fit.t, 2) == printed["t"] and fit.df == fit.k - 1
    studies = {
        s.study: (
            round(s.hedges_g, 4),
            round(s.ci_lower, 4),
            round(s.ci_upper, 4),
            round(s.weight_pct, 1),
        )
        for s in fit.studies
    }
    assert studies == printed["studies"]
    assert sum(s.weight_pct for s in fit.studies) == pytest.approx(100)


@pytest.mark.parametrize(
    ("dataset", "k", "n"), [("depression-psiloctr", 12, 585), ("ptsd-mdmactr", 6, 242)]
)
def test_fit_matches_the_published_primary_result_of_its_release(
    dataset: str, k: int, n: int
) -> None:
    pooled = _pooled(dataset)
    assert (pooled.fit.k, pooled.fit.n) == (k, n)
    assert pooled.snapshot.published is not None
    assert pooled.check_problems() == []


def _rows(g: list[float], se: list[float]) -> pd.DataFrame:
    k = len(g)
    return pd.DataFrame(
        {"row_id": list("abcdef"[:k]), "study": list("ABCDEF"[:k]), "hedges_g": g,
         "hedges_g_se": se, "n_arm1": [20] * k, "n_arm2": [10] * k}
    )  # fmt: skip


def test_without_heterogeneity_the_textbook_formulas_hold() -> None:
    y, se = np.array([-0.5, -0.4, -0.45]), np.array([0.2, 0.4, 0.3])
    fit = fit_random_effects(_rows(list(y), list(se)))
    w = 1 / se**2
    mu = (w * y).sum() / w.sum()
    q = (w * (y - mu) ** 2).sum()
    se_hk = np.sqrt(q / ((len(y) - 1) * w.sum()))
    t = stats.t.ppf(0.975, len(y) - 1)
    assert (fit.k, fit.n, fit.tau2, fit.i2_pct) == (3, 90, 0.0, 0.0)  # Q < df
    assert (fit.hedges_g, fit.q, fit.se) == pytest.approx((mu, q, se_hk))
    assert (fit.ci_lower, fit.ci_upper) == pytest.approx((mu - t * se_hk, mu + t * se_hk))
    se_classic = np.sqrt(1 / w.sum())
    assert (fit.pi_lower, fit.pi_upper) == pytest.approx((mu - t * se_classic, mu + t * se_classic))
    assert [s.weight_pct for s in fit.studies] == pytest.approx(list(100 * w / w.sum()))


def test_identical_effects_pool_without_a_t_statistic() -> None:
    fit = fit_random_effects(_rows([-0.5, -0.5], [0.2, 0.4]))
    assert fit.hedges_g == pytest.approx(-0.5) and fit.se == 0 and np.isnan(fit.t)


def test_fewer_than_two_rows_cannot_be_pooled() -> None:
    with pytest.raises(PoolingError, match="1 effect size"):
        fit_random_effects(_rows([-0.5], [0.2]))


def test_a_mismatch_names_each_value_with_both_numbers() -> None:
    published = PublishedResult(
        release="x", hedges_g=-0.90, ci_lower=-1.26, ci_upper=-0.55, tau2=0.12, i2_pct=53.9,
        k=12, n=585, source="a published source, for the test",
    )  # fmt: skip
    fitted = {"hedges_g": -0.905, "ci_lower": -1.2661, "ci_upper": -0.55, "tau2": 0.1251,
              "i2_pct": 53.95, "k": 11, "n": 585}  # fmt: skip
    problems = published_mismatches(fitted, published)
    assert problems == [
        "ci_lower -1.2661 differs from the published -1.26 by 0.0061 (tolerance 0.005)",
        "tau2 0.1251 differs from the published 0.12 by 0.0051 (tolerance 0.005)",
        "k 11 differs from the published 12",
    ]
