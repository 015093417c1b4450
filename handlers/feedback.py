"""/feedback (modal, quick form, request, list, help), its modal, DM buttons and the
"Give feedback" message shortcut."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core import claims
from bot.core.blocks import message
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention, first_word, tokenize
from bot.feedback import queries as feedback_overview
from bot.feedback import service as feedback
from bot.feedback import views
from bot.feedback.parsing import parse_quick_feedback, parse_request
from bot.home import page as home
from bot.i18n import label, t
from bot.org import directory
from bot.permissions.feedback import feedback_addressee


def _metrics(deps: Deps, locale: str) -> list[tuple[str, str]]:
    return [(k, label(en, zh, locale)) for k, en, zh in feedback.metric_options(deps.config)]


def _selected(values: dict[str, Any], block: str) -> str | None:
    option = (values.get(block, {}).get("value") or {}).get("selected_option")
    return option.get("value") if option else None


def register(app: App, deps: Deps) -> None:
    def publish(team_id: str, *slack_ids: str) -> None:
        for slack_id in dict.fromkeys(slack_ids):
            home.publish(deps, team_id, slack_id)

    @app.command("/feedback")
    def feedback_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        team_id, user_id = command["team_id"], command["user_id"]
        text = command.get("text", "")
        sub, rest = first_word(text)
        try:
            with deps.db.session() as session:
                who = directory.actor(session, deps.client, deps.config, team_id, user_id)
                if sub == "":
                    view = views.feedback_modal(who.locale, metrics=_metrics(deps, who.locale))
                    deps.client.views_open(trigger_id=command["trigger_id"], view=view)
                    return
                if sub in ("help", "帮助"):
                    respond(**views.feedback_help(who.locale))
                    return
                if sub in ("list", "列表"):
                    ov = feedback_overview.build(deps, session, who)
                    respond(**views.overview_message(who.locale, ov))
                    return
                # Everything below creates records: once per command, even if delivered twice.
                claims.claim(session, team_id, f"trigger:{command['trigger_id']}")
                if sub in ("request", "请求"):
                    args = parse_request(rest)
                    peers = directory.resolve_all(session, deps.client, team_id, args.peers)
                    subject = (
                        directory.recipient(session, deps.client, team_id, args.subject)
                        if args.subject
                        else None
                    )
                    feedback.create_request(
                        deps,
                        session,
                        team_id=team_id,
                        requester=who.user,
                        peers=list({p.id: p for p in peers}.values()),
                        subject=subject,
                        topic=args.topic,
                    )
                    reply = views.request_sent(
                        who.locale,
                        peers=[p.slack_id for p in peers],
                        subject=subject.slack_id if subject else None,
                    )
                    notify = [p.slack_id for p in peers]
                else:
                    tokens = tokenize(text)
                    if not tokens or not isinstance(tokens[0], Mention | Handle):
                        raise UserFacingError("feedback.unknown_sub", sub=sub)
                    args = parse_quick_feedback(text)
                    people = directory.resolve_all(session, deps.client, team_id, args.people)
                    feedback.give(
                        deps,
                        session,
                        team_id=team_id,
                        giver=who.user,
                        recipients=people,
                        kind=args.kind,
                        message=args.message,
                    )
                    sent = views.feedback_sent(
                        who.locale,
                        kind=args.kind,
                        recipients=[p.slack_id for p in people],
                        visibility="private",
                    )
                    reply = message(sent["text"], sent["blocks"])
                    notify = [p.slack_id for p in people]
        except claims.AlreadyDone:
            return  # the same command delivered twice: the first delivery answers
        respond(**reply)
        deps.sender.flush(deps.db, team_id=team_id)
        publish(team_id, user_id, *notify)

    @app.view(views.MODAL)
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        team_id = (body.get("team") or {}).get("id") or view.get("team_id", "")
        user_id = body["user"]["id"]
        values = view["state"]["values"]
        meta = json.loads(view.get("private_metadata") or "{}")
        present = {b.get("block_id") for b in view.get("blocks", [])}
        with deps.db.session() as session:
            who = directory.actor(session, deps.client, deps.config, team_id, user_id)
        kind = _selected(values, views.B_KIND) or "suggestion"
        visibility = _selected(values, views.B_VISIBILITY) or "private"
        text = (values.get(views.B_MESSAGE, {}).get("value") or {}).get("value") or ""
        selected = (values.get(views.B_RECIPIENTS, {}).get("value") or {}).get(
            "selected_users"
        ) or []
        try:
            with deps.db.session() as session:
                # One submission, once: Slack keeps view.id when a corrected form is resubmitted,
                # and a refused one leaves no claim, so only a true duplicate loses here.
                claims.claim(session, team_id, f"view:{view['id']}")
                ask = (
                    feedback.open_ask(session, who.user, int(meta["ask"])).ask
                    if meta.get("ask")
                    else None
                )
                recipients = directory.resolve_all(
                    session, deps.client, team_id, [Mention(u) for u in selected]
                )
                created = feedback.give(
                    deps,
                    session,
                    team_id=team_id,
                    giver=who.user,
                    recipients=recipients,
                    kind=kind,
                    visibility=visibility,
                    message=text,
                    metric_key=_selected(values, views.B_METRIC),
                    ask=ask,
                )
                addressees = [directory.by_id(session, feedback_addressee(fb)) for fb in created]
                shown = [u.slack_id for u in addressees if u is not None]
                subjects = [
                    u.slack_id
                    for u in (directory.by_id(session, fb.recipient_id) for fb in created)
                    if u is not None
                ]
                held = any(fb.held_for_id for fb in created)
        except claims.AlreadyDone:
            ack()  # a duplicate delivery: close quietly, the first one confirms
            return
        except UserFacingError as err:
            field = getattr(err, "field", "recipients")
            block = views.FIELD_BLOCKS.get(field, views.B_MESSAGE)
            if block not in present:
                block = views.B_MESSAGE
            ack(response_action="errors", errors={block: t(err.key, who.locale, **err.params)})
            return
        ack()
        deps.sender.flush(deps.db, team_id=team_id)
        confirmation = views.feedback_sent(
            who.locale,
            kind=kind,
            recipients=subjects,
            visibility="held" if held else visibility,
        )
        deps.sender.post(user_id, **confirmation)
        publish(team_id, user_id, *shown)

    def _ack_button(choice: str, body: dict[str, Any]) -> None:
        team_id = body["team"]["id"]
        user_id = body["user"]["id"]
        fb_id = int(body["actions"][0]["value"])
        with deps.db.session() as session:
            who = directory.actor(session, deps.client, deps.config, team_id, user_id)
            result = feedback.acknowledge(deps, session, who.user, fb_id, choice)
            giver = directory.by_id(session, result.fb.giver_id)
            done = views.feedback_dm(
                who.locale,
                fb_id=fb_id,
                kind=result.fb.kind,
                giver=giver.slack_id if giver else "",
                message=result.fb.message,
                done=result.fb.ack,
            )
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
        if channel and ts:
            deps.sender.update(channel, ts, **done)
        deps.sender.flush(deps.db, team_id=team_id)

    @app.action(views.THANKS)
    def thanks(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _ack_button("thanks", body)

    @app.action(views.DISCUSS)
    def discuss(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _ack_button("discuss", body)

    @app.action(views.SHARE)
    def share(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        with deps.db.session() as session:
            who = directory.actor(session, deps.client, deps.config, team_id, user_id)
            fb = feedback.share_with_subject(
                deps, session, who.user, int(body["actions"][0]["value"])
            )
            giver = directory.by_id(session, fb.giver_id)
            subject = directory.by_id(session, fb.recipient_id)
            subject_id = subject.slack_id if subject else ""
            done = views.held_feedback_dm(
                who.locale,
                fb_id=fb.id,
                kind=fb.kind,
                giver=giver.slack_id if giver else "",
                subject=subject_id,
                message=fb.message,
                shared=True,
            )
        container = body.get("container") or {}
        if container.get("channel_id") and container.get("message_ts"):
            deps.sender.update(container["channel_id"], container["message_ts"], **done)
        deps.sender.flush(deps.db, team_id=team_id)
        if subject_id:
            publish(team_id, subject_id)

    @app.action(views.ANSWER)
    def answer(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        with deps.db.session() as session:
            who = directory.actor(session, deps.client, deps.config, team_id, user_id)
            ctx = feedback.open_ask(session, who.user, int(body["actions"][0]["value"]))
            view = views.feedback_modal(
                who.locale,
                metrics=_metrics(deps, who.locale),
                fixed_recipient=ctx.subject.slack_id,
                requester=ctx.requester.slack_id,
                topic=ctx.request.topic,
                ask_id=ctx.ask.id,
                held=ctx.subject.id != ctx.requester.id,
            )
        deps.client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.shortcut(views.SHORTCUT)
    def give_feedback_shortcut(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        msg = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id", "")
        author = msg.get("user")
        with deps.db.session() as session:
            who = directory.actor(session, deps.client, deps.config, team_id, user_id)
        link = deps.client.chat_getPermalink(channel=channel, message_ts=msg.get("ts", ""))[
            "permalink"
        ]
        recipients = [author] if author and author != user_id and not msg.get("bot_id") else []
        view = views.feedback_modal(
            who.locale,
            recipients=recipients,
            text=f"{link}\n",
            metrics=_metrics(deps, who.locale),
        )
        deps.client.views_open(trigger_id=body["trigger_id"], view=view)
