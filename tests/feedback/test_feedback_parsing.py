"""The /kudos and /feedback argument parsers: examples and hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention
from bot.feedback.parsing import KIND_WORDS, parse_quick_feedback, parse_request
from bot.kudos.parsing import parse_kudos, value_lookup

VALUES = value_lookup(
    [("customer", "Customer first", "客户第一"), ("teamwork", "Teamwork", "团队合作")]
)

user_ids = st.from_regex(r"U[A-Z0-9]{2,10}", fullmatch=True)
handles = st.from_regex(r"[a-z\u4e00-\u9fff][a-z0-9_\u4e00-\u9fff]{0,8}", fullmatch=True)
people = st.lists(
    st.one_of(user_ids.map(Mention), handles.map(Handle)), min_size=1, max_size=6, unique=True
)
# Message words: no leading @ / # / < (those are people, tags, escapes) and not a type word.
plain_words = st.from_regex(r"[A-Za-z0-9\u4e00-\u9fff.,!?]{1,12}", fullmatch=True).filter(
    lambda w: w.lower() not in KIND_WORDS and w.lower() not in ("for", "about", "为", "关于")
)
messages = st.lists(plain_words, min_size=1, max_size=8).map(" ".join)
separators = st.sampled_from([" ", "  ", "\u3000", " \t "])


def render(person: Mention | Handle) -> str:
    return f"<@{person.user_id}>" if isinstance(person, Mention) else f"@{person.name}"


@given(
    people,
    messages,
    st.lists(st.sampled_from(["#teamwork", "#客户第一", "#Customer"]), max_size=3),
    separators,
)
def test_kudos_round_trip(who, message, tags, sep):
    text = sep.join([*map(render, who), message, *tags])
    parsed = parse_kudos(text, VALUES)
    assert list(parsed.people) == who
    assert parsed.message == message
    expected = list(
        dict.fromkeys(
            {"#teamwork": "teamwork", "#客户第一": "customer", "#Customer": "customer"}[t]
            for t in tags
        )
    )
    assert list(parsed.values) == expected


@given(
    people,
    messages,
    st.from_regex(r"#[a-z]{1,8}", fullmatch=True).filter(lambda t: t[1:] not in VALUES),
)
def test_unknown_tags_stay_in_the_message(who, message, tag):
    parsed = parse_kudos(" ".join([*map(render, who), message, tag]), VALUES)
    assert parsed.message == f"{message} {tag}" and parsed.values == ()


@given(st.text(max_size=200))
def test_kudos_parser_never_crashes(text):
    try:
        parsed = parse_kudos(text, VALUES)
    except UserFacingError as err:
        assert err.key in ("kudos.no_recipient", "kudos.empty_message")
    else:
        assert parsed.people and parsed.message.strip()


@given(people, st.sampled_from([None, *KIND_WORDS]), messages)
def test_quick_feedback_round_trip(who, kind_word, message):
    words = [
        *map(render, who),
        *([kind_word.upper() if kind_word.isascii() else kind_word] if kind_word else []),
        message,
    ]
    parsed = parse_quick_feedback(" ".join(words))
    assert list(parsed.people) == who
    assert parsed.kind == (KIND_WORDS[kind_word] if kind_word else "suggestion")
    assert parsed.message == message


@given(st.text(max_size=200))
def test_quick_feedback_parser_never_crashes(text):
    try:
        parsed = parse_quick_feedback(text)
    except UserFacingError as err:
        assert err.key in ("feedback.no_recipient", "feedback.empty_message")
    else:
        assert parsed.kind in ("praise", "correction", "suggestion") and parsed.message


@given(
    people,
    st.one_of(st.none(), user_ids.map(Mention)),
    st.one_of(st.none(), messages),
    st.sampled_from(["about", "关于", "ABOUT"]),
)
def test_request_round_trip(peers, subject, topic, about):
    words = list(map(render, peers))
    if subject:
        words += ["for", render(subject)]
    if topic:
        words += [about, topic]
    parsed = parse_request(" ".join(words))
    assert list(parsed.peers) == peers
    assert parsed.subject == subject
    assert parsed.topic == topic


@given(st.text(max_size=200))
def test_request_parser_never_crashes(text):
    try:
        parse_request(text)
    except UserFacingError as err:
        assert err.key.startswith("feedback.request_")


def test_examples():
    assert parse_kudos("@小王 签下了华东大单 #客户第一", VALUES).values == ("customer",)
    assert parse_kudos("@小王\u3000签下了华东大单", VALUES).message == "签下了华东大单"
    assert parse_kudos("<@U1|bob> <@U1> thanks", VALUES).people == (Mention("U1"),)
    assert parse_quick_feedback("<@U1> 改进 报价太慢").kind == "correction"
    assert parse_request("<@U1> <@U2> for <@U3> about Q3 pitch").topic == "Q3 pitch"
    assert parse_request("<@U1> Q3 pitch").topic == "Q3 pitch"  # `about` may be left out
    with pytest.raises(UserFacingError):
        parse_request("<@U1> for about x")


invisible = st.text(
    alphabet=st.sampled_from(
        ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3164", "\ufe0f"]
    ),
    min_size=1,
    max_size=6,
)


@given(people, invisible, st.sampled_from([" ", "\u3000"]))
def test_a_message_of_invisible_characters_is_empty(who, filler, sep):
    text = sep.join([*map(render, who), filler])
    with pytest.raises(UserFacingError) as kudos:
        parse_kudos(text + " #teamwork", VALUES)
    assert kudos.value.key == "kudos.empty_message"
    with pytest.raises(UserFacingError) as quick:
        parse_quick_feedback(text)
    assert quick.value.key == "feedback.empty_message"
    with pytest.raises(UserFacingError) as request:
        parse_request(sep.join([*map(render, who), "about", filler]))
    assert request.value.key == "feedback.request_empty_topic"
    assert parse_request(text).topic is None  # without `about` the topic is optional
