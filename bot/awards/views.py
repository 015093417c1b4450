"""Block Kit for awards: the celebration card in the announcements channel, the winner's DM,
HR's candidates card with its Announce button and selects, the reason modal, `/award help`.
Pure functions of plain values (a Candidate is JSON-safe figures); numbers are formatted as
/kpi formats them (bot.kpi.views)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.awards.candidates import Candidate
from bot.core.awards_config import AwardConfig
from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    context,
    divider,
    fit,
    header,
    message,
    modal,
    plain,
    section,
)
from bot.core.config import AppConfig
from bot.core.periods import Period
from bot.core.safe_text import quoted, safe_text
from bot.i18n import fmt_number, label, localized, t
from bot.kpi.scorecard import attainment
from bot.kpi.views import fmt_value, pct, period_label
from bot.org.teams import team_name

ANNOUNCE = "award_announce"  # HR card: announce the candidate (value: their Slack id)
PICK_CANDIDATE = "award_pick_candidate"  # static_select of the other candidates
PICK_USER = "award_pick_user"  # users_select: anyone
MODAL = "award_reason_modal"
B_REASON, A_REASON = "award_reason", "value"
BLOCK_PREFIX = "award|"  # the actions block of one award on HR's card: award|<key>|<month>


def month_text(period: Period, locale: str) -> str:
    return period_label(period, locale)


def award_block_id(award_key: str, month: str) -> str:
    return f"{BLOCK_PREFIX}{award_key}|{month}"


def parse_block_id(block_id: str) -> tuple[str, str] | None:
    """(award key, month) from an HR card's actions block id, or None (not ours)."""
    parts = block_id.split("|")
    if len(parts) != 3 or parts[0] + "|" != BLOCK_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def criterion_text(config: AppConfig, award: AwardConfig, locale: str) -> str:
    if award.criterion == "kudos":
        return t("awards.criterion.kudos", locale)
    metric = config.metric(award.metric_key) if award.metric_key else None
    if metric is None:
        return t("awards.criterion.composite", locale)
    key = "awards.criterion.metric" if metric.higher_is_better else "awards.criterion.metric_lower"
    return t(key, locale, metric=localized(metric, locale))


def numbers(config: AppConfig, award: AwardConfig, c: Candidate | None, locale: str) -> str:
    """The figures behind an award, as /kpi shows them: the composite with the company and
    team ranks; a metric's actual of its target and the attainment; the kudos received."""
    if c is None:
        return t("awards.card.no_numbers", locale)
    if award.criterion == "kudos":
        return t("awards.card.kudos", locale, count=fmt_number(c.kudos or 0, locale))
    metric = config.metric(award.metric_key) if award.metric_key else None
    if metric is not None:
        actual = Decimal(c.actual) if c.actual is not None else None
        name = localized(metric, locale)
        if c.target is None:
            return t(
                "awards.card.metric_no_target",
                locale,
                metric=name,
                actual=fmt_value(metric, actual, locale),
            )
        target = Decimal(c.target)
        return t(
            "awards.card.metric",
            locale,
            metric=name,
            actual=fmt_value(metric, actual, locale),
            target=fmt_value(metric, target, locale),
            attainment=pct(attainment(metric, actual, target), locale),
        )
    if c.composite is None:
        return t("awards.card.no_numbers", locale)
    return t(
        "awards.card.composite",
        locale,
        score=pct(c.composite, locale),
        company_rank=c.company_rank,
        company_size=c.company_size,
        team_rank=c.team_rank,
        team_size=c.team_size,
        team=team_name(config, c.team, locale) if c.team else t("value.none", locale),
    )


def auto_reason(
    config: AppConfig, award: AwardConfig, period: Period, c: Candidate, locales: Sequence[str]
) -> str:
    """The reason the Announce button gives, from the criterion and the numbers, in each of
    the announcements channel's languages: "Top composite score of November 2026: 106.7%"."""
    parts = []
    for locale in locales:
        month = month_text(period, locale)
        metric = config.metric(award.metric_key) if award.metric_key else None
        if award.criterion == "kudos":
            text = t(
                "awards.reason.kudos", locale, month=month, count=fmt_number(c.kudos or 0, locale)
            )
        elif metric is not None:
            value = fmt_value(metric, Decimal(c.actual) if c.actual else None, locale)
            text = t(
                "awards.reason.metric",
                locale,
                month=month,
                metric=localized(metric, locale),
                value=value,
            )
        else:
            score = pct(c.composite, locale)
            text = t("awards.reason.composite", locale, month=month, score=score)
        parts.append(text)
    return " / ".join(parts)


