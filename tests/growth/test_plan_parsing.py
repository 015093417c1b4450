"""`/career plan …` arguments: examples and hypothesis properties (never crashes; text, tag
and date round-trip; a bad date or an unknown tag is an error, never silently text)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention
from bot.growth.plan_parsing import parse_goal, parse_plan

METRICS = ("revenue", "conversion_rate", "discount_rate")
COURSES = ("negotiation", "prospecting")

words = st.from_regex(r"[A-Za-z0-9\u4e00-\u9fff.,!?'()-]{1,12}", fullmatch=True).filter(
    lambda w: not w.lower().startswith("due") and "截止" not in w and not w.startswith(("#", "@"))
)
texts = st.lists(words, min_size=1, max_size=10).map(" ".join)
tags = st.sampled_from(METRICS + COURSES)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
due_words = st.sampled_from(["due ", "DUE ", "截止 ", "截止：", "截止"])
spaces = st.sampled_from([" ", "  ", "\u3000", " \t "])


@given(texts, st.none() | tags, st.none() | dates, due_words, spaces)
def test_text_tag_and_date_round_trip(text, tag, due, due_word, sep):
    parts = [text]
    if tag:
        parts.append(f"#{tag}")
    if due:
        parts.append(f"{due_word}{due.isoformat()}")
    goal = parse_goal(sep.join(parts), METRICS, COURSES)
    assert goal.text == text
    assert goal.metric == (tag if tag in METRICS else None)
    assert goal.course == (tag if tag in COURSES else None)
    assert goal.due == due


@given(st.text(max_size=200))
def test_never_crashes_only_refuses(text):
    try:
        goal = parse_goal(text, METRICS, COURSES)
    except UserFacingError as err:
        assert err.key.startswith("plan.")
    else:
        assert len(goal.text) <= 500
        assert not goal.text.startswith(" ")


@given(st.text(max_size=100))
def test_plan_arguments_never_crash(text):
    try:
        args = parse_plan(text)
    except UserFacingError as err:
        assert err.key == "plan.usage"
    else:
        assert args.add or args.rest == ""


@given(texts, st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
def test_an_unknown_tag_is_an_error_not_text(text, tag):
    if tag in METRICS + COURSES:
        return
    with pytest.raises(UserFacingError) as err:
        parse_goal(f"{text} #{tag}", METRICS, COURSES)
    assert err.value.key == "plan.unknown_tag" and err.value.params["tag"] == tag


@pytest.mark.parametrize(
    "bad", ["due 2026-13-01", "due 31.12", "截止 2026/12/31", "due 2026-02-30", "due", "截止"]
)
def test_a_bad_date_is_an_error_not_text(bad):
    with pytest.raises(UserFacingError) as err:
        parse_goal(f"Call ten leads {bad}", METRICS, COURSES)
    assert err.value.key == "plan.bad_date"


def test_examples():
    goal = parse_goal("Close 3 deals a month #Revenue due 2026-12-31", METRICS, COURSES)
    assert (goal.text, goal.metric, goal.course, goal.due) == (
        "Close 3 deals a month",
        "revenue",
        None,
        date(2026, 12, 31),
    )
    zh = parse_goal("每周联系 10 个新客户 #negotiation 截止 2027-01-15", METRICS, COURSES)
    assert (zh.text, zh.course, zh.due) == (
        "每周联系 10 个新客户",
        "negotiation",
        date(2027, 1, 15),
    )
    # "due" inside the text is text; only a closing "due <date>" is the due date
    assert parse_goal("Work on due diligence", METRICS, COURSES).text == "Work on due diligence"
    assert parse_goal("", METRICS, COURSES).text == ""  # nothing: the form opens


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("#revenue", "plan.no_text"),
        ("due 2026-12-31", "plan.no_text"),
        ("a #revenue #negotiation", "plan.one_tag"),
        ("x" * 501, "plan.too_long"),
    ],
)
def test_refusals(text, key):
    with pytest.raises(UserFacingError) as err:
        parse_goal(text, METRICS, COURSES)
    assert err.value.key == key


def test_plan_arguments():
    assert parse_plan("") == parse_plan("  ")
    mine = parse_plan("")
    assert (mine.add, mine.rep, mine.rest) == (False, None, "")
    theirs = parse_plan("<@UBOB|bob>")
    assert (theirs.add, theirs.rep) == (False, Mention("UBOB"))
    add = parse_plan("添加 @bob Call leads #revenue")
    assert (add.add, add.rep, add.rest) == (True, Handle("bob"), "Call leads #revenue")
    assert parse_plan("add").rest == ""
    with pytest.raises(UserFacingError):
        parse_plan("something else")
