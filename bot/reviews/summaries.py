"""What a closed cycle tells each audience, as plain data: each rep their own reviews and
scorecard, each manager their tree's completion and averages, HR counts only. Who is in
which summary is decided by bot/permissions/reviews.py; the views only render."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from bot.core.config import AppConfig
from bot.core.periods import Period, parse_key
from bot.kpi.scorecard import Scorecard, composites, scorecard
from bot.org.directory import manager_chain
from bot.permissions import reviews as rules
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask

REVIEW_ROLES = ("self", "manager", "peer")  # "nominate" is a step, not a review


@dataclass(frozen=True)
class Shown:
    """A submitted review as its subject sees it: `reviewer` is None when hidden."""

    role: str
    ratings: dict[str, int]
    comment: str | None
    reviewer: str | None  # Slack id


@dataclass(frozen=True)
class RepSummary:
    rep: User
    reviews: list[Shown]
    card: Scorecard | None  # None: the cycle's period does not parse (never after `check`)
    notes: tuple[str, ...] = ()  # what other features add (mrkdwn), e.g. completed trainings


@dataclass(frozen=True)
class ReportLine:
    rep: User
    done: int
    total: int
    self_avg: float | None
    manager_avg: float | None
    composite: float | None


@dataclass
class Statistics:
    """HR's view: counts only."""

    done: int = 0
    cancelled: int = 0
    total: int = 0
    by_team: dict[str, list[int]] = field(default_factory=dict)  # team -> [done, total]
    ratings: dict[str, list[int]] = field(default_factory=dict)  # competency -> counts of 1..5


@dataclass
class CycleData:
    """Everything the summaries read, loaded once."""

    cycle: ReviewCycle
    period: Period | None
    tasks: list[ReviewTask]
    people: dict[int, User]
    by_subject: dict[int, list[ReviewTask]]


def load(session: Session, cycle: ReviewCycle) -> CycleData:
    tasks = list(
        session.exec(
            select(ReviewTask).where(ReviewTask.cycle_id == cycle.id).order_by(ReviewTask.id)
        ).all()
    )
    ids = {t.subject_id for t in tasks} | {t.reviewer_id for t in tasks}
    people = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids))).all()}
    by_subject: dict[int, list[ReviewTask]] = defaultdict(list)
    for task in tasks:
        by_subject[task.subject_id].append(task)
    return CycleData(cycle, parse_key(cycle.period), tasks, people, dict(by_subject))  # type: ignore[arg-type]


def _average(tasks: list[ReviewTask], role: str) -> float | None:
    """The mean of every rating in the submitted reviews of `role` (None: none submitted)."""
    scores = [
        r
        for t in tasks
        if t.role == role and t.status == "done"
        for r in (t.ratings or {}).values()
    ]
    return sum(scores) / len(scores) if scores else None


def rep_summary(
    session: Session, config: AppConfig, data: CycleData, rep: User, today: date
) -> RepSummary:
    order = {role: i for i, role in enumerate(REVIEW_ROLES)}
    own = [t for t in data.by_subject.get(rep.id or 0, []) if rules.in_own_summary(rep, t)]
    own.sort(key=lambda t: (order.get(t.role, 9), t.id or 0))
    shown = []
    for task in own:
        visible = rules.shows_reviewer_to_subject(task, config.reviews.peer_names)
        reviewer = data.people.get(task.reviewer_id)
        shown.append(
            Shown(
                role=task.role,
                ratings=dict(task.ratings or {}),
                comment=task.comment,
                reviewer=reviewer.slack_id if visible and reviewer else None,
            )
        )
    card = None
    if data.period is not None:
        card = scorecard(session, config, data.cycle.team_id, rep, data.period, today)
    return RepSummary(rep, shown, card)


def team_lines(session: Session, config: AppConfig, data: CycleData) -> dict[int, list[ReportLine]]:
    """{manager id: a line per rep of their reporting tree}, managers up the whole chain."""
    subjects = [data.people[s] for s in data.by_subject if s in data.people]
    scores: dict[int, float] = {}
    if data.period is not None:
        ids = [s.id for s in subjects if s.id is not None]
        scores = composites(session, config, data.cycle.team_id, data.period, ids)
    found: dict[int, list[ReportLine]] = defaultdict(list)
    for rep in sorted(subjects, key=lambda u: (u.name, u.id or 0)):
        tasks = [t for t in data.by_subject[rep.id or 0] if t.role in REVIEW_ROLES]
        line = ReportLine(
            rep=rep,
            done=sum(t.status == "done" for t in tasks),
            total=len(tasks),
            self_avg=_average(tasks, "self"),
            manager_avg=_average(tasks, "manager"),
            composite=scores.get(rep.id or 0),
        )
        for manager in manager_chain(session, rep):
            if rules.in_team_summary(session, manager, rep):
                found[manager.id or 0].append(line)
    return dict(found)


def statistics(config: AppConfig, data: CycleData) -> Statistics:
    stats = Statistics(ratings={c.key: [0] * 5 for c in config.reviews.competencies})
    for task in data.tasks:
        if task.role not in REVIEW_ROLES:
            continue
        subject = data.people.get(task.subject_id)
        team = stats.by_team.setdefault((subject.team if subject else None) or "", [0, 0])
        stats.total += 1
        team[1] += 1
        if task.status == "cancelled":
            stats.cancelled += 1
        if task.status != "done":
            continue
        stats.done += 1
        team[0] += 1
        for key, rating in (task.ratings or {}).items():
            if key in stats.ratings and 1 <= int(rating) <= 5:
                stats.ratings[key][int(rating) - 1] += 1
    return stats
