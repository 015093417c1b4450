"""Who may see and decide what in growth: training requests, career readiness, guidance
requests and development plans.

Training: a rep's manager chain approves or declines (not HR, not the rep); HR and admins
schedule and complete approved requests. Career readiness and plans are performance data:
the rep, their manager chain, HR. Guidance requests are more private still: the rep, their
manager chain and the coach they are routed to; HR only when HR is that coach."""

from __future__ import annotations

from sqlmodel import Session

from bot.permissions.roles import can_view_performance, in_manager_chain, is_hr
from storage.models.core import User
from storage.models.growth import GuidanceRequest

# --- training ----------------------------------------------------------------------------


def may_decide_training(session: Session, user: User, rep: User) -> bool:
    """Approve or decline `rep`'s request: their manager chain only."""
    return user.id != rep.id and in_manager_chain(session, user, rep)


def runs_training(user: User) -> bool:
    """Schedule and complete approved requests, and list them all: HR and admins."""
    return is_hr(user) and not user.deactivated and not user.is_bot


def can_see_training(session: Session, viewer: User, rep: User) -> bool:
    """`rep`'s requests and completed trainings: the rep, their manager chain, HR."""
    return can_view_performance(session, viewer, rep)


def may_cancel_training(user: User, rep: User) -> bool:
    """Withdraw a pending request: the rep who made it."""
    return user.id == rep.id


# --- career --------------------------------------------------------------------------------


def can_see_career(session: Session, viewer: User, subject: User) -> bool:
    """Level, readiness and plan: the person, their manager chain, HR. Nobody else."""
    return can_view_performance(session, viewer, subject)


def can_export_readiness(user: User) -> bool:
    """`salespulse career readiness` as a person (the operator at the command line may)."""
    return is_hr(user)


def may_edit_plan(session: Session, user: User, rep: User) -> bool:
    """Add goals to `rep`'s plan, mark them done or dropped, accept or dismiss suggestions:
    the rep and their manager chain (HR reads plans, it does not write them)."""
    return user.id == rep.id or in_manager_chain(session, user, rep)


def can_see_guidance(session: Session, viewer: User, request: GuidanceRequest, rep: User) -> bool:
    """A guidance request and its outcome: the rep, their manager chain, the coach it is
    routed to. Not HR as such, not other coaches, not other reps."""
    if viewer.id in (request.rep_id, request.coach_id):
        return True
    return in_manager_chain(session, viewer, rep)


def is_coach_of(user: User, request: GuidanceRequest) -> bool:
    """Accept or reassign the request: the coach it is routed to now, and only them."""
    return request.coach_id is not None and user.id == request.coach_id
