"""KPI views: the scorecard, team rankings and the App Home section. Pure functions of
scorecard results; every number formatted per locale (¥1,234,567; 85.0%), never abbreviated."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel import dates as babel_dates

from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    SECTION_BUDGET,
    Block,
    context,
    divider,
    fit,
    header,
    message,
    section,
)
from bot.core.config import MetricConfig
from bot.core.periods import Period
from bot.i18n import babel_locale, fmt_date, fmt_money, fmt_number, fmt_percent, localized, t
from bot.kpi.attainment import attainment
from bot.kpi.scorecard import MetricResult, Scorecard, Standing

BAR_WIDTH = 10
SPARKS = "▁▂▃▄▅▆▇█"
MAX_LIST_LINES = 100  # people listed in one reply; the rest are "…and N more"


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fmt_value(metric: MetricConfig, value: Decimal | None, locale: str) -> str:
    """A metric value in its unit. Sums, maxima and last values are exact to their input;
    averages (and prorated targets) are rounded for reading."""
    if value is None:
        return t("value.none", locale)
    if metric.aggregate == "avg":
        value = _round(value, 1 if metric.unit == "%" else 2)
    value = value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))
    if metric.unit == "%":
        return f"{fmt_number(value, locale)}%"
    if metric.unit in ("count", "score"):
        return fmt_number(value, locale)
    return fmt_money(value, metric.unit, locale)


def fmt_change(metric: MetricConfig, change: Decimal | None, locale: str) -> str:
    if change is None:
        return ""
    if metric.aggregate == "avg":  # decide the arrow on what is shown: +0.004 reads "→ 0"
        change = _round(change, 1 if metric.unit == "%" else 2)
    arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    sign = "+" if change > 0 else "-" if change < 0 else ""
    return f"{arrow} {sign}{fmt_value(metric, abs(change), locale)}"


def bar(ratio: Decimal | float | None) -> str:
    filled = 0 if ratio is None else max(0, min(BAR_WIDTH, round(float(ratio) * BAR_WIDTH)))
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def pct(ratio: Decimal | float | None, locale: str) -> str:
    return t("value.none", locale) if ratio is None else fmt_percent(Decimal(str(ratio)), locale)


def points(delta: float | None, locale: str) -> str:
    if delta is None:
        return ""
    arrow = "↑" if delta > 0.0005 else "↓" if delta < -0.0005 else "→"
    value = fmt_number(Decimal(str(abs(delta) * 100)), locale, 1)
    sign = "+" if delta > 0.0005 else "-" if delta < -0.0005 else "±"
    return t("kpi.points", locale, arrow=arrow, delta=f"{sign}{value}")


def period_label(period: Period, locale: str) -> str:
    babel = babel_locale(locale)
    if period.kind == "month":
        return babel_dates.format_skeleton("yMMMM", period.start, locale=babel)
    if period.kind == "quarter":
        return t("kpi.period.quarter", locale, year=period.start.year, q=period.key[-1])
    if period.kind == "year":
        return t("kpi.period.year", locale, year=period.start.year)
    return t(
        "kpi.period.week",
        locale,
        week=int(period.key.split("W")[1]),
        year=period.key[:4],
        start=fmt_date(period.start, locale),
        end=fmt_date(period.end, locale),
    )


def _metric_block(m: MetricResult, locale: str, previous_label: str) -> Block:
    name = localized(m.metric, locale)
    direction = "" if m.metric.higher_is_better else f" {t('kpi.lower_is_better', locale)}"
    att = m.attainment
    first = f"*{name}*{direction}  `{bar(att)}` {pct(att, locale)}"
    if m.target is not None:
        second = t(
            "kpi.actual_of_target",
            locale,
            actual=fmt_value(m.metric, m.actual or Decimal(0), locale),
            target=fmt_value(m.metric, m.target, locale),
        )
    else:
        second = t("kpi.actual_no_target", locale, actual=fmt_value(m.metric, m.actual, locale))
    change = fmt_change(m.metric, m.change, locale)
    if change:
        second += " · " + t("kpi.vs_previous", locale, change=change, previous=previous_label)
    return section(f"{first}\n{second}")


def standing_text(card: Scorecard, locale: str, previous_label: str) -> str:
    if card.standing is None:
        return t("kpi.no_targets", locale)
    s = card.standing
    text = t("kpi.composite", locale, score=pct(s.composite, locale))
    delta = points(card.composite_change, locale)
    if delta:
        text += "  " + t("kpi.vs_previous", locale, change=delta, previous=previous_label)
    ranks = t(
        "kpi.ranks",
        locale,
        team_rank=s.team_rank,
        team_size=s.team_size,
        team=s.team or t("value.none", locale),
        company_rank=s.company_rank,
        company_size=s.company_size,
    )
    return f"{text}\n{ranks}"


def scorecard_blocks(card: Scorecard, locale: str, *, own: bool) -> list[Block]:
    title_key = "kpi.title_own" if own else "kpi.title_other"
    period = period_label(card.period, locale)
    previous = period_label(card.period.previous(), locale)
    blocks: list[Block] = [
        header(t(title_key, locale, name=card.user.name, period=period)),
        section(standing_text(card, locale, previous)),
    ]
    blocks.extend(_metric_block(m, locale, previous) for m in card.metrics)
    blocks.append(context(t("kpi.footer", locale)))
    return blocks


def scorecard_message(card: Scorecard, locale: str, *, own: bool) -> dict:
    blocks = scorecard_blocks(card, locale, own=own)
    if not card.has_data:
        period = period_label(card.period, locale)
        text = t("kpi.empty", locale, period=period)
        return message(text, [blocks[0], section(text)])
    lines = [standing_text(card, locale, period_label(card.period.previous(), locale))]
    for m in card.metrics:
        value = fmt_value(m.metric, m.actual, locale)
        lines.append(t("value.labelled", locale, label=localized(m.metric, locale), value=value))
    return message("\n".join(lines), blocks)


def ranking_lines(
    rows: list[Standing],
    locale: str,
    *,
    rank_of: str,
    details: dict[int, str] | None = None,
) -> list[str]:
    """'1. <@U1> 106.7%' lines; `rank_of` picks team, company or position in the list."""
    lines = []
    for i, s in enumerate(rows, start=1):
        rank = {"team": s.team_rank, "company": s.company_rank}.get(rank_of, i)
        line = f"{rank}. <@{s.slack_id}>  `{bar(s.composite)}` {pct(s.composite, locale)}"
        if details and s.user_id in details:
            line += f"\n      {details[s.user_id]}"
        lines.append(line)
    return lines


def list_blocks(
    lines: list[str], locale: str, room: int, *, total: int | None = None
) -> list[Block]:
    """Lines packed into at most `room` sections of under SECTION_BUDGET characters; what
    doesn't fit (and anything beyond the `total` already cut off) becomes a last '…and N more' line."""
    total = max(total or 0, len(lines))
    sections: list[list[str]] = [[]]
    size = 0
    shown = 0
    for line in lines:
        if size + len(line) + 1 > SECTION_BUDGET:
            if len(sections) == max(1, room):
                break
            sections.append([])
            size = 0
        sections[-1].append(line)
        size += len(line) + 1
        shown += 1
    if shown < total:
        more = t("kpi.and_more", locale, count=total - shown)
        last = sections[-1]
        while last and size + len(more) + 1 > SECTION_BUDGET:  # make room for the note
            size -= len(last.pop()) + 1
            shown -= 1
            more = t("kpi.and_more", locale, count=total - shown)
        last.append(more)
    return [section("\n".join(lines_)) for lines_ in sections if lines_]


