"""The one delivery-time rule: own time zone, working days, quiet hours (own or workspace)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from bot.core.config import AppConfig
from bot.org import hours
from storage.models.core import User

SH = timezone(timedelta(hours=8))
LA = timezone(timedelta(hours=-8))


def person(tz: str = "Asia/Shanghai", quiet: str | None = None) -> User:
    return User(team_id="T", slack_id="U1", name="P", timezone=tz, quiet_hours=quiet)


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate({"workspace": {"timezone": "Asia/Shanghai"}})


def test_inside_working_hours_at_once(config):
    at = datetime(2026, 12, 22, 10, 0, tzinfo=SH)
    assert hours.not_before(person(), config, at) == at


def test_quiet_night_waits_for_the_morning_in_their_zone(config):
    at = datetime(2026, 12, 22, 21, 30, tzinfo=SH)  # Tue 21:30 Shanghai
    assert hours.not_before(person(), config, at) == datetime(2026, 12, 23, 8, 0, tzinfo=SH)
    # the same instant is Tue 05:30 in LA: quiet until 08:00 LA
    la = hours.not_before(person("America/Los_Angeles"), config, at)
    assert la == datetime(2026, 12, 22, 8, 0, tzinfo=LA)


def test_weekend_moves_to_monday_morning_past_quiet_hours(config):
    friday_night = datetime(2026, 12, 25, 22, 0, tzinfo=SH)
    assert hours.not_before(person(), config, friday_night) == datetime(
        2026, 12, 28, 8, 0, tzinfo=SH
    )


def test_own_quiet_hours_override_and_off(config):
    at = datetime(2026, 12, 22, 10, 0, tzinfo=SH)
    assert hours.not_before(person(quiet="09:00-11:00"), config, at) == at.replace(hour=11)
    night = datetime(2026, 12, 22, 23, 0, tzinfo=SH)
    assert hours.not_before(person(quiet="off"), config, night) == night


def test_the_daily_time_on_a_weekend_day_goes_on_the_next_working_day(config):
    window = hours.window_of(person("America/Los_Angeles"), config)
    assert window.at(date(2026, 12, 26), "10:00") == datetime(2026, 12, 28, 10, 0, tzinfo=LA)
    assert window.at(date(2026, 12, 22), "10:00").astimezone(UTC) == datetime(
        2026, 12, 22, 18, 0, tzinfo=UTC
    )


def test_custom_weekend(config):
    config = AppConfig.model_validate({"workspace": {"weekend": ["fri", "sat"]}})
    window = hours.window_of(person(), config)
    assert window.working_day_from(date(2026, 12, 25)) == date(2026, 12, 27)  # Fri -> Sun


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("21:00-07:30", (time(21, 0), time(7, 30))),
        ("9:00-11:00", (time(9, 0), time(11, 0))),
        ("off", None),
        ("OFF", None),
        ("25:00-07:00", ""),
        ("21:00", ""),
        ("10:00-10:00", ""),
        ("tonight", ""),
    ],
)
def test_parse_quiet(text, parsed):
    assert hours.parse_quiet(text) == parsed


def test_sources(config):
    assert hours.shown_quiet(person(), config) == (("20:00", "08:00"), hours.WORKSPACE)
    assert hours.shown_quiet(person(quiet="21:00-07:30"), config) == (
        ("21:00", "07:30"),
        hours.OWN,
    )
    assert hours.shown_quiet(person(quiet="off"), config) == (None, hours.OWN)
