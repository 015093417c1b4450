"""KPI API tokens (`salespulse api-token …`): each names one workspace. Only a token's SHA-256
and its first characters are stored, so a database leak gives no usable token, and the
operator can still tell tokens apart.

The API looks a token up on every request (one indexed read): a revoked token stops working
at once on every replica, with no cache to outlive it."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models.workspaces import ApiToken

SCHEME = "spk_"  # marks our tokens: secret scanners can match it, and so can the API
PREFIX_LENGTH = 12  # "spk_" and 8 random characters: shown by `list`, enough to revoke by


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(session: Session, team_id: str, now: datetime) -> tuple[str, ApiToken]:
    """A new token for `team_id`: (the token, shown once and never again; its stored row)."""
    token = SCHEME + secrets.token_urlsafe(30)  # 40 characters, 240 random bits
    row = ApiToken(
        team_id=team_id, token_hash=token_hash(token), prefix=token[:PREFIX_LENGTH], created_at=now
    )
    session.add(row)
    session.flush()
    return token, row


def team_of(session: Session, token: str) -> str | None:
    """The workspace of a live (unrevoked) token, else None. A lookup by hash: the hash of a
    guess says nothing about how close it was, so no constant-time compare is needed."""
    if not token.startswith(SCHEME):
        return None
    return session.exec(
        select(ApiToken.team_id).where(
            ApiToken.token_hash == token_hash(token), col(ApiToken.revoked_at).is_(None)
        )
    ).first()


def listed(session: Session, team_id: str) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.team_id == team_id)
            .order_by(col(ApiToken.created_at), col(ApiToken.id))
        ).all()
    )


class TokenNotFound(LookupError):
    """One line for the operator: unknown, ambiguous or already revoked."""


@dataclass(frozen=True)
class Revoked:
    token: ApiToken
    now: bool  # False: it was revoked already (nothing changed)


def revoke(session: Session, given: str, now: datetime, team_id: str | None = None) -> Revoked:
    """Revoke the token `given` (the whole token, or the start of its prefix as `list` shows
    it). Refuses an unknown or ambiguous prefix; a conditional UPDATE, so two revokes at once
    record one time."""
    row = _one(session, given.strip(), team_id)
    done = session.execute(
        update(ApiToken)
        .where(col(ApiToken.id) == row.id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    session.refresh(row)
    return Revoked(row, bool(done.rowcount))  # type: ignore[attr-defined]


def _one(session: Session, given: str, team_id: str | None) -> ApiToken:
    scoped = [ApiToken.team_id == team_id] if team_id else []
    if len(given) > PREFIX_LENGTH:  # longer than a prefix: only the whole token can match
        found = session.exec(
            select(ApiToken).where(ApiToken.token_hash == token_hash(given), *scoped)
        ).first()
        if found is None:
            raise TokenNotFound("no such token (give the whole token, or its prefix from `list`)")
        return found
    if len(given) < len(SCHEME) + 4:
        raise TokenNotFound(f"{given!r}: give at least {len(SCHEME) + 4} characters of a prefix")
    matches = session.exec(
        select(ApiToken)
        .where(col(ApiToken.prefix).startswith(given, autoescape=True), *scoped)
        .order_by(col(ApiToken.id))
        .limit(6)
    ).all()
    if not matches:
        raise TokenNotFound(
            f"{given!r}: no token has this prefix (see `salespulse api-token list`)"
        )
    if len(matches) > 1:
        shown = ", ".join(f"{m.prefix} ({m.team_id})" for m in matches[:5])
        raise TokenNotFound(f"{given!r} is ambiguous: it starts {shown}; give more characters")
    return matches[0]
