"""The consolidated chart: filing status per unit type, and the key indicators against targets.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, safe in a worker
thread), in DejaVu Sans, which has every Vietnamese glyph.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reportbot.coordination.reporting.consolidate import Consolidation
from reportbot.coordination.reporting.formatting import bucket_label, percent_text
from reportbot.coordination.reporting.status import BUCKETS
from reportbot.coordination.texts import t
from reportbot.forms.schema import pick
from reportbot.vocabulary.kinds import UNIT_TYPES, unit_type_name

SYSTEM_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_FAMILY = "DejaVu Sans"  # matplotlib ships it too, so the chart never lacks the glyphs
COLORS = {
    "on_time": "#2e7d32",
    "late": "#f9a825",
    "drafting": "#64b5f6",
    "not_started": "#bdbdbd",
}
ACHIEVED = "#1565c0"
TARGET = "#c62828"
DPI = 110
SIZE = (11.0, 6.2)


def _font() -> str:
    if SYSTEM_FONT.is_file():
        font_manager.fontManager.addfont(str(SYSTEM_FONT))
    return FONT_FAMILY


def write_chart(consolidation: Consolidation, path: Path) -> None:
    """Write the two-panel chart as a PNG file."""
    chart_figure(consolidation).savefig(path, format="png", dpi=DPI, facecolor="white")


def chart_figure(consolidation: Consolidation) -> Figure:
    """The two-panel chart as a figure: filing per unit type, percentage indicators."""
    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    family = _font()
    status_axes, indicator_axes = figure.subplots(1, 2, width_ratios=[1, 1.15])
    title = f"{pick(consolidation.template.title, 'vi')} – {consolidation.period.label_vi}"
    figure.suptitle(title, fontsize=13, fontweight="bold", fontfamily=family)
    _status_panel(status_axes, consolidation, family)
    _indicator_panel(indicator_axes, consolidation, family)
    return figure


def _status_panel(axes, data: Consolidation, family: str) -> None:
    by_type = data.status.by_type()
    order = list(UNIT_TYPES)
    types = sorted(by_type, key=lambda u: (order.index(u) if u in order else len(order), u))
    labels = [textwrap.fill(unit_type_name(unit_type).capitalize(), 18) for unit_type in types]
    left = [0] * len(types)
    overdue = data.status.overdue(data.generated_at)
    for bucket in BUCKETS:
        counts = [by_type[unit_type][bucket] for unit_type in types]
        bars = axes.barh(
            labels,
            counts,
            left=left,
            color=COLORS[bucket],
            label=bucket_label(bucket, overdue=overdue),
        )
        for bar, count in zip(bars, counts, strict=True):
            if count:
                x = bar.get_x() + bar.get_width() / 2
                y = bar.get_y() + bar.get_height() / 2
                axes.text(x, y, str(count), ha="center", va="center", fontsize=9, fontfamily=family)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.set_title("Tình hình nộp báo cáo theo loại đơn vị", fontsize=11, fontfamily=family)
    axes.set_xlabel("Số đơn vị", fontfamily=family)
    axes.xaxis.get_major_locator().set_params(integer=True)
    _legend_below(axes, family)
    for label in axes.get_yticklabels():
        label.set_fontfamily(family)
    if not types:
        axes.text(
            0.5,
            0.5,
            "Chưa có đơn vị nào",
            ha="center",
            va="center",
            transform=axes.transAxes,
            fontfamily=family,
        )


def _indicator_panel(axes, data: Consolidation, family: str) -> None:
    axes.set_title("Các chỉ tiêu so với mục tiêu (%)", fontsize=11, fontfamily=family)
    # Percentages on one axis: a count or an average has its own scale and stays in the tables.
    results = [result for result in data.indicators if result.indicator.is_percent]
    if not results:
        axes.text(
            0.5,
            0.5,
            "Mẫu này không có chỉ tiêu",
            ha="center",
            va="center",
            transform=axes.transAxes,
            fontfamily=family,
        )
        axes.set_axis_off()
        return
    labels = [textwrap.fill(pick(r.indicator.label, "vi"), 30) for r in results]
    values = [float(r.percent) if r.percent is not None else 0.0 for r in results]
    positions = list(range(len(results)))
    axes.barh(positions, values, color=ACHIEVED, height=0.55, label="Đạt được")
    marked = False
    for position, result, value in zip(positions, results, values, strict=True):
        target = result.indicator.target
        if target is not None:  # no target: no mark (one at 0 read as a target of 0%)
            axes.plot(
                [float(target)] * 2,
                [position - 0.38, position + 0.38],
                color=TARGET,
                linewidth=2.5,
                label=None if marked else "Mục tiêu",
            )
            marked = True
        missing = t(result.verdict, "vi") if result.percent is None else ""
        # As the chat and the Word report write it: 60%, 57,5%, 99,95% (rounding.telling).
        text = percent_text(result.percent, missing=missing)
        axes.text(min(value, 100) + 2, position, text, va="center", fontsize=9, fontfamily=family)
    axes.set_yticks(positions, labels, fontsize=8, fontfamily=family)
    axes.invert_yaxis()
    axes.set_xlim(0, 118)
    axes.set_xlabel("Tỷ lệ (%)", fontfamily=family)
    _legend_below(axes, family)


def _legend_below(axes: Any, family: str) -> None:
    """The legend in two columns under the plot, where it hides no bar."""
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=2,
        frameon=False,
        prop={"family": family, "size": 8},
    )
