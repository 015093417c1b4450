"""Once-only requests. Slack may deliver one slash command or view submission twice (a proxy
replay, a double Enter): the first to claim its key acts, the other answers quietly.

The claim is a row in the caller's transaction, so it commits with the records it guards: a
failed attempt leaves no claim and can be retried, and a duplicate loses on the unique
(team_id, key) constraint, after waiting for the first one to commit if it is still running."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models.core import Claim


class AlreadyDone(Exception):
    """This once-only action was already taken: the unit of work rolls back, and the request
    answers quietly (no second card, no second DM, no error)."""


def claim(session: Session, team_id: str, key: str) -> None:
    """Claim `key` (e.g. "trigger:<trigger_id>") in this unit of work, or raise AlreadyDone.
    Call it before any other write, so nothing else needs undoing when it loses."""
    session.add(Claim(team_id=team_id, key=key[:255]))
    try:
        session.flush()
    except IntegrityError as exc:
        raise AlreadyDone(key) from exc
