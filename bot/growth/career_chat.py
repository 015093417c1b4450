"""`/career` as a service: readiness (mine, a report's), a guidance question, help. The
`plan` subcommands are handled by bot.growth.plan_chat (handlers route them)."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.blocks import message, section
from bot.core.errors import UserFacingError
from bot.core.workspace import Workspace
from bot.i18n import t
from bot.org.directory import Who

HELP_WORDS = ("help", "帮助")


def help_message(locale: str) -> dict:
    text = t("career.help", locale)
    return message(text, [section(text)])


def reply(ws: Workspace, session: Session, who: Who, text: str) -> dict:
    words = text.split(maxsplit=1)
    sub = words[0].lower() if words else ""
    if sub in HELP_WORDS:
        return help_message(who.locale)
    raise UserFacingError("career.help")
