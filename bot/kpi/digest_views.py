"""Weekly digest messages: the team channel post and each rep's DM. Always within Slack's
block limits whatever the team size (long lists end with '…and N more')."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Block,
    context,
    divider,
    fields,
    fit,
    header,
    section,
)
from bot.core.config import MetricConfig
from bot.core.periods import Period
from bot.i18n import fmt_date, localized, t
from bot.kpi.scorecard import Scorecard, Standing
from bot.kpi.views import (
    bar,
    fmt_value,
    list_blocks,
    pct,
    period_label,
    points,
    ranking_lines,
    scorecard_blocks,
)

LEADERBOARD_LINES = 15  # in a channel, the top of the list; the rest is "…and N more"


# What the digest computes and these views render: plain values (bot.kpi.digest builds them).
@dataclass(frozen=True)
class WeekKudos:
    """Kudos that praised anyone in a team this week (each counted once), top values first."""

    count: int
    top_values: list[tuple[str, int]]  # (value label in the channel's language, count)


@dataclass(frozen=True)
class WeekFeedback:
    """What a rep received this week: kudos, and feedback they may read, counted by kind."""

    kudos: int
    by_kind: dict[str, int]


@dataclass(frozen=True)
class Tip:
    """One next step for a rep: a kpi.tip.* key and its parameters (a metric, numbers)."""

    key: str
    params: dict[str, object]


def team_digest(
    *,
    team: str,
    month: Period,
    week: Period,
    board: list[Standing],
    attainment: dict[str, Decimal | None],
    metrics: list[MetricConfig],
    movers: list[tuple[str, float]],
    kudos: WeekKudos,
    locale: str,
) -> tuple[str, list[Block]]:
    month_text = period_label(month, locale)
    title = t("digest.team_title", locale, team=team, week=period_label(week, locale))
    blocks: list[Block] = [header(title)]
    blocks.append(section(t("digest.leaderboard", locale, period=month_text)))
    lines = ranking_lines(board[:LEADERBOARD_LINES], locale, rank_of="team")
    if lines:
        blocks.extend(list_blocks(lines, locale, 2, total=len(board)))
    else:
        blocks.append(section(t("kpi.team_empty", locale, team=team, period=month_text)))
    pairs = [
        (
            localized(m, locale),
            f"`{bar(attainment.get(m.key))}` {pct(attainment.get(m.key), locale)}",
        )
        for m in metrics
        if attainment.get(m.key) is not None
    ]
    if pairs:
        blocks.append(section(t("digest.team_attainment", locale)))
        blocks.extend(fields(pairs))
    if movers:
        mover_lines = [f"<@{slack_id}> {points(delta, locale)}" for slack_id, delta in movers]
        blocks.append(section(t("digest.movers", locale) + "\n" + "\n".join(mover_lines)))
    blocks.append(section(kudos_line(kudos, locale)))
    blocks.append(context(t("digest.team_footer", locale)))
    text = f"{title}\n" + "\n".join(lines[:LEADERBOARD_LINES])
    return text[:MAX_SECTION_TEXT], fit(blocks, MAX_MESSAGE_BLOCKS)


def tip_text(tip: Tip | None, locale: str) -> str:
    if tip is None:
        return ""
    p = dict(tip.params)
    metric: MetricConfig | None = p.get("metric")  # type: ignore[assignment]
    if metric is not None:
        p["metric"] = localized(metric, locale)
        for key in ("actual", "target", "gap", "per_day"):
            if key in p:
                value = p[key]
                if key == "per_day":
                    value = Decimal(value).quantize(Decimal("0.01"))
                p[key] = fmt_value(metric, value, locale)
    if "attainment" in p:
        p["attainment"] = pct(p["attainment"], locale)
    if "end" in p:
        p["end"] = fmt_date(p["end"], locale)
    return t(tip.key, locale, **p)


def rep_digest(
    *,
    card: Scorecard,
    week_card: Scorecard,
    tip: Tip | None,
    feedback: WeekFeedback,
    locale: str,
    notes: Sequence[str] = (),
) -> tuple[str, list[Block]]:
    """`notes`: other features' lines for the rep (e.g. open review tasks), one section each."""
    week_text = period_label(week_card.period, locale)
    title = t("digest.rep_title", locale, week=week_text)
    blocks = scorecard_blocks(card, locale, own=True)[:-1]  # without the "only you" footer
    blocks.insert(0, section(f"*{title}*"))
    if week_card.composite is not None:
        line = t("digest.rep_week", locale, score=pct(week_card.composite, locale))
        if week_card.previous_composite is None:
            line += "  " + t("kpi.no_previous", locale)
        else:
            line += "  " + points(week_card.composite_change, locale)
        blocks.append(section(line))
    blocks.append(section(feedback_line(feedback, locale)))
    blocks.extend(section(note) for note in notes)
    advice = tip_text(tip, locale)
    if advice:
        blocks.append(divider())
        blocks.append(section(t("digest.next_step", locale) + "\n" + advice))
    blocks.append(context(t("digest.rep_footer", locale)))
    text = f"{title}\n{advice}" if advice else title
    return text, fit(blocks, MAX_MESSAGE_BLOCKS)


def kudos_line(kudos: WeekKudos, locale: str) -> str:
    if not kudos.count:
        return t("digest.kudos_none", locale)
    values = t("value.separator", locale).join(f"{label} ×{n}" for label, n in kudos.top_values)
    key = "digest.kudos_values" if values else "digest.kudos_count"
    return t(key, locale, count=kudos.count, values=values)


def feedback_line(week: WeekFeedback, locale: str) -> str:
    if not week.kudos and not week.by_kind:
        return t("digest.feedback_none", locale)
    kinds = t("value.separator", locale).join(
        f"{t(f'feedback.kind.{kind}', locale)} ×{n}" for kind, n in sorted(week.by_kind.items())
    )
    return t(
        "digest.feedback_week",
        locale,
        kudos=week.kudos,
        feedback=sum(week.by_kind.values()),
        kinds=kinds or t("value.none", locale),
    )
