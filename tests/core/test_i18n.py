"""Both catalogs carry every key with the same placeholders; formatting follows the locale."""

from __future__ import annotations

import string
from decimal import Decimal

import pytest

from bot.i18n import CATALOG_FILES, catalog, fmt_number, fmt_percent, t


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