def _prize(award: AwardConfig, locale: str) -> str | None:
    en, zh = award.prize_en or award.prize_zh, award.prize_zh or award.prize_en
    prize = label(en or "", zh or "", locale)
    return t("awards.card.prize", locale, prize=prize) if prize else None


@dataclass(frozen=True)
class Shown:
    """One announced award as a card shows it."""

    award: AwardConfig
    period: Period
    winner: str  # Slack id
    reason: str  # as typed (made safe here)
    figures: Candidate | None


def announcement_card(config: AppConfig, locales: Sequence[str], a: Shown) -> dict[str, Any]:
    """The celebration card in the announcements channel's language(s): in a bilingual
    channel the title, numbers and prize in each language, the reason (HR's own words)
    once."""
    parts = []
    for locale in locales:
        lines = [
            t(
                "awards.card.title",
                locale,
                emoji=a.award.emoji,
                award=localized(a.award, locale),
                month=month_text(a.period, locale),
                winner=f"<@{a.winner}>",
            ),
            numbers(config, a.award, a.figures, locale),
        ]
        prize = _prize(a.award, locale)
        if prize:
            lines.append(prize)
        parts.append("\n".join(lines))
    why = " / ".join(t("awards.card.reason", locale) for locale in locales)
    reason = safe_text(a.reason)
    blocks = [section(part) for part in parts]
    blocks.append(section(f"{why}\n{quoted(reason)}"))
    return {"text": "\n".join([*parts, reason]), "blocks": blocks}


def winner_dm(config: AppConfig, locale: str, a: Shown, channel: str) -> dict[str, Any]:
    """The winner's DM in their language: the award, the numbers, the reason, the prize."""
    title = t(
        "awards.dm.title",
        locale,
        emoji=a.award.emoji,
        award=localized(a.award, locale),
        month=month_text(a.period, locale),
    )
    lines = [title, numbers(config, a.award, a.figures, locale)]
    prize = _prize(a.award, locale)
    if prize:
        lines.append(prize)
    lines.append(t("awards.dm.where", locale, channel=f"<#{channel}>"))
    reason = safe_text(a.reason)
    head = "\n".join(lines)
    body = f"{head}\n{t('awards.card.reason', locale)}\n{quoted(reason)}"
    return {"text": f"{head}\n{reason}", "blocks": [section(body)]}


def announced_line(locale: str, winner: str, by: str | None) -> str:
    if by is None:
        return t("awards.hr.announced_by_operator", locale, winner=f"<@{winner}>")
    return t("awards.hr.announced", locale, winner=f"<@{winner}>", who=f"<@{by}>")


def announced_reply(locale: str, a: Shown, channel: str) -> dict[str, Any]:
    text = t(
        "awards.command.done",
        locale,
        emoji=a.award.emoji,
        award=localized(a.award, locale),
        month=month_text(a.period, locale),
        winner=f"<@{a.winner}>",
        channel=f"<#{channel}>",
    )
    return message(text, [section(text)])


# --- HR's candidates card --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One award on HR's card: its candidates best first, and who announced it if anyone."""

    award: AwardConfig
    candidates: list[Candidate]
    announced: tuple[str, str | None] | None = None  # (winner, by: Slack ids; by None: CLI)
    names: dict[str, str] | None = None  # Slack id -> name, for the select's options


def _candidate_line(config: AppConfig, e: Entry, i: int, locale: str) -> str:
    c = e.candidates[i]
    key = "awards.hr.candidate" if i == 0 else "awards.hr.runner_up"
    return t(key, locale, who=f"<@{c.slack_id}>", numbers=numbers(config, e.award, c, locale))


