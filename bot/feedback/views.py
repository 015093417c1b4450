"""Block Kit for kudos and feedback: cards, DMs with buttons, the modal, overviews.

Pure functions of plain values; ids of actions and views live here so handlers share them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.blocks import (
    MAX_FIELD_TEXT,
    MAX_SECTION_TEXT,
    SECTION_BUDGET,
    Block,
    actions,
    button,
    context,
    header,
    message,
    plain,
    section,
)
from bot.core.safe_text import safe_text
from bot.i18n import fmt_date, t
from storage.models.feedback import KINDS, VISIBILITIES

MODAL = "feedback_modal"
SHORTCUT = "give_feedback"
THANKS = "feedback_thanks"
DISCUSS = "feedback_discuss"
SHARE = "feedback_share"
ANSWER = "feedback_answer"
B_RECIPIENTS, B_KIND, B_VISIBILITY, B_METRIC, B_MESSAGE = (
    "fb_recipients",
    "fb_kind",
    "fb_visibility",
    "fb_metric",
    "fb_message",
)
FIELD_BLOCKS = {
    "recipients": B_RECIPIENTS,
    "kind": B_KIND,
    "visibility": B_VISIBILITY,
    "message": B_MESSAGE,
}
KIND_EMOJI = {"praise": ":star2:", "correction": ":wrench:", "suggestion": ":bulb:"}


def _people(ids: list[str]) -> str:
    return ", ".join(f"<@{i}>" for i in ids)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def _titled(title: str, user_text: str) -> tuple[str, str]:
    """(the `text` fallback, the section text) of a title over a quote of user text."""
    shown = safe_text(user_text)
    return f"{title}: {shown}", f"{title}\n{_quote(shown)}"


def _topic_line(topic: str, locale: str) -> str:
    return t("feedback.topic_line", locale, topic=safe_text(topic))


def kind_label(kind: str, locale: str) -> str:
    return t(f"feedback.kind.{kind}", locale)


# --- kudos ------------------------------------------------------------------------------------


def kudos_card(
    locale: str, *, giver: str, recipients: list[str], message: str, values: Sequence[str] = ()
) -> dict[str, Any]:
    title = t("kudos.card", locale, giver=f"<@{giver}>", recipients=_people(recipients))
    text, body = _titled(title, message)
    blocks = [section(body)]
    tags = " · ".join(f"`#{v}`" for v in values)
    if tags:
        blocks.append(context(t("kudos.card_values", locale, values=tags)))
    return {"text": text, "blocks": blocks}


def kudos_dm(locale: str, *, giver: str, link: str) -> dict[str, Any]:
    text = t("kudos.dm", locale, giver=f"<@{giver}>", link=link)
    return {"text": text, "blocks": [section(text)]}


def kudos_withdrawn(locale: str) -> dict[str, Any]:
    text = t("kudos.withdrawn", locale)
    return {"text": text, "blocks": [section(text)]}


def kudos_sent(locale: str, *, recipients: list[str], link: str, values: list[str]) -> dict:
    text = t("kudos.sent", locale, recipients=_people(recipients), link=link)
    if values:
        text += "\n" + t("kudos.card_values", locale, values=" · ".join(f"`#{v}`" for v in values))
    return message(text, [section(text)])


def kudos_help(locale: str, *, values: list[str], daily_limit: int, emoji: str) -> dict:
    known = ", ".join(f"`#{v}`" for v in values) or t("value.none", locale)
    text = t("kudos.help", locale, values=known, limit=daily_limit, emoji=emoji)
    return message(text, [section(text)])


# --- feedback DMs -----------------------------------------------------------------------------


def feedback_dm(
    locale: str,
    *,
    fb_id: int | None,
    kind: str,
    giver: str,
    message: str,
    link: str | None = None,
    metric: str | None = None,
    done: str | None = None,
) -> dict[str, Any]:
    """The recipient's DM; `done` (thanks | discuss) replaces the buttons after a press."""
    title = t(
        "feedback.dm",
        locale,
        emoji=KIND_EMOJI[kind],
        kind=kind_label(kind, locale),
        giver=f"<@{giver}>",
    )
    text, body = _titled(title, message)
    blocks: list[Block] = [section(body)]
    extras = []
    if metric:
        extras.append(t("feedback.metric_line", locale, metric=metric))
    if link:
        extras.append(t("feedback.public_line", locale, link=link))
    if extras:
        blocks.append(context(" · ".join(extras)))
    if done:
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
    shared: bool = False,
) -> dict[str, Any]:
    """To the manager who asked: an answer about their report, with "Share with" the rep."""
    title = t(
        "feedback.held_dm",
        locale,
        emoji=KIND_EMOJI[kind],
        kind=kind_label(kind, locale),
        giver=f"<@{giver}>",
        subject=f"<@{subject}>",
    )
    text, body = _titled(title, message)
    blocks: list[Block] = [section(body)]
    if shared:
        blocks.append(context(t("feedback.shared_done", locale, subject=f"<@{subject}>")))
    else:
        blocks.append(context(t("feedback.held_note", locale, subject=f"<@{subject}>")))
        label = t("feedback.share", locale)
        blocks.append(actions(button(label, SHARE, str(fb_id)), block_id=f"fb_share_{fb_id}"))
    return {"text": text, "blocks": blocks}


