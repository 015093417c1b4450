"""Block Kit for the awards on the App Home: the person's own awards and, for HR, this year's
announcements and the latest candidates. Pure functions of plain values (names, months and
figures already formatted)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.blocks import SECTION_BUDGET, Block, clip, context, header, section
from bot.i18n import t

MAX_LINES = 10  # lines of announcements or candidates listed


@dataclass(frozen=True)
class Won:
    """An award as a line: its emoji, its name and the month it is for (as shown)."""

    emoji: str
    award: str
    month: str
    winner: str | None = None  # Slack id, on HR's list of announcements


@dataclass(frozen=True)
class Proposed:
    """An award's top candidate as HR's Home shows it."""

    emoji: str
    award: str
    slack_id: str | None  # None: nobody qualifies
    figure: str  # `composite 106.7% · #1 of 4`, `¥180,001`, `5 kudos`
    announced: str | None = None  # Slack id of the winner, when already announced


@dataclass(frozen=True)
class HrView:
    year: int
    announced: int  # awards announced this year
    latest: list[Won]  # the latest of them
    month: str  # the month the candidates are for (as shown)
    candidates: list[Proposed]  # empty: not computed yet


def _item(won: Won, locale: str) -> str:
    return t("awards.home.item", locale, emoji=won.emoji, award=won.award, month=won.month)


def _lines(title: str, lines: list[str]) -> Block:
    return section(clip("\n".join([title, *lines[:MAX_LINES]]), SECTION_BUDGET))


def _candidate(c: Proposed, locale: str) -> str:
    if c.announced is not None:
        return t("awards.home.announced_line", locale, emoji=c.emoji, award=c.award,
                 winner=f"<@{c.announced}>")  # fmt: skip
    if c.slack_id is None:
        return t("awards.home.nobody", locale, emoji=c.emoji, award=c.award)
    return t("awards.home.candidate_line", locale, emoji=c.emoji, award=c.award,
             winner=f"<@{c.slack_id}>", figure=c.figure)  # fmt: skip


def awards_blocks(own: list[Won], hr: HrView | None, locale: str) -> list[Block]:
    """At most 6 blocks; none when there is nothing to show."""
    body: list[Block] = []
    if own:
        body.append(_lines(t("awards.home.yours", locale), [_item(w, locale) for w in own]))
    if hr is not None and (hr.announced or hr.candidates):
        lines = [
            t("awards.home.winner_line", locale, item=_item(w, locale), winner=f"<@{w.winner}>")
            for w in hr.latest
        ]
        title = t("awards.home.this_year", locale, year=hr.year, count=hr.announced)
        body.append(_lines(title, lines))
        if hr.candidates:
            title = t("awards.home.candidates", locale, month=hr.month)
            body.append(_lines(title, [_candidate(c, locale) for c in hr.candidates]))
            body.append(context(t("awards.home.candidates_note", locale)))
    if not body:
        return []
    return [header(t("awards.home.title", locale)), *body]
