"""The App Home's awards: everyone sees the awards they won (the latest 5); HR and admins
(bot.permissions.awards.sees_candidates) also see the awards announced this year and the
candidates the `award-candidates` job computed for last month, once it has. Nothing at all
when there is nothing to show. The company's participation is on HR's Home already
(bot/home/people.py: the whole company, then each team)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.awards import service
from bot.awards.candidates import Candidate
from bot.awards.home_views import HrView, Proposed, Won, awards_blocks
from bot.core.awards_config import AwardConfig
from bot.core.blocks import Block
from bot.core.config import AppConfig
from bot.core.periods import containing, local_date
from bot.core.workspace import Workspace
from bot.i18n import localized, t
from bot.kpi.views import fmt_value, pct
from bot.org.directory import Who
from bot.permissions.awards import sees_candidates
from storage.models.awards import AwardCandidates
from storage.models.core import User

OWN = 5  # own awards listed
LATEST = 5  # this year's announcements listed on HR's Home


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    config, locale = ws.config, who.locale
    own = [
        _won(config, a.award_key, a.month, locale) for a in service.won_by(session, who.user, OWN)
    ]
    hr = _hr_view(ws, session, locale) if sees_candidates(who.user) else None
    return awards_blocks(own, hr, locale)


def _won(config: AppConfig, key: str, month: str, locale: str, winner: str | None = None) -> Won:
    return Won(
        emoji=service.award_emoji(config, key),
        award=service.award_name(config, key, locale),
        month=service.month_label(month, locale),
        winner=winner,
    )


def _hr_view(ws: Workspace, session: Session, locale: str) -> HrView:
    tz = ws.config.workspace.timezone
    today = local_date(ws.clock(), tz)
    since = datetime.combine(today.replace(month=1, day=1), time.min, ZoneInfo(tz))
    # announced this year: created since Jan 1 (December's award, announced in January, too)
    year = service.announced_since(session, ws.team_id, since)
    winners = _slack_ids(session, [a.winner_id for a in year[:LATEST]])
    latest = [
        _won(ws.config, a.award_key, a.month, locale, winners.get(a.winner_id))
        for a in year[:LATEST]
    ]
    month = containing("month", today).previous()
    return HrView(
        year=today.year,
        announced=len(year),
        latest=latest,
        month=service.month_label(month.key, locale),
        candidates=_candidates(ws, session, month.key, locale),
    )


def _slack_ids(session: Session, user_ids: list[int]) -> dict[int, str]:
    found = {}
    for user_id in set(user_ids):
        user = session.get(User, user_id)
        if user is not None:
            found[user_id] = user.slack_id
    return found


def _candidates(ws: Workspace, session: Session, month: str, locale: str) -> list[Proposed]:
    """Per configured award, its best candidate of `month` (None: not computed yet)."""
    row = session.get(AwardCandidates, (ws.team_id, month))
    if row is None:
        return []
    done = {a.award_key: a.winner_id for a in service.won_in(session, ws.team_id, [month])}
    winners = _slack_ids(session, list(done.values()))
    shown = []
    for award in ws.config.awards:
        if award.key not in row.awards and award.key not in done:
            continue
        ranked = row.awards.get(award.key) or []
        best = Candidate.from_json(ranked[0]) if ranked else None
        shown.append(
            Proposed(
                emoji=award.emoji,
                award=localized(award, locale),
                slack_id=best.slack_id if best else None,
                figure=_figure(ws.config, award, best, locale) if best else "",
                announced=winners.get(done[award.key]) if award.key in done else None,
            )
        )
    return shown


def _figure(config: AppConfig, award: AwardConfig, c: Candidate, locale: str) -> str:
    """The number behind a candidate, as /kpi shows it."""
    if award.criterion == "kudos":
        return t("awards.home.figure_kudos", locale, count=c.kudos or 0)
    metric = config.metric(award.metric_key) if award.metric_key else None
    if metric is not None and c.actual is not None:
        value = fmt_value(metric, Decimal(c.actual), locale)
        return t("awards.home.figure_metric", locale, metric=localized(metric, locale), value=value)
    if c.composite is None:
        return ""
    return t("awards.home.figure_composite", locale, score=pct(c.composite, locale),
             rank=c.company_rank, size=c.company_size)  # fmt: skip
