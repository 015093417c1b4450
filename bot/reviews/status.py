"""Completion of review cycles: a person's open tasks (what /review and the Home list), a
manager's team (who is done, who is late) and, for HR, a cycle by team. Counts come from one
grouped query each; a task is late when it is still open after the cycle's due date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.blocks import Block
from bot.core.config import AppConfig
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import local_date
from bot.core.workspace import Workspace
from bot.i18n import t
from bot.org import directory
from bot.org.directory import Who
from bot.org.teams import team_name
from bot.permissions import reviews as permissions
from bot.reviews import service
from bot.reviews.cycles import find_cycle
from bot.reviews.status_views import Count, CycleCounts
from bot.reviews.task_views import TaskRow, home_blocks
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask

MAX_CYCLES = 3  # a manager's completion shows their team in this many open cycles at most


def task_rows(ws: Workspace, session: Session, user: User) -> list[TaskRow]:
    """The person's open tasks in open cycles, soonest due first."""
    assert user.id is not None
    today = _today(ws, user)
    rows = []
    for task, cycle in service.open_tasks(session, ws.team_id, user.id):
        subject = directory.by_id(session, task.subject_id)
        rows.append(
            TaskRow(
                task_id=task.id or 0,
                role=task.role,
                cycle=cycle.name,
                subject=subject.slack_id if subject else "",
                due=cycle.due,
                late=today > cycle.due,
            )
        )
    return rows


def _today(ws: Workspace, user: User) -> date:
    return local_date(ws.clock(), directory.timezone_of(user, ws.config))


def _counts(
    session: Session, cycle: ReviewCycle, *, by_subject_team: bool, people: list[int] | None
) -> dict[object, tuple[int, int]]:
    """{group: (done, open)} of the cycle's tasks that are not cancelled, grouped by the
    reviewed person's team, or by reviewer (the tasks each of `people` owes)."""
    person = ReviewTask.subject_id if by_subject_team else ReviewTask.reviewer_id
    group = User.team if by_subject_team else ReviewTask.reviewer_id
    query = (
        select(group, ReviewTask.status, func.count())
        .join(User, col(User.id) == person)
        .where(ReviewTask.cycle_id == cycle.id, col(ReviewTask.status).in_(("open", "done")))
        .group_by(group, ReviewTask.status)
    )
    if people is not None:
        query = query.where(col(ReviewTask.reviewer_id).in_(people))
    found: dict[object, list[int]] = {}
    for key, status, n in session.exec(query).all():  # type: ignore[call-overload]
        found.setdefault(key, [0, 0])[0 if status == "done" else 1] += int(n)
    return {key: (done, open_) for key, (done, open_) in found.items()}


def _count(name: str, done_open: tuple[int, int], late: bool) -> Count:
    done, open_ = done_open
    return Count(name, done, open_, open_ if late else 0)


def team_completion(
    ws: Workspace, session: Session, manager: User, today: date
) -> list[CycleCounts]:
    """For each open cycle (soonest due first) where the manager's reporting tree has tasks:
    per person, the tasks they owe, done and open (late after the due date)."""
    tree = permissions.completion_visible_to(session, manager)
    if not tree:
        return []
    by_id = {u.id: u for u in tree}
    cycles = session.exec(
        select(ReviewCycle)
        .where(ReviewCycle.team_id == ws.team_id, ReviewCycle.status == "open")
        .order_by(ReviewCycle.due, col(ReviewCycle.id))
    ).all()
    result = []
    for cycle in cycles:
        counts = _counts(session, cycle, by_subject_team=False, people=list(by_id))
        if not counts:
            continue
        late = today > cycle.due
        people = sorted(counts, key=lambda uid: by_id[uid].name)  # type: ignore[index]
        rows = [_count(f"<@{by_id[uid].slack_id}>", counts[uid], late) for uid in people]  # type: ignore[index]
        result.append(CycleCounts(cycle.name, cycle.due, rows))
        if len(result) == MAX_CYCLES:
            break
    return result


def cycle_completion(
    session: Session, config: AppConfig, cycle: ReviewCycle, today: date, locale: str
) -> list[Count]:
    """Per team of the reviewed people (display names; people in no team last), then the
    total (named "")."""
    counts = _counts(session, cycle, by_subject_team=True, people=None)
    late = today > cycle.due
    keys = sorted((str(k) for k in counts if k), key=lambda k: team_name(config, k, locale))
    rows = [_count(team_name(config, k, locale), counts[k], late) for k in keys]
    if None in counts:
        rows.append(_count(t("reviews.status.no_team", locale), counts[None], late))
    done, open_ = sum(r.done for r in rows), sum(r.open for r in rows)
    return [*rows, _count("", (done, open_), late)]


def status_cycle(session: Session, team_id: str, user: User | None, ref: str | None) -> ReviewCycle:
    """The cycle `/review status` asks about, for HR only (anyone else learns nothing, not
    even whether the cycle exists). `user` None: the operator's CLI."""
    if user is not None and not permissions.can_see_cycle_status(user):
        raise NotAllowed("reviews.not_allowed")
    cycle = find_cycle(session, team_id, ref)
    if cycle is None:
        if ref:
            raise UserFacingError("reviews.no_cycle", ref=ref)
        raise UserFacingError("reviews.no_open_cycle")
    return cycle


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    """App Home: my open review tasks with their due dates and buttons; nothing when none."""
    return home_blocks(task_rows(ws, session, who.user), who.locale)
