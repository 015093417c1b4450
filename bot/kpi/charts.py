"""PNG bar charts for the team digest (matplotlib, Agg backend: no display needed).

Text is set in Noto Sans SC, which the `pylopdf-fonts-zh-cn` dependency ships (SIL OFL), so
Chinese names, Chinese titles and `·` draw the same on every machine; a system CJK font is
used only when that package is missing. A chart is in the team channel's language(s): one
title line per language (a "bilingual" channel gets both, one under the other), the axis
and the target line labelled in each, joined by " / "."""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.core.config import AppConfig
from bot.core.periods import Period
from bot.i18n import fmt_percent, t
from bot.kpi.views import period_label
from bot.org.teams import team_name

MAX_BARS = 30
MAX_NAME = 18  # characters of a name on the axis; longer ones end in "…"
PAST_LARGEST = 1.12  # the axis ends this far past the largest bar (or the 100% line)
TARGET = 100.0  # the target line, in % of target
PAD_PX = 4.0  # between a bar's end and its value label
LINE_GAP_PX = 3.0  # no label comes closer than this to the target line
SYSTEM_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC")  # fmt: skip
COLORS = ((100.0, "#2a9d8f", "white"), (70.0, "#e9c46a", "#1b1b1b"), (0.0, "#e76f51", "white"))


@cache
def chart_font() -> str | None:
    """The family that draws Chinese: the packaged Noto Sans SC, else a system CJK font."""
    try:
        from pylopdf_fonts_zh_cn import sans_path
    except ImportError:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in SYSTEM_CJK_FONTS if name in installed), None)
    path = sans_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def chart_title(config: AppConfig, team: str, month: Period, locales: Sequence[str]) -> str:
    """`East · November 2026 · composite score`, one line per language."""
    return "\n".join(
        t(
            "kpi.chart.title",
            locale,
            team=team_name(config, team, locale),
            period=period_label(month, locale),
        )
        for locale in locales
    )


@dataclass(frozen=True)
class Placement:
    """Where a value label goes, in data units: `inside` the bar's end (right-aligned at x)
    or outside it (left-aligned at x)."""

    x: float
    inside: bool

    def span(self, width: float) -> tuple[float, float]:
        return (self.x - width, self.x) if self.inside else (self.x, self.x + width)


def place_label(value: float, width: float, pad: float, gap: float, right: float) -> Placement:
    """Just past the bar's end, unless that crosses the target line (gap on either side) or
    the axis end: then inside the bar's end when it fits there clear of the line."""

    def clear(lo: float, hi: float) -> bool:
        return hi < TARGET - gap or lo > TARGET + gap

    outside = Placement(value + pad, inside=False)
    lo, hi = outside.span(width)
    if clear(lo, hi) and hi <= right:
        return outside
    inside = Placement(value - pad, inside=True)
    lo, hi = inside.span(width)
    if lo >= pad and clear(lo, hi):
        return inside
    beyond = Placement(TARGET + gap + pad, inside=False)  # a short bar: past the line
    return beyond if value < TARGET and beyond.span(width)[1] <= right else outside


def axis_end(values: Sequence[float]) -> float:
    """A little past the largest bar, and never short of the target line."""
    return max(TARGET, *values) * PAST_LARGEST


def short_name(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def draw_chart(rows: Sequence[tuple[str, float]], title: str, locales: Sequence[str]) -> Figure:
    """Horizontal bars of composite scores (ratios: 1.0 is 100%), best at the top, with the
    target line; within `chart_style()`, and the caller closes the figure."""
    rows = list(rows)[:MAX_BARS][::-1]
    values = [score * 100 for _, score in rows]
    lines = title.count("\n") + 1
    fig = plt.figure(figsize=(7.5, 1.3 + 0.25 * lines + 0.32 * max(1, len(rows))), dpi=100)
    ax = fig.add_subplot()
    y = range(len(rows))
    ax.barh(y, values, height=0.7, color=[_colors(v)[0] for v in values])
    ax.set_yticks(list(y), [short_name(name) for name, _ in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4 + 0.6)  # headroom above the top bar: the line's label
    ax.vlines(TARGET, -0.6, len(rows) - 0.4, colors="#264653", linewidth=1, linestyles="--")
    ax.text(TARGET, len(rows) - 0.3, " / ".join(t("kpi.chart.target", loc) for loc in locales),
            ha="center", va="bottom", fontsize=8, color="#264653")  # fmt: skip
    ax.set_xlim(0, axis_end(values))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
    ax.set_xlabel(" / ".join(t("kpi.chart.axis", loc) for loc in locales), fontsize=9)
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    _value_labels(fig, ax, values, locales[0])
    return fig


def _colors(value: float) -> tuple[str, str]:
    """A bar's colour and the colour of a label drawn on it."""
    return next((bar, text) for floor, bar, text in COLORS if value >= floor)


def _value_labels(fig: Figure, ax: plt.Axes, values: list[float], locale: str) -> None:
    """Each bar's score by its end, placed with its measured width (the layout is final)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    right = ax.get_xlim()[1]
    per_px = right / ax.bbox.width
    for y, value in enumerate(values):
        label = ax.text(0, y, fmt_percent(value / 100, locale), va="center", fontsize=8)
        width = label.get_window_extent(renderer).width * per_px
        where = place_label(value, width, PAD_PX * per_px, LINE_GAP_PX * per_px, right)
        label.set_x(where.x)
        label.set_horizontalalignment("right" if where.inside else "left")
        label.set_color(_colors(value)[1] if where.inside else "#1b1b1b")


def chart_style() -> AbstractContextManager[None]:
    """matplotlib settings for drawing and saving a chart: the font that draws Chinese first."""
    font = chart_font()
    return plt.rc_context({"font.family": [font, "DejaVu Sans"]} if font else {})


def attainment_chart(
    rows: Sequence[tuple[str, float]], title: str, locales: Sequence[str]
) -> bytes:
    """The PNG of `draw_chart`: rows are (name, composite score) best first."""
    with chart_style():
        fig = draw_chart(rows, title, locales)
        try:
            out = io.BytesIO()
            fig.savefig(out, format="png")
            return out.getvalue()
        finally:
            plt.close(fig)
