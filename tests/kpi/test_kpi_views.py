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
from bot.kpi.scorecard import MetricResult
from bot.kpi.views import bar, fmt_change, fmt_value, list_blocks, pct, points

REVENUE = MetricConfig(key="revenue", label_en="Revenue", label_zh="销售额", unit="CNY")
RATE = MetricConfig(
    key="rate", label_en="Rate", label_zh="率", unit="%", aggregate="avg", weight=0.1
)
CSAT = MetricConfig(key="csat", label_en="CSAT", label_zh="满意度", unit="score", aggregate="avg")
CALLS = MetricConfig(key="calls", label_en="Calls", label_zh="电话", unit="count")


def test_money_and_percent_formatting():
    assert fmt_money(Decimal("1234567"), "CNY", "en-US") == "¥1,234,567"
    assert fmt_money(Decimal("1234567"), "CNY", "zh-CN") == "¥1,234,567"
    assert fmt_money(Decimal("1234.5"), "CNY", "en-US") == "¥1,234.5"
    assert fmt_value(REVENUE, Decimal("1234567.000000"), "zh-CN") == "¥1,234,567"
    assert fmt_value(RATE, Decimal("85"), "en-US") == "85.0%"
    assert fmt_value(RATE, Decimal("85.04999"), "en-US") == "85.0%"
    assert fmt_value(RATE, Decimal("12.35"), "en-US") == "12.4%"


def test_one_number_format_per_metric():
    """Money and counts 0 decimals, rates, averages and scores 1, or `decimals`: every figure
    of a metric (value, target, change) the same way (the demo showed ¥1,460,810.1,
    ¥332,252 and ¥60,214.37 together)."""
    assert [
        fmt_value(REVENUE, Decimal(v), "en-US") for v in ("1460810.1", "332252", "60214.37")
    ] == [
        "¥1,460,810",
        "¥332,252",
        "¥60,214",
    ]
    assert fmt_change(REVENUE, Decimal("-60214.5"), "en-US") == "↓ ¥60,215"
    assert (REVENUE.decimals, RATE.decimals, CSAT.decimals, CALLS.decimals) == (0, 1, 1, 0)
    assert fmt_value(CSAT, Decimal(4), "zh-CN") == "4.0"
    assert fmt_value(CALLS, Decimal("2.857142"), "en-US") == "3"  # a prorated target
    cents = MetricConfig(key="r", label_en="R", label_zh="R", unit="USD", decimals=2)
    assert fmt_value(cents, Decimal(5), "en-US") == "$5.00"
    assert fmt_change(cents, Decimal("0.004"), "en-US") == "→ $0.00"
    with pytest.raises(ValueError, match="decimals"):
        MetricConfig(key="r", label_en="R", label_zh="R", decimals=7)


def test_change_arrow_carries_the_sign_and_follows_the_shown_figure():
    """An average that moved by 0.04 is shown as 0: the arrow must not say it went up (the
    demo showed "↑ +0" for customer satisfaction); no `↓ -19.8 pts`."""
    assert fmt_change(CSAT, Decimal("0.04"), "en-US") == "→ 0.0"
    assert fmt_change(CSAT, Decimal("-0.04"), "en-US") == "→ 0.0"
    assert fmt_change(CSAT, Decimal("0.06"), "en-US") == "↑ 0.1"
    assert fmt_change(RATE, Decimal("-0.04"), "en-US") == "→ 0.0%"
    assert fmt_change(RATE, Decimal("-0.06"), "en-US") == "↓ 0.1%"
    assert fmt_change(REVENUE, Decimal("90000.5"), "en-US") == "↑ ¥90,001"
    assert points(-0.198, "en-US") == "↓ 19.8 pts"
    assert points(0.167, "zh-CN") == "↑ 16.7 个百分点"
    assert points(0.0004, "en-US") == "→ 0.0 pts"


@pytest.mark.parametrize(
    ("ratio", "cells", "shown"),
    [(Decimal("0.955"), 9, "95.5%"), (Decimal("0.9999"), 9, "99.9%"), (Decimal(1), 10, "100.0%"),
     (Decimal("0.94999"), 9, "95.0%"), (Decimal("1.6"), 10, "160.0%"), (Decimal(0), 0, "0.0%"),
     (0.9996, 9, "99.9%"), (Decimal("-0.2"), 0, "-20.0%")],
)  # fmt: skip
def test_bars_fill_completely_only_at_100_percent(ratio, cells, shown):
    assert bar(ratio) == "█" * cells + "░" * (10 - cells)
    assert pct(ratio, "en-US") == shown


def test_a_value_shown_equal_to_its_target_is_100_percent():
    four_point_five = MetricResult(CSAT, Decimal("4.5"), Decimal("4.5"), None)
    assert four_point_five.attainment == 1 and pct(four_point_five.attainment, "en-US") == "100.0%"
    # a count target prorated to 2.857 shows (and attains) as 3
    two_of_three = MetricResult(CALLS, Decimal(2), Decimal("2.857142"), None)
    assert pct(two_of_three.attainment, "en-US") == "66.7%"


def test_pace_prorates_a_sums_target_by_elapsed_days():
    # 27 of 30 days: the target to date is 900 of 1,000; 936 is 104% of it
    calls = MetricResult(CALLS, Decimal(936), Decimal(1000), Decimal(500), elapsed=(27, 30))
    assert calls.target_to_date == Decimal(900)
    assert pct(calls.pace, "en-US") == "104.0%" and pct(calls.attainment, "en-US") == "93.6%"
    assert calls.change == Decimal(436)
    # lower is better: 3 complaints against 9 allowed so far (10 a month): capped like attainment
    fewer = MetricConfig(key="c", label_en="C", label_zh="C", higher_is_better=False)
    complaints = MetricResult(fewer, Decimal(8), Decimal(10), None, elapsed=(27, 30))
    assert complaints.pace == Decimal(9) / 8 and complaints.change is None
    # averages are levels: compared with their target as they are, no pace
    assert MetricResult(CSAT, Decimal(4), Decimal(5), None, elapsed=(3, 30)).pace is None
    # a complete period has no pace
    assert MetricResult(CALLS, Decimal(936), Decimal(1000), None).pace is None


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
        assert exc.key in ("kpi.bad_period", "kpi.extra_words")
        assert exc.params["text"]  # the word not understood is named
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
