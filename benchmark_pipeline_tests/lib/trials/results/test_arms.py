"""Each group's role from its title, description and the trial's interventions: a placebo is
'placebo', the trial's drug alone 'active', every doubt 'unknown', and the lowest of doses
that alone tell the arms apart never 'active'."""

from decimal import Decimal

import pytest

from benchmark_pipeline.lib.trials.results.arms import arm_roles, trial_drugs
from benchmark_pipeline.lib.trials.results.doses import dose_of

PSILOCYBIN = trial_drugs(
    ["psilocybin"],
    [
        {"name": "Psilocybin", "type": "DRUG", "other_names": ["COMP360"]},
        {"name": "Placebo", "type": "DRUG", "other_names": []},
        {"name": "Escitalopram", "type": "DRUG", "other_names": []},
        {"name": "Psychological support", "type": "BEHAVIORAL", "other_names": []},
    ],
)
KETAMINE = trial_drugs(
    ["ketamine"], [{"name": "Ketamine", "other_names": []}, {"name": "Midazolam"}]
)
ESKETAMINE = trial_drugs(
    ["esketamine"], [{"name": "Esketamine", "type": "DRUG", "other_names": ["Spravato"]}]
)


def _roles(titles, drugs=PSILOCYBIN, descriptions=None):
    descriptions = descriptions or [None] * len(titles)
    groups = [
        (f"OG{i:03d}", t, d) for i, (t, d) in enumerate(zip(titles, descriptions, strict=True))
    ]
    return [arm_roles(groups, drugs)[g] for g, _, _ in groups]


A, P, U = "active", "placebo", "unknown"
CASES = [
    (["Psilocybin 25 mg", "Placebo"], [(A, "psilocybin"), (P, None)]),
    (["Psilocybin", "Waitlist Control"], [(A, "psilocybin"), (P, None)]),
    (["Psilocybin", "Wait-list"], [(A, "psilocybin"), (P, None)]),
    (["Psilocybin", "Treatment as Usual"], [(A, "psilocybin"), (P, None)]),
    (["Psilocybin", "Sham Session"], [(A, "psilocybin"), (P, None)]),
    (["Psilocybin", "Niacin (Active Placebo)"], [(A, "psilocybin"), (P, None)]),
    (
        ["Psilocybin + Psychological support", "Placebo + Psychological support"],
        [(A, "psilocybin"), (P, None)],
    ),
    # a drug and a placebo word together: a crossover sequence, an add-on: never active
    (["Psilocybin Then Placebo", "Placebo Then Psilocybin"], [(U, None), (U, None)]),
    (["Psilocybin + Treatment as Usual", "Treatment as Usual"], [(U, None), (P, None)]),
    # two modalities in one trial's groups: each its own; one group naming two: unknown
    (["Psilocybin", "MDMA"], [(A, "psilocybin"), (U, None)]),  # MDMA is not this trial's
    (["Psilocybin and Esketamine"], [(U, None)]),
    # an active comparator named by the trial's interventions; healthy controls
    (["Escitalopram", "Psilocybin"], [(U, None), (A, "psilocybin")]),
    (["Healthy Controls", "Psilocybin"], [(U, None), (A, "psilocybin")]),
    # the trial's own intervention names count: COMP360 is psilocybin here
    (["COMP360 25 mg", "Placebo"], [(A, "psilocybin"), (P, None)]),
    # arms that differ only in dose: the lowest is never active
    (
        ["COMP360 25 mg", "COMP360 10 mg", "COMP360 1 mg"],
        [(A, "psilocybin"), (A, "psilocybin"), (U, None)],
    ),
    (["Psilocybin 25 mg", "Psilocybin 1 mg (Active Placebo)"], [(A, "psilocybin"), (P, None)]),
    (["Psilocybin (Low Dose)", "Psilocybin (High Dose)"], [(U, None), (A, "psilocybin")]),
    (["Psilocybin 25 mg", "Psilocybin 25 mg + Music"], [(U, None), (U, None)]),  # a tie
    (["Psilocybin 10 mg", "Psilocybin"], [(U, None), (U, None)]),  # one dose not said
    (["Psilocybin 0.3 mg/kg", "Psilocybin 10 mg"], [(U, None), (U, None)]),  # two units
    (
        ["Psilocybin: One Session", "Psilocybin: Two Sessions"],
        [(A, "psilocybin"), (A, "psilocybin")],
    ),
    # with a placebo arm, two doses are two active arms
    (
        ["Psilocybin (Low Dose)", "Psilocybin (High Dose)", "Placebo"],
        [(A, "psilocybin"), (A, "psilocybin"), (P, None)],
    ),
]


