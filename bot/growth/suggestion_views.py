"""Suggested goals as Block Kit: the DM the development-suggestions job sends and the rows
the plan and the App Home show. Pure functions of plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    context,
    fit,
    section,
)
from bot.core.safe_text import safe_text
from bot.i18n import fmt_date, fmt_percent, t

ACCEPT = "plan_suggestion_accept"
DISMISS = "plan_suggestion_dismiss"
# where a button was clicked, so the click re-renders that message (value "<id>:<where>")
IN_DM, IN_PLAN, IN_HOME = "dm", "plan", "home"
BLOCK_PREFIX = "plan_suggestion_"  # + id: a DM's suggestions, found again to re-render it


@dataclass(frozen=True)
class SuggestionRow:
    id: int
    metric: str  # the metric's label in the reader's language
    attainment: float  # 0.62 is 62% of target
    month: str  # the month's label, e.g. "November 2026"
    due: date  # the goal's due date if accepted: the end of the next month
    course: str | None  # the linked training's title
    url: str | None
    status: str  # pending | accepted | dismissed


def goal_text(metric: str, locale: str) -> str:
    """The goal a suggestion proposes (and becomes when accepted), in `locale`."""
    return t("plan.suggest.goal", locale, metric=_lower_first(metric, locale))


def _lower_first(label: str, locale: str) -> str:
    """Mid-sentence, 'Conversion rate' reads 'conversion rate'; 'CSAT' stays as it is."""
    if locale.startswith("zh") or len(label) < 2 or not label[1:2].islower():
        return label
    return label[:1].lower() + label[1:]


@lru_cache(maxsize=256)
def _day(day: date, locale: str) -> str:
    return fmt_date(day, locale)  # one due date for a whole month's suggestions: format it once


def row_text(row: SuggestionRow, locale: str) -> str:
    lines = [
        t(
            "plan.suggest.figure",
            locale,
            metric=row.metric,
            share=fmt_percent(row.attainment, locale, 0),
            month=row.month,
        ),
        t(
            "plan.suggest.proposal",
            locale,
            goal=goal_text(row.metric, locale),
            due=_day(row.due, locale),
        ),
    ]
    if row.course:
        title = safe_text(row.course)
        shown = f"<{row.url}|{title}>" if row.url else title
        lines.append(t("plan.suggest.training", locale, training=shown))
    return "\n".join(lines)


def row_blocks(row: SuggestionRow, locale: str, where: str, *, buttons: bool = True) -> list[Block]:
    """A suggestion with Accept / Not now while pending (and `buttons`), else its outcome."""
    blocks = [section(row_text(row, locale))]
    if row.status == "pending" and buttons:
        value = f"{row.id}:{where}"
        blocks.append(
            actions(
                button(t("plan.suggest.accept", locale), ACCEPT, value, "primary"),
                button(t("plan.suggest.dismiss", locale), DISMISS, value),
                block_id=f"{BLOCK_PREFIX}{row.id}",
            )
        )
    elif row.status != "pending":
        done = context(t(f"plan.suggest.status_{row.status}", locale))
        blocks.append({**done, "block_id": f"{BLOCK_PREFIX}{row.id}"})
    return blocks


def suggestions_dm(rows: list[SuggestionRow], locale: str) -> dict[str, Any]:
    """The job's DM: each weak metric, its suggested goal and training, and the buttons."""
    intro = t("plan.suggest.intro", locale, count=len(rows))
    blocks: list[Block] = [section(intro)]
    for row in rows:
        blocks.extend(row_blocks(row, locale, IN_DM))
    blocks.append(context(t("plan.suggest.footer", locale)))
    text = intro + "\n" + "\n".join(f"• {row.metric}" for row in rows)
    return {"text": text, "blocks": fit(blocks, MAX_MESSAGE_BLOCKS)}
