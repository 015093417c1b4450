"""safe_text: reposted user text pings nobody and hides no link; is_visibly_empty."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.safe_text import is_visibly_empty, safe_text

user_ids = st.from_regex(r"[UW][A-Z0-9]{2,10}", fullmatch=True)
labels = st.text(alphabet=st.characters(blacklist_characters="<>", codec="utf-8"), max_size=12)
urls = st.from_regex(r"(https?://|mailto:)[a-z0-9.]{1,12}(/[a-z0-9?=&;%.]{0,10})?", fullmatch=True)
# Slack sequences (as slash commands deliver them, or typed raw in a modal) and loose pieces.
specials = st.sampled_from(
    ["!channel", "!here", "!here|@here", "!everyone", "!group", "!subteam^S0123", "!date^1^x"]
)
sequences = st.one_of(
    st.builds(lambda s, label: f"<{s}|{label}>" if label else f"<{s}>", specials, labels),
    st.builds(lambda u, label: f"<{u}|{label}>" if label else f"<{u}>", urls, labels),
    st.builds(lambda uid, label: f"<@{uid}|{label}>", user_ids, labels),
    st.builds(lambda label: f"<#C123|{label}>", labels),
)
loose = st.lists(
    st.sampled_from([*"<>!|&@#^:;/ ampltgchnelhttpU1", "&amp;", "&lt;", "&gt;"]),
    max_size=30,
).map("".join)
texts = st.lists(st.one_of(sequences, loose, st.text(max_size=10)), max_size=8).map("".join)
KEPT = re.compile(r"<@[UW][A-Z0-9]+>|<#[CG][A-Z0-9]+>")
WJ = "\u2060"  # the word joiner that keeps a bare @name from being parsed as a mention


def assert_inert(out: str) -> None:
    assert "<!" not in out
    assert not re.search(r"<https?:", out)
    rest = KEPT.sub("", out)
    assert "<" not in rest and ">" not in rest  # every `<` begins a kept mention
    assert not re.search(r"&(?!amp;|lt;|gt;)", out)  # every `&` is an entity
    assert not re.search(r"(?<![\w<])@\w", out)  # no bare @name Slack could parse


@given(texts)
def test_no_output_contains_an_active_special_mention_or_a_hidden_link(text):
    out = safe_text(text)
    assert_inert(out)
    assert safe_text(out) == out  # already safe text is never escaped twice


@given(st.lists(st.tuples(user_ids, labels), min_size=1, max_size=4), texts)
def test_user_mentions_survive(mentions, filler):
    text = filler.join(f"<@{uid}|{label}>" if label else f"<@{uid}>" for uid, label in mentions)
    found = iter(re.findall(r"<@([UW][A-Z0-9]+)>", safe_text(text)))
    assert all(uid in found for uid, _ in mentions)  # each one, in order


@given(urls, labels)
def test_a_link_always_shows_its_url(url, label):
    out = safe_text(f"see <{url}|{label}> now")
    assert safe_text(url.split(":", 1)[1].lstrip("/")) in out


@given(st.text(alphabet=st.characters(blacklist_characters="<>&", codec="utf-8")))
def test_plain_text_reads_unchanged(text):
    # Shown exactly as written: only an invisible word joiner may follow a bare `@`.
    assert safe_text(text).replace("@" + WJ, "@") == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("great <!channel>", f"great @{WJ}channel"),
        ("<!here|@here> <!everyone>", f"@{WJ}here @{WJ}everyone"),
        ("<!subteam^S0123|@sales> <!subteam^S0123>", f"@{WJ}sales @{WJ}S0123"),
        ("typed @here, mail x@y.example", f"typed @{WJ}here, mail x@y.example"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
        ("<http://evil.example|click here>", "click here (http://evil.example)"),
        (
            "<https://a.example> <https://a.example|https://a.example>",
            "https://a.example https://a.example",
        ),
        (
            "<http://a.example|a.example> <mailto:x@y.example|x@y.example>",  # typed bare
            "a.example x@y.example",
        ),
        ("<@U123|bob> and <@W9> in <#C42|sales>", "<@U123> and <@W9> in <#C42>"),
        ("Q&amp;A &lt;b&gt;", "Q&amp;A &lt;b&gt;"),  # slash command: Slack escaped it already
        ("Q&A <b> 1<2", "Q&amp;A &lt;b&gt; 1&lt;2"),  # modal: typed raw
        ("<foo|bar>", "&lt;foo|bar&gt;"),
        ("好样的 👏", "好样的 👏"),
    ],
)
def test_examples(text, expected):
    assert safe_text(text) == expected


INVISIBLE = (
    [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x2060, 0x2065)]
    + ["\ufeff", "\u00ad", "\u180e", "\u3164", "\u3000", "\u00a0", " ", "\t", "\n", "\u2028"]
    + [chr(c) for c in range(0xFE00, 0xFE10)]
    + ["\U000e0101", "\U000e0041", "\u2066", "\u202e"]
)


@given(st.text(alphabet=st.sampled_from(INVISIBLE)))
def test_only_invisible_characters_is_empty(text):
    assert is_visibly_empty(text)


@given(st.text(alphabet=st.characters(categories=["Cf"]), max_size=20))
def test_any_format_character_is_invisible(text):
    assert is_visibly_empty(text)


@given(
    st.text(alphabet=st.sampled_from(INVISIBLE)),
    st.characters(
        categories=["L", "N", "P", "S"],
        exclude_characters="\u3164\u115f\u1160\uffa0\u2800",  # the blank fillers
    ),
)
def test_one_visible_character_is_not_empty(padding, visible):
    assert not is_visibly_empty(padding + visible + padding)
