"""Kudos as counts for the App Home overviews (managers' teams, HR's company by team): one
query for a whole group, never one per person. Withdrawn kudos don't count, as everywhere
(bot.kudos.service.received_between)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models.feedback import Kudos, KudosRecipient, KudosValue


def tally_received(
    session: Session,
    team_id: str,
    since: datetime,
    until: datetime,
    user_ids: Sequence[int] | None = None,
) -> dict[int, tuple[int, datetime]]:
    """{user id: (kudos that praised them in [since, until], when the last of them came)}
    (everyone, or only `user_ids`); the time is the kudos award's tie-break."""
    query = (
        select(KudosRecipient.user_id, func.count(col(Kudos.id)), func.max(Kudos.created_at))
        .join(Kudos, col(Kudos.id) == col(KudosRecipient.kudos_id))
        .where(
            Kudos.team_id == team_id,
            Kudos.created_at >= since,
            Kudos.created_at <= until,
            col(Kudos.withdrawn_at).is_(None),
        )
        .group_by(KudosRecipient.user_id)
    )
    if user_ids is not None:
        query = query.where(col(KudosRecipient.user_id).in_(list(user_ids) or [-1]))
    return {user_id: (count, last) for user_id, count, last in session.exec(query).all()}


def received_per_person(
    session: Session,
    team_id: str,
    since: datetime,
    until: datetime,
    user_ids: Sequence[int] | None = None,
) -> dict[int, int]:
    """{user id: kudos that praised them in [since, until]} (everyone, or only `user_ids`)."""
    tally = tally_received(session, team_id, since, until, user_ids)
    return {user_id: count for user_id, (count, _) in tally.items()}


def givers(session: Session, team_id: str, since: datetime, until: datetime) -> set[int]:
    """Who gave at least one kudos in [since, until]."""
    rows = session.exec(
        select(Kudos.giver_id)
        .where(
            Kudos.team_id == team_id,
            Kudos.created_at >= since,
            Kudos.created_at <= until,
            col(Kudos.withdrawn_at).is_(None),
        )
        .distinct()
    ).all()
    return set(rows)


def given_per_person(
    session: Session, team_id: str, since: datetime, until: datetime
) -> dict[int, int]:
    """{user id: kudos they gave in [since, until]} (one kudos to three people counts once)."""
    rows = session.exec(
        select(Kudos.giver_id, func.count(col(Kudos.id)))
        .where(
            Kudos.team_id == team_id,
            Kudos.created_at >= since,
            Kudos.created_at <= until,
            col(Kudos.withdrawn_at).is_(None),
        )
        .group_by(Kudos.giver_id)
    ).all()
    return dict(rows)


def received_per_value(
    session: Session, team_id: str, since: datetime, until: datetime
) -> dict[int, dict[str, int]]:
    """{user id: {company value key: kudos tagged with it that praised them in [since, until]}}."""
    rows = session.exec(
        select(KudosRecipient.user_id, KudosValue.value_key, func.count(col(Kudos.id)))
        .join(Kudos, col(Kudos.id) == col(KudosRecipient.kudos_id))
        .join(KudosValue, col(KudosValue.kudos_id) == col(Kudos.id))
        .where(
            Kudos.team_id == team_id,
            Kudos.created_at >= since,
            Kudos.created_at <= until,
            col(Kudos.withdrawn_at).is_(None),
        )
        .group_by(KudosRecipient.user_id, KudosValue.value_key)
    ).all()
    found: dict[int, dict[str, int]] = {}
    for user_id, value, count in rows:
        found.setdefault(user_id, {})[value] = count
    return found
