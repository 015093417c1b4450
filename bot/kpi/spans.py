"""How a scorecard names what it compares with: the whole previous period (`October 2026`)
or, while the period is in progress, the same first days of it (`the first 26 days of
October`, `10 月前 26 天`, `Monday to Thursday of week 47`). Pure functions."""

from __future__ import annotations

from datetime import date

from babel import dates as babel_dates

from bot.core.periods import Period, Span
from bot.i18n import babel_locale, is_zh, t


def _short(period: Period, current: Period, locale: str) -> str:
    """The previous period's short name; with its year only when it differs from the
    current period's (January compares with December of the year before)."""
    year = period.start.year
    suffix = "" if year == current.start.year else "_year"
    if period.kind == "month":
        month = _date(period.start, "M" if is_zh(locale) else "MMMM", locale)
        return t(f"kpi.span.month{suffix}", locale, month=month, year=year)
    if period.kind == "quarter":
        return t(f"kpi.span.quarter{suffix}", locale, q=period.key[-1], year=year)
    if period.kind == "year":
        return t("kpi.span.year", locale, year=year)
    week = int(period.key.split("W")[1])
    suffix = "" if period.key[:4] == current.key[:4] else "_year"
    return t(f"kpi.span.week{suffix}", locale, week=week, year=period.key[:4])


def _date(day: date, pattern: str, locale: str) -> str:
    return babel_dates.format_date(day, pattern, locale=babel_locale(locale))


def span_label(span: Span, current: Period, locale: str, whole_label: str) -> str:
    """What `current` is compared with; `whole_label` names a whole previous period."""
    if span.whole:
        return whole_label
    name = _short(span.period, current, locale)
    days = span.days()
    if span.period.kind == "week":
        weekday = "EEE" if is_zh(locale) else "EEEE"
        first = _date(span.period.start, weekday, locale)
        if days == 1:
            return t("kpi.span.weekday", locale, first=first, period=name)
        last = _date(span.end, weekday, locale)
        return t("kpi.span.weekdays", locale, first=first, last=last, period=name)
    if days == 1:
        return t("kpi.span.first_day", locale, period=name)
    return t("kpi.span.first_days", locale, days=days, period=name)
