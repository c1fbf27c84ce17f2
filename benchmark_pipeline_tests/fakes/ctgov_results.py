"""Posted results for the fake's trials, shaped by the spec's ``ResultsSection``.

``results_section(study)`` is what the fake posts for a study: the ``resultsSection`` a test put
into the record, else, for a record with ``hasResults: true``, one generated from its NCT id
(the same trial always gets the same numbers, and nothing else about the records changes). It
holds the participant flow, baseline characteristics (age, sex) and outcome measures
(``ctgov_outcomes``) of an arm named after the trial's drug (two doses in some trials) and a
placebo arm: several parameter and dispersion types, time points as classes, categories,
values missing with a ``comment``, "NA" values, and the between-arm analyses of the primary
outcome.

The fake serves results only to a request whose ``fields`` name a results piece
(``ctgov_query.RESULTS_PIECES``): every other answer is byte for byte what it was before results
existed, although the real API also sends them when ``fields`` is absent.
"""

import math
import random

from .ctgov_outcomes import PRIMARY_MEASURES, SECONDARY_MEASURES, Measure
from .ctgov_population import arms_of, baseline, counts, flow, posted_groups

RESULTS_KEY = "resultsSection"
NOT_REACHED = "Median not reached: fewer than half of the participants relapsed by Week 24."
NOT_ASSESSED = "No participant of this arm was assessed at this time point."
NOT_COLLECTED = "The drinking diary was not collected in this arm."


def with_results(study: dict) -> dict:
    """``study`` with its ``resultsSection`` after ``protocolSection`` (the API's key order), or
    ``study`` itself when it has none; the stored record is never changed."""
    section = results_section(study)
    if section is None:
        return study
    shown: dict = {}
    for key, value in study.items():
        if key != RESULTS_KEY:
            shown[key] = value
        if key == "protocolSection":
            shown[RESULTS_KEY] = section
    return shown if RESULTS_KEY in shown else {RESULTS_KEY: section, **shown}


def results_section(study: dict) -> dict | None:
    """The record's own ``resultsSection``; else a generated one when ``hasResults`` is true."""
    if RESULTS_KEY in study:
        return study[RESULTS_KEY]
    return generate_results(study) if study.get("hasResults") is True else None


