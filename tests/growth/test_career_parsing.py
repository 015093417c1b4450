"""`/career <text>`: help, my card, one person's card, or a question (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.mentions import Handle, Mention
from bot.growth.career_chat import HELP, OWN, PERSON, QUESTION, parse


def test_the_shapes():
    assert parse("") == (OWN, None)
    assert parse("   ") == (OWN, None)
    assert parse("help") == (HELP, None)
    assert parse("帮助") == (HELP, None)
    assert parse("HELP") == (HELP, None)
    assert parse("<@UBOB>") == (PERSON, Mention("UBOB"))
    assert parse(" <@UBOB|bob> ") == (PERSON, Mention("UBOB"))
    assert parse("@bob") == (PERSON, Handle("bob"))
    assert parse("<@UBOB> <@UALICE>") == (QUESTION, "<@UBOB> <@UALICE>")
    assert parse("help me grow") == (QUESTION, "help me grow")
    assert parse("How do I get to L3?") == (QUESTION, "How do I get to L3?")
    assert parse("我怎样晋升？") == (QUESTION, "我怎样晋升？")


@given(st.text(max_size=300))
def test_any_text_is_exactly_one_thing_and_a_question_keeps_its_words(text):
    kind, arg = parse(text)
    assert kind in (HELP, OWN, PERSON, QUESTION)
    if kind == QUESTION:
        assert arg == text.strip() and arg
    if kind == OWN:
        assert not text.replace("\u3000", " ").split()
    if kind == PERSON:
        assert isinstance(arg, Mention | Handle)


@given(
    st.sampled_from(["U", "W"]), st.text(alphabet="ABCDEFGHIJ0123456789", min_size=1, max_size=10)
)
def test_a_single_mention_is_a_person(prefix, rest):
    assert parse(f"<@{prefix}{rest}>") == (PERSON, Mention(prefix + rest))
