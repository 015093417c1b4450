"""Scorecard periods: ISO weeks, months, quarters and years, named by the keys people type
(`2026-W48`, `2026-11`, `2026-Q4`, `2026`) and by words (week, 本月, ...). Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

KINDS = ("week", "month", "quarter", "year")
WORDS = {
    "week": "week",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
    "本周": "week",
    "本月": "month",
    "本季度": "quarter",
    "今年": "year",
    "周": "week",
    "月": "month",
    "季度": "quarter",
    "年": "year",
}
# The period before the one `today` is in: /kpi last-month, /kpi 上月.
PREVIOUS_WORDS = {
    "last-week": "week",
    "last-month": "month",
    "last-quarter": "quarter",
    "last-year": "year",
    "上周": "week",
    "上月": "month",
    "上季度": "quarter",
    "去年": "year",
}
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
# The years a period or a fact's day may have: the period before (the change a scorecard
# shows) and the period after must still exist, with four-digit keys.
FIRST_YEAR, LAST_YEAR = 1001, 9998


class OutOfRange(ValueError):
    """A well-formed period key or date whose year is outside FIRST_YEAR..LAST_YEAR."""


def check_year(year: int, what: str) -> None:
    """Raise OutOfRange("<what> is out of range (...)") unless `year` is allowed."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise OutOfRange(f"{what} is out of range (years {FIRST_YEAR} to {LAST_YEAR})")


@dataclass(frozen=True, order=True)
class Period:
    kind: str  # week | month | quarter | year
    key: str  # 2026-W48 | 2026-11 | 2026-Q4 | 2026
    start: date
    end: date  # inclusive

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The first and last instant of the period in `timezone`, as aware datetimes."""
        tz = ZoneInfo(timezone)
        return datetime.combine(self.start, time.min, tz), datetime.combine(self.end, time.max, tz)

    def previous(self) -> Period:
        return containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        return containing(self.kind, self.end + timedelta(days=1))

    def days(self) -> int:
        return (self.end - self.start).days + 1

    def elapsed(self, today: date) -> int | None:
        """Days of the period up to and including `today` while it is in progress (on its
        last day too); None before it begins and after it ends."""
        if self.start <= today <= self.end:
            return (today - self.start).days + 1
        return None


@dataclass(frozen=True)
class Span:
    """The first days of `period`, up to `end`: all of it when `end` is its last day."""

    period: Period
    end: date

    @property
    def whole(self) -> bool:
        return self.end >= self.period.end

    def days(self) -> int:
        return (self.end - self.period.start).days + 1


def compared_span(period: Period, today: date | None) -> Span:
    """What `period` seen on `today` is compared with: while it is in progress, the same
    number of first days of the previous period (clamped to its length: March 31 compares
    with all of February; a week's Monday-Friday with last week's Monday-Friday); otherwise
    the whole previous period (also when `today` is None)."""
    previous = period.previous()
    days = None if today is None else period.elapsed(today)
    if days is None:
        return Span(previous, previous.end)
    return Span(previous, min(previous.end, previous.start + timedelta(days=days - 1)))


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter_key(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def year_key(day: date) -> str:
    return str(day.year)


def keys_of(day: date) -> tuple[str, str, str, str]:
    """(week, month, quarter, year) keys of a fact's day."""
    return week_key(day), month_key(day), quarter_key(day), year_key(day)


def containing(kind: str, day: date) -> Period:
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period("week", week_key(day), start, start + timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return Period("month", month_key(day), start, end)
    if kind == "quarter":
        q = (day.month - 1) // 3
        start = date(day.year, 3 * q + 1, 1)
        end = (date(day.year, 3 * q + 3, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return Period("quarter", quarter_key(day), start, end)
    if kind == "year":
        return Period("year", year_key(day), date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown period kind {kind!r}")


def parse_key(text: str) -> Period | None:
    """A period from its key (2026-W48, 2026-11, 2026-Q4, 2026); None if it isn't one.
    Raises OutOfRange for a key whose year is outside FIRST_YEAR..LAST_YEAR."""
    text = text.strip()
    m = _WEEK.match(text) or _MONTH.match(text) or _QUARTER.match(text) or _YEAR.match(text)
    if m is None:
        return None
    year = int(m[1])
    check_year(year, f"period {text!r}")
    try:
        if m.re is _WEEK:
            return containing("week", date.fromisocalendar(year, int(m[2]), 1))
        if m.re is _MONTH:
            return containing("month", date(year, int(m[2]), 1))
        if m.re is _QUARTER:
            return containing("quarter", date(year, 3 * int(m[2]) - 2, 1))
        return containing("year", date(year, 1, 1))
    except ValueError:  # week 54, month 13 ...
        return None


def parse(text: str, today: date) -> Period | None:
    """A word (week, 本月, last-month, 上月, ...) relative to `today`, or a key; None when it
    is neither. Raises OutOfRange like parse_key."""
    word = text.strip().lower()
    if word in WORDS:
        return containing(WORDS[word], today)
    if word in PREVIOUS_WORDS:
        return containing(PREVIOUS_WORDS[word], today).previous()
    return parse_key(word.upper() if "w" in word or "q" in word else word)


def working_days(start: date, end: date) -> int:
    """Monday to Friday between start and end inclusive (no holiday calendar)."""
    if end < start:
        return 0
    total = (end - start).days + 1
    weeks, rest = divmod(total, 7)
    days = weeks * 5
    for i in range(rest):
        if (start + timedelta(days=weeks * 7 + i)).weekday() < 5:
            days += 1
    return days


def week_month_shares(week: Period) -> list[tuple[str, int, int]]:
    """For prorating a month's target to a week: [(month key, working days of the week in
    that month, working days in the month)] for the one or two months the week touches."""
    shares: list[tuple[str, int, int]] = []
    for month in sorted({containing("month", week.start), containing("month", week.end)}):
        lo, hi = max(week.start, month.start), min(week.end, month.end)
        shares.append((month.key, working_days(lo, hi), working_days(month.start, month.end)))
    return shares


# --- time zones: the one place local days and times are computed (zoneinfo, so DST holds) ---


def local_date(now: datetime, timezone: str) -> date:
    """The calendar day `now` falls on in `timezone`."""
    return now.astimezone(ZoneInfo(timezone)).date()


def local_day_start(now: datetime, timezone: str) -> datetime:
    """Midnight of `now`'s day in `timezone`, as an aware datetime (compares with UTC)."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def local_month_start(now: datetime, timezone: str) -> datetime:
    """Midnight of the first day of `now`'s month in `timezone`."""
    return local_day_start(now, timezone).replace(day=1)


def local_time(day: date, hour: int, minute: int, timezone: str) -> datetime:
    """`hour:minute` on `day` in `timezone`, as an aware datetime."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(timezone))
