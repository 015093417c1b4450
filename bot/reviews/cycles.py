"""Opening and finding review cycles. A cycle's tasks are created with it, in one transaction:
a self review per participant, a manager review per participant for their manager, and, with
peers on, a nomination task for the participant (their choice of peers becomes peer tasks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.core.errors import UserFacingError
from bot.core.periods import Period, parse_key
from storage.models.core import User
from storage.models.reviews import KINDS, STEPS, ReviewCycle, ReviewTask

PERIOD_KINDS = {"monthly": "month", "quarterly": "quarter", "annual": "year"}


@dataclass(frozen=True)
class CycleSpec:
    """What HR asks for, checked by `check` before anything is written."""

    name: str
    kind: str  # monthly | quarterly | annual
    period: str  # e.g. 2026-Q4: its kind must match `kind`
    due: date
    teams: tuple[str, ...] | None = None  # None: every team
    steps: tuple[str, ...] = ("self", "manager")
    peers: int = 2  # with "peer" in steps: how many peers each rep nominates
    recurring_key: str | None = None
    known_teams: frozenset[str] = field(default_factory=frozenset)


def check(spec: CycleSpec, today: date) -> Period:
    """The reviewed period, or a UserFacingError naming the first thing wrong."""
    name = spec.name.strip()
    if not name or len(name) > 200:
        raise UserFacingError("reviews.bad_name")
    if spec.kind not in KINDS:
        raise UserFacingError("reviews.bad_kind", kind=spec.kind)
    period = parse_key(spec.period)
    if period is None or period.kind != PERIOD_KINDS[spec.kind]:
        raise UserFacingError("reviews.bad_period", period=spec.period, kind=spec.kind)
    if spec.due < today:
        raise UserFacingError("reviews.due_in_past", due=spec.due.isoformat())
    unknown = sorted(set(spec.teams or ()) - spec.known_teams)
    if unknown:
        raise UserFacingError("reviews.unknown_team", team=unknown[0])
    if not spec.steps or any(s not in STEPS for s in spec.steps):
        raise UserFacingError("reviews.bad_steps")
    if "peer" in spec.steps and not 1 <= spec.peers <= 10:
        raise UserFacingError("reviews.bad_peers")
    return period


def participants(session: Session, team_id: str, teams: tuple[str, ...] | None) -> list[User]:
    """The reps of the chosen teams (every team when None) who can take part: in a sales
    team, active, not bots."""
    query = select(User).where(
        User.team_id == team_id,
        User.role == "rep",
        User.is_bot == False,  # noqa: E712
        User.deactivated == False,  # noqa: E712
        col(User.team).is_not(None),
    )
    if teams is not None:
        query = query.where(col(User.team).in_(teams))
    return list(session.exec(query.order_by(User.name)).all())


def open_cycle(
    session: Session,
    team_id: str,
    spec: CycleSpec,
    created_by: User | None,
    now: datetime | None = None,
) -> tuple[ReviewCycle, list[ReviewTask]]:
    """Write the cycle and its tasks (the caller has run `check`). A duplicate name or
    recurring key fails on the unique constraint: the caller's transaction rolls back.
    `now` is the opening instant (the workspace clock, or a job's as-of): reminders owed
    from before it are skipped, so it must be the same clock the reminder job runs on."""
    cycle = ReviewCycle(
        team_id=team_id,
        name=spec.name.strip(),
        kind=spec.kind,
        period=spec.period,
        due=spec.due,
        teams=list(spec.teams) if spec.teams is not None else None,
        steps=list(spec.steps),
        peers=spec.peers if "peer" in spec.steps else 0,
        recurring_key=spec.recurring_key,
        created_by_id=created_by.id if created_by else None,
    )
    if now is not None:
        cycle.created_at = now
    session.add(cycle)
    session.flush()
    assert cycle.id is not None
    tasks: list[ReviewTask] = []
    for person in participants(session, team_id, spec.teams):
        assert person.id is not None
        roles: list[tuple[str, int | None]] = []
        if "self" in spec.steps:
            roles.append(("self", person.id))
        if "manager" in spec.steps and person.manager_id is not None:
            roles.append(("manager", person.manager_id))
        if "peer" in spec.steps:
            roles.append(("nominate", person.id))
        for role, reviewer in roles:
            assert reviewer is not None
            task = ReviewTask(
                team_id=team_id,
                cycle_id=cycle.id,
                subject_id=person.id,
                reviewer_id=reviewer,
                role=role,
            )
            tasks.append(task)
    session.add_all(tasks)
    session.flush()
    return cycle, tasks


def find_cycle(session: Session, team_id: str, ref: str | None) -> ReviewCycle | None:
    """A cycle by its id or exact name; without `ref`, the latest open cycle."""
    query = select(ReviewCycle).where(ReviewCycle.team_id == team_id)
    if not ref:
        query = query.where(ReviewCycle.status == "open")
        return session.exec(query.order_by(col(ReviewCycle.id).desc())).first()
    ref = ref.strip()
    if ref.isdigit():
        found = session.exec(query.where(ReviewCycle.id == int(ref))).first()
        if found is not None:
            return found
    return session.exec(query.where(ReviewCycle.name == ref)).first()
