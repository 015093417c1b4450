"""Block Kit for training requests: the `/training` answer, the manager's and HR's cards, the
rep's notices and the App Home section (the modals: training_form_views.py).

Pure functions of plain values (the `Row` and `Suggestion` read models); the action and view
ids live here so handlers share them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel import dates as babel_dates

from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    clip,
    context,
    header,
    message,
    section,
)
from bot.core.safe_text import safe_text
from bot.i18n import babel_locale, fmt_date, fmt_percent, t

REQUEST, CANCEL, APPROVE, DECLINE, SCHEDULE, COMPLETE = (
    "training_request",
    "training_cancel",
    "training_approve",
    "training_decline",
    "training_schedule",
    "training_complete",
)
KINDS = ("skill", "soft")
MAX_TOPIC, MAX_REASON = 200, 2000


@dataclass(frozen=True)
class Row:
    """One request as a view shows it (Slack ids, the topic in the viewer's language)."""

    id: int
    rep: str
    topic: str
    kind: str | None
    status: str
    requested: date
    manager: str | None = None  # the rep's direct manager (who a pending request waits for)
    decided_by: str | None = None
    decline_reason: str | None = None
    scheduled_for: date | None = None
    completed_on: date | None = None
    reason: str | None = None
    preferred_month: str | None = None


@dataclass(frozen=True)
class Suggestion:
    course: str
    title: str
    kind: str
    metric: str  # its label in the viewer's language
    ratio: float
    on_pace: bool


def kind_label(kind: str | None, locale: str) -> str:
    return t(f"training.kind.{kind}", locale) if kind in KINDS else ""


def month_label(key: str, locale: str) -> str:
    """ "2027-01" -> "January 2027" / "2027年1月"."""
    year, month = (int(p) for p in key.split("-"))
    day = date(year, month, 1)
    return babel_dates.format_skeleton("yMMMM", day, locale=babel_locale(locale))


def figure(s: Suggestion | Any, locale: str) -> str:
    """ "Conversion rate: 62% of target" / "… on pace: 55% of the target to date"."""
    key = "training.figure_pace" if s.on_pace else "training.figure"
    return t(key, locale, metric=s.metric, percent=fmt_percent(s.ratio, locale, digits=0))


def status_line(row: Row, locale: str) -> str:
    person = {"who": f"<@{row.decided_by}>" if row.decided_by else t("training.someone", locale)}
    if row.status == "pending":
        if row.manager:
            return t("training.status.pending", locale, who=f"<@{row.manager}>")
        return t("training.status.pending_nobody", locale)
    if row.status == "approved":
        return t("training.status.approved", locale, **person)
    if row.status == "declined":
        reason = safe_text(row.decline_reason or "")
        return t("training.status.declined", locale, reason=reason, **person)
    if row.status == "scheduled" and row.scheduled_for:
        return t("training.status.scheduled", locale, date=fmt_date(row.scheduled_for, locale))
    if row.status == "completed" and row.completed_on:
        return t("training.status.completed", locale, date=fmt_date(row.completed_on, locale))
    return t(f"training.status.{row.status}", locale, date="")


def _title(row: Row, locale: str) -> str:
    kind = kind_label(row.kind, locale)
    topic = safe_text(row.topic)
    return t("training.row_kind", locale, topic=topic, kind=kind) if kind else f"*{topic}*"


def row_line(row: Row, locale: str, *, with_rep: bool = False) -> str:
    head = _title(row, locale)
    if with_rep:
        head = t("training.row_rep", locale, rep=f"<@{row.rep}>", title=head)
    asked = t("training.requested_on", locale, date=fmt_date(row.requested, locale))
    return f"{head}\n{status_line(row, locale)} · {asked}"


def _details(row: Row, locale: str) -> list[str]:
    lines = []
    if row.reason:
        lines.append(t("training.reason_line", locale, reason=safe_text(clip(row.reason, 500))))
    if row.preferred_month:
        month = month_label(row.preferred_month, locale)
        lines.append(t("training.month_line", locale, month=month))
    return lines


# --- /training ---------------------------------------------------------------------------


def my_requests(
    locale: str,
    rows: list[Row],
    suggestions: list[Suggestion],
    no_suggestion: str | None,
    intro: str | None = None,
) -> dict[str, Any]:
    """`/training` alone: my requests (newest first, Cancel on pending ones), then the
    courses my numbers suggest or why there are none (`no_suggestion`, a catalog key)."""
    blocks: list[Block] = []
    if intro:
        blocks.append(section(intro))
    blocks.append(header(t("training.mine_title", locale)))
    if not rows:
        blocks.append(section(t("training.no_requests", locale)))
    for row in rows[:20]:
        cancel = None
        if row.status == "pending":
            cancel = button(t("training.cancel", locale), CANCEL, str(row.id))
        blocks.append(section(row_line(row, locale), accessory=cancel))
    if len(rows) > 20:
        blocks.append(context(t("training.more", locale, count=len(rows) - 20)))
    blocks.append(header(t("training.suggested_title", locale)))
    if no_suggestion:
        blocks.append(section(t(no_suggestion, locale)))
    for s in suggestions[:10]:
        line = t("training.suggestion", locale, title=s.title, kind=kind_label(s.kind, locale))
        btn = button(t("training.request", locale), REQUEST, s.course)
        blocks.append(section(f"{line}\n{figure(s, locale)}", accessory=btn))
    blocks.append(actions(button(t("training.request_new", locale), REQUEST, "", style="primary")))
    text = t("training.mine_text", locale, count=len(rows))
    return message(text, blocks[:MAX_MESSAGE_BLOCKS])


def created(locale: str, topic: str, manager: str) -> dict[str, Any]:
    text = t("training.created", locale, topic=safe_text(topic), manager=f"<@{manager}>")
    return message(text, [section(text)])


def lists(
    locale: str,
    approvals: list[Row] | None,
    hr_rows: list[Row] | None,
) -> list[Block]:
    """`/training list` for a manager (`approvals`) and/or HR (`hr_rows`): each with its
    buttons, within one message (the rest counted)."""
    parts: list[tuple[str, list[Row]]] = []
    if approvals is not None:
        parts.append(("training.list_approvals", approvals))
    if hr_rows is not None:
        parts.append(("training.list_hr", hr_rows))
    blocks: list[Block] = []
    # each row is two blocks (text, buttons); each part has a header and maybe "N more"
    budget = (MAX_MESSAGE_BLOCKS - 2 * len(parts)) // max(len(parts), 1) // 2
    for title_key, rows in parts:
        blocks.append(header(t(title_key, locale, count=len(rows))))
        if not rows:
            blocks.append(section(t(f"{title_key}_none", locale)))
        shown = rows[:budget]
        card = decision_card if title_key == "training.list_approvals" else hr_card
        for row in shown:
            blocks.extend(card(locale, row, None))
        if len(shown) < len(rows):
            blocks.append(context(t("training.more", locale, count=len(rows) - len(shown))))
    return blocks


# --- cards with buttons ------------------------------------------------------------------


def decision_card(locale: str, row: Row, weak_line: str | None) -> list[Block]:
    """A pending request as its approvers see it, with Approve / Decline."""
    body = [row_line(row, locale, with_rep=True), *_details(row, locale)]
    if weak_line:
        body.append(weak_line)
    approve = button(t("training.approve", locale), APPROVE, str(row.id), style="primary")
    decline = button(t("training.decline", locale), DECLINE, str(row.id))
    return [section("\n".join(body)), actions(approve, decline, block_id=f"tr_decide_{row.id}")]


def manager_dm(locale: str, row: Row, weak_line: str | None) -> tuple[str, list[Block]]:
    text = t(
        "training.asked_dm",
        locale,
        rep=f"<@{row.rep}>",
        topic=safe_text(row.topic),
        kind=kind_label(row.kind, locale) or t("training.kind.none", locale),
    )
    return text, [section(text), *decision_card(locale, row, weak_line)]


def hr_card(locale: str, row: Row, _: Any = None) -> list[Block]:
    """An approved or scheduled request as HR sees it, with Schedule / Mark completed."""
    body = "\n".join([row_line(row, locale, with_rep=True), *_details(row, locale)])
    schedule = button(t("training.schedule", locale), SCHEDULE, str(row.id), style="primary")
    complete = button(t("training.complete", locale), COMPLETE, str(row.id))
    return [section(body), actions(schedule, complete, block_id=f"tr_hr_{row.id}")]


def hr_notice(locale: str, row: Row) -> tuple[str, list[Block]]:
    text = t("training.hr_dm", locale, rep=f"<@{row.rep}>", topic=safe_text(row.topic))
    return text, [section(text), *hr_card(locale, row)]


def outcome(locale: str, row: Row) -> dict[str, Any]:
    """What replaces a clicked card: the request and its new status, no buttons."""
    text = row_line(row, locale, with_rep=True)
    return {"text": text, "blocks": [section(text)], "replace_original": True}


def rep_notice(locale: str, row: Row, note: str | None = None) -> tuple[str, list[Block]]:
    """The rep told a change of their request (approved, declined with the reason,
    scheduled with the date, completed, cancelled)."""
    text = t(
        f"training.told.{row.status}",
        locale,
        topic=safe_text(row.topic),
        who=f"<@{row.decided_by}>" if row.decided_by else "",
        reason=safe_text(row.decline_reason or ""),
        date=fmt_date(row.scheduled_for, locale) if row.scheduled_for else "",
    )
    blocks = [section(text)]
    if note:
        blocks.append(context(t("training.note_line", locale, note=safe_text(note))))
    return text, blocks


# --- App Home ----------------------------------------------------------------------------


def home(locale: str, open_rows: list[Row], done: list[Row], waiting: int) -> list[Block]:
    if not (open_rows or done or waiting):
        return []
    blocks: list[Block] = [header(t("training.home_title", locale))]
    if open_rows:
        lines = [f"• {_title(r, locale)}: {status_line(r, locale)}" for r in open_rows]
        blocks.append(section(t("training.home_open", locale) + "\n" + "\n".join(lines)))
    if done:
        lines = [f"• {_title(r, locale)}: {status_line(r, locale)}" for r in done]
        blocks.append(section(t("training.home_done", locale) + "\n" + "\n".join(lines)))
    if waiting:
        blocks.append(context(t("training.home_waiting", locale, count=waiting)))
    return blocks


def help_message(locale: str) -> dict[str, Any]:
    text = t("training.help", locale)
    return message(text, [section(text)])
