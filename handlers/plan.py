"""`/career plan …`: the development plan, its goal modal and the goal and suggestion
buttons. Thin: parse, call bot.growth.plan / suggestions, answer after commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core import claims
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention
from bot.growth import plan, suggestions
from bot.growth import plan_views as views
from bot.growth.plan_parsing import GoalArgs, parse_goal, parse_plan
from bot.growth.suggestion_views import (
    ACCEPT,
    BLOCK_PREFIX,
    DISMISS,
    IN_DM,
    IN_PLAN,
    suggestions_dm,
)
from bot.home import page as home
from bot.i18n import localized, t
from bot.org import directory
from handlers import forms
from handlers.middleware import Unit, learn, locale_of, mentioned, unit


def _options(u: Unit) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    config, locale = u.ws.config, u.who.locale
    metrics = [(m.key, localized(m, locale)) for m in config.metrics]
    courses = [(c.key, localized(c, locale)) for c in config.training]
    return metrics, courses


def _rep(u: Unit, person: Mention | Handle | None) -> Any:
    if person is None:
        return u.who.user
    return directory.resolve(u.session, u.ws.team_id, person)


def _publish(context: Any, *slack_ids: str) -> None:
    for slack_id in dict.fromkeys(slack_ids):
        home.publish(context["ws"], context["db"], slack_id)


def plan_command(command: dict[str, Any], respond: Respond, context: Any) -> None:
    """`/career plan [add …] [@rep]` (acked by handlers/career.py)."""
    user_id, text = command["user_id"], command.get("text", "")
    rest = text.strip().split(maxsplit=1)[1] if len(text.split()) > 1 else ""
    modal, rep_id = None, None
    try:
        with unit(context, user_id, mentioned(text)) as u:
            args = parse_plan(rest)
            rep = _rep(u, args.rep)
            rep_id = rep.slack_id
            if not args.add:
                reply = plan.plan_reply(u.ws, u.session, u.who, rep)
            else:
                metrics, courses = _options(u)
                goal = parse_goal(args.rest, [k for k, _ in metrics], [k for k, _ in courses])
                if not goal.text:
                    plan.check_may_edit(u.session, u.who.user, rep)
                    modal = _modal(u, rep)
                else:
                    # creates a goal: once per command, even if Slack delivers it twice
                    claims.claim(u.session, u.ws.team_id, f"trigger:{command['trigger_id']}")
                    reply = _add(u, rep, goal)
    except claims.AlreadyDone:
        return
    if modal is not None:
        u.ws.sender.open_view(command["trigger_id"], modal)
        return
    respond(**reply)
    if u.undelivered:
        respond(text=t("error.undelivered", u.who.locale), response_type="ephemeral")
    if args.add:
        _publish(context, user_id, rep_id)


def _modal(u: Unit, rep: Any) -> dict[str, Any]:
    metrics, courses = _options(u)
    own = rep.id == u.who.user.id
    return views.goal_modal(
        u.who.locale, rep=rep.slack_id, rep_id=rep.id, own=own, metrics=metrics, courses=courses
    )


def _add(u: Unit, rep: Any, goal: GoalArgs) -> dict[str, Any]:
    made = plan.add_goal(
        u.ws,
        u.session,
        u.who.user,
        rep,
        text=goal.text,
        metric=goal.metric,
        course=goal.course,
        due=goal.due,
    )
    row = plan.goal_row(u.ws.config, made, u.who.locale, plan.today_of(u.ws, rep))
    return views.goal_added(row, rep.slack_id, rep.id == u.who.user.id, u.who.locale)


def add_goal_button(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    rep_slack = str(body["actions"][0].get("value") or "")
    learn(context, body["user"]["id"], rep_slack)
    with unit(context, body["user"]["id"]) as u:
        rep = directory.find(u.session, u.ws.team_id, rep_slack)
        if rep is None:
            raise UserFacingError("plan.not_allowed")
        plan.check_may_edit(u.session, u.who.user, rep)
        view = _modal(u, rep)
    u.ws.sender.open_view(body["trigger_id"], view)


def _selected(values: dict[str, Any], block: str) -> str | None:
    option = (values.get(block, {}).get("value") or {}).get("selected_option")
    return option.get("value") if option else None


def _rep_of(view: dict[str, Any]) -> int:
    rep = forms.metadata(view).get("rep")
    return rep if isinstance(rep, int) and not isinstance(rep, bool) else 0


def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    user_id = body["user"]["id"]
    values = view["state"]["values"]
    text = (values.get(views.B_TEXT, {}).get("value") or {}).get("value") or ""
    due_text = (values.get(views.B_DUE, {}).get("value") or {}).get("selected_date")

    def add(u: Unit) -> tuple[dict[str, Any], str]:
        rep = directory.by_id(u.session, _rep_of(view))
        if rep is None or rep.team_id != u.ws.team_id:
            raise UserFacingError("plan.not_allowed")
        metric, course = _selected(values, views.B_METRIC), _selected(values, views.B_COURSE)
        return _add(u, rep, GoalArgs(text, metric, course, _due(due_text))), rep.slack_id

    def errors(context: Any, user_id: str, err: UserFacingError) -> dict[str, str]:
        return _form_errors(context, user_id, err, view)

    done = forms.submit_once(ack, context, user_id, view, add, errors)
    if done is None:
        return
    u, (confirmation, rep_slack) = done
    u.ws.sender.post(user_id, text=confirmation["text"], blocks=confirmation.get("blocks"))
    if u.undelivered:
        u.ws.sender.post(user_id, text=t("error.undelivered", u.who.locale))
    _publish(context, user_id, rep_slack)


def _due(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:  # Slack's datepicker sends YYYY-MM-DD: only a forged form gets here
        raise UserFacingError("plan.bad_date", text=text[:30], field="due") from None


def _form_errors(
    context: Any, user_id: str, err: UserFacingError, view: dict[str, Any]
) -> dict[str, str]:
    locale = locale_of(context, user_id)
    present = {b.get("block_id") for b in view.get("blocks", [])}
    block = views.FIELD_BLOCKS.get(str(err.params.get("field", "text")), views.B_TEXT)
    if block not in present:
        block = views.B_TEXT
    params = {k: v for k, v in err.params.items() if k != "field"}
    return {block: t(err.key, locale, **params)}


def _value(body: dict[str, Any]) -> tuple[int, str]:
    """The clicked button's "<id>:<where>" (0 for anything else: refused as not yours)."""
    raw = str(body["actions"][0].get("value") or "")
    ident, _, where = raw.partition(":")
    return (int(ident) if ident.isdigit() else 0), where


