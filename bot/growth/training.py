"""Training requests: a rep asks, their manager chain approves or declines, HR schedules and
completes; everyone concerned is told each change.

Every change of status is one conditional UPDATE (WHERE status is what it must be) checked
by its row count, so a double click or two approvers at once act once; the loser is told who
got there first. Who may do what is bot/permissions/growth.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.blocks import Block
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.workspace import Workspace
from bot.growth import training_notify as notify
from bot.growth import training_queries as queries
from bot.growth import training_views as views
from bot.i18n import fmt_date, t
from bot.org.directory import Who, by_id, locale_of, reporting_tree
from bot.permissions import growth as rules
from storage.models.core import User
from storage.models.growth import TrainingRequest
from storage.types import utcnow


@dataclass(frozen=True)
class Draft:
    """A request as asked: from the command or the form."""

    topic: str
    course: str | None = None
    kind: str | None = None
    reason: str | None = None
    preferred_month: str | None = None


@dataclass(frozen=True)
class Changed:
    """A request after a change, with its rep (for the handler's Home refresh)."""

    request: TrainingRequest
    rep: User


def get(session: Session, team_id: str, request_id: int) -> tuple[TrainingRequest, User]:
    req = session.get(TrainingRequest, request_id)
    rep = by_id(session, req.rep_id) if req is not None and req.team_id == team_id else None
    if req is None or rep is None:
        raise UserFacingError("training.gone")
    return req, rep


def create(
    ws: Workspace, session: Session, rep: User, draft: Draft
) -> tuple[TrainingRequest, User]:
    """Record the request and ask the rep's direct manager. Refused (nothing written) for a
    rep without a manager and for a course the rep already has in progress."""
    manager = by_id(session, rep.manager_id)
    if manager is None or manager.deactivated:
        raise UserFacingError("training.no_manager")
    if draft.course:
        # One request per course at a time even when two arrive together: they queue on the
        # rep's row (PostgreSQL); SQLite has one writer, and the caller's claim came first.
        session.exec(select(User.id).where(User.id == rep.id).with_for_update()).first()
        taken = queries.open_course(session, ws.team_id, rep.id or 0, draft.course)
        if taken is not None:
            locale = locale_of(rep, ws.config)
            raise UserFacingError(
                "training.already_requested",
                field="course",
                topic=queries.topic_of(ws, taken, locale),
                date=fmt_date(queries.rows(ws, session, [taken], locale)[0].requested, locale),
                status=t(f"training.status_word.{taken.status}", locale),
            )
    req = TrainingRequest(
        team_id=ws.team_id,
        rep_id=rep.id or 0,
        course=draft.course,
        topic=draft.topic[: views.MAX_TOPIC],
        kind=draft.kind,
        reason=(draft.reason or None) and draft.reason[: views.MAX_REASON],
        preferred_month=draft.preferred_month,
        created_at=ws.clock(),
    )
    session.add(req)
    session.flush()
    notify.ask_manager(ws, session, req, rep, manager)
    return req, manager


def _move(session: Session, req: TrainingRequest, from_: tuple[str, ...], **values: Any) -> bool:
    """The one conditional UPDATE of a status change; False: someone got there first."""
    stmt = (
        update(TrainingRequest)
        .where(col(TrainingRequest.id) == req.id, col(TrainingRequest.status).in_(from_))
        .values(updated_at=utcnow(), **values)
    )
    moved = session.execute(stmt.execution_options(synchronize_session=False)).rowcount == 1  # type: ignore[attr-defined]
    session.refresh(req)
    return moved


def _already(ws: Workspace, session: Session, req: TrainingRequest, locale: str) -> UserFacingError:
    """The refusal of a second click: what the request is now, and by whom."""
    row = queries.row(ws, session, req, locale)
    return UserFacingError("training.already", status=views.status_line(row, locale))


def check_decider(ws: Workspace, session: Session, who: Who, request_id: int) -> TrainingRequest:
    """A pending request `who` may approve or decline (else refused)."""
    req, rep = get(session, ws.team_id, request_id)
    if not rules.may_decide_training(session, who.user, rep):
        raise NotAllowed("training.not_approver")
    if req.status != "pending":
        raise _already(ws, session, req, who.locale)
    return req


def approve(ws: Workspace, session: Session, who: Who, request_id: int) -> Changed:
    req = check_decider(ws, session, who, request_id)
    now = ws.clock()
    if not _move(
        session, req, ("pending",), status="approved", decided_by_id=who.user.id, decided_at=now
    ):
        raise _already(ws, session, req, who.locale)
    rep = by_id(session, req.rep_id)
    assert rep is not None
    notify.tell_rep(ws, session, req, rep, "approved")
    notify.tell_hr(ws, session, req)
    return Changed(req, rep)


def decline(ws: Workspace, session: Session, who: Who, request_id: int, reason: str) -> Changed:
    reason = reason.strip()
    if not reason:
        raise UserFacingError("training.reason_required", field="reason")
    req = check_decider(ws, session, who, request_id)
    done = _move(
        session,
        req,
        ("pending",),
        status="declined",
        decided_by_id=who.user.id,
        decided_at=ws.clock(),
        decline_reason=reason[: views.MAX_REASON],
    )
    if not done:
        raise _already(ws, session, req, who.locale)
    rep = by_id(session, req.rep_id)
    assert rep is not None
    notify.tell_rep(ws, session, req, rep, "declined")
    return Changed(req, rep)


def cancel(ws: Workspace, session: Session, who: Who, request_id: int) -> Changed:
    req, rep = get(session, ws.team_id, request_id)
    if not rules.may_cancel_training(who.user, rep):
        raise NotAllowed("training.not_yours")
    if not _move(session, req, ("pending",), status="cancelled"):
        raise _already(ws, session, req, who.locale)
    return Changed(req, rep)


def check_runner(ws: Workspace, session: Session, who: Who, request_id: int) -> TrainingRequest:
    """An approved or scheduled request `who` (HR) may schedule or complete."""
    req, _ = get(session, ws.team_id, request_id)
    if not rules.runs_training(who.user):
        raise NotAllowed("training.not_hr")
    if req.status not in ("approved", "scheduled"):
        raise _already(ws, session, req, who.locale)
    return req


def schedule(
    ws: Workspace, session: Session, who: Who, request_id: int, day: date, note: str | None
) -> Changed:
    """Approved or scheduled -> scheduled for `day` (not in the past in HR's time zone); the
    same date again changes nothing."""
    if day < queries.today(ws, who.user):
        raise UserFacingError("training.past_date", field="date")
    req = check_runner(ws, session, who, request_id)
    moved = _move(
        session,
        req,
        ("approved", "scheduled"),
        status="scheduled",
        scheduled_for=day,
        handled_by_id=who.user.id,
    )
    if not moved:
        raise _already(ws, session, req, who.locale)
    rep = by_id(session, req.rep_id)
    assert rep is not None
    notify.tell_rep(ws, session, req, rep, f"scheduled:{day.isoformat()}", note)
    return Changed(req, rep)


def complete(ws: Workspace, session: Session, who: Who, request_id: int) -> Changed:
    req = check_runner(ws, session, who, request_id)
    moved = _move(
        session,
        req,
        ("approved", "scheduled"),
        status="completed",
        completed_at=ws.clock(),
        handled_by_id=who.user.id,
    )
    if not moved:
        raise _already(ws, session, req, who.locale)
    rep = by_id(session, req.rep_id)
    assert rep is not None
    notify.tell_rep(ws, session, req, rep, "completed")
    return Changed(req, rep)


# --- lists -------------------------------------------------------------------------------


def approvals_of(ws: Workspace, session: Session, manager: User) -> list[TrainingRequest]:
    """Pending requests of the manager's reporting tree, oldest first."""
    tree = [u.id for u in reporting_tree(session, manager) if u.id is not None]
    return queries.pending_of(session, ws.team_id, tree)


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    """The App Home's training: open requests and completed trainings."""
    mine = queries.of_rep(session, ws.team_id, who.user.id or 0)
    open_rows = [r for r in mine if r.status in queries.OPEN][:5]
    done = [r for r in mine if r.status == "completed"]
    done.sort(key=lambda r: r.completed_at or r.updated_at, reverse=True)
    waiting = len(approvals_of(ws, session, who.user)) if manages(session, who.user) else 0
    return views.home(
        who.locale,
        queries.rows(ws, session, open_rows, who.locale),
        queries.rows(ws, session, done[:5], who.locale),
        waiting,
    )


def manages(session: Session, user: User) -> bool:
    """Someone reports to `user`."""
    query = select(User.id).where(User.manager_id == user.id)
    return session.exec(query).first() is not None
