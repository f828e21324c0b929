"""A weight or performance status too old to act on is not used for dosing or gates.

Maximum ages (plan.workup.BODY_MAX_AGE_DAYS, docs/clinical/decisions.md "Laboratory age"):
weight 90 days, ECOG and Karnofsky 30 days; the reference date is 2026-11-20.
"""

from __future__ import annotations

from typing import Any

from tests.plan.helpers import needs, recs, run
from tests.plan.test_patient_gates import prostate_crpc


def _radium(out: dict[str, Any]) -> list[dict[str, Any]]:
    return recs(out, "rp.radium-223")


def test_current_weight_gives_the_radium_activity() -> None:
    # 70 kg x 55 kBq/kg = 3,850 kBq = 3.85 MBq (Xofigo label)
    out = run(prostate_crpc(weight_measured_on="2026-10-01"))
    assert _radium(out)[0]["details"]["activity_mbq"] == 3.85


def test_a_weight_200_days_old_gives_no_activity_and_asks_for_a_weight() -> None:
    # 2026-05-04 is 200 days before 2026-11-20: over the 90-day maximum
    out = run(prostate_crpc(weight_measured_on="2026-05-04"))
    assert all("activity_mbq" not in r["details"] for r in _radium(out))
    assert "patient.weight_kg" in needs(out, "rp.radium-223")
    assert out["patient_state"]["out_of_date"] == ["weight_kg"]
    weigh = [i for i in out["workup"]["items"] if i["id"] == "weight"]
    assert weigh and "200 days old" in weigh[0]["reason"]


def test_an_old_weight_also_holds_the_creatinine_clearance_for_dosing() -> None:
    # Cockcroft-Gault rests on the weight: an old weight gives no zoledronic-acid dose
    out = run(prostate_crpc(weight_measured_on="2026-05-04"))
    assert not recs(out, "bma.zoledronic-acid")
    assert "labs.creatinine" in needs(out, "bma.agents")


def test_an_old_good_ecog_cannot_open_the_radiopharmaceutical_gate() -> None:
    # ECOG 1 assessed 2026-08-01 (111 days old > 30): unknown for the trial limit ECOG 0-2
    out = run(prostate_crpc(ecog=1, karnofsky=None, ecog_assessed_on="2026-08-01"))
    assert not [r for r in _radium(out) if r["strength"] != "not-recommended"]
    assert "patient.ecog" in needs(out, "rp.radium-223")


def test_an_old_poor_ecog_still_closes_the_gate() -> None:
    # ECOG 4 from 2026-08-01: a poor status is not assumed to have recovered
    out = run(prostate_crpc(ecog=4, karnofsky=None, ecog_assessed_on="2026-08-01"))
    assert _radium(out)[0]["strength"] == "not-recommended"
    assert recs(out, "systemic.not-indicated")
