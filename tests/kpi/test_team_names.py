"""The pieces behind shared posts and team names: a team found by its key or either name
(any case), an audience's language(s), a bilingual card kept within Slack's block limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.blocks import stack
from bot.core.config import AppConfig
from bot.i18n.audience import locales_for, team_locales
from bot.org.teams import find_team, team_name

TEAMS = {
    "east": {"channel": "CEAST", "name_en": "East", "name_zh": "华东"},
    "west": {"channel": "CWEST", "name_en": "West", "name_zh": "华西", "locale": "bilingual"},
}


CONFIG = AppConfig.model_validate({"teams": TEAMS})


def test_stacked_card_keeps_within_fifty_blocks():
    part = [{"type": "section", "text": {"type": "mrkdwn", "text": str(i)}} for i in range(40)]
    text, blocks = stack([("en", part), ("zh", part)])
    assert text == "en\n\nzh" and len(blocks) == 49 and blocks[24] == {"type": "divider"}


def test_audience_locales():
    assert locales_for(None, "zh-CN") == ("zh-CN",)
    assert locales_for("en-US", "zh-CN") == ("en-US",)
    assert locales_for("bilingual", "zh-CN") == ("zh-CN", "en-US")
    assert locales_for("bilingual", "en-US") == ("en-US", "zh-CN")
    assert team_locales(CONFIG, "west") == ("zh-CN", "en-US")
    assert team_locales(CONFIG, "east") == team_locales(CONFIG, "north") == ("zh-CN",)


names = st.sampled_from(["east", "East", "华东", "west", "West", "华西"])


@given(names, st.lists(st.booleans(), min_size=6, max_size=6), st.sampled_from(["", " "]))
def test_find_team_ignores_case_and_spaces(name, upper, pad):
    typed = (
        pad + "".join(c.upper() if u else c for c, u in zip(name, upper * 2, strict=False)) + pad
    )
    expected = "east" if name in ("east", "East", "华东") else "west"
    assert find_team(CONFIG, typed, ["east", "west"]) == expected
    assert team_name(CONFIG, expected, "zh-CN") in ("华东", "华西")


@given(st.text(min_size=1, max_size=12))
def test_find_team_finds_nothing_for_other_names(text):
    if text.strip().casefold() in {"east", "west", "华东", "华西"}:
        return
    assert find_team(CONFIG, text, ["east", "west"]) is None
