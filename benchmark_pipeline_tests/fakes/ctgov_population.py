"""The participants of a generated results section: arms, participant flow, baseline.

``arms_of`` names the groups after the trial's own interventions (its drug first, a placebo or
active placebo last); ``flow`` and ``baseline`` post the spec's ``ParticipantFlowModule`` and
``BaselineCharacteristicsModule`` for them, with counts that add up (started = completed + not
completed; women + men = the group's N; a Total group).
"""

import random

from .ctgov_vocabulary import COMPARATORS

_COMPARATORS = {name for _, name in COMPARATORS}
_ACTIVE_PLACEBOS = ("Midazolam", "Niacin")
Arm = tuple[str, str, bool]  # title, description, is placebo


def arms_of(study: dict, rng: random.Random) -> list[Arm]:
    """Each ``Arm`` of ``study``: its drug first (two doses in some trials), placebo last."""
    protocol = study.get("protocolSection", {})
    items = protocol.get("armsInterventionsModule", {}).get("interventions", [])
    names = [item["name"] for item in items if item.get("name")]
    drug = next((n for n in names if n not in _COMPARATORS), names[0] if names else "Study drug")
    active = next((n for n in names if n in _ACTIVE_PLACEBOS), None)
    placebo = f"{active} (Active Placebo)" if active else "Placebo"
    given = "in a supervised dosing session, with preparation and integration sessions."
    arms = [(drug, f"Participants received {drug} {given}", False)]
    if rng.random() < 0.25:
        arms = [
            (f"{drug} ({dose} Dose)", f"A {dose.lower()} dose of {drug} {given}", False)
            for dose in ("Low", "High")
        ]
    arms.append((placebo, f"Participants received {placebo.lower()}, matched to {drug}.", True))
    return arms


def posted_groups(prefix: str, arms: list[Arm]) -> list[dict]:
    """The spec's groups (``MeasureGroup``, ``FlowGroup``): ids ``<prefix>000``, ``001`` ..."""
    return [
        {"id": f"{prefix}{i:03d}", "title": title, "description": description}
        for i, (title, description, _) in enumerate(arms)
    ]


def counts(ids: list[str], values: list[int], key: str = "value") -> list[dict]:
    """One ``{"groupId", key}`` per group, the count posted as a string (as the API does)."""
    return [{"groupId": i, key: str(v)} for i, v in zip(ids, values, strict=True)]


def flow(arms: list[Arm], started: list[int], dropped: list[int]) -> dict:
    """A ``ParticipantFlowModule``: one period, its milestones and why participants left."""
    groups = posted_groups("FG", arms)
    ids = [g["id"] for g in groups]
    completed = [s - d for s, d in zip(started, dropped, strict=True)]
    withdrew = [d // 2 for d in dropped]
    milestones = [
        {"type": kind, "achievements": counts(ids, values, "numSubjects")}
        for kind, values in (
            ("STARTED", started),
            ("COMPLETED", completed),
            ("NOT COMPLETED", dropped),
        )
    ]
    reasons = [
        {"type": kind, "reasons": counts(ids, values, "numSubjects")}
        for kind, values in (
            ("Withdrawal by Subject", withdrew),
            ("Lost to Follow-up", [d - w for d, w in zip(dropped, withdrew, strict=True)]),
        )
    ]
    period = {"title": "Overall Study", "milestones": milestones, "dropWithdraws": reasons}
    return {"groups": groups, "periods": [period]}


def baseline(arms: list[Arm], started: list[int], rng: random.Random) -> dict:
    """A ``BaselineCharacteristicsModule``: age and sex of each group and of the Total."""
    groups = [
        *posted_groups("BG", arms),
        {
            "id": f"BG{len(arms):03d}",
            "title": "Total",
            "description": "Total of all reporting groups",
        },
    ]
    ids = [g["id"] for g in groups]
    ages = [38 + rng.random() * 10 for _ in arms]
    total = sum(started)
    ages.append(sum(a * n for a, n in zip(ages, started, strict=True)) / total)
    women = [int(n * (0.4 + rng.random() * 0.3)) for n in started]
    women.append(sum(women))
    men = [n - w for n, w in zip([*started, total], women, strict=True)]
    age = [
        {"groupId": i, "value": f"{a:.1f}", "spread": f"{8 + a / 10:.1f}"}
        for i, a in zip(ids, ages, strict=True)
    ]
    sex = [
        {"title": title, "measurements": counts(ids, values)}
        for title, values in (("Female", women), ("Male", men))
    ]
    return {
        "groups": groups,
        "denoms": [{"units": "Participants", "counts": counts(ids, [*started, total])}],
        "measures": [
            {
                "title": "Age, Continuous",
                "paramType": "MEAN",
                "dispersionType": "STANDARD_DEVIATION",
                "unitOfMeasure": "years",
                "classes": [{"categories": [{"measurements": age}]}],
            },
            {
                "title": "Sex: Female, Male",
                "paramType": "COUNT_OF_PARTICIPANTS",
                "unitOfMeasure": "Participants",
                "classes": [{"categories": sex}],
            },
        ],
    }
