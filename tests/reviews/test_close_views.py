"""The summaries' views alone: Block Kit limits with long comments and many peers, reposted
text that pings nobody, and the team table packed into sections."""

from __future__ import annotations

from bot.core.blocks import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT
from bot.reviews import summary_views as views
from bot.reviews.summaries import ReportLine, RepSummary, Shown
from storage.models.core import User
from tests.reviews.close_support import close_config

REP = User(id=1, team_id="T", slack_id="UREP", name="Rep One", team="east")


def _texts(dm: dict) -> list[str]:
    return [b["text"]["text"] for b in dm["blocks"] if "text" in b]


def test_long_comments_from_many_peers_stay_within_limits():
    reviews = [Shown("manager", {"closing": 4}, "m" * 4000, "UMGR")]
    reviews += [Shown("peer", {"closing": 3}, "p" * 4000, None) for _ in range(60)]
    dm = views.rep_summary(close_config(), "Q4", RepSummary(REP, reviews, None), "en-US")
    assert len(dm["blocks"]) == MAX_MESSAGE_BLOCKS
    assert all(len(text) <= MAX_SECTION_TEXT for text in _texts(dm))
    last = dm["blocks"][-1]
    assert last["type"] == "context" and "the rest did not fit" in last["elements"][0]["text"]


def test_reposted_comments_ping_nobody():
    reviews = [Shown("peer", {"closing": 3}, "<!channel> look", None)]
    dm = views.rep_summary(close_config(), "Q4", RepSummary(REP, reviews, None), "en-US")
    shown = "\n".join(_texts(dm))
    assert "<!channel>" not in shown and "look" in shown


def test_a_team_of_200_is_packed_into_sections():
    lines = [
        ReportLine(
            User(id=i, team_id="T", slack_id=f"U{i:04d}", name=f"R{i}"), 1, 2, 4.0, None, 0.9
        )
        for i in range(200)
    ]
    dm = views.team_summary("Q4", lines, "en-US")
    texts = _texts(dm)
    assert len(dm["blocks"]) <= MAX_MESSAGE_BLOCKS
    assert all(len(text) <= MAX_SECTION_TEXT for text in texts)
    shown = "\n".join(texts)
    assert "<@U0000>  1/2 done · self 4.0 · manager — · composite 90.0%" in shown
    assert sum(f"<@U{i:04d}>" in shown for i in range(200)) == 200


def test_the_summary_scorecard_names_the_team_in_the_readers_language():
    from datetime import date

    from bot.core.periods import Span, containing
    from bot.kpi.ranking import Standing
    from bot.kpi.scorecard import Scorecard

    data = close_config().model_dump()
    data["teams"] = {"east": {"channel": "CEAST", "name_en": "East", "name_zh": "华东"}}
    config = type(close_config()).model_validate(data)
    period = containing("quarter", date(2026, 11, 27))
    standing = Standing(1, "UREP", "Rep One", "east", 0.9, 2, 5, 7, 15)
    card = Scorecard(REP, period, [], standing, None, Span(period, period.end))
    assert views._team_named(config, card, "zh-CN").standing.team == "华东"  # type: ignore[union-attr]
    assert views._team_named(config, card, "en-US").standing.team == "East"  # type: ignore[union-attr]
    no_rank = Scorecard(REP, period, [], None, None, Span(period, period.end))
    assert views._team_named(config, no_rank, "en-US") is no_rank
