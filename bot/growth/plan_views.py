"""The development plan as Block Kit: `/career plan`, its goal modal, the DMs a rep gets when
their manager adds or closes a goal, and the App Home section. Pure functions of plain
values (the service builds the rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    context,
    fit,
    header,
    message,
    modal,
    plain,
    section,
)
from bot.core.safe_text import safe_text
from bot.growth.suggestion_views import IN_PLAN, SuggestionRow, row_blocks
from bot.i18n import fmt_date, t

DONE = "plan_goal_done"
DROP = "plan_goal_drop"
ADD = "plan_add_goal"
MODAL = "plan_goal_modal"
B_TEXT, B_METRIC, B_COURSE, B_DUE = "plan_text", "plan_metric", "plan_course", "plan_due"
FIELD_BLOCKS = {"text": B_TEXT, "metric": B_METRIC, "course": B_COURSE, "due": B_DUE}
MAX_OPEN_SHOWN = 15  # goals with buttons in /career plan (2 blocks each)
MAX_HOME_GOALS = 5
MAX_HOME_SUGGESTIONS = 3


@dataclass(frozen=True)
class GoalRow:
    id: int
    text: str  # as written (made safe when shown)
    link: str | None  # the linked metric's label or training's title, in the reader's language
    due: date | None
    status: str  # open | done | dropped
    overdue: bool = False


@dataclass(frozen=True)
class Plan:
    rep: str  # Slack id
    own: bool  # the viewer's own plan
    editable: bool  # the viewer may add and close goals (the rep, their manager chain)
    open: list[GoalRow] = field(default_factory=list)
    closed: list[GoalRow] = field(default_factory=list)  # the last few done or dropped
    suggestions: list[SuggestionRow] = field(default_factory=list)  # pending


def goal_line(goal: GoalRow, locale: str) -> str:
    line = "• " + safe_text(goal.text)
    if goal.link:
        line += t("plan.link", locale, name=goal.link)
    if goal.due and goal.overdue:
        line += t("plan.overdue", locale, date=fmt_date(goal.due, locale))
    elif goal.due:
        line += t("plan.due", locale, date=fmt_date(goal.due, locale))
    if goal.status != "open":
        line += t(f"plan.marked_{goal.status}", locale)
    return line


def _goal_blocks(goal: GoalRow, locale: str, editable: bool, where: str) -> list[Block]:
    blocks = [section(goal_line(goal, locale))]
    if editable:
        value = f"{goal.id}:{where}"
        blocks.append(
            actions(
                button(t("plan.done_button", locale), DONE, value, "primary"),
                button(t("plan.drop_button", locale), DROP, value),
                block_id=f"plan_goal_{goal.id}",
            )
        )
    return blocks


def add_button(rep: str, locale: str) -> Block:
    return actions(button(t("plan.add_button", locale), ADD, rep), block_id="plan_add")


def plan_message(plan: Plan, locale: str) -> dict[str, Any]:
    """`/career plan [@rep]`: open goals with Done / Drop, the last closed ones, pending
    suggestions with Accept / Not now, and Add goal (buttons only for who may edit)."""
    title = (
        t("plan.title", locale) if plan.own else t("plan.title_of", locale, rep=f"<@{plan.rep}>")
    )
    blocks: list[Block] = [section(f"*{title}*")]
    if plan.open:
        for goal in plan.open[:MAX_OPEN_SHOWN]:
            blocks.extend(_goal_blocks(goal, locale, plan.editable, IN_PLAN))
        if len(plan.open) > MAX_OPEN_SHOWN:
            more = len(plan.open) - MAX_OPEN_SHOWN
            blocks.append(context(t("plan.more", locale, count=more)))
    else:
        blocks.append(section(t("plan.none_open", locale)))
    if plan.closed:
        lines = "\n".join(goal_line(g, locale) for g in plan.closed)
        blocks.append(section(t("plan.closed_heading", locale) + "\n" + lines))
    if plan.suggestions:
        blocks.append(section(t("plan.suggestions_heading", locale)))
        for row in plan.suggestions[:5]:
            blocks.extend(row_blocks(row, locale, IN_PLAN, buttons=plan.editable))
    if plan.editable:
        blocks.append(add_button(plan.rep, locale))
    else:
        blocks.append(context(t("plan.read_only", locale)))
    return message(title, fit(blocks, MAX_MESSAGE_BLOCKS))


def _select(block_id: str, label: str, options: list[tuple[str, str]], hint: str) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "label": plain(label, 2000),
        "element": {
            "type": "static_select",
            "action_id": "value",
            "placeholder": plain(hint, 150),
            "options": [{"text": plain(name, 75), "value": key} for key, name in options[:100]],
        },
    }


def goal_modal(
    locale: str,
    *,
    rep: str,
    rep_id: int,
    own: bool,
    metrics: list[tuple[str, str]],
    courses: list[tuple[str, str]],
    text: str = "",
) -> dict[str, Any]:
    """The Add goal form, for `rep` (the rep's id travels in the metadata)."""
    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": 500,
    }
    if text:
        text_input["initial_value"] = text[:500]
    blocks: list[Block] = []
    if not own:
        blocks.append(section(t("plan.modal.for_rep", locale, rep=f"<@{rep}>")))
    blocks.append(
        {
            "type": "input",
            "block_id": B_TEXT,
            "label": plain(t("plan.modal.text", locale), 2000),
            "element": text_input,
        }
    )
    if metrics:
        blocks.append(_select(B_METRIC, t("plan.modal.metric", locale), metrics, "—"))
    if courses:
        blocks.append(_select(B_COURSE, t("plan.modal.course", locale), courses, "—"))
    blocks.append(
        {
            "type": "input",
            "block_id": B_DUE,
            "optional": True,
            "label": plain(t("plan.modal.due", locale), 2000),
            "element": {"type": "datepicker", "action_id": "value"},
        }
    )
    return modal(
        MODAL,
        title=t("plan.modal.title", locale),
        submit=t("plan.modal.submit", locale),
        close=t("plan.modal.close", locale),
        blocks=blocks,
        metadata={"rep": rep_id},
    )


