"""Patient-facing texts: reading level, glossary coverage, no prognosis in numbers, and
completeness; plus known values for the Flesch–Kincaid grade."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from osseous.report.patient_texts import (
    FAQ,
    GLOSSARY,
    INVESTIGATIONS,
    TREATMENTS,
    PatientText,
    iter_texts,
)
from osseous.report.readability import (
    TextStatistics,
    count_syllables,
    flesch_kincaid_grade,
    medical_terms,
    text_statistics,
)

MAX_GRADE = 8.0

FAMILIES = (
    "radiotherapy",
    "bone-modifying-agent",
    "interventional",
    "surgery",
    "radiopharmaceutical",
    "systemic-therapy",
    "supportive-care",
)
INVESTIGATION_KEYS = (
    "mri-spine",
    "ct",
    "plain-radiograph",
    "bone-scan",
    "psma-pet",
    "fdg-pet",
    "blood-tests",
    "dental-examination",
    "performance-status",
)

#: words a patient may not know; any of them used in a text needs a glossary entry
MEDICAL_TERMS = (
    "metastasis", "metastases", "vertebra", "vertebrae", "spinal cord", "spine",
    "cauda equina", "compression", "decompression", "MESCC", "radiotherapy", "radiation",
    "radiation oncologist", "fraction", "SBRT", "EBRT", "stereotactic", "bisphosphonate",
    "denosumab", "zoledronic acid", "pamidronate", "osteonecrosis",
    "osteonecrosis of the jaw", "ONJ", "kyphoplasty", "vertebroplasty", "cementoplasty",
    "ablation", "radiofrequency", "cryoablation", "radium-223", "samarium", "strontium",
    "lutetium", "radioactive", "radiopharmaceutical", "PSMA", "PET", "FDG", "MRI", "CT",
    "X-ray", "radiograph", "bone scan", "tracer", "dye", "contrast", "oncologist",
    "radiologist", "surgeon", "physiotherapist", "palliative", "palliative care",
    "hypercalcaemia", "hypocalcaemia", "calcium", "vitamin D", "opioid", "morphine",
    "analgesic", "laxative", "constipation", "steroid", "dexamethasone", "biopsy",
    "tumour board", "SINS", "Mirels", "Mirels score", "ECOG", "performance status",
    "kidney", "kidney function", "creatinine", "albumin", "blood count", "haemoglobin",
    "platelets", "neutrophils", "chemotherapy", "immunotherapy", "hormone therapy",
    "targeted therapy", "hormone", "immune system", "abiraterone", "prednisone",
    "castration-resistant", "prostate", "gland", "anaesthetic", "sedation", "infection",
    "blood clot", "injection", "intravenous", "subcutaneous", "drip", "vein", "nerve",
    "bladder", "bowel", "pelvis", "skeleton", "fracture", "pathological fracture",
    "fixation", "prosthesis", "lesion", "lytic", "myelopathy", "neurological", "visceral",
    "oligometastatic", "prognosis", "diabetes", "pacemaker",
)


def _texts() -> list[tuple[str, str]]:
    return list(iter_texts())


# ---- (e) completeness ------------------------------------------------------------------------


def test_all_treatment_families_and_investigations_are_present() -> None:
    assert set(TREATMENTS) == set(FAMILIES)
    assert set(INVESTIGATIONS) == set(INVESTIGATION_KEYS)


@pytest.mark.parametrize(
    ("key", "entry"),
    [*TREATMENTS.items(), *INVESTIGATIONS.items()],
    ids=[*TREATMENTS, *INVESTIGATIONS],
)
def test_every_field_is_filled(key: str, entry: PatientText) -> None:
    names = [f.name for f in fields(entry)]
    assert names == [
        "title", "what_it_is", "why_offered", "how_it_is_done", "what_to_expect",
        "common_side_effects", "what_to_report",
    ]
    for name in names:
        value = getattr(entry, name)
        assert isinstance(value, str)
        assert value.strip(), f"{key}.{name} is empty"
        assert value == value.strip(), f"{key}.{name} has stray white space"
        assert "  " not in value, f"{key}.{name} has a double space"


def test_entries_are_immutable() -> None:
    entry = TREATMENTS["surgery"]
    with pytest.raises(AttributeError):
        entry.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        TREATMENTS["surgery"] = entry  # type: ignore[index]
    with pytest.raises(TypeError):
        GLOSSARY["new"] = "text"  # type: ignore[index]


def test_faq_covers_the_required_questions() -> None:
    questions = " | ".join(q.lower() for q, _ in FAQ)
    for needle in ("cured", "hurt", "walk", "scores", "blood tests", "tumour board",
                   "say no"):
        assert needle in questions, needle
    for question, answer in FAQ:
        assert question.strip().endswith("?")
        assert answer.strip()


def test_scores_answer_says_estimates_for_groups_not_a_prediction() -> None:
    (answer,) = [a for q, a in FAQ if "scores" in q.lower()]
    lowered = answer.lower()
    assert "may explain" in lowered
    assert "estimates for groups" in lowered
    assert "not a prediction for one person" in lowered


def test_texts_are_unique_per_key() -> None:
    keys = [k for k, _ in _texts()]
    assert len(keys) == len(set(keys))


# ---- (a) reading level -----------------------------------------------------------------------


@pytest.mark.parametrize(("where", "text"), _texts(), ids=[k for k, _ in _texts()])
def test_text_is_at_or_below_grade_eight(where: str, text: str) -> None:
    grade = flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"{where}: grade {grade:.2f} > {MAX_GRADE}: {text!r}"


def test_no_abbreviations_that_would_distort_sentence_counts() -> None:
    # "e.g." and the like would each add a false sentence end and flatter the grade
    pattern = re.compile(r"\b(?:e\.g|i\.e|etc|approx|vs|Dr|Mr|Mrs|Ms)\.", re.IGNORECASE)
    offenders = [k for k, t in _texts() if pattern.search(t)]
    assert not offenders


# ---- (b) known values of the formula ---------------------------------------------------------


def test_grade_of_a_one_syllable_sentence() -> None:
    # "The cat sat on the mat."  6 words, 1 sentence, 6 syllables (one each).
    # 0.39 * 6/1 + 11.8 * 6/6 - 15.59 = 2.34 + 11.8 - 15.59 = -1.45
    text = "The cat sat on the mat."
    assert text_statistics(text) == TextStatistics(words=6, sentences=1, syllables=6)
    assert flesch_kincaid_grade(text) == pytest.approx(-1.45)


def test_grade_of_two_sentences_with_a_long_word() -> None:
    # "Radiotherapy can ease the pain. It is given in a few short visits."
    # sentence 1: ra-di-o-ther-a-py (6) can (1) ease (1) the (1) pain (1)  -> 5 words, 10 syl
    # sentence 2: it (1) is (1) gi-ven (2) in (1) a (1) few (1) short (1) vi-sits (2)
    #                                                                      -> 8 words, 10 syl
    # total 13 words, 2 sentences, 20 syllables:
    # 0.39 * 13/2 + 11.8 * 20/13 - 15.59 = 2.535 + 18.153846 - 15.59 = 5.098846
    text = "Radiotherapy can ease the pain. It is given in a few short visits."
    assert text_statistics(text) == TextStatistics(words=13, sentences=2, syllables=20)
    assert flesch_kincaid_grade(text) == pytest.approx(5.098846, abs=1e-6)


def test_grade_with_a_silent_ending_and_a_hyphenated_word() -> None:
    # "The bones were fixed with X-rays."
    # the (1) bones (1, silent "es") were (1, silent "e") fixed (1, silent "ed") with (1)
    # X-rays (one hyphenated word: X 1 + rays 1 = 2)  -> 6 words, 1 sentence, 7 syllables
    # 0.39 * 6 + 11.8 * 7/6 - 15.59 = 2.34 + 13.766667 - 15.59 = 0.516667
    text = "The bones were fixed with X-rays."
    assert text_statistics(text) == TextStatistics(words=6, sentences=1, syllables=7)
    assert flesch_kincaid_grade(text) == pytest.approx(0.516667, abs=1e-6)


def test_sentence_ends_and_numbers() -> None:
    # the point in "3.5" ends no sentence; "?" and "!" do; a last fragment with no end mark
    # counts as a sentence: "It is 3.5 cm wide." | "Is it sore?" | "Yes!" | "Tell us"
    # words: it is 3.5 cm wide is it sore yes tell us = 11; syllables: "3.5" has two digits
    # (2), every other word 1 -> 12
    # 0.39 * 11/4 + 11.8 * 12/11 - 15.59 = 1.0725 + 12.872727 - 15.59 = -1.644773
    text = "It is 3.5 cm wide. Is it sore? Yes! Tell us"
    assert text_statistics(text) == TextStatistics(words=11, sentences=4, syllables=12)
    assert flesch_kincaid_grade(text) == pytest.approx(-1.644773, abs=1e-6)


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("bone", 1), ("table", 2), ("bones", 1), ("cases", 2), ("used", 1), ("needed", 2),
        ("safely", 2), ("radiation", 4), ("biopsy", 3), ("quality", 3), ("usual", 3),
        ("calcium", 3), ("radiotherapy", 6), ("X-rays", 2), ("don't", 1), ("yes", 1),
        ("every", 3), ("24", 2), ("a", 1),
    ],
)
def test_syllable_heuristic(word: str, syllables: int) -> None:
    assert count_syllables(word) == syllables


def test_grade_of_empty_text_is_an_error() -> None:
    with pytest.raises(ValueError):
        flesch_kincaid_grade(" ... ")


# ---- (c) glossary ----------------------------------------------------------------------------


def test_term_list_is_long_enough_and_in_use() -> None:
    assert len(set(MEDICAL_TERMS)) >= 30
    used = set().union(*(medical_terms(t, MEDICAL_TERMS) for _, t in _texts()))
    # the coverage test below must have something to bite on
    assert len(used) >= 30, sorted(used)


def test_every_medical_term_used_has_a_glossary_entry() -> None:
    vocabulary = set(MEDICAL_TERMS) | set(GLOSSARY)
    missing: dict[str, list[str]] = {}
    for where, text in _texts():
        for term in medical_terms(text, vocabulary):
            if term not in GLOSSARY:
                missing.setdefault(term, []).append(where)
    assert not missing, missing


def test_glossary_entries_are_plain_sentences() -> None:
    for term, explanation in GLOSSARY.items():
        assert term.strip() == term and term
        assert explanation.endswith("."), term
        # an explanation that only repeats its own term explains nothing
        assert explanation.lower().strip(". ") != term.lower()


def test_medical_terms_prefers_the_longer_phrase() -> None:
    terms = {"palliative", "palliative care", "care", "X-ray", "CT"}
    assert medical_terms("Palliative care helps.", terms) == {"palliative care"}
    assert medical_terms("Two X-rays and a CT scan.", terms) == {"X-ray", "CT"}
    # an abbreviation keeps its capitals; a plain word does not need them
    assert medical_terms("a strict diet", {"CT"}) == set()
    assert medical_terms("Care matters.", {"care"}) == {"care"}


# ---- (d) no prognosis in numbers -------------------------------------------------------------

_NUMERIC_PROGNOSIS = re.compile(
    r"\d\s*%|\bper\s?cent\b|\b(?:days|weeks|months|years)\s+to\s+live\b|"
    r"\blife\s+expectancy\b|\bsurvival\s+(?:rate|time|chance)\b|\bmedian\b|"
    r"\bchance\s+of\s+(?:survival|surviving)\b|\bout\s+of\s+(?:\d+|ten|a\s+hundred)\b",
    re.IGNORECASE,
)


def test_no_text_gives_prognosis_in_numbers() -> None:
    offenders = {k: t for k, t in _texts() if _NUMERIC_PROGNOSIS.search(t)}
    assert not offenders


def test_no_digits_other_than_in_drug_names() -> None:
    # numbers in a patient text invite reading them as odds; only a name such as radium-223
    # may carry digits
    for where, text in _texts():
        stripped = re.sub(r"(?i)radium-223", "", text)
        assert not re.search(r"\d", stripped), where


def test_the_prognosis_check_would_catch_numbers() -> None:
    for bad in ("About 40% of people", "six months to live", "a survival rate of half",
                "the median is short", "one out of ten"):
        assert _NUMERIC_PROGNOSIS.search(bad), bad
