"""KPI views: the scorecard, team rankings and the App Home section. Pure functions of
scorecard results; every number formatted per locale (¥1,234,567; 85.0%), never abbreviated,
each metric's figures with its own decimals; the compared period named once per card."""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

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
from bot.i18n import (
    babel_locale,
    fmt_date,
    fmt_money,
    fmt_number,
    fmt_percent,
    localized,
    t,
)
from bot.kpi.attainment import attainment, shown
from bot.kpi.scheme import SchemeUsed
from bot.kpi.scheme_views import scored_with
from bot.kpi.scorecard import MetricResult, Scorecard, Standing
from bot.kpi.spans import span_label

BAR_WIDTH = 10
SPARKS = "▁▂▃▄▅▆▇█"
MAX_LIST_LINES = 100  # people listed in one reply; the rest are "…and N more"


def fmt_value(metric: MetricConfig, value: Decimal | None, locale: str) -> str:
    """A metric figure (value, target, change) in its unit with the metric's decimals."""
    if value is None:
        return t("value.none", locale)
    value = shown(metric, value)
    assert value is not None
    digits = metric.decimals or 0
    if metric.unit == "%":
        return f"{fmt_number(value, locale, digits)}%"
    if metric.unit in ("count", "score"):
        return fmt_number(value, locale, digits)
    return fmt_money(value, metric.unit, locale, digits)


def fmt_change(metric: MetricConfig, change: Decimal | None, locale: str) -> str:
    """`↑ ¥90,001`, `↓ 0.5`, `→ 0`: the arrow carries the sign, decided on the shown figure."""
    if change is None:
        return ""
    rounded = shown(metric, change)
    assert rounded is not None
    arrow = "↑" if rounded > 0 else "↓" if rounded < 0 else "→"
    return f"{arrow} {fmt_value(metric, abs(rounded), locale)}"


def shown_ratio(ratio: Decimal | float) -> Decimal:
    """An attainment as shown (to 0.1%); just under 100% never reads as 100.0%."""
    exact = Decimal(str(ratio))
    rounded = exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if exact < 1 <= rounded:
        return exact.quantize(Decimal("0.001"), rounding=ROUND_FLOOR)
    return rounded


def bar(ratio: Decimal | float | None) -> str:
    """Ten cells, each a full tenth: the bar is full only at 100% and over."""
    if ratio is None:
        filled = 0
    else:
        tenths = (shown_ratio(ratio) * BAR_WIDTH).to_integral_value(rounding=ROUND_FLOOR)
        filled = max(0, min(BAR_WIDTH, int(tenths)))
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def pct(ratio: Decimal | float | None, locale: str) -> str:
    return t("value.none", locale) if ratio is None else fmt_percent(shown_ratio(ratio), locale)


def points(delta: float | None, locale: str) -> str:
    """`↑ 16.7 pts`: the change of a composite in percentage points, sign in the arrow."""
    if delta is None:
        return ""
    value = Decimal(str(abs(delta) * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    arrow = "→" if value == 0 else "↑" if delta > 0 else "↓"
    return t("kpi.points", locale, arrow=arrow, delta=fmt_number(value, locale, 1))


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


def compared_text(card: Scorecard, locale: str) -> str:
    """`Change (↑ ↓) vs the first 26 days of October`: once per card."""
    whole = period_label(card.compared.period, locale)
    span = span_label(card.compared, card.period, locale, whole)
    return t("kpi.compared", locale, span=span)


def _pace_line(m: MetricResult, kind: str, locale: str) -> str:
    """`On pace: 103.8% · 90.0% of the month's target so far` for a sum in progress."""
    if m.pace is None or m.target is None or m.elapsed is None or m.elapsed[0] >= m.elapsed[1]:
        return ""
    key = "kpi.pace" if m.metric.higher_is_better else "kpi.pace_lower"
    share = (m.actual or Decimal(0)) / m.target
    kind_word = t(f"kpi.kind.{kind}", locale)
    return t(key, locale, pace=pct(m.pace, locale), share=pct(share, locale), kind=kind_word)


def _change(m: MetricResult, locale: str) -> str:
    if m.actual is None and m.target is None and m.previous is None:
        return ""
    if m.previous is None:
        return t("kpi.no_previous", locale)
    return fmt_change(m.metric, m.change, locale)


def _metric_block(m: MetricResult, kind: str, locale: str) -> Block:
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
    change = _change(m, locale)
    if change:
        second += " · " + change
    pace = _pace_line(m, kind, locale)
    return section(f"{first}\n{second}" + (f"\n{pace}" if pace else ""))


def standing_text(card: Scorecard, locale: str) -> str:
    if card.standing is None:
        return t("kpi.no_targets", locale)
    s = card.standing
    text = t("kpi.composite", locale, score=pct(s.composite, locale))
    if card.previous_composite is None:
        text += "  " + t("kpi.no_previous", locale)
    else:
        text += "  " + points(card.composite_change, locale)
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
    blocks: list[Block] = [
        header(t(title_key, locale, name=card.user.name, period=period)),
        context(compared_text(card, locale)),
        section(standing_text(card, locale)),
    ]
    blocks.extend(_metric_block(m, card.period.kind, locale) for m in card.metrics)
    if card.scheme is not None:
        blocks.append(context(scored_with(card.scheme, locale)))
    blocks.append(context(t("kpi.footer", locale)))
    return blocks


def scorecard_message(card: Scorecard, locale: str, *, own: bool) -> dict:
    blocks = scorecard_blocks(card, locale, own=own)
    if not card.has_data:
        period = period_label(card.period, locale)
        text = t("kpi.empty", locale, period=period)
        return message(text, [blocks[0], section(text)])
    lines = [standing_text(card, locale), compared_text(card, locale)]
    for m in card.metrics:
        value = fmt_value(m.metric, m.actual, locale)
        lines.append(t("value.labelled", locale, label=localized(m.metric, locale), value=value))
    if card.scheme is not None:
        lines.append(scored_with(card.scheme, locale))
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
    scheme: SchemeUsed | None = None,
) -> dict:
    period_text = period_label(period, locale)
    head = header(t("kpi.team_title", locale, team=title, period=period_text))
    if not rows:
        text = t("kpi.team_empty", locale, team=title, period=period_text)
        return message(text, [head, section(text)])
    lines = ranking_lines(rows[:MAX_LIST_LINES], locale, rank_of=rank_of, details=details)
    note_text = t("kpi.team_note" if details else "kpi.team_note_rep", locale)
    if scheme is not None:  # scored with an earlier scheme: say which
        note_text += "\n" + scored_with(scheme, locale)
    note = context(note_text)
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
    lines = []
    for m in card.metrics:
        if m.actual is None and m.target is None:
            continue
        lines.append(
            f"`{bar(m.attainment)}` {pct(m.attainment, locale)}  *{localized(m.metric, locale)}* "
            f"{fmt_value(m.metric, m.actual, locale)}"
        )
    blocks.append(context(compared_text(card, locale)))
    blocks.append(section(standing_text(card, locale)))
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
