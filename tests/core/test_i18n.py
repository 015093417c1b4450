"""Both catalogs carry every key with the same placeholders; formatting follows the locale."""

from __future__ import annotations

import re
import string
from decimal import Decimal

import pytest

from bot.i18n import CATALOG_FILES, catalog, fmt_number, fmt_percent, t
from tests.support.zh_text import (
    bad_emphasis,
    english_words,
    half_width_next_to_cjk,
    mask,
    max_paren_depth,
)


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogs_have_the_same_keys():
    en, zh = catalog("en-US"), catalog("zh-CN")
    assert sorted(set(en) - set(zh)) == [], "missing in zh_CN.toml"
    assert sorted(set(zh) - set(en)) == [], "missing in en.toml"


@pytest.mark.parametrize("key", sorted(catalog("en-US")))
def test_placeholders_match(key):
    assert _placeholders(catalog("en-US")[key]) == _placeholders(catalog("zh-CN")[key]), key


def test_no_empty_messages():
    for locale in CATALOG_FILES:
        assert [k for k, v in catalog(locale).items() if not v.strip()] == []


def test_t_formats_and_falls_back_to_english_for_unknown_locale():
    assert t("error.unknown_user", "zh-CN", who="@x").startswith("在本工作区找不到 @x")
    assert t("error.unknown_user", "fr-FR", who="@x").startswith("I couldn't find @x")


def test_numbers_are_never_abbreviated():
    assert fmt_number(Decimal("1234567"), "zh-CN") == "1,234,567"
    assert fmt_number(Decimal("1234567.5"), "en-US", 2) == "1,234,567.50"
    assert fmt_percent(Decimal("0.85"), "zh-CN") == "85.0%"


def test_one_choice_of_a_config_items_label():
    from bot.core.config import MetricConfig
    from bot.i18n import label, localized

    assert label("Revenue", "销售额", "zh-CN") == "销售额"
    assert label("Revenue", "销售额", "en-US") == "Revenue"
    assert label("Revenue", "销售额", "fr-FR") == "Revenue"  # anything else: English
    metric = MetricConfig(key="revenue", label_en="Revenue", label_zh="销售额")
    assert localized(metric, "zh-CN") == "销售额"
    assert localized(metric, "en-US") == "Revenue"


# --- Chinese that reads as Chinese ------------------------------------------------------------

# English words a Chinese reader may see: product names (SalesPulse, Slack), KPI and HR (the
# words Chinese offices use), and "English", the language's own name in the language choice so
# that someone who can't read Chinese finds the way back. Commands, code, placeholders, Slack
# syntax and emoji codes are not text and are not scanned.
ZH_ENGLISH_ALLOWED = {"SalesPulse", "Slack", "KPI", "HR", "English"}


def _zh_items() -> list[tuple[str, str]]:
    return sorted(catalog("zh-CN").items())


def test_no_english_words_in_chinese_but_product_and_command_names():
    found = {k: sorted(english_words(v) - ZH_ENGLISH_ALLOWED) for k, v in _zh_items()}
    assert {k: words for k, words in found.items() if words} == {}


def test_chinese_punctuation_is_full_width_next_to_chinese():
    found = {k: half_width_next_to_cjk(v) for k, v in _zh_items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_no_parentheses_inside_parentheses():
    assert [k for k, v in _zh_items() if max_paren_depth(v) > 1] == []


def test_period_labels_are_never_put_in_parentheses():
    """A week's label carries its dates in parentheses (`2026年第47周（11月16日 – 11月22日）`):
    a template that puts a period inside parentheses would nest them."""
    periods = {"period", "previous", "week"}
    enclosed = re.compile(r"[(（][^)）]*\{(" + "|".join(periods) + r")\}")
    assert [k for k, v in _zh_items() if enclosed.search(v)] == []


def test_bold_and_italic_markers_sit_at_a_boundary_slack_renders():
    """`的*改进*` shows literal asterisks in Slack; `的 *改进*` is bold. A placeholder next to
    a marker counts as unsafe: its value may be Chinese."""
    found = {k: bad_emphasis(v) for k, v in _zh_items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_kudos_is_dianzan_never_biaoyang_nor_kudos():
    """表扬 is the private "praise" feedback kind; kudos are 点赞, in every text about them."""
    en, zh = catalog("en-US"), catalog("zh-CN")
    about_kudos = [k for k, v in en.items() if "kudos" in mask(v).lower()]
    assert len(about_kudos) > 15
    assert [k for k in about_kudos if "点赞" not in zh[k]] == []
    praise = [k for k, v in zh.items() if "表扬" in mask(v)]
    assert [k for k in praise if "praise" not in mask(en[k]).lower()] == []
    assert [k for k, v in zh.items() if "kudos" in mask(v).lower()] == []


def test_help_examples_name_no_real_person():
    """Examples use a neutral name: `/kudos @小王 …` shown to 小王 is a refused self-praise."""
    for locale in CATALOG_FILES:
        examples = [
            (k, span)
            for k, v in catalog(locale).items()
            for span in re.findall(r"`(/[a-z]+ [^`]*)`", v)
        ]
        assert len(examples) > 20
        used = {name for _, span in examples for name in re.findall(r"@([^\s\]|]+)", span)}
        neutral = {"同事", "下属", "colleague", "someone", "user", "rep", "a", "b"}
        assert used <= neutral, (locale, used)


def test_help_never_sends_people_to_the_config():
    for locale, words in (("zh-CN", "配置"), ("en-US", "config")):
        for key in ("kudos.help", "feedback.help", "kpi.help", "help.kudos", "help.feedback"):
            assert words not in catalog(locale)[key], (locale, key)
