"""/suggest: the suggestion box's command, form, HR's buttons and reply modal, and the +1
button. Every path calls bot/improvement/suggestions.py; a clicked card and the public post
are updated (chat.update) after the unit commits, never inside it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core import claims
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.workspace import Workspace
from bot.home import page as home
from bot.i18n import t
from bot.improvement import suggestion_form_views as form_views
from bot.improvement import suggestion_queries as queries
from bot.improvement import suggestion_views as views
from bot.improvement import suggestions as service
from bot.org import directory
from handlers import calibration, forms
from handlers.middleware import Unit, locale_of, unit
from storage.models.improvement import Suggestion

log = logging.getLogger("salespulse")
HELP_WORDS, NEW_WORDS, LIST_WORDS = ("help", "帮助"), ("new", "建议"), ("list", "列表")
DECISIONS = {views.PLAN: "planned", views.DECLINE: "declined"}


def suggest(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    user_id, text = command["user_id"], command.get("text", "") or ""
    words = text.split()
    word = words[0].lower() if len(words) == 1 else None
    if not words or word in NEW_WORDS:
        with unit(context, user_id) as u:
            view = form_views.form(u.who.locale, can_share=bool(u.ws.config.channels.suggestions))
        u.ws.sender.open_view(command["trigger_id"], view)
        return
    if word in HELP_WORDS + LIST_WORDS:
        with unit(context, user_id) as u:
            if word in HELP_WORDS:
                reply = views.help_message(u.who.locale)
            else:
                reply = service.listing(u.ws, u.session, u.who)
        respond(**reply)
        return
    try:
        with unit(context, user_id) as u:
            # Recorded once per command, even if Slack delivers it twice.
            claims.claim(u.session, u.ws.team_id, f"trigger:{command['trigger_id']}")
            service.create(
                u.ws, u.session, u.who.user, text=text, topic="other", anonymous=False, public=False
            )
            reply = views.created(u.who.locale, False, None)
    except claims.AlreadyDone:
        return
    respond(**reply)
    _undelivered(u, respond)


def _undelivered(u: Unit, respond: Respond) -> None:
    if u.undelivered:
        respond(text=t("error.undelivered", u.who.locale), response_type="ephemeral")


# --- the form --------------------------------------------------------------------------------


def _value(values: dict[str, Any], block: str) -> Any:
    return (values.get(block) or {}).get("value") or {}


def _ticked(values: dict[str, Any], block: str) -> bool:
    return any(o.get("value") == "yes" for o in _value(values, block).get("selected_options") or [])


def _errors_of(view: dict[str, Any]) -> Any:
    """Each refusal under the field it is about (the text field when the form has no such)."""
    present = {b.get("block_id") for b in view.get("blocks", [])}

    def errors(context: Any, user_id: str, err: UserFacingError) -> dict[str, str]:
        block = form_views.FIELD_BLOCKS.get(str(err.params.pop("field", "text")), "")
        if block not in present:
            block = form_views.B_REPLY if form_views.B_REPLY in present else form_views.B_TEXT
        return {block: t(err.key, locale_of(context, user_id), **err.params)}

    return errors


def form_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    user_id = body["user"]["id"]
    values = view.get("state", {}).get("values", {})

    def create(u: Unit) -> dict[str, Any]:
        anonymous = _ticked(values, form_views.B_ANON)
        channel = u.ws.config.channels.suggestions
        public = bool(channel) and _ticked(values, form_views.B_SHARE)
        topic = (_value(values, form_views.B_TOPIC).get("selected_option") or {}).get("value")
        service.create(
            u.ws,
            u.session,
            u.who.user,
            text=_value(values, form_views.B_TEXT).get("value") or "",
            topic=str(topic or "other"),
            anonymous=anonymous,
            public=public,
        )
        return views.created(u.who.locale, anonymous, channel if public else None)

    done = forms.submit_once(ack, context, user_id, view, create, _errors_of(view))
    if done is not None:
        u, reply = done
        u.ws.sender.post(user_id, text=reply["text"], blocks=reply.get("blocks"))


# --- HR's card -------------------------------------------------------------------------------


def _id(text: Any) -> int:
    try:
        return int(str(text or ""))
    except ValueError:
        raise UserFacingError("improvement.suggest.gone") from None


def _pressed(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel, ts) of the message the button is on."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


def _refresh_card(context: Any, user_id: str, suggestion_id: int, where: Any) -> None:
    """Show the clicked card as the suggestion now is: in HR's channel as the channel sees
    it, in a DM as its reader does."""
    ws: Workspace = context["ws"]
    channel, ts = where
    if not (channel and ts):
        return
    with context["db"].session() as session:
        s = session.get(Suggestion, suggestion_id)
        reader = directory.find(session, ws.team_id, user_id)
        if s is None or s.team_id != ws.team_id or reader is None:
            return
        if channel == ws.config.channels.hr:
            card = service.hr_card_for(
                ws, session, s, queries.CHANNEL, ws.config.workspace.default_locale
            )
        else:
            card = service.hr_card_for(
                ws, session, s, reader, directory.locale_of(reader, ws.config)
            )
    ws.sender.update(channel, ts, **card)


def _refresh_post(context: Any, suggestion_id: int, where: Any = (None, None)) -> None:
    """The public post with its count and status as they are now (after the commit)."""
    ws: Workspace = context["ws"]
    with context["db"].session() as session:
        s = session.get(Suggestion, suggestion_id)
        if s is None or s.team_id != ws.team_id or not s.public:
            return  # (another workspace's id in a payload finds nothing)
        found = service.post_of(session, ws.team_id, s)
        if where[0] and where[1]:
            found = where  # the clicked post itself
        if found is None:
            return
        text, blocks = service.public_card(ws, session, s)
    ws.sender.update(found[0], found[1], text=text, blocks=blocks)


def _after_change(context: Any, user_id: str, suggestion_id: int, where: Any) -> None:
    _refresh_card(context, user_id, suggestion_id, where)
    _refresh_post(context, suggestion_id)
    home.publish(context["ws"], context["db"], user_id)


def acknowledge(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    user_id, suggestion_id = body["user"]["id"], _id(body["actions"][0].get("value"))
    try:
        with unit(context, user_id) as u:
            service.decide(u.ws, u.session, u.who, suggestion_id, "acknowledged")
    except UserFacingError as err:
        if err.key == "improvement.suggest.already":
            _refresh_card(context, user_id, suggestion_id, _pressed(body))
        raise  # the clicker hears why (who acted first)
    _after_change(context, user_id, suggestion_id, _pressed(body))


def decide_button(ack: Ack, body: dict[str, Any], context: Any) -> None:
    """Planned or Declined: the modal asking HR's short reply."""
    ack()
    action = body["actions"][0]
    user_id, suggestion_id = body["user"]["id"], _id(action.get("value"))
    status = DECISIONS[action["action_id"]]
    try:
        with unit(context, user_id) as u:
            s = service.check_decider(u.ws, u.session, u.who, suggestion_id, status)
            channel, ts = _pressed(body)
            meta = {"id": s.id, "status": status, "channel": channel, "ts": ts}
            row = queries.row(u.ws, u.session, s, u.who.user)
            view = form_views.reply_modal(u.who.locale, row, status, meta)
    except UserFacingError as err:
        if err.key == "improvement.suggest.already":
            _refresh_card(context, user_id, suggestion_id, _pressed(body))
        raise
    u.ws.sender.open_view(body["trigger_id"], view)