@pytest.mark.parametrize(("titles", "roles"), CASES)
def test_roles_from_titles(titles, roles) -> None:
    assert _roles(titles) == roles


def test_a_title_naming_neither_hands_over_to_its_description() -> None:
    roles = _roles(
        ["Arm 1", "Arm 2"],
        descriptions=["Participants receive psilocybin 25 mg.", "Participants receive placebo."],
    )
    assert roles == [(A, "psilocybin"), (P, None)]


def test_a_placebo_word_in_the_description_of_a_drug_arm_makes_it_a_control() -> None:
    roles = _roles(
        ["Psilocybin", "Placebo"], descriptions=["Psilocybin, then placebo at crossover.", None]
    )
    assert roles == [(U, None), (P, None)]


def test_a_placebo_title_is_placebo_though_its_description_names_the_drug() -> None:
    descriptions = [None, "Participants received placebo, matched to psilocybin."]
    assert _roles(["Psilocybin", "Placebo"], descriptions=descriptions)[1] == (P, None)


def test_placebo_controlled_is_not_a_placebo() -> None:
    assert _roles(["Psilocybin"], descriptions=["A double-blind, placebo-controlled arm."]) == [
        (A, "psilocybin")
    ]


def test_the_real_dose_arms_of_a_psilocybin_trial() -> None:
    # NCT06341426's arms: the single-dose arm (1 mg + 25 mg) is its PLACEBO_COMPARATOR.
    roles = _roles(
        ["Two Doses of Psilocybin", "Single Dose of Psilocybin"],
        descriptions=[
            "Two psychedelic doses (25mg of psilocybin + 25mg of psilocybin)",
            "One psychedelic dose (1mg of psilocybin + 25mg of psilocybin)",
        ],
    )
    assert roles == [(A, "psilocybin"), (U, None)]


def test_esketamine_is_never_ketamine() -> None:
    assert _roles(["Esketamine 56 mg + Oral AD", "Placebo + Oral AD"], KETAMINE) == [
        (U, None),
        (P, None),
    ]
    assert _roles(["Esketamine 56 mg", "Esketamine 84 mg", "Placebo"], ESKETAMINE) == [
        (A, "esketamine"),
        (A, "esketamine"),
        (P, None),
    ]
    assert _roles(["Ketamine 0.5 mg/kg", "Midazolam 0.045 mg/kg"], KETAMINE) == [
        (A, "ketamine"),
        (P, None),
    ]


def test_intervention_names_stand_for_their_drug_or_placebo() -> None:
    drugs = trial_drugs(
        ["psilocybin"],
        [
            {"name": "Investigational Product", "other_names": ["psilocybin"]},
            {"name": "Inert Capsule", "other_names": ["placebo"]},
        ],
    )
    assert _roles(["Investigational Product", "Inert Capsule"], drugs) == [
        (A, "psilocybin"),
        (P, None),
    ]


def test_without_the_trial_no_arm_is_active() -> None:
    assert _roles(["Psilocybin", "Placebo"], trial_drugs([], [])) == [(U, None), (P, None)]


@pytest.mark.parametrize(
    ("title", "description", "dose"),
    [
        ("Psilocybin 25 mg", None, ("mg", Decimal(25))),
        ("Psilocybin 25mg", "1 mg", ("mg", Decimal(25))),  # the title first
        ("Arm A", "1mg of psilocybin + 25mg of psilocybin", ("mg", Decimal(1))),
        ("LSD 100 µg", None, ("mg", Decimal("0.100"))),
        ("LSD 50 mcg", None, ("mg", Decimal("0.050"))),
        ("Ketamine 0.5 mg/kg", None, ("mg/kg", Decimal("0.5"))),
        ("Ketamine 0.5 mg / kg (about 35 mg)", None, None),
        ("High-Dose Psilocybin", None, ("word", Decimal(3))),
        ("Psilocybin", "A low dose.", ("word", Decimal(1))),
        ("Psilocybin", None, None),
        ("Week 25 Group", None, None),
    ],
)
def test_dose_of(title, description, dose) -> None:
    assert dose_of(title, description) == dose
