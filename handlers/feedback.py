"""/feedback (modal, quick form, request, list, help), its modal, DM buttons and the
"Give feedback" message shortcut."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core import claims
from bot.core.blocks import message
from bot.core.config import AppConfig
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention, first_word, tokenize
from bot.core.workspace import Workspace
from bot.feedback import overview_views, public, views
from bot.feedback import queries as feedback_overview
from bot.feedback import requests as feedback_requests
from bot.feedback import service as feedback
from bot.feedback.parsing import parse_list, parse_quick_feedback, parse_request
from bot.home import page as home
from bot.i18n import label, t
from bot.org import directory
from bot.permissions.feedback import can_see_giver, feedback_addressee
from handlers import forms
from handlers.middleware import Unit, learn, locale_of, mentioned, unit


def _metrics(config: AppConfig, locale: str) -> list[tuple[str, str]]:
    return [(k, label(en, zh, locale)) for k, en, zh in feedback.metric_options(config)]


def _selected(values: dict[str, Any], block: str) -> str | None:
    option = (values.get(block, {}).get("value") or {}).get("selected_option")
    return option.get("value") if option else None


def _publish(context: Any, *slack_ids: str) -> None:
    for slack_id in dict.fromkeys(slack_ids):
        home.publish(context["ws"], context["db"], slack_id)


def feedback_command(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    user_id, text = command["user_id"], command.get("text", "")
    sub, rest = first_word(text)
    modal = None
    notify: list[str] = []
    try:
        with unit(context, user_id, mentioned(text)) as u:
            who = u.who
            if sub == "":
                modal = views.feedback_modal(who.locale, metrics=_metrics(u.ws.config, who.locale))
            elif sub in ("help", "帮助"):
                reply = views.feedback_help(who.locale)
            elif sub in ("list", "列表"):
                parse_list(rest)
                reply = overview_views.overview_message(
                    who.locale, feedback_overview.build(u.ws, u.session, who)
                )
            else:
                # Everything below creates records: once per command, even if delivered twice.
                claims.claim(u.session, u.ws.team_id, f"trigger:{command['trigger_id']}")
                if sub in ("request", "请求"):
                    reply, notify = _request(u, rest)
                else:
                    reply, notify = _quick(u, text, sub)
    except claims.AlreadyDone:
        return  # the same command delivered twice: the first delivery answers
    if modal is not None:
        context["ws"].sender.open_view(command["trigger_id"], modal)
        return
    respond(**reply)
    if u.undelivered:
        respond(text=t("error.undelivered", who.locale), response_type="ephemeral")
    if notify:
        _publish(context, user_id, *notify)


def _request(u: Unit, rest: str) -> tuple[dict[str, Any], list[str]]:
    args = parse_request(rest)
    team_id = u.ws.team_id
    peers = directory.resolve_all(u.session, team_id, args.peers)
    subject = directory.recipient(u.session, team_id, args.subject) if args.subject else None
    feedback_requests.create_request(
        u.ws,
        u.session,
        requester=u.who.user,
        peers=list({p.id: p for p in peers}.values()),
        subject=subject,
        topic=args.topic,
    )
    reply = views.request_sent(
        u.who.locale,
        peers=[p.slack_id for p in peers],
        subject=subject.slack_id if subject else None,
    )
    return reply, [p.slack_id for p in peers]


def _quick(u: Unit, text: str, sub: str) -> tuple[dict[str, Any], list[str]]:
    tokens = tokenize(text)
    if not tokens or not isinstance(tokens[0], Mention | Handle):
        raise UserFacingError("feedback.unknown_sub", sub=sub)
    args = parse_quick_feedback(text)
    people = directory.resolve_all(u.session, u.ws.team_id, args.people)
    feedback.give(
        u.ws, u.session, giver=u.who.user, recipients=people, kind=args.kind, message=args.message
    )
    sent = views.feedback_sent(
        u.who.locale, kind=args.kind, recipients=[p.slack_id for p in people], visibility="private"
    )
    return message(sent["text"], sent["blocks"]), [p.slack_id for p in people]


def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    ws: Workspace = context["ws"]
    user_id = body["user"]["id"]
    values = view["state"]["values"]
    kind = _selected(values, views.B_KIND) or "suggestion"
    visibility = _selected(values, views.B_VISIBILITY) or "private"
    selected = (values.get(views.B_RECIPIENTS, {}).get("value") or {}).get("selected_users") or []
    learn(context, user_id, *selected)

    def give(u: Unit) -> tuple[list[Any], list[str], list[str], list[bool]]:
        created = _give(u, view, selected, kind, visibility)
        shown, subjects = _addressees(u, created)
        return created, shown, subjects, [fb.share_name for fb in created if fb.held_for_id]

    def errors(context: Any, user_id: str, err: UserFacingError) -> dict[str, str]:
        return _form_errors(context, user_id, err, view)

    done = forms.submit_once(ack, context, user_id, view, give, errors)
    if done is None:
        return
    u, (created, shown, subjects, held) = done
    who = u.who
    undelivered = u.undelivered
    if visibility == "public":
        undelivered += public.publish(ws, context["db"], [fb.id for fb in created])  # type: ignore[misc]
    if held:
        visibility = "held_named" if all(held) else "held_anonymous"
    confirmation = views.feedback_sent(
        who.locale, kind=kind, recipients=subjects, visibility=visibility
    )
    ws.sender.post(user_id, **confirmation)
    if undelivered:
        ws.sender.post(user_id, text=t("error.undelivered", who.locale))
    _publish(context, user_id, *shown)


def _give(
    u: Unit, view: dict[str, Any], selected: list[str], kind: str, visibility: str
) -> list[Any]:
    """The submitted form's feedback (an answer when the modal was opened for a request)."""
    values = view["state"]["values"]
    meta = forms.metadata(view)
    text = (values.get(views.B_MESSAGE, {}).get("value") or {}).get("value") or ""
    ask = (
        feedback_requests.open_ask(u.session, u.who.user, int(meta["ask"])).ask
        if meta.get("ask")
        else None
    )
    recipients = directory.resolve_all(u.session, u.ws.team_id, [Mention(s) for s in selected])
    return feedback.give(
        u.ws,
        u.session,
        giver=u.who.user,
        recipients=recipients,
        kind=kind,
        visibility=visibility,
        message=text,
        metric_key=_selected(values, views.B_METRIC),
        ask=ask,
        share_name=_ticked(values, views.B_SHARE_NAME, views.SHARE_NAME),
    )