def reply_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    user_id, meta = body["user"]["id"], forms.metadata(view)
    suggestion_id = meta.get("id") if isinstance(meta.get("id"), int) else 0
    status = meta.get("status") if meta.get("status") in ("planned", "declined") else ""
    values = view.get("state", {}).get("values", {})

    def change(u: Unit) -> None:
        reply = _value(values, form_views.B_REPLY).get("value") or ""
        service.decide(u.ws, u.session, u.who, suggestion_id, status, reply)

    done = forms.submit_once(ack, context, user_id, view, change, _errors_of(view))
    if done is not None:
        _after_change(context, user_id, suggestion_id, (meta.get("channel"), meta.get("ts")))


# --- +1 --------------------------------------------------------------------------------------


def vote(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    user_id, suggestion_id = body["user"]["id"], _id(body["actions"][0].get("value"))
    with unit(context, user_id) as u:
        service.vote(u.ws, u.session, u.who.user, suggestion_id)
    _refresh_post(context, suggestion_id, _pressed(body))


def register(app: App, deps: Deps) -> None:
    app.command("/suggest")(suggest)
    app.view(form_views.FORM_MODAL)(form_submitted)
    app.view(form_views.REPLY_MODAL)(reply_submitted)
    app.action(views.ACKNOWLEDGE)(acknowledge)
    app.action(views.PLAN)(decide_button)
    app.action(views.DECLINE)(decide_button)
    app.action(views.VOTE)(vote)
    calibration.register(app, deps)
