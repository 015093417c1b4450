"""Development plans: a rep's goals, written by them or their manager chain, or accepted
from a suggestion (bot/growth/suggestions.py). Who may read or change a plan is decided in
bot/permissions/growth.py: the rep and their manager chain edit, HR reads.

A goal is closed (open -> done | dropped) by one conditional UPDATE, so a double click or
two people at once close it once; a change made by someone other than the rep is told to
the rep in their language."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.blocks import Block
from bot.core.config import AppConfig
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import local_date, parse_key
from bot.core.safe_text import is_visibly_empty
from bot.core.workspace import Workspace
from bot.growth import plan_views as views
from bot.growth.plan_parsing import MAX_TEXT
from bot.growth.suggestion_views import IN_HOME, SuggestionRow
from bot.i18n import localized
from bot.kpi.views import period_label
from bot.org import directory
from bot.org.directory import Who
from bot.permissions import growth as permissions
from storage.models.core import User
from storage.models.growth import GoalSuggestion, PlanGoal

CLOSED_SHOWN = 5  # done or dropped goals /career plan lists, latest first
CLOSE_TO = ("done", "dropped")


def today_of(ws: Workspace, user: User) -> date:
    """The day it is for `user`, in their own time zone."""
    return local_date(ws.clock(), directory.timezone_of(user, ws.config))


@lru_cache(maxsize=256)
def month_end_after(month: str) -> date:
    """The last day of the month after `month` (2026-11 -> 2026-12-31)."""
    period = parse_key(month)
    assert period is not None and period.kind == "month"
    following = period.end + timedelta(days=1)
    return following.replace(day=calendar.monthrange(following.year, following.month)[1])


def _link(config: AppConfig, metric: str | None, course: str | None, locale: str) -> str | None:
    if metric:
        found = config.metric(metric)
        return localized(found, locale) if found else metric
    if course:
        training = config.course(course)
        return localized(training, locale) if training else course
    return None


def goal_row(config: AppConfig, goal: PlanGoal, locale: str, today: date) -> views.GoalRow:
    assert goal.id is not None
    overdue = goal.status == "open" and goal.due is not None and goal.due < today
    link = _link(config, goal.metric, goal.course, locale)
    return views.GoalRow(goal.id, goal.text, link, goal.due, goal.status, overdue)


@lru_cache(maxsize=256)
def _month_label(month: str, locale: str) -> str:
    """Babel's month names are slow to look up; the job shows the same few thousands of times."""
    period = parse_key(month)
    return period_label(period, locale) if period else month


def suggestion_row(config: AppConfig, found: GoalSuggestion, locale: str) -> SuggestionRow:
    assert found.id is not None
    metric = config.metric(found.metric)
    course = config.course(found.course)
    return SuggestionRow(
        id=found.id,
        metric=localized(metric, locale) if metric else found.metric,
        attainment=found.attainment,
        month=_month_label(found.month, locale),
        due=month_end_after(found.month),
        course=localized(course, locale) if course else None,
        url=course.url if course else None,
        status=found.status,
    )


def pending_suggestions(session: Session, team_id: str, rep_id: int) -> list[GoalSuggestion]:
    return list(
        session.exec(
            select(GoalSuggestion)
            .where(
                GoalSuggestion.team_id == team_id,
                GoalSuggestion.rep_id == rep_id,
                GoalSuggestion.status == "pending",
            )
            .order_by(col(GoalSuggestion.month).desc(), col(GoalSuggestion.attainment))
        ).all()
    )


def _goals(session: Session, team_id: str, rep_id: int, open_: bool, limit: int | None) -> list:
    query = select(PlanGoal).where(PlanGoal.team_id == team_id, PlanGoal.rep_id == rep_id)
    if open_:
        # soonest due first, goals without a date last
        query = query.where(PlanGoal.status == "open").order_by(
            col(PlanGoal.due).is_(None), col(PlanGoal.due), col(PlanGoal.id)
        )
    else:
        query = query.where(col(PlanGoal.status).in_(CLOSE_TO)).order_by(
            col(PlanGoal.updated_at).desc(), col(PlanGoal.id).desc()
        )
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def load_plan(ws: Workspace, session: Session, viewer: Who, rep: User) -> views.Plan:
    """`rep`'s plan as `viewer` may see it; anyone but the rep, their manager chain and HR
    is refused, with nothing about the plan revealed."""
    if not permissions.can_see_career(session, viewer.user, rep):
        raise NotAllowed("plan.not_allowed")
    assert rep.id is not None
    config, locale, today = ws.config, viewer.locale, today_of(ws, rep)
    return views.Plan(
        rep=rep.slack_id,
        own=viewer.user.id == rep.id,
        editable=permissions.may_edit_plan(session, viewer.user, rep),
        open=[
            goal_row(config, g, locale, today)
            for g in _goals(session, ws.team_id, rep.id, True, None)
        ],
        closed=[
            goal_row(config, g, locale, today)
            for g in _goals(session, ws.team_id, rep.id, False, CLOSED_SHOWN)
        ],
        suggestions=[
            suggestion_row(config, s, locale)
            for s in pending_suggestions(session, ws.team_id, rep.id)
        ],
    )


