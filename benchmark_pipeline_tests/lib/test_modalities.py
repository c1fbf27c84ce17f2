import csv

import pytest

from benchmark_pipeline.lib.modalities import (
    DEFAULT_VOCABULARY,
    classify_names,
    modalities_from_searches,
    narrower_modalities,
)
from benchmark_pipeline_tests.support.reference import reference_path

NAMES_CSV = ("ctgov", "intervention_names.csv")


def _labelled_names() -> list[dict[str, str]]:
    with reference_path(*NAMES_CSV).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_esketamine_is_not_ketamine():
    assert classify_names(["Esketamine nasal spray"]) == ["esketamine"]
    assert classify_names(["Spravato 56 mg"]) == ["esketamine"]
    assert classify_names(["S-ketamine"]) == ["esketamine"]
    assert classify_names(["(S)-Ketamine hydrochloride"]) == ["esketamine"]
    assert classify_names(["Ketamine infusion"]) == ["ketamine"]
    assert classify_names(["ketamine-assisted psychotherapy"]) == ["ketamine"]


def test_trial_comparing_ketamine_and_esketamine_has_both_in_vocabulary_order():
    assert classify_names(["Esketamine", "Racemic ketamine"]) == ["ketamine", "esketamine"]


def test_word_boundaries_and_case():
    assert classify_names(["lsd"]) == ["lsd"]
    assert classify_names(["LSD-25"]) == ["lsd"]
    assert classify_names(["Lysergic Acid Diethylamide"]) == ["lsd"]
    assert classify_names(["N,N-DMT fumarate"]) == ["dmt"]
    assert classify_names(["MM120"]) == ["lsd"] and classify_names(["MM-120"]) == ["lsd"]
    assert classify_names(["Psilocybin 25 mg", "Niacin"]) == ["psilocybin"]
    assert classify_names(["3,4-methylenedioxymethamphetamine"]) == ["mdma"]
    # Inside another word a term is not a match.
    assert classify_names(["LSDX-1", "Admtool", "Ibogainex"]) == []
    assert classify_names(["Placebo", "Escitalopram"]) == []


def test_multi_modality_primary_is_first_in_vocabulary_order():
    assert classify_names(["MDMA", "Psilocybin"]) == ["psilocybin", "mdma"]
    custom = {"mdma": ("MDMA",), "psilocybin": ("psilocybin",)}
    assert classify_names(["Psilocybin", "MDMA"], custom) == ["mdma", "psilocybin"]


def test_esketamine_and_arketamine_are_narrower_than_ketamine_5_meo_dmt_than_dmt():
    narrower = narrower_modalities(DEFAULT_VOCABULARY)
    assert narrower["ketamine"] == {"esketamine", "arketamine"}
    assert narrower["dmt"] == {"5-meo-dmt"}
    assert narrower["esketamine"] == set() and narrower["arketamine"] == set()
    assert all(not v for k, v in narrower.items() if k not in {"ketamine", "dmt"})


def test_search_fallback_prefers_the_narrower_search():
    assert modalities_from_searches(["ketamine", "esketamine"]) == ["esketamine"]
    assert modalities_from_searches(["ketamine"]) == ["ketamine"]
    assert modalities_from_searches(["mdma", "psilocybin"]) == ["psilocybin", "mdma"]
    assert modalities_from_searches([]) == []


def test_every_real_intervention_string_gets_its_label():
    rows = _labelled_names()
    assert len(rows) == 41
    wrong = []
    for row in rows:
        label = row["correct_label"]
        expected = [label] if label in DEFAULT_VOCABULARY else []  # "none", out of vocabulary
        got = classify_names([row["name"]])
        if got != expected:
            wrong.append((row["name"], expected, got))
    assert wrong == []


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Conventional therapy + S (+)-Ketamine", "esketamine"),
        ("S+Ketamine", "esketamine"),
        ("S(+)-ketamine hydrochloride", "esketamine"),
        ("Ketanest S", "esketamine"),
        ("R,S-ketamine", "ketamine"),
        ("(R,S)-ketamine", "ketamine"),
        ("Ketalar.", "ketamine"),
        ("SLS-002 intranasal", "ketamine"),
        ("PCN-101", "arketamine"),
        ("R-ketamine", "arketamine"),
        ("5 Methoxy N,N Dimethyltryptamine", "5-meo-dmt"),
        ("GH001 inhaled", "5-meo-dmt"),
        ("GH002", "5-meo-dmt"),
        ("BPL-003", "5-meo-dmt"),
        ("Mebufotenin", "5-meo-dmt"),
        ("Methylone", "methylone"),
        ("TSND-201", "methylone"),
        ("COMP360 psilocybin", "psilocybin"),
        ("CYB003", "psilocybin"),
        ("Psilocybe cubensis", "psilocybin"),
        ("Magic mushrooms", "psilocybin"),
        ("Midomafetamine HCl", "mdma"),
        ("Lysergide", "lsd"),
        ("SPL026", "dmt"),
        ("Noribogaine", "ibogaine"),
    ],
)
def test_code_names_inns_brands_and_enantiomer_spellings(name, label):
    assert classify_names([name]) == [label]


def test_the_bare_dmt_acronym_is_no_term():
    assert "DMT" not in DEFAULT_VOCABULARY["dmt"]
    assert classify_names(["DMT"]) == []
    assert classify_names(["Dance/Movement Therapy (DMT)", "Disease-modifying therapy (DMT)"]) == []
