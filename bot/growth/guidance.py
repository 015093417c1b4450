"""Career guidance requests: a rep's question goes to ONE coach (the configured `[career]
coaches`, else HR), the least busy; the coach accepts it (the rep is told who will reach
out), passes it to another coach, or marks it done.

Every change of state is one conditional UPDATE (WHERE status and coach are what the clicker
saw), so double or parallel clicks act once and a coach who is no longer assigned changes
nothing. Who may see a request: bot.permissions.growth.can_see_guidance."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.core.config import AppConfig
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.periods import local_date
from bot.core.safe_text import safe_text
from bot.core.workspace import Workspace
from bot.growth import career_views as views
from bot.growth.readiness import readiness
from bot.org import directory
from bot.permissions.growth import can_see_guidance, is_coach_of
from bot.permissions.roles import can_view_performance
from storage.models.core import User
from storage.models.growth import GuidanceRequest

log = logging.getLogger(__name__)
MAX_QUESTION = 2000
BUSY = ("open", "accepted")  # what counts towards a coach's load
HR_ROLES = ("hr", "admin")


def coach_pool(session: Session, config: AppConfig, team_id: str, rep: User) -> list[User]:
    """Who may coach `rep`, in config (or directory) order: the configured coaches found in
    the directory, else HR; active, not bots, not the rep."""
    if config.career.coaches:
        found = session.exec(
            select(User).where(
                User.team_id == team_id, col(User.slack_id).in_(config.career.coaches)
            )
        ).all()
        by_slack = {u.slack_id: u for u in found}
        pool = [by_slack[c] for c in config.career.coaches if c in by_slack]
    else:
        pool = directory.with_roles(session, team_id, HR_ROLES)
    return [u for u in pool if not u.is_bot and not u.deactivated and u.id != rep.id]


def _loads(session: Session, team_id: str, coach_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(GuidanceRequest.coach_id, func.count())  # type: ignore[call-overload]
        .where(
            GuidanceRequest.team_id == team_id,
            col(GuidanceRequest.coach_id).in_(coach_ids),
            col(GuidanceRequest.status).in_(BUSY),
        )
        .group_by(GuidanceRequest.coach_id)
    ).all()
    return {coach_id: count for coach_id, count in rows}


def pick_coach(session: Session, config: AppConfig, team_id: str, rep: User) -> User:
    """The coach with the fewest open and accepted requests; ties: config/directory order."""
    pool = coach_pool(session, config, team_id, rep)
    if not pool:
        raise UserFacingError("career.guidance.no_coach")
    loads = _loads(session, team_id, [u.id for u in pool if u.id is not None])
    return min(enumerate(pool), key=lambda pair: (loads.get(pair[1].id or 0, 0), pair[0]))[1]


def check_question(text: str) -> str:
    question = text.strip()
    if not question:
        raise UserFacingError("career.guidance.empty")
    if len(question) > MAX_QUESTION:
        raise UserFacingError("career.guidance.too_long", max=MAX_QUESTION, length=len(question))
    return question


def ask(ws: Workspace, session: Session, rep: User, text: str) -> tuple[GuidanceRequest, User]:
    """Record `rep`'s question for one coach and DM that coach (after commit). The caller
    claims its trigger or view first, so one command or submission asks once."""
    question = check_question(text)
    coach = pick_coach(session, ws.config, ws.team_id, rep)
    request = GuidanceRequest(
        team_id=ws.team_id, rep_id=rep.id, question=question, coach_id=coach.id, status="open"
    )
    session.add(request)
    session.flush()
    _dm_coach(ws, session, request, rep, coach, f"guidance:{request.id}:coach")
    log.info("guidance request %s routed to coach %s", request.id, coach.slack_id)
    return request, coach


def _dm_coach(
    ws: Workspace,
    session: Session,
    request: GuidanceRequest,
    rep: User,
    coach: User,
    key: str,
    passed_by: User | None = None,
    note: str | None = None,
) -> None:
    """The coach's DM: who asks, their level -> next, the question, Accept / Reassign. The
    rep's numbers only for a coach who may see them anyway (manager chain, HR)."""
    locale = directory.locale_of(coach, ws.config)
    today = local_date(ws.clock(), ws.config.workspace.timezone)
    ready = readiness(session, ws.config, ws.team_id, [rep], today)[rep.id]  # type: ignore[index]
    numbers = can_view_performance(session, coach, rep)
    dm = views.coach_dm(
        views.CoachDm(
            request_id=request.id,  # type: ignore[arg-type]
            rep=rep.slack_id,
            question=safe_text(request.question or ""),
            readiness=ready,
            numbers=numbers,
            passed_by=passed_by.slack_id if passed_by else None,
            note=safe_text(note) if note else None,
        ),
        locale,
    )
    ws.sender.enqueue(session, ws.team_id, key, coach.slack_id, dm["text"], dm["blocks"])


