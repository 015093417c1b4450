"""Block Kit for the suggestion box: HR's card, the author's notices, the public post with its
+1 button, `/suggest list`, help and the App Home section (the modals:
suggestion_form_views.py).

Pure functions of plain values (the `Row` read model). A Row's `author` is the Slack id only
when the reader may see it (bot/permissions/improvement.py decided, in the queries): a view
never sees an anonymous author's id, so it cannot show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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
from bot.i18n import fmt_date, is_zh, t

ACKNOWLEDGE, PLAN, DECLINE, VOTE = (
    "suggest_acknowledge",
    "suggest_plan",
    "suggest_decline",
    "suggest_vote",
)
MAX_TEXT, MAX_REPLY = 3000, 2000
SHOWN_TEXT = 2500  # of a suggestion's text on a card (a section holds 3000)
LIST_TEXT = 300  # in a list line
HOME_TOP = 5


@dataclass(frozen=True)
class Row:
    """One suggestion as a view shows it to one reader."""

    id: int
    text: str
    topic: str
    status: str
    votes: int
    created: date
    author: str | None  # the author's Slack id, None when the reader may not see it
    anonymous: bool
    public: bool
    reply: str | None = None
    decided_by: str | None = None
    decided_on: date | None = None


def topic_label(topic: str, locale: str) -> str:
    return t(f"improvement.suggest.topic.{topic}", locale)


def author_label(row: Row, locale: str) -> str:
    return f"<@{row.author}>" if row.author else t("improvement.suggest.anonymous", locale)


def status_line(row: Row, locale: str) -> str:
    """ "Open" / "Planned by @hr on 27 Nov 2026" (the reply is shown apart)."""
    if row.status == "open" or not row.decided_on:
        return t("improvement.suggest.status_line.open", locale)
    who = f"<@{row.decided_by}>" if row.decided_by else "HR"
    day = fmt_date(row.decided_on, locale)
    return t(f"improvement.suggest.status_line.{row.status}", locale, who=who, date=day)


def _quote(text: str, limit: int = SHOWN_TEXT) -> str:
    return "\n".join(f"> {line}" for line in safe_text(clip(text, limit)).split("\n"))


def _reply_line(row: Row, locale: str) -> str | None:
    if not row.reply:
        return None
    return t("improvement.suggest.reply_line", locale, reply=safe_text(clip(row.reply, 1500)))


def _facts(row: Row, locale: str) -> str:
    return " · ".join(
        [
            t("improvement.suggest.from", locale, who=author_label(row, locale)),
            t("improvement.suggest.votes", locale, count=row.votes),
            fmt_date(row.created, locale),
        ]
    )


# --- HR's card -------------------------------------------------------------------------------


def hr_card(locale: str, row: Row) -> tuple[str, list[Block]]:
    """The suggestion as HR sees it, with the buttons its status still allows: Acknowledge
    (open), Planned and Declined (open, acknowledged); none once decided."""
    title = t("improvement.suggest.card.title", locale, topic=topic_label(row.topic, locale))
    blocks: list[Block] = [section(f"{title}\n{_quote(row.text)}"), context(_facts(row, locale))]
    lines = [status_line(row, locale)]
    if reply := _reply_line(row, locale):
        lines.append(reply)
    blocks.append(section("\n".join(lines)))
    buttons = []
    if row.status == "open":
        buttons.append(
            button(t("improvement.suggest.card.acknowledge", locale), ACKNOWLEDGE, str(row.id))
        )
    if row.status in ("open", "acknowledged"):
        buttons.append(
            button(t("improvement.suggest.card.plan", locale), PLAN, str(row.id), style="primary")
        )
        buttons.append(button(t("improvement.suggest.card.decline", locale), DECLINE, str(row.id)))
        blocks.append(actions(*buttons, block_id=f"suggest_hr_{row.id}"))
    text = t(
        "improvement.suggest.card.text",
        locale,
        topic=topic_label(row.topic, locale),
        who=author_label(row, locale),
    )
    return text, blocks


# --- the author ------------------------------------------------------------------------------


def author_notice(locale: str, row: Row) -> tuple[str, list[Block]]:
    """The author told a change of status, with HR's reply; the suggestion quoted."""
    who = f"<@{row.decided_by}>" if row.decided_by else "HR"
    text = t(f"improvement.suggest.told.{row.status}", locale, who=who)
    lines = [text]
    if reply := _reply_line(row, locale):
        lines.append(reply)
    blocks = [section("\n".join(lines)), section(_quote(row.text, 1000))]
    if row.anonymous:
        blocks.append(context(t("improvement.suggest.told_anonymous", locale)))
    return "\n".join(lines), blocks