def goal_added(goal: GoalRow, rep: str, own: bool, locale: str) -> dict[str, Any]:
    """The confirmation to whoever added the goal."""
    key = "plan.added" if own else "plan.added_for"
    text = t(key, locale, rep=f"<@{rep}>") + "\n" + goal_line(goal, locale)
    return message(text, [section(text)])


def goal_added_dm(goal: GoalRow, by: str, locale: str) -> dict[str, Any]:
    """To the rep: their manager added a goal to their plan."""
    text = t("plan.added_dm", locale, by=f"<@{by}>") + "\n" + goal_line(goal, locale)
    return {"text": text, "blocks": [section(text), context(t("plan.see_plan", locale))]}


def goal_changed_dm(goal: GoalRow, by: str, locale: str) -> dict[str, Any]:
    """To the rep: their manager marked a goal of theirs done or dropped."""
    text = t(f"plan.changed_dm_{goal.status}", locale, by=f"<@{by}>")
    text += "\n" + goal_line(goal, locale)
    return {"text": text, "blocks": [section(text)]}


def home_blocks(
    goals: list[GoalRow], suggestions: list[SuggestionRow], locale: str, *, where: str
) -> list[Block]:
    """The App Home section (10 blocks at most): open goals with due dates, pending
    suggestions with Accept / Not now, or a hint to start a plan."""
    blocks: list[Block] = [header(t("plan.title", locale))]
    if goals:
        lines = [goal_line(g, locale) for g in goals[:MAX_HOME_GOALS]]
        if len(goals) > MAX_HOME_GOALS:
            lines.append(t("plan.more", locale, count=len(goals) - MAX_HOME_GOALS))
        blocks.append(section("\n".join(lines)))
    for row in suggestions[:MAX_HOME_SUGGESTIONS]:
        blocks.extend(row_blocks(row, locale, where))
    if not goals and not suggestions:
        blocks.append(context(t("plan.home_hint", locale)))
    elif len(suggestions) > MAX_HOME_SUGGESTIONS:
        extra = len(suggestions) - MAX_HOME_SUGGESTIONS
        blocks.append(context(t("plan.more_suggestions", locale, count=extra)))
    return blocks[:10]
