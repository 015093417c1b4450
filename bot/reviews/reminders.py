"""The `review-reminders` job (every 15 minutes): each person with open review tasks gets ONE
DM listing them on each reminder day, at `[reviews] remind_at` in their own time zone.

Reminder days, in the person's own calendar: `remind_days_before` days before each due date
of a cycle they have open tasks in, then daily for `overdue_days` days after it. A day on
their weekend moves to their next working day, and reminders landing on one day are one DM
(outbox key `review-remind:<slack id>:<local day>`). The time moves past their quiet hours
(bot/org/hours.py, the one rule). From the first overdue day, the person's manager gets one
escalation per late person and cycle (key `review-escalate:<cycle id>:<slack id>`).

Set-based: one query reads every open task with its cycle, reviewer and subject, one reads
the managers, and the DMs are inserted in batches with ON CONFLICT DO NOTHING, so re-runs,
restarts and two processes at once send each reminder once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.core.deps import Deps, each_workspace
from bot.core.periods import local_date
from bot.core.reviews_config import ReviewsConfig
from bot.core.sender import Outgoing
from bot.core.workspace import Workspace
from bot.org import hours
from bot.org.directory import locale_of
from bot.reviews.reminder_views import TaskLine, escalation, reminder
from storage.db import Database
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask

ROLE_ORDER = {"nominate": 0, "self": 1, "manager": 2, "peer": 3}


@dataclass(frozen=True, slots=True)
class Person:
    """The columns of a person the job needs (read as plain columns, not ORM objects: the job
    reads thousands); duck-types User for directory.locale_of and bot.org.hours."""

    id: int
    slack_id: str
    manager_id: int | None
    timezone: str | None
    slack_timezone: str | None
    locale: str | None
    slack_locale: str | None
    locale_override: str | None
    quiet_hours: str | None


PERSON = (
    User.id,
    User.slack_id,
    User.manager_id,
    User.timezone,
    User.slack_timezone,
    User.locale,
    User.slack_locale,
    User.locale_override,
    User.quiet_hours,
)
ACTIVE = (User.deactivated == False, User.is_bot == False)  # noqa: E712


@dataclass(frozen=True)
class Draft:
    """A DM the job owes, rendered only when it is not queued yet."""

    key: str
    channel: str
    not_before: datetime
    message: Callable[[], tuple[str, list]]

    def render(self) -> Outgoing:
        text, blocks = self.message()
        return Outgoing(self.key, self.channel, text, blocks, self.not_before)


@dataclass(frozen=True)
class Open:
    """One open task as the job reads it."""

    cycle_id: int
    opened: datetime  # the cycle's created_at: no reminder is owed from before it
    line: TaskLine


def review_reminders(deps: Deps, as_of: datetime) -> str:
    """The job: each installed workspace, as of `as_of`."""
    return each_workspace(deps, lambda ws: remind_in(ws, deps.db, as_of))


def remind_in(ws: Workspace, db: Database, as_of: datetime) -> str:
    people, queued = queue_reminders(ws, db, as_of)
    sent, failed = ws.sender.flush(db, team_id=ws.team_id, as_of=as_of)
    return f"{people} people with open tasks; queued {queued}; sent {sent}, failed {failed}"


def queue_reminders(ws: Workspace, db: Database, as_of: datetime) -> tuple[int, int]:
    """Queue the reminders and escalations due at `as_of` in one transaction: (people with
    open tasks, DMs newly queued)."""
    with db.session() as session:
        people, tasks = open_tasks(session, ws.team_id)
        drafts = [
            out for user in people.values() if (out := _reminder(ws, user, tasks[user.id], as_of))
        ]
        drafts += _escalations(ws, session, people, tasks, as_of)
        # an earlier tick queued most of them: render and insert only the rest
        known = ws.sender.recorded(session, ws.team_id, [d.key for d in drafts])
        outgoing = [d.render() for d in drafts if d.key not in known]
        return len(people), ws.sender.enqueue_many(session, ws.team_id, outgoing)


def open_tasks(session: Session, team_id: str) -> tuple[dict[int, Person], dict[int, list[Open]]]:
    """Everyone (active, not a bot) with open tasks in open cycles, and their tasks: one query."""
    subject = aliased(User)
    rows = session.exec(
        select(  # type: ignore[call-overload]
            ReviewTask.role,
            ReviewTask.cycle_id,
            ReviewCycle.name,
            ReviewCycle.due,
            ReviewCycle.created_at,
            subject.slack_id,
            *PERSON,
        )
        .join(ReviewCycle, col(ReviewCycle.id) == ReviewTask.cycle_id)
        .join(User, col(User.id) == ReviewTask.reviewer_id)
        .join(subject, subject.id == ReviewTask.subject_id)
        .where(
            ReviewTask.team_id == team_id,
            ReviewTask.status == "open",
            ReviewCycle.status == "open",
            *ACTIVE,
        )
        .order_by(ReviewCycle.due, ReviewTask.id)
    ).all()
    people: dict[int, Person] = {}
    tasks: dict[int, list[Open]] = defaultdict(list)
    for role, cycle_id, name, due, opened, subject_slack, *columns in rows:
        user_id = columns[0]
        if user_id not in people:
            people[user_id] = Person(*columns)
        tasks[user_id].append(Open(cycle_id, opened, TaskLine(role, subject_slack, name, due)))
    for found in tasks.values():
        found.sort(key=lambda o: (o.line.due, ROLE_ORDER.get(o.line.role, 9)))
    return people, tasks


def reminder_days(cfg: ReviewsConfig, due: date) -> list[tuple[date, bool]]:
    """(day, overdue) for one due date, in the person's calendar, before weekend shifts."""
    before = [(due - timedelta(days=n), False) for n in cfg.remind_days_before]
    after = [(due + timedelta(days=n), True) for n in range(1, cfg.overdue_days + 1)]
    return before + after