def _close(status: str, body: dict[str, Any], respond: Respond, context: Any) -> None:
    goal_id, where = _value(body)
    with unit(context, body["user"]["id"]) as u:
        _, rep, _ = plan.close_goal(u.ws, u.session, u.who.user, goal_id, status)
        rep_slack = rep.slack_id
        shown = plan.plan_reply(u.ws, u.session, u.who, rep) if where == IN_PLAN else None
    if shown is not None:
        respond(replace_original=True, **shown)
    _publish(context, body["user"]["id"], rep_slack)


def goal_done(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    _close("done", body, respond, context)


def goal_drop(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    _close("dropped", body, respond, context)


def _ids_in(body: dict[str, Any]) -> list[int]:
    """The suggestions of the clicked DM: its blocks named BLOCK_PREFIX + id."""
    blocks = (body.get("message") or {}).get("blocks") or []
    ids = [str(b.get("block_id", ""))[len(BLOCK_PREFIX) :] for b in blocks]
    return [int(i) for i in ids if i.isdigit()]


def _decide(accept: bool, body: dict[str, Any], respond: Respond, context: Any) -> None:
    suggestion_id, where = _value(body)
    with unit(context, body["user"]["id"]) as u:
        _, rep, _ = suggestions.decide(u.ws, u.session, u.who.user, suggestion_id, accept)
        rep_slack = rep.slack_id
        shown = None
        if where == IN_PLAN:
            shown = plan.plan_reply(u.ws, u.session, u.who, rep)
        elif where == IN_DM:
            ids = _ids_in(body) or [suggestion_id]
            rows = suggestions.rows_of(u.ws, u.session, u.who.user, ids, u.who.locale)
            dm = suggestions_dm(rows, u.who.locale)
            shown = {"text": dm["text"], "blocks": dm["blocks"]}
    if shown is not None:
        respond(replace_original=True, **shown)
    _publish(context, body["user"]["id"], rep_slack)


def accept(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    _decide(True, body, respond, context)


def dismiss(ack: Ack, body: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    _decide(False, body, respond, context)


def register(app: App, deps: Deps) -> None:
    app.action(views.ADD)(add_goal_button)
    app.view(views.MODAL)(submit)
    app.action(views.DONE)(goal_done)
    app.action(views.DROP)(goal_drop)
    app.action(ACCEPT)(accept)
    app.action(DISMISS)(dismiss)
