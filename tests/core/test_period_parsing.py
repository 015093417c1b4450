"""Properties of what people type: a /kpi period, a fact's value and date. Any text either
parses to something well formed (keys with four-digit years that round-trip, whose previous
and next periods exist) or is refused with a reason; never another exception."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.core.periods import FIRST_YEAR, KINDS, LAST_YEAR, WORDS, OutOfRange, containing, parse_key
from bot.kpi.chat import parse_request
from bot.kpi.store import to_decimal
from bot.kpi.validation import MAX_ABS_VALUE, parse_day, parse_value

TODAY = date(2026, 11, 26)
KEY = re.compile(r"^\d{4}(-W\d{2}|-Q[1-4]|-\d{2})?$")

periods_typed = st.one_of(
    st.text(max_size=24),
    st.sampled_from(sorted(WORDS)),
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
        assert exc.key in ("kpi.usage", "kpi.bad_period", "kpi.period_out_of_range")
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
