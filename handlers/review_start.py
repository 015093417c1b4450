"""/review start (HR's modal and its submission) and choosing peers (the rep's "Choose peers"
button, the manager's "Change peers" button, the nomination modal)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core import claims
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import local_date
from bot.core.sender import QUEUED
from bot.core.workspace import Workspace
from bot.i18n import t
from bot.org import directory
from bot.permissions.reviews import can_run_cycles
from bot.reviews import peers as review_peers
from bot.reviews import start as review_start
from bot.reviews import start_views as views
from bot.reviews.cycles import CycleSpec
from handlers import forms
from handlers.middleware import Unit, learn, locale_of, unit


def start_command(command: dict[str, Any], respond: Respond, context: Any) -> None:
    """HR and admins get the form; anyone else the same refusal, and no form."""
    with unit(context, command["user_id"]) as u:
        locale = u.who.locale
        modal = None
        if can_run_cycles(u.who.user):
            modal = views.start_modal(locale, review_start.team_choices(u.ws, u.session, locale))
    if modal is None:  # the app's error handler answers it like every refusal (and logs it)
        raise NotAllowed("reviews.not_allowed")
    context["ws"].sender.open_view(command["trigger_id"], modal)


def spec_of(form: dict[str, Any]) -> CycleSpec:
    """The form's answers as a CycleSpec (teams still as chosen: keys)."""
    try:
        due = date.fromisoformat(form["due"])
    except ValueError:
        raise UserFacingError("reviews.start.bad_due", due=form["due"]) from None
    peers = form["peers"]
    if peers and not peers.isdigit():
        raise UserFacingError("reviews.bad_peers")
    teams = tuple(form["teams"]) if form["teams"] else None
    return CycleSpec(
        form["name"],
        form["kind"],
        form["period"],
        due,
        teams,
        tuple(form["steps"]),
        int(peers or 2),
    )


def submit_start(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    """Answer the form at once (errors on their fields, or close it), then open the cycle:
    writing a big cycle's tasks and DMs may take longer than Slack's 3 s."""
    ws: Workspace = context["ws"]
    user_id = body["user"]["id"]
    today = local_date(ws.clock(), ws.config.workspace.timezone)
    try:
        spec = spec_of(views.read_start(view["state"]["values"]))
        with unit(context, user_id) as u:
            locale = u.who.locale
            review_start.validate(ws, u.session, u.who.user, spec, today)
    except UserFacingError as err:
        ack(response_action="errors", errors=_errors(context, user_id, err, view))
        return
    ack()
    try:
        with unit(context, user_id) as u:
            claims.claim(u.session, ws.team_id, f"view:{view['id']}")
            cycle, tasks = review_start.start(ws, u.session, u.who.user, spec, today)
            later = list(u.session.info.pop(QUEUED, []))  # delivered below, after the reply
            people = len({t.reviewer_id for t in tasks})
            done = views.started(locale, cycle.name, cycle.id or 0, len(tasks), people)
    except claims.AlreadyDone:
        return  # the same form submitted twice: the first one opened the cycle
    except UserFacingError as err:  # e.g. another form took the name meanwhile
        ws.sender.post(user_id, text=t(err.key, locale, **err.params))
        return
    ws.sender.post(user_id, **done)
    ws.sender.deliver(context["db"], later)


def _errors(
    context: Any, user_id: str, err: UserFacingError, view: dict[str, Any]
) -> dict[str, str]:
    """The refusal under the field it is about (the name field when it names none)."""
    locale = locale_of(context, user_id)
    present = {b.get("block_id") for b in view.get("blocks", [])}
    block = views.FIELD_BLOCKS.get(err.key, views.B_NAME)
    if block not in present:
        block = views.B_NAME if views.B_NAME in present else views.B_PICK
    return {block: t(err.key, locale, **err.params)}


def nomination_view(u: Unit, task_id: int) -> dict[str, Any]:
    """The peer nomination form of a task (refusals raise)."""
    nom = review_peers.nomination(u.session, u.ws.team_id, u.who.user, task_id)
    return views.nominate_modal(
        u.who.locale,
        nom.task.id or 0,
        nom.cycle.peers,
        nom.subject.slack_id,
        [p.slack_id for p in nom.peers],
        by_manager=nom.subject.id != u.who.user.id,
    )


def open_nomination(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    with unit(context, body["user"]["id"]) as u:
        modal = nomination_view(u, int(body["actions"][0]["value"]))
    u.ws.sender.open_view(body["trigger_id"], modal)


def submit_nomination(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    ws: Workspace = context["ws"]
    user_id = body["user"]["id"]
    task_id, chosen = views.read_pick(view)
    learn(context, *chosen)

    def choose(u: Unit) -> dict[str, Any]:
        people = [directory.find(u.session, ws.team_id, s) for s in chosen]
        if any(p is None for p in people):
            raise UserFacingError("reviews.start.peer_unavailable", peer="?")
        once = f"view:{view['id']}"
        result = review_peers.choose(ws, u.session, u.who.user, task_id, people, once)  # type: ignore[arg-type]
        nom = result.nomination
        return views.peers_saved(
            u.who.locale,
            nom.subject.slack_id,
            [p.slack_id for p in nom.peers],
            mine=nom.subject.id == u.who.user.id,
        )

    def errors(context: Any, user_id: str, err: UserFacingError) -> dict[str, str]:
        return _errors(context, user_id, err, view)

    done = forms.submit_once(ack, context, user_id, view, choose, errors)
    if done is not None:
        ws.sender.post(user_id, **done[1])


def register(app: App) -> None:
    app.view(views.START_MODAL)(submit_start)
    app.view(views.NOMINATE_MODAL)(submit_nomination)
    app.action(views.NOMINATE)(open_nomination)
    app.action(views.CHANGE_PEERS)(open_nomination)
