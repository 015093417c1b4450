"""/review: my open review tasks; HR: start, status and close of review cycles. The task
button (`review_open_task`, in DMs, /review and on the Home) opens the review form; its
submission stores the review."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot import features
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.workspace import Workspace
from bot.home import page as home
from bot.i18n import localized, t
from bot.reviews import chat as reviews_chat
from bot.reviews import task_views as views
from bot.reviews import tasks
from handlers import forms, review_start
from handlers.middleware import Unit, locale_of, unit

START_WORDS = ("start", "开始")


def review(ack: Ack, command: dict[str, Any], respond: Respond, context: Any) -> None:
    ack()
    text = command.get("text", "")
    if text.split()[:1] and text.split()[0].lower() in START_WORDS:
        review_start.start_command(command, respond, context)
        return
    with unit(context, command["user_id"]) as u:
        reply = reviews_chat.reply(u.ws, u.session, u.who, text, features.summary_notes())
    respond(**reply)


def _competencies(u: Unit) -> list[tuple[str, str]]:
    return [(c.key, localized(c, u.who.locale)) for c in u.ws.config.reviews.competencies]


def _form(u: Unit, task_id: int) -> dict[str, Any]:
    """The review form of the actor's task (refusals raise)."""
    ctx = tasks.load(
        u.session, u.ws.team_id, u.who.user, task_id, tasks.reviewer_today(u.ws, u.who.user)
    )
    card = tasks.card_for(u.ws, u.session, u.who.user, ctx, u.who.locale)
    done = ctx.submitted
    form = views.Form(
        task_id=task_id,
        role=ctx.task.role,
        cycle=ctx.cycle.name,
        subject=ctx.subject.slack_id,
        due=ctx.cycle.due,
        card=card,
        own=ctx.subject.id == u.who.user.id,
        ratings=ctx.task.ratings if done else None,
        comment=ctx.task.comment if done else None,
    )
    return views.review_modal(form, _competencies(u), u.who.locale)


def open_task(ack: Ack, body: dict[str, Any], context: Any) -> None:
    ack()
    value = str(body["actions"][0].get("value") or "")
    task_id = int(value) if value.isdigit() else 0
    with unit(context, body["user"]["id"]) as u:
        role = tasks.role_of(u.session, u.ws.team_id, u.who.user, task_id)
        # a nomination task opens the form to choose peers, any other the review form
        nominate = role == "nominate"
        view = review_start.nomination_view(u, task_id) if nominate else _form(u, task_id)
    u.ws.sender.open_view(body["trigger_id"], view)


def _values(view: dict[str, Any], keys: list[str]) -> tuple[dict[str, str | None], str]:
    state = view["state"]["values"]
    ratings = {}
    for key in keys:
        chosen = (state.get(views.RATING_BLOCK + key, {}).get(views.RATING_ACTION) or {}).get(
            "selected_option"
        )
        ratings[key] = chosen.get("value") if chosen else None
    comment = (state.get(views.B_COMMENT, {}).get(views.RATING_ACTION) or {}).get("value") or ""
    return ratings, comment


def _task_of(view: dict[str, Any]) -> int:
    """The task the form was opened for (0, refused as not yours, when the metadata is not
    ours: a forged or foreign form)."""
    task = forms.metadata(view).get("task")
    return task if isinstance(task, int) and not isinstance(task, bool) else 0


def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any) -> None:
    ws: Workspace = context["ws"]
    user_id = body["user"]["id"]
    task_id = _task_of(view)
    ratings, comment = _values(view, [c.key for c in ws.config.reviews.competencies])

    def store(u: Unit) -> None:
        today = tasks.reviewer_today(ws, u.who.user)
        ctx = tasks.submit(
            u.session,
            ws.config,
            ws.team_id,
            u.who.user,
            task_id,
            ratings,
            comment,
            today,
            ws.clock(),
        )
        text, blocks = views.submitted_dm(
            ctx.task.role,
            ctx.cycle.name,
            ctx.subject.slack_id,
            ctx.cycle.due,
            ctx.submitted,
            u.who.locale,
        )
        key = f"review-submit:{view['id']}"
        ws.sender.enqueue(u.session, ws.team_id, key, user_id, text, blocks)

    if forms.submit_once(ack, context, user_id, view, store, _form_errors) is not None:
        home.publish(ws, context["db"], user_id)


def _form_errors(context: Any, user_id: str, err: UserFacingError) -> dict[str, str]:
    """The refusal under the rating it is about, or under the comment."""
    locale = locale_of(context, user_id)
    block = views.B_COMMENT
    if "competency" in err.params:
        block = views.RATING_BLOCK + str(err.params["competency"])
    return {block: t(err.key, locale, **err.params)}


def register(app: App, deps: Deps) -> None:
    app.command("/review")(review)
    review_start.register(app)
    app.action(views.OPEN_TASK)(open_task)
    app.view(views.MODAL)(submit)
