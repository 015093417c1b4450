"""Days in console commands: `2026-12-28`, `today+4`, `workday+2`, and instants on them
(`today+4T10:05-08:00`), counted from the demo's today so a script holds on any day."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKEND = ("sat", "sun")


def working_day_after(today: date, n: int, weekend: tuple[str, ...] | list[str] = WEEKEND) -> date:
    """The `n`th working day after `today` (n = 0: today, or the next working day)."""
    day, left = today, n
    while True:
        if DAY_NAMES[day.weekday()] not in weekend:
            if left == 0:
                return day
            left -= 1
        day += timedelta(days=1)


def relative_when(text: str, today: date, weekend: tuple[str, ...] = WEEKEND) -> date | datetime:
    """A day (`relative_day`), or a day with a time and offset: `today+4T10:05-08:00`."""
    found = re.match(r"^(.*\d)[Tt](\d.*)$", text.strip())
    if not found:
        return relative_day(text, today, weekend)
    day = relative_day(found.group(1), today, weekend)
    when = datetime.fromisoformat(f"{day.isoformat()}T{found.group(2)}")
    if when.tzinfo is None:
        raise ValueError(text)
    return when


def relative_day(text: str, today: date, weekend: tuple[str, ...] = WEEKEND) -> date:
    """`2026-12-28`, or `today`, `today+4`, `today-7` (days from the demo's today), so a
    script that runs on any day can say "four days later"; `workday+2` is the second working
    day after today (`workday`: today, or the next working day if today is on the weekend)."""
    word = text.strip().lower()
    anchor = next((a for a in ("today", "workday") if word.startswith(a)), None)
    if anchor is None:
        return date.fromisoformat(word)
    offset = word.removeprefix(anchor)
    if offset and (offset[0] not in "+-" or not offset[1:].isdigit()):
        raise ValueError(text)
    if anchor == "workday":
        if offset.startswith("-"):
            raise ValueError(text)
        return working_day_after(today, int(offset or 0), weekend)
    return today + timedelta(days=int(offset or 0))
