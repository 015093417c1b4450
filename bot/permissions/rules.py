"""Who may see or do what. The only place such rules live: handlers and views ask here.

Roles: rep < manager < hr < admin. A manager's authority covers their whole reporting
tree (the manager chain of a user), not their peers' reports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.org.directory import manager_chain, reporting_tree
from storage.models.core import User
from storage.models.feedback import Feedback, FeedbackAsk


def is_hr(user: User) -> bool:
    return user.role in ("hr", "admin")


def is_admin(user: User) -> bool:
    return user.role == "admin"


def in_manager_chain(session: Session, viewer: User, subject: User) -> bool:
    return any(m.id == viewer.id for m in manager_chain(session, subject))


def can_view_performance(session: Session, viewer: User, subject: User) -> bool:
    """Numbers and reviews of `subject`: themselves, their manager chain, HR and admin."""
    return viewer.id == subject.id or is_hr(viewer) or in_manager_chain(session, viewer, subject)


def can_import_org(user: User) -> bool:
    return is_hr(user)


# --- feedback -------------------------------------------------------------------------------
# Feedback text is sensitive. Who may read one piece:
#   * the giver and the person it is addressed to (for an answer to a manager's request about
#     a rep: that manager; the rep only once the manager shared it);
#   * the recipient's manager chain, when the giver is in that chain or chose "manager";
#   * everyone, for praise the giver made public (it is posted like a kudos).
# HR sees counts and trends (can_see_feedback_counts), never the text by virtue of the role.


def allowed_visibilities(kind: str) -> tuple[str, ...]:
    """Corrections and suggestions are never public."""
    return ("private", "manager", "public") if kind == "praise" else ("private", "manager")


def feedback_addressee(fb: Feedback) -> int:
    """Who the feedback is delivered to first: the recipient, or the manager who asked."""
    return fb.held_for_id if fb.held_for_id is not None else fb.recipient_id


def can_read_feedback(session: Session, viewer: User, fb: Feedback) -> bool:
    if viewer.id in (fb.giver_id, feedback_addressee(fb)):
        return True
    if fb.kind == "praise" and fb.visibility == "public":
        return True
    if viewer.id == fb.recipient_id:
        return fb.shared_at is not None  # held answer: the manager decides
    if fb.held_for_id is not None:
        return False  # asked by a manager: only that manager (and giver) read it
    recipient = session.get(User, fb.recipient_id)
    if recipient is None:
        return False
    chain_ids = {m.id for m in manager_chain(session, recipient)}
    return viewer.id in chain_ids and (fb.giver_id in chain_ids or fb.visibility == "manager")


def can_see_feedback_counts(session: Session, viewer: User, subject: User) -> bool:
    """How much feedback someone got (no text): themselves, their manager chain, HR."""
    return can_view_performance(session, viewer, subject)


def can_acknowledge(viewer: User, fb: Feedback) -> bool:
    """Thanks / Let's discuss: the person who received it in their DM."""
    if fb.held_for_id is not None:
        return viewer.id == fb.recipient_id and fb.shared_at is not None
    return viewer.id == fb.recipient_id


def can_share_with_subject(viewer: User, fb: Feedback) -> bool:
    return fb.held_for_id is not None and viewer.id == fb.held_for_id


def can_request_feedback_about(session: Session, requester: User, subject: User) -> bool:
    """`/feedback request ... for @rep`: only the rep's managers (direct or above)."""
    return requester.id != subject.id and in_manager_chain(session, requester, subject)


def can_answer_ask(viewer: User, ask: FeedbackAsk) -> bool:
    return viewer.id == ask.peer_id


# --- KPIs -------------------------------------------------------------------------------


def can_view_kpis(session: Session, viewer: User, subject: User) -> bool:
    """Someone's scorecard: themselves, their manager chain, HR and admin. Everyone else is
    refused with the same words whether or not the person has numbers."""
    return can_view_performance(session, viewer, subject)


@dataclass(frozen=True)
class KpiTeamView:
    """What `/kpi team` may show a viewer."""

    team: str | None  # the sales team shown; None: a reporting tree or the whole company
    members: list[int] | None  # only these people; None: everyone in `team` (or company)
    detailed: bool  # per-metric numbers of others (managers, HR); reps see composites only


def kpi_team_view(session: Session, viewer: User, team: str | None) -> KpiTeamView | None:
    """None when the viewer may not see that team's ranking.

    - HR/admin: any team; without a name their own team, or the whole company.
    - Managers: their reporting tree (with a name: the part of it in that team).
    - Reps: their own team's ranking of composite scores, nobody's raw numbers."""
    if is_hr(viewer):
        if team is None and viewer.team is None:
            return KpiTeamView(None, None, True)
        return KpiTeamView(team or viewer.team, None, True)
    if viewer.role == "manager":
        tree = reporting_tree(session, viewer)
        if team is None:
            return KpiTeamView(None, [u.id for u in tree if u.id is not None], True)
        members = [u.id for u in tree if u.team == team and u.id is not None]
        if members:
            return KpiTeamView(team, members, True)
        if team == viewer.team:
            return KpiTeamView(team, None, False)
        return None
    if viewer.team is not None and team in (None, viewer.team):
        return KpiTeamView(viewer.team, None, False)
    return None
