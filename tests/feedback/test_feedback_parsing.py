"""The /kudos and /feedback argument parsers: examples and hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention
from bot.feedback.parsing import (
    KIND_WORDS,
    NOT_TYPOS,
    SYNONYMS,
    edit_distance,
    near_kind,
    parse_list,
    parse_quick_feedback,
    parse_request,
)
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
    lambda w: (
        w.lower() not in KIND_WORDS
        and w.lower() not in ("for", "about", "为", "关于")
        and near_kind(w) is None
    )
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
        assert err.key in ("feedback.no_recipient", "feedback.empty_message") or (
            err.key.startswith("feedback.did_you_mean_") and err.params["word"]
        )
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


# --- a first word that looks like a type ----------------------------------------------------

# Words that often start a message: none of them may be taken for a type.
_FIRST_WORDS = """
great thanks thank please nice good well the your you we i loved love awesome amazing really
can could would maybe next this that when just keep try consider let's excellent fantastic
superb impressive congrats perfect helpful appreciate appreciated quick one about regarding
fyi hey hi hello team today yesterday during after before on in at your great! thanks!
brilliant solid strong clear clean careful remember note heads-up raise raised prize price
practice process project proposal pricing pitch present presentation prepare priority promise
proud correct corrected correctly connect connection collection contract contact customer
client conversation critical crucial could've couldn't suggest suggested suggests suggesting
complement compliant recommend recommended respect reminder really? wow kudos bravo cheers
well-done nicely noted agreed sorry honestly overall generally
谢谢 感谢 辛苦了 太棒了 很好 不错 下次 建议你 希望 麻烦 请 今天 昨天 表格 改天 建设 批改 表现 意见
"""
FIRST_WORDS = _FIRST_WORDS.split()


def test_ordinary_first_words_are_never_taken_for_a_type():
    caught = {w: near_kind(w) for w in FIRST_WORDS if near_kind(w) is not None}
    assert caught == {}
    for word in FIRST_WORDS:
        parsed = parse_quick_feedback(f"<@U1> {word} for the call")
        assert (parsed.kind, parsed.message) == ("suggestion", f"{word} for the call")


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("critique", "correction"),
        ("Criticism", "correction"),
        ("corection", "correction"),
        ("correcton", "correction"),
        ("corrections", "correction"),
        ("ocrrection", "correction"),  # the first two letters swapped
        ("praize", "praise"),
        ("Praised", "praise"),
        ("compliments", "praise"),
        ("sugestion", "suggestion"),
        ("suggestoin", "suggestion"),
        ("批评", "correction"),
        ("称赞", "praise"),
        ("提议", "suggestion"),
    ],
)
def test_near_misses_and_synonyms_are_asked_about(word, kind):
    assert near_kind(word) == kind
    with pytest.raises(UserFacingError) as err:
        parse_quick_feedback(f"<@U1> {word} the intro ran long")
    assert err.value.key == f"feedback.did_you_mean_{kind}"
    assert err.value.params == {"word": word}


ENGLISH_TARGETS = [w for w in (*KIND_WORDS, *SYNONYMS) if w.isascii()]
letters = st.sampled_from("abcdefghijklmnopqrstuvwxyz")


@st.composite
def one_edit(draw):
    """An English type or synonym with one typo after its first letter."""
    target = draw(st.sampled_from(ENGLISH_TARGETS))
    at = draw(st.integers(1, len(target) - 1))
    edit = draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
    if edit == "insert":
        word = target[:at] + draw(letters) + target[at:]
    elif edit == "delete":
        word = target[:at] + target[at + 1 :]
    elif edit == "replace":
        word = target[:at] + draw(letters) + target[at + 1 :]
    else:
        word = target[:at] + target[at + 1 : at + 2] + target[at] + target[at + 2 :]
    return target, word


@given(one_edit())
def test_one_typo_in_a_type_is_always_caught(case):
    target, word = case
    kind = KIND_WORDS.get(target) or SYNONYMS[target]
    if word in KIND_WORDS or word in NOT_TYPOS:
        return  # the typo made another type, or a listed real word
    assert near_kind(word) is not None
    if near_kind(word) != kind:  # close to two targets at once: either is a fair question
        assert any(edit_distance(word, t, 2) <= 2 for t in ENGLISH_TARGETS if t != target)


@given(st.from_regex(r"[A-Za-z]{1,3}", fullmatch=True))
def test_words_of_three_letters_or_fewer_are_never_fuzzed(word):
    assert near_kind(word) is None


@given(st.from_regex(r"[a-z]{4,14}", fullmatch=True))
def test_only_words_within_the_distance_are_caught(word):
    meant = near_kind(word)
    if meant is None or word in SYNONYMS:
        return
    targets = [t for t in ENGLISH_TARGETS if (KIND_WORDS.get(t) or SYNONYMS[t]) == meant]
    assert any(edit_distance(word, t, 2) <= (1 if len(t) <= 6 else 2) for t in targets), (
        word,
        meant,
    )


@given(st.text(max_size=30), st.text(max_size=30))
def test_edit_distance_is_a_distance(a, b):
    d = edit_distance(a, b, 40)
    assert d == edit_distance(b, a, 40)
    assert (d == 0) == (a == b)
    assert d <= max(len(a), len(b))
    assert edit_distance(a, b, 1) == min(d, 2)


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("<@U1> praise: great demo", "praise", "great demo"),
        ("<@U1> Praise!great demo", "praise", "great demo"),
        ("<@U1> 改进：报价太慢", "correction", "报价太慢"),
        ("<@U1> 表扬，演示很精彩", "praise", "演示很精彩"),
        ("<@U1> re: the pricing call", "suggestion", "re: the pricing call"),
        ("<@U1> thanks, great demo", "suggestion", "thanks, great demo"),
    ],
)
def test_a_type_followed_by_punctuation_is_the_type(text, kind, message):
    parsed = parse_quick_feedback(text)
    assert (parsed.kind, parsed.message) == (kind, message)


def test_a_near_miss_followed_by_punctuation_is_asked_about():
    with pytest.raises(UserFacingError) as err:
        parse_quick_feedback("<@U1> corection: the price was wrong")
    assert err.value.key == "feedback.did_you_mean_correction"
    assert err.value.params == {"word": "corection:"}


def test_list_takes_nothing_after_it():
    parse_list("")
    parse_list(" \u3000 ")
    with pytest.raises(UserFacingError) as err:
        parse_list(" extra words ")
    assert (err.value.key, err.value.params) == ("feedback.list_extra", {"extra": "extra words"})
    with pytest.raises(UserFacingError) as long:
        parse_list("x" * 500)
    assert long.value.params["extra"] == "x" * 60 + "…"
