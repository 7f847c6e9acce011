"""The figures drawn on the consolidated chart (the PNG /tonghop sends), against hand tables.

The chart's figure is rendered to SVG with its text kept as text: every string drawn (titles,
axis and legend words, the count on each bar segment, each indicator's percentage) is read
back, and the bars' lengths and the target marks are read from the same figure the PNG is
drawn from. Nothing expected here is computed by our code.

Ten units of three types; five filed:
  unit  type        state        tong  dat  co
  d1    đoàn thể    on time        10    9  có
  d2    đoàn thể    on time        20   11  không
  d3    đoàn thể    on time         3    3  có
  d4    đoàn thể    late            7    0  có
  d5    đoàn thể    not started
  d6    đoàn thể    not started
  p1    phòng       on time         0    0  không
  p2    phòng       drafting
  p3    phòng       drafting
  t1    trường học  not started
By hand: Σdat/Σtong = 23/40 = 57,5% (target 90); units with "có" 3 of 5 = 60% (target 100);
"Tỷ lệ không mục tiêu" Σdat/Σtong as well, no target (no target mark may be drawn for it).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from xml.etree import ElementTree

import matplotlib
from matplotlib.patches import Rectangle

from reportbot.coordination.reporting.consolidate import Consolidation, UnitReport, compute
from reportbot.coordination.reporting.reports.chart import chart_figure
from reportbot.coordination.reporting.status import PeriodStatus, UnitStatus
from reportbot.forms.loader import parse_yaml_template
from reportbot.periods import period_by_key
from tests.conftest import TZ

FORM = """key: thu
title: Báo cáo thử
period: {kind: annual, deadlines: ["20/12"]}
questions:
  - {id: tong, type: integer, label: Tổng}
  - {id: dat, type: integer, label: Đạt}
  - {id: co, type: yes_no, label: Có kế hoạch}
indicators:
  - {key: a, kind: ratio_of_sums, numerator: dat, denominator: tong, target: 90, label: Tỷ lệ đạt}
  - {key: b, kind: share_of_units_with_value, question: co, value: "yes", target: 100,
     label: Đơn vị có kế hoạch}
  - {key: c, kind: ratio_of_sums, numerator: dat, denominator: tong, label: Tỷ lệ không mục tiêu}
  - {key: d, kind: count, question: co, value: "yes", target: 5, label: Số đơn vị có}
"""
UNITS = [  # code, type, bucket, answers
    ("d1", "doan_the", "on_time", {"tong": 10, "dat": 9, "co": "yes"}),
    ("d2", "doan_the", "on_time", {"tong": 20, "dat": 11, "co": "no"}),
    ("d3", "doan_the", "on_time", {"tong": 3, "dat": 3, "co": "yes"}),
    ("d4", "doan_the", "late", {"tong": 7, "dat": 0, "co": "yes"}),
    ("d5", "doan_the", "not_started", None),
    ("d6", "doan_the", "not_started", None),
    ("p1", "phong", "on_time", {"tong": 0, "dat": 0, "co": "no"}),
    ("p2", "phong", "drafting", None),
    ("p3", "phong", "drafting", None),
    ("t1", "truong_hoc", "not_started", None),
]


def consolidation() -> Consolidation:
    template, issues = parse_yaml_template(FORM, "thu.yaml")
    assert issues == [] and template is not None
    period = period_by_key(template.period, "2026", TZ)
    units, reports = [], []
    for number, (code, unit_type, bucket, answers) in enumerate(UNITS, start=1):
        unit = UnitStatus(number, code, f"Đơn vị {code}", unit_type, bucket)
        units.append(unit)
        if answers is not None:
            reports.append(UnitReport(unit, template, answers))
    status = PeriodStatus("thu", template, period, units)
    result = Consolidation("thu", template, period, status, datetime(2026, 12, 22, tzinfo=UTC))
    result.reports = reports
    return compute(result, template)


def drawn_texts() -> list[str]:
    """Every string the chart draws, in drawing order, read from its SVG rendering."""
    figure = chart_figure(consolidation())
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text stays text, not glyph paths
        figure.savefig(buffer, format="svg")
    root = ElementTree.fromstring(buffer.getvalue())
    texts = ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]
    return [re.sub(r"\s+", " ", text).strip() for text in texts]


def test_the_words_and_figures_drawn() -> None:
    assert drawn_texts() == [
        *("0", "1", "2", "3", "4", "5", "6", "Số đơn vị"),  # the status panel's axis
        *("Phòng chuyên môn", "Đoàn thể", "Trường học"),  # the unit types, house order
        # one count per non-empty segment, state by state: on time (phòng 1, đoàn thể 3),
        # late (đoàn thể 1), drafting (phòng 2), not started (đoàn thể 2, trường học 1)
        *("1", "3", "1", "2", "2", "1"),
        "Tình hình nộp báo cáo theo loại đơn vị",
        # drawn on 22/12, past the deadline: the digest's words for the units not filed
        *("Đã nộp đúng hạn", "Nộp muộn", "Quá hạn, đang soạn", "Quá hạn, chưa bắt đầu soạn"),
        *("0", "20", "40", "60", "80", "100", "Tỷ lệ (%)"),  # the indicator panel's axis
        # the three percentage indicators (a count has its own scale: not on this axis),
        # each figure as the chat and the Word report write it (60%, not 60,0%)
        *("Tỷ lệ đạt", "Đơn vị có kế hoạch", "Tỷ lệ không mục tiêu"),
        *("57,5%", "60%", "57,5%"),
        "Các chỉ tiêu so với mục tiêu (%)",
        *("Mục tiêu", "Đạt được"),
        "Báo cáo thử – năm 2026",
    ]


def test_the_counts_on_the_bars() -> None:
    figure = chart_figure(consolidation())
    status_axes, indicator_axes = figure.axes[:2]
    # each segment's start and length: phòng on time 0–1, đoàn thể on time 0–3, late 3–4,
    # phòng drafting 1–3, đoàn thể not started 4–6, trường học not started 0–1
    segments = [
        (round(bar.get_x()), round(bar.get_width()))
        for bar in status_axes.patches
        if isinstance(bar, Rectangle) and bar.get_width() > 0
    ]
    assert segments == [(0, 1), (0, 3), (3, 1), (1, 2), (4, 2), (0, 1)]
    bars = [round(bar.get_width(), 1) for bar in indicator_axes.patches]
    assert bars == [57.5, 60.0, 57.5]
    # a target mark for the two indicators that have one, none for the third
    marks = [line.get_xdata()[0] for line in indicator_axes.lines]
    assert marks == [90.0, 100.0]
