"""Block Kit for feedback: DMs with buttons, the modal, confirmations (overviews are in
overview_views.py).

Pure functions of plain values; ids of actions and views live here so handlers share them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.blocks import (
    MAX_SECTION_TEXT,
    Block,
    actions,
    button,
    context,
    input_block,
    message,
    modal,
    option,
    plain,
    section,
)
from bot.core.mentions import people_list
from bot.core.safe_text import safe_text, titled
from bot.i18n import t
from storage.models.feedback import KINDS, VISIBILITIES

MODAL = "feedback_modal"
SHORTCUT = "give_feedback"
THANKS = "feedback_thanks"
DISCUSS = "feedback_discuss"
SHARE = "feedback_share"
ANSWER = "feedback_answer"
B_RECIPIENTS, B_KIND, B_VISIBILITY, B_METRIC, B_MESSAGE, B_SHARE_NAME = (
    "fb_recipients",
    "fb_kind",
    "fb_visibility",
    "fb_metric",
    "fb_message",
    "fb_share_name",
)
SHARE_NAME = "share_name"  # the one option of the B_SHARE_NAME checkbox
FIELD_BLOCKS = {
    "recipients": B_RECIPIENTS,
    "kind": B_KIND,
    "visibility": B_VISIBILITY,
    "message": B_MESSAGE,
}
KIND_EMOJI = {"praise": ":star2:", "correction": ":wrench:", "suggestion": ":bulb:"}


def topic_line(topic: str, locale: str) -> str:
    return t("feedback.topic_line", locale, topic=safe_text(topic))


def kind_label(kind: str, locale: str) -> str:
    return t(f"feedback.kind.{kind}", locale)


# --- feedback DMs -----------------------------------------------------------------------------


def _titled_dm(
    key: str, locale: str, kind: str, giver: str | None, message: str, subject: str | None = None
) -> tuple[str, str]:
    """A feedback DM's (fallback text, body): its title (kind, giver and, for held answers and
    manager copies, who it is about) over the quoted message. `giver` None: "a colleague"
    (a shared answer whose author did not agree to be named)."""
    params = {} if subject is None else {"subject": f"<@{subject}>"}
    if giver is None:
        key += "_anonymous"
    else:
        params["giver"] = f"<@{giver}>"
    title = t(key, locale, emoji=KIND_EMOJI[kind], kind=kind_label(kind, locale), **params)
    return titled(title, message)


def feedback_dm(
    locale: str,
    *,
    fb_id: int | None,
    kind: str,
    giver: str | None,
    message: str,
    link: str | None = None,
    metric: str | None = None,
    done: str | None = None,
) -> dict[str, Any]:
    """The recipient's DM; `done` (thanks | discuss) replaces the buttons after a press.
    `giver` None: from "a colleague" (see permissions.can_see_giver)."""
    text, body = _titled_dm("feedback.dm", locale, kind, giver, message)
    blocks: list[Block] = [section(body)]
    extras = []
    if metric:
        extras.append(t("feedback.metric_line", locale, metric=metric))
    if link:
        extras.append(t("feedback.public_line", locale, link=link))
    if extras:
        blocks.append(context(" · ".join(extras)))
    if done:
        if giver is None:
            blocks.append(context(t(f"feedback.done_{done}_anonymous", locale)))
        else:
            blocks.append(context(t(f"feedback.done_{done}", locale, giver=f"<@{giver}>")))
    else:
        value = str(fb_id)
        blocks.append(
            actions(
                button(t("feedback.thanks", locale), THANKS, value, style="primary"),
                button(t("feedback.discuss", locale), DISCUSS, value),
                block_id=f"fb_ack_{fb_id}",
            )
        )
    return {"text": text, "blocks": blocks}


def held_feedback_dm(
    locale: str,
    *,
    fb_id: int | None,
    kind: str,
    giver: str,
    subject: str,
    message: str,
    share_name: bool,
    shared: bool = False,
) -> dict[str, Any]:
    """To the manager who asked: an answer about their report, with "Share with" the rep and
    whether sharing shows the answerer's name (their choice) or "a colleague"."""
    text, body = _titled_dm("feedback.held_dm", locale, kind, giver, message, subject=subject)
    blocks: list[Block] = [section(body)]
    named = "named" if share_name else "anonymous"
    who = {"subject": f"<@{subject}>", "giver": f"<@{giver}>"}
    if shared:
        blocks.append(context(t(f"feedback.shared_done_{named}", locale, **who)))
    else:
        blocks.append(context(t(f"feedback.held_note_{named}", locale, **who)))
        label = t("feedback.share", locale)
        blocks.append(actions(button(label, SHARE, str(fb_id)), block_id=f"fb_share_{fb_id}"))
    return {"text": text, "blocks": blocks}


def manager_copy_dm(
    locale: str, *, kind: str, giver: str, subject: str, message: str
) -> dict[str, Any]:
    text, body = _titled_dm("feedback.manager_copy", locale, kind, giver, message, subject=subject)
    return {"text": text, "blocks": [section(body)]}


def ack_notice(locale: str, *, choice: str, who: str, kind: str) -> dict[str, Any]:
    """To the giver: the recipient said thanks / wants to discuss (no feedback text)."""
    text = t(f"feedback.ack_{choice}", locale, who=f"<@{who}>", kind=kind_label(kind, locale))
    return {"text": text, "blocks": [section(text)]}