def _ticked(values: dict[str, Any], block: str, option: str) -> bool:
    chosen = (values.get(block, {}).get("value") or {}).get("selected_options") or []
    return any(o.get("value") == option for o in chosen)


def _form_errors(
    context: Any, user_id: str, err: UserFacingError, view: dict[str, Any]
) -> dict[str, str]:
    """The refusal shown under the field it is about, or under the message when the form
    has no such field."""
    locale = locale_of(context, user_id)
    present = {b.get("block_id") for b in view.get("blocks", [])}
    block = views.FIELD_BLOCKS.get(getattr(err, "field", "recipients"), views.B_MESSAGE)
    if block not in present:
        block = views.B_MESSAGE
    return {block: t(err.key, locale, **err.params)}


def _addressees(u: Unit, created: list[Any]) -> tuple[list[str], list[str]]:
    """(who receives each feedback: its recipient or the manager holding it, its subjects)."""
    addressees = [directory.by_id(u.session, feedback_addressee(fb)) for fb in created]
    subjects = [directory.by_id(u.session, fb.recipient_id) for fb in created]
    return (
        [a.slack_id for a in addressees if a is not None],
        [s.slack_id for s in subjects if s is not None],
    )


def _message_of(body: dict[str, Any]) -> tuple[str | None, str | None]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


def _ack_button(choice: str, body: dict[str, Any], context: Any) -> None:
    fb_id = int(body["actions"][0]["value"])
    with unit(context, body["user"]["id"]) as u:
        result = feedback.acknowledge(u.ws, u.session, u.who.user, fb_id, choice)
        giver = directory.by_id(u.session, result.fb.giver_id)
        named = can_see_giver(u.session, u.who.user, result.fb)
        done = views.feedback_dm(
            u.who.locale,
            fb_id=fb_id,
            kind=result.fb.kind,
            giver=giver.slack_id if giver and named else None,
            message=result.fb.message,
            done=result.fb.ack,
        )
    channel, ts = _message_of(body)
    if channel and ts:
        u.ws.sender.update(channel, ts, **done)


def thanks(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    _ack_button("thanks", body, context)


def discuss(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    _ack_button("discuss", body, context)


def share(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        fb = feedback_requests.share_with_subject(
            u.ws, u.session, u.who.user, int(body["actions"][0]["value"])
        )
        giver = directory.by_id(u.session, fb.giver_id)
        subject = directory.by_id(u.session, fb.recipient_id)
        subject_id = subject.slack_id if subject else ""
        done = views.held_feedback_dm(
            u.who.locale,
            fb_id=fb.id,
            kind=fb.kind,
            giver=giver.slack_id if giver else "",
            subject=subject_id,
            message=fb.message,
            share_name=fb.share_name,
            shared=True,
        )
    container = body.get("container") or {}
    if container.get("channel_id") and container.get("message_ts"):
        u.ws.sender.update(container["channel_id"], container["message_ts"], **done)
    if subject_id:
        _publish(context, subject_id)


def answer(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        ctx = feedback_requests.open_ask(u.session, u.who.user, int(body["actions"][0]["value"]))
        view = views.feedback_modal(
            u.who.locale,
            metrics=_metrics(u.ws.config, u.who.locale),
            fixed_recipient=ctx.subject.slack_id,
            requester=ctx.requester.slack_id,
            topic=ctx.request.topic,
            ask_id=ctx.ask.id,
            held=ctx.subject.id != ctx.requester.id,
        )
    u.ws.sender.open_view(body["trigger_id"], view)


def give_feedback_shortcut(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    ws: Workspace = context["ws"]
    user_id = body["user"]["id"]
    msg = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id", "")
    author = msg.get("user")
    with unit(context, user_id) as u:
        locale = u.who.locale
    link = ws.sender.permalink(channel, msg.get("ts", ""))
    recipients = [author] if author and author != user_id and not msg.get("bot_id") else []
    view = views.feedback_modal(
        locale, recipients=recipients, text=f"{link}\n", metrics=_metrics(ws.config, locale)
    )
    ws.sender.open_view(body["trigger_id"], view)


def register(app: App, deps: Deps) -> None:
    app.command("/feedback")(feedback_command)
    app.view(views.MODAL)(submit)
    app.action(views.THANKS)(thanks)
    app.action(views.DISCUSS)(discuss)
    app.action(views.SHARE)(share)
    app.action(views.ANSWER)(answer)
    app.shortcut(views.SHORTCUT)(give_feedback_shortcut)
