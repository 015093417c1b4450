"""Block Kit for the feedback overview (App Home section and /feedback list). Pure functions
of plain values; counts only where the viewer may not read the text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.blocks import (
    MAX_FIELD_TEXT,
    SECTION_BUDGET,
    Block,
    button,
    context,
    header,
    message,
    section,
)
from bot.core.safe_text import quoted, safe_text
from bot.feedback.views import ANSWER, KIND_EMOJI, kind_label, topic_line
from bot.i18n import fmt_date, t
from storage.models.feedback import KINDS


@dataclass
class ReceivedItem:
    kind: str
    giver: str | None  # None: "a colleague" (permissions.can_see_giver)
    message: str
    created: Any  # datetime
    subject: str | None = None  # set for team / held items: who it is about


@dataclass
class Overview:
    received: list[ReceivedItem] = field(default_factory=list)
    kudos_total: int = 0
    kudos_values: list[tuple[str, int]] = field(default_factory=list)
    asks: list[tuple[int, str, str, str | None, int]] = field(default_factory=list)
    my_requests: list[tuple[str, str | None, int, int, int]] = field(default_factory=list)
    held: list[ReceivedItem] = field(default_factory=list)
    team: list[ReceivedItem] = field(default_factory=list)
    report_counts: list[tuple[str, dict[str, int], int]] | None = None
    trend: tuple[dict[str, int], dict[str, int]] | None = None


def _age(days: int, locale: str) -> str:
    return (
        t("feedback.age_today", locale) if days <= 0 else t("feedback.age_days", locale, days=days)
    )


def _item_line(item: ReceivedItem, locale: str) -> str:
    if item.giver is None:
        who = t("feedback.item_from_anonymous", locale)
    else:
        who = t("feedback.item_from", locale, giver=f"<@{item.giver}>")
    about = f" → <@{item.subject}>" if item.subject else ""
    head = f"{KIND_EMOJI[item.kind]} *{kind_label(item.kind, locale)}*{about} · {who} · {fmt_date(item.created, locale)}"
    body = item.message if len(item.message) <= 300 else item.message[:299] + "…"
    return f"{head}\n{quoted(safe_text(body))}"


def _list_section(lines: list[str], empty: str) -> list[Block]:
    """Lines packed into as few sections as the section text limit allows."""
    if not lines:
        return [context(empty)]
    blocks, chunk = [], ""
    for line in lines:
        if chunk and len(chunk) + len(line) + 2 > SECTION_BUDGET:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n\n{line}" if chunk else line
    blocks.append(section(chunk))
    return blocks


def _counts(counts: dict[str, int], locale: str) -> str:
    return " · ".join(f"{kind_label(k, locale)} {counts.get(k, 0)}" for k in KINDS)


def overview_blocks(locale: str, ov: Overview) -> list[Block]:
    none = t("feedback.home_none", locale)
    blocks: list[Block] = [header(t("feedback.home_received", locale))]
    blocks += _list_section([_item_line(i, locale) for i in ov.received], none)
    blocks.append(header(t("feedback.home_kudos", locale)))
    blocks.append(_kudos_section(locale, ov))
    blocks.append(header(t("feedback.home_asks", locale)))
    blocks += _ask_blocks(locale, ov.asks[:10]) or [context(none)]
    if ov.my_requests:
        blocks.append(header(t("feedback.home_my_requests", locale)))
        blocks += _list_section(_my_request_lines(locale, ov.my_requests), "")
    if ov.held:
        blocks.append(header(t("feedback.home_held", locale)))
        blocks += _list_section([_item_line(i, locale) for i in ov.held], "")
    if ov.report_counts is not None:
        blocks.append(header(t("feedback.home_reports", locale)))
        lines = [
            t(
                "value.labelled",
                locale,
                label=f"<@{who}>",
                value=f"{_counts(c, locale)} · {t('feedback.kudos_count', locale, count=k)}",
            )
            for who, c, k in ov.report_counts
        ]
        blocks += _list_section(lines, none)
    if ov.team:
        blocks.append(header(t("feedback.home_team", locale)))
        blocks += _list_section([_item_line(i, locale) for i in ov.team], "")
    if ov.trend is not None:
        blocks += _trend_blocks(locale, *ov.trend)
    return blocks


def _kudos_section(locale: str, ov: Overview) -> Block:
    per_value = " · ".join(f"`#{label}` ×{n}" for label, n in ov.kudos_values)
    line = t("feedback.home_kudos_total", locale, count=ov.kudos_total)
    return section(f"{line}\n{per_value}" if per_value else line)


def _ask_blocks(locale: str, asks: list[tuple[int, str, str, str | None, int]]) -> list[Block]:
    blocks: list[Block] = []
    for ask_id, requester, subject, topic, days in asks:
        key = "feedback.home_ask" if subject == requester else "feedback.home_ask_for"
        text = t(
            key,
            locale,
            requester=f"<@{requester}>",
            subject=f"<@{subject}>",
            age=_age(days, locale),
        )
        if topic:
            text += "\n" + topic_line(topic, locale)
        blocks.append(
            section(text, accessory=button(t("feedback.give_button", locale), ANSWER, str(ask_id)))
        )
    return blocks


def _my_request_lines(
    locale: str, my_requests: list[tuple[str, str | None, int, int, int]]
) -> list[str]:
    return [
        t(
            "feedback.home_my_request",
            locale,
            subject=f"<@{subject}>",
            topic=safe_text(topic) if topic else t("value.none", locale),
            open=open_,
            answered=answered,
            age=_age(days, locale),
        )
        for subject, topic, open_, answered, days in my_requests
    ]


def _trend_blocks(locale: str, this: dict[str, int], last: dict[str, int]) -> list[Block]:
    text = "\n".join(
        t(
            "feedback.trend_line",
            locale,
            kind=kind_label(k, locale),
            this=this.get(k, 0),
            last=last.get(k, 0),
        )
        for k in KINDS
    )
    return [
        header(t("feedback.home_trend", locale)),
        section(text),
        context(t("feedback.trend_note", locale)),
    ]


def overview_message(locale: str, ov: Overview) -> dict:
    blocks = overview_blocks(locale, ov)
    text = "\n".join(b["text"]["text"] for b in blocks if isinstance(b.get("text"), dict))
    return message(text[:MAX_FIELD_TEXT], blocks)
