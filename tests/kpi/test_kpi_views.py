"""KPI view helpers: lists always fit Slack's limits; values formatted per locale; parsers
of periods and /kpi arguments never fail with anything but a user-facing error."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.config import MetricConfig
from bot.core.errors import UserFacingError
from bot.core.periods import KINDS, containing, parse, parse_key, week_month_shares, working_days
from bot.i18n import fmt_money
from bot.kpi.chat import parse_request
from bot.kpi.views import fmt_change, fmt_value, list_blocks

REVENUE = MetricConfig(key="revenue", label_en="Revenue", label_zh="销售额", unit="CNY")
RATE = MetricConfig(
    key="rate", label_en="Rate", label_zh="率", unit="%", aggregate="avg", weight=0.1
)


def test_money_and_percent_formatting():
    assert fmt_money(Decimal("1234567"), "CNY", "en-US") == "¥1,234,567"
    assert fmt_money(Decimal("1234567"), "CNY", "zh-CN") == "¥1,234,567"
    assert fmt_money(Decimal("1234.5"), "CNY", "en-US") == "¥1,234.5"
    assert fmt_value(REVENUE, Decimal("1234567.000000"), "zh-CN") == "¥1,234,567"
    assert fmt_value(RATE, Decimal("85"), "en-US") == "85%"
    assert fmt_value(RATE, Decimal("85.04999"), "en-US") == "85%"
    assert fmt_value(RATE, Decimal("12.35"), "en-US") == "12.4%"


def test_change_arrow_follows_the_rounded_change():
    """An average that moved by 0.004 is shown as 0: the arrow must not say it went up (the
    demo showed "↑ +0" for customer satisfaction)."""
    csat = MetricConfig(
        key="csat", label_en="CSAT", label_zh="满意度", unit="score", aggregate="avg"
    )
    assert fmt_change(csat, Decimal("0.004"), "en-US") == "→ 0"
    assert fmt_change(csat, Decimal("-0.004"), "en-US") == "→ 0"
    assert fmt_change(csat, Decimal("0.006"), "en-US") == "↑ +0.01"
    assert fmt_change(RATE, Decimal("-0.04"), "en-US") == "→ 0%"
    assert fmt_change(RATE, Decimal("-0.06"), "en-US") == "↓ -0.1%"
    assert fmt_change(REVENUE, Decimal("0.01"), "en-US") == "↑ +¥0.01"


@given(st.lists(st.text(min_size=1, max_size=400), max_size=300), st.integers(1, 48))
def test_list_blocks_fit_any_input(lines, room):
    blocks = list_blocks(lines, "en-US", room)
    assert len(blocks) <= room
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
    text = "\n".join(b["text"]["text"] for b in blocks)
    if len(lines) and "more" in text.rsplit("\n", 1)[-1]:
        shown = int(text.rsplit("…and ", 1)[1].split()[0])
        assert shown >= 1


def test_list_blocks_say_how_many_more():
    lines = [f"{i}. <@U{i:05d}>  `██████░░░░` 60.0%" for i in range(1, 1001)]
    blocks = list_blocks(lines, "en-US", 2)
    text = "\n".join(b["text"]["text"] for b in blocks)
    shown = text.count("<@U")
    assert f"…and {1000 - shown} more" in text


@pytest.mark.parametrize(
    ("text", "key"),
    [("2026-11", "2026-11"), ("2026-q4", "2026-Q4"), ("2026", "2026"), ("2026-w48", "2026-W48"),
     ("本月", "2026-11"), ("本季度", "2026-Q4"), ("今年", "2026"), ("本周", "2026-W48"),
     ("week", "2026-W48")],
)  # fmt: skip
def test_period_words_and_keys(text, key):
    assert parse(text, date(2026, 11, 26)).key == key


def test_working_days_and_week_shares():
    assert working_days(date(2026, 11, 1), date(2026, 11, 30)) == 21
    week = parse_key("2026-W49")  # Mon Nov 30 .. Sun Dec 6
    assert week_month_shares(week) == [("2026-11", 1, 21), ("2026-12", 4, 23)]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)), st.sampled_from(KINDS))
def test_periods_round_trip_and_chain(day, kind):
    period = containing(kind, day)
    assert period.start <= day <= period.end
    assert parse_key(period.key) == period
    assert (period.start - period.previous().end).days == 1


@given(st.text(max_size=60))
def test_kpi_arguments_parse_or_explain(text):
    try:
        request = parse_request(text, date(2026, 11, 26))
    except UserFacingError as exc:
        assert exc.key in ("kpi.usage", "kpi.bad_period")
    else:
        assert request.kind in ("own", "person", "team", "help")


def test_kpi_arguments():
    today = date(2026, 11, 26)
    assert parse_request("", today).period.key == "2026-11"
    r = parse_request("<@UALICE|alice> quarter", today)
    assert (r.kind, r.person.user_id, r.period.key) == ("person", "UALICE", "2026-Q4")
    r = parse_request("team east 2026-Q3", today)
    assert (r.kind, r.team, r.period.key) == ("team", "east", "2026-Q3")
    assert parse_request("team 本月", today).team is None
    with pytest.raises(UserFacingError):
        parse_request("month week", today)
