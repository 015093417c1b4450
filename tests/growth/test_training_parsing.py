"""`/training <text>`'s grammar: sub-commands, catalog keys and titles in any case and both
languages, free text clipped to 200, an empty topic gets the usage."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.growth.training_chat import Parsed, parse
from tests.growth.training_support import training_config

CONFIG = training_config()


def test_sub_commands_in_both_languages():
    assert parse("", CONFIG) == Parsed("mine")
    assert parse("  ", CONFIG) == Parsed("mine")
    for word, sub in (("help", "help"), ("帮助", "help"), ("NEW", "new"), ("申请", "new"),
                      ("新建", "new"), ("list", "list"), ("列表", "list")):  # fmt: skip
        assert parse(word, CONFIG).sub == sub


def test_catalog_by_key_or_title_any_case():
    for text in ("negotiation", "NEGOTIATION", "Negotiation and closing", "谈判与成交",
                 " negotiation and CLOSING "):  # fmt: skip
        assert parse(text, CONFIG) == Parsed("request", "Negotiation and closing", "negotiation")


def test_free_text_and_unknown_words_are_topics():
    assert parse("help me with Excel", CONFIG) == Parsed("request", "help me with Excel")
    assert parse("list building", CONFIG) == Parsed("request", "list building")
    assert parse("“”。", CONFIG) == Parsed("help")


@given(st.text(max_size=400))
def test_any_text_parses_to_something_sane(text):
    parsed = parse(text, CONFIG)
    assert parsed.sub in ("mine", "help", "new", "list", "request")
    if parsed.sub == "request":
        assert parsed.topic and len(parsed.topic) <= 200 and parsed.topic == parsed.topic.strip()
        assert parsed.course is None or CONFIG.course(parsed.course) is not None
