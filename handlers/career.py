"""/career: readiness, guidance requests and the coach's buttons. `/career plan …` is
handed to handlers/plan.py."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core import claims
from bot.core.deps import Deps
from bot.core.workspace import Workspace
from bot.growth import career_chat, guidance
from bot.growth import career_views as views
from handlers import forms, plan
from handlers.middleware import Unit, locale_of, mentioned, unit

PLAN_WORDS = ("plan", "计划")


def career(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    text = command.get("text", "")
    words = text.split()
    if words and words[0].lower() in PLAN_WORDS:
        plan.plan_command(command, respond, context)
        return
    try:
        with unit(context, command["user_id"], mentioned(text)) as u:
            reply = career_chat.reply(
                u.ws, u.session, u.who, text, trigger_id=command.get("trigger_id")
            )
    except claims.AlreadyDone:
        return  # the same command delivered twice: the first delivery answers
    respond(**reply)


def _request_id(body: dict[str, Any]) -> int:
    value = str(body["actions"][0].get("value") or "")
    return int(value) if value.isdigit() else 0


def open_form(ack: Ack, body: dict[str, Any], context: Any) -> None:
    """The card's "Request career guidance" button: the question form (trigger first)."""
    ack()
    ws: Workspace = context["ws"]
    ws.sender.open_view(body["trigger_id"], views.ask_modal(locale_of(context, body["user"]["id"])))


def submit_question(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    user_id = body["user"]["id"]
    values = view["state"]["values"]
    text = (values.get(views.B_QUESTION, {}).get(views.VALUE) or {}).get("value") or ""

    def ask(u: Unit) -> None:
        # confirmed by DM: a modal has no channel for an ephemeral answer
        request, _ = guidance.ask(u.ws, u.session, u.who.user, text)
        sent = views.asked(u.who.locale)
        key = f"guidance:{request.id}:asked"
        u.ws.sender.enqueue(u.session, u.ws.team_id, key, user_id, sent["text"], None)

    forms.submit_once(ack, context, user_id, view, ask, forms.under(views.B_QUESTION))


def accept(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        changed = guidance.accept(u.ws, u.session, u.who.user, _request_id(body))
        card = views.coach_accepted(changed.request.id or 0, changed.rep.slack_id, u.who.locale)
    if changed.first:  # a double click: the first one replaced the message
        respond(replace_original=True, **card)


def done(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        changed = guidance.mark_done(u.ws, u.session, u.who.user, _request_id(body))
        card = views.coach_done(changed.rep.slack_id, u.who.locale)
    if changed.first:
        respond(replace_original=True, **card)


def open_reassign(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    container = body.get("container") or {}
    where = {
        "channel": container.get("channel_id") or (body.get("channel") or {}).get("id") or "",
        "ts": container.get("message_ts") or (body.get("message") or {}).get("ts") or "",
    }
    with unit(context, body["user"]["id"]) as u:
        request, rep, others = guidance.reassign_choices(
            u.ws, u.session, u.who.user, _request_id(body)
        )
        choices = [(c.slack_id, c.name) for c in others]
        view = views.reassign_modal(request.id or 0, rep.slack_id, choices, u.who.locale, where)
    u.ws.sender.open_view(body["trigger_id"], view)


def submit_reassign(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    user_id = body["user"]["id"]
    values = view["state"]["values"]
    meta = forms.metadata(view)
    request_id = meta.get("request") if isinstance(meta.get("request"), int) else 0
    chosen = (values.get(views.B_TO, {}).get(views.VALUE) or {}).get("selected_option") or {}
    note = (values.get(views.B_NOTE, {}).get(views.VALUE) or {}).get("value")

    def reassign(u: Unit) -> dict[str, Any]:
        key = f"guidance:{request_id}:coach:{view['id']}"
        changed = guidance.reassign(
            u.ws, u.session, u.who.user, request_id, chosen.get("value"), note, key
        )
        return views.coach_passed(changed.rep.slack_id, str(chosen.get("value")), u.who.locale)

    done = forms.submit_once(ack, context, user_id, view, reassign, forms.under(views.B_TO))
    if done is not None and meta.get("channel") and meta.get("ts"):
        card = done[1]
        done[0].ws.sender.update(
            str(meta["channel"]), str(meta["ts"]), card["text"], card["blocks"]
        )


def register(app: App, deps: Deps) -> None:
    app.command("/career")(career)
    app.action(views.ASK)(open_form)
    app.view(views.ASK_MODAL)(submit_question)
    app.action(views.ACCEPT)(accept)
    app.action(views.REASSIGN)(open_reassign)
    app.view(views.REASSIGN_MODAL)(submit_reassign)
    app.action(views.DONE)(done)
