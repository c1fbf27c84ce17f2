"""Each posted group's role in its trial (active, placebo or unknown) and, when active, the
drug's modality, from the group's title and description and the trial's interventions.

``arm_roles(groups, drugs)`` takes the groups of one outcome measure as (id, title,
description) and the trial's ``TrialDrugs`` (``trial_drugs``) and returns id -> (role,
modality). A placebo arm is never a benchmark, so every doubt ends in 'unknown', never in
'active'. The rules:

1. A title naming a placebo word (placebo, sham, wait-list, treatment as usual, usual care,
   saline, midazolam, niacin, active placebo, control ...) and no drug: 'placebo'.
2. A title naming one drug of the trial's modalities (the modality vocabulary, and the
   trial's own intervention names that name one modality) and no other modality: a
   candidate for 'active'; with a placebo word in its title or description ("Psilocybin 1 mg
   (active placebo)", "Ketamine + treatment as usual", "placebo, then psilocybin") it is a
   control candidate. A drug outside the trial's modalities, or two modalities: 'unknown'.
3. A title naming neither: 'unknown' when it names another of the trial's interventions
   (an active comparator such as escitalopram, a therapy alone), else the description decides
   by rules 1 and 2.
4. When no group of the measure is a placebo and two or more candidates give the same drug,
   the arms differ in dose or in something else. If every one states a dose (``doses``: in
   its title, else its description) in the same unit, the single lowest dose is 'placebo'
   when named a control and 'unknown' otherwise (psilocybin 1 mg is a control more often
   than a treatment), a tie at the lowest is 'unknown', and rule 5 applies to the higher
   doses. Doses stated by some and not others, or in different units: all 'unknown'. No
   dose stated by any: they differ in something else, and rule 5 applies to each.
5. Otherwise a candidate is 'active' and a control candidate 'unknown'.
"""

import functools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY, ModalityMatcher, matcher_for
from benchmark_pipeline.lib.trials.results.doses import dose_of
from benchmark_pipeline.lib.trials.results.phrases import PhraseMatcher, matcher_of

ACTIVE, PLACEBO, UNKNOWN = "active", "placebo", "unknown"

PLACEBO_WORDS = (
    "placebo",
    "placebos",
    "sham",
    "waitlist",
    "wait list",
    "waiting list",
    "treatment as usual",
    "TAU",
    "usual care",
    "standard of care",
    "standard care",
    "saline",
    "midazolam",
    "niacin",
    "diphenhydramine",
    "active placebo",
    "active control",
    "control",
    "controls",
    "no treatment",
    "no intervention",
    "delayed treatment",
    "inactive",
    "dummy",
)
# Words around placebo words that do not make a group a placebo: consumed and ignored.
NEUTRAL_WORDS = ("placebo-controlled", "placebo controlled", "healthy control", "healthy controls")

_PLACEBO, _NEUTRAL, _OTHER = ("placebo",), ("neutral",), ("other",)


@functools.cache
def _fixed_words() -> PhraseMatcher:
    return PhraseMatcher(
        [(w, _PLACEBO) for w in PLACEBO_WORDS] + [(w, _NEUTRAL) for w in NEUTRAL_WORDS]
    )


@dataclass(frozen=True)
class TrialDrugs:
    """What names a trial's drugs: its modalities, the vocabulary, and its own intervention
    names: each that names exactly one modality is that drug, one with a placebo word and no
    modality a placebo, one with neither another treatment (an active comparator)."""

    modalities: frozenset[str]
    vocabulary: ModalityMatcher
    aliases: PhraseMatcher

    def named(self, text: str | None) -> tuple[set[str], bool, bool]:
        """(modalities named in ``text``, whether it names a placebo word, whether it names
        another of the trial's interventions)."""
        if not text:
            return set(), False, False
        found = set(self.vocabulary.modalities_in(text))
        placebo = other = False
        # No alias holds a placebo or neutral word (see trial_drugs): the lists never overlap.
        for item in (*_fixed_words().find(text), *self.aliases.find(text)):
            if item.label == _PLACEBO:
                placebo = True
            elif item.label == _OTHER:
                other = True
            elif item.label != _NEUTRAL:
                found.add(item.label[1])
        return found, placebo, other


