"""The calibration card's "Open a suggestion thread" button (HR only) and the modal it opens:
a suggestion prefilled with the metric, the quarter and the numbers, which HR may edit and
posts as a public suggestion people vote on (bot.improvement.suggestions.create)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.core.deps import Deps
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import OutOfRange, Period, parse_key
from bot.improvement import calibration_views as views
from bot.improvement import suggestions
from bot.improvement.calibration import calibration
from bot.permissions.improvement import gets_calibration
from handlers import forms
from handlers.middleware import Unit, unit

NOT_ALLOWED = "improvement.calibration.not_allowed"


def _target(value: str) -> tuple[Period, str | None] | None:
    """(period, metric key or None) a button or form names; None: not ours."""
    parsed = views.parse_value(value)
    if parsed is None:
        return None
    try:
        period = parse_key(parsed[0])
    except OutOfRange:
        return None
    return None if period is None else (period, parsed[1])


def open_thread(ack: Ack, body: dict[str, Any], context: Any) -> None:
    """HR's button on the card: the modal with the suggestion prefilled from the figures."""
    ack()
    user_id = body["user"]["id"]
    target = _target(str(body["actions"][0].get("value") or ""))
    if target is None:
        return  # not a card of ours
    period, metric = target
    with unit(context, user_id) as u:
        if not gets_calibration(u.who.user):
            raise NotAllowed(NOT_ALLOWED)
        found = calibration(u.session, u.ws.config, u.ws.team_id, period)
        text = views.suggestion_text(u.ws.config, found, metric, u.who.locale)
        meta = {"period": period.key, "metric": metric}
        view = views.thread_modal(u.who.locale, text, meta)
    u.ws.sender.open_view(body["trigger_id"], view)


def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    """Post the suggestion: public, with HR's name, topic KPI scheme; once per form."""
    user_id = body["user"]["id"]
    values = view["state"]["values"]
    text = ((values.get(views.B_TEXT, {}).get(views.A_TEXT) or {}).get("value") or "").strip()

    def post(u: Unit) -> Any:
        if not gets_calibration(u.who.user):
            raise NotAllowed(NOT_ALLOWED)
        if not text:
            raise UserFacingError("improvement.calibration.empty")
        return suggestions.create(
            u.ws, u.session, u.who.user, text=text, topic="kpi", anonymous=False, public=True
        )

    done = forms.submit_once(ack, context, user_id, view, post, forms.under(views.B_TEXT))
    if done is None:
        return
    u, _ = done
    reply = views.posted_reply(u.who.locale, u.ws.config.channels.suggestions)
    u.ws.sender.post(user_id, text=reply)


def register(app: App, deps: Deps) -> None:
    app.action(views.OPEN_THREAD)(open_thread)
    app.view(views.MODAL)(submit)