def plan_reply(ws: Workspace, session: Session, viewer: Who, rep: User) -> dict:
    return views.plan_message(load_plan(ws, session, viewer, rep), viewer.locale)


def check_may_edit(session: Session, actor: User, rep: User) -> None:
    if not permissions.may_edit_plan(session, actor, rep):
        raise NotAllowed("plan.not_allowed")


def add_goal(
    ws: Workspace,
    session: Session,
    actor: User,
    rep: User,
    *,
    text: str,
    metric: str | None = None,
    course: str | None = None,
    due: date | None = None,
) -> PlanGoal:
    """A goal the rep or their manager chain writes. The due date may not be in the past
    for the rep (their time zone); a goal added by someone else is DM'd to the rep."""
    check_may_edit(session, actor, rep)
    text = text.strip()
    if not text or is_visibly_empty(text):
        raise UserFacingError("plan.no_text", field="text")
    if len(text) > MAX_TEXT:
        raise UserFacingError("plan.too_long", max=MAX_TEXT, field="text")
    if metric is not None and ws.config.metric(metric) is None:
        raise UserFacingError("plan.unknown_tag", tag=metric, field="metric")
    if course is not None and ws.config.course(course) is None:
        raise UserFacingError("plan.unknown_tag", tag=course, field="course")
    if due is not None and due < today_of(ws, rep):
        raise UserFacingError("plan.past_due", field="due")
    goal = create_goal(ws, session, actor, rep, text, metric, course, due)
    if actor.id != rep.id:
        tell_rep(ws, session, goal, actor, rep, "added")
    return goal


def create_goal(
    ws: Workspace,
    session: Session,
    actor: User,
    rep: User,
    text: str,
    metric: str | None,
    course: str | None,
    due: date | None,
) -> PlanGoal:
    """The row itself (checks are the caller's)."""
    now = ws.clock()
    goal = PlanGoal(
        team_id=ws.team_id,
        rep_id=rep.id,  # type: ignore[arg-type]
        text=text[:MAX_TEXT],
        metric=metric,
        course=course.lower() if course else None,
        due=due,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(goal)
    session.flush()
    return goal


def tell_rep(
    ws: Workspace, session: Session, goal: PlanGoal, actor: User, rep: User, what: str
) -> None:
    """The rep hears, in their language, that someone else added or closed a goal of theirs
    (once: the outbox key is the goal and what happened to it)."""
    if rep.deactivated or rep.is_bot:
        return
    locale = directory.locale_of(rep, ws.config)
    row = goal_row(ws.config, goal, locale, today_of(ws, rep))
    if what == "added":
        dm = views.goal_added_dm(row, actor.slack_id, locale)
    else:
        dm = views.goal_changed_dm(row, actor.slack_id, locale)
    key = f"plan-goal:{goal.id}:{what}"
    ws.sender.enqueue(session, ws.team_id, key, rep.slack_id, dm["text"], dm["blocks"])


def close_goal(
    ws: Workspace, session: Session, actor: User, goal_id: int, status: str
) -> tuple[PlanGoal, User, bool]:
    """Mark an open goal done or dropped: (the goal, its rep, whether this click changed
    it). A double click or a second person finds it closed and changes nothing."""
    assert status in CLOSE_TO
    goal = session.get(PlanGoal, goal_id)
    rep = directory.by_id(session, goal.rep_id) if goal else None
    if goal is None or rep is None or goal.team_id != ws.team_id:
        raise NotAllowed("plan.not_allowed")
    check_may_edit(session, actor, rep)
    won = session.execute(
        update(PlanGoal)
        .where(col(PlanGoal.id) == goal_id, col(PlanGoal.status) == "open")
        .values(status=status, updated_at=ws.clock())
    )
    changed = won.rowcount == 1  # type: ignore[attr-defined]
    session.refresh(goal)
    if changed and actor.id != rep.id:
        tell_rep(ws, session, goal, actor, rep, status)
    return goal, rep, changed


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    """The App Home's development plan: open goals and pending suggestions."""
    user = who.user
    assert user.id is not None
    today = today_of(ws, user)
    goals = _goals(session, ws.team_id, user.id, True, None)
    rows = [goal_row(ws.config, g, who.locale, today) for g in goals]
    pending = pending_suggestions(session, ws.team_id, user.id)
    suggestions = [suggestion_row(ws.config, s, who.locale) for s in pending]
    if not rows and not suggestions and user.role != "rep":
        return []  # the "add a goal" hint is for reps; others see a plan once they have one
    return views.home_blocks(rows, suggestions, who.locale, where=IN_HOME)
