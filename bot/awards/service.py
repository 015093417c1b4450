"""What other features read of awards: the line a rep's review summary shows, and the awards
won or announced in some months (the recognition export and the App Home read them here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from bot.core.config import AppConfig
from bot.core.periods import Period, containing, parse_key
from bot.core.workspace import Workspace
from bot.i18n import label, localized, t
from bot.kpi.views import period_label
from storage.models.awards import Award
from storage.models.core import User
from storage.models.reviews import ReviewCycle


def months_of(period: Period) -> list[str]:
    """The month keys an award of `period` may be for: the months the period touches (a month
    itself; a quarter's or a year's months; the one or two months of a week)."""
    months = []
    month = containing("month", period.start)
    while month.start <= period.end:
        months.append(month.key)
        month = month.next()
    return months


def month_period(month: str) -> Period | None:
    """An award's month as a Period (None for a malformed key, never stored by the feature)."""
    period = parse_key(month)
    return period if period is not None and period.kind == "month" else None


def award_name(config: AppConfig, key: str, locale: str) -> str:
    """The award's name in `locale`; its key when the config no longer has it."""
    award = config.award(key)
    return localized(award, locale) if award is not None else key


def award_emoji(config: AppConfig, key: str) -> str:
    award = config.award(key)
    return award.emoji if award is not None else ":trophy:"


def month_label(month: str, locale: str) -> str:
    """`November 2026` / `2026年11月`: an award's month as /kpi names it."""
    period = month_period(month)
    return period_label(period, locale) if period is not None else month


def won_in(
    session: Session, team_id: str, months: Sequence[str], user_ids: Sequence[int] | None = None
) -> list[Award]:
    """The awards of these months (of `user_ids` only, when given), by month then award."""
    if not months:
        return []
    query = select(Award).where(Award.team_id == team_id, col(Award.month).in_(list(months)))
    if user_ids is not None:
        query = query.where(col(Award.winner_id).in_(list(user_ids) or [-1]))
    return list(session.exec(query.order_by(col(Award.month), col(Award.award_key))).all())


def won_by(session: Session, user: User, limit: int = 5) -> list[Award]:
    """The awards `user` won, latest month first."""
    query = (
        select(Award)
        .where(Award.team_id == user.team_id, Award.winner_id == user.id)
        .order_by(col(Award.month).desc(), col(Award.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def announced_since(session: Session, team_id: str, since: datetime) -> list[Award]:
    """Every award announced at `since` or later, latest month first."""
    query = (
        select(Award)
        .where(Award.team_id == team_id, Award.created_at >= since)
        .order_by(col(Award.month).desc(), col(Award.id).desc())
    )
    return list(session.exec(query).all())


def awards_note(
    session: Session, ws: Workspace, rep: User, cycle: ReviewCycle, locale: str
) -> str | None:
    """The awards the rep won in the months of the cycle's period (None: none), e.g.
    `*Awards:* :trophy: Sales Champion (November 2026)`."""
    period = parse_key(cycle.period)
    if period is None or rep.id is None:
        return None
    won = won_in(session, ws.team_id, months_of(period), [rep.id])
    if not won:
        return None
    items = [
        t(
            "awards.home.item",
            locale,
            emoji=award_emoji(ws.config, a.award_key),
            award=award_name(ws.config, a.award_key, locale),
            month=month_label(a.month, locale),
        )
        for a in won
    ]
    return t("awards.home.note", locale, awards=label(", ", "，", locale).join(items))
