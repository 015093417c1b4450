"""Block Kit for the suggestion box's modals: the form, and HR's short reply when planning or
declining. Pure functions; the view and block ids live here so handlers share them."""

from __future__ import annotations

from typing import Any

from bot.core.blocks import Block, context, input_block, modal, option, section
from bot.i18n import t
from bot.improvement.suggestion_views import MAX_REPLY, MAX_TEXT, Row, list_line, topic_label

FORM_MODAL, REPLY_MODAL = "suggest_form_modal", "suggest_reply_modal"
B_TEXT, B_TOPIC, B_ANON, B_SHARE, B_REPLY = (
    "sg_text",
    "sg_topic",
    "sg_anonymous",
    "sg_share",
    "sg_reply",
)
FIELD_BLOCKS = {"text": B_TEXT, "topic": B_TOPIC, "share": B_SHARE, "reply": B_REPLY}
TOPICS = ("kpi", "training", "process", "other")


def _checkbox(block_id: str, label: str, choice: str) -> Block:
    box = {"type": "checkboxes", "action_id": "value", "options": [option(choice, "yes")]}
    return input_block(block_id, label, box, True)


def form(locale: str, *, can_share: bool) -> dict[str, Any]:
    """The suggestion form: text, topic, anonymous, and "share with everyone" when a
    suggestions channel is set. It says truthfully what anonymous means."""
    text = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": MAX_TEXT,
    }
    other = option(topic_label("other", locale), "other")
    topics = {
        "type": "radio_buttons",
        "action_id": "value",
        "options": [option(topic_label(k, locale), k) for k in TOPICS],
        "initial_option": other,
    }
    blocks: list[Block] = [
        input_block(B_TEXT, t("improvement.suggest.form.text", locale), text, False),
        input_block(B_TOPIC, t("improvement.suggest.form.topic", locale), topics, False),
        _checkbox(
            B_ANON,
            t("improvement.suggest.form.anonymous", locale),
            t("improvement.suggest.form.anonymous_option", locale),
        ),
        context(t("improvement.suggest.form.anonymous_hint", locale)),
    ]
    if can_share:
        blocks.append(
            _checkbox(
                B_SHARE,
                t("improvement.suggest.form.share", locale),
                t("improvement.suggest.form.share_option", locale),
            )
        )
        blocks.append(context(t("improvement.suggest.form.share_hint", locale)))
    return modal(
        FORM_MODAL,
        title=t("improvement.suggest.form.title", locale),
        submit=t("improvement.suggest.form.submit", locale),
        close=t("improvement.suggest.form.close", locale),
        blocks=blocks,
    )


def reply_modal(locale: str, row: Row, status: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """Planned or Declined: HR's short reply to the author (required)."""
    reply = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": MAX_REPLY,
    }
    return modal(
        REPLY_MODAL,
        title=t(f"improvement.suggest.form.{status}_title", locale),
        submit=t(f"improvement.suggest.form.{status}_submit", locale),
        close=t("improvement.suggest.form.close", locale),
        blocks=[
            section(list_line(row, locale, with_author=True)),
            input_block(B_REPLY, t("improvement.suggest.form.reply", locale), reply, False),
            context(t("improvement.suggest.form.reply_hint", locale)),
        ],
        metadata=metadata,
    )
