"""Block Kit for the App Home's overviews of other people: a manager's team and HR's company
by team. Pure functions of plain values; the KPI formatters (bar, pct, sparkline, period
label, line packing) are the KPI views' own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.core.blocks import Block, context, divider, header
from bot.core.periods import Period
from bot.core.safe_text import safe_text
from bot.i18n import fmt_percent, t
from bot.kpi.views import bar, list_blocks, pct, period_label, sparkline

TEAM_SECTIONS = 6  # sections of person lines on a manager's Home (about 150 people)
COMPANY_SECTIONS = 6  # sections of team lines on HR's Home (well over 100 teams)


@dataclass(frozen=True)
class PersonRow:
    name: str
    depth: int  # 1: a direct report
    trend: list[float | None]  # composites of recent months, oldest first, this month last
    feedback: int  # feedback about them this month
    kudos: int  # kudos they received this month
    open_requests: int  # feedback requests about them still waiting for answers

    @property
    def composite(self) -> float | None:
        return self.trend[-1] if self.trend else None


@dataclass(frozen=True)
class CompanyRow:
    scope: str  # company | team | none (people in no sales team)
    name: str  # the team's display name ("" for the others)
    people: int
    composite: float | None  # mean composite of its ranked people; None: nobody ranked
    gave: int  # people who gave feedback or kudos this month
    received: int  # people who received feedback or kudos this month


def person_line(row: PersonRow, locale: str) -> str:
    indent = "" if row.depth <= 1 else "    " * (row.depth - 2) + "↳ "
    return t(
        "home.person_line",
        locale,
        name=f"{indent}*{safe_text(row.name)}*",
        bar=bar(row.composite),
        score=pct(row.composite, locale),
        spark=_spark(row.trend),
        feedback=row.feedback,
        kudos=row.kudos,
        requests=row.open_requests,
    )


def _spark(trend: list[float | None]) -> str:
    """The trend in a code span (monospaced: months without a target keep their place)."""
    spark = sparkline(trend)
    return f"  `{spark}`" if spark else ""


def team_blocks(rows: list[PersonRow], total: int, month: Period, locale: str) -> list[Block]:
    """A manager's people, one line each, packed into a few sections ("…and N more" past
    what fits or was left out: `total` counts everyone)."""
    title = t("home.team_title", locale, period=period_label(month, locale))
    lines = [person_line(row, locale) for row in rows]
    return [
        header(title),
        *list_blocks(lines, locale, TEAM_SECTIONS, total=total),
        context(t("home.team_note", locale)),
        divider(),
    ]


def _share(part: int, whole: int, locale: str) -> str:
    return fmt_percent(Decimal(part) / Decimal(whole), locale) if whole else t("value.none", locale)


def company_line(row: CompanyRow, locale: str) -> str:
    name = {"company": t("kpi.company", locale), "none": t("home.no_team", locale)}.get(
        row.scope, row.name
    )
    return t(
        "home.company_line",
        locale,
        team=f"*{safe_text(name)}*",
        people=row.people,
        bar=bar(row.composite),
        attainment=pct(row.composite, locale),
        gave=row.gave,
        gave_share=_share(row.gave, row.people, locale),
        received=row.received,
        received_share=_share(row.received, row.people, locale),
    )


def company_blocks(rows: list[CompanyRow], month: Period, locale: str) -> list[Block]:
    title = t("home.company_title", locale, period=period_label(month, locale))
    lines = [company_line(row, locale) for row in rows]
    return [
        header(title),
        *list_blocks(lines, locale, COMPANY_SECTIONS),
        context(t("home.company_note", locale)),
        divider(),
    ]
