"""Argument parsing: escaped mentions, @handles, channels, words; never loses text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.mentions import Channel, Handle, Mention, Word, first_word, split_people, tokenize

user_ids = st.from_regex(r"[UW][A-Z0-9]{2,10}", fullmatch=True)
labels = st.text(
    alphabet=st.characters(blacklist_characters="<>|", blacklist_categories=("Cs",)), max_size=12
)
words = st.text(
    alphabet=st.characters(blacklist_characters="<>@", blacklist_categories=("Cs", "Z", "Cc")),
    min_size=1,
    max_size=12,
)


def test_escaped_mentions_handles_channels_and_words():
    tokens = tokenize("<@U123|alice> @小王 <#C9|sales> 签下了 华东大单 #客户第一")
    assert tokens == [
        Mention("U123"),
        Handle("小王"),
        Channel("C9"),
        Word("签下了"),
        Word("华东大单"),
        Word("#客户第一"),
    ]


def test_full_width_space_separates_words():
    assert tokenize("@小王\u3000好样的") == [Handle("小王"), Word("好样的")]


def test_split_people_stops_at_first_word():
    people, rest = split_people(tokenize("<@U1> @bob great job <@U2>"))
    assert people == [Mention("U1"), Handle("bob")]
    assert rest == [Word("great"), Word("job"), Mention("U2")]


def test_first_word():
    assert first_word("  WhoAmI  extra text ") == ("whoami", "extra text")
    assert first_word("") == ("", "")


@given(st.lists(st.tuples(user_ids, labels), max_size=5), st.lists(words, max_size=8))
def test_every_mention_and_word_survives(mentions, message):
    text = " ".join(
        [f"<@{uid}|{label}>" if label else f"<@{uid}>" for uid, label in mentions] + message
    )
    tokens = tokenize(text)
    assert [t.user_id for t in tokens if isinstance(t, Mention)] == [uid for uid, _ in mentions]
    assert [t.text for t in tokens if isinstance(t, Word)] == message


@given(st.text(max_size=200))
def test_tokenize_never_fails_and_keeps_all_non_space_text(text):
    tokens = tokenize(text)
    rebuilt = "".join(
        t.text if isinstance(t, Word) else ("@" + t.name if isinstance(t, Handle) else "")
        for t in tokens
    )
    squeezed = "".join(text.replace("\u3000", " ").split())
    if "<@" not in text and "<#" not in text:
        assert rebuilt == squeezed
