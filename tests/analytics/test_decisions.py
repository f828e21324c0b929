"""Board decisions: implemented vs deviated, by family and year, reasons grouped."""

from __future__ import annotations

from datetime import date

import pytest

from osseous.analytics.decisions import Decision, board_decisions


def test_shares_families_years_and_reasons_by_hand() -> None:
    d = date(2026, 3, 1)
    out = board_decisions([
        Decision("rt.uncomplicated", "accepted", None, d),
        Decision("rt.sbrt-selected", "modified", "Patient preference", d),
        Decision("bma.zoledronic-acid", "declined", " patient  preference", date(2025, 5, 1)),
        Decision("bma.denosumab", "declined", None, d),
    ])
    overall = out["overall"]
    assert (overall["decided"], overall["accepted"], overall["modified"],
            overall["declined"]) == (4, 1, 1, 2)
    assert overall["implemented"] == 0.25
    low, high = overall["implemented_ci95"]  # Wilson 1/4: 0.0456-0.6994
    assert low == pytest.approx(0.0456, abs=1e-4) and high == pytest.approx(0.6994, abs=1e-4)
    assert out["by_family"]["rt"]["decided"] == 2 and out["by_family"]["bma"]["accepted"] == 0
    assert set(out["by_year"]) == {"2025", "2026"}
    assert out["deviation_reasons"]["declined"] == [
        {"reason": "no reason recorded", "n": 1}, {"reason": "patient preference", "n": 1}]
    assert out["deviation_reasons"]["modified"] == [{"reason": "patient preference", "n": 1}]


def test_no_decisions_and_bad_values() -> None:
    out = board_decisions([])
    assert out["overall"]["decided"] == 0 and out["overall"]["implemented"] is None
    with pytest.raises(ValueError, match="decision: must be one of"):
        board_decisions([Decision("rt.x", "ignored", None, date(2026, 1, 1))])
