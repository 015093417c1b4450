"""Who may see and decide what in continuous improvement: the suggestion box, the KPI
scheme's history and the calibration of targets.

An anonymous suggestion's author is known to the bot (to tell them each status change) and
to no one else: not HR, not an admin, not the logs at INFO."""

from __future__ import annotations

from bot.permissions.roles import is_hr
from storage.models.core import User
from storage.models.improvement import Suggestion


def handles_suggestions(user: User) -> bool:
    """Acknowledge, plan or decline suggestions, list all open ones: HR and admins."""
    return is_hr(user) and not user.deactivated and not user.is_bot


def sees_author(viewer: User, suggestion: Suggestion) -> bool:
    """The author's name: the author always; others only when it is not anonymous and they
    may see the suggestion at all (HR, or everyone for a public one)."""
    if viewer.id == suggestion.author_id:
        return True
    if suggestion.anonymous:
        return False
    return suggestion.public or handles_suggestions(viewer)


def can_see(viewer: User, suggestion: Suggestion) -> bool:
    """The suggestion itself: its author, HR, and everyone when it is public."""
    return viewer.id == suggestion.author_id or suggestion.public or handles_suggestions(viewer)


def can_vote(user: User) -> bool:
    """+1 a public suggestion: anyone active in the directory."""
    return not user.deactivated and not user.is_bot


def sees_scheme_history(user: User) -> bool:
    """Every recorded change of the KPI scheme (everyone sees the current one and its last
    change): HR and admins."""
    return is_hr(user)


def gets_calibration(user: User) -> bool:
    """The quarterly calibration card and `salespulse kpi calibration` as a person."""
    return is_hr(user) and not user.deactivated and not user.is_bot


def shown_in_channel(suggestion: Suggestion) -> bool:
    """The author's name in a channel's copy (HR's channel, the suggestions channel), read by
    whoever is in it: only when the suggestion is not anonymous."""
    return not suggestion.anonymous


def can_vote_on(user: User, suggestion: Suggestion) -> bool:
    """+1 this suggestion: someone who may vote, on a public suggestion, not their own (the
    count is of colleagues who back it; the author's support goes without saying)."""
    return can_vote(user) and suggestion.public and user.id != suggestion.author_id
