"""/training: requests, suggestions, the approval and HR buttons and their modals.

A clicked card is replaced with its outcome through the action's response_url after the unit
commits; the decline and schedule modals carry that URL in their metadata (only one the guard
let through, and checked again on the way back)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_bolt.context.respond import Respond as RespondTo

from bot.core import claims
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.slack_client import response_url_allowed
from bot.growth import training as service
from bot.growth import training_chat
from bot.growth import training_form_views as form_views
from bot.growth import training_queries as queries
from bot.growth import training_views as views
from bot.home import page as home
from bot.i18n import t
from handlers import forms
from handlers.middleware import Unit, locale_of, unit

log = logging.getLogger("salespulse")


def _publish(context: Any, *slack_ids: str) -> None:
    for slack_id in dict.fromkeys(s for s in slack_ids if s):
        home.publish(context["ws"], context["db"], slack_id)


def _undelivered(u: Unit, respond: Respond) -> None:
    if u.undelivered:
        respond(text=t("error.undelivered", u.who.locale), response_type="ephemeral")


def training(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    user_id, text = command["user_id"], command.get("text", "")
    parsed = training_chat.parse(text, context["ws"].config)
    if parsed.sub == "new":
        with unit(context, user_id) as u:
            url = context.get("response_url")
            view = training_chat.request_form(u.ws, u.session, u.who, reply_to=url)
        u.ws.sender.open_view(command["trigger_id"], view)
        return
    if parsed.sub != "request":
        with unit(context, user_id) as u:
            reply = training_chat.reply(u.ws, u.session, u.who, text)
        respond(**reply)
        return
    try:
        with unit(context, user_id) as u:
            # Creates a request: once per command, even if Slack delivers it twice.
            claims.claim(u.session, u.ws.team_id, f"trigger:{command['trigger_id']}")
            reply = training_chat.request(u.ws, u.session, u.who, parsed)
    except claims.AlreadyDone:
        return
    respond(**reply)
    _undelivered(u, respond)
    _publish(context, user_id)


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value") or "")


def _id(body: dict[str, Any]) -> int:
    try:
        return int(_value(body))
    except ValueError:
        raise UserFacingError("training.gone") from None


def request_button(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        url = context.get("response_url")
        view = training_chat.request_form(u.ws, u.session, u.who, _value(body) or None, url)
    u.ws.sender.open_view(body["trigger_id"], view)


def _text(values: dict[str, Any], block: str) -> str:
    return ((values.get(block) or {}).get("value") or {}).get("value") or ""


def _chosen(values: dict[str, Any], block: str) -> str | None:
    option = ((values.get(block) or {}).get("value") or {}).get("selected_option")
    return option.get("value") if option else None


def _draft(u: Unit, values: dict[str, Any]) -> service.Draft:
    course = u.ws.config.course(_chosen(values, form_views.B_COURSE) or "")
    topic = " ".join(_text(values, form_views.B_TOPIC).split())
    if course is None and not topic:
        raise UserFacingError("training.topic_required", field="topic")
    kind = course.kind if course else _chosen(values, form_views.B_KIND)
    month = _chosen(values, form_views.B_MONTH)
    if month not in training_chat.months(queries.today(u.ws, u.who.user), 12):
        month = None
    return service.Draft(
        topic=course.title_en if course else topic,
        course=course.key if course else None,
        kind=kind if kind in views.KINDS else None,
        reason=_text(values, form_views.B_REASON).strip() or None,
        preferred_month=month,
    )


def _errors_of(view: dict[str, Any]) -> Any:
    """Each refusal under the field it is about (the first of topic, reason, date the form has,
    when it has no such field)."""
    present = {b.get("block_id") for b in view.get("blocks", [])}

    def errors(context: Any, user_id: str, err: UserFacingError) -> dict[str, str]:
        field = str(err.params.pop("field", "topic"))
        block = form_views.FIELD_BLOCKS.get(field, form_views.B_TOPIC)
        if block not in present:
            fields = (form_views.B_TOPIC, form_views.B_REASON, form_views.B_DATE)
            block = next(b for b in fields if b in present)
        return {block: t(err.key, locale_of(context, user_id), **err.params)}

    return errors


def _submit_request(api_url: str) -> Any:
    """The request form's submission: created once (the view id claimed), field errors under
    their fields, the confirmation where the form was asked for (else a DM)."""

    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
        _request_submitted(api_url, ack, body, view, context)

    return submit


def _request_submitted(
    api_url: str, ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any
) -> None:
    user_id = body["user"]["id"]

    def create(u: Unit) -> dict[str, Any]:
        draft = _draft(u, view["state"]["values"])
        req, manager = service.create(u.ws, u.session, u.who.user, draft)
        return views.created(
            u.who.locale, queries.topic_of(u.ws, req, u.who.locale), manager.slack_id
        )

    done = forms.submit_once(ack, context, user_id, view, create, _errors_of(view))
    if done is None:
        return
    u, created = done
    url = forms.metadata(view).get("url")
    if not _replace(api_url, url, {**created, "replace_original": False}):
        u.ws.sender.post(user_id, text=created["text"], blocks=created.get("blocks"))
    _publish(context, user_id)


def cancel(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        service.cancel(u.ws, u.session, u.who, _id(body))
        reply = training_chat.mine(u.ws, u.session, u.who)
    respond(replace_original=True, **{k: v for k, v in reply.items() if k != "response_type"})
    _publish(context, body["user"]["id"])


def _outcome(u: Unit, changed: service.Changed) -> dict[str, Any]:
    return views.outcome(u.who.locale, queries.row(u.ws, u.session, changed.request, u.who.locale))


def approve(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        changed = service.approve(u.ws, u.session, u.who, _id(body))
        done = _outcome(u, changed)
    respond(**done)
    _publish(context, changed.rep.slack_id)


def complete(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        changed = service.complete(u.ws, u.session, u.who, _id(body))
        done = _outcome(u, changed)
    respond(**done)
    _publish(context, changed.rep.slack_id)


def decline_button(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        req = service.check_decider(u.ws, u.session, u.who, _id(body))
        meta = {"id": req.id, "url": body.get("response_url")}
        view = form_views.decline_modal(
            u.who.locale, queries.row(u.ws, u.session, req, u.who.locale), meta
        )
    u.ws.sender.open_view(body["trigger_id"], view)


def schedule_button(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        req = service.check_runner(u.ws, u.session, u.who, _id(body))
        meta = {"id": req.id, "url": body.get("response_url")}
        row = queries.row(u.ws, u.session, req, u.who.locale)
        view = form_views.schedule_modal(u.who.locale, row, queries.today(u.ws, u.who.user), meta)
    u.ws.sender.open_view(body["trigger_id"], view)


def _replace(api_url: str, url: Any, payload: dict[str, Any]) -> bool:
    """Answer where the modal was opened from: replace its card, or an ephemeral line (a
    response_url lasts 30 minutes). False when it could not."""
    if not isinstance(url, str) or not response_url_allowed(url, api_url):
        return False
    try:
        return RespondTo(response_url=url)(**payload).status_code == 200
    except Exception:  # the card stays as it was; the change itself is done and told
        log.warning("could not answer through a response_url", exc_info=True)
        return False


def _declined(u: Unit, values: dict[str, Any], request_id: int) -> tuple[service.Changed, dict]:
    reason = _text(values, form_views.B_REASON)
    changed = service.decline(u.ws, u.session, u.who, request_id, reason)
    return changed, _outcome(u, changed)


def _scheduled(u: Unit, values: dict[str, Any], request_id: int) -> tuple[service.Changed, dict]:
    """Scheduled: HR's card stays (with the new date) so it can be completed from it."""
    picked = ((values.get(form_views.B_DATE) or {}).get("value") or {}).get("selected_date")
    note = _text(values, form_views.B_NOTE).strip() or None
    changed = service.schedule(u.ws, u.session, u.who, request_id, _day(picked), note)
    row = queries.row(u.ws, u.session, changed.request, u.who.locale)
    card = {"text": row.topic, "blocks": views.hr_card(u.who.locale, row)}
    return changed, {**card, "replace_original": True}