def _assigned(ws: Workspace, session: Session, user: User, request_id: int) -> GuidanceRequest:
    """The request, when `user` is its coach now; anyone else learns nothing about it."""
    request = session.get(GuidanceRequest, request_id)
    if request is None or request.team_id != ws.team_id or not is_coach_of(user, request):
        raise NotAllowed("career.guidance.not_yours")
    return request


@dataclass(frozen=True)
class Changed:
    request: GuidanceRequest
    rep: User
    first: bool  # False: a double click, nothing happened this time


def _move(
    ws: Workspace, session: Session, coach: User, request_id: int, before: str, **values: object
) -> Changed:
    """`before` -> `values` by the request's coach, once: one conditional UPDATE, so of two
    clicks one changes it (`first`) and the other finds nothing to do."""
    request = _assigned(ws, session, coach, request_id)
    won = session.execute(
        update(GuidanceRequest)
        .where(
            col(GuidanceRequest.id) == request_id,
            col(GuidanceRequest.status) == before,
            col(GuidanceRequest.coach_id) == coach.id,
        )
        .values(updated_at=ws.clock(), **values)
    )
    session.refresh(request)
    rep = directory.by_id(session, request.rep_id)
    assert rep is not None
    return Changed(request, rep, won.rowcount == 1)  # type: ignore[attr-defined]


def accept(ws: Workspace, session: Session, coach: User, request_id: int) -> Changed:
    """open -> accepted by its coach, once; the rep is told who will reach out."""
    changed = _move(
        ws, session, coach, request_id, "open", status="accepted", accepted_at=ws.clock()
    )
    if changed.first:
        request, rep = changed.request, changed.rep
        dm = views.accepted_dm(coach.slack_id, directory.locale_of(rep, ws.config))
        key = f"guidance:{request.id}:accepted"
        ws.sender.enqueue(session, ws.team_id, key, rep.slack_id, dm["text"], dm["blocks"])
        log.info("guidance request %s accepted by %s", request.id, coach.slack_id)
    return changed


def mark_done(ws: Workspace, session: Session, coach: User, request_id: int) -> Changed:
    """accepted -> done by its coach, once."""
    return _move(ws, session, coach, request_id, "accepted", status="done")


def reassign_choices(
    ws: Workspace, session: Session, coach: User, request_id: int
) -> tuple[GuidanceRequest, User, list[User]]:
    """(request, rep, the other coaches it may go to) for its coach while it is open."""
    request = _assigned(ws, session, coach, request_id)
    if request.status != "open":
        raise UserFacingError("career.guidance.not_open")
    rep = directory.by_id(session, request.rep_id)
    assert rep is not None
    others = [u for u in coach_pool(session, ws.config, ws.team_id, rep) if u.id != coach.id]
    if not others:
        raise UserFacingError("career.guidance.nobody_else")
    return request, rep, others


def reassign(
    ws: Workspace,
    session: Session,
    coach: User,
    request_id: int,
    to_slack_id: str | None,
    note: str | None,
    key: str,
) -> Changed:
    """Pass an open request to another coach (one of `reassign_choices`), once; they get the
    DM with Accept / Reassign (`key`: its outbox key, one per submission)."""
    request, rep, others = reassign_choices(ws, session, coach, request_id)
    target = next((u for u in others if u.slack_id == to_slack_id), None)
    if target is None:
        raise UserFacingError("career.guidance.pick_coach")
    won = session.execute(
        update(GuidanceRequest)
        .where(
            col(GuidanceRequest.id) == request_id,
            col(GuidanceRequest.status) == "open",
            col(GuidanceRequest.coach_id) == coach.id,
        )
        .values(coach_id=target.id, updated_at=ws.clock())
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise UserFacingError("career.guidance.not_open")
    session.refresh(request)
    _dm_coach(ws, session, request, rep, target, key, passed_by=coach, note=(note or "").strip())
    log.info("guidance request %s passed from %s to %s", request_id, coach.slack_id, to_slack_id)
    return Changed(request, rep, True)


def visible_requests(
    session: Session, team_id: str, viewer: User, rep: User, limit: int = 10
) -> list[views.RequestLine]:
    """`rep`'s latest requests that `viewer` may see (none for HR who is not the coach)."""
    found = session.exec(
        select(GuidanceRequest)
        .where(GuidanceRequest.team_id == team_id, GuidanceRequest.rep_id == rep.id)
        .order_by(col(GuidanceRequest.id).desc())
        .limit(limit)
    ).all()
    lines = []
    for request in found:
        if not can_see_guidance(session, viewer, request, rep):
            continue
        coach = directory.by_id(session, request.coach_id)
        lines.append(
            views.RequestLine(
                status=request.status,
                coach=coach.slack_id if coach else None,
                asked=request.created_at.date(),
                question=safe_text(request.question or ""),
            )
        )
    return lines
