from benchmark_pipeline.lib.modalities import (
    DEFAULT_VOCABULARY,
    classify_names,
    modalities_from_searches,
    narrower_modalities,
)


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
    assert classify_names(["Psilocybin 25 mg", "Niacin"]) == ["psilocybin"]
    assert classify_names(["3,4-methylenedioxymethamphetamine"]) == ["mdma"]
    # Inside another word a term is not a match.
    assert classify_names(["LSDX-1", "Admtool", "Ibogainex"]) == []
    assert classify_names(["Placebo", "Escitalopram"]) == []


def test_multi_modality_primary_is_first_in_vocabulary_order():
    assert classify_names(["MDMA", "Psilocybin"]) == ["psilocybin", "mdma"]
    custom = {"mdma": ("MDMA",), "psilocybin": ("psilocybin",)}
    assert classify_names(["Psilocybin", "MDMA"], custom) == ["mdma", "psilocybin"]


def test_esketamine_is_narrower_than_ketamine():
    narrower = narrower_modalities(DEFAULT_VOCABULARY)
    assert narrower["ketamine"] == {"esketamine"}
    assert narrower["esketamine"] == set()
    assert all(not v for k, v in narrower.items() if k != "ketamine")


def test_search_fallback_prefers_the_narrower_search():
    assert modalities_from_searches(["ketamine", "esketamine"]) == ["esketamine"]
    assert modalities_from_searches(["ketamine"]) == ["ketamine"]
    assert modalities_from_searches(["mdma", "psilocybin"]) == ["psilocybin", "mdma"]
    assert modalities_from_searches([]) == []