def _modal_submit(api_url: str, act: Any) -> Any:
    """The decline or schedule modal's submission: the change, once (the view id claimed),
    field errors under their fields, then the card it was opened from replaced."""

    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
        meta = forms.metadata(view)
        request_id = meta.get("id") if isinstance(meta.get("id"), int) else 0

        def change(u: Unit) -> tuple[service.Changed, dict[str, Any]]:
            return act(u, view["state"]["values"], request_id)

        done = forms.submit_once(ack, context, body["user"]["id"], view, change, _errors_of(view))
        if done is not None:
            changed, card = done[1]
            _replace(api_url, meta.get("url"), card)
            _publish(context, changed.rep.slack_id)

    return submit


def _day(text: Any) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise UserFacingError("training.bad_date", field="date") from None


def register(app: App, deps: Deps) -> None:
    api_url = deps.settings.slack_api_url
    app.command("/training")(training)
    app.view(form_views.REQUEST_MODAL)(_submit_request(api_url))
    app.view(form_views.DECLINE_MODAL)(_modal_submit(api_url, _declined))
    app.view(form_views.SCHEDULE_MODAL)(_modal_submit(api_url, _scheduled))
    app.action(views.REQUEST)(request_button)
    app.action(views.CANCEL)(cancel)
    app.action(views.APPROVE)(approve)
    app.action(views.DECLINE)(decline_button)
    app.action(views.SCHEDULE)(schedule_button)
    app.action(views.COMPLETE)(complete)
