"""Who may run review cycles, do a review task, and read reviews and completion.

A rep never sees another rep's reviews; the reviewed rep sees their peers' comments without
names (unless `[reviews] peer_names`); managers see their reporting tree; HR and admins see
everything for export, while Home and channel posts show them counts only."""

from __future__ import annotations

from sqlmodel import Session

from bot.org.directory import reporting_tree
from bot.permissions.roles import can_view_performance, in_manager_chain, is_hr
from storage.models.core import User
from storage.models.reviews import ReviewTask


def can_run_cycles(user: User) -> bool:
    """Start, close and export cycles."""
    return is_hr(user)


def may_do(user: User, task: ReviewTask) -> bool:
    """Open, submit or edit a task: its owner only (not their manager, not HR)."""
    return task.reviewer_id == user.id


def can_see_completion(session: Session, viewer: User, subject: User) -> bool:
    """Whether `subject`'s tasks are done or late: themselves, their manager chain, HR."""
    return viewer.id == subject.id or is_hr(viewer) or in_manager_chain(session, viewer, subject)


def completion_visible_to(session: Session, manager: User) -> list[User]:
    """Whose completion a manager's `/review` shows: their reporting tree (everyone in it
    has them in their manager chain, as `can_see_completion` asks), one query per level."""
    return reporting_tree(session, manager)


def can_read_review(session: Session, viewer: User, task: ReviewTask, subject: User) -> bool:
    """The text and ratings of a submitted review of `subject`: its author, the reviewed
    person (once the cycle is closed, in their summary), their manager chain, HR."""
    if viewer.id == task.reviewer_id or viewer.id == subject.id or is_hr(viewer):
        return True
    return in_manager_chain(session, viewer, subject)


def shows_reviewer_to_subject(task: ReviewTask, peer_names: bool) -> bool:
    """Whether the reviewed person sees who wrote it: self and manager reviews always; peer
    reviews only with `[reviews] peer_names = true`."""
    return task.role != "peer" or peer_names


# --- closing: who receives which summary ----------------------------------------------------


def can_close_and_export(user: User) -> bool:
    """Close a cycle (`/review close`, the CLI) and export its reviews: HR and admins."""
    return can_run_cycles(user)


def gets_cycle_statistics(user: User) -> bool:
    """The closing DM with completion and rating distributions (counts only, no text)."""
    return is_hr(user) and not user.deactivated and not user.is_bot


def in_team_summary(session: Session, manager: User, subject: User) -> bool:
    """A manager's team summary lists the reps of their reporting tree, no one else."""
    return manager.id != subject.id and in_manager_chain(session, manager, subject)


def in_own_summary(rep: User, task: ReviewTask) -> bool:
    """A rep's summary carries the submitted reviews of that rep only (the rep's own self
    review, their manager's and their peers'), never another rep's."""
    return task.subject_id == rep.id and task.status == "done" and task.role != "nominate"


# --- peers -----------------------------------------------------------------------------------


def may_nominate(session: Session, user: User, subject: User) -> bool:
    """Choose or change the peers who review `subject`: the rep themselves and their manager
    chain (not the peers, not other reps; HR has no say here)."""
    return user.id == subject.id or in_manager_chain(session, user, subject)


# --- doing reviews, status --------------------------------------------------------------------


def shows_scorecard_in_review(
    session: Session, viewer: User, task: ReviewTask, subject: User
) -> bool:
    """The review form shows the reviewed person's scorecard to their own self review and to
    a manager review written by someone who may see their numbers today (their manager
    chain: not a manager who has since moved away). A peer is a rep, and a rep never sees
    another rep's numbers."""
    if task.role == "self":
        return viewer.id == subject.id
    if task.role == "manager":
        return can_view_performance(session, viewer, subject)
    return False


def can_see_cycle_status(user: User) -> bool:
    """`/review status` and `salespulse review status`: completion of a cycle by team."""
    return is_hr(user)
