"""Who is told what of a training request, each in their own language: the manager asked,
HR handed an approved request, the rep told each change. Outbox rows keyed by request,
purpose and recipient, delivered after the unit commits."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.blocks import Block
from bot.core.workspace import Workspace
from bot.growth import training_queries as queries
from bot.growth import training_views as views
from bot.i18n import t
from bot.org import hr
from bot.org.directory import locale_of
from storage.models.core import User
from storage.models.growth import TrainingRequest


def weak_line(
    ws: Workspace, session: Session, rep: User, req: TrainingRequest, locale: str
) -> str | None:
    """The manager's line on the rep's weak metric the course helps (managers may see the
    rep's numbers), None when the course links to no weak metric."""
    if not req.course:
        return None
    s = queries.weak_suggestion(ws, session, rep, req.course, locale)
    return t("training.weak_line", locale, figure=views.figure(s, locale)) if s else None


def ask_manager(
    ws: Workspace, session: Session, req: TrainingRequest, rep: User, manager: User
) -> None:
    locale = locale_of(manager, ws.config)
    row = queries.row(ws, session, req, locale)
    text, blocks = views.manager_dm(locale, row, weak_line(ws, session, rep, req, locale))
    key = f"training:{req.id}:ask:{manager.id}"
    ws.sender.enqueue(session, ws.team_id, key, manager.slack_id, text, blocks)


def tell_rep(
    ws: Workspace,
    session: Session,
    req: TrainingRequest,
    rep: User,
    event: str,
    note: str | None = None,
) -> None:
    """The rep told the request's new status; `event` makes the outbox key (a new date is a
    new event)."""
    locale = locale_of(rep, ws.config)
    text, blocks = views.rep_notice(locale, queries.row(ws, session, req, locale), note)
    key = f"training:{req.id}:{event}:rep"
    ws.sender.enqueue(session, ws.team_id, key, rep.slack_id, text, blocks)


def tell_hr(ws: Workspace, session: Session, req: TrainingRequest) -> int:
    """An approved request to HR (bot/org/hr.py decides where). How many were queued."""

    def notice(locale: str, _: User | None) -> tuple[str, list[Block]]:
        return views.hr_notice(locale, queries.row(ws, session, req, locale))

    return hr.tell_hr(ws, session, f"training:{req.id}:hr", notice)
