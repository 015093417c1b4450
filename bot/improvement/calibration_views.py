"""Block Kit and tables for the calibration of the KPI scheme: HR's quarterly card with its
"Open a suggestion thread" buttons, the modal they open with a prefilled suggestion, and the
rows `salespulse kpi calibration` prints or writes. Pure functions of the figures
(bot/improvement/calibration_figures.py); percentages are formatted as /kpi formats them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    context,
    divider,
    header,
    modal,
    plain,
    section,
)
from bot.core.config import AppConfig
from bot.core.periods import Period
from bot.core.tabular import Cell, neutral
from bot.i18n import fmt_number, fmt_percent, is_zh, localized, t
from bot.improvement.calibration_figures import (
    TOO_EASY_AT_CAP,
    TOO_HARD_AT_TARGET,
    Calibration,
    MetricCalibration,
)
from bot.kpi.scorecard import CAP
from bot.kpi.views import pct, period_label, shown_ratio
from bot.org.teams import team_name

OPEN_THREAD = "calibration_open_thread"  # the card's button: value "<period key>|<metric key>"
MODAL = "calibration_thread_modal"
B_TEXT, A_TEXT = "calibration_text", "value"
MAX_TEXT = 3000  # a suggestion's text (storage/models/improvement.py)
K = "improvement.calibration"
COLUMNS = (
    "metric",
    "label",
    "reps",
    "at_target",
    "at_cap",
    "median",
    "top_team",
    "top_median",
    "bottom_team",
    "bottom_median",
    "spread",
    "flags",
)


def button_value(period: Period, metric: str | None) -> str:
    """The button's value: the period and the metric ("" for the whole scheme)."""
    return f"{period.key}|{metric or ''}"


def parse_value(value: str) -> tuple[str, str | None] | None:
    """(period key, metric key or None for the scheme) from a button's value; None: not ours."""
    parts = value.split("|")
    if len(parts) != 2 or not parts[0]:
        return None
    return parts[0], parts[1] or None


def _cap(locale: str) -> str:
    return fmt_percent(CAP, locale, 0)


def _share(count: int, reps: int, share: Decimal | None, locale: str) -> str:
    return t(f"{K}.share", locale, count=count, reps=reps, share=pct(share, locale))


def points(m: MetricCalibration, locale: str) -> str:
    spread = m.spread_points
    return "" if spread is None else fmt_number(spread, locale, 1)


def _team(config: AppConfig, key: str, locale: str) -> str:
    return team_name(config, key, locale)


def metric_lines(config: AppConfig, m: MetricCalibration, period: Period, locale: str) -> str:
    """One metric on the card: its figures, the team spread and its flags with their numbers."""
    name = localized(m.metric, locale)
    title_key = f"{K}.metric" if m.metric.higher_is_better else f"{K}.metric_lower"
    lines = [t(title_key, locale, metric=name, reps=m.reps)]
    if not m.reps:
        lines.append(t(f"{K}.no_targets", locale, period=period_label(period, locale)))
        return "\n".join(lines)
    lines.append(
        t(
            f"{K}.figures",
            locale,
            at_target=_share(m.at_target, m.reps, m.share_at_target, locale),
            at_cap=_share(m.at_cap, m.reps, m.share_at_cap, locale),
            cap=_cap(locale),
            median=pct(m.median, locale),
        )
    )
    if m.top is not None and m.bottom is not None:
        lines.append(
            t(
                f"{K}.teams",
                locale,
                top=_team(config, m.top.team, locale),
                top_median=pct(m.top.median, locale),
                bottom=_team(config, m.bottom.team, locale),
                bottom_median=pct(m.bottom.median, locale),
                points=points(m, locale),
            )
        )
    else:
        lines.append(t(f"{K}.one_team", locale))
    if m.too_easy:
        share = pct(m.share_at_cap, locale)
        limit = fmt_percent(TOO_EASY_AT_CAP, locale, 0)
        lines.append(t(f"{K}.too_easy", locale, at_cap=m.at_cap, reps=m.reps, share=share,
                       cap=_cap(locale), limit=limit))  # fmt: skip
    if m.too_hard:
        share = pct(m.share_at_target, locale)
        limit = fmt_percent(TOO_HARD_AT_TARGET, locale, 0)
        lines.append(t(f"{K}.too_hard", locale, at_target=m.at_target, reps=m.reps,
                       share=share, limit=limit))  # fmt: skip
    return "\n".join(lines)


