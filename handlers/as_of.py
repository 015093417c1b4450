"""`--as-of` for `salespulse jobs run` (and the demo's `tick`): the instant a job runs as."""

from __future__ import annotations

from datetime import UTC, date, datetime
from datetime import time as dtime
from zoneinfo import ZoneInfo

from bot.core.deps import Deps

AS_OF_HELP = "a date (2026-12-28: the end of that day, workspace time) or an ISO 8601 instant with offset (2026-12-28T10:05+08:00)"


def job_time(deps: Deps, day: date | datetime | None) -> datetime:
    """The as_of a job runs with: now; the END of `day` in the workspace time zone (so a
    date-run sends whatever falls due that day); or an aware instant as given."""
    if day is None:
        return deps.clock()
    if isinstance(day, datetime):
        return day.astimezone(UTC)
    end = datetime.combine(day, dtime.max, ZoneInfo(deps.config.workspace.timezone))
    return end.astimezone(UTC)


def parse_as_of(text: str) -> date | datetime:
    """`--as-of`: a date, or an ISO 8601 instant with an offset; ValueError otherwise."""
    text = text.strip()
    if len(text) == 10:
        return date.fromisoformat(text)
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise ValueError("no offset")
    return when