def ask_dm(
    locale: str,
    *,
    ask_id: int | None,
    requester: str,
    subject: str,
    topic: str | None,
    reminder: bool = False,
    days: int = 0,
) -> dict[str, Any]:
    if subject == requester:
        text = t("feedback.ask", locale, requester=f"<@{requester}>")
    else:
        text = t("feedback.ask_for", locale, requester=f"<@{requester}>", subject=f"<@{subject}>")
    if topic:
        text += "\n" + topic_line(topic, locale)
    if reminder:
        text = t("feedback.reminder", locale, days=days) + "\n" + text
    blocks = [
        section(text),
        actions(
            button(t("feedback.give_button", locale), ANSWER, str(ask_id), style="primary"),
            block_id=f"fb_answer_{ask_id}",
        ),
    ]
    return {"text": text, "blocks": blocks}


# --- replies ----------------------------------------------------------------------------------


def feedback_sent(locale: str, *, kind: str, recipients: list[str], visibility: str) -> dict:
    """The giver's confirmation; `visibility` held_named / held_anonymous for an answer held
    for the manager who asked (with or without consent to share the name)."""
    text = t(
        f"feedback.sent_{visibility}",
        locale,
        kind=kind_label(kind, locale),
        recipients=people_list(recipients, t("value.separator", locale)),
    )
    return {"text": text, "blocks": [section(text)]}


def request_sent(locale: str, *, peers: list[str], subject: str | None) -> dict:
    if subject:
        text = t(
            "feedback.request_sent_for",
            locale,
            peers=people_list(peers, t("value.separator", locale)),
            subject=f"<@{subject}>",
        )
    else:
        text = t(
            "feedback.request_sent", locale, peers=people_list(peers, t("value.separator", locale))
        )
    return message(text, [section(text)])


def feedback_help(locale: str) -> dict:
    text = t("feedback.help", locale)
    return message(text, [section(text)])


# --- the modal --------------------------------------------------------------------------------


def _select(options: list[dict], initial: str | None, placeholder: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": "value",
        "placeholder": plain(placeholder, 150),
        "options": options,
    }
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return element


def feedback_modal(
    locale: str,
    *,
    recipients: Sequence[str] = (),
    kind: str = "suggestion",
    text: str = "",
    metrics: Sequence[tuple[str, str]] = (),
    fixed_recipient: str | None = None,
    requester: str | None = None,
    topic: str | None = None,
    ask_id: int | None = None,
    held: bool = False,
) -> dict[str, Any]:
    """The "Give feedback" modal. Answering a request fixes the recipient and says who sees
    the answer now and later, with or without the answerer's name (for a manager's request
    about a rep: held for that manager, no visibility choice, a checkbox for the name)."""
    if ask_id is not None and requester and fixed_recipient:
        who = _request_section(locale, requester, fixed_recipient, topic, held)
    else:
        who = _recipients_input(locale, recipients)
    blocks = [who, *_choice_inputs(locale, kind, held, metrics), _message_input(locale, text)]
    if ask_id is not None and held and requester and fixed_recipient:
        blocks.append(_share_name_input(locale, requester, fixed_recipient))
    return modal(
        MODAL,
        title=t("feedback.modal_title", locale),
        submit=t("feedback.modal_submit", locale),
        close=t("feedback.modal_close", locale),
        blocks=blocks,
        metadata={"ask": ask_id} if ask_id is not None else {},
    )


def _request_section(
    locale: str, requester: str, subject: str, topic: str | None, held: bool
) -> Block:
    key = "feedback.modal_answer_for" if held else "feedback.modal_answer"
    line = t(key, locale, requester=f"<@{requester}>", subject=f"<@{subject}>")
    if topic:
        line += "\n" + topic_line(topic, locale)
    return section(line)


def _share_name_input(locale: str, requester: str, subject: str) -> Block:
    """Unticked by default: shared without consent, the rep sees "a colleague"."""
    consent = {  # mrkdwn, so the two people show as mentions
        "text": {
            "type": "mrkdwn",
            "text": t(
                "feedback.modal_share_name_option",
                locale,
                requester=f"<@{requester}>",
                subject=f"<@{subject}>",
            ),
        },
        "value": SHARE_NAME,
    }
    element = {"type": "checkboxes", "action_id": "value", "options": [consent]}
    return input_block(B_SHARE_NAME, t("feedback.modal_share_name", locale), element, optional=True)


def _recipients_input(locale: str, recipients: Sequence[str]) -> Block:
    element: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": "value",
        "placeholder": plain(t("feedback.modal_recipients_hint", locale), 150),
    }
    if recipients:
        element["initial_users"] = list(recipients)
    return input_block(B_RECIPIENTS, t("feedback.modal_recipients", locale), element)


def _choice_inputs(
    locale: str, kind: str, held: bool, metrics: Sequence[tuple[str, str]]
) -> list[Block]:
    """Kind, then visibility (not for a held answer), then the metric when there are any."""
    kinds = [option(kind_label(k, locale), k) for k in KINDS]
    label = t("feedback.modal_kind", locale)
    blocks = [input_block(B_KIND, label, _select(kinds, kind, kind_label(kind, locale)))]
    if not held:
        vis = [option(t(f"feedback.visibility.{v}", locale), v) for v in VISIBILITIES]
        placeholder = t("feedback.visibility.private", locale)
        label = t("feedback.modal_visibility", locale)
        blocks.append(input_block(B_VISIBILITY, label, _select(vis, "private", placeholder)))
    if metrics:
        opts = [option(name, key) for key, name in metrics[:100]]
        label = t("feedback.modal_metric", locale)
        blocks.append(input_block(B_METRIC, label, _select(opts, None, label), optional=True))
    return blocks


def _message_input(locale: str, text: str) -> Block:
    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": MAX_SECTION_TEXT,
    }
    if text:
        text_input["initial_value"] = text
    return input_block(B_MESSAGE, t("feedback.modal_message", locale), text_input)
