"""Who may announce awards and see their candidates: HR and admins. Everyone sees an award
once it is announced (it is public praise); the numbers behind it are the winner's own
month, shown because winning is announced with them."""

from __future__ import annotations

from bot.permissions.roles import is_hr
from storage.models.core import User


def can_announce(user: User) -> bool:
    """`/award`, the Announce button and its select: HR and admins."""
    return is_hr(user) and not user.deactivated and not user.is_bot


def sees_candidates(user: User) -> bool:
    """The candidates card (DM) and the candidates on the Home: HR and admins."""
    return can_announce(user)


def can_export(user: User) -> bool:
    """`salespulse export kpi|recognition` as a person (the operator at the command line may)."""
    return is_hr(user)


def may_win(user: User) -> bool:
    """Bots and deactivated people never win (nor are candidates)."""
    return not user.is_bot and not user.deactivated
