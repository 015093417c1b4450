"""All user-facing text: t(key, locale, **params) over the en / zh_CN TOML catalogs,
plus locale-aware number, money, percent and date formatting (Babel)."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Protocol

from babel import dates as babel_dates
from babel import numbers as babel_numbers

CATALOG_DIR = Path(__file__).parent
CATALOG_FILES = {"en-US": "en.toml", "zh-CN": "zh_CN.toml"}
FALLBACK = "en-US"


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@cache
def catalog(locale: str) -> dict[str, str]:
    path = CATALOG_DIR / CATALOG_FILES[locale]
    return _flatten(tomllib.loads(path.read_text(encoding="utf-8")))


def t(key: str, locale: str, **params: object) -> str:
    """The text for `key` in `locale` (en-US or zh-CN). A missing key is a bug the catalog
    test catches; at run time it falls back to English rather than failing the user."""
    messages = catalog(locale if locale in CATALOG_FILES else FALLBACK)
    template = messages.get(key) or catalog(FALLBACK)[key]
    return template.format(**params) if params else template


def is_zh(locale: str) -> bool:
    return locale == "zh-CN"


def label(en: str, zh: str, locale: str) -> str:
    """The one choice between a config item's English and Chinese label."""
    return zh if is_zh(locale) else en


class Labelled(Protocol):
    label_en: str
    label_zh: str


def localized(item: Labelled, locale: str) -> str:
    """The label of a config item (metric, company value) in `locale`."""
    return label(item.label_en, item.label_zh, locale)


def babel_locale(locale: str) -> str:
    """The Babel locale that formats numbers and dates for `locale`."""
    return "zh_Hans_CN" if is_zh(locale) else "en_US"


def fmt_number(value: Decimal | int | float, locale: str, digits: int | None = None) -> str:
    """Thousands separators, never abbreviated (no 万 / K)."""
    if digits is None:
        return babel_numbers.format_decimal(
            value, locale=babel_locale(locale), decimal_quantization=False
        )
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=babel_locale(locale))


# The yuan is written ¥ in China whatever the reader's language (Babel's en_US says CN¥).
_SYMBOLS = {"CNY": "¥"}


def fmt_money(value: Decimal | int, currency: str, locale: str, digits: int | None = None) -> str:
    """¥1,234,567 and ¥1,234.5: thousands separators, only the decimals the value has
    (no forced .00) or exactly `digits` of them, never abbreviated."""
    decimals = ".######" if digits is None else ("." + "0" * digits if digits else "")
    text = babel_numbers.format_currency(
        value,
        currency,
        format="¤#,##0" + decimals,
        locale=babel_locale(locale),
        currency_digits=False,
    )
    symbol = _SYMBOLS.get(currency)
    if symbol:
        text = text.replace(
            babel_numbers.get_currency_symbol(currency, babel_locale(locale)), symbol
        )
    return text


def fmt_percent(ratio: Decimal | float, locale: str, digits: int = 1) -> str:
    """0.85 -> 85.0%."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel_numbers.format_percent(ratio, format=pattern, locale=babel_locale(locale))


def fmt_date(value: date | datetime, locale: str) -> str:
    return babel_dates.format_date(value, format="medium", locale=babel_locale(locale))
