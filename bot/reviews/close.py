"""Closing a review cycle, once: `/review close`, `salespulse review close` or the daily job
`review-close` (the due date plus `[reviews] close_after_days`).

The close is one conditional update (open -> closed): of two closes at once, one wins and
queues the summaries, the other finds nothing to do. Open tasks become "cancelled" in the
same transaction. The summaries are outbox rows keyed by cycle and recipient, delivered after
commit: each rep their own reviews and scorecard, each manager their tree, HR counts only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.blocks import message, section
from bot.core.deps import Deps, each_workspace
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import local_date
from bot.core.sender import QUEUED
from bot.core.workspace import Workspace
from bot.i18n import t
from bot.org import hours
from bot.org.directory import Who, locale_of, with_roles
from bot.org.teams import team_name
from bot.permissions import reviews as rules
from bot.reviews import summaries
from bot.reviews import summary_views as views
from bot.reviews.cycles import find_cycle
from storage.db import Database
from storage.models.core import User
from storage.models.reviews import ReviewCycle, ReviewTask

INLINE_DELIVERIES = 200  # summaries a /review close request sends itself after commit
# A line another feature adds to a rep's summary in the rep's language (None: nothing to
# add); bot/features.py collects them, as it does the digest's notes.
SummaryNote = Callable[[Session, Workspace, User, ReviewCycle, str], str | None]
Notes = Sequence[SummaryNote]


@dataclass(frozen=True)
class Closed:
    cycle_id: int
    name: str
    cancelled: int  # open tasks stopped
    reps: int  # summaries queued
    managers: int
    hr: int


def close_cycle(
    ws: Workspace,
    session: Session,
    cycle_id: int,
    now: datetime,
    *,
    scheduled: bool = False,
    notes: Notes = (),
) -> Closed | None:
    """Close the cycle and queue its summaries; None when it was closed already (by someone
    else a moment ago, or long before). `scheduled`: the job closes it, so each summary waits
    for its recipient's working hours (bot/org/hours.py); HR closing it sends them at once."""
    won = session.execute(
        update(ReviewCycle)
        .where(col(ReviewCycle.id) == cycle_id, col(ReviewCycle.status) == "open")
        .values(status="closed", closed_at=now)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return None
    stopped = session.execute(
        update(ReviewTask)
        .where(col(ReviewTask.cycle_id) == cycle_id, col(ReviewTask.status) == "open")
        .values(status="cancelled", updated_at=now)
    )
    session.expire_all()
    cycle = session.get(ReviewCycle, cycle_id)
    assert cycle is not None
    today = local_date(now, ws.config.workspace.timezone)
    at = now if scheduled else None
    reps, managers, hr = queue_summaries(ws, session, cycle, today, at, notes)
    return Closed(cycle_id, cycle.name, stopped.rowcount, reps, managers, hr)  # type: ignore[attr-defined]


def queue_summaries(
    ws: Workspace,
    session: Session,
    cycle: ReviewCycle,
    today: date,
    at: datetime | None,
    notes: Notes = (),
) -> tuple[int, int, int]:
    """(reps, managers, HR people) whose summary was queued; `at`: a job's time, each DM then
    held to its recipient's working hours."""
    config, prefix = ws.config, f"review-close:{cycle.id}"
    data = summaries.load(session, cycle)
    reps = 0
    for subject_id in data.by_subject:
        rep = data.people.get(subject_id)
        if rep is None or rep.deactivated:
            continue
        locale = locale_of(rep, config)
        summary = summaries.rep_summary(session, config, data, rep, today)
        added = (note(session, ws, rep, cycle, locale) for note in notes)
        summary = replace(summary, notes=tuple(line for line in added if line))
        dm = views.rep_summary(config, cycle.name, summary, locale)
        reps += _queue(ws, session, f"{prefix}:rep:{rep.id}", rep, dm, at)
    managers = 0
    for manager_id, lines in summaries.team_lines(session, config, data).items():
        manager = session.get(User, manager_id)
        if manager is None or manager.deactivated:
            continue
        dm = views.team_summary(cycle.name, lines, locale_of(manager, config))
        managers += _queue(ws, session, f"{prefix}:team:{manager_id}", manager, dm, at)
    stats = summaries.statistics(config, data)
    hr = 0
    for person in _hr_people(session, ws.team_id):
        locale = locale_of(person, config)
        names = {key: team_name(config, key, locale) for key in stats.by_team if key}
        dm = views.statistics(config, cycle.name, stats, names, locale)
        hr += _queue(ws, session, f"{prefix}:hr:{person.id}", person, dm, at)
    return reps, managers, hr


def _queue(
    ws: Workspace, session: Session, key: str, to: User, dm: dict, at: datetime | None
) -> int:
    when = hours.not_before(to, ws.config, at) if at is not None else None
    row = ws.sender.enqueue(
        session, ws.team_id, key, to.slack_id, dm["text"], dm["blocks"], not_before=when
    )
    return 0 if row is None else 1


def _hr_people(session: Session, team_id: str) -> list[User]:
    people = with_roles(session, team_id, ("hr", "admin"))
    return [p for p in people if rules.gets_cycle_statistics(p)]


def close_by_ref(
    ws: Workspace, session: Session, actor: User | None, ref: str | None, notes: Notes = ()
) -> Closed:
    """`/review close [cycle]` and the CLI: `actor` None is the operator at the command line.
    Refuses anyone but HR and admins before looking anything up (reveals nothing)."""
    if actor is not None and not rules.can_close_and_export(actor):
        raise NotAllowed("reviews.not_allowed")
    cycle = find_cycle(session, ws.team_id, ref)
    if cycle is None:
        if ref:
            raise UserFacingError("reviews.no_cycle", ref=ref)
        raise UserFacingError("reviews.no_open_cycle")
    assert cycle.id is not None
    closed = close_cycle(ws, session, cycle.id, ws.clock(), notes=notes)
    if closed is None:
        raise UserFacingError("reviews.close.already", name=cycle.name)
    return closed


# --- the job ---------------------------------------------------------------------------------


def close_when_due(deps: Deps, as_of: datetime, notes: Notes = ()) -> str:
    """The `review-close` job: every installed workspace."""
    return each_workspace(deps, lambda ws: close_due_in(ws, deps.db, as_of, notes))


def due_to_close(cycle: ReviewCycle, today: date, close_after_days: int) -> bool:
    """A cycle closes once `close_after_days` whole days have passed after its due date (in
    the workspace's time zone): due 31 Dec with 7 days closes on 8 Jan."""
    return today > cycle.due + timedelta(days=close_after_days)


def close_due_in(ws: Workspace, db: Database, as_of: datetime, notes: Notes = ()) -> str:
    today = local_date(as_of, ws.config.workspace.timezone)
    after = ws.config.reviews.close_after_days
    with db.session() as session:
        open_cycles = session.exec(
            select(ReviewCycle)
            .where(ReviewCycle.team_id == ws.team_id, ReviewCycle.status == "open")
            .order_by(col(ReviewCycle.id))
        ).all()
        due = [c.id for c in open_cycles if due_to_close(c, today, after)]
    closed = []
    for cycle_id in due:  # each cycle in its own transaction, summaries and all
        with db.session() as session:
            assert cycle_id is not None
            if close_cycle(ws, session, cycle_id, as_of, scheduled=True, notes=notes):
                closed.append(cycle_id)
    sent, failed = ws.sender.flush(db, team_id=ws.team_id, as_of=as_of)
    return f"closed {len(closed)} cycle(s); sent {sent}, failed {failed}"


def reply(ws: Workspace, session: Session, who: Who, ref: str | None, notes: Notes = ()) -> dict:
    """`/review close [cycle]`: the ephemeral confirmation (the summaries go by DM). A big
    cycle's summaries are left to the deliver-outbox job (every minute) rather than sent by
    this request one by one before HR sees the confirmation."""
    closed = close_by_ref(ws, session, who.user, ref, notes)
    queued = session.info.get(QUEUED, [])
    if len(queued) > INLINE_DELIVERIES:
        queued.clear()  # still in the outbox, only not this request's to send
    text = t(
        "reviews.close.done",
        who.locale,
        name=closed.name,
        cancelled=closed.cancelled,
        reps=closed.reps,
        managers=closed.managers,
        hr=closed.hr,
    )
    return message(text, [section(text)])
