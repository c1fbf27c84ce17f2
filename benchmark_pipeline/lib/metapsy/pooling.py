"""The random-effects fit of a primary model, as the maintainers' tools compute it.

metapsyTools' ``runMetaAnalysis`` ("overall" model) calls ``meta::metagen`` with the rows' g and
SE, ``method.tau = "REML"``, ``method.random.ci = "HK"``, ``method.tau.ci = "QP"`` and
``prediction = TRUE``. PyMARE fits the same model (REML, Knapp-Hartung without ad hoc
correction, Q-profile interval of tau^2); around it, as meta does by default:

- I^2 = (Q - df) / Q from Cochran's Q of the inverse-variance (tau^2 = 0) fit, floored at 0;
- the prediction interval (``method.predict = "V"``): g +- t(0.975, k - 1) x sqrt(tau^2 + SE^2),
  with the classic (not Knapp-Hartung) SE of the pooled g;
- each study's 95% CI: g +- 1.96 SE; its weight: 1 / (SE^2 + tau^2), as a share of the total.

n is the number of participants pooled: n_arm1 + n_arm2 summed over the rows.
"""

import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

# PyMARE and scipy.stats are imported where the fit runs: together they cost about 150 MB of a
# process's memory (PyMARE brings sympy), which every run that fits nothing should not pay.


class PoolingError(ValueError):
    """The rows cannot be pooled (fewer than two effect sizes)."""


@dataclass(frozen=True)
class StudyEffect:
    row_id: str
    study: str
    hedges_g: float
    se: float
    ci_lower: float
    ci_upper: float
    weight_pct: float
    n: int


@dataclass(frozen=True)
class PooledFit:
    k: int
    n: int
    hedges_g: float
    se: float  # Knapp-Hartung
    ci_lower: float
    ci_upper: float
    t: float
    df: int
    p: float
    tau2: float
    tau2_ci_lower: float
    tau2_ci_upper: float
    q: float
    p_q: float
    i2_pct: float
    se_classic: float
    pi_lower: float
    pi_upper: float
    studies: tuple[StudyEffect, ...]

    def values(self) -> dict[str, float | int]:
        """The summary numbers (no per-study rows), e.g. to compare with a published result."""
        return {k: v for k, v in asdict(self).items() if k != "studies"}

    def line(self) -> str:
        """The pooled result on one line, as the maintainers print it."""
        return (
            f"g {self.hedges_g:.4f} [{self.ci_lower:.4f}; {self.ci_upper:.4f}] (Knapp-Hartung, "
            f"t = {self.t:.2f}, df {self.df}, p = {self.p:.4f}); prediction interval "
            f"[{self.pi_lower:.4f}; {self.pi_upper:.4f}]; tau2 = {self.tau2:.4f} "
            f"[{self.tau2_ci_lower:.4f}; {self.tau2_ci_upper:.4f}]; I2 = {self.i2_pct:.1f}% "
            f"(Q = {self.q:.2f}, df {self.df}, p = {self.p_q:.4f}); k = {self.k}; n = {self.n}"
        )


def _scalar(value: object) -> float:
    return float(np.ravel(value)[0])


def fit_random_effects(rows: pd.DataFrame) -> PooledFit:
    """Pool ``rows`` (row_id, study, hedges_g, hedges_g_se, n_arm1, n_arm2), one effect size
    per row. Raises ``PoolingError`` for fewer than two rows."""
    k = len(rows)
    if k < 2:
        raise PoolingError(f"{k} effect size(s) to pool; a random-effects model needs at least 2")
    from pymare import meta_regression
    from scipy import stats

    z_975 = float(stats.norm.ppf(0.975))
    y = rows["hedges_g"].to_numpy(dtype=float)
    se = rows["hedges_g_se"].to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # tau^2 on its boundary (0)
        result = meta_regression(
            y=y, v=se**2, method="REML", small_sample_correction="knapp-hartung"
        )
        fixed, heterogeneity = result.get_fe_stats(), result.get_heterogeneity_stats()
        tau2_ci = result.get_re_stats(method="QP")
    g, tau2 = _scalar(fixed["est"]), max(_scalar(result.tau2), 0.0)
    weights = 1.0 / (se**2 + tau2)
    se_classic = float(np.sqrt(1.0 / weights.sum()))
    half_pi = float(stats.t.ppf(0.975, k - 1)) * float(np.sqrt(tau2 + se_classic**2))
    n = rows["n_arm1"].astype(int) + rows["n_arm2"].astype(int)
    studies = tuple(
        StudyEffect(
            row_id=str(r.row_id),
            study=str(r.study),
            hedges_g=float(yi),
            se=float(si),
            ci_lower=float(yi - z_975 * si),
            ci_upper=float(yi + z_975 * si),
            weight_pct=float(100 * wi / weights.sum()),
            n=int(ni),
        )
        for r, yi, si, wi, ni in zip(rows.itertuples(), y, se, weights, n, strict=True)
    )
    return PooledFit(
        k=k,
        n=int(n.sum()),
        hedges_g=g,
        se=_scalar(fixed["se"]),
        ci_lower=_scalar(fixed["ci_l"]),
        ci_upper=_scalar(fixed["ci_u"]),
        # Knapp-Hartung's SE is 0 when every effect is equal: no t, and PyMARE gives no p.
        t=g / _scalar(fixed["se"]) if _scalar(fixed["se"]) > 0 else float("nan"),
        df=k - 1,
        p=_scalar(fixed["p"]),
        tau2=tau2,
        tau2_ci_lower=_scalar(tau2_ci["ci_l"]),
        tau2_ci_upper=_scalar(tau2_ci["ci_u"]),
        q=_scalar(heterogeneity["Q"]),
        p_q=_scalar(heterogeneity["p(Q)"]),
        i2_pct=_scalar(heterogeneity["I^2"]),
        se_classic=se_classic,
        pi_lower=g - half_pi,
        pi_upper=g + half_pi,
        studies=tuple(sorted(studies, key=lambda s: s.study)),
    )
