"""Announcing an award: the one service behind `/award`, HR's Announce button and the select
of someone else.

Checks first (HR only, before anything else; a winner who may win; an announcements channel;
a reason), then one INSERT of the Award: the unique (team, award, month) constraint decides,
so a double click, two HR at once or `/award` after the button announce once; the others
change nothing and hear who announced it when. The card in the announcements channel and the
winner's DM are outbox rows of the same transaction, keyed by the award's id, delivered after
commit. No Slack call happens here."""

from __future__ import annotations

import logging
from datetime import date

from sqlmodel import Session, select

from bot.awards import views
from bot.awards.candidates import Candidate, ranking
from bot.core.awards_config import AwardConfig
from bot.core.config import AppConfig
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import Period, containing, local_date
from bot.core.safe_text import is_visibly_empty
from bot.core.workspace import Workspace
from bot.i18n import fmt_date
from bot.i18n.audience import announcement_locales
from bot.org import directory
from bot.permissions.awards import can_announce, may_win
from storage.db import insert_for
from storage.models.awards import Award
from storage.models.core import User

log = logging.getLogger(__name__)
MAX_REASON = 2000  # the Award.reason column


class AlreadyAnnounced(UserFacingError):
    """This award of this month was announced already: nothing changed. Carries who won and
    who announced it, so a pressed card can show it."""

    def __init__(self, award: Award, winner: str, by: str | None, when: str) -> None:
        who = f"<@{by}>" if by else "`salespulse`"
        super().__init__("awards.announce.already", winner=f"<@{winner}>", who=who, date=when)
        self.award, self.winner, self.by = award, winner, by


def today(ws: Workspace) -> date:
    return local_date(ws.clock(), ws.config.workspace.timezone)


def last_complete_month(ws: Workspace) -> Period:
    """The month before this one in the workspace's time zone: `/award`'s default."""
    return containing("month", today(ws)).previous()


def check_actor(actor: User) -> None:
    """HR and admins only: refused before anything is looked up or parsed."""
    if not can_announce(actor):
        raise NotAllowed("awards.announce.not_allowed")


def check(actor: User, winner: User) -> None:
    """HR acting, and a winner who may win (no bot, nobody deactivated)."""
    check_actor(actor)
    if not may_win(winner):
        raise UserFacingError("awards.announce.cannot_win", who=f"<@{winner.slack_id}>")


def find_award(config: AppConfig, key: str) -> AwardConfig:
    found = config.award(key)
    if found is None:
        raise UserFacingError("awards.announce.unknown_award", award=key)
    return found


def figures_of(
    session: Session,
    config: AppConfig,
    team_id: str,
    award: AwardConfig,
    period: Period,
    winner: User,
) -> Candidate | None:
    """The winner's figures for this award and month (THE ranking), None without data."""
    bounds = period.bounds(config.workspace.timezone)
    ranked = ranking(session, config, team_id, award, period, bounds)
    return next((c for c in ranked if c.user_id == winner.id), None)


def find_announced(session: Session, team_id: str, award_key: str, month: str) -> Award | None:
    return session.exec(
        select(Award).where(
            Award.team_id == team_id, Award.award_key == award_key, Award.month == month
        )
    ).first()


def announced_in(session: Session, team_id: str, month: str) -> dict[str, tuple[str, str | None]]:
    """{award key: (winner's Slack id, announcer's Slack id or None)} for a month."""
    out = {}
    for row in session.exec(select(Award).where(Award.team_id == team_id, Award.month == month)):
        winner = directory.by_id(session, row.winner_id)
        by = directory.by_id(session, row.announced_by_id)
        out[row.award_key] = (winner.slack_id if winner else "", by.slack_id if by else None)
    return out


def _already(ws: Workspace, session: Session, actor: User, award_key: str, month: str) -> Exception:
    found = find_announced(session, ws.team_id, award_key, month)
    assert found is not None  # the insert lost to it, and it is committed
    winner = directory.by_id(session, found.winner_id)
    by = directory.by_id(session, found.announced_by_id)
    day = local_date(found.created_at, ws.config.workspace.timezone)
    when = fmt_date(day, directory.locale_of(actor, ws.config))
    return AlreadyAnnounced(
        found, winner.slack_id if winner else "", by.slack_id if by else None, when
    )


def check_open(
    ws: Workspace, session: Session, actor: User, award: AwardConfig, period: Period
) -> None:
    """Raise AlreadyAnnounced when the award of this month is announced (before HR writes a
    reason for nothing; the insert still decides)."""
    if find_announced(session, ws.team_id, award.key, period.key) is not None:
        raise _already(ws, session, actor, award.key, period.key)


def _insert(session: Session, row: dict) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING: the new award's id, or None when this award and month
    exist (a concurrent insert is waited for, then loses). The transaction stays usable."""
    insert = insert_for(session)
    statement = insert(Award).values(**row).on_conflict_do_nothing().returning(Award.id)
    return session.connection().execute(statement).scalar()


def announce(
    ws: Workspace,
    session: Session,
    actor: User,
    award: AwardConfig,
    winner: User,
    period: Period,
    reason: str,
) -> Award:
    """Announce `award` of `period` for `winner`, once. Raises NotAllowed, UserFacingError
    (cannot win, no channel, no reason, month not over) or AlreadyAnnounced."""
    check(actor, winner)
    channel = ws.config.channels.announcements
    if not channel:
        raise UserFacingError("awards.announce.no_channel")
    reason = reason.strip()
    if is_visibly_empty(reason):
        raise UserFacingError("awards.announce.no_reason")
    if len(reason) > MAX_REASON:
        raise UserFacingError("awards.announce.too_long", max=MAX_REASON)
    if period.kind != "month" or period.end >= today(ws):
        raise UserFacingError("awards.announce.month_not_over", month=period.key)
    figures = figures_of(session, ws.config, ws.team_id, award, period, winner)
    award_id = _insert(
        session,
        {
            "team_id": ws.team_id,
            "award_key": award.key,
            "month": period.key,
            "winner_id": winner.id,
            "reason": reason,
            "figures": figures.to_json() if figures else None,
            "announced_by_id": actor.id,
            "created_at": ws.clock(),
        },
    )
    if award_id is None:
        raise _already(ws, session, actor, award.key, period.key)
    row = session.get(Award, award_id)
    assert row is not None
    shown = views.Shown(award, period, winner.slack_id, reason, figures)
    card = views.announcement_card(ws.config, announcement_locales(ws.config), shown)
    ws.sender.enqueue(session, ws.team_id, f"award:{award_id}:card", channel, **card)
    dm = views.winner_dm(ws.config, directory.locale_of(winner, ws.config), shown, channel)
    ws.sender.enqueue(session, ws.team_id, f"award:{award_id}:dm", winner.slack_id, **dm)
    log.info("award %s (%s, %s) announced", award_id, award.key, period.key)
    return row


def announce_candidate(
    ws: Workspace,
    session: Session,
    actor: User,
    award: AwardConfig,
    winner: User,
    period: Period,
) -> Award:
    """The Announce button: the candidate, with a reason from the criterion and the numbers
    in the announcements channel's language(s)."""
    check(actor, winner)
    figures = figures_of(session, ws.config, ws.team_id, award, period, winner)
    if figures is None:  # no data any more: the button's candidate is no candidate
        raise UserFacingError("awards.announce.no_figures", who=f"<@{winner.slack_id}>")
    locales = announcement_locales(ws.config)
    reason = views.auto_reason(ws.config, award, period, figures, locales)
    return announce(ws, session, actor, award, winner, period, reason)
