"""The `development-suggestions` job: a suggested goal for each weak metric, once per rep,
metric and month; and the rep's (or their manager's) Accept / Not now.

Each hour it looks at (a) the last complete month and (b) the periods of review cycles
closed in the last 7 days (keyed by the period's last month). Which metrics are weak is
bot/growth/weak.py's one rule. The unique (team, rep, metric, month) decides what is new:
INSERT … ON CONFLICT DO NOTHING, so a second run, a second replica, or a month-end and a
quarterly close of the same month suggest it once. Each rep with new suggestions gets one
DM, at their working hours; nothing becomes a goal until someone accepts it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.deps import Deps, each_workspace
from bot.core.errors import NotAllowed
from bot.core.periods import Period, containing, local_date, month_key, parse_key
from bot.core.sender import Outgoing
from bot.core.workspace import Workspace
from bot.growth import plan
from bot.growth.suggestion_views import goal_text, suggestions_dm
from bot.growth.weak import weak_metrics
from bot.i18n import localized
from bot.org import directory, hours
from bot.permissions.growth import can_see_career
from storage.db import Database, insert_for
from storage.models.core import User
from storage.models.growth import GoalSuggestion, PlanGoal
from storage.models.reviews import ReviewCycle, ReviewTask

log = logging.getLogger(__name__)
CYCLE_DAYS = 7  # a review cycle closed this recently still suggests goals
BATCH = 500  # rows per INSERT … ON CONFLICT


@dataclass(frozen=True)
class Source:
    """People and the period their metrics are judged over; suggestions keyed by `month`."""

    period: Period
    month: str
    people: list[int]
    today: date | None  # a period still in progress is judged by its pace


def development_suggestions(deps: Deps, as_of: datetime) -> str:
    return each_workspace(deps, lambda ws: suggest_in(ws, deps.db, as_of))


def sources(session: Session, ws: Workspace, as_of: datetime, people: list[int]) -> list[Source]:
    """(a) the last complete month for everyone active; (b) each review cycle closed within
    CYCLE_DAYS: its subjects over its period."""
    today = local_date(as_of, ws.config.workspace.timezone)
    last_month = containing("month", today).previous()
    found = [Source(last_month, last_month.key, people, None)]
    since = as_of - timedelta(days=CYCLE_DAYS)
    cycles = session.exec(
        select(ReviewCycle).where(
            ReviewCycle.team_id == ws.team_id,
            ReviewCycle.status == "closed",
            col(ReviewCycle.closed_at) >= since,
            col(ReviewCycle.closed_at) <= as_of,
        )
    ).all()
    active = set(people)
    for cycle in cycles:
        period = parse_key(cycle.period)
        if period is None:
            continue
        subjects = session.exec(
            select(ReviewTask.subject_id).where(ReviewTask.cycle_id == cycle.id).distinct()
        ).all()
        judged = sorted(active.intersection(subjects))
        in_progress = today if period.elapsed(today) is not None else None
        found.append(Source(period, month_key(period.end), judged, in_progress))
    return found


def _active_people(session: Session, team_id: str) -> dict[int, User]:
    rows = session.exec(
        select(User).where(
            User.team_id == team_id,
            User.is_bot == False,  # noqa: E712
            User.deactivated == False,  # noqa: E712
        )
    ).all()
    return {u.id: u for u in rows if u.id is not None}


def _record(session: Session, rows: list[dict]) -> list[int]:
    """Insert the suggestions the unique constraint lets in; the ids of those new rows."""
    statement = (
        insert_for(session)(GoalSuggestion).on_conflict_do_nothing().returning(GoalSuggestion.id)
    )
    new: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        new.extend(row[0] for row in session.connection().execute(statement, batch).all())
    return new


def _candidates(session: Session, ws: Workspace, found: Iterable[Source], now: datetime) -> list:
    rows: list[dict] = []
    seen: set[tuple[int, str, str]] = set()
    for source in found:
        if not source.people:
            continue
        weak = weak_metrics(
            session, ws.config, ws.team_id, source.period, source.people, source.today
        )
        for user_id, metrics in weak.items():
            for w in metrics:
                key = (user_id, w.metric.key, source.month)
                if key in seen:  # the month-end and a cycle of the same month: the month's
                    continue
                seen.add(key)
                rows.append(
                    {
                        "team_id": ws.team_id,
                        "rep_id": user_id,
                        "metric": w.metric.key,
                        "month": source.month,
                        "attainment": float(w.ratio),
                        "course": w.courses[0].key if w.courses else None,
                        "status": "pending",
                        "created_at": now,
                    }
                )
    return rows


def suggest_in(ws: Workspace, db: Database, as_of: datetime) -> str:
    with db.session() as session:
        people = _active_people(session, ws.team_id)
        found = sources(session, ws, as_of, sorted(people))
        new_ids = _record(session, _candidates(session, ws, found, as_of))
        reps = _queue_dms(ws, session, people, new_ids, as_of)
    sent, failed = ws.sender.flush(db, team_id=ws.team_id, as_of=as_of)
    log.info("development suggestions: %d new for %d rep(s)", len(new_ids), reps)
    return f"suggested {len(new_ids)} goal(s) to {reps} rep(s); sent {sent}, failed {failed}"


def _queue_dms(
    ws: Workspace, session: Session, people: dict[int, User], new_ids: list[int], as_of: datetime
) -> int:
    """One DM per rep with this run's new suggestions, weakest first, at their hours."""
    if not new_ids:
        return 0
    by_rep: dict[int, list[GoalSuggestion]] = {}
    for start in range(0, len(new_ids), BATCH):
        batch = new_ids[start : start + BATCH]
        for found in session.exec(select(GoalSuggestion).where(col(GoalSuggestion.id).in_(batch))):
            by_rep.setdefault(found.rep_id, []).append(found)
    outgoing = []
    for rep_id, found in by_rep.items():
        rep = people[rep_id]
        locale = directory.locale_of(rep, ws.config)
        found.sort(key=lambda s: (s.month, s.attainment, s.metric))
        rows = [plan.suggestion_row(ws.config, s, locale) for s in found]
        dm = suggestions_dm(rows, locale)
        first = min(s.id for s in found if s.id is not None)
        key = f"plan-suggestions:{rep_id}:{found[0].month}:{first}"
        when = hours.not_before(rep, ws.config, as_of)
        outgoing.append(Outgoing(key, rep.slack_id, dm["text"], dm["blocks"], when))
    ws.sender.enqueue_many(session, ws.team_id, outgoing)
    return len(by_rep)


