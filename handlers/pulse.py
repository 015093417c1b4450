"""/pulse: help, whoami, lang, quiet."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond
from sqlmodel import Session

from bot import features
from bot.core.blocks import message
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.mentions import first_word
from bot.core.workspace import Workspace
from bot.i18n import t
from bot.org import directory, hours
from bot.org.directory import Who
from bot.org.teams import team_name
from bot.pulse.views import (
    help_message,
    lang_changed,
    lang_message,
    quiet_changed,
    quiet_message,
    whoami_message,
)
from handlers.middleware import unit

LANG_CHOICES = {"zh": "zh-CN", "中文": "zh-CN", "en": "en-US", "english": "en-US", "auto": None}


def pulse(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ws, db = context["ws"], context["db"]
    user_id, text = command["user_id"], command.get("text", "")
    with db.session() as session:
        user = directory.find(session, ws.team_id, user_id)
        known = user is not None and not directory.needs_profile(user)
        answer = _answer(ws, session, directory.who_of(user, ws.config), text) if known else None
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
        return _whoami(ws, session, who)
    if sub == "lang":
        return _lang(ws, session, who, rest.strip().lower())
    if sub == "quiet":
        return _quiet(ws, session, who, rest.strip().lower())
    text = t("error.unknown_subcommand", who.locale, command="/pulse", sub=sub)
    return message(f"{text}\n{t('pulse.usage', who.locale)}")


def _whoami(ws: Workspace, session: Session, who: Who) -> dict[str, Any]:
    user, config = who.user, ws.config
    manager = directory.by_id(session, user.manager_id)
    local = ws.clock().astimezone(ZoneInfo(who.timezone))
    return whoami_message(
        locale=who.locale,
        name=user.name,
        team=team_name(config, user.team, who.locale) if user.team else None,
        manager_slack_id=manager.slack_id if manager else None,
        role=user.role,
        timezone=directory.timezone_source(user, config),
        language_source=directory.locale_source(user, config)[1],
        local_time=f"{local:%Y-%m-%d %H:%M}",
        in_org=user.source == "org",
        quiet=hours.shown_quiet(user, config),
    )


def _quiet(ws: Workspace, session: Session, who: Who, choice: str) -> dict[str, Any]:
    """`/pulse quiet` shows the quiet hours; `21:00-07:30|off|auto` sets them."""
    if choice and not hours.set_quiet(who.user, choice):
        raise UserFacingError("pulse.quiet.usage")
    window, source = hours.shown_quiet(who.user, ws.config)
    if not choice:
        return quiet_message(window, source, who.timezone, who.locale)
    session.add(who.user)
    return quiet_changed(choice, window, source, who.timezone, who.locale)


def _lang(ws: Workspace, session: Session, who: Who, choice: str) -> dict[str, Any]:
    """`/pulse lang` shows the language and the choices; `zh|en|auto` sets it."""
    if not choice:
        _, source = directory.locale_source(who.user, ws.config)
        inherited = directory.locale_source(who.user, ws.config, own_setting=False)
        return lang_message(who.locale, source, inherited)
    if choice not in LANG_CHOICES:
        raise UserFacingError("lang.usage")
    directory.set_language(session, who.user, LANG_CHOICES[choice])
    locale, source = directory.locale_source(who.user, ws.config)
    return lang_changed(locale, source, chosen=LANG_CHOICES[choice] is not None)