def team_message(
    *,
    title: str,
    period: Period,
    rows: list[Standing],
    locale: str,
    rank_of: str,
    details: dict[int, str] | None,
    total: int | None = None,
) -> dict:
    period_text = period_label(period, locale)
    head = header(t("kpi.team_title", locale, team=title, period=period_text))
    if not rows:
        text = t("kpi.team_empty", locale, team=title, period=period_text)
        return message(text, [head, section(text)])
    lines = ranking_lines(rows[:MAX_LIST_LINES], locale, rank_of=rank_of, details=details)
    note = context(t("kpi.team_note" if details else "kpi.team_note_rep", locale))
    body = list_blocks(lines, locale, MAX_MESSAGE_BLOCKS - 2, total=total or len(rows))
    blocks = [head, *body, note]
    fallback = "\n".join(lines[:40])
    return message(
        f"{t('kpi.team_title', locale, team=title, period=period_text)}\n{fallback}",
        fit(blocks, MAX_MESSAGE_BLOCKS),
    )


def detail_line(
    values: dict[str, tuple[Decimal | None, Decimal | None]],
    metrics: list[MetricConfig],
    locale: str,
) -> str:
    parts = []
    for metric in metrics:
        actual, target = values.get(metric.key, (None, None))
        if target is None and actual is None:
            continue
        parts.append(
            f"{localized(metric, locale)} {pct(attainment(metric, actual, target), locale)}"
        )
    return " · ".join(parts)


def sparkline(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return ""
    top = max(max(known), 1.0)
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, int(v / top * (len(SPARKS) - 1)))]
        for v in values
    )


def home_blocks(
    card: Scorecard, trend: list[tuple[Period, float | None]], locale: str
) -> list[Block]:
    period = period_label(card.period, locale)
    blocks: list[Block] = [header(t("kpi.home_title", locale, period=period))]
    if not card.has_data:
        return [*blocks, section(t("kpi.empty", locale, period=period)), divider()]
    previous = period_label(card.period.previous(), locale)
    lines = []
    for m in card.metrics:
        if m.actual is None and m.target is None:
            continue
        lines.append(
            f"`{bar(m.attainment)}` {pct(m.attainment, locale)}  *{localized(m.metric, locale)}* "
            f"{fmt_value(m.metric, m.actual, locale)}"
        )
    blocks.append(section(standing_text(card, locale, previous)))
    if lines:
        blocks.append(section("\n".join(lines)))
    months = " · ".join(
        f"{babel_dates.format_skeleton('MMM', p.start, locale=babel_locale(locale))} {pct(v, locale)}"
        for p, v in trend
    )
    spark = sparkline([v for _, v in trend])
    blocks.append(context(t("kpi.trend", locale, spark=spark, months=months)))
    blocks.append(context(t("kpi.home_hint", locale)))
    blocks.append(divider())
    return blocks
