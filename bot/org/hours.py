"""The one rule for when a scheduled DM may reach a person: in their own time zone
(directory.timezone_of), on their working days (`[workspace] weekend`), outside their quiet
hours (their own `/pulse quiet` setting, else `[workspace] quiet_hours`).

Jobs pass `not_before(...)` to the sender's outbox (`enqueue(..., not_before=...)`), so every
scheduled DM inherits the rule; DMs a person triggers by acting go at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.config import WEEKDAYS, AppConfig
from bot.core.periods import Period, containing, local_date
from bot.org.directory import timezone_of
from storage.models.core import User

OFF = "off"
QUIET_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)$")
OWN, WORKSPACE = "own", "workspace"  # where a person's quiet hours come from


@dataclass(frozen=True)
class Window:
    """Where and when a person may be reached."""

    timezone: str
    weekend: frozenset[int]  # weekday numbers, Monday 0
    quiet: tuple[time, time] | None  # [start, end) local; wraps midnight when start > end

    def working(self, day: date) -> bool:
        return day.weekday() not in self.weekend

    def working_day_from(self, day: date) -> date:
        """`day`, or the next working day after it."""
        while not self.working(day):
            day += timedelta(days=1)
        return day

    def quiet_end(self, local: datetime) -> datetime | None:
        """The end of the quiet period `local` falls in, or None when it is outside one."""
        if self.quiet is None or self.quiet[0] == self.quiet[1]:
            return None
        start, end = self.quiet
        now = local.time()
        if start < end:
            inside = start <= now < end
            end_day = local.date()
        else:
            inside = now >= start or now < end
            end_day = local.date() + timedelta(days=1) if now >= start else local.date()
        if not inside:
            return None
        return datetime.combine(end_day, end, local.tzinfo)

    def earliest(self, at: datetime) -> datetime:
        """The first instant at or after `at` on a working day outside quiet hours (UTC)."""
        zone = ZoneInfo(self.timezone)
        local = at.astimezone(zone)
        for _ in range(16):  # settles in a few steps: weekend -> quiet end -> weekend...
            if not self.working(local.date()):
                day = self.working_day_from(local.date())
                local = datetime.combine(day, time(0, 0), zone)
                continue
            end = self.quiet_end(local)
            if end is None:
                break
            local = end.astimezone(zone)  # normalises a non-existent (DST) wall time
        return local.astimezone(UTC)

    def at(self, day: date, hhmm: str) -> datetime:
        """`hhmm` local on `day` (the next working day if `day` is not one), moved past quiet
        hours: when a daily message for `day` may go out."""
        hour, minute = (int(p) for p in hhmm.split(":"))
        local = datetime.combine(
            self.working_day_from(day), time(hour, minute), ZoneInfo(self.timezone)
        )
        return self.earliest(local)


def parse_quiet(text: str) -> tuple[time, time] | str | None:
    """`21:00-07:30` -> (start, end); `off` -> None; anything else -> "" (not understood)."""
    text = text.strip().lower()
    if text == OFF:
        return None
    found = QUIET_RE.match(text.replace(" ", ""))
    if not found:
        return ""
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if (h1, m1) == (h2, m2):
        return ""
    return time(h1, m1), time(h2, m2)


def normal_quiet(window: tuple[time, time] | None) -> str:
    """The stored form of a quiet-hours choice: "21:00-07:30" or "off"."""
    if window is None:
        return OFF
    return f"{window[0]:%H:%M}-{window[1]:%H:%M}"


def quiet_source(user: User | None, config: AppConfig) -> tuple[tuple[time, time] | None, str]:
    """(quiet hours or None for none, where they come from: OWN or WORKSPACE)."""
    own = user.quiet_hours if user is not None else None
    if own:
        parsed = parse_quiet(own)
        if parsed != "":
            return parsed, OWN  # type: ignore[return-value]
    given = config.workspace.quiet_hours
    if not given:
        return None, WORKSPACE
    return (_hhmm(given[0]), _hhmm(given[1])), WORKSPACE


def shown_quiet(user: User | None, config: AppConfig) -> tuple[tuple[str, str] | None, str]:
    """(("21:00", "07:30") or None for none, OWN or WORKSPACE): for /pulse quiet and whoami."""
    window, source = quiet_source(user, config)
    if window is None:
        return None, source
    return (f"{window[0]:%H:%M}", f"{window[1]:%H:%M}"), source


def set_quiet(user: User, text: str) -> bool:
    """`/pulse quiet 21:00-07:30|off|auto`: store the person's choice (auto: the workspace's);
    False when `text` is not understood (nothing changes)."""
    text = text.strip().lower()
    if text == "auto":
        user.quiet_hours = None
        return True
    parsed = parse_quiet(text)
    if parsed == "":
        return False
    user.quiet_hours = normal_quiet(parsed)  # type: ignore[arg-type]
    return True


def window_of(user: User | None, config: AppConfig) -> Window:
    weekend = frozenset(WEEKDAYS.index(day) for day in config.workspace.weekend)
    return Window(timezone_of(user, config), weekend, quiet_source(user, config)[0])


def not_before(user: User | None, config: AppConfig, at: datetime) -> datetime:
    """The earliest instant at or after `at` a scheduled DM may reach `user`."""
    return window_of(user, config).earliest(at)


def first_working_day(config: AppConfig, start: date) -> date:
    """The workspace's first working day on or after `start` (its `[workspace] weekend`): a
    month's or a quarter's, from its first day."""
    return window_of(None, config).working_day_from(start)


def period_due(config: AppConfig, as_of: datetime, kind: str) -> Period | None:
    """The `kind` period (month, quarter...) a periodic job judges at `as_of`: the one before
    the current, once the current one's first working day has come in the workspace's time
    zone; None before it (the award candidates of a month, the calibration of a quarter)."""
    day = local_date(as_of, config.workspace.timezone)
    current = containing(kind, day)
    if day < first_working_day(config, current.start):
        return None
    return current.previous()


def _hhmm(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))
