"""Reading the biomarkers a case records, as laboratories and EHRs write them.

The case format lists biomarkers as strings (``EGFR``, ``PD-L1>=50%``, ``BRCA2``...), but real
records say "EGFR exon 19 deletion", "egfr L858R", "ALK fusion", "ER positive", "HER2 negative"
or "PD-L1 TPS 80%". A plan that matched the exact spelling would read an EGFR-mutant lung cancer
as driver-negative and offer immunotherapy, which is the wrong first line (ESMO 2023 oncogene-
addicted NSCLC guideline). This module turns each string into a canonical marker with a sign, and
keeps what it cannot read so the plan can ask rather than guess.

Reading rules (docs/clinical/decisions.md, "Biomarkers as records write them"):

- a gene name is recognised case-insensitively as a word, whatever follows it (a variant, an
  exon, "fusion", "rearrangement", "mutation", "amplification");
- "negative", "neg", "not detected", "wild-type"/"wt", "absent" or a trailing "-" make the marker
  negative; "positive", "pos", "detected" or a trailing "+" (or nothing) make it positive;
- BRAF counts as the actionable driver only for V600E, KRAS only for G12C (the variants with
  approved targeted therapy in the ESMO guideline); other BRAF/KRAS variants are read but are not
  drivers;
- HER2 "low", "0", "1+" and "2+" without amplification are HER2-negative for HER2-directed
  therapy of breast cancer (ASCO/CAP 2023 HER2 testing update: positive is IHC 3+ or ISH
  amplified); "2+" alone is equivocal and stays unread;
- PD-L1 is read as a tumour proportion score: ">=50%", "high" or any percentage of 50 or more
  is high; a lower percentage or "negative" is not high.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from osseous.core.case import BIOMARKER_LENGTH

#: genes whose alteration is an actionable driver in NSCLC (ESMO 2023 oncogene-addicted NSCLC)
#: with the variant that makes BRAF and KRAS actionable
NSCLC_DRIVERS: Final = ("EGFR", "EGFR-ex20ins", "ALK", "ROS1", "BRAF-V600E", "MET", "RET",
                        "NTRK", "KRAS-G12C", "HER2", "NRG1")
#: drivers whose targeted therapy is a first-line treatment (ESMO 2023 oncogene-addicted NSCLC);
#: KRAS G12C and HER2-mutant inhibitors (sotorasib, adagrasib, trastuzumab deruxtecan) and NRG1
#: fusions are treated after a first line, which is then immunotherapy-based
FIRST_LINE_DRIVERS: Final = ("EGFR", "EGFR-ex20ins", "ALK", "ROS1", "BRAF-V600E", "MET", "RET",
                             "NTRK")

#: every gene or marker name this reader knows, with the spellings that name it
_NAMES: Final = {
    "EGFR": "EGFR", "ALK": "ALK", "ROS1": "ROS1", "BRAF": "BRAF", "MET": "MET", "RET": "RET",
    "NTRK": "NTRK", "NTRK1": "NTRK", "NTRK2": "NTRK", "NTRK3": "NTRK", "KRAS": "KRAS",
    "HER2": "HER2", "ERBB2": "HER2", "NRG1": "NRG1", "BRCA1": "BRCA1", "BRCA2": "BRCA2",
    "BRCA": "BRCA",
    "HRR": "HRR", "HRD": "HRR", "ATM": "HRR", "PALB2": "HRR", "CHEK2": "HRR", "CDK12": "HRR",
    "MSI": "MSI-H", "MSIH": "MSI-H", "DMMR": "MSI-H", "ER": "ER", "PR": "PR", "PGR": "PR",
    "PDL1": "PD-L1", "PIK3CA": "PIK3CA", "ESR1": "ESR1", "TMB": "TMB",
}
_NEGATIVE: Final = re.compile(
    r"\b(NEGATIVE|NEG|NOT DETECTED|UNDETECTED|WILD[ -]?TYPE|WT|ABSENT|NO MUTATIONS?|"
    r"NO ALTERATIONS?|NOT IDENTIFIED|NONE DETECTED|NOT AMPLIFIED|NON[ -]?AMPLIFIED|"
    r"NO PATHOGENIC|NO [A-Z ]{0,40}DETECTED)\b")
#: results that say nothing about the marker (not tested, failed) or that a variant is not
#: actionable (of uncertain significance, benign): not read as positive
_NOT_A_RESULT: Final = re.compile(
    r"\b(NOT TESTED|NOT DONE|NOT PERFORMED|PENDING|FAILED|INSUFFICIENT|QNS|NOT EVALUABLE|"
    r"UNKNOWN)\b")
_NOT_ACTIONABLE: Final = re.compile(
    r"\b(VUS|UNCERTAIN SIGNIFICANCE|LIKELY BENIGN|BENIGN)\b")
_POSITIVE: Final = re.compile(
    r"\b(POSITIVE|POS|DETECTED|MUTATED|MUTATION|AMPLIFIED|FUSION|REARRANGED|REARRANGEMENT)\b")
_HER2_NOT_POSITIVE: Final = re.compile(r"\b(?:ULTRA)?LOW\b|(?<![\d.])(?:0|1\+)(?![\d.])")
_PERCENT: Final = re.compile(r"(\d{1,3}(?:\.\d+)?) ?%")
_WORD: Final = re.compile(r"[A-Z0-9]+")
_SEPARATORS: Final = re.compile(r"[,;/]")
#: a record longer than this is not a biomarker name (the case format's limit)
_LONGEST: Final = BIOMARKER_LENGTH


@dataclass(frozen=True, slots=True)
class Biomarkers:
    """What the recorded biomarkers say: canonical names found positive and negative, and the
    strings that could not be read."""

    positive: frozenset[str] = frozenset()
    negative: frozenset[str] = frozenset()
    unread: tuple[str, ...] = field(default=())

    def has(self, name: str) -> bool:
        return name in self.positive

    @property
    def drivers(self) -> tuple[str, ...]:
        """The NSCLC drivers found positive, in the guideline's order."""
        return tuple(d for d in NSCLC_DRIVERS if d in self.positive)