def manager_copy_dm(
    locale: str, *, kind: str, giver: str, subject: str, message: str
) -> dict[str, Any]:
    title = t(
        "feedback.manager_copy",
        locale,
        emoji=KIND_EMOJI[kind],
        kind=kind_label(kind, locale),
        giver=f"<@{giver}>",
        subject=f"<@{subject}>",
    )
    text, body = _titled(title, message)
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
        text += "\n" + _topic_line(topic, locale)
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
    text = t(
        f"feedback.sent_{visibility}",
        locale,
        kind=kind_label(kind, locale),
        recipients=_people(recipients),
    )
    return {"text": text, "blocks": [section(text)]}


def request_sent(locale: str, *, peers: list[str], subject: str | None) -> dict:
    if subject:
        text = t("feedback.request_sent_for", locale, peers=_people(peers), subject=f"<@{subject}>")
    else:
        text = t("feedback.request_sent", locale, peers=_people(peers))
    return message(text, [section(text)])


def feedback_help(locale: str) -> dict:
    text = t("feedback.help", locale)
    return message(text, [section(text)])


# --- the modal --------------------------------------------------------------------------------


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value}


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


def _input(block_id: str, label: str, element: dict, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }


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
    """The "Give feedback" modal. Answering a request fixes the recipient (and for a
    manager's request about a rep, the answer is private to that manager: no visibility)."""
    blocks: list[Block] = []
    if ask_id is not None and requester and fixed_recipient:
        key = "feedback.modal_answer_for" if held else "feedback.modal_answer"
        line = t(key, locale, requester=f"<@{requester}>", subject=f"<@{fixed_recipient}>")
        if topic:
            line += "\n" + _topic_line(topic, locale)
        blocks.append(section(line))
    else:
        element: dict[str, Any] = {
            "type": "multi_users_select",
            "action_id": "value",
            "placeholder": plain(t("feedback.modal_recipients_hint", locale), 150),
        }
        if recipients:
            element["initial_users"] = list(recipients)
        blocks.append(_input(B_RECIPIENTS, t("feedback.modal_recipients", locale), element))
    kinds = [_option(kind_label(k, locale), k) for k in KINDS]
    blocks.append(
        _input(
            B_KIND, t("feedback.modal_kind", locale), _select(kinds, kind, kind_label(kind, locale))
        )
    )
    if not held:
        vis = [_option(t(f"feedback.visibility.{v}", locale), v) for v in VISIBILITIES]
        placeholder = t("feedback.visibility.private", locale)
        blocks.append(
            _input(
                B_VISIBILITY,
                t("feedback.modal_visibility", locale),
                _select(vis, "private", placeholder),
            )
        )
    if metrics:
        opts = [_option(label, key) for key, label in metrics[:100]]
        blocks.append(
            _input(
                B_METRIC,
                t("feedback.modal_metric", locale),
                _select(opts, None, t("feedback.modal_metric", locale)),
                optional=True,
            )
        )
    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": MAX_SECTION_TEXT,
    }
    if text:
        text_input["initial_value"] = text
    blocks.append(_input(B_MESSAGE, t("feedback.modal_message", locale), text_input))
    return {
        "type": "modal",
        "callback_id": MODAL,
        "title": plain(t("feedback.modal_title", locale), 24),
        "submit": plain(t("feedback.modal_submit", locale), 24),
        "close": plain(t("feedback.modal_close", locale), 24),
        "private_metadata": json.dumps({"ask": ask_id} if ask_id is not None else {}),
        "blocks": blocks,
    }