def generate_results(study: dict) -> dict:
    """A ``ResultsSection`` for ``study``, the same for the same NCT id, arms and enrollment."""
    nct = study["protocolSection"]["identificationModule"]["nctId"]
    rng = random.Random(f"results:{nct}")
    arms = arms_of(study, rng)
    enrollment = study["protocolSection"].get("designModule", {}).get("enrollmentInfo", {})
    per_arm = max(3, (enrollment.get("count") or 40) // len(arms))
    started = [per_arm + int(rng.random() * 3) for _ in arms]
    dropped = [min(s - 2, int(s * rng.random() * 0.2)) for s in started]
    measures = [rng.choice(PRIMARY_MEASURES), *rng.sample(SECONDARY_MEASURES, k=rng.randint(2, 4))]
    kinds = ["PRIMARY"] + ["SECONDARY"] * (len(measures) - 1)
    if rng.random() < 0.3:
        kinds[-1] = rng.choice(("OTHER_PRE_SPECIFIED", "POST_HOC"))
    outcomes = [
        _outcome(measure, kind, arms, started, dropped, rng)
        for measure, kind in zip(measures, kinds, strict=True)
    ]
    return {
        "participantFlowModule": flow(arms, started, dropped),
        "baselineCharacteristicsModule": baseline(arms, started, rng),
        "outcomeMeasuresModule": {"outcomeMeasures": outcomes},
    }


def _values(m: Measure, placebo: bool, progress: float, n: int, rng: random.Random) -> dict:
    """One measurement's posted strings (without its groupId) for an arm at a time point."""
    noise = rng.gauss(0, abs(m.level) * 0.1 + 0.5)
    effect = m.effect * (0.3 if placebo and m.shape == "score" else 0 if placebo else 1)
    mean = (m.level if m.shape != "change" else m.level * progress) + effect * progress + noise
    sd = abs(m.level) * 0.25 + 4 + rng.random() * 2
    if m.shape == "change":
        return {"value": f"{mean:.1f}", "spread": f"{sd / math.sqrt(n):.2f}"}
    if m.shape == "score":
        return {"value": f"{mean:.2f}", "spread": f"{sd:.2f}"}
    if m.shape == "ci":
        half = 1.96 * sd / math.sqrt(n)
        return {
            "value": f"{mean:.2f}",
            "lowerLimit": f"{mean - half:.2f}",
            "upperLimit": f"{mean + half:.2f}",
        }
    if m.shape == "median_iqr":
        return {
            "value": f"{mean:.1f}",
            "lowerLimit": f"{mean - sd / 2:.1f}",
            "upperLimit": f"{mean + sd / 2:.1f}",
        }
    if m.shape == "percent":
        if rng.random() < 0.15:
            return {"value": "NA", "comment": NOT_COLLECTED}
        return {"value": f"{min(100.0, max(0.0, mean)):.1f}"}
    # survival: the median time to relapse, often not reached in the active arm
    low = 3 + int(rng.random() * 10)
    if not placebo and rng.random() < 0.6:
        return {"value": "NA", "lowerLimit": str(low), "upperLimit": "NA", "comment": NOT_REACHED}
    return {"value": str(int(mean)), "lowerLimit": str(low), "upperLimit": "168"}


def _category(
    m: Measure,
    title: str | None,
    ids: list[str],
    arms: list,
    n: list[int],
    progress: float,
    missing: set[int],
    rng: random.Random,
) -> dict:
    measurements = []
    for g, (group_id, (_, _, placebo)) in enumerate(zip(ids, arms, strict=True)):
        if g in missing:
            values = {"comment": NOT_ASSESSED}
        elif m.shape == "count":
            share = m.level + (0 if placebo else m.effect)
            share *= 0.15 if title == "Serious adverse event" else 1
            count = min(n[g], int(n[g] * share + rng.random() * 2))
            values = {"value": str(n[g] - count if title == "Non-responder" else count)}
        else:
            values = _values(m, placebo, progress, n[g], rng)
        measurements.append({"groupId": group_id, **values})
    return ({"title": title} if title else {}) | {"measurements": measurements}


def _outcome(
    m: Measure, kind: str, arms: list, started: list[int], dropped: list[int], rng: random.Random
) -> dict:
    groups = posted_groups("OG", arms)
    ids = [g["id"] for g in groups]
    steps = len(m.classes)
    # Fewer participants at each later time point; the measure's N is that of the first.
    class_n = [
        [s - round(d * (k + 1) / steps) for s, d in zip(started, dropped, strict=True)]
        for k in range(steps)
    ]
    skipped = steps > 1 and rng.random() < 0.2  # the placebo arm missed the last time point
    measure = {"type": kind, "title": m.title, "description": m.description}
    if m.population:
        measure["populationDescription"] = m.population
    measure |= {"reportingStatus": "POSTED", "paramType": m.param}
    if m.dispersion:
        measure["dispersionType"] = m.dispersion
    measure |= {
        "unitOfMeasure": m.unit,
        "timeFrame": m.time_frame,
        "groups": groups,
        "denoms": [{"units": "Participants", "counts": counts(ids, class_n[0])}],
    }
    classes = []
    for k, title in enumerate(m.classes):
        missing = {len(arms) - 1} if skipped and k == steps - 1 else set()
        n = [0 if g in missing else x for g, x in enumerate(class_n[k])]
        klass: dict = {"title": title} if title else {}
        if steps > 1:
            klass["denoms"] = [{"units": "Participants", "counts": counts(ids, n)}]
        # A score is posted from its first time point (often "Baseline"), a change after it.
        progress = k / (steps - 1) if m.shape == "score" and steps > 1 else (k + 1) / steps
        klass["categories"] = [
            _category(m, c, ids, arms, n, progress, missing, rng) for c in m.categories
        ]
        classes.append(klass)
    measure["classes"] = classes
    if kind == "PRIMARY" and not skipped:
        measure["analyses"] = _analyses(m, ids, classes[-1], class_n[-1])
    return measure


def _analyses(m: Measure, ids: list[str], last: dict, n: list[int]) -> list[dict]:
    """Each active arm against placebo (the last group) at the last time point."""
    posted = last["categories"][0]["measurements"]
    placebo = float(posted[-1]["value"])
    analyses = []
    for g in range(len(ids) - 1):
        diff = float(posted[g]["value"]) - placebo
        se = (abs(m.level) * 0.25 + 5) * math.sqrt(1 / n[g] + 1 / n[-1])
        p = math.erfc(abs(diff) / se / math.sqrt(2))
        analyses.append(
            {
                "groupIds": [ids[g], ids[-1]],
                "nonInferiorityType": "SUPERIORITY",
                "pValue": "<0.001" if p < 0.001 else f"{p:.3f}",
                "statisticalMethod": "Mixed Models Analysis" if m.shape == "change" else "ANCOVA",
                "paramType": "LS Mean Difference" if m.shape == "change" else "Mean Difference",
                "paramValue": f"{diff:.2f}",
                "ciPctValue": "95",
                "ciNumSides": "TWO_SIDED",
                "ciLowerLimit": f"{diff - 1.96 * se:.2f}",
                "ciUpperLimit": f"{diff + 1.96 * se:.2f}",
            }
        )
    return analyses
