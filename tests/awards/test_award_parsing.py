"""`/award @user <award key or name> [YYYY-MM] <reason>`: examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.awards.parsing import match_award, parse_award
from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention
from bot.core.safe_text import is_visibly_empty

NAMES = [
    ("champion", ["champion", "Sales Champion", "销售冠军"]),
    ("sales", ["sales", "Sales", "销售"]),  # a prefix of another award's name
    ("hunter", ["hunter", "Customer Hunter", "拓客之星"]),
]


def parse(text: str):
    return parse_award(text, NAMES)


def error_of(text: str) -> UserFacingError:
    with pytest.raises(UserFacingError) as info:
        parse(text)
    return info.value


def test_key_month_and_reason():
    args = parse("<@UALICE|alice> champion 2026-11 Best month of the year")
    assert args.person == Mention("UALICE")
    assert (args.award, args.month.key, args.reason) == (
        "champion",
        "2026-11",
        "Best month of the year",
    )


def test_names_with_spaces_and_in_chinese_the_longest_wins():
    assert parse("<@UA> Sales Champion great quarter").award == "champion"
    assert parse("<@UA> sales champion great quarter").reason == "great quarter"
    assert parse("<@UA> Sales great quarter").award == "sales"
    assert parse("<@UA> 销售冠军 本月业绩第一").award == "champion"
    args = parse("<@UA> 销售冠军本月业绩第一")  # Chinese needs no space after the name
    assert (args.award, args.reason) == ("champion", "本月业绩第一")
    assert parse("@小王　拓客之星　新客户最多").person == Handle("小王")  # full-width spaces


def test_month_is_optional():
    args = parse("<@UA> hunter thirty new customers")
    assert args.month is None and args.reason == "thirty new customers"


def test_what_was_wrong_is_named():
    assert error_of("champion great").key == "awards.command.no_person"
    err = error_of("<@UA> chimpion great")
    assert err.key == "awards.command.unknown_award"
    assert err.params == {"award": "chimpion", "keys": "`champion`, `sales`, `hunter`"}
    assert error_of("<@UA> champion").key == "awards.command.no_reason"
    assert error_of("<@UA> champion 2026-11").key == "awards.command.no_reason"
    assert error_of("<@UA> champion 2026-11 \u200b ").key == "awards.command.no_reason"
    assert error_of("<@UA> champion 2026-13 why").params == {"text": "2026-13"}
    assert error_of("<@UA> championship why").key == "awards.command.unknown_award"


# --- properties ---------------------------------------------------------------------------------

spelling = st.sampled_from([(key, name) for key, names in NAMES for name in names])
months = st.tuples(st.integers(2000, 2100), st.integers(1, 12)).map(lambda p: f"{p[0]}-{p[1]:02d}")
reasons = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1
).filter(lambda s: not is_visibly_empty(s) and not s[0].isdigit())
cases = st.sampled_from([str.lower, str.upper, str.title, lambda s: s])


@given(spelling, st.one_of(st.none(), months), reasons, cases)
def test_any_award_spelling_month_and_reason_round_trip(spelling, month, reason, case):
    key, name = spelling
    typed = case(name)
    text = f"<@U123> {typed} {month + ' ' if month else ''}{reason}"
    try:
        args = parse(text)
    except UserFacingError as err:
        # a reason that itself starts with a longer award's name may pick that award; nothing
        # else may fail
        raise AssertionError((text, err.key, err.params)) from err
    if args.award != key:  # a longer name matched: it must start the typed text
        longer = [n for k, ns in NAMES if k == args.award for n in ns]
        assert any(f"{typed} {reason}".casefold().startswith(n.casefold()) for n in longer)
        return
    assert args.person == Mention("U123")
    assert (args.month.key if args.month else None) == month
    assert args.reason == reason.strip()


@given(st.text(max_size=80))
def test_any_text_parses_or_is_refused_with_a_known_reason(text):
    try:
        args = parse(text)
    except UserFacingError as err:
        assert err.key.startswith("awards.command."), err.key
        return
    assert args.award in {key for key, _ in NAMES}
    assert args.reason.strip()


@given(st.text(max_size=40))
def test_the_match_is_always_a_prefix(rest):
    found = match_award(rest, NAMES)
    if found is not None:
        key, after = found
        assert rest.endswith(after)
        assert key in {k for k, _ in NAMES}
