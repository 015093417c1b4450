"""The closing summaries as Block Kit: a rep's own reviews next to their scorecard, a
manager's team table, HR's counts. Pure functions of bot.reviews.summaries' data; every
message stays within 50 blocks and 3000 characters a section, however big the team."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bot.core.blocks import MAX_MESSAGE_BLOCKS, Block, context, divider, fit, header, section
from bot.core.config import AppConfig
from bot.core.safe_text import quoted, safe_text
from bot.i18n import fmt_number, fmt_percent, localized, t
from bot.kpi.scorecard import Scorecard
from bot.kpi.views import list_blocks, period_label, scorecard_blocks
from bot.org.teams import team_name
from bot.reviews.summaries import ReportLine, RepSummary, Shown, Statistics

K = "reviews.close."
NONE = "—"


def _message(text: str, blocks: list[Block], locale: str) -> dict:
    """A DM: a plain fallback, at most 50 blocks (the tail cut with a note)."""
    more = context(t(K + "cut", locale))
    return {"text": text, "blocks": fit(blocks, MAX_MESSAGE_BLOCKS, more)}


def _avg(value: float | None, locale: str) -> str:
    return NONE if value is None else fmt_number(Decimal(str(round(value, 1))), locale, 1)


def _rating(reviews: list[Shown], role: str, key: str, locale: str) -> str:
    values = [r.ratings[key] for r in reviews if r.role == role and key in r.ratings]
    if not values:
        return NONE
    if len(values) == 1:
        return str(values[0])
    return _avg(sum(values) / len(values), locale)


def rating_lines(config: AppConfig, reviews: list[Shown], locale: str) -> list[str]:
    """`• *Closing deals*  self 4 · manager 5 · peers 4.5` per competency."""
    with_peers = any(r.role == "peer" for r in reviews)
    lines = []
    for comp in config.reviews.competencies:
        parts = [
            t(K + "self", locale, value=_rating(reviews, "self", comp.key, locale)),
            t(K + "manager", locale, value=_rating(reviews, "manager", comp.key, locale)),
        ]
        if with_peers:
            parts.append(t(K + "peers", locale, value=_rating(reviews, "peer", comp.key, locale)))
        lines.append(f"• *{localized(comp, locale)}*  " + " · ".join(parts))
    return lines


def _comments(reviews: list[Shown], role: str, locale: str) -> list[Block]:
    blocks = []
    for review in reviews:
        if review.role != role or not (review.comment or "").strip():
            continue
        by = f" <@{review.reviewer}>" if review.reviewer else ""
        title = t(K + ("manager_comment" if role == "manager" else "peer_comment"), locale)
        blocks.append(section(f"*{title}*{by}\n{quoted(safe_text(review.comment or ''))}"))
    return blocks


def _team_named(config: AppConfig, card: Scorecard, locale: str) -> Scorecard:
    """The card with the rep's team by its name in `locale` (East / 华东), not its key."""
    standing = card.standing
    if standing is None or standing.team is None:
        return card
    return replace(card, standing=replace(standing, team=team_name(config, standing.team, locale)))


def rep_summary(config: AppConfig, cycle_name: str, summary: RepSummary, locale: str) -> dict:
    title = t(K + "rep_title", locale, cycle=cycle_name)
    lines = rating_lines(config, summary.reviews, locale)
    blocks: list[Block] = [header(title), section("\n".join(lines))]
    if not summary.reviews:
        blocks.append(context(t(K + "no_reviews", locale)))
    blocks += _comments(summary.reviews, "manager", locale)
    blocks += _comments(summary.reviews, "peer", locale)
    blocks += [section(note) for note in summary.notes]
    if summary.card is not None:
        blocks.append(divider())
        if summary.card.has_data:
            blocks += scorecard_blocks(_team_named(config, summary.card, locale), locale, own=True)
        else:
            period = period_label(summary.card.period, locale)
            blocks.append(section(t("kpi.empty", locale, period=period)))
    return _message(title + "\n" + "\n".join(lines), blocks, locale)


def report_line(line: ReportLine, locale: str) -> str:
    composite = NONE if line.composite is None else fmt_percent(line.composite, locale)
    return t(
        K + "report_line",
        locale,
        user=f"<@{line.rep.slack_id}>",
        done=line.done,
        total=line.total,
        self=_avg(line.self_avg, locale),
        manager=_avg(line.manager_avg, locale),
        composite=composite,
    )


def team_summary(cycle_name: str, lines: list[ReportLine], locale: str) -> dict:
    title = t(K + "team_title", locale, cycle=cycle_name)
    done = sum(line.done for line in lines)
    total = sum(line.total for line in lines)
    intro = t(K + "team_intro", locale, reports=len(lines), done=done, total=total)
    rows = [report_line(line, locale) for line in lines]
    blocks = [header(title), section(intro)]
    blocks += list_blocks(rows, locale, MAX_MESSAGE_BLOCKS - len(blocks))
    return _message(f"{title}\n{intro}", blocks, locale)


def statistics(
    config: AppConfig, cycle_name: str, stats: Statistics, team_names: dict[str, str], locale: str
) -> dict:
    title = t(K + "hr_title", locale, cycle=cycle_name)
    share = fmt_percent(stats.done / stats.total, locale) if stats.total else NONE
    intro = t(
        K + "hr_intro",
        locale,
        done=stats.done,
        total=stats.total,
        share=share,
        cancelled=stats.cancelled,
    )
    teams = [
        t(K + "hr_team", locale, team=team_names.get(key, key), done=done, total=total)
        for key, (done, total) in sorted(stats.by_team.items())
    ]
    dist = []
    for comp in config.reviews.competencies:
        counts = stats.ratings.get(comp.key, [0] * 5)
        cells = " · ".join(f"{n}★ {count}" for n, count in enumerate(counts, start=1))
        dist.append(f"• *{localized(comp, locale)}*  {cells}")
    blocks = [header(title), section(intro)]
    blocks += list_blocks(teams, locale, 10)
    blocks.append(section(t(K + "hr_distribution", locale) + "\n" + "\n".join(dist)))
    return _message(f"{title}\n{intro}", blocks, locale)
