"""Calibration of the KPI scheme with data (定期评估与调整): the quarterly `scheme-review` job
that sends HR the calibration card, and the one calculation it shares with the card's button
and `salespulse kpi calibration` (bot/improvement/calibration_figures.py: `calibration`).

Daily, the job does something only from the first working day of a quarter on (the
workspace's time zone and `[workspace] weekend`: bot.org.hours.period_due); it then reviews
the quarter that ended. Each active HR person and admin gets the card once per quarter, in
their language, held to their working hours: its outbox key `scheme-review:<quarter>:<user
id>` is unique (INSERT … ON CONFLICT DO NOTHING), so a second run, a late run or another
replica sends nothing twice, without a table of its own. The figures are read only while
someone still waits for the card. `salespulse jobs run scheme-review --as-of DATE` is the
same function."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.core.deps import Deps, each_workspace
from bot.core.periods import Period, containing, local_date
from bot.core.sender import Outgoing
from bot.core.workspace import Workspace
from bot.improvement import calibration_views as views
from bot.improvement.calibration_figures import (
    TOO_EASY,
    TOO_EASY_AT_CAP,
    TOO_HARD,
    TOO_HARD_AT_TARGET,
    Calibration,
    MetricCalibration,
    TeamMedian,
    calibration,
)
from bot.org import directory, hours
from bot.permissions.improvement import gets_calibration
from storage.db import Database
from storage.models.core import User

__all__ = [
    "TOO_EASY",
    "TOO_EASY_AT_CAP",
    "TOO_HARD",
    "TOO_HARD_AT_TARGET",
    "Calibration",
    "MetricCalibration",
    "TeamMedian",
    "calibration",
    "delivery_key",
    "recipients",
    "review_in",
    "scheme_review",
]
KEY_PREFIX = "scheme-review"  # outbox keys: scheme-review:<quarter>:<HR user id>


def scheme_review(deps: Deps, as_of: datetime) -> str:
    """The job: every installed workspace."""
    return each_workspace(deps, lambda ws: review_in(ws, deps.db, as_of))


def delivery_key(period: Period, user: User) -> str:
    return f"{KEY_PREFIX}:{period.key}:{user.id}"


def recipients(session: Session, team_id: str) -> list[User]:
    """Who gets the calibration card: active HR people and admins."""
    people = directory.with_roles(session, team_id, ("hr", "admin"))
    return [person for person in people if gets_calibration(person)]


def review_in(ws: Workspace, db: Database, as_of: datetime) -> str:
    config = ws.config
    period = hours.period_due(config, as_of, "quarter")
    if period is None:
        quarter = containing("quarter", local_date(as_of, config.workspace.timezone))
        first = hours.first_working_day(config, quarter.start)
        return f"waiting for the first working day of the quarter ({first.isoformat()})"
    if not config.metrics:
        return "no metrics configured"
    with db.session() as session:
        people = recipients(session, ws.team_id)
        if not people:
            return f"{period.key}: no HR or admin to send the card to"
        keys = {person.id: delivery_key(period, person) for person in people}
        done = ws.sender.recorded(session, ws.team_id, list(keys.values()))
        waiting = [person for person in people if keys[person.id] not in done]
        if not waiting:
            return f"{period.key}: reviewed already"
        found = calibration(session, config, ws.team_id, period)
        rows = []
        for person in waiting:
            card = views.card(config, found, directory.locale_of(person, config))
            when = hours.not_before(person, config, as_of)
            rows.append(
                Outgoing(keys[person.id], person.slack_id, card["text"], card["blocks"], when)
            )
        queued = ws.sender.enqueue_many(session, ws.team_id, rows)
    sent, failed = ws.sender.flush(db, team_id=ws.team_id, as_of=as_of)
    return (
        f"{period.key}: {len(found.metrics)} metric(s), {len(found.flagged)} flagged; card "
        f"queued for {queued} HR; sent {sent}, failed {failed}"
    )
