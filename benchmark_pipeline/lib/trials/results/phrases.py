"""Whole-word phrases found in registry text: each phrase stands for a label, found case-blind.

A ``PhraseMatcher`` is built from (phrase, label) pairs; each phrase begins with a letter or
digit. A phrase matches only as whole words (letters and digits are the boundary), and a
space, hyphen or dash inside it matches any run of them or none, so "PHQ-9" is also "PHQ 9"
and "PHQ9", "Montgomery-Åsberg" also "Montgomery–Åsberg"; a comma matches only where the
phrase has one. The longest phrase starting first wins, and its characters are consumed:
"GRID-HAMD-17" is never also "HAMD-17".

With ``strict_hyphen``, a phrase followed by a hyphen and more letters or digits is another
name ("MADRS-S", "CAPS-IV", "PHQ-15"): it is found as ``Suffixed(label)`` with the whole
hyphenated text, unless the suffix is a common word ("PHQ-9-item", "MADRS-based").
"""

import functools
import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"
_INSIDE = f"[\\s{_DASHES}]*"
_INSIDE_COMMA = f"[\\s{_DASHES},]*"
_BEFORE = "(?<![A-Za-z0-9])"
_AFTER = "(?![A-Za-z0-9])"
# Words a name may be hyphenated to without becoming another name.
_PLAIN_SUFFIX = re.compile(
    f"[{_DASHES}](?:items?|based|defined|derived|rated|assessed|measured|total|scores?|scale)"
    f"{_AFTER}",
    re.IGNORECASE,
)
_SUFFIX = f"(?:[{_DASHES}][A-Za-z0-9]+)+"
_WORD = re.compile(r"[^\W_]*")
_WORD_STARTS = re.compile(f"{_BEFORE}(?=[^\\W_])")


@dataclass(frozen=True)
class Suffixed:
    """A phrase found with a hyphenated suffix that makes it another name."""

    label: Hashable


@dataclass(frozen=True)
class Found:
    """One phrase found: its label (or ``Suffixed(label)``) and the text it matched."""

    label: Hashable
    text: str


def _pattern(phrase: str) -> str:
    # Odd items are the separators between words (split keeps them: one capturing group).
    pieces = re.split(f"([\\s{_DASHES},]+)", phrase.strip())
    return "".join(
        re.escape(p) if i % 2 == 0 else (_INSIDE_COMMA if "," in p else _INSIDE)
        for i, p in enumerate(pieces)
    )


class PhraseMatcher:
    """Compiled patterns for (phrase, label) pairs, longest phrases first."""

    def __init__(self, pairs: Iterable[tuple[str, Hashable]], *, strict_hyphen: bool = False):
        ordered = sorted(pairs, key=lambda pair: -len(pair[0]))
        self._labels: list[Hashable] = []
        self._strict = strict_hyphen
        # One pattern per first word: Python's regex engine tries alternatives one by one,
        # so each is tried only where a word begins as its phrases begin.
        by_first: dict[str, list[str]] = {}
        for place, (phrase, label) in enumerate(ordered):
            first = _WORD.match(phrase.strip()).group().lower()
            if not first:
                raise ValueError(f"a phrase begins with a letter or digit: {phrase!r}")
            suffix = f"(?P<s{place}>{_SUFFIX})?" if strict_hyphen else ""
            # The group's name is the phrase's place in the longest-first order.
            form = f"(?P<a{place}>{_pattern(phrase)}){suffix}{_AFTER}"
            by_first.setdefault(first, []).append(form)
            self._labels.append(label)
        self._patterns = {
            first: re.compile(f"{_BEFORE}(?:{'|'.join(forms)})", re.IGNORECASE)
            for first, forms in by_first.items()
        }
        self._lengths = sorted({len(first) for first in by_first})
        self._initials = frozenset(first[0] for first in by_first)

    def _match(self, text: str, at: int) -> tuple[Found, int] | None:
        """The longest-first phrase matching at ``at``, and where its text ends."""
        word = _WORD.match(text, at).group().lower()
        best = None
        for n in self._lengths:
            pattern = self._patterns.get(word[:n]) if n <= len(word) else None
            m = pattern.match(text, at) if pattern else None
            if m is not None and (best is None or int(m.lastgroup[1:]) < best[0]):
                best = (int(m.lastgroup[1:]), m)
        if best is None:
            return None
        place, m = best
        label, name = self._labels[place], f"a{place}"
        suffix = m.group(f"s{place}") if self._strict else None
        if suffix is not None and _PLAIN_SUFFIX.match(suffix):
            return Found(label, m.group(name)), m.end(name)  # "PHQ-9-item" is the PHQ-9
        if suffix is not None:
            return Found(Suffixed(label), m.group()), m.end()
        return Found(label, m.group()), m.end()

    def find(self, text: str | None) -> list[Found]:
        """Every phrase in ``text``, left to right; [] for no text."""
        if not text:
            return []
        text = unicodedata.normalize("NFC", text)
        found, end = [], 0
        for start in _WORD_STARTS.finditer(text):
            if start.start() < end or text[start.start()].lower() not in self._initials:
                continue
            best = self._match(text, start.start())
            if best is not None:
                found.append(best[0])
                end = best[1]
        return found


@functools.lru_cache(maxsize=4096)
def matcher_of(
    pairs: tuple[tuple[str, Hashable], ...], strict_hyphen: bool = False
) -> PhraseMatcher:
    """The compiled matcher of ``pairs`` (compiled once per distinct tuple)."""
    return PhraseMatcher(pairs, strict_hyphen=strict_hyphen)
