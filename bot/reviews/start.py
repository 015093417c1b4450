"""Starting a review cycle: by HR (the /review start modal, the CLI) or by itself each period
(the review-recurring job). Opening writes the cycle and its tasks in one transaction and
queues one DM per person with tasks, listing them (keyed: once only)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.deps import Deps, each_workspace
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import containing, local_date
from bot.core.workspace import Workspace
from bot.i18n import fmt_date
from bot.org import directory, hours
from bot.org.teams import find_team, team_keys, team_name
from bot.permissions.reviews import can_run_cycles
from bot.reviews import start_views as views
from bot.reviews.cycles import PERIOD_KINDS, CycleSpec, check, open_cycle
from storage.db import Database
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask

log = logging.getLogger(__name__)


def team_choices(ws: Workspace, session: Session, locale: str) -> list[tuple[str, str]]:
    """(key, name in `locale`) of every team the directory knows, for the start modal."""
    return [(k, team_name(ws.config, k, locale)) for k in team_keys(session, ws.team_id, ws.config)]


def resolve_teams(
    ws: Workspace, session: Session, names: list[str] | None
) -> tuple[str, ...] | None:
    """Team keys from keys or names (`east`, `East`, `华东`); an unknown one is kept as given
    so `check` names it."""
    if names is None:
        return None
    keys = team_keys(session, ws.team_id, ws.config)
    return tuple(find_team(ws.config, n, keys) or n.strip() for n in names if n.strip())


def validate(
    ws: Workspace, session: Session, actor: User | None, spec: CycleSpec, today: date
) -> CycleSpec:
    """The spec with the known teams, or the refusal (who asks, what is wrong, a name in
    use); reads only, so a form can be answered before the (slower) opening."""
    if actor is not None and not can_run_cycles(actor):
        raise NotAllowed("reviews.not_allowed")
    known = frozenset(team_keys(session, ws.team_id, ws.config))
    spec = replace(spec, known_teams=known)
    check(spec, today)
    if _named(session, ws.team_id, spec.name.strip()):
        raise UserFacingError("reviews.duplicate_name", name=spec.name.strip())
    return spec


def start(
    ws: Workspace, session: Session, actor: User | None, spec: CycleSpec, today: date
) -> tuple[ReviewCycle, list[ReviewTask]]:
    """Check and open the cycle (actor None: the operator's CLI), then queue everyone's DM.
    A refusal raises before anything is written."""
    spec = validate(ws, session, actor, spec, today)
    name = spec.name.strip()
    try:
        with session.begin_nested():  # a parallel start with this name loses here, cleanly
            cycle, tasks = open_cycle(session, ws.team_id, spec, actor, ws.clock())
    except IntegrityError:
        raise UserFacingError("reviews.duplicate_name", name=name) from None
    announce(ws, session, cycle, tasks)
    log.info("review cycle %s opened: %d task(s)", cycle.id, len(tasks))
    return cycle, tasks


def _named(session: Session, team_id: str, name: str) -> bool:
    found = session.exec(
        select(ReviewCycle.id).where(ReviewCycle.team_id == team_id, ReviewCycle.name == name)
    ).first()
    return found is not None


def announce(
    ws: Workspace,
    session: Session,
    cycle: ReviewCycle,
    tasks: list[ReviewTask],
    at: datetime | None = None,
) -> int:
    """One DM per person with tasks, in their language, a button per task; returns how many
    were queued (keyed by cycle and person: a second call queues nothing). `at`: a job's
    time, each DM then held to its recipient's working hours (bot/org/hours.py)."""
    by_reviewer: dict[int, list[ReviewTask]] = defaultdict(list)
    for task in tasks:
        by_reviewer[task.reviewer_id].append(task)
    people = _users(session, {t.reviewer_id for t in tasks} | {t.subject_id for t in tasks})
    queued = 0
    for reviewer_id, mine in by_reviewer.items():
        reviewer = people.get(reviewer_id)
        if reviewer is None or reviewer.deactivated or reviewer.is_bot:
            continue
        locale = directory.locale_of(reviewer, ws.config)
        lines = [
            views.TaskLine(t.id or 0, t.role, people[t.subject_id].slack_id, cycle.peers)
            for t in sorted(mine, key=_order)
        ]
        dm = views.tasks_dm(locale, cycle.name, fmt_date(cycle.due, locale), lines)
        key = f"review-open:{cycle.id}:{reviewer.slack_id}"
        when = hours.not_before(reviewer, ws.config, at) if at is not None else None
        row = ws.sender.enqueue(session, ws.team_id, key, reviewer.slack_id, **dm, not_before=when)
        if row is not None:
            queued += 1
    return queued


ROLE_ORDER = {"self": 0, "nominate": 1, "manager": 2, "peer": 3}


def _order(task: ReviewTask) -> tuple[int, int]:
    return ROLE_ORDER.get(task.role, 9), task.id or 0


def _users(session: Session, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {u.id: u for u in rows if u.id is not None}


# --- recurring cycles (job review-recurring) ---------------------------------------------------


def open_recurring(deps: Deps, as_of: datetime) -> str:
    """The review-recurring job: each installed workspace in its own transactions."""
    return each_workspace(deps, lambda ws: open_recurring_in(ws, deps.db, as_of))


def recurring_specs(ws: Workspace, today: date) -> list[CycleSpec]:
    """The configured recurring cycles whose period ends within `open_days_before_end` days
    of `today` (the workspace's local date)."""
    specs = []
    for rule in ws.config.reviews.recurring:
        period = containing(PERIOD_KINDS[rule.kind], today)
        if (period.end - today).days > rule.open_days_before_end:
            continue
        specs.append(
            CycleSpec(
                name=f"{period.key} {rule.kind} review",
                kind=rule.kind,
                period=period.key,
                due=period.end + timedelta(days=rule.due_days_after_end),
                teams=None,
                steps=tuple(rule.steps),
                peers=rule.peers,
                recurring_key=f"{rule.kind}:{period.key}",
            )
        )
    return specs


def open_recurring_in(ws: Workspace, db: Database, as_of: datetime) -> str:
    """Open each due recurring cycle once: its recurring_key is unique, so a re-run or a
    second replica running at the same time loses on the constraint and sends nothing."""
    today = local_date(as_of, ws.config.workspace.timezone)
    opened: list[str] = []
    taken: list[str] = []
    already = 0
    for spec in recurring_specs(ws, today):
        try:
            with db.session() as session:
                if _recurring_exists(session, ws.team_id, spec.recurring_key or ""):
                    already += 1
                    continue
                cycle, tasks = open_cycle(session, ws.team_id, spec, None, as_of)
                announce(ws, session, cycle, tasks, as_of)
                opened.append(f"{cycle.name} ({len(tasks)} tasks)")
        except IntegrityError:
            # Another run opened it first; or HR gave a cycle of theirs this name (say so).
            with db.session() as session:
                if _recurring_exists(session, ws.team_id, spec.recurring_key or ""):
                    already += 1
                else:
                    taken.append(spec.name)
    sent, failed = ws.sender.flush(db, team_id=ws.team_id, as_of=as_of)
    shown = ", ".join(opened) if opened else "none"
    clash = f"; name taken by another cycle: {', '.join(taken)}" if taken else ""
    return (
        f"opened {len(opened)} cycle(s): {shown}; {already} already open{clash}; "
        f"sent {sent}, failed {failed}"
    )


def _recurring_exists(session: Session, team_id: str, key: str) -> bool:
    found = session.exec(
        select(ReviewCycle.id).where(
            ReviewCycle.team_id == team_id, ReviewCycle.recurring_key == key
        )
    ).first()
    return found is not None
