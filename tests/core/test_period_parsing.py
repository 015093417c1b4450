"""Properties of what people type: a /kpi period, a fact's value and date. Any text either
parses to something well formed (keys with four-digit years that round-trip, whose previous
and next periods exist) or is refused with a reason; never another exception."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.core.periods import (
    FIRST_YEAR,
    KINDS,
    LAST_YEAR,
    PREVIOUS_WORDS,
    WORDS,
    OutOfRange,
    compared_span,
    containing,
    parse_key,
)
from bot.kpi.chat import parse_request
from bot.kpi.store import to_decimal
from bot.kpi.validation import MAX_ABS_VALUE, parse_day, parse_value

TODAY = date(2026, 11, 26)
KEY = re.compile(r"^\d{4}(-W\d{2}|-Q[1-4]|-\d{2})?$")

periods_typed = st.one_of(
    st.text(max_size=24),
    st.sampled_from(sorted(WORDS)),
    st.sampled_from(sorted(PREVIOUS_WORDS)),
    st.builds(
        "{:04d}{}{}".format,
        st.integers(0, 10_000),
        st.sampled_from(["", "-", "-W", "-w", "-Q", "-q"]),
        st.one_of(st.just(""), st.integers(0, 100).map(str)),
    ),
)


def assert_well_formed(period) -> None:  # type: ignore[no-untyped-def]
    assert KEY.match(period.key), period
    assert FIRST_YEAR <= int(period.key[:4]) <= LAST_YEAR
    assert parse_key(period.key) == period  # round-trips
    for neighbour in (period.previous(), period.next()):  # the change shown; ranges
        assert KEY.match(neighbour.key), neighbour


@given(periods_typed, st.sampled_from(["", "team ", "<@U123> ", "team east "]))
def test_kpi_period_parses_well_formed_or_is_refused(text, prefix):
    try:
        request = parse_request(prefix + text, TODAY)
    except UserFacingError as exc:
        assert exc.key in (
            "kpi.bad_period",
            "kpi.extra_words",
            "kpi.period_out_of_range",
        )
        return
    assert_well_formed(request.period)


@given(periods_typed)
def test_period_keys_parse_well_formed_or_say_why_not(text):
    try:
        period = parse_key(text.upper())
    except OutOfRange as exc:
        assert f"years {FIRST_YEAR} to {LAST_YEAR}" in str(exc)
        return
    if period is not None:
        assert_well_formed(period)


values_typed = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[+-]?(\d{1,20}(\.\d{0,8})?|\.\d{1,8})([eE][+-]?\d{1,12})?\Z"),
    st.floats().map(str),
    st.sampled_from(["nan", "-inf", "Infinity", "sNaN", "1e999999999", "-0e-999999999"]),
)


@given(values_typed)
def test_fact_values_parse_exactly_or_say_why_not(text):
    try:
        micro = parse_value(text)
    except ValueError as exc:
        assert str(exc).startswith("value ") and len(str(exc)) < 200
        return
    assert abs(micro) < MAX_ABS_VALUE * 10**6
    assert to_decimal(micro) == Decimal(text.strip().replace(",", ""))


dates_typed = st.one_of(
    st.text(max_size=24),
    st.builds(
        "{:04d}{}{:02d}{}{:02d}{}".format,
        st.integers(0, 10_999),
        st.sampled_from(["-", "/"]),
        st.integers(0, 13),
        st.sampled_from(["-", "/"]),
        st.integers(0, 32),
        st.sampled_from(["", "T00:00:00", " 00:00:00", "T12:00:00"]),
    ),
)


@given(dates_typed)
def test_fact_dates_parse_into_well_formed_periods_or_say_why_not(text):
    try:
        day = parse_day(text)
    except ValueError as exc:
        assert str(exc).startswith("date ") and len(str(exc)) < 200
        return
    for kind in KINDS:
        assert_well_formed(containing(kind, day))


# --- named previous periods and what /kpi says it did not understand ----------------------

words = st.sampled_from(sorted(WORDS) + sorted(PREVIOUS_WORDS) + ["2026-Q3", "2025"])


@given(
    st.sampled_from(sorted(PREVIOUS_WORDS)),
    st.sampled_from(["", "team ", "team east ", "<@U123> ", "@alice "]),
    st.dates(min_value=date(1002, 1, 1), max_value=date(9998, 12, 31)),
)
def test_named_previous_periods_are_the_period_before_todays(word, prefix, today):
    request = parse_request(prefix + word, today)
    kind = PREVIOUS_WORDS[word]
    assert request.period == containing(kind, today).previous()
    assert request.period.end < today and request.period.next().start <= today
    if prefix.startswith("team"):
        assert request.team == ("east" if "east" in prefix else None)


@pytest.mark.parametrize(
    ("word", "key"),
    [("last-week", "2026-W47"), ("LAST-MONTH", "2026-10"), ("last-quarter", "2026-Q3"),
     ("last-year", "2025"), ("上周", "2026-W47"), ("上月", "2026-10"), ("上季度", "2026-Q3"),
     ("去年", "2025")],
)  # fmt: skip
def test_named_previous_period_keys(word, key):
    assert parse_request(word, TODAY).period.key == key
    assert parse_request(f"<@UALICE|alice> {word}", TODAY).period.key == key
    assert parse_request(f"team 华东 {word}", TODAY).period.key == key


@given(words, st.lists(st.text(min_size=1, max_size=12).filter(lambda w: w.strip()), min_size=1))
def test_words_after_the_period_are_named_not_ignored(period, extra):
    text = f"{period} " + " ".join(extra)
    try:
        parse_request(text, TODAY)
    except UserFacingError as exc:
        assert exc.key in ("kpi.extra_words", "kpi.bad_period")
        if exc.key == "kpi.extra_words":
            assert exc.params["period"] == period
            assert exc.params["text"].split() == " ".join(extra).split()
    else:
        raise AssertionError(f"{text!r} was accepted")


def test_month_quarter_names_the_word_not_understood():
    with pytest.raises(UserFacingError) as caught:
        parse_request("month quarter", TODAY)
    assert caught.value.key == "kpi.extra_words"
    assert caught.value.params == {"text": "quarter", "period": "month"}
    with pytest.raises(UserFacingError) as caught:
        parse_request("<@UALICE|alice> <@UBOB|bob>", TODAY)
    assert (caught.value.key, caught.value.params) == ("kpi.bad_period", {"text": "<@UBOB>"})
    with pytest.raises(UserFacingError) as caught:
        parse_request("team east 上月 本月 extra", TODAY)
    assert caught.value.params == {"text": "本月 extra", "period": "上月"}


# --- the same elapsed span of the previous period ------------------------------------------


@pytest.mark.parametrize(
    ("kind", "today", "start", "end"),
    [
        ("month", "2026-11-27", "2026-10-01", "2026-10-27"),  # the first 27 days of October
        ("month", "2026-03-31", "2026-02-01", "2026-02-28"),  # clamped: all of February
        ("month", "2028-03-30", "2028-02-01", "2028-02-29"),  # a leap February
        ("month", "2026-03-29", "2026-02-01", "2026-02-28"),
        ("month", "2026-10-31", "2026-09-01", "2026-09-30"),  # 31 days vs a 30-day month
        ("month", "2026-12-31", "2026-11-01", "2026-11-30"),
        ("month", "2026-11-30", "2026-10-01", "2026-10-30"),  # the last day: 30 of 31
        ("month", "2026-01-05", "2025-12-01", "2025-12-05"),  # across the year
        ("week", "2026-11-27", "2026-11-16", "2026-11-20"),  # Friday: last Monday-Friday
        ("week", "2026-11-23", "2026-11-16", "2026-11-16"),  # Monday: last Monday
        ("week", "2027-01-01", "2026-12-21", "2026-12-25"),  # week 53 vs week 52
        ("quarter", "2026-11-26", "2026-07-01", "2026-08-26"),  # day 57 of Q4
        ("quarter", "2026-05-31", "2026-01-01", "2026-03-02"),  # day 61 of Q2
        ("quarter", "2026-09-30", "2026-04-01", "2026-06-30"),  # day 92 of Q3: Q2 has 91
        ("year", "2026-11-26", "2025-01-01", "2025-11-26"),
        ("year", "2028-12-31", "2027-01-01", "2027-12-31"),  # day 366: clamped to 365
    ],
)
def test_period_in_progress_compares_with_the_same_elapsed_span(kind, today, start, end):
    period = containing(kind, date.fromisoformat(today))
    span = compared_span(period, date.fromisoformat(today))
    assert (span.period.start, span.end) == (date.fromisoformat(start), date.fromisoformat(end))
    assert span.period == period.previous()
    assert span.whole == (span.end == span.period.end)


@pytest.mark.parametrize("today", [None, "2026-12-01", "2027-06-30", "2026-10-31"])
def test_complete_or_future_period_compares_with_the_whole_previous_one(today):
    november = containing("month", date(2026, 11, 5))
    span = compared_span(november, None if today is None else date.fromisoformat(today))
    assert span.whole and span.period.key == "2026-10" and span.days() == 31


@given(st.sampled_from(KINDS), st.dates(min_value=date(1002, 1, 1), max_value=date(9998, 12, 31)))
def test_compared_span_never_longer_than_the_elapsed_days(kind, today):
    period = containing(kind, today)
    span = compared_span(period, today)
    assert span.period.start <= span.end <= span.period.end
    assert span.days() == min(period.elapsed(today), span.period.days())
