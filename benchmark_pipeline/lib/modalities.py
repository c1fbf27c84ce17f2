"""Psychedelic modalities: the search vocabulary and classification of a trial's interventions.

A trial's modality comes from what it administers (its intervention names and other names),
not from which search happened to return it: an esketamine trial is also returned by a
"ketamine" search, and the search order must not decide its label.

Terms match case-insensitively as whole words (letters and digits are the boundary), a space or
hyphen inside a term matches any run of spaces and hyphens or none ("MM-120" is also "MM120",
"S (+)-ketamine" also "S(+)-Ketamine"), and the longest match starting first wins, so
"R,S-ketamine" is racemic ketamine and never esketamine, "5-MeO-DMT" is never DMT.
"""

import functools
import re
from collections.abc import Iterable, Mapping, Sequence

# The seed vocabulary (searched and classified), in the order that decides a multi-modality
# trial's primary modality. Code names, INNs and brands are listed where registries use them
# alone. The bare acronym DMT is no term: in registry records it mostly means an MS
# disease-modifying therapy or dance/movement therapy.
DEFAULT_VOCABULARY: dict[str, tuple[str, ...]] = {
    "psilocybin": (
        "psilocybin",
        "psilocin",
        "magic mushroom",
        "magic mushrooms",
        "Psilocybe cubensis",
        "COMP360",
        "CYB003",
    ),
    "mdma": (
        "MDMA",
        "3,4-methylenedioxymethamphetamine",
        "methylenedioxymethamphetamine",
        "midomafetamine",
    ),
    "ketamine": ("ketamine", "Ketalar", "SLS-002"),
    "esketamine": ("esketamine", "Spravato", "Ketanest S", "JNJ-54135419"),
    "arketamine": ("arketamine", "PCN-101", "PRT042"),
    "lsd": ("lysergic acid diethylamide", "lysergide", "LSD-25", "LSD", "MM-120"),
    "ayahuasca": ("ayahuasca",),
    "dmt": ("dimethyltryptamine", "N,N-DMT", "SPL026", "DMT fumarate"),
    "5-meo-dmt": (
        "5-MeO-DMT",
        "5-methoxy-N,N-dimethyltryptamine",
        "mebufotenin",
        "GH001",
        "GH002",
        "BPL-003",
    ),
    "ibogaine": ("ibogaine", "noribogaine"),
    "mescaline": ("mescaline", "peyote"),
    "methylone": ("methylone", "TSND-201", "3,4-methylenedioxy-N-methylcathinone"),
}

# Spellings used only to classify. The enantiomers are written with "ketamine" as a word, so
# the "ketamine" search already returns their trials; searching for them adds only noise.
CLASSIFICATION_ALIASES: dict[str, tuple[str, ...]] = {
    "ketamine": ("R,S-ketamine", "(R,S)-ketamine", "RS-ketamine", "(RS)-ketamine"),
    "esketamine": (
        "S-ketamine",
        "(S)-ketamine",
        "S(+)-ketamine",
        "(S)-(+)-ketamine",
        "S-(+)-ketamine",
        "S+ketamine",
    ),
    "arketamine": (
        "R-ketamine",
        "(R)-ketamine",
        "R(-)-ketamine",
        "(R)-(-)-ketamine",
        "R-(-)-ketamine",
    ),
}

# Acronyms that mean the drug only where a registry names an intervention: searched only in the
# intervention name fields (elsewhere "LSD" is also, e.g., a lumbar spinal drain).
INTERVENTION_FIELD_ONLY = frozenset({"LSD"})


_MAX_REMEMBERED = 50_000


def _term_pattern(term: str) -> str:
    # \b fails next to punctuation such as "(S)-" or "N,N-"; letters and digits are the boundary.
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", term.strip()) if p]
    return r"[\s\-]*".join(parts) + r"(?![A-Za-z0-9])"


class ModalityMatcher:
    """One compiled pattern for a vocabulary: every term a group, longest terms first."""

    def __init__(self, vocabulary: Mapping[str, Sequence[str]]) -> None:
        self.order = list(vocabulary)
        terms = [
            (term, modality)
            for modality, own in vocabulary.items()
            for term in (*own, *CLASSIFICATION_ALIASES.get(modality, ()))
        ]
        terms.sort(key=lambda t: -len(t[0]))
        self._modality_of_group = [modality for _, modality in terms]
        alternatives = "|".join(f"({_term_pattern(term)})" for term, _ in terms)
        self._pattern = re.compile(f"(?<![A-Za-z0-9])(?:{alternatives})", re.IGNORECASE)
        # Registries repeat intervention names ("Placebo", "Ketamine") across thousands of trials.
        self._seen: dict[str, frozenset[str]] = {}

    def modalities_in(self, text: str) -> frozenset[str]:
        """Modalities named in one text; each match consumes its characters (longest first)."""
        found = self._seen.get(text)
        if found is None:
            groups = self._modality_of_group
            found = frozenset(groups[m.lastindex - 1] for m in self._pattern.finditer(text))
            if len(self._seen) >= _MAX_REMEMBERED:
                self._seen.clear()
            self._seen[text] = found
        return found

    def classify(self, names: Iterable[str]) -> list[str]:
        """The modalities named in ``names``, in vocabulary order."""
        found: set[str] = set()
        for name in names:
            if name:
                found |= self.modalities_in(name)
        if not found:
            return []
        return [m for m in self.order if m in found]


@functools.lru_cache(maxsize=32)
def _cached_matcher(items: tuple[tuple[str, tuple[str, ...]], ...]) -> ModalityMatcher:
    return ModalityMatcher(dict(items))


def matcher_for(vocabulary: Mapping[str, Sequence[str]]) -> ModalityMatcher:
    """The compiled matcher of ``vocabulary`` (compiled once per distinct vocabulary)."""
    return _cached_matcher(tuple((m, tuple(terms)) for m, terms in vocabulary.items()))


def classify_names(
    names: Iterable[str], vocabulary: Mapping[str, Sequence[str]] = DEFAULT_VOCABULARY
) -> list[str]:
    """The modalities named in ``names`` (intervention names and other names), in vocabulary order.

    Matching is case-insensitive at word boundaries, and a longer match wins over a shorter one
    inside it, so "esketamine" and "S-ketamine" are esketamine and never also ketamine.
    """
    return matcher_for(vocabulary).classify(names)


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
    narrower = _cached_narrower(tuple((m, tuple(t)) for m, t in vocabulary.items()))
    kept = {m for m in hits if not (narrower.get(m, set()) & hits)}
    return [m for m in vocabulary if m in kept] + sorted(kept - set(vocabulary))


@functools.lru_cache(maxsize=32)
def _cached_narrower(items: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, set[str]]:
    return narrower_modalities(dict(items))
