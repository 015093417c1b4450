"""Block Kit for kudos: the card, the recipients' DMs, the giver's confirmation and help.
Pure functions of plain values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.blocks import context, message, section
from bot.core.mentions import people_list
from bot.core.safe_text import titled
from bot.i18n import t


def kudos_card(
    locales: Sequence[str],
    *,
    giver: str,
    recipients: list[str],
    message: str,
    values: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The card in the recognition channel's language(s): in a bilingual channel the title and
    the value tags in each language, the message (the giver's own words) quoted once."""
    titles = [
        t(
            "kudos.card",
            locale,
            giver=f"<@{giver}>",
            recipients=people_list(recipients, t("value.separator", locale)),
        )
        for locale in locales
    ]
    text, _ = titled(" / ".join(titles), message)
    _, body = titled("\n".join(titles), message)
    blocks = [section(body)]
    tags = [
        t("kudos.card_values", locale, values=" · ".join(f"`#{v}`" for v in shown))
        for locale in locales
        if (shown := (values or {}).get(locale))
    ]
    if tags:
        blocks.append(context("  ".join(tags)))
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
    text = t(
        "kudos.sent",
        locale,
        recipients=people_list(recipients, t("value.separator", locale)),
        link=link,
    )
    if values:
        text += "\n" + t("kudos.card_values", locale, values=" · ".join(f"`#{v}`" for v in values))
    return message(text, [section(text)])


def kudos_help(
    locale: str,
    *,
    values: list[str],
    daily_limit: int,
    emoji: str,
    max_recipients: int,
    withdraw_minutes: int,
) -> dict:
    """/kudos help with the workspace's own limits (people never see the config); `values` as
    people type them after `#` (`customer-first`, `客户第一`)."""
    known = t("value.separator", locale).join(f"`#{v}`" for v in values) or t("value.none", locale)
    text = t(
        "kudos.help",
        locale,
        values=known,
        limit=daily_limit,
        emoji=emoji,
        max=max_recipients,
        minutes=withdraw_minutes,
    )
    return message(text, [section(text)])
