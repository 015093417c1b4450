"""/kudos and the emoji path (reaction_added / reaction_removed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_bolt.request import BoltRequest

from bot.core import claims
from bot.core.config import AppConfig
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.mentions import Mention, first_word
from bot.home import page as home
from bot.i18n import t
from bot.i18n.audience import recognition_locales
from bot.kudos import service as kudos
from bot.kudos.parsing import parse_kudos
from bot.kudos.views import kudos_help, kudos_sent
from bot.org import directory
from handlers.after_ack import after_ack
from handlers.middleware import Unit, mentioned, unit
from storage.models.core import User
from storage.models.feedback import Kudos


def _emoji(name: str) -> str:
    return name.split("::", 1)[0]  # "clap::skin-tone-2" is still clap


def _help(config: AppConfig, locale: str) -> dict[str, Any]:
    cfg = config.kudos
    return kudos_help(
        locale,
        values=kudos.value_tags(config, locale),
        daily_limit=cfg.daily_limit,
        emoji=cfg.emoji,
        max_recipients=cfg.max_recipients,
        withdraw_minutes=cfg.withdraw_minutes,
    )


def kudos_command(
    ack: Ack, command: dict[str, Any], respond: Respond, context: Any, request: BoltRequest
) -> None:
    ack()  # the card waits its turn for the channel (1 message/s): never the ack with it
    after_ack(request, lambda: _kudos(command, respond, context))


def _kudos(command: dict[str, Any], respond: Respond, context: Any) -> None:
    text = command.get("text", "")
    try:
        with unit(context, command["user_id"], mentioned(text)) as u:
            ws, who = u.ws, u.who
            if first_word(text)[0] in ("help", "帮助"):
                reply = _help(ws.config, who.locale)
            else:
                claims.claim(u.session, ws.team_id, f"trigger:{command['trigger_id']}")
                given, reply = _give(u, text), None
    except claims.AlreadyDone:
        return  # the same command delivered twice: the first delivery answers
    if reply is not None:
        respond(**reply)
        return
    link = kudos.announce(ws, context["db"], given.kudos.id)  # type: ignore[arg-type]
    if link is None:
        respond(text=t("error.undelivered", who.locale), response_type="ephemeral")
        return
    labels = [kudos.value_label(ws.config, k, who.locale) for k in given.values]
    recipients = [r.slack_id for r in given.recipients]
    respond(**kudos_sent(who.locale, recipients=recipients, link=link, values=labels))
    for slack_id in recipients:
        home.publish(ws, context["db"], slack_id)


@dataclass(frozen=True)
class _Given:
    kudos: Kudos
    recipients: list[User]
    values: tuple[str, ...]


def _give(u: Unit, text: str) -> _Given:
    args = parse_kudos(text, kudos.values_of(u.ws.config))
    recipients = kudos.resolve_recipients(u.ws, u.session, args)
    given = kudos.give(
        u.ws,
        u.session,
        giver=u.who.user,
        recipients=recipients,
        message=args.message,
        values=args.values,
    )
    return _Given(given, recipients, args.values)


def reaction_added(event: dict[str, Any], context: Any) -> None:
    ws = context["ws"]
    item = event.get("item") or {}
    author = event.get("item_user")
    if _emoji(event.get("reaction", "")) != ws.config.kudos.emoji:
        return
    if item.get("type") != "message" or not author:
        return
    channel, ts = item["channel"], item["ts"]
    link = ws.sender.permalink(channel, ts)  # before the transaction: no Slack call inside
    try:
        # A refusal raises out of the unit of work, so it rolls back the flushed kudos.
        with unit(context, event["user"], [author]) as u:
            who = u.who
            if who.user.is_bot:
                return
            recipient = directory.recipient(u.session, ws.team_id, Mention(author))
            locale = recognition_locales(ws.config)[0]  # the card's (first) language
            given = kudos.give(
                ws,
                u.session,
                giver=who.user,
                recipients=[recipient],
                message=t("kudos.emoji_message", locale, emoji=ws.config.kudos.emoji, link=link),
                reaction=kudos.Reaction(channel, ts),
            )
    except claims.AlreadyDone:
        return  # the same reaction again: one live kudos per giver and message
    except UserFacingError as err:
        # No slash command to answer: tell the giver where they reacted, only them.
        with context["db"].session() as session:
            locale = directory.locale_of(
                directory.find(session, ws.team_id, event["user"]), ws.config
            )
        ws.sender.ephemeral(channel, event["user"], t(err.key, locale, **err.params))
        return
    if kudos.announce(ws, context["db"], given.id) is None:  # type: ignore[arg-type]
        ws.sender.ephemeral(channel, event["user"], t("error.undelivered", who.locale))
    home.publish(ws, context["db"], recipient.slack_id)


def reaction_removed(event: dict[str, Any], context: Any) -> None:
    ws = context["ws"]
    item = event.get("item") or {}
    if _emoji(event.get("reaction", "")) != ws.config.kudos.emoji or not item.get("ts"):
        return
    with context["db"].session() as session:
        giver = directory.find(session, ws.team_id, event["user"])
        found = giver and kudos.find_by_reaction(
            session, ws.team_id, giver, kudos.Reaction(item.get("channel", ""), item["ts"])
        )
        retraction = kudos.withdraw(ws, session, found) if found else None
    if retraction is not None:
        kudos.retract(ws, retraction)


def register(app: App, deps: Deps) -> None:
    app.command("/kudos")(kudos_command)
    app.event("reaction_added")(reaction_added)
    app.event("reaction_removed")(reaction_removed)
