"""/pulse: help, whoami, lang."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from sqlmodel import Session

from bot import features
from bot.core.blocks import message
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.mentions import first_word
from bot.core.workspace import Workspace
from bot.i18n import t
from bot.org import directory
from bot.org.directory import Who
from bot.pulse.views import help_message, whoami_message
from handlers.middleware import unit

LANG_CHOICES = {"zh": "zh-CN", "中文": "zh-CN", "en": "en-US", "english": "en-US", "auto": None}


def pulse(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ws, db = context["ws"], context["db"]
    user_id, text = command["user_id"], command.get("text", "")
    with db.session() as session:
        user = directory.find(session, ws.team_id, user_id)
        answer = _answer(ws, session, directory.who_of(user, ws.config), text) if user else None
    if answer is not None:
        # Known user: no Slack call needed, so the answer goes in the ack itself (one round
        # trip, no work left after it), sent after the commit so a next command sees it.
        ack(text=answer["text"], blocks=answer.get("blocks"), response_type="ephemeral")
        return
    ack()  # first contact: users.info may be slow, so acknowledge first
    with unit(context, user_id) as u:
        answer = _answer(ws, u.session, u.who, text)
    respond(**answer)


def register(app: App, deps: Deps) -> None:
    app.command("/pulse")(pulse)


def _answer(ws: Workspace, session: Session, who: Who, text: str) -> dict[str, Any]:
    sub, rest = first_word(text)
    if sub in ("", "help", "帮助"):
        return help_message(who.locale, features.help_keys())
    if sub == "whoami":
        manager = directory.by_id(session, who.user.manager_id)
        return whoami_message(
            locale=who.locale,
            name=who.user.name,
            team=who.user.team,
            manager_slack_id=manager.slack_id if manager else None,
            role=who.user.role,
            timezone=who.timezone,
            language_overridden=who.user.locale_override is not None,
            in_org=who.user.source == "org",
        )
    if sub == "lang":
        choice = rest.strip().lower()
        if choice not in LANG_CHOICES:
            raise UserFacingError("lang.usage")
        directory.set_language(session, who.user, LANG_CHOICES[choice])
        locale = directory.locale_of(who.user, ws.config)
        key = "lang.auto" if LANG_CHOICES[choice] is None else "lang.set"
        return message(t(key, locale, language=t(f"language.{locale}", locale)))
    text = t("error.unknown_subcommand", who.locale, command="/pulse", sub=sub)
    return message(f"{text}\n{t('pulse.usage', who.locale)}")
