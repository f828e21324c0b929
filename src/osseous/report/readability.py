"""Readability of patient-facing text: the Flesch–Kincaid grade level.

The grade is the standard formula

    grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59

computed on counts that this module defines exactly, so that a given text always gets the
same grade:

**Words.** A word is a run of letters or digits; an apostrophe or a hyphen *between* two such
runs joins them into one word ("don't" and "X-rays" are one word each), and so does a decimal
point or comma between digits ("3.5" is one word). Every other character separates words.
Joining hyphenated parts into one word is the stricter choice: it keeps the word count down
and so keeps the syllables per word up.

**Sentences.** A sentence ends at a run of ``.``, ``!`` or ``?`` that is followed by white
space or by the end of the text (so the point in "3.5" ends nothing). Text after the last end
mark, if it holds a word, counts as one more sentence; a text with words and no end mark is one
sentence.

**Syllables** (per hyphen-separated part of a word, then summed; see :func:`count_syllables`):

1. A number (digits, with any decimal point or comma) counts one syllable per digit.
2. Otherwise only the letters are kept, in lower case. A part of at most three letters is
   one syllable.
3. Count the runs of vowels, where the vowels are ``a e i o u`` and ``y`` (a leading ``y`` is
   a consonant).
4. Add one for each vowel pair that is usually said as two syllables: ``iu``, ``ia`` and
   ``io`` (except after ``t s c g x``, as in *-tion*, *-sion*, *-cial*, *-gion*) and ``ua``
   (except after ``q`` or ``g``, as in *quality*, *language*).
5. Take one off (at most one) for a silent ending:
   a final ``e`` after a consonant, but not a final consonant + ``le`` (*bone*, not *table*);
   a final ``es`` after a consonant other than ``s x z c g`` and not after ``ch``/``sh``
   (*bones*, not *cases*);
   a final ``ed`` after a consonant other than ``t d`` (*used*, not *needed*);
   a consonant + ``e`` just before the suffix ``ly``, ``ful``, ``ment``, ``ness`` or ``less``
   (*safely*, *statement*).
6. Every part has at least one syllable.

Like every syllable heuristic it is approximate: it can miss a syllable (*treated* counts two)
or add one (*million* counts three). It is fixed so that grades can be compared over time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

__all__ = [
    "TextStatistics",
    "count_syllables",
    "flesch_kincaid_grade",
    "medical_terms",
    "text_statistics",
]

_WORD: Final = re.compile(r"[A-Za-z0-9]+(?:(?:['’\-]|(?<=\d)[.,](?=\d))[A-Za-z0-9]+)*")
_SENTENCE_END: Final = re.compile(r"[.!?]+(?=\s|$)")
_VOWEL_RUN: Final = re.compile(r"[aeiouy]+")
_VOWELS: Final = frozenset("aeiouy")
_SILENT_E_SUFFIXES: Final = ("ly", "ful", "ment", "ness", "less")
#: vowel pairs said as two syllables, and the letters after which they are not
_HIATUS: Final[dict[str, frozenset[str]]] = {
    "iu": frozenset(),
    "ia": frozenset("tscgx"),
    "io": frozenset("tscgx"),
    "ua": frozenset("qg"),
}


@dataclass(frozen=True, slots=True)
class TextStatistics:
    """The counts behind a Flesch–Kincaid grade."""

    words: int
    sentences: int
    syllables: int


def _is_consonant(char: str) -> bool:
    return char.isalpha() and char not in _VOWELS


def _silent_e(stem: str) -> bool:
    """Whether ``stem`` ends in a consonant + ``e`` whose ``e`` is not said."""
    if len(stem) < 3 or stem[-1] != "e" or not _is_consonant(stem[-2]):
        return False
    # a final consonant + "le" is its own syllable: table, able, simple
    return not (stem[-2] == "l" and _is_consonant(stem[-3]))


def _hiatus_count(part: str) -> int:
    """Vowel pairs usually said as two syllables (rule 4 of the module docstring)."""
    extra = 0
    for i in range(len(part) - 1):
        exempt_after = _HIATUS.get(part[i : i + 2])
        if exempt_after is not None and (i == 0 or part[i - 1] not in exempt_after):
            extra += 1
    return extra


def _silent_endings(part: str) -> int:
    """Silent endings (rule 5 of the module docstring): 0 or 1."""
    if _silent_e(part):
        return 1
    if part.endswith("es") and len(part) > 3 and _is_consonant(part[-3]):
        if part[-3] not in set("sxzcg") and not part.endswith(("ches", "shes")):
            return 1
        return 0
    if part.endswith("ed") and len(part) > 3 and _is_consonant(part[-3]):
        return 0 if part[-3] in {"t", "d"} else 1
    for suffix in _SILENT_E_SUFFIXES:
        if part.endswith(suffix) and _silent_e(part[: -len(suffix)]):
            return 1
    return 0


def _part_syllables(raw: str) -> int:
    digits = sum(ch.isdigit() for ch in raw)
    if digits and all(ch.isdigit() or ch in ".," for ch in raw):
        return digits
    part = "".join(ch for ch in raw.lower() if "a" <= ch <= "z")
    if not part:
        return 0
    if len(part) <= 3:
        return 1
    core = part[1:] if part[0] == "y" else part
    count = len(_VOWEL_RUN.findall(core)) + _hiatus_count(part) - _silent_endings(part)
    return max(count, 1)


def count_syllables(word: str) -> int:
    """Syllables in one word by the documented heuristic (hyphenated parts are summed)."""
    return sum(_part_syllables(part) for part in word.split("-") if part)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _sentences(text: str) -> int:
    ends = list(_SENTENCE_END.finditer(text))
    tail = text[ends[-1].end():] if ends else text
    return len(ends) + (1 if _WORD.search(tail) else 0)


def text_statistics(text: str) -> TextStatistics:
    """Word, sentence and syllable counts of ``text`` as defined in the module docstring."""
    words = _words(text)
    return TextStatistics(
        words=len(words),
        sentences=_sentences(text),
        syllables=sum(count_syllables(w) for w in words),
    )


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch–Kincaid grade level of ``text``.

    Raises ``ValueError`` for a text without words, whose grade is undefined.
    """
    stats = text_statistics(text)
    if stats.words == 0:
        raise ValueError("a text without words has no reading grade")
    return (0.39 * stats.words / stats.sentences
            + 11.8 * stats.syllables / stats.words
            - 15.59)


def _term_pattern(term: str) -> re.Pattern[str]:
    """A whole-word pattern for ``term``, allowing a plural ``s`` or ``es``.

    A term with a capital letter (an abbreviation such as "CT" or "SINS") is matched with its
    case as written; any other term is matched regardless of case.
    """
    words = [re.escape(w) for w in term.split()]
    body = r"[\s\-]+".join(words)
    flags = 0 if any(ch.isupper() for ch in term) else re.IGNORECASE
    return re.compile(rf"(?<!\w){body}(?:e?s)?(?!\w)", flags)


def medical_terms(text: str, glossary: Iterable[str] | Mapping[str, str]) -> set[str]:
    """The glossary terms that occur in ``text`` (whole words, with an optional plural).

    Longer terms are matched first and claim the text they cover, so "palliative care" in the
    text yields the term "palliative care" and not also "palliative" (when both are listed).
    """
    claimed: list[tuple[int, int]] = []
    found: set[str] = set()
    for term in sorted(set(glossary), key=lambda t: (-len(t), t)):
        for match in _term_pattern(term).finditer(text):
            start, end = match.span()
            if any(start < c_end and c_start < end for c_start, c_end in claimed):
                continue
            claimed.append((start, end))
            found.add(term)
    return found
