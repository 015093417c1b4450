"""Local days and times, computed in one place (bot/core/periods.py) from IANA names, so
daylight saving holds wherever a kudos limit, a digest or a job's --as-of asks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.periods import local_date, local_day_start, local_month_start, local_time


def test_local_day_start_uses_the_givers_time_zone():
    now = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
    la = local_day_start(now, "America/Los_Angeles")
    assert la.astimezone(UTC) == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    sh = local_day_start(now, "Asia/Shanghai")
    assert sh.astimezone(UTC) == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    assert local_month_start(now, "Asia/Shanghai").astimezone(UTC) == datetime(
        2026, 10, 31, 16, 0, tzinfo=UTC
    )


def test_local_date_is_the_day_in_that_zone():
    now = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    assert local_date(now, "Asia/Shanghai") == date(2026, 11, 27)
    assert local_date(now, "America/Los_Angeles") == date(2026, 11, 26)


def test_local_time_follows_daylight_saving():
    # 09:00 in Los Angeles is 17:00 UTC in winter and 16:00 UTC in summer
    assert local_time(date(2026, 1, 15), 9, 0, "America/Los_Angeles").astimezone(UTC) == datetime(
        2026, 1, 15, 17, 0, tzinfo=UTC
    )
    assert local_time(date(2026, 7, 15), 9, 0, "America/Los_Angeles").astimezone(UTC) == datetime(
        2026, 7, 15, 16, 0, tzinfo=UTC
    )
