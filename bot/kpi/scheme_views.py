"""Block Kit and text of the KPI scheme: `/kpi scheme`, the differences between two versions,
the scorecard's "scored with the scheme of..." line and the change announcement. Pure
builders: they get versions (bot.kpi.scheme) and format them."""

from __future__ import annotations

from typing import Any

from bot.core.blocks import Block, context, divider, fit, header, message, section
from bot.core.config import MetricConfig
from bot.core.periods import local_date
from bot.i18n import fmt_date, fmt_percent, label, localized, t
from bot.kpi.scheme import SchemeUsed, Version, weights

MAX_BLOCKS = 50


def day(version: Version, timezone: str, locale: str) -> str:
    return fmt_date(local_date(version.seen_at, timezone), locale)


def direction(higher_is_better: bool, locale: str) -> str:
    return t("kpi.scheme.higher" if higher_is_better else "kpi.scheme.lower", locale)


def share(ratio: float, locale: str) -> str:
    return fmt_percent(ratio, locale, 0)


def metric_line(metric: MetricConfig, ratio: float, locale: str) -> str:
    return t(
        "kpi.scheme.metric_line",
        locale,
        metric=localized(metric, locale),
        weight=share(ratio, locale),
        direction=direction(metric.higher_is_better, locale),
        unit=metric.unit,
    )


def weights_text(metrics: list[MetricConfig], locale: str) -> str:
    """`Revenue 50%, Calls 20%…`: each metric's share of the composite."""
    shares = weights(metrics)
    parts = [f"{localized(m, locale)} {share(shares[m.key], locale)}" for m in metrics]
    return label(", ", "、", locale).join(parts)


def _value(name: str, value: Any, shares: dict[str, float], key: str, locale: str) -> str:
    if name == "weight":
        return share(shares.get(key, 0.0), locale)
    if name == "higher_is_better":
        return direction(bool(value), locale)
    if value is None:
        return t("kpi.scheme.automatic", locale)
    return f"`{value}`" if name in ("unit", "aggregate", "decimals") else str(value)


def diff_lines(previous: Version, version: Version, locale: str) -> list[str]:
    """What changed from `previous` to `version`, one line each, in `locale`."""
    if version.diff is None:
        return [t("kpi.scheme.first", locale)]
    old, new = weights(previous.metrics), weights(version.metrics)
    names = {m.key: localized(m, locale) for m in previous.metrics + version.metrics}
    lines = [
        t("kpi.scheme.added", locale, metric=names[m.key], weight=share(new[m.key], locale))
        for m in version.diff.added
    ]
    lines += [t("kpi.scheme.removed", locale, metric=names[m.key]) for m in version.diff.removed]
    lines += [
        t(
            "kpi.scheme.changed",
            locale,
            metric=names[c.key],
            field=t(f"kpi.scheme.field.{c.field}", locale),
            old=_value(c.field, c.old, old, c.key, locale),
            new=_value(c.field, c.new, new, c.key, locale),
        )
        for c in version.diff.changed
    ]
    # a weight elsewhere changes every share: say so for metrics whose own weight didn't
    moved = {c.key for c in version.diff.changed if c.field == "weight"}
    lines += [
        t(
            "kpi.scheme.share_moved",
            locale,
            metric=names[m.key],
            old=share(old[m.key], locale),
            new=share(new[m.key], locale),
        )
        for m in version.metrics
        if m.key in old and m.key not in moved and round(old[m.key], 4) != round(new[m.key], 4)
    ]
    return lines or [t("kpi.scheme.no_difference", locale)]


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def scheme_message(
    metrics: list[MetricConfig],
    versions: list[Version],
    locale: str,
    timezone: str,
    *,
    full_history: bool,
) -> dict:
    """`/kpi scheme`: the current metrics with weights and directions, the last change and,
    for HR and admins (`full_history`), every version newest first."""
    shares = weights(metrics)
    lines = [metric_line(m, shares[m.key], locale) for m in metrics]
    blocks: list[Block] = [header(t("kpi.scheme.title", locale)), section("\n".join(lines))]
    changes = [(versions[i - 1], v) for i, v in enumerate(versions) if i and v.diff is not None]
    if changes:
        previous, last = changes[-1]
        when = t("kpi.scheme.last_change", locale, date=day(last, timezone, locale))
        lines.append(when)
        blocks.append(section(f"{when}\n{_bullets(diff_lines(previous, last, locale))}"))
    elif versions:
        first = t("kpi.scheme.never_changed", locale, date=day(versions[0], timezone, locale))
        lines.append(first)
        blocks.append(context(first))
    if full_history and versions:
        blocks += [divider(), section(t("kpi.scheme.history_title", locale))]
        for i in range(len(versions) - 1, -1, -1):
            version = versions[i]
            title = t(
                "kpi.scheme.version",
                locale,
                date=day(version, timezone, locale),
                digest=version.digest[:12],
            )
            body = _bullets(diff_lines(versions[i - 1] if i else version, version, locale))
            blocks.append(section(f"{title}\n{body}"))
    blocks.append(context(t("kpi.scheme.footer", locale)))
    more = context(t("kpi.scheme.history_cut", locale))
    return message("\n".join(lines), fit(blocks, MAX_BLOCKS, more))


def scored_with(used: SchemeUsed, locale: str) -> str:
    """The scorecard's line when its period was scored with an earlier scheme."""
    return t(
        "kpi.scheme.scored_with",
        locale,
        date=fmt_date(used.since, locale),
        weights=weights_text(used.metrics, locale),
    )


def announcement(previous: Version, version: Version, locale: str, timezone: str) -> str:
    """The digest line (or DM) telling a rep or manager what changed in the scheme."""
    changes = "\n".join(f"   • {line}" for line in diff_lines(previous, version, locale))
    return t("kpi.scheme.announce", locale, date=day(version, timezone, locale), changes=changes)