def card(config: AppConfig, cal: Calibration, locale: str) -> dict[str, Any]:
    """HR's DM: per metric the figures and flags, a button per flagged metric ("Open a
    suggestion thread"), or one for the whole scheme when nothing is flagged."""
    label = period_label(cal.period, locale)
    intro = t(
        f"{K}.intro",
        locale,
        period=label,
        easy=fmt_percent(TOO_EASY_AT_CAP, locale, 0),
        hard=fmt_percent(TOO_HARD_AT_TARGET, locale, 0),
        cap=_cap(locale),
    )
    blocks: list[Block] = [header(t(f"{K}.title", locale, period=label)), context(intro)]
    if not cal.metrics:
        blocks.append(section(t(f"{K}.no_metrics", locale)))
    # kept for "…and N more", and the scheme's three blocks when no metric has a button
    room = MAX_MESSAGE_BLOCKS - (1 if cal.flagged else 4)
    shown = 0
    for m in cal.metrics:
        part = [divider(), section(metric_lines(config, m, cal.period, locale))]
        if m.flags:
            value = button_value(cal.period, m.metric.key)
            part.append(actions(button(t(f"{K}.open_thread", locale), OPEN_THREAD, value)))
        if len(blocks) + len(part) > room:
            break
        blocks.extend(part)
        shown += 1
    if shown < len(cal.metrics):
        blocks.append(context(t(f"{K}.more", locale, count=len(cal.metrics) - shown)))
    if cal.metrics and not cal.flagged:
        blocks.append(divider())
        blocks.append(section(t(f"{K}.none_flagged", locale, period=label)))
        value = button_value(cal.period, None)
        blocks.append(actions(button(t(f"{K}.open_scheme", locale), OPEN_THREAD, value)))
    return {"text": t(f"{K}.title", locale, period=label), "blocks": blocks}


# --- the suggestion thread -------------------------------------------------------------------


def _metric_suggestion(config: AppConfig, m: MetricCalibration, period: Period, locale: str) -> str:
    key = f"{K}.suggestion"
    parts = [
        t(
            f"{key}.metric",
            locale,
            metric=localized(m.metric, locale),
            period=period_label(period, locale),
            reps=m.reps,
            at_target=m.at_target,
            share_target=pct(m.share_at_target, locale),
            at_cap=m.at_cap,
            share_cap=pct(m.share_at_cap, locale),
            cap=_cap(locale),
            median=pct(m.median, locale),
        )
    ]
    if m.top is not None and m.bottom is not None:
        parts.append(
            t(
                f"{key}.teams",
                locale,
                top=_team(config, m.top.team, locale),
                top_median=pct(m.top.median, locale),
                bottom=_team(config, m.bottom.team, locale),
                bottom_median=pct(m.bottom.median, locale),
                points=points(m, locale),
            )
        )
    if m.too_easy:
        parts.append(t(f"{key}.easy", locale))
    if m.too_hard:
        parts.append(t(f"{key}.hard", locale))
    parts.append(t(f"{key}.vote", locale))
    return " ".join(parts) if not is_zh(locale) else "".join(parts)


def _flag_words(m: MetricCalibration, locale: str) -> str:
    separator = "、" if is_zh(locale) else ", "
    return separator.join(t(f"{K}.flag.{flag}", locale) for flag in m.flags)


