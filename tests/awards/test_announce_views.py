"""The awards views within Slack's limits: HR's card with many awards, an announced award
without its buttons, the modal."""

from __future__ import annotations

from bot.awards import views
from bot.awards.candidates import Candidate
from bot.core.config import AppConfig
from bot.core.periods import parse_key
from demo.block_limits import check_blocks, check_view
from tests.support.kpi_fixture import METRICS

NOV = parse_key("2026-11")


def config(n: int) -> AppConfig:
    awards = [
        {"key": f"a{i}", "name_en": f"Award {i}", "name_zh": f"奖项{i}", "criterion": "composite"}
        for i in range(n)
    ]
    return AppConfig.model_validate({"metrics": METRICS, "awards": awards})


def candidate(slack_id: str, rank: int) -> Candidate:
    return Candidate(user_id=rank, slack_id=slack_id, team="east", composite=1.2 - rank / 10,
                     company_rank=rank, company_size=9, team_rank=rank, team_size=5)  # fmt: skip


def entries(cfg: AppConfig) -> list[views.Entry]:
    ranked = [candidate("UA", 1), candidate("UB", 2), candidate("UC", 3)]
    return [views.Entry(a, ranked, names={"UB": "Bob", "UC": "Carol"}) for a in cfg.awards]


def test_many_awards_fit_in_fifty_blocks_with_a_note_of_the_rest():
    cfg = config(20)
    card = views.candidates_card(cfg, NOV, entries(cfg), "en-US")
    assert len(card["blocks"]) <= 50
    assert check_blocks(card["blocks"], 50) == []
    shown = [b for b in card["blocks"] if b.get("type") == "actions"]
    assert card["blocks"][-1]["elements"][0]["text"] == (
        f"…and {20 - len(shown)} more award(s): `/award help` lists them all."
    )


def test_an_announced_award_shows_who_instead_of_the_buttons():
    cfg = config(2)
    found = entries(cfg)
    found[0] = views.Entry(cfg.awards[0], found[0].candidates, ("UA", "UHR"))
    card = views.candidates_card(cfg, NOV, found, "zh-CN")
    ids = [b.get("block_id") for b in card["blocks"] if b.get("type") == "actions"]
    assert ids == ["award|a1|2026-11"]
    assert ":white_check_mark: 已宣布：<@UA>，由 <@UHR> 宣布" in str(card["blocks"])
    assert views.parse_block_id("award|a1|2026-11") == ("a1", "2026-11")
    assert views.parse_block_id("b") is None and views.parse_block_id("award||x") is None


def test_the_modal_and_the_cards_are_within_slacks_limits():
    cfg = config(1)
    award = cfg.awards[0]
    view = views.reason_modal("zh-CN", award=award, period=NOV, winner="UA", metadata={"a": 1})
    assert check_view(view) == []
    shown = views.Shown(award, NOV, "UA", "x" * 2000, candidate("UA", 1))
    card = views.announcement_card(cfg, ("en-US", "zh-CN"), shown)
    assert check_blocks(card["blocks"], 50) == []
    dm = views.winner_dm(cfg, "en-US", shown, "CANNOUNCE")
    assert check_blocks(dm["blocks"], 50) == []
