"""/kudos and the emoji path (reaction_added / reaction_removed)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core import claims
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.mentions import Mention, first_word
from bot.feedback.parsing import parse_kudos
from bot.feedback.views import kudos_help, kudos_sent
from bot.home import page as home
from bot.i18n import t
from bot.kudos import service as kudos
from bot.org import directory


def _emoji(name: str) -> str:
    return name.split("::", 1)[0]  # "clap::skin-tone-2" is still clap


def register(app: App, deps: Deps) -> None:
    @app.command("/kudos")
    def kudos_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        team_id, text = command["team_id"], command.get("text", "")
        try:
            with deps.db.session() as session:
                who = directory.actor(
                    session, deps.client, deps.config, team_id, command["user_id"]
                )
                if first_word(text)[0] in ("help", "帮助"):
                    labels = [
                        kudos.value_label(deps.config, v.key, who.locale)
                        for v in deps.config.values
                    ]
                    cfg = deps.config.kudos
                    respond(
                        **kudos_help(
                            who.locale, values=labels, daily_limit=cfg.daily_limit, emoji=cfg.emoji
                        )
                    )
                    return
                claims.claim(session, team_id, f"trigger:{command['trigger_id']}")
                args = parse_kudos(text, kudos.values_of(deps.config))
                recipients = kudos.resolve_recipients(deps, session, team_id, args)
                given = kudos.give(
                    deps,
                    session,
                    team_id=team_id,
                    giver=who.user,
                    recipients=recipients,
                    message=args.message,
                    values=args.values,
                )
                labels = [kudos.value_label(deps.config, k, who.locale) for k in args.values]
                reply = kudos_sent(
                    who.locale,
                    recipients=[r.slack_id for r in recipients],
                    link=given.permalink or "",
                    values=labels,
                )
        except claims.AlreadyDone:
            return  # the same command delivered twice: the first delivery answers
        respond(**reply)
        for user in recipients:
            home.publish(deps, team_id, user.slack_id)

    @app.event("reaction_added")
    def reaction_added(event: dict[str, Any], body: dict[str, Any]) -> None:
        item = event.get("item") or {}
        author = event.get("item_user")
        if _emoji(event.get("reaction", "")) != deps.config.kudos.emoji:
            return
        if item.get("type") != "message" or not author:
            return
        team_id, channel, ts = body["team_id"], item["channel"], item["ts"]
        with deps.db.session() as session:
            who = directory.actor(session, deps.client, deps.config, team_id, event["user"])
        if who.user.is_bot:
            return
        try:
            # A refusal raises out of the unit of work, so it rolls back the flushed kudos.
            with deps.db.session() as session:
                recipient = directory.recipient(session, deps.client, team_id, Mention(author))
                link = deps.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
                locale = deps.config.workspace.default_locale
                emoji = deps.config.kudos.emoji
                kudos.give(
                    deps,
                    session,
                    team_id=team_id,
                    giver=who.user,
                    recipients=[recipient],
                    message=t("kudos.emoji_message", locale, emoji=emoji, link=link),
                    reaction=kudos.Reaction(channel, ts),
                )
        except claims.AlreadyDone:
            return  # the same reaction again: one live kudos per giver and message
        except UserFacingError as err:
            # No slash command to answer: tell the giver where they reacted, only them.
            note = t(err.key, who.locale, **err.params)
            deps.sender.ephemeral(channel, event["user"], note)
            return
        home.publish(deps, team_id, recipient.slack_id)

    @app.event("reaction_removed")
    def reaction_removed(event: dict[str, Any], body: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if _emoji(event.get("reaction", "")) != deps.config.kudos.emoji or not item.get("ts"):
            return
        team_id = body["team_id"]
        with deps.db.session() as session:
            giver = directory.find(session, team_id, event["user"])
            found = giver and kudos.find_by_reaction(
                session, team_id, giver, kudos.Reaction(item.get("channel", ""), item["ts"])
            )
            if not found:
                return
            kudos.withdraw(deps, session, found)
