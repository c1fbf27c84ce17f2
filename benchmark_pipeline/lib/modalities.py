"""Psychedelic modalities: the search vocabulary and classification of a trial's interventions.

A trial's modality comes from what it administers (its intervention names and other names),
not from which search happened to return it: an esketamine trial is also returned by a
"ketamine" search, and the search order must not decide its label.
"""

import re
from collections.abc import Iterable, Mapping, Sequence

# The seed vocabulary, in the order that decides a multi-modality trial's primary modality.
DEFAULT_VOCABULARY: dict[str, tuple[str, ...]] = {
    "psilocybin": ("psilocybin", "psilocin", "magic mushroom"),
    "mdma": ("MDMA", "3,4-methylenedioxymethamphetamine", "methylenedioxymethamphetamine"),
    "ketamine": ("ketamine",),
    "esketamine": ("esketamine", "Spravato"),
    "lsd": ("lysergic acid diethylamide", "LSD-25", "LSD"),
    "ayahuasca": ("ayahuasca",),
    "dmt": ("dimethyltryptamine", "DMT", "N,N-DMT"),
    "ibogaine": ("ibogaine",),
    "mescaline": ("mescaline", "peyote"),
}

# Names registries use for esketamine that contain the word "ketamine"; used only to classify
# (searching for them adds nothing: the "esketamine"/"ketamine" searches already return them).
CLASSIFICATION_ALIASES: dict[str, tuple[str, ...]] = {
    "esketamine": ("S-ketamine", "(S)-ketamine", "S(+)-ketamine"),
}


def _term_pattern(term: str) -> str:
    # \b fails next to punctuation such as "(S)-" or "N,N-"; letters and digits are the boundary.
    return rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])"


def _matches(text: str, vocabulary: Mapping[str, Sequence[str]]) -> list[tuple[int, int, str]]:
    """Every (start, end, modality) where a term occurs in ``text``, case-insensitively."""
    found = []
    for modality, terms in vocabulary.items():
        for term in (*terms, *CLASSIFICATION_ALIASES.get(modality, ())):
            for m in re.finditer(_term_pattern(term), text, flags=re.IGNORECASE):
                found.append((m.start(), m.end(), modality))
    return found


def _longest_non_overlapping(found: list[tuple[int, int, str]]) -> set[str]:
    """Modalities of the matches not inside a longer match ("S-ketamine" hides its "ketamine")."""
    kept: list[tuple[int, int, str]] = []
    for start, end, modality in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, modality))
    return {modality for _, _, modality in kept}


def classify_names(
    names: Iterable[str], vocabulary: Mapping[str, Sequence[str]] = DEFAULT_VOCABULARY
) -> list[str]:
    """The modalities named in ``names`` (intervention names and other names), in vocabulary order.

    Matching is case-insensitive at word boundaries, and a longer match wins over a shorter one
    inside it, so "esketamine" and "S-ketamine" are esketamine and never also ketamine.
    """
    found: set[str] = set()
    for name in names:
        if name:
            found |= _longest_non_overlapping(_matches(name, vocabulary))
    return [m for m in vocabulary if m in found]


def narrower_modalities(vocabulary: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """For each modality, the others whose terms contain one of its terms ("esketamine" > "ketamine").

    A trial returned by both such searches belongs to the narrower one.
    """
    narrower: dict[str, set[str]] = {m: set() for m in vocabulary}
    for broad, broad_terms in vocabulary.items():
        for narrow, narrow_terms in vocabulary.items():
            if narrow != broad and any(
                b.lower() in n.lower() for b in broad_terms for n in narrow_terms
            ):
                narrower[broad].add(narrow)
    return narrower


def modalities_from_searches(
    found_by: Iterable[str], vocabulary: Mapping[str, Sequence[str]] = DEFAULT_VOCABULARY
) -> list[str]:
    """The fallback when no intervention names a modality: the searches that returned the trial.

    A broader search is dropped when a narrower one also returned the trial.
    """
    hits = set(found_by)
    narrower = narrower_modalities(vocabulary)
    kept = {m for m in hits if not (narrower.get(m, set()) & hits)}
    return [m for m in vocabulary if m in kept] + sorted(kept - set(vocabulary))