def _scheme_suggestion(cal: Calibration, locale: str) -> str:
    key = f"{K}.suggestion"
    lines = [t(f"{key}.scheme", locale, period=period_label(cal.period, locale))]
    for m in cal.metrics:
        if not m.reps:
            continue
        flags = t(f"{key}.flagged", locale, flags=_flag_words(m, locale)) if m.flags else ""
        lines.append(
            t(
                f"{key}.line",
                locale,
                metric=localized(m.metric, locale),
                reps=m.reps,
                at_target=m.at_target,
                at_cap=m.at_cap,
                median=pct(m.median, locale),
                flag=flags,
            )
        )
    lines.append(t(f"{key}.scheme_ask", locale))
    return "\n".join(lines)


def suggestion_text(config: AppConfig, cal: Calibration, metric: str | None, locale: str) -> str:
    """The prefilled suggestion: the metric's numbers, quarter and flags (or every metric's
    line for the scheme), and what HR proposes; HR may edit it before posting."""
    found = cal.of(metric) if metric else None
    if found is not None and found.reps:
        text = _metric_suggestion(config, found, cal.period, locale)
    else:
        text = _scheme_suggestion(cal, locale)
    return text[:MAX_TEXT]


def thread_modal(locale: str, text: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """The suggestion HR is about to post, prefilled and editable."""
    field = {
        "type": "input",
        "block_id": B_TEXT,
        "label": plain(t(f"{K}.modal.text", locale), 2000),
        "hint": plain(t(f"{K}.modal.hint", locale), 2000),
        "element": {
            "type": "plain_text_input",
            "action_id": A_TEXT,
            "multiline": True,
            "max_length": MAX_TEXT,
            "initial_value": text,
        },
    }
    return modal(
        MODAL,
        title=t(f"{K}.modal.title", locale),
        submit=t(f"{K}.modal.submit", locale),
        close=t(f"{K}.modal.close", locale),
        blocks=[section(t(f"{K}.modal.intro", locale)), field],
        metadata=metadata,
    )


def posted_reply(locale: str, channel: str | None) -> str:
    if channel:
        return t(f"{K}.done.posted", locale, channel=channel)
    return t(f"{K}.done.recorded", locale)


# --- salespulse kpi calibration ----------------------------------------------------------------


def header_row(locale: str) -> list[str]:
    return [t(f"{K}.column.{c}", locale) for c in COLUMNS]


def _ratio(value: Decimal | None) -> Decimal | None:
    """A share or median as the card shows it (to 0.1%), as a ratio: 0.3 is "30.0%"."""
    return None if value is None else shown_ratio(value)


def data_rows(config: AppConfig, cal: Calibration, locale: str) -> list[list[Cell]]:
    """One row per metric for CSV / XLSX: ratios rounded as the card shows them, the spread in
    points, team and metric names in `locale`; text cells neutralised."""
    rows = []
    for m in cal.metrics:
        top, bottom = m.top, m.bottom
        row: list[Cell] = [
            m.metric.key,
            localized(m.metric, locale),
            m.reps,
            _ratio(m.share_at_target),
            _ratio(m.share_at_cap),
            _ratio(m.median),
            _team(config, top.team, locale) if top else None,
            _ratio(top.median) if top else None,
            _team(config, bottom.team, locale) if bottom else None,
            _ratio(bottom.median) if bottom else None,
            m.spread_points,
            _flag_words(m, locale) or None,
        ]
        rows.append([neutral(cell) for cell in row])
    return rows


def text_rows(config: AppConfig, cal: Calibration, locale: str) -> list[list[str]]:
    """The same rows as the terminal shows them: percentages as on the card."""
    none = t("value.none", locale)
    rows = []
    for m in cal.metrics:
        top, bottom = m.top, m.bottom
        row = [
            m.metric.key,
            localized(m.metric, locale),
            str(m.reps),
            pct(m.share_at_target, locale),
            pct(m.share_at_cap, locale),
            pct(m.median, locale),
            _team(config, top.team, locale) if top else none,
            pct(top.median, locale) if top else none,
            _team(config, bottom.team, locale) if bottom else none,
            pct(bottom.median, locale) if bottom else none,
            points(m, locale) or none,
            _flag_words(m, locale),
        ]
        rows.append([str(neutral(cell)) for cell in row])
    return rows
