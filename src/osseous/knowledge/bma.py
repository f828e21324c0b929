"""Bone-modifying agents: doses, renal adjustment and withhold rules, from the labels.

Zoledronic acid (Zometa label), myeloma and bone metastases of solid tumours, by baseline
Cockcroft-Gault creatinine clearance (mL/min): > 60 -> 4.0 mg; 50-60 -> 3.5 mg; 40-49 -> 3.3 mg;
30-39 -> 3.0 mg; < 30 not recommended (EU SmPC wording; the US label says "not recommended in
severe renal impairment"). Reading the integer bands on a continuous clearance: 50-60 is
[50, 60], 40-49 is [40, 50), 30-39 is [30, 40) (docs/clinical/decisions.md). Every 3-4 weeks,
or every 12 weeks (CALGB 70604).

Withhold before a dose when serum creatinine has risen by >= 0.5 mg/dL from a normal baseline
(< 1.4 mg/dL) or by >= 1.0 mg/dL from an abnormal baseline (>= 1.4 mg/dL); resume at the same
dose once back within 10% of baseline. Hypercalcaemia of malignancy: 4 mg, no adjustment for
creatinine < 4.5 mg/dL, retreat after >= 7 days.

Pamidronate (label): 90 mg over 2 h every 3-4 weeks (breast), 90 mg over 4 h monthly
(myeloma); not recommended in severe renal impairment. Denosumab (Xgeva label): 120 mg SC every
4 weeks with calcium and vitamin D; correct hypocalcaemia first; no renal dose adjustment, but
hypocalcaemia risk is highest with CrCl < 30 mL/min or dialysis.
"""

from __future__ import annotations

from typing import Final

ZOLEDRONIC_SOURCE: Final = "zometa-label"
#: (lowest CrCl in the band, inclusive, dose mg); checked from the top
ZOLEDRONIC_DOSE_BY_CRCL: Final = ((60.0, 4.0), (50.0, 3.5), (40.0, 3.3), (30.0, 3.0))
ZOLEDRONIC_MIN_CRCL: Final = 30.0
ZOLEDRONIC_VOLUME_ML: Final = {4.0: 5.0, 3.5: 4.4, 3.3: 4.1, 3.0: 3.8}
ZOLEDRONIC_INTERVAL_WEEKS: Final = (4, 12)
ZOLEDRONIC_HCM_DOSE_MG: Final = 4.0
ZOLEDRONIC_WITHHOLD_BASELINE_MG_DL: Final = 1.4
ZOLEDRONIC_WITHHOLD_RISE_NORMAL: Final = 0.5
ZOLEDRONIC_WITHHOLD_RISE_ABNORMAL: Final = 1.0
ZOLEDRONIC_RESUME_WITHIN: Final = 0.10

#: the bone-modifying agents (bisphosphonates and denosumab) whose osteonecrosis-of-the-jaw
#: risk calls for a dental examination first (van-poznak-2011; the labels)
AGENTS: Final = frozenset({"zoledronic-acid", "pamidronate", "denosumab", "ibandronate",
                           "clodronate"})
PAMIDRONATE_DOSE_MG: Final = 90.0
DENOSUMAB_DOSE_MG: Final = 120.0
DENOSUMAB_INTERVAL_WEEKS: Final = 4
DENOSUMAB_HIGH_RISK_CRCL: Final = 30.0
