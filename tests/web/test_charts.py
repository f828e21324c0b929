"""The follow-up chart: date labels never overlap, the OMED axis has its scale."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from osseous.web.charts import LABEL_GAP, pain_chart


def test_dense_dates_do_not_overlap_and_the_omed_axis_is_labelled() -> None:
    start = date(2026, 1, 1)
    points = [{"date": (start + timedelta(days=3 * i)).isoformat(), "worst_pain": 7 - i % 5,
               "omed": 30.0 + i} for i in range(20)]
    svg = pain_chart("L1", points, start)
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" font-size="10" '
                                       r'text-anchor="middle">\d\d \w{3} \d{4}</text>', svg)]
    assert len(xs) >= 2
    assert all(b - a >= LABEL_GAP for a, b in itertools.pairwise(xs))
    assert "oral morphine equivalent, mg/day" in svg
    for tick in ("0", "24.5", "49"):  # 0, half and the largest OMED
        assert f'fill="#7a3e00">{tick}</text>' in svg
