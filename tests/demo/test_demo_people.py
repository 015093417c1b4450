"""Naming people and channels in the demo console, and Slack-style escaping of command text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.core.mentions import Mention, tokenize
from demo.people import Directory
from demo.seed import channel_names, demo_config
from demo.seed_data import PEOPLE

DIRECTORY = Directory(PEOPLE, channel_names(demo_config(None)))
WORDS = ["@alice", "@小王", "@carol,", "@nobody", "#east", "#客户第一", "#CRM", "拿下大单", "a@b.c"]


def unescape(text: str) -> str:
    return re.sub(r"<[@#][A-Z0-9]+\|([^>]*)>", lambda m: m.group(0)[1] + m.group(1), text)


@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=8))
def test_escaping_only_wraps_known_names_and_keeps_the_text(words):
    text = " ".join(words)
    escaped = DIRECTORY.escape(text)
    assert unescape(escaped) == text
    mentioned = {t.user_id for t in tokenize(escaped) if isinstance(t, Mention)}
    assert mentioned <= {p.slack_id for p in PEOPLE}


def test_people_by_handle_name_first_name_id_and_prefix():
    assert DIRECTORY.person("小王").slack_id == "UXIAOWANG"
    assert DIRECTORY.person("王小明").slack_id == "UXIAOWANG"
    assert DIRECTORY.person("@Carol").slack_id == "UCAROL"
    assert DIRECTORY.person("ucarol").slack_id == "UCAROL"
    assert DIRECTORY.person("Diaz").slack_id == "UCAROL"
    assert DIRECTORY.person("zh") is None  # zhaomin, zhangwei, zhoujie, zhengkai: ambiguous
    assert DIRECTORY.escape("/kudos @alice 拿下大单 #客户第一 in #east") == (
        "/kudos <@UALICE|alice> 拿下大单 #客户第一 in <#C0EAST|east>"
    )


def test_channels_by_config_name_or_id():
    assert DIRECTORY.channel_id("#recognition") == "C0RECOG"
    assert DIRECTORY.channel_id("west") == "C0WEST"
    assert DIRECTORY.channel_id("C0NEW") == "C0NEW"
    assert DIRECTORY.named_channel("C0NEW") is None


def test_every_demo_seed_belongs_to_a_registered_feature_and_runs_in_its_order():
    from bot.features import FEATURES
    from demo.seed import SEEDS, seeds

    assert set(SEEDS) <= {f.key for f in FEATURES}
    assert len(seeds()) == len(SEEDS)
    assert seeds()[0] is SEEDS["org"]  # everyone else's data needs the people first
    assert seeds().index(SEEDS["kudos"]) < seeds().index(SEEDS["feedback"])