def created(locale: str, anonymous: bool, channel: str | None) -> dict[str, Any]:
    key = "created_anonymous" if anonymous else "created"
    lines = [t(f"improvement.suggest.{key}", locale)]
    if channel:
        lines.append(t("improvement.suggest.created_public", locale, channel=f"<#{channel}>"))
    text = ("" if is_zh(locale) else " ").join(lines)  # Chinese sentences join without a space
    return message(text, [section(text)])


# --- the public post -------------------------------------------------------------------------


def public_post(locale: str, row: Row) -> tuple[str, list[Block]]:
    """The suggestion in the suggestions channel, with its +1 button and count, and its
    status once HR acted."""
    title = t(
        "improvement.suggest.post.title",
        locale,
        who=author_label(row, locale),
        topic=topic_label(row.topic, locale),
    )
    blocks: list[Block] = [section(f"{title}\n{_quote(row.text)}")]
    lines = [status_line(row, locale)]
    if reply := _reply_line(row, locale):
        lines.append(reply)
    blocks.append(context("\n".join(lines)))
    vote = button(t("improvement.suggest.post.vote", locale, count=row.votes), VOTE, str(row.id))
    blocks.append(actions(vote, block_id=f"suggest_vote_{row.id}"))
    return title, blocks


# --- lists, Home, help -----------------------------------------------------------------------


def list_line(row: Row, locale: str, *, with_author: bool) -> str:
    head = f"*#{row.id}* · {topic_label(row.topic, locale)} · " + t(
        "improvement.suggest.votes", locale, count=row.votes
    )
    if with_author:
        head += " · " + t("improvement.suggest.from", locale, who=author_label(row, locale))
    body = safe_text(clip(" ".join(row.text.split()), LIST_TEXT))
    lines = [head, body, status_line(row, locale)]
    if reply := _reply_line(row, locale):
        lines.append(reply)
    return "\n".join(lines)


def lists(locale: str, mine: list[Row], open_rows: list[Row] | None) -> dict[str, Any]:
    """`/suggest list`: mine (newest first), and for HR every open one (most +1 first), each
    part within one message (the rest counted)."""
    parts: list[tuple[str, list[Row], bool]] = [("mine", mine, False)]
    if open_rows is not None:
        parts.append(("open", open_rows, True))
    # each part: a header and a "none" or "…and N more" line; the rows share the rest
    room = MAX_MESSAGE_BLOCKS - 2 * len(parts)
    others = len(open_rows) if open_rows is not None else 0
    shown = [min(len(mine), max(room - others, room // len(parts)))]
    shown.append(room - shown[0])
    blocks: list[Block] = []
    for (name, rows, with_author), budget in zip(parts, shown, strict=False):
        blocks.append(header(t(f"improvement.suggest.list.{name}_title", locale, count=len(rows))))
        if not rows:
            blocks.append(section(t(f"improvement.suggest.list.{name}_none", locale)))
        for row in rows[:budget]:
            blocks.append(section(list_line(row, locale, with_author=with_author)))
        if len(rows) > budget:
            more = t("improvement.suggest.list.more", locale, count=len(rows) - budget)
            blocks.append(context(more))
    text = t(
        "improvement.suggest.list.text",
        locale,
        mine=len(mine),
        open=len(open_rows) if open_rows is not None else 0,
    )
    return message(text, blocks)


def home(locale: str, count: int, top: list[Row]) -> list[Block]:
    """HR's App Home: the open count and the top five (most +1, then oldest)."""
    blocks: list[Block] = [header(t("improvement.suggest.home.title", locale))]
    if not count:
        blocks.append(section(t("improvement.suggest.home.none", locale)))
        return blocks
    lines = [t("improvement.suggest.home.open", locale, count=count)]
    for row in top[:HOME_TOP]:
        text = safe_text(clip(" ".join(row.text.split()), 150))
        lines.append(
            t(
                "improvement.suggest.home.item",
                locale,
                votes=row.votes,
                topic=topic_label(row.topic, locale),
                text=text,
                who=author_label(row, locale),
            )
        )
    blocks.append(section("\n".join(lines)))
    blocks.append(context(t("improvement.suggest.home.hint", locale)))
    return blocks


def help_message(locale: str) -> dict[str, Any]:
    text = t("improvement.suggest.help", locale)
    return message(text, [section(text)])