# --- overview (App Home and /feedback list) ---------------------------------------------------


@dataclass
class ReceivedItem:
    kind: str
    giver: str
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
    who = t("feedback.item_from", locale, giver=f"<@{item.giver}>")
    about = f" → <@{item.subject}>" if item.subject else ""
    head = f"{KIND_EMOJI[item.kind]} *{kind_label(item.kind, locale)}*{about} · {who} · {fmt_date(item.created, locale)}"
    body = item.message if len(item.message) <= 300 else item.message[:299] + "…"
    return f"{head}\n{_quote(safe_text(body))}"


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
    blocks: list[Block] = [header(t("feedback.home_received", locale))]
    blocks += _list_section(
        [_item_line(i, locale) for i in ov.received], t("feedback.home_none", locale)
    )
    blocks.append(header(t("feedback.home_kudos", locale)))
    per_value = " · ".join(f"`#{label}` ×{n}" for label, n in ov.kudos_values)
    line = t("feedback.home_kudos_total", locale, count=ov.kudos_total)
    blocks.append(section(f"{line}\n{per_value}" if per_value else line))
    blocks.append(header(t("feedback.home_asks", locale)))
    ask_blocks: list[Block] = []
    for ask_id, requester, subject, topic, days in ov.asks[:10]:
        key = "feedback.home_ask" if subject == requester else "feedback.home_ask_for"
        text = t(
            key,
            locale,
            requester=f"<@{requester}>",
            subject=f"<@{subject}>",
            age=_age(days, locale),
        )
        if topic:
            text += "\n" + _topic_line(topic, locale)
        ask_blocks.append(
            section(text, accessory=button(t("feedback.give_button", locale), ANSWER, str(ask_id)))
        )
    blocks += ask_blocks or [context(t("feedback.home_none", locale))]
    if ov.my_requests:
        blocks.append(header(t("feedback.home_my_requests", locale)))
        lines = [
            t(
                "feedback.home_my_request",
                locale,
                subject=f"<@{subject}>",
                topic=safe_text(topic) if topic else t("value.none", locale),
                open=open_,
                answered=answered,
                age=_age(days, locale),
            )
            for subject, topic, open_, answered, days in ov.my_requests
        ]
        blocks += _list_section(lines, "")
    if ov.held:
        blocks.append(header(t("feedback.home_held", locale)))
        blocks += _list_section([_item_line(i, locale) for i in ov.held], "")
    if ov.report_counts is not None:
        blocks.append(header(t("feedback.home_reports", locale)))
        lines = [
            f"<@{who}>: {_counts(c, locale)} · {t('feedback.kudos_count', locale, count=k)}"
            for who, c, k in ov.report_counts
        ]
        blocks += _list_section(lines, t("feedback.home_none", locale))
    if ov.team:
        blocks.append(header(t("feedback.home_team", locale)))
        blocks += _list_section([_item_line(i, locale) for i in ov.team], "")
    if ov.trend is not None:
        this, last = ov.trend
        blocks.append(header(t("feedback.home_trend", locale)))
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
        blocks.append(section(text))
        blocks.append(context(t("feedback.trend_note", locale)))
    return blocks


def overview_message(locale: str, ov: Overview) -> dict:
    blocks = overview_blocks(locale, ov)
    text = "\n".join(b["text"]["text"] for b in blocks if isinstance(b.get("text"), dict))
    return message(text[:MAX_FIELD_TEXT], blocks)
