"""Block Kit for kudos: the card, the recipients' DMs, the giver's confirmation and help.
Pure functions of plain values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.blocks import context, message, section
from bot.core.mentions import people_list
from bot.core.safe_text import titled
from bot.i18n import is_zh, t


def kudos_card(
    locale: str, *, giver: str, recipients: list[str], message: str, values: Sequence[str] = ()
) -> dict[str, Any]:
    title = t("kudos.card", locale, giver=f"<@{giver}>", recipients=people_list(recipients))
    text, body = titled(title, message)
    blocks = [section(body)]
    tags = " · ".join(f"`#{v}`" for v in values)
    if tags:
        blocks.append(context(t("kudos.card_values", locale, values=tags)))
    return {"text": text, "blocks": blocks}


def kudos_dm(locale: str, *, giver: str, link: str, message: str) -> dict[str, Any]:
    """The DM to each recipient: who praised them, a link to the card and what they said."""
    title = t("kudos.dm", locale, giver=f"<@{giver}>", link=link)
    text, body = titled(title, message)
    return {"text": text, "blocks": [section(body)]}


def kudos_withdrawn(locale: str) -> dict[str, Any]:
    text = t("kudos.withdrawn", locale)
    return {"text": text, "blocks": [section(text)]}


def kudos_sent(locale: str, *, recipients: list[str], link: str, values: list[str]) -> dict:
    text = t("kudos.sent", locale, recipients=people_list(recipients), link=link)
    if values:
        text += "\n" + t("kudos.card_values", locale, values=" · ".join(f"`#{v}`" for v in values))
    return message(text, [section(text)])


def kudos_help(locale: str, *, values: list[str], daily_limit: int, emoji: str) -> dict:
    """`values` as people type them after `#` (`customer-first`, `客户第一`)."""
    known = ("、" if is_zh(locale) else ", ").join(f"`#{v}`" for v in values)
    known = known or t("value.none", locale)
    text = t("kudos.help", locale, values=known, limit=daily_limit, emoji=emoji)
    return message(text, [section(text)])
