"""The NOMS framework for a spinal metastasis: four separate assessments, each shown.

* Neurologic: the Bilsky ESCC grade and any neurological deficit.
* Oncologic: the expected response of the histology to conventional external-beam radiotherapy
  (radiosensitivity; the clinician's classification wins over the default table).
* Mechanical: spinal stability by SINS (7-12 potentially unstable, 13-18 unstable).
* Systemic: fitness for treatment (performance status, the clinician's judgement of surgical
  candidacy) and the survival scores, shown side by side.

References: Laufer I et al., Oncologist 2013;18(6):744-51 (laufer-2013); Bilsky 2010
(bilsky-2010); Fisher 2010 (fisher-2010).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from osseous.core.case import SpinalLesion
from osseous.plan.document import NomsDoc

if TYPE_CHECKING:
    from osseous.plan.context import Context


@dataclass(frozen=True, slots=True)
class Noms:
    lesion: str
    neurologic: dict[str, Any]
    oncologic: dict[str, Any]
    mechanical: dict[str, Any]
    systemic: dict[str, Any]

    def to_dict(self) -> NomsDoc:
        return {"lesion": self.lesion, "neurologic": self.neurologic,
                "oncologic": self.oncologic, "mechanical": self.mechanical,
                "systemic": self.systemic, "references": ["laufer-2013"]}


def noms_for(ctx: Context, lesion: SpinalLesion) -> Noms:
    escc = ctx.score("escc", lesion.id)
    sins = ctx.score("sins", lesion.id)
    rs = ctx.radiosensitivity
    p = ctx.case.patient
    neurologic = {
        "escc": lesion.escc,
        "escc_band": escc.band if escc else None,
        "neurological_deficit": lesion.neurological_deficit,
        "cord_compression": ctx.mescc(lesion),
    }
    oncologic = {"radiosensitivity": rs.value, "source": rs.source,
                 "primary": ctx.primary}
    mechanical: dict[str, Any] = {"sins": sins.total if sins else None,
                                  "sins_band": sins.band if sins else None,
                                  "sins_range": list(sins.range) if sins and sins.range else None}
    systemic = {"ecog": p.ecog, "karnofsky": p.karnofsky,
                "surgical_candidate": p.surgical_candidate,
                "survival": ctx.survival_scores()}
    return Noms(lesion.id, neurologic, oncologic, mechanical, systemic)
