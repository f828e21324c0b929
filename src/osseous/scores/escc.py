"""Bilsky epidural spinal cord compression (ESCC) grade, per spinal lesion.

Six MRI grades read on axial T2 at the level of worst compression (Bilsky 2010): 0 bone only;
1a epidural impingement without thecal-sac deformation; 1b thecal-sac deformation without cord
abutment; 1c thecal-sac deformation with cord abutment, no compression; 2 cord compression
with CSF visible; 3 cord compression without CSF.

Groups: 0/1a/1b low grade; 1c intermediate (its treatment is debated, so it is kept apart and
never merged into either group); 2/3 high grade (Laufer 2013). The grade is a string; ``total``
is null and ``grade`` carries it, with ``rank`` its order (0-5).

References: Bilsky MH et al., J Neurosurg Spine 2010;13(3):324-8 (bilsky-2010); Laufer I et
al., Oncologist 2013;18(6):744-51 (laufer-2013).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from osseous.core.case import SpinalLesion
from osseous.core.results import ScoreResult
from osseous.knowledge.citations import cite

REFERENCES: Final = cite("bilsky-2010", "laufer-2013")
GRADES: Final = ("0", "1a", "1b", "1c", "2", "3")
BAND: Final = MappingProxyType({
    "0": "low-grade", "1a": "low-grade", "1b": "low-grade", "1c": "intermediate",
    "2": "high-grade", "3": "high-grade",
})
DEFINITION: Final = MappingProxyType({
    "0": "bone-only disease",
    "1a": "epidural impingement without deformation of the thecal sac",
    "1b": "deformation of the thecal sac without spinal cord abutment",
    "1c": "deformation of the thecal sac with spinal cord abutment, without cord compression",
    "2": "spinal cord compression with CSF visible around the cord",
    "3": "spinal cord compression without CSF visible around the cord",
})


def escc(lesion: SpinalLesion, index: int) -> ScoreResult:
    """The ESCC grade of one spinal lesion, or incomplete when it was not graded."""
    grade = lesion.escc
    if grade is None:
        return ScoreResult(
            score="escc", status="incomplete", total=None, range=None, band=None,
            components=MappingProxyType({}), missing=(f"lesions[{index}].escc",),
            notes=("not graded: MRI of the spine (axial T2) is needed to grade ESCC",),
            references=REFERENCES, lesion=lesion.id,
            extra=MappingProxyType({"grade": None}),
        )
    return ScoreResult(
        score="escc", status="complete", total=None, range=None, band=BAND[grade],
        components=MappingProxyType({}), missing=(), notes=(DEFINITION[grade],),
        references=REFERENCES, lesion=lesion.id,
        extra=MappingProxyType({"grade": grade, "rank": GRADES.index(grade)}),
    )
