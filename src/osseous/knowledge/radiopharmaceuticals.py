"""Radiopharmaceuticals for bone metastases: doses, haematology limits, decay tables.

Radium-223 (Xofigo US label): 55 kBq (1.49 uCi) per kg every 4 weeks for 6 injections;
reference concentration 1,100 kBq/mL at the reference date; volume (mL) = weight x 55 /
(decay factor x 1,100). Decay factors (label Table, corrected to 12 noon Central Standard Time)
from 14 days before to 14 days after the reference date. Blood counts: before the first dose
ANC >= 1.5 x 10^9/L, platelets >= 100 x 10^9/L, haemoglobin >= 10 g/dL; before later doses
ANC >= 1.0 x 10^9/L and platelets >= 50 x 10^9/L. Not recommended with abiraterone plus
prednisone/prednisolone (label 5.2, ERA 223).

Samarium-153 lexidronam (Quadramet label): 37 MBq (1.0 mCi) per kg. Strontium-89 (Metastron
label): 148 MBq (4 mCi), or 1.5-2.2 MBq/kg, repeat no sooner than 90 days; caution with
platelets < 60 x 10^9/L or white cells < 2.4 x 10^9/L (Metastron label; the Quadramet label
gives no numeric threshold). Lutetium-177 PSMA-617 (Pluvicto label): 7.4 GBq every 6 weeks for
up to 6 doses.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

RADIUM_SOURCE: Final = "xofigo-label"
RADIUM_KBQ_PER_KG: Final = 55.0
RADIUM_KBQ_PER_ML: Final = 1100.0
RADIUM_INTERVAL_WEEKS: Final = 4
RADIUM_DOSES: Final = 6
RADIUM_HALF_LIFE_DAYS: Final = 11.43
RADIUM_DECAY_FACTORS: Final = MappingProxyType(dict(zip(range(-14, 15), (
    2.296, 2.161, 2.034, 1.914, 1.802, 1.696, 1.596, 1.502, 1.414, 1.330, 1.252, 1.178, 1.109,
    1.044, 0.982, 0.925, 0.870, 0.819, 0.771, 0.725, 0.683, 0.643, 0.605, 0.569, 0.536, 0.504,
    0.475, 0.447, 0.420,
), strict=True)))
#: (ANC 10^9/L, platelets 10^9/L, haemoglobin g/dL or None) before the first / later doses
RADIUM_COUNTS_FIRST: Final = (1.5, 100.0, 10.0)
RADIUM_COUNTS_LATER: Final = (1.0, 50.0, None)

SAMARIUM_MBQ_PER_KG: Final = 37.0
STRONTIUM_MBQ: Final = 148.0
STRONTIUM_MBQ_PER_KG: Final = (1.5, 2.2)
STRONTIUM_MIN_REPEAT_DAYS: Final = 90
STRONTIUM_CAUTION_PLATELETS: Final = 60.0
STRONTIUM_CAUTION_WBC: Final = 2.4
LUTETIUM_GBQ: Final = 7.4
LUTETIUM_INTERVAL_WEEKS: Final = 6
LUTETIUM_DOSES: Final = 6

# ---- patient-level eligibility shared by every radiopharmaceutical -------------------------
#: ALSYMPCA (Parker 2013) and VISION (Sartor 2021) enrolled ECOG 0-2 and a life expectancy of
#: at least 6 months (VISION registry entry NCT03511664: "life expectancy > 6 months"; ALSYMPCA:
#: ECOG 0-2, life expectancy >= 6 months, as tabulated by the Czech HTA of radium-223). Outside
#: these the survival benefit was not shown: not recommended (docs/clinical/decisions.md).
TRIAL_MAX_ECOG: Final = 2
TRIAL_MIN_SURVIVAL_MONTHS: Final = 6.0
#: samarium-153 and strontium-89 relieve pain after 1-3 weeks and suppress marrow for 8-16
#: weeks: not offered with an expected survival under 3 months (project choice; 8 Gy x 1 of
#: external-beam radiotherapy acts faster)
PAIN_RADIONUCLIDE_MIN_SURVIVAL_MONTHS: Final = 3.0
#: lutetium-177 PSMA-617 counts and renal function: VISION required ANC >= 1.5, platelets
#: >= 100 x 10^9/L, haemoglobin >= 9 g/dL and creatinine clearance >= 50 mL/min (trial
#: protocol, not re-read here: tagged unverified in docs/clinical/decisions.md); the Pluvicto
#: label did not study severe renal impairment (creatinine clearance < 30 mL/min)
LUTETIUM_COUNTS: Final = (1.5, 100.0, 9.0)
LUTETIUM_MIN_CRCL_TRIAL: Final = 50.0
LUTETIUM_MIN_CRCL_LABEL: Final = 30.0
