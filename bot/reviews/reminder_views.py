"""The review reminder DM and the escalation to a manager (pure Block Kit builders)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.blocks import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT, Block, clip, context, section
from bot.i18n import fmt_date, t

LINES = 30  # task lines shown; the rest is "…and N more"


@dataclass(frozen=True)
class TaskLine:
    role: str  # self | manager | peer | nominate
    subject: str  # the reviewed person's Slack id
    cycle: str  # the cycle's name
    due: date


def _line(task: TaskLine, locale: str) -> str:
    return t(
        f"reviews.remind.line_{task.role}",
        locale,
        subject=task.subject,
        cycle=task.cycle,
        due=fmt_date(task.due, locale),
    )


def _lines(tasks: list[TaskLine], locale: str) -> str:
    shown = [_line(task, locale) for task in tasks[:LINES]]
    if len(tasks) > LINES:
        shown.append(t("reviews.remind.more", locale, count=len(tasks) - LINES))
    return clip("\n".join(shown), MAX_SECTION_TEXT)


def reminder(tasks: list[TaskLine], *, overdue: bool, locale: str) -> tuple[str, list[Block]]:
    """(text, blocks) of a person's reminder listing all their open tasks."""
    key = "reviews.remind.title_overdue" if overdue else "reviews.remind.title"
    title = t(key, locale, count=len(tasks))
    body = _lines(tasks, locale)
    blocks = [section(f"*{title}*"), section(body), context(t("reviews.remind.hint", locale))]
    return f"{title}\n{body}", blocks[:MAX_MESSAGE_BLOCKS]


def escalation(person: str, tasks: list[TaskLine], *, locale: str) -> tuple[str, list[Block]]:
    """(text, blocks) of the one DM telling a manager what their report has not done."""
    title = t("reviews.remind.escalation", locale, person=person, count=len(tasks))
    body = _lines(tasks, locale)
    return f"{title}\n{body}", [section(title), section(body)]
