"""Who may read, acknowledge, share, ask for and answer feedback.

Feedback text is sensitive. Who may read one piece:
  * the giver and the person it is addressed to (for an answer to a manager's request about
    a rep: that manager; the rep only once the manager shared it, and with the answerer's
    name only when the answerer agreed: can_see_giver);
  * the recipient's manager chain, when the giver is in that chain or chose "manager";
  * everyone, for praise the giver made public (it is posted like a kudos).
HR sees counts and trends (can_see_feedback_counts), never the text by virtue of the role."""

from __future__ import annotations

from sqlmodel import Session

from bot.org.directory import manager_chain
from bot.permissions.roles import can_view_performance, in_manager_chain
from storage.models.core import User
from storage.models.feedback import VISIBILITIES, Feedback, FeedbackAsk


def allowed_visibilities(kind: str) -> tuple[str, ...]:
    """Corrections and suggestions are never public."""
    return VISIBILITIES if kind == "praise" else tuple(v for v in VISIBILITIES if v != "public")


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


def can_see_giver(session: Session, viewer: User, fb: Feedback) -> bool:
    """Who gave it: everyone who may read it, except the rep reading a manager's request's
    answer that the manager shared without the answerer's consent (`share_name`): that rep
    sees "a colleague". Nobody else reads a held answer (not the requester's own managers,
    not the rep's other managers, not HR), so nobody else sees the name either."""
    if not can_read_feedback(session, viewer, fb):
        return False
    if fb.held_for_id is not None and viewer.id == fb.recipient_id != fb.giver_id:
        return bool(fb.share_name)
    return True


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