def trial_drugs(
    modalities: Iterable[str],
    interventions: Iterable[Mapping[str, object]],
    vocabulary: Mapping[str, Sequence[str]] = DEFAULT_VOCABULARY,
) -> TrialDrugs:
    """The ``TrialDrugs`` of a trial, from its ``modalities`` and ``interventions`` ([{name,
    type, other_names}], as the trials table stores them)."""
    matcher = matcher_for(vocabulary)
    pairs: list[tuple[str, Hashable]] = []
    for item in interventions:
        names = [n for n in (item.get("name"), *(item.get("other_names") or ())) if n]
        named = matcher.classify(names)
        placebo = any(f.label == _PLACEBO for n in names for f in _fixed_words().find(n))
        if len(named) == 1 and not placebo:
            label: Hashable = ("drug", named[0])
        elif not named:
            label = _PLACEBO if placebo else _OTHER
        else:
            continue
        # A name that does not begin with a letter or digit ("(S)-ketamine") is no phrase;
        # one with a placebo word is found by that word (and "placebo-controlled" is not).
        pairs += [(n, label) for n in names if n[:1].isalnum() and not _fixed_words().find(n)]
    return TrialDrugs(frozenset(modalities), matcher, matcher_of(tuple(dict.fromkeys(pairs))))


@dataclass(frozen=True)
class _Candidate:
    group_id: str
    modality: str
    control: bool
    title: str | None
    description: str | None


def _first_pass(
    title: str | None, description: str | None, drugs: TrialDrugs
) -> str | tuple[str, bool]:
    """'placebo', 'unknown', or (modality, named as a control) for a candidate."""
    title_drugs, title_placebo, title_other = drugs.named(title)
    described_drugs, described_placebo, _ = drugs.named(description)
    if not title_drugs and not title_placebo:
        if title_other:
            return UNKNOWN  # an active comparator (escitalopram) or a therapy alone
        title_drugs, title_placebo = described_drugs, described_placebo
        described_drugs, described_placebo = set(), False
    if title_placebo and not title_drugs:
        return PLACEBO
    if len(title_drugs) != 1 or not described_drugs <= title_drugs:
        return UNKNOWN
    (modality,) = title_drugs
    if modality not in drugs.modalities:
        return UNKNOWN
    return modality, title_placebo or described_placebo


def _by_dose(candidates: list[_Candidate]) -> dict[str, str]:
    doses = [dose_of(c.title, c.description) for c in candidates]
    if all(d is None for d in doses):
        return {c.group_id: UNKNOWN if c.control else ACTIVE for c in candidates}
    if any(d is None for d in doses) or len({d[0] for d in doses if d}) > 1:
        return {c.group_id: UNKNOWN for c in candidates}
    lowest = min(d[1] for d in doses if d)
    at_lowest = [c for c, d in zip(candidates, doses, strict=True) if d and d[1] == lowest]
    roles = {}
    for c, d in zip(candidates, doses, strict=True):
        if d and d[1] == lowest:
            roles[c.group_id] = PLACEBO if c.control and len(at_lowest) == 1 else UNKNOWN
        else:
            roles[c.group_id] = UNKNOWN if c.control else ACTIVE
    return roles


def arm_roles(
    groups: Sequence[tuple[str, str | None, str | None]], drugs: TrialDrugs
) -> dict[str, tuple[str, str | None]]:
    """group id -> (role, modality) for the groups of one measure (modality only when active)."""
    roles: dict[str, str] = {}
    candidates: dict[str, list[_Candidate]] = {}
    for group_id, title, description in groups:
        first = _first_pass(title, description, drugs)
        if isinstance(first, str):
            roles[group_id] = first
        else:
            candidate = _Candidate(group_id, *first, title, description)
            candidates.setdefault(first[0], []).append(candidate)
    any_placebo = PLACEBO in roles.values()
    modality_of = {}
    for modality, same in candidates.items():
        if len(same) >= 2 and not any_placebo:
            roles |= _by_dose(same)
        else:
            roles |= {c.group_id: UNKNOWN if c.control else ACTIVE for c in same}
        modality_of |= {c.group_id: modality for c in same}
    return {
        g: (role, modality_of[g] if role == ACTIVE else None)
        for g, role in ((g[0], roles[g[0]]) for g in groups)
    }
