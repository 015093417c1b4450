"""The plan's Block Kit stays within Slack's limits whatever the plan holds, in both
languages: the Home section 10 blocks, a message 50, a modal's title 24 characters."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.blocks import MAX_MESSAGE_BLOCKS, MAX_MODAL_TEXT
from bot.growth import plan_views as views
from bot.growth.suggestion_views import IN_HOME, SuggestionRow, suggestions_dm

LOCALES = ["en-US", "zh-CN"]


def goal(n: int, status: str = "open") -> views.GoalRow:
    return views.GoalRow(n, f"Goal {n} <!channel>", "Revenue", date(2026, 12, n % 28 + 1), status)


def suggestion(n: int) -> SuggestionRow:
    return SuggestionRow(n, "Conversion rate", 0.6, "November 2026", date(2026, 12, 31),
                         "Negotiation", "https://learn.example.com/n", "pending")  # fmt: skip


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("goals", "suggestions"), [(0, 0), (3, 0), (0, 2), (12, 9)])
def test_home_section_has_at_most_ten_blocks(locale, goals, suggestions):
    blocks = views.home_blocks(
        [goal(i) for i in range(1, goals + 1)],
        [suggestion(i) for i in range(1, suggestions + 1)],
        locale,
        where=IN_HOME,
    )
    assert len(blocks) <= 10
    text = str(blocks)
    if goals > 5:
        assert "7" in text and "Goal 6" not in text  # "… and 7 more"
    assert text.count("plan_suggestion_accept") == min(suggestions, 3)
    assert ("/career plan add" in text) == (goals == suggestions == 0)  # the hint


@pytest.mark.parametrize("locale", LOCALES)
def test_a_big_plan_fits_one_message_and_pings_nobody(locale):
    plan = views.Plan(
        rep="UALICE",
        own=False,
        editable=True,
        open=[goal(i) for i in range(1, 41)],
        closed=[goal(i, "done") for i in range(41, 46)],
        suggestions=[suggestion(i) for i in range(1, 9)],
    )
    shown = views.plan_message(plan, locale)
    assert len(shown["blocks"]) <= MAX_MESSAGE_BLOCKS
    assert "<!channel>" not in str(shown)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_modal_keeps_slacks_limits(locale):
    metrics = [(f"m{i}", f"Metric {i}") for i in range(150)]
    view = views.goal_modal(
        locale, rep="UALICE", rep_id=1, own=True, metrics=metrics, courses=[], text="x" * 900
    )
    for part in ("title", "submit", "close"):
        assert len(view[part]["text"]) <= MAX_MODAL_TEXT
    [select] = [b for b in view["blocks"] if b["block_id"] == views.B_METRIC]
    assert len(select["element"]["options"]) == 100
    [text] = [b for b in view["blocks"] if b["block_id"] == views.B_TEXT]
    assert len(text["element"]["initial_value"]) == 500


@pytest.mark.parametrize("locale", LOCALES)
def test_the_suggestions_dm_fits(locale):
    dm = suggestions_dm([suggestion(i) for i in range(1, 40)], locale)
    assert len(dm["blocks"]) <= MAX_MESSAGE_BLOCKS and dm["text"]
