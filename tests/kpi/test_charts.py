"""The digest chart anyone can read: in the team channel's language, Chinese names and `·`
drawn with a font that has them (never `?` or empty boxes, never an email handle), value
labels clear of the bars and of the 100% line, and an axis that ends a little past the
largest bar. The weekly digest uploads it to each team channel with its title."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

from bot.core.config import AppConfig
from bot.core.periods import containing
from bot.features import find_job
from bot.kpi.charts import (
    PAST_LARGEST,
    TARGET,
    attainment_chart,
    axis_end,
    chart_style,
    chart_title,
    draw_chart,
    place_label,
)
from tests.support.kpi_fixture import kpi_config, load

NOVEMBER = containing("month", date(2026, 11, 26))
NAMES = ["王小明", "李娜", "张伟", "陈静", "刘洋", "杨帆", "赵敏", "黄磊", "周杰", "吴芳",
         "孙丽", "郑爽", "欧阳娜娜", "Alice Wong", "Bob Chen", "Carol Diaz", "Dave Lee",
         "Erin Müller", "司马相如", "Kevin Liu"]  # fmt: skip
# near the line on both sides, exactly on it, far past it, and nothing at all
SCORES = [1.523, 1.31, 1.18, 1.067, 1.004, 1.0, 0.995, 0.97, 0.955, 0.93,
          0.905, 0.88, 0.80, 0.72, 0.633, 0.5, 0.31, 0.12, 0.04, 0.0]  # fmt: skip
MANY = list(zip(NAMES, SCORES, strict=True))
FEW = [("王小明", 0.955), ("Alice Wong", 0.62)]


def teams_config(base: AppConfig, east_locale: str, west_locale: str) -> AppConfig:
    teams = {
        "east": {"channel": "CEAST", "locale": east_locale, "name_en": "East", "name_zh": "华东"},
        "west": {"channel": "CWEST", "locale": west_locale, "name_en": "West", "name_zh": "华西"},
    }
    return AppConfig.model_validate({**kpi_config(base).model_dump(), "teams": teams})


@pytest.fixture
def drawn() -> Iterator:
    """Draw a chart as the digest does (fonts and layout final), closing it afterwards."""
    figures: list[Figure] = []

    def draw(rows, title, locales) -> Figure:
        with chart_style():
            fig = draw_chart(rows, title, locales)
            figures.append(fig)
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # "Glyph … missing from font(s)" fails
                fig.canvas.draw()
        return fig

    yield draw
    for fig in figures:
        plt.close(fig)


def missing_glyphs(text: Text) -> set[str]:
    """Characters of `text` that the font matplotlib picked for it cannot draw."""
    path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
    with TTFont(str(path), fontNumber=getattr(path, "face_index", 0), lazy=True) as font:
        cmap = font.getBestCmap()
    return {ch for ch in text.get_text() if not ch.isspace() and ord(ch) not in cmap}


def texts(fig: Figure) -> list[Text]:
    ax = fig.axes[0]
    return [ax.title, ax.xaxis.label, *ax.get_yticklabels(), *ax.get_xticklabels(), *ax.texts]


def value_labels(fig: Figure) -> list[Text]:
    return [t for t in fig.axes[0].texts if t.get_text().endswith("%") and t.get_va() == "center"]


def test_chinese_names_title_and_dot_are_drawn_with_glyphs(config, drawn):
    config = teams_config(config, "zh-CN", "en-US")
    title = chart_title(config, "east", NOVEMBER, ["zh-CN"])
    assert title == "华东 · 2026年11月 · 综合得分"
    fig = drawn([("王小明", 1.067), ("李娜", 0.955), ("Alice Wong", 0.62)], title, ["zh-CN"])
    ax = fig.axes[0]
    # people by their names, best at the top (not by email handle: `xw`)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Alice Wong", "李娜", "王小明"]
    assert ax.title.get_text() == title  # not `east ? 2026-11 ? composite`
    assert ax.xaxis.label.get_text() == "综合得分（占目标的百分比）"
    assert [t.get_text() for t in value_labels(fig)] == ["62.0%", "95.5%", "106.7%"]
    assert "目标 100%" in [t.get_text() for t in ax.texts]
    for text in texts(fig):
        assert missing_glyphs(text) == set(), text.get_text()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = attainment_chart(MANY, title, ["zh-CN"])
    assert Image.open(io.BytesIO(png)).format == "PNG"


def test_english_and_bilingual_titles_and_labels(config, drawn):
    config = teams_config(config, "en-US", "bilingual")
    english = chart_title(config, "east", NOVEMBER, ["en-US"])
    assert english == "East · November 2026 · composite score"
    both = chart_title(config, "west", NOVEMBER, ["en-US", "zh-CN"])
    assert both == "West · November 2026 · composite score\n华西 · 2026年11月 · 综合得分"
    fig = drawn(FEW, both, ["en-US", "zh-CN"])
    ax = fig.axes[0]
    assert ax.xaxis.label.get_text() == "Composite score, % of target / 综合得分（占目标的百分比）"
    assert "target 100% / 目标 100%" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Alice Wong", "王小明"]
    for text in texts(fig):
        assert missing_glyphs(text) == set(), text.get_text()


@pytest.mark.parametrize(
    ("rows", "end"),
    [(MANY, 152.3 * PAST_LARGEST), (FEW, TARGET * PAST_LARGEST), ([("a", 1.0)], 112.0)],
)
def test_the_axis_ends_a_little_past_the_largest_bar(drawn, rows, end):
    fig = drawn(rows, "t", ["en-US"])
    left, right = fig.axes[0].get_xlim()
    largest = max(100.0, max(score for _, score in rows) * 100)
    assert (left, right) == (0, pytest.approx(end))
    assert largest < right <= largest * 1.15  # was 160% at least: a third of it empty


def pixels(artist, fig: Figure) -> Bbox:
    return artist.get_window_extent(fig.canvas.get_renderer())


@pytest.mark.parametrize("rows", [MANY, FEW], ids=["20 reps", "2 reps"])
@pytest.mark.parametrize("locales", [["zh-CN"], ["en-US"], ["zh-CN", "en-US"]])
def test_value_labels_clear_the_bars_and_the_target_line(drawn, rows, locales):
    fig = drawn(rows, "华东 · 2026年11月 · 综合得分", locales)
    ax = fig.axes[0]
    bars = [pixels(bar, fig) for bar in ax.patches]
    labels = [pixels(label, fig) for label in value_labels(fig)]
    [line] = ax.collections
    line_x = ax.transData.transform((TARGET, 0))[0]
    assert line.get_segments()[0][0][0] == TARGET
    assert len(labels) == len(bars) == len(rows)
    for i, label in enumerate(labels):
        own = bars[i]
        inside = label.x1 <= own.x1 + 0.5
        if inside:  # on the bar's own end, wholly within it
            assert own.x0 <= label.x0 and label.x1 <= own.x1 and own.y0 <= label.y0, i
            assert label.y1 <= own.y1, i
        for j, bar in enumerate(bars):
            if j != i or not inside:
                assert not label.overlaps(bar), (i, j)
        assert not label.x0 - 2 <= line_x <= label.x1 + 2, i  # 2 px clear of the line
        assert ax.bbox.x0 <= label.x0 and label.x1 <= ax.bbox.x1, i
        assert not any(label.overlaps(other) for other in labels[i + 1 :]), i
    # the line's own label sits above the line's top end, clear of the top bar
    [target] = [t for t in ax.texts if t.get_va() == "bottom"]
    line_top = ax.transData.transform((TARGET, line.get_segments()[0][1][1]))[1]
    assert pixels(target, fig).y0 > line_top and pixels(target, fig).y0 > max(b.y1 for b in bars)
    # the values just under and just over the line: inside and outside their bars
    bottom_up = zip(rows[::-1], value_labels(fig), strict=True)
    placed = {round(score * 100, 1): pixels(label, fig) for (_, score), label in bottom_up}
    if 100.4 in placed:
        assert placed[95.5].x1 < line_x and placed[100.4].x0 > line_x


@given(
    values=st.lists(st.floats(0, 150), min_size=1, max_size=30),
    axes_px=st.floats(450, 700),  # the chart's plot area is about 600 px wide
    label_px=st.floats(20, 40),  # "152.3%" at 8 pt is about 34 px
)
def test_placement_never_crosses_the_line_nor_leaves_the_axis(values, axes_px, label_px):
    right = axis_end(values)
    per_px = right / axes_px
    width, pad, gap = label_px * per_px, 4 * per_px, 3 * per_px
    for value in values:
        where = place_label(value, width, pad, gap, right)
        lo, hi = where.span(width)
        assert hi < TARGET - gap or lo > TARGET + gap, value
        assert lo > 0 and hi <= right, value
        if where.inside:
            assert lo >= pad and hi <= value  # within its own bar
        else:
            assert lo >= value + pad  # past its own bar's end


MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai: covers week 48


@pytest.mark.parametrize(
    ("east", "west", "east_title", "west_title"),
    [
        (
            "zh-CN",
            "en-US",
            "华东 · 2026年11月 · 综合得分",
            "West · November 2026 · composite score",
        ),
        (
            "bilingual",
            None,
            "East · November 2026 · composite score / 华东 · 2026年11月 · 综合得分",
            "West · November 2026 · composite score",
        ),
    ],
)
def test_the_digest_uploads_each_team_its_chart_in_its_language(
    deps, fake, org, east, west, east_title, west_title
):
    people = org.standard()
    deps.config = teams_config(deps.config, east, west)  # the workspace's language: en-US
    deps.clock = lambda: MONDAY
    load(deps.db, org.team_id, people)
    find_job("weekly-digest").func(deps, MONDAY)
    uploads = fake.calls_to("files.completeUploadExternal")
    titles = {c.params["channel_id"]: [f["title"] for f in c.params["files"]] for c in uploads}
    assert titles == {"CEAST": [east_title], "CWEST": [west_title]}  # was `east · 2026-11 · …`
    assert len(fake.uploads) == 2
    assert all(Image.open(io.BytesIO(png)).format == "PNG" for png in fake.uploads.values())
