"""Day one with /kudos: value tags as people type them, no word of the message ever lost, and
each recipient's DM quoting what was said. Through the real endpoint, and the parser's
properties with hypothesis."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from bot.core.config import AppConfig
from bot.core.errors import UserFacingError
from bot.core.mentions import Word, tokenize
from bot.kudos.parsing import parse_kudos, tag_name, value_lookup
from storage.models.feedback import Kudos, KudosValue
from tests.support.feedback import CONFIG, reply_text


@pytest.fixture
def config() -> AppConfig:
    return AppConfig.model_validate(CONFIG)


VALUES = value_lookup(
    [("customer", "Customer first", "客户第一"), ("teamwork", "Teamwork", "团队合作")]
)


def stored(db) -> list[tuple[str, list[str]]]:
    with db.session() as s:
        return [
            (k.message, [v.value_key for v in s.exec(select(KudosValue)).all()])
            for k in s.exec(select(Kudos)).all()
        ]


# --- through /slack/events -------------------------------------------------------------------


def test_a_tag_inside_the_sentence_keeps_every_word(slack, fake, org, db):
    org.standard()
    slack.command("UALICE", "/kudos", "<@UBOB> great call #Customer first")
    assert "Kudos posted" in reply_text(fake, "UALICE")
    [card] = fake.messages("CRECOG")
    # Before: "great call first" (the tag was taken out, its word left dangling).
    assert "> great call #Customer first" in card.params["blocks"][0]["text"]["text"]
    assert stored(db) == [("great call #Customer first", ["customer"])]


@pytest.mark.parametrize(
    "tag", ["#Customer-first", "#customer_first", "#CustomerFirst", "#客户第一", "#CUSTOMER"]
)
def test_every_way_of_writing_a_value_counts_for_it(slack, fake, org, db, tag):
    org.standard()
    slack.command("UALICE", "/kudos", f"<@UBOB> closed the Acme deal {tag}")
    reply = reply_text(fake, "UALICE")
    assert "Values: `#Customer first`" in reply
    assert stored(db) == [("closed the Acme deal", ["customer"])]
    [card] = fake.messages("CRECOG")
    assert tag not in json.dumps(card.params, ensure_ascii=False)  # listed as a value instead


def test_a_chinese_value_tag_glued_to_the_text_counts(slack, fake, org, db):
    org.standard()
    slack.command("UXW", "/kudos", "@alice 签下了华东大单#客户第一")
    reply_text(fake, "UXW")
    [card] = fake.messages("CRECOG")
    assert "> 签下了华东大单" in card.params["blocks"][0]["text"]["text"]
    assert stored(db) == [("签下了华东大单", ["customer"])]


def test_a_tag_naming_no_value_stays_as_typed(slack, fake, org, db):
    org.standard()
    slack.command("UALICE", "/kudos", "<@UBOB> #Customers love you #teamwork")
    reply_text(fake, "UALICE")
    [card] = fake.messages("CRECOG")
    assert "> #Customers love you" in card.params["blocks"][0]["text"]["text"]
    assert stored(db) == [("#Customers love you", ["teamwork"])]


def test_help_shows_each_value_as_it_can_be_typed(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/kudos", "help")
    en = reply_text(fake, "UALICE")
    assert "`#customer-first`, `#teamwork`" in en
    assert "#Customer first" not in en  # before: a tag with a space, which nobody can type
    slack.command("UXW", "/kudos", "帮助")
    zh = reply_text(fake, "UXW")
    assert "`#客户第一`、`#团队合作`" in zh


def test_each_recipients_dm_quotes_the_message_safely(slack, fake, org):
    org.standard()
    slack.command("UALICE", "/kudos", "<@UBOB> <@UXW> <!here> saved the Q4 renewal #teamwork")
    reply_text(fake, "UALICE")
    assert fake.wait_for(lambda: len(fake.dms_to("UBOB")) == 1 and len(fake.dms_to("UXW")) == 1)
    for user, said in (("UBOB", "gave you kudos"), ("UXW", "为你点赞")):
        [dm] = fake.dms_to(user)
        body = dm.params["blocks"][0]["text"]["text"]
        title, quote = body.split("\n", 1)
        assert said in title and "<@UALICE>" in title
        assert quote == "> @\u2060here saved the Q4 renewal"  # pings nobody
        assert "saved the Q4 renewal" in dm.params["text"]  # the notification shows it too
    assert fake.dms_to("UALICE") == []


# --- the parser ------------------------------------------------------------------------------


def test_value_names_compare_in_one_form():
    assert tag_name("Customer first") == tag_name("#customer_first") == "customer-first"
    assert tag_name("#Customer-First!") == "customer-first"
    assert tag_name("＃客户第一。") == "客户第一"
    assert VALUES["customerfirst"] == VALUES["客户第一"] == VALUES["customer"] == "customer"


def test_a_name_as_written_wins_over_another_values_run_together_name():
    lookup = value_lookup(
        [("team_spirit", "Team work", "团队精神"), ("teamwork", "Teamwork", "合作")]
    )
    assert lookup["team-work"] == "team_spirit" and lookup["teamwork"] == "teamwork"
    assert lookup["teamspirit"] == "team_spirit"


def test_known_tags_inside_and_at_the_end():
    args = parse_kudos("<@U1> putting #customer first, always #teamwork #great", VALUES)
    assert args.message == "putting #customer first, always #great"
    assert args.values == ("customer", "teamwork")
    # A closing tag with punctuation after it stays, so the punctuation does too.
    assert parse_kudos("<@U1> well done #teamwork!", VALUES).message == "well done #teamwork!"
    assert parse_kudos("<@U1> well done #teamwork!", VALUES).values == ("teamwork",)


@pytest.mark.parametrize(
    ("text", "message", "values"),
    [
        ("签下了华东大单#客户第一", "签下了华东大单", ("customer",)),
        ("签下大单＃客户第一＃团队合作", "签下大单", ("customer", "teamwork")),
        ("感谢#客户第一 的精神", "感谢#客户第一 的精神", ("customer",)),
        ("签下大单#客户第一。", "签下大单#客户第一。", ("customer",)),
        ("感谢#客户第一的精神", "感谢#客户第一的精神", ()),  # names no value: text as typed
        ("C# 和 F# 都很熟", "C# 和 F# 都很熟", ()),
    ],
)
def test_chinese_text_with_glued_tags(text, message, values):
    args = parse_kudos(f"@小王 {text}", VALUES)
    assert (args.message, args.values) == (message, values)


cjk_words = st.from_regex(r"[\u4e00-\u9fff，。！]{1,6}", fullmatch=True)
zh_tags = st.sampled_from(["#客户第一", "＃团队合作", "#不存在", "#客户第一。"])


@given(st.lists(st.one_of(cjk_words, zh_tags), min_size=1, max_size=8))
def test_glued_chinese_text_is_never_lost(pieces):
    """The message is the text as typed, less some value tags (listed as values instead):
    no other character goes, none is added."""
    text = "".join(pieces)
    droppable = [p in ("#客户第一", "＃团队合作") for p in pieces]
    try:
        args = parse_kudos(f"@小王 {text}", VALUES)
    except UserFacingError:
        assert all(droppable)
        return
    ways = {
        "".join(p for p, drop in zip(pieces, chosen, strict=True) if not drop)
        for chosen in itertools.product([False, True], repeat=len(pieces))
        if all(droppable[i] for i, drop in enumerate(chosen) if drop)
    }
    assert args.message in ways


known_tags = st.sampled_from(
    ["#teamwork", "#Teamwork", "#客户第一", "#customer-first", "#Customer_First", "#customer"]
)
unknown_tags = st.from_regex(r"#[A-Za-z][A-Za-z\-_]{0,9}", fullmatch=True).filter(
    lambda tag: tag_name(tag) not in VALUES
)
words = st.from_regex(r"[A-Za-z0-9\u4e00-\u9fff.,!?'()]{1,10}", fullmatch=True)
pieces = st.lists(st.one_of(words, words, known_tags, unknown_tags), min_size=1, max_size=12)


def _is_tag(word: str) -> bool:
    return word.startswith("#") and len(word) > 1


@given(pieces)
def test_no_word_of_the_message_is_ever_lost(typed):
    """Every word that is not a tag, and every tag that names no value, is in the message, in
    the order typed; so is every tag followed by a word. Only known tags closing it go."""
    text = "<@UBOB> " + " ".join(typed)
    try:
        args = parse_kudos(text, VALUES)
    except UserFacingError:
        assert all(_is_tag(w) and tag_name(w) in VALUES for w in typed)  # only value tags
        return
    kept = [t.text for t in tokenize(args.message) if isinstance(t, Word)]
    closing = len(typed)
    while closing and _is_tag(typed[closing - 1]):
        closing -= 1
    expected = [
        w
        for i, w in enumerate(typed)
        if i < closing or not _is_tag(w) or tag_name(w) not in VALUES or w[-1] in ".,!?'()"
    ]
    assert kept == expected
    named = {VALUES[tag_name(w)] for w in typed if _is_tag(w) and tag_name(w) in VALUES}
    assert set(args.values) >= named
