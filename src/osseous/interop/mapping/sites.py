"""Body sites: a bone (with spinal levels), a visceral site, or the organ of a primary cancer,
from SNOMED CT body-structure codes (:mod:`osseous.interop.terminology`) or, failing that, from
the words of the text ("Metastasis to T10", "Left breast")."""

from __future__ import annotations

import re
from typing import Final

from osseous.core.case import SPINAL_LEVELS
from osseous.interop.mapping.common import codings_of, texts_of, words_in
from osseous.interop.terminology import (
    LUNG,
    SNOMED,
    SNOMED_BONE_SITES,
    SNOMED_PRIMARY_SITES,
    SNOMED_VISCERAL_SITES,
)

BONE_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"femur|femoral", "femur"),
    (r"humerus|humeral", "humerus"),
    (r"tibia|tibial", "tibia"),
    (r"fibula|fibular", "fibula"),
    (r"radius", "radius"),
    (r"ulna|ulnar", "ulna"),
    (r"acetabulum|acetabular", "acetabulum"),
    (r"pelvis|pelvic|ilium|iliac|ischium|ischial|pubis|pubic", "pelvis"),
    (r"sacrum|sacral", "sacrum"),
    (r"ribs?|costal", "rib"),
    (r"sternum|sternal", "sternum"),
    (r"scapula|scapular", "scapula"),
    (r"clavicle|clavicular", "clavicle"),
    (r"skull|cranium|calvarium|calvaria", "skull"),
    (r"spine|spinal|vertebra|vertebrae|vertebral", "spine"),
)
VISCERAL_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"meninges|meningeal|leptomeningeal", "meninges"),
    (r"brain|cerebral", "brain"),
    (r"liver|hepatic", "liver"),
    (r"lungs?|pulmonary", "lung"),
    (r"adrenal", "adrenal"),
    (r"lymph nodes?|nodal", "lymph-node"),
    (r"pleura|pleural", "pleura"),
    (r"peritoneum|peritoneal", "peritoneum"),
)
#: Primary site words: read on conditions profiled as mCODE PrimaryCancerCondition and on the
#: bodySite of a generic cancer code.
PRIMARY_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"breast", "breast"),
    (r"prostate|prostatic", "prostate"),
    (r"colon|colonic", "colon"),
    (r"rectum|rectal", "rectum"),
    (r"stomach|gastric", "stomach"),
    (r"esophagus|esophageal|oesophagus|oesophageal", "esophagus"),
    (r"pancreas|pancreatic", "pancreas"),
    (r"gallbladder|gall bladder", "gallbladder"),
    (r"liver|hepatocellular", "liver"),
    (r"urinary bladder|bladder", "bladder"),
    (r"endometrium|endometrial|uterus|uterine", "uterus"),
    (r"cervix uteri|cervix", "cervix"),
    (r"ovary|ovarian", "ovary"),
    (r"thyroid", "thyroid"),
    (r"kidney|renal", "kidney"),
    (r"melanoma", "melanoma"),
    (r"myeloma", "myeloma"),
    (r"lymphoma", "lymphoma"),
    (r"unknown primary|primary unknown", "unknown-primary"),
    (r"lung|bronchus|bronchial", LUNG),
)
_LEVEL: Final = re.compile(r"\b([OCTLS])(\d{0,2})\b")
_LEVEL_RANGE: Final = re.compile(
    r"\b([CTLS])(\d{1,2})\s*(?:-|–|to|through)\s*([CTLS]?)(\d{1,2})\b"
)


def bone_site(concept: object) -> tuple[str, tuple[str, ...]] | str:
    """("spine", levels) / (bone site, ()) for a body site, or the reason it does not map."""
    for system, code, _ in codings_of(concept):
        if system == SNOMED and code in SNOMED_BONE_SITES:
            site, levels = SNOMED_BONE_SITES[code]
            if site == "spine" and not levels:
                found = spinal_levels(" ".join(texts_of(concept)))
                if isinstance(found, tuple) and found:
                    return "spine", found
            return site, levels
    texts = texts_of(concept)
    if not texts:
        codes = ", ".join(f"{s} {c}" for s, c, _ in codings_of(concept))
        return f"body site {codes or '(empty)'} is not coded as a bone or spinal level"
    for text in texts:
        stated = spinal_levels(text)
        if isinstance(stated, str):
            return stated
        sites = [s for s in words_in(BONE_WORDS, text) if s != "spine"]
        if stated:
            if [s for s in sites if s != "sacrum"]:
                return f"body site {text!r} names both spinal levels and {', '.join(sites)}"
            return "spine", stated
        if len(sites) == 1:
            return sites[0], ()
        if len(sites) > 1:
            return f"body site {text!r} names several bones: {', '.join(sites)}"
        if words_in(BONE_WORDS, text):
            return "spine", ()
    return f"body site {texts[0]!r} is not a bone or spinal level Osseous recognises"


def spinal_levels(text: str) -> tuple[str, ...] | str:
    """Spinal levels stated in text ("T10", "T8-T9", "T12-L2"), in order; a reason if odd."""
    found: list[str] = []
    order = list(SPINAL_LEVELS)
    spans: list[tuple[int, int]] = []
    for m in _LEVEL_RANGE.finditer(text):
        start = f"{m.group(1)}{int(m.group(2))}"
        end = f"{m.group(3) or m.group(1)}{int(m.group(4))}"
        if start not in order or end not in order:
            return f"spinal range {m.group(0)!r} is not a valid range of levels"
        i, j = order.index(start), order.index(end)
        if j < i:
            return f"spinal range {m.group(0)!r} runs backwards"
        found.extend(order[i:j + 1])
        spans.append(m.span())
    for m in _LEVEL.finditer(text):
        if any(a <= m.start() < z for a, z in spans) or not m.group(2):
            continue
        level = f"{m.group(1)}{int(m.group(2))}"
        if level in order:
            found.append(level)
    unique = sorted(set(found), key=order.index)
    return tuple(unique)


def visceral_site(concept: object) -> str | None:
    for system, code, _ in codings_of(concept):
        site = SNOMED_VISCERAL_SITES.get(code) if system == SNOMED else None
        if site is not None:
            return site
    words = words_in(VISCERAL_WORDS, " ".join(texts_of(concept)))
    return words[0] if len(words) == 1 else None


def primary_site(concept: object) -> str | None:
    """The organ of a primary cancer named by a body site (code first, then words)."""
    for system, code, _ in codings_of(concept):
        site = SNOMED_PRIMARY_SITES.get(code) if system == SNOMED else None
        if site is not None:
            return site
    found = words_in(PRIMARY_WORDS, " ".join(texts_of(concept)))
    return found[0] if len(found) == 1 else None