# --- Accept / Not now ---------------------------------------------------------------------


def decide(
    ws: Workspace, session: Session, actor: User, suggestion_id: int, accept: bool
) -> tuple[GoalSuggestion, User, bool]:
    """Accept (a goal in the rep's language, due the end of the month after) or dismiss a
    pending suggestion: the rep or their manager chain. (suggestion, rep, whether this click
    decided it); a double or parallel click finds it decided and changes nothing."""
    found = session.get(GoalSuggestion, suggestion_id)
    rep = directory.by_id(session, found.rep_id) if found else None
    if found is None or rep is None or found.team_id != ws.team_id:
        raise NotAllowed("plan.not_allowed")
    plan.check_may_edit(session, actor, rep)
    status = "accepted" if accept else "dismissed"
    won = session.execute(
        update(GoalSuggestion)
        .where(col(GoalSuggestion.id) == suggestion_id, col(GoalSuggestion.status) == "pending")
        .values(status=status, decided_by_id=actor.id, decided_at=ws.clock())
    )
    decided = won.rowcount == 1  # type: ignore[attr-defined]
    if decided and accept:
        goal = _goal_from(ws, session, actor, rep, found)
        session.execute(
            update(GoalSuggestion)
            .where(col(GoalSuggestion.id) == suggestion_id)
            .values(goal_id=goal.id)
        )
        if actor.id != rep.id:
            plan.tell_rep(ws, session, goal, actor, rep, "added")
    session.refresh(found)
    return found, rep, decided


def _goal_from(
    ws: Workspace, session: Session, actor: User, rep: User, found: GoalSuggestion
) -> PlanGoal:
    locale = directory.locale_of(rep, ws.config)
    metric = ws.config.metric(found.metric)
    label = localized(metric, locale) if metric else found.metric
    return plan.create_goal(
        ws,
        session,
        actor,
        rep,
        goal_text(label, locale),
        found.metric,
        found.course,
        plan.month_end_after(found.month),
    )


def rows_of(ws: Workspace, session: Session, viewer: User, ids: list[int], locale: str) -> list:
    """The suggestions of one DM (its buttons' ids) as rows, for re-rendering it after a
    click: only those of a rep the viewer may see."""
    if not ids:
        return []
    found = session.exec(
        select(GoalSuggestion)
        .where(GoalSuggestion.team_id == ws.team_id, col(GoalSuggestion.id).in_(ids))
        .order_by(col(GoalSuggestion.month), col(GoalSuggestion.attainment))
    ).all()
    rows = []
    for s in found:
        rep = directory.by_id(session, s.rep_id)
        if rep is not None and can_see_career(session, viewer, rep):
            rows.append(plan.suggestion_row(ws.config, s, locale))
    return rows
