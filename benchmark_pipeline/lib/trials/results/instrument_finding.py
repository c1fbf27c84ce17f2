"""Which instrument an outcome measure reports, from the words of its title (or of its
description when the title is generic), and why not when none.

``find_instrument(title, description)`` returns an ``InstrumentFinding``: the instrument (a
name of ``data/benchmark_instruments.csv``) and the words it was recognised by, or None and,
when the text holds an instrument's words all the same, the reason it was not recognised.

The rules, in order:
1. The title decides when it holds any word of ``instrument_words`` (an instrument, a
   lookalike, a family word or another scale). It names one instrument and nothing else that
   is a scale: recognised. Two instruments, one instrument and a lookalike ("MADRS" and
   "MADRS-S") or another scale ("MADRS and HAM-A"): not recognised, said why.
2. A generic title (``is_generic_title``) hands the decision to the description, by the same
   rule, and the description's instrument must measure what the title speaks of (a title on
   depression does not take a PTSD scale from its description).
3. Any other title: not recognised; an instrument named only in the description is reported.
Words that need a confirming word (``CONFIRMING_WORDS``) are recognised only with it.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from benchmark_pipeline.lib.trials.results.instrument_words import (
    CONFIRMING_WORDS,
    CONSTRUCT_WORDS,
    CONSTRUCTS,
    FAMILY_WORDS,
    INSTRUMENT_WORDS,
    LOOKALIKE_WORDS,
    OTHER_SCALES,
)
from benchmark_pipeline.lib.trials.results.phrases import Found, Suffixed, matcher_of

# Labels of what a phrase is: ("instrument", name), ("lookalike", what, name),
# ("family", name), ("other", phrase), ("confirm", name).
_PAIRS = tuple(
    dict.fromkeys(
        [(w, ("instrument", name)) for name, words in INSTRUMENT_WORDS.items() for w in words]
        + [(w, ("lookalike", *key)) for key, words in LOOKALIKE_WORDS.items() for w in words]
        + [(w, ("family", name)) for name, words in FAMILY_WORDS.items() for w in words]
        + [(w, ("other", w)) for w in OTHER_SCALES]
        + [(w, ("confirm", name)) for name, words in CONFIRMING_WORDS.items() for w in words]
    )
)

# A generic title is made only of these words (and numbers): it says what is measured and
# when, never with what. Construct words (depression, PTSD, alcohol) are generic too, and
# then bind the description's instrument to that construct.
_GENERIC_WORDS = frozenset(
    "change changes from baseline in of the a an to at and on for by with mean total score "
    "scores scale rating severity symptom symptoms disorder primary secondary outcome outcomes "
    "measure measures endpoint efficacy clinical main week weeks day days month months end "
    "treatment reduction improvement level levels time point assessed as use".split()
).union(*CONSTRUCT_WORDS.values())
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class TextWords:
    """The instrument words found in one text, by kind."""

    found: list[Found]
    instruments: dict[str, list[str]] = field(default_factory=dict)
    lookalikes: list[tuple[str, str, str]] = field(default_factory=list)  # what, not, text
    families: list[tuple[str, str]] = field(default_factory=list)  # instrument, text
    others: list[str] = field(default_factory=list)
    confirms: list[str] = field(default_factory=list)

    @property
    def any_scale(self) -> bool:
        return bool(self.instruments or self.lookalikes or self.families or self.others)

    @property
    def near_words(self) -> list[str]:
        """The texts that name (or look like) an instrument of ours."""
        return [
            *(t for texts in self.instruments.values() for t in texts),
            *(t for *_, t in self.lookalikes),
            *(t for _, t in self.families),
        ]


@dataclass(frozen=True)
class InstrumentFinding:
    """``instrument`` and ``match`` ("title: 'MADRS'"), or None and ``why`` not (None when
    the text holds no instrument's words); ``words`` are the instrument words seen."""

    instrument: str | None
    match: str | None
    why: str | None = None
    words: tuple[str, ...] = ()


def words_in(text: str | None, instruments: Collection[str] | None = None) -> TextWords:
    """The instrument words of ``text``; an instrument outside ``instruments`` counts as
    another scale."""
    found = matcher_of(_PAIRS, strict_hyphen=True).find(text)
    words = TextWords(found)
    for item in found:
        if isinstance(item.label, Suffixed):
            # "MADRS-10", "CAPS-V", "PHQ-4": another name built on the words; a hyphenated
            # confirming word is no longer the method it names.
            kind, name = item.label.label[0], item.label.label[-1]
            if kind in ("instrument", "family", "lookalike"):
                words.lookalikes.append(("another version", name, item.text))
            elif kind == "other":
                words.others.append(item.text)
            continue
        kind, *rest = item.label
        if kind == "instrument" and (instruments is None or rest[0] in instruments):
            words.instruments.setdefault(rest[0], []).append(item.text)
        elif kind == "instrument":
            words.others.append(item.text)
        elif kind == "lookalike":
            words.lookalikes.append((rest[0], rest[1], item.text))
        elif kind == "family":
            words.families.append((rest[0], item.text))
        elif kind == "other":
            words.others.append(item.text)
        else:
            words.confirms.append(rest[0])
    return words


def is_generic_title(title: str | None, words: TextWords | None = None) -> bool:
    """True for a title that names no scale and is made only of generic words ("Change in
    Depression Score", "Primary Outcome", "Antidepressant Efficacy"); a missing title too."""
    words = words or words_in(title)
    if words.any_scale:
        return False
    return all(w.isdigit() or w in _GENERIC_WORDS for w in _WORD.findall((title or "").lower()))


def _decide(words: TextWords) -> tuple[str | None, str | None]:
    """(instrument, None) when ``words`` name exactly one instrument and no other scale."""
    names = list(words.instruments)
    if len(names) > 1:
        return None, f"names {len(names)} instruments: {', '.join(names)}"
    if names and words.lookalikes:
        what, _, text = words.lookalikes[0]
        return None, f"names {names[0]} and {what} ('{text}'), a different instrument"
    if names and words.others:
        return None, f"names {names[0]} and another scale, '{words.others[0]}'"
    if names:
        return names[0], None
    if words.lookalikes:
        what, name, text = words.lookalikes[0]
        return None, f"'{text}' is {what}, not {name}"
    if words.families:
        name, text = words.families[0]
        return None, f"'{text}' may mean {name} but does not say which version"
    return None, None


def _construct_clash(title: str | None, instrument: str) -> str | None:
    spoken = set(_WORD.findall((title or "").lower()))
    named = [c for c, ws in CONSTRUCT_WORDS.items() if ws & spoken]
    if named and CONSTRUCTS.get(instrument) not in named:
        return f"the title speaks of {', '.join(named)}, {instrument} does not measure it"
    return None


def _confirmed(name: str, title: TextWords, description: TextWords, texts: list[str]) -> bool:
    """Whether a confirming word of ``name`` is in the title, the description, or the very
    words it was named by ("PHDD-TLFB")."""
    if name in title.confirms + description.confirms:
        return True
    confirming = matcher_of(tuple((w, name) for w in CONFIRMING_WORDS[name]))
    return any(confirming.find(text) for text in texts)


def find_instrument(
    title: str | None, description: str | None, instruments: Collection[str] | None = None
) -> InstrumentFinding:
    """The instrument a measure reports, by the rules of the module docstring."""
    in_title = words_in(title, instruments)
    in_description = words_in(description, instruments)
    seen = tuple(dict.fromkeys(in_title.near_words + in_description.near_words))
    if in_title.any_scale:
        where, words = "title", in_title
    elif is_generic_title(title, in_title):
        where, words = "description", in_description
    else:
        why = None
        if in_description.instruments:
            named = ", ".join(in_description.instruments)
            why = f"the description names {named}, but the title is not generic"
        elif seen:
            why = f"the description names {seen[0]!r}, but the title is not generic"
        return InstrumentFinding(None, None, why, seen)
    name, why = _decide(words)
    if name is not None and where == "description":
        why = _construct_clash(title, name)
    if name is not None and why is None and name in CONFIRMING_WORDS:
        if not _confirmed(name, in_title, in_description, words.instruments[name]):
            wanted = CONFIRMING_WORDS[name][0]
            why = f"names {name}'s quantity but not its method ({wanted})"
    if name is None and why is None and seen:
        why = f"the description names {seen[0]!r}, but the title names '{in_title.others[0]}'"
    if why is not None or name is None:
        return InstrumentFinding(None, None, why, seen)
    texts = ", ".join(repr(t) for t in dict.fromkeys(words.instruments[name]))
    return InstrumentFinding(name, f"{where}: {texts}", None, seen)
