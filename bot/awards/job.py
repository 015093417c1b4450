"""The `award-candidates` job: each award's candidates for the month before, computed once,
and HR's card with an Announce button.

Daily, it does something only from the month's first working day on (the workspace's time
zone and `[workspace] weekend`, the rule of bot/org/hours.py): it computes the previous
month and INSERTs the AwardCandidates row; the primary key decides, so a second run, a late
run or another replica does nothing. In the same transaction each active HR person and admin
gets the card by DM in their language, held to their working hours; then the sender is
flushed. `salespulse jobs run award-candidates --as-of DATE` is the same function."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.awards import views
from bot.awards.announce import announced_in
from bot.awards.candidates import Candidate, month_candidates
from bot.core.config import AppConfig
from bot.core.deps import Deps, each_workspace
from bot.core.periods import Period, containing, local_date
from bot.core.workspace import Workspace
from bot.org import directory, hours
from bot.permissions.awards import sees_candidates
from storage.db import Database, insert_for
from storage.models.awards import AwardCandidates
from storage.models.core import User
from storage.types import utcnow


def award_candidates(deps: Deps, as_of: datetime) -> str:
    """The job: every installed workspace."""
    return each_workspace(deps, lambda ws: compute_in(ws, deps.db, as_of))


def month_due(config: AppConfig, as_of: datetime) -> Period | None:
    """The month to judge at `as_of`: the previous one, once this month's first working day
    has come (workspace time); None before it."""
    return hours.period_due(config, as_of, "month")


def _insert(session: Session, team_id: str, month: str, data: dict[str, Any]) -> bool:
    """Record the month's candidates unless a run got there first (the primary key)."""
    insert = insert_for(session)
    statement = (
        insert(AwardCandidates)
        .values(team_id=team_id, month=month, awards=data, computed_at=utcnow())
        .on_conflict_do_nothing()
        .returning(AwardCandidates.month)
    )
    return session.connection().execute(statement).first() is not None


def compute_in(ws: Workspace, db: Database, as_of: datetime) -> str:
    config = ws.config
    period = month_due(config, as_of)
    if period is None:
        this_month = containing("month", local_date(as_of, config.workspace.timezone))
        first = hours.first_working_day(config, this_month.start)
        return f"waiting for the first working day of the month ({first.isoformat()})"
    if not config.awards:
        return "no awards configured"
    with db.session() as session:
        if session.get(AwardCandidates, (ws.team_id, period.key)) is not None:
            return f"{period.key}: computed already"
        bounds = period.bounds(config.workspace.timezone)
        data = month_candidates(session, config, ws.team_id, period, bounds)
        if not _insert(session, ws.team_id, period.key, data):
            return f"{period.key}: computed already"
        queued = 0
        for person in directory.with_roles(session, ws.team_id, ("hr", "admin")):
            if not sees_candidates(person):
                continue
            dm = candidates_dm(ws, session, period, directory.locale_of(person, config), data)
            row = ws.sender.enqueue(
                session,
                ws.team_id,
                f"award-candidates:{period.key}:hr:{person.id}",
                person.slack_id,
                dm["text"],
                dm["blocks"],
                not_before=hours.not_before(person, config, as_of),
            )
            queued += row is not None
    sent, failed = ws.sender.flush(db, team_id=ws.team_id, as_of=as_of)
    found = sum(1 for ranked in data.values() if ranked)
    return (
        f"{period.key}: candidates for {found} of {len(data)} award(s); card queued for "
        f"{queued} HR; sent {sent}, failed {failed}"
    )


def candidates_dm(
    ws: Workspace,
    session: Session,
    period: Period,
    locale: str,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """HR's card for a month from its stored candidates (`data`: as just computed), each
    award announced already showing who won and who announced it."""
    if data is None:
        row = session.get(AwardCandidates, (ws.team_id, period.key))
        data = row.awards if row is not None else {}
    announced = announced_in(session, ws.team_id, period.key)
    entries = []
    for award in ws.config.awards:
        ranked = [Candidate.from_json(c) for c in data.get(award.key, [])]
        names = {}
        for c in ranked:
            user = session.get(User, c.user_id)
            names[c.slack_id] = user.name if user is not None else c.slack_id
        entries.append(views.Entry(award, ranked, announced.get(award.key), names))
    return views.candidates_card(ws.config, period, entries, locale)
