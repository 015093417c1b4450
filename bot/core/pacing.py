"""Send pacing shared by every delivering process: the state is in the database
(`send_pacing`: "team:T" and "channel:T:C" rows holding when the next message may go), so the
limits hold however many workers, schedulers and replicas send at once.

A delivery reserves a slot atomically: one transaction locks the workspace row, then the
channel rows (always in that order, channels sorted, so two reservations never deadlock),
hands out slots and moves the rows' times on. A 429's Retry-After moves the workspace's row:
every process then waits for it.

A message whose channel is busy beyond the workspace's next slot is not given a slot (it
would hold the whole workspace back); it is deferred until its channel is free, and the
workspace's slot goes to the next message."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session

from storage.db import Database, insert_for
from storage.models.workspaces import SendPace
from storage.types import utcnow

# Slack: about 1 message per second per channel, several hundred per minute per workspace.
# Both are kept with a little to spare, so that jitter between processes and on the network
# never makes two posts arrive closer together than Slack allows.
CHANNEL_INTERVAL = 1.1
DEFAULT_WORKSPACE_RATE = 300  # messages per minute; SALESPULSE_WORKSPACE_RATE overrides
WORKSPACE_SPARE = 1.02
RATE_ENV = "SALESPULSE_WORKSPACE_RATE"


def workspace_rate() -> int:
    """SALESPULSE_WORKSPACE_RATE (messages per minute per workspace), or the default."""
    text = os.environ.get(RATE_ENV, "").strip()
    if not text:
        return DEFAULT_WORKSPACE_RATE
    try:
        rate = int(text)
    except ValueError:
        rate = 0
    if rate <= 0:
        raise ValueError(f"{RATE_ENV}: {text!r} is not a whole number of messages per minute > 0")
    return rate


@dataclass(frozen=True)
class Pace:
    """Seconds between two posts to one channel, and between two posts of one workspace;
    0 and 0: no pacing (tests that are not about it)."""

    channel: float = CHANNEL_INTERVAL
    workspace: float = 60 / DEFAULT_WORKSPACE_RATE * WORKSPACE_SPARE

    @classmethod
    def per_minute(cls, rate: int, channel: float = CHANNEL_INTERVAL) -> Pace:
        return cls(channel=channel, workspace=60 / rate * WORKSPACE_SPARE)

    @property
    def off(self) -> bool:
        return self.channel <= 0 and self.workspace <= 0


@dataclass(frozen=True)
class Slot:
    at: datetime  # send at this time; or, when deferred, try again at this time
    deferred: bool = False


def team_key(team_id: str) -> str:
    return f"team:{team_id}"


def channel_key(team_id: str, channel: str) -> str:
    return f"channel:{team_id}:{channel}"


def reserve(db: Database, team_id: str, channels: Sequence[str], pace: Pace) -> list[Slot]:
    """A slot for each message (to `channels`, in sending order) of one workspace."""
    with db.session() as session:
        return reserve_in(session, team_id, channels, pace)


def reserve_in(session: Session, team_id: str, channels: Sequence[str], pace: Pace) -> list[Slot]:
    """`reserve` in the caller's transaction (its first statement, or after writes only).
    Reserved just before sending: a slot reserved long ahead could be sent late, closer to
    the next holder of its channel than the channel allows."""
    now = utcnow()
    if pace.off or not channels:
        return [Slot(now) for _ in channels]
    team = team_key(team_id)
    keys = sorted({channel_key(team_id, c) for c in channels})
    gap, channel_gap = timedelta(seconds=pace.workspace), timedelta(seconds=pace.channel)
    stamps = _lock(session, team, keys)
    team_at = max(now, stamps[team])
    slots = []
    for channel in channels:
        key = channel_key(team_id, channel)
        channel_at = max(now, stamps[key])
        if channel_at > team_at + gap:
            slots.append(Slot(channel_at, deferred=True))
            continue
        slot = max(team_at, channel_at)
        stamps[key], team_at = slot + channel_gap, slot + gap
        slots.append(Slot(slot))
    stamps[team] = team_at
    table = SendPace.__table__  # type: ignore[attr-defined]
    session.connection().execute(
        update(table).where(table.c.key == bindparam("k")).values(next_at=bindparam("v")),
        [{"k": key, "v": stamps[key]} for key in [team, *keys]],
    )
    return slots


def pause(db: Database, team_id: str, until: datetime) -> None:
    """Nothing of this workspace goes out before `until` (a 429's Retry-After), from any
    process; a later pause already recorded stays."""
    key = team_key(team_id)
    with db.session() as session:
        if _lock(session, key, [])[key] < until:
            session.exec(update(SendPace).where(SendPace.key == key).values(next_at=until))  # type: ignore[arg-type]


def paused_until(db: Database, team_id: str) -> datetime | None:
    with db.session() as session:
        row = session.get(SendPace, team_key(team_id))
        return row.next_at if row is not None else None


def _lock(session: Session, team: str, keys: list[str]) -> dict[str, datetime]:
    """Lock and read the workspace row (created if new), then the channel rows (created if
    new): every writer of a workspace's rows takes its workspace row first, so two
    reservations never wait on each other in opposite orders. The first statement writes, so
    on SQLite the transaction holds the one write lock before it reads."""
    lock_team = (
        update(SendPace)
        .where(SendPace.key == team)
        .values(next_at=SendPace.next_at)
        .returning(SendPace.next_at)
    )
    found = session.exec(lock_team).first()  # type: ignore[call-overload]
    if found is None:
        _upsert(session, [team])
        found = session.exec(lock_team).first()  # type: ignore[call-overload]
    stamps = {team: found[0]}
    if keys:
        stamps.update(_upsert(session, keys))
    return stamps


def _upsert(session: Session, keys: list[str]) -> dict[str, datetime]:
    """Create the rows that are new and lock all of them; their times. (ON CONFLICT DO
    UPDATE, not DO NOTHING: it locks and returns the rows that exist too.)"""
    insert = insert_for(session)(SendPace)
    long_ago = utcnow() - timedelta(days=1)
    rows = session.exec(
        insert.values([{"key": k, "next_at": long_ago} for k in keys])
        .on_conflict_do_update(index_elements=["key"], set_={"next_at": SendPace.next_at})
        .returning(SendPace.key, SendPace.next_at)  # type: ignore[call-overload]
    ).all()
    return dict(rows)
