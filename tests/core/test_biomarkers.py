"""Biomarker results as records write them (core/biomarkers.py): the reading rules of
docs/clinical/decisions.md, "Biomarkers as records write them", one row each."""

from __future__ import annotations

import pytest

from osseous.core.biomarkers import read_biomarkers

# (recorded text, canonical positives, canonical negatives, unread?)
TABLE = [
    ("EGFR", {"EGFR"}, set(), False),
    ("egfr", {"EGFR"}, set(), False),
    ("EGFR exon 19 deletion", {"EGFR"}, set(), False),
    ("EGFR-L858R", {"EGFR"}, set(), False),
    ("EGFR negative", set(), {"EGFR"}, False),
    ("EGFR wild-type", set(), {"EGFR"}, False),
    ("EGFR WT", set(), {"EGFR"}, False),
    ("ALK fusion", {"ALK"}, set(), False),
    ("ALK rearrangement", {"ALK"}, set(), False),
    ("ALK-negative", set(), {"ALK"}, False),
    ("BRAF V600E", {"BRAF-V600E"}, set(), False),
    ("BRAF-V600E", {"BRAF-V600E"}, set(), False),
    ("BRAF G469A", {"BRAF"}, set(), False),          # not the actionable variant
    ("KRAS G12C", {"KRAS-G12C"}, set(), False),
    ("KRAS G12D", {"KRAS"}, set(), False),
    ("MET exon 14 skipping", {"MET"}, set(), False),
    ("NTRK1 fusion", {"NTRK"}, set(), False),
    ("ERBB2 exon 20 insertion", {"HER2"}, set(), False),
    ("PD-L1>=50%", {"PD-L1>=50%"}, set(), False),
    ("PD-L1 TPS 80%", {"PD-L1>=50%"}, set(), False),
    ("PDL1 high", {"PD-L1>=50%"}, set(), False),
    ("PD-L1 10%", set(), {"PD-L1>=50%"}, False),
    ("PD-L1 1-49%", set(), {"PD-L1>=50%"}, False),
    ("PD-L1 <50%", set(), {"PD-L1>=50%"}, False),
    ("PD-L1 negative", set(), {"PD-L1>=50%"}, False),
    ("PD-L1 done", set(), set(), True),               # no value: cannot say
    ("ER+/PR+", {"ER", "PR"}, set(), False),
    ("ER positive, PR negative, HER2-", {"ER"}, {"PR", "HER2"}, False),
    ("HER2 3+", {"HER2"}, set(), False),
    ("HER2-low", set(), {"HER2"}, False),
    ("HER2 IHC 0", set(), {"HER2"}, False),
    ("HER2 2+", set(), set(), True),                  # equivocal until ISH
    ("BRCA2 germline", {"BRCA2"}, set(), False),
    ("BRCA mutation", {"BRCA"}, set(), False),
    ("ATM", {"HRR"}, set(), False),
    ("MSI-H", {"MSI-H"}, set(), False),
    ("dMMR", {"MSI-H"}, set(), False),
    ("MSI", set(), set(), True),                      # stable or high? not said
    ("EML4 something odd", set(), set(), True),
    ("x" * 300, set(), set(), True),
    # as pathology and NGS reports write them
    ("ER <1%", set(), {"ER"}, False),
    ("PR 0%", set(), {"PR"}, False),
    ("ER 90% / PR 0% / HER2 1+", {"ER"}, {"PR", "HER2"}, False),
    ("ER low positive (5%)", {"ER"}, set(), False),
    ("ER negative (0%)", set(), {"ER"}, False),
    ("HER2 2+, ISH amplified (ratio 3.1)", {"HER2"}, set(), False),
    ("HER2 2+, ISH not amplified", set(), {"HER2"}, False),
    ("HER2 3+ (ratio 2.0)", {"HER2"}, set(), False),
    ("EGFR, ALK, ROS1, BRAF, KRAS: no alterations detected (NGS)", set(),
     {"EGFR", "ALK", "ROS1", "BRAF", "KRAS"}, False),
    ("EGFR/ALK negative", set(), {"EGFR", "ALK"}, False),
    ("ALK rearrangement not detected", set(), {"ALK"}, False),
    ("EGFR: no mutation detected", set(), {"EGFR"}, False),
    ("KRAS p.G12C mutated", {"KRAS-G12C"}, set(), False),
    ("EGFR exon 19 del, PD-L1 TPS 5%", {"EGFR"}, {"PD-L1>=50%"}, False),
    # no result, or a variant that is not actionable
    ("ROS1: not tested", set(), set(), True),
    ("ALK FISH failed", set(), set(), True),
    ("BRCA2 variant of uncertain significance", set(), {"BRCA2"}, False),
    ("BRCA1 VUS", set(), {"BRCA1"}, False),
    ("ATM: no pathogenic variant detected", set(), {"HRR"}, False),
    ("BRCA2 c.7522G>A variant of uncertain significance (VUS)", set(), {"BRCA2"}, False),
    ("EGFR exon 20 insertion", {"EGFR-ex20ins"}, set(), False),
]


@pytest.mark.parametrize(("text", "positive", "negative", "unread"), TABLE)
def test_reading_table(text: str, positive: set[str], negative: set[str], unread: bool) -> None:
    got = read_biomarkers([text])
    assert set(got.positive) == positive
    assert set(got.negative) == negative
    assert bool(got.unread) == unread


def test_nothing_recorded_is_nothing_known() -> None:
    assert read_biomarkers(None) == read_biomarkers([])
    assert not read_biomarkers(None).positive and not read_biomarkers(None).unread


def test_a_negative_result_wins_over_a_positive_one_for_the_same_marker() -> None:
    got = read_biomarkers(["EGFR", "EGFR negative"])
    assert "EGFR" not in got.positive and got.drivers == ()


def test_drivers_in_guideline_order() -> None:
    assert read_biomarkers(["RET fusion", "egfr"]).drivers == ("EGFR", "RET")


def test_reading_is_linear() -> None:
    import time
    start = time.perf_counter()
    read_biomarkers(["PD-L1 " + "9" * 190] * 50 + ["E" * 199] * 50)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(("biomarkers", "path", "words"), [
    (["EGFR"] * 51, "cancer.biomarkers", "at most 50 items"),
    (["x" * 201], "cancer.biomarkers[0]", "at most 200 characters"),
    ([""], "cancer.biomarkers[0]", "at least 1 character"),
])
def test_biomarker_lists_are_bounded_with_an_error_naming_the_field(
        biomarkers: list[str], path: str, words: str) -> None:
    from osseous.core.errors import InvalidInput
    from osseous.core.validation import parse_case
    with pytest.raises(InvalidInput) as caught:
        parse_case({"format": "osseous.case/1", "cancer": {"biomarkers": biomarkers}})
    assert any(p.path == path and words in p.message for p in caught.value.problems)
