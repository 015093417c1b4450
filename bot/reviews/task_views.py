"""Block Kit for doing reviews: the review form (the scorecard above one 1-5 select per
competency and a comment), the list of my open tasks (in /review and on the Home) and the
confirmation DM. Pure functions of plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.blocks import (
    MAX_VIEW_BLOCKS,
    Block,
    button,
    context,
    divider,
    fit,
    header,
    modal,
    plain,
    section,
)
from bot.i18n import fmt_date, t
from bot.kpi.scorecard import Scorecard
from bot.kpi.views import scorecard_blocks

OPEN_TASK = "review_open_task"  # the button on every task, wherever it is listed
MODAL = "review_submit"  # the review form's callback_id
B_COMMENT = "rv_comment"
RATING_BLOCK = "rv_rate_"  # + competency key
RATING_ACTION = "value"
RATINGS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class TaskRow:
    task_id: int
    role: str  # self | manager | peer | nominate
    cycle: str
    subject: str  # the reviewed person's Slack id
    due: date
    late: bool


@dataclass(frozen=True)
class Form:
    """What the review form shows: the task, its scorecard (None: not shown) and what was
    submitted before (an edit pre-fills it)."""

    task_id: int
    role: str
    cycle: str
    subject: str
    due: date
    card: Scorecard | None
    own: bool  # the scorecard is the reviewer's own (a self review)
    ratings: dict[str, int] | None = None
    comment: str | None = None


def rating_options(locale: str) -> list[Block]:
    return [{"text": plain(rating_label(value, locale), 75), "value": value} for value in RATINGS]


def rating_label(value: str, locale: str) -> str:
    """`5 · Outstanding` / `5 · 卓越`."""
    return f"{value} · {t(f'reviews.tasks.rating.{value}', locale)}"


def _rating_input(key: str, label: str, chosen: int | None, locale: str) -> Block:
    element: Block = {
        "type": "static_select",
        "action_id": RATING_ACTION,
        "placeholder": plain(t("reviews.tasks.rating_placeholder", locale), 150),
        "options": rating_options(locale),
    }
    if chosen is not None and str(chosen) in RATINGS:
        element["initial_option"] = {
            "text": plain(rating_label(str(chosen), locale), 75),
            "value": str(chosen),
        }
    return {
        "type": "input",
        "block_id": RATING_BLOCK + key,
        "label": plain(label, 2000),
        "element": element,
    }


def _comment_input(comment: str | None, locale: str) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": RATING_ACTION,
        "multiline": True,
        "max_length": 3000,
    }
    if comment:
        element["initial_value"] = comment
    return {
        "type": "input",
        "block_id": B_COMMENT,
        "optional": True,
        "label": plain(t("reviews.tasks.comment", locale), 2000),
        "element": element,
    }


def review_modal(form: Form, competencies: list[tuple[str, str]], locale: str) -> dict:
    """The form: what it is about, the scorecard (or why none), then the inputs."""
    intro = t(
        f"reviews.tasks.intro.{form.role}",
        locale,
        cycle=form.cycle,
        subject=f"<@{form.subject}>",
        due=fmt_date(form.due, locale),
    )
    blocks: list[Block] = [section(intro)]
    if form.ratings is not None:
        blocks.append(context(t("reviews.tasks.editing", locale, due=fmt_date(form.due, locale))))
    if form.card is not None:
        blocks.append(divider())
        blocks.extend(scorecard_blocks(form.card, locale, own=form.own)[:-1])
    else:
        blocks.append(context(t("reviews.tasks.no_scorecard", locale)))
    blocks.append(divider())
    ratings = form.ratings or {}
    inputs = [_rating_input(k, label, ratings.get(k), locale) for k, label in competencies]
    inputs.append(_comment_input(form.comment, locale))
    room = MAX_VIEW_BLOCKS - len(inputs)
    return modal(
        MODAL,
        title=t("reviews.tasks.modal_title", locale),
        submit=t("reviews.tasks.modal_submit", locale),
        close=t("reviews.tasks.modal_close", locale),
        blocks=fit(blocks, room) + inputs,
        metadata={"task": form.task_id},
    )


def task_line(row: TaskRow, locale: str) -> str:
    line = t(
        f"reviews.tasks.line.{row.role}",
        locale,
        cycle=row.cycle,
        subject=f"<@{row.subject}>",
        due=fmt_date(row.due, locale),
    )
    return line + (t("reviews.tasks.late", locale) if row.late else "")


def task_blocks(rows: list[TaskRow], locale: str, limit: int) -> list[Block]:
    """One section per task with its button; past `limit`, a last line says how many more."""
    blocks = [
        section(
            task_line(row, locale),
            accessory=button(t("reviews.tasks.open_button", locale), OPEN_TASK, str(row.task_id)),
        )
        for row in rows[:limit]
    ]
    if len(rows) > limit:
        blocks.append(context(t("reviews.tasks.more", locale, count=len(rows) - limit)))
    return blocks


def home_blocks(rows: list[TaskRow], locale: str) -> list[Block]:
    """The Home section: nothing at all when nothing is open."""
    if not rows:
        return []
    return [
        header(t("reviews.tasks.home_title", locale)),
        *task_blocks(rows, locale, 10),
        divider(),
    ]


def submitted_dm(
    role: str, cycle: str, subject: str, due: date, edited: bool, locale: str
) -> tuple[str, list[Block]]:
    key = "reviews.tasks.updated" if edited else "reviews.tasks.saved"
    what = t(f"reviews.tasks.what.{role}", locale, subject=f"<@{subject}>")
    text = t(key, locale, what=what, cycle=cycle, due=fmt_date(due, locale))
    return text, [section(text)]