def read_biomarkers(recorded: list[str] | None) -> Biomarkers:
    """Read a case's biomarker strings (``None`` → nothing recorded)."""
    positive: set[str] = set()
    negative: set[str] = set()
    unread: list[str] = []
    for text in recorded or ():
        if len(text) > _LONGEST:
            unread.append(text[:_LONGEST])
            continue
        read = _read_line(text)
        if read is None:
            unread.append(text)
            continue
        for name, is_positive in read:
            (positive if is_positive else negative).add(name)
    return Biomarkers(frozenset(positive - negative), frozenset(negative), tuple(unread))


def _read_line(text: str) -> list[tuple[str, bool]] | None:
    """One recorded line, which may hold several results: "ER+/PR+, HER2-", or a panel
    "EGFR, ALK, ROS1: no alterations detected"."""
    parts: list[str] = []
    for part in _SEPARATORS.split(text):
        if not part.strip():
            continue
        if parts and not _names_in(part):
            parts[-1] += " " + part  # "HER2 2+, ISH amplified": one result
        else:
            parts.append(part)
    if not parts:
        return None
    # a bare name takes the sign stated after it: "EGFR, ALK: not detected"
    out: list[tuple[str, bool]] = []
    pending: list[str] = []
    for part in parts:
        names = _names_in(part)
        if len(names) == 1 and _bare(part) and _sign(part) is None:
            pending.append(part)
            continue
        found = _read_one(part)
        if found is None:
            return None
        sign = _sign(part)
        for bare in pending:
            bare_found = _read_one(bare)
            if bare_found is None:
                return None
            out.append((bare_found[0], bare_found[1] if sign is None else sign))
        pending = []
        out.append(found)
    for bare in pending:
        bare_found = _read_one(bare)
        if bare_found is None:
            return None
        out.append(bare_found)
    return out


def _names_in(part: str) -> list[str]:
    upper = part.upper().replace("_", " ")
    if upper.replace("-", "").replace(" ", "").startswith(("PDL1", "PD1L1")):
        return ["PD-L1"]
    return [_NAMES[w] for w in _WORD.findall(upper.replace("-", " ")) if w in _NAMES]


def _bare(part: str) -> bool:
    """Only a gene name, nothing said about it."""
    return len(_WORD.findall(part.upper().replace("-", " "))) == 1


def _sign(part: str) -> bool | None:
    """The result a part states in words or signs, if any."""
    upper = part.upper()
    stripped = upper.rstrip()
    if _NEGATIVE.search(upper) or stripped.endswith("-"):
        return False
    if _POSITIVE.search(upper) or stripped.endswith("+"):
        return True
    return None


def _read_one(text: str) -> tuple[str, bool] | None:
    upper = text.upper().replace("_", " ")
    if _NOT_A_RESULT.search(upper):
        return None  # asked for again, never read as a result
    if _NOT_ACTIONABLE.search(upper):
        names = _names_in(text)
        return (names[0], False) if names else None
    return _read_result(upper)


def _read_result(upper: str) -> tuple[str, bool] | None:
    squashed = upper.replace("-", "").replace(" ", "")
    if squashed.startswith(("PDL1", "PD1L1")):
        return _pd_l1(upper)
    words = _WORD.findall(upper.replace("-", " "))
    # "ER-" / "HER2+": the sign written straight after the name
    trailing = upper.rstrip()[-1:] if upper.rstrip()[-1:] in "+-" else ""
    negative = bool(_NEGATIVE.search(upper)) or trailing == "-"
    for word in words:
        name = _NAMES.get(word)
        if name is None:
            continue
        if name == "MSI-H" and word == "MSI" and "H" not in words and "HIGH" not in words:
            return None  # "MSI" without "high" says nothing
        if name == "BRAF":
            name = "BRAF-V600E" if "V600E" in words else "BRAF"
        elif name == "KRAS":
            name = "KRAS-G12C" if "G12C" in words else "KRAS"
        elif name == "EGFR" and "20" in words and any(w.startswith("INS") for w in words):
            name = "EGFR-ex20ins"
        elif name in ("ER", "PR") and not negative:
            # ASCO/CAP 2020: positive from 1 % of nuclei stained; under 1 % is negative
            if re.search(r"<\s*1\s*%", upper):
                return name, False
            percent = _PERCENT.search(upper)
            if percent is not None:
                return name, float(percent.group(1)) >= 1
        elif name == "HER2" and not negative and _HER2_NOT_POSITIVE.search(upper):
            return "HER2", False
        elif name == "HER2" and "2+" in upper and (
                "AMPLIF" not in upper or "NOT AMPLIF" in upper or "NON AMPLIF" in upper):
            # equivocal (IHC 2+) until in-situ hybridisation is reported; 2+ not amplified is
            # negative (ASCO/CAP 2023)
            return ("HER2", False) if "AMPLIF" in upper else None
        return name, not negative
    return None


def _pd_l1(upper: str) -> tuple[str, bool] | None:
    if ">=50" in upper.replace(" ", "") or "≥50" in upper.replace(" ", "") or "HIGH" in upper:
        return "PD-L1>=50%", True
    if _NEGATIVE.search(upper) or re.search(r"<\s*\d", upper):
        return "PD-L1>=50%", False
    percent = _PERCENT.search(upper)
    if percent is None:
        return None
    return "PD-L1>=50%", float(percent.group(1)) >= 50
