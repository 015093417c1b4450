"""Block Kit for the training modals: the request form, the decline reason and HR's schedule.
Pure functions of plain values; the view and block ids live here so handlers share them."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.blocks import Block, context, input_block, modal, option, plain, section
from bot.growth.training_views import (
    KINDS,
    MAX_REASON,
    MAX_TOPIC,
    Row,
    kind_label,
    month_label,
    row_line,
)
from bot.i18n import t

REQUEST_MODAL, DECLINE_MODAL, SCHEDULE_MODAL = (
    "training_request_modal",
    "training_decline_modal",
    "training_schedule_modal",
)
B_COURSE, B_TOPIC, B_KIND, B_REASON, B_MONTH, B_DATE, B_NOTE = (
    "tr_course",
    "tr_topic",
    "tr_kind",
    "tr_reason",
    "tr_month",
    "tr_date",
    "tr_note",
)
FIELD_BLOCKS = {"course": B_COURSE, "topic": B_TOPIC, "reason": B_REASON, "date": B_DATE}


def request_modal(
    locale: str,
    courses: list[tuple[str, str]],
    months: list[str],
    *,
    course: str | None = None,
    kind: str | None = None,
    reason: str = "",
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The request form: course (optional), topic (required without a course), kind,
    reason, preferred month; prefilled from a suggestion."""
    blocks: list[Block] = []
    if courses:
        select: dict[str, Any] = {
            "type": "static_select",
            "action_id": "value",
            "placeholder": plain(t("training.form.course_hint", locale), 150),
            "options": [option(title, key) for key, title in courses[:100]],
        }
        chosen = next((c for c in courses if c[0] == course), None)
        if chosen:
            select["initial_option"] = option(chosen[1], chosen[0])
        blocks.append(input_block(B_COURSE, t("training.form.course", locale), select, True))
    topic = {"type": "plain_text_input", "action_id": "value", "max_length": MAX_TOPIC}
    blocks.append(input_block(B_TOPIC, t("training.form.topic", locale), topic, True))
    blocks.append(context(t("training.form.topic_hint", locale)))
    radios: dict[str, Any] = {
        "type": "radio_buttons",
        "action_id": "value",
        "options": [option(kind_label(k, locale), k) for k in KINDS],
    }
    if kind in KINDS:
        radios["initial_option"] = option(kind_label(kind, locale), kind)
    blocks.append(input_block(B_KIND, t("training.form.kind", locale), radios, True))
    text: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": MAX_REASON,
    }
    if reason:
        text["initial_value"] = reason
    blocks.append(input_block(B_REASON, t("training.form.reason", locale), text, True))
    month_select = {
        "type": "static_select",
        "action_id": "value",
        "options": [option(month_label(m, locale), m) for m in months],
    }
    blocks.append(input_block(B_MONTH, t("training.form.month", locale), month_select, True))
    return modal(
        REQUEST_MODAL,
        title=t("training.form.title", locale),
        submit=t("training.form.submit", locale),
        close=t("training.form.close", locale),
        blocks=blocks,
        metadata=metadata,
    )


def decline_modal(locale: str, row: Row, metadata: dict[str, Any]) -> dict[str, Any]:
    reason = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": MAX_REASON,
    }
    return modal(
        DECLINE_MODAL,
        title=t("training.form.decline_title", locale),
        submit=t("training.decline", locale),
        close=t("training.form.close", locale),
        blocks=[
            section(row_line(row, locale, with_rep=True)),
            input_block(B_REASON, t("training.form.decline_reason", locale), reason, False),
        ],
        metadata=metadata,
    )


def schedule_modal(locale: str, row: Row, today: date, metadata: dict[str, Any]) -> dict[str, Any]:
    picker: dict[str, Any] = {"type": "datepicker", "action_id": "value"}
    picker["initial_date"] = (row.scheduled_for or today).isoformat()
    note = {"type": "plain_text_input", "action_id": "value", "max_length": 500}
    return modal(
        SCHEDULE_MODAL,
        title=t("training.form.schedule_title", locale),
        submit=t("training.schedule", locale),
        close=t("training.form.close", locale),
        blocks=[
            section(row_line(row, locale, with_rep=True)),
            input_block(B_DATE, t("training.form.date", locale), picker, False),
            input_block(B_NOTE, t("training.form.note", locale), note, True),
        ],
        metadata=metadata,
    )