def _award_actions(e: Entry, month: str, locale: str) -> Block:
    elements: list[Block] = []
    if e.candidates:
        first = e.candidates[0].slack_id
        elements.append(button(t("awards.hr.announce", locale), ANNOUNCE, first, "primary"))
    others = [
        {
            "text": plain(f"{i + 1}. {(e.names or {}).get(c.slack_id, c.slack_id)}", 75),
            "value": c.slack_id,
        }
        for i, c in enumerate(e.candidates[1:], start=1)
    ]
    if others:
        elements.append(
            {
                "type": "static_select",
                "action_id": PICK_CANDIDATE,
                "placeholder": plain(t("awards.hr.someone_else", locale), 150),
                "options": others[:100],
            }
        )
    elements.append(
        {
            "type": "users_select",
            "action_id": PICK_USER,
            "placeholder": plain(t("awards.hr.anyone", locale), 150),
        }
    )
    return actions(*elements, block_id=award_block_id(e.award.key, month))


def award_blocks(config: AppConfig, e: Entry, period: Period, locale: str) -> list[Block]:
    """One award on HR's card: its criterion, candidate and runner-up with their numbers,
    and the Announce button and selects (or who announced it)."""
    title = t(
        "awards.hr.award",
        locale,
        emoji=e.award.emoji,
        award=localized(e.award, locale),
        criterion=criterion_text(config, e.award, locale),
    )
    if e.candidates:
        lines = [_candidate_line(config, e, i, locale) for i in range(min(2, len(e.candidates)))]
    else:
        lines = [t("awards.hr.none", locale, month=month_text(period, locale))]
    blocks = [section("\n".join([title, *lines]))]
    if e.announced is not None:
        blocks.append(context(announced_line(locale, *e.announced)))
    else:
        blocks.append(_award_actions(e, period.key, locale))
    return blocks


def candidates_card(
    config: AppConfig, period: Period, entries: Sequence[Entry], locale: str
) -> dict[str, Any]:
    """HR's DM: per award the candidate and runner-up with their numbers and the Announce
    button (and the selects to choose someone else), within Slack's 50 blocks."""
    month = month_text(period, locale)
    blocks: list[Block] = [
        header(t("awards.hr.title", locale, month=month)),
        context(t("awards.hr.intro", locale, month=month)),
    ]
    if not entries:
        blocks.append(section(t("awards.hr.no_awards", locale)))
    room = MAX_MESSAGE_BLOCKS - len(blocks)
    body: list[Block] = []
    shown = 0
    for e in entries:
        part = [divider(), *award_blocks(config, e, period, locale)]
        if len(body) + len(part) > room - 1:
            break
        body.extend(part)
        shown += 1
    if shown < len(entries):
        body.append(context(t("awards.hr.more", locale, count=len(entries) - shown)))
    text = t("awards.hr.title", locale, month=month)
    return {"text": text, "blocks": fit(blocks + body, MAX_MESSAGE_BLOCKS)}


def reason_modal(
    locale: str, *, award: AwardConfig, period: Period, winner: str, metadata: dict[str, Any]
) -> dict[str, Any]:
    """Announce someone HR chose: the reason is required."""
    intro = t(
        "awards.modal.intro",
        locale,
        emoji=award.emoji,
        award=localized(award, locale),
        month=month_text(period, locale),
        winner=f"<@{winner}>",
    )
    reason = {
        "type": "input",
        "block_id": B_REASON,
        "label": plain(t("awards.modal.reason", locale), 2000),
        "hint": plain(t("awards.modal.reason_hint", locale), 2000),
        "element": {
            "type": "plain_text_input",
            "action_id": A_REASON,
            "multiline": True,
            "max_length": 2000,
        },
    }
    return modal(
        MODAL,
        title=t("awards.modal.title", locale),
        submit=t("awards.modal.submit", locale),
        close=t("awards.modal.close", locale),
        blocks=[section(intro), reason],
        metadata=metadata,
    )


def usage(config: AppConfig, locale: str, problem: str | None = None) -> dict[str, Any]:
    """`/award help`: the usage, and each configured award with its criterion and prize; a
    wrong `/award` gets the same, after what was wrong."""
    lines = [problem] if problem else []
    lines.append(t("awards.command.usage", locale))
    if config.awards:
        lines.append(t("awards.command.awards", locale))
        for award in config.awards:
            prize = _prize(award, locale)
            line = t(
                "awards.command.award_line",
                locale,
                emoji=award.emoji,
                code=award.key,
                award=localized(award, locale),
                criterion=criterion_text(config, award, locale),
            )
            lines.append(line + (f" · {prize}" if prize else ""))
    else:
        lines.append(t("awards.command.no_awards", locale))
    text = "\n".join(lines)
    return message(text, [section(text)])