def due_day(
    cfg: ReviewsConfig, window: hours.Window, dues: dict[date, datetime], as_of: datetime
) -> tuple[date, bool] | None:
    """The person's reminder day due at `as_of`, if any: (working day, any of it overdue). Due
    once its time (remind_at local, past quiet hours) has come, on that same local day."""
    today = local_date(as_of, window.timezone)
    found: tuple[date, bool] | None = None
    for due, opened in dues.items():
        for day, overdue in reminder_days(cfg, due):
            working = window.working_day_from(day)
            if not today - timedelta(days=7) <= working <= today:
                continue  # cheap: no time-zone arithmetic for days far from today
            when = window.at(working, cfg.remind_at)
            if when <= as_of and when >= opened and local_date(when, window.timezone) == today:
                found = (working, overdue or (found is not None and found[1]))
    return found


def _reminder(ws: Workspace, user: Person, tasks: list[Open], as_of: datetime) -> Draft | None:
    cfg, window = ws.config.reviews, _window(ws, user)
    dues: dict[date, datetime] = {}
    for task in tasks:
        dues[task.line.due] = min(task.opened, dues.get(task.line.due, task.opened))
    found = due_day(cfg, window, dues, as_of)
    if found is None:
        return None
    day, overdue = found
    lines, locale = [o.line for o in tasks], _locale(ws, user)
    key = f"review-remind:{user.slack_id}:{day.isoformat()}"
    message = partial(reminder, lines, overdue=overdue, locale=locale)
    return Draft(key, user.slack_id, window.earliest(as_of), message)


def _escalations(
    ws: Workspace,
    session: Session,
    people: dict[int, Person],
    tasks: dict[int, list[Open]],
    as_of: datetime,
) -> list[Draft]:
    """One DM to the manager per late person and cycle, from the person's first overdue day."""
    late: list[tuple[Person, int, list[TaskLine]]] = []
    for user_id, found in tasks.items():
        user = people[user_id]
        if user.manager_id is None:
            continue
        window = _window(ws, user)
        today = local_date(as_of, window.timezone)
        by_cycle: dict[int, list[TaskLine]] = defaultdict(list)
        for task in found:
            first = task.line.due + timedelta(days=1)  # the first overdue day
            if first <= today and window.at(first, ws.config.reviews.remind_at) <= as_of:
                by_cycle[task.cycle_id].append(task.line)
        late += [(user, cycle_id, lines) for cycle_id, lines in by_cycle.items()]
    known = ws.sender.recorded(
        session, ws.team_id, [_escalation_key(*late_one) for late_one in late]
    )
    late = [late_one for late_one in late if _escalation_key(*late_one) not in known]
    ids = {user.manager_id for user, _, _ in late}
    found = session.exec(select(*PERSON).where(col(User.id).in_(ids), *ACTIVE)).all()  # type: ignore[call-overload]
    managers = {row[0]: Person(*row) for row in found}
    out: list[Draft] = []
    for user, cycle_id, lines in late:
        manager = managers.get(user.manager_id)
        if manager is None:
            continue
        message = partial(escalation, user.slack_id, lines, locale=_locale(ws, manager))
        when = _window(ws, manager).earliest(as_of)
        out.append(Draft(_escalation_key(user, cycle_id, lines), manager.slack_id, when, message))
    return out


def _escalation_key(user: Person, cycle_id: int, lines: list[TaskLine]) -> str:
    return f"review-escalate:{cycle_id}:{user.slack_id}"


_WINDOWS: dict[tuple, hours.Window] = {}


def _window(ws: Workspace, person: Person) -> hours.Window:
    """bot.org.hours' window for `person`, shared by everyone in the same zone and quiet hours."""
    place = ws.config.workspace  # everything a window depends on, so a changed config misses
    key = (
        place.timezone,
        tuple(place.weekend),
        tuple(place.quiet_hours or ()),
        person.timezone,
        person.slack_timezone,
        person.quiet_hours,
    )
    if key not in _WINDOWS:
        if len(_WINDOWS) > 1000:
            _WINDOWS.clear()
        _WINDOWS[key] = hours.window_of(person, ws.config)  # type: ignore[arg-type]
    return _WINDOWS[key]


def _locale(ws: Workspace, person: Person) -> str:
    return locale_of(person, ws.config)  # type: ignore[arg-type]
