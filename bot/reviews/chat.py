"""`/review` as a service: the subcommand, who may use it, the reply. Knows nothing of Slack
payloads; the handler passes plain text and the acting user."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.blocks import message, section
from bot.core.errors import UserFacingError
from bot.core.workspace import Workspace
from bot.i18n import t
from bot.org.directory import Who
from bot.reviews import close

HELP_WORDS = ("help", "帮助")


def help_message(locale: str) -> dict:
    text = t("reviews.help", locale)
    return message(text, [section(text)])


def reply(ws: Workspace, session: Session, who: Who, text: str) -> dict:
    words = text.split()
    sub = words[0].lower() if words else ""
    if sub in HELP_WORDS:
        return help_message(who.locale)
    if sub == "close":
        return close.reply(ws, session, who, " ".join(words[1:]) or None)
    raise UserFacingError("reviews.unknown_sub", sub=sub or "")
