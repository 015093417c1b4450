"""The outbox's claims and settlements: how due deliveries are taken (by any number of
processes at once), sent at their paced slots, and settled.

Claims are set-based: one UPDATE takes a small batch of due rows. On PostgreSQL its subquery
locks them `FOR UPDATE SKIP LOCKED`, so workers never wait on each other's rows; SQLite has
one writer, and the same conditional UPDATE is atomic there. A claim names its process only
while that process holds a live lease (`scheduler_lease` rows: the scheduler's, or a worker's
`worker:<id>` heartbeat): once the lease lapses (the process died), its claims are due again
at once; claims by processes without a lease (a web replica delivering what its request
queued) are trusted for CLAIM_LEASE.

Slack's answer decides what happens to a row: sent; refused for good (PERMANENT: failed at
once, with the reason); 429 (the workspace is paused for every process until Retry-After, and
the row waits for it without losing an attempt); the workspace's token refused (TOKEN_REFUSED:
the app was removed, or a token revoked; the workspace is paused for TOKEN_PAUSE the same way,
so its messages wait for a working token instead of each failing ten times); anything else
(5xx, Slack unreachable) is retried with backoff, failed after MAX_ATTEMPTS."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from sqlalchemy import case, exists, update
from sqlmodel import Session, col, select

from bot.core import pacing
from storage.db import Database
from storage.models.core import Delivery, SchedulerLease
from storage.types import utcnow

log = logging.getLogger(__name__)
# This process, in claims and leases; the token tells a restart (same pid in a container)
# from the process that died.
PROCESS_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
CLAIM_BATCH = 20  # rows per claim: a few seconds of sending at most, so a crash strands few
CLAIM_LEASE = timedelta(minutes=5)  # a claim without a live lease holder is retried after it
MAX_ATTEMPTS = 10  # with the backoff below, a recipient is tried for about half an hour
MAX_BACKOFF = timedelta(minutes=10)
PERMANENT = frozenset(
    {"user_not_found", "account_inactive", "channel_not_found", "is_archived", "not_in_channel"}
)
TOKEN_REFUSED = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired"})
TOKEN_PAUSE = timedelta(minutes=15)
FOLLOW_DEFERRED = 10.0  # seconds a flush waits for a message it deferred (busy channel)


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery, as read in the claiming statement."""

    id: int
    team_id: str
    key: str
    channel: str
    text: str
    blocks: list | None
    file: bytes | None
    file_name: str | None


class Transport(Protocol):
    """What sends a claimed delivery: a workspace's Sender."""

    pace: pacing.Pace

    def send_claimed(self, row: Claimed) -> str | None: ...


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0  # refused this time (retried later) or for good
    deferred: int = 0  # not sent yet: its channel busy, or the workspace paused
    retry_at: datetime | None = None  # the earliest time a deferred row is due again

    def defer(self, until: datetime) -> None:
        self.deferred += 1
        self.retry_at = until if self.retry_at is None else min(self.retry_at, until)

    def add(self, other: Tally) -> None:
        self.sent, self.failed = self.sent + other.sent, self.failed + other.failed
        self.deferred += other.deferred
        if other.retry_at is not None:
            self.retry_at = min(filter(None, (self.retry_at, other.retry_at)))


def holds_lease(owner: Any, now: datetime) -> Any:
    return exists().where(SchedulerLease.owner == owner, SchedulerLease.expires_at > now)


def due(now: datetime, as_of: datetime | None = None) -> Any:
    scheduled = col(Delivery.not_before).is_(None) | (col(Delivery.not_before) <= (as_of or now))
    pending = (Delivery.status == "pending") & (col(Delivery.next_attempt_at) <= now) & scheduled
    # "sending" past its claim's lease means the process that claimed it died mid-send; so
    # does a claim by a process that no longer holds its lease (it died, or lost the lease
    # to a new holder): retry both at once.
    abandoned = (Delivery.status == "sending") & (
        (col(Delivery.next_attempt_at) <= now)
        | (col(Delivery.claimed_by).is_not(None) & ~holds_lease(Delivery.claimed_by, now))
    )
    return pending | abandoned


def claim(
    db: Database,
    owner: str,
    *,
    teams: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
    as_of: datetime | None = None,
    limit: int = CLAIM_BATCH,
) -> list[Claimed]:
    """Take up to `limit` due deliveries (of `teams`, or these `ids`), oldest first."""
    now = utcnow()
    wanted = select(Delivery.id).where(due(now, as_of))
    if teams is not None:
        wanted = wanted.where(col(Delivery.team_id).in_(teams))
    if ids is not None:
        wanted = wanted.where(col(Delivery.id).in_(ids))
    wanted = wanted.order_by(col(Delivery.id)).limit(limit).with_for_update(skip_locked=True)
    fields = ("id", "team_id", "key", "channel", "text", "blocks", "file", "file_name")
    with db.session() as session:
        rows = session.exec(
            update(Delivery)  # type: ignore[arg-type]
            .where(col(Delivery.id).in_(wanted.scalar_subquery()))
            .values(
                status="sending",
                attempts=Delivery.attempts + 1,
                next_attempt_at=now + CLAIM_LEASE,
                claimed_by=case((holds_lease(owner, now), owner), else_=None),
            )
            .returning(*(getattr(Delivery, f) for f in fields))
        ).all()
    return sorted((Claimed(*row) for row in rows), key=lambda r: r.id)


def release(db: Database, rows: Iterable[Claimed], until: datetime) -> None:
    """Give claimed rows back, unsent and without using up an attempt, due again at `until`."""
    ids = [r.id for r in rows]
    if not ids:
        return
    with db.session() as session:
        session.exec(
            update(Delivery)  # type: ignore[arg-type]
            .where(col(Delivery.id).in_(ids), Delivery.status == "sending")
            .values(
                status="pending",
                attempts=Delivery.attempts - 1,
                next_attempt_at=until,
                claimed_by=None,
            )
        )


def settle(
    db: Database, delivery_id: int, *, ts: str | None = None, error: str | None = None
) -> str:
    """Record Slack's answer; the row's new status."""
    now = utcnow()
    with db.session() as session:
        row = session.get(Delivery, delivery_id)
        assert row is not None
        if error is None:
            row.status, row.ts, row.sent_at, row.last_error = "sent", ts, now, None
        else:
            row.last_error = error[:500]
            if error in PERMANENT or row.attempts >= MAX_ATTEMPTS:
                # a failed row's next_attempt_at tells when it failed (`deliveries failed`)
                row.status, row.next_attempt_at = "failed", now
            else:
                row.status = "pending"
                row.next_attempt_at = now + min(timedelta(seconds=2**row.attempts), MAX_BACKOFF)
        session.add(row)
        return row.status


def send_batch(
    db: Database,
    rows: Sequence[Claimed],
    transport_of: Callable[[str], Transport | None],
    *,
    sleep: Callable[[float], None] = time.sleep,
    stopping: Callable[[], bool] = lambda: False,
) -> Tally:
    """Send claimed rows, each at the slot it reserves just before (its workspace paced by its
    transport's Pace), and settle each as soon as Slack answers, so a crash leaves at most the
    one in flight unknown.
    Rows of a workspace that is not installed any more, or not reached because this process is
    stopping, are given back untouched."""
    tally = Tally()
    paused: dict[str, datetime] = {}  # 429: the rest of that workspace waits for Retry-After
    sent: list[tuple[int, str | None]] = []  # settled with the next reservation (one commit)
    try:
        for index, row in enumerate(rows):
            transport = transport_of(row.team_id)
            if transport is None or row.team_id in paused:
                _mark_sent(db, sent)
                until = paused.get(row.team_id)
                release(db, [row], until or utcnow() + timedelta(minutes=1))
                if until is not None:
                    tally.defer(until)
                continue
            with db.session() as session:
                _mark_sent_in(session, sent)
                [slot] = pacing.reserve_in(session, row.team_id, [row.channel], transport.pace)
            if slot.deferred:
                release(db, [row], slot.at)
                tally.defer(slot.at)
                continue
            wait = (slot.at - utcnow()).total_seconds()
            if wait > 0:
                sleep(wait)
            if stopping():
                release(db, rows[index:], utcnow())
                break
            until = _send_one(db, row, transport, tally, sent)
            if until is not None:
                paused[row.team_id] = until
    finally:
        _mark_sent(db, sent)
    return tally


def _send_one(
    db: Database,
    row: Claimed,
    transport: Transport,
    tally: Tally,
    sent: list[tuple[int, str | None]],
) -> datetime | None:
    """Send one row; the end of the workspace's pause when Slack said 429. A refusal is
    settled at once, a success is added to `sent` (settled in the very next transaction)."""
    try:  # no database transaction is held open while Slack answers
        ts = transport.send_claimed(row)
    except SlackApiError as exc:
        if exc.response.status_code == 429:
            until = _pause(db, row, timedelta(seconds=_retry_after(exc)), tally, sent)
            log.info("workspace %s rate limited: paused until %s", row.team_id, until)
            return until
        reason = _reason(exc)
        if reason in TOKEN_REFUSED:
            until = _pause(db, row, TOKEN_PAUSE, tally, sent)
            log.error(
                "workspace %s refused the bot's token (%s): its messages wait, tried again at "
                "%s; reinstall the app there, or set a working SLACK_BOT_TOKEN",
                row.team_id,
                reason,
                until,
            )
            return until
        _failed(db, row, reason, tally)
    except OSError as exc:  # Slack unreachable
        _failed(db, row, _reason(exc), tally)
    else:
        sent.append((row.id, ts))
        tally.sent += 1
    return None


def _pause(
    db: Database,
    row: Claimed,
    wait: timedelta,
    tally: Tally,
    sent: list[tuple[int, str | None]],
) -> datetime:
    """Pause the row's workspace for every process; the row waits for the pause's end without
    losing an attempt."""
    until = utcnow() + wait
    _mark_sent(db, sent)
    pacing.pause(db, row.team_id, until)
    release(db, [row], until)
    tally.defer(until)
    return until


def _mark_sent(db: Database, sent: list[tuple[int, str | None]]) -> None:
    if sent:
        with db.session() as session:
            _mark_sent_in(session, sent)


def _mark_sent_in(session: Session, sent: list[tuple[int, str | None]]) -> None:
    now = utcnow()
    for delivery_id, ts in sent:
        session.exec(
            update(Delivery)  # type: ignore[arg-type]
            .where(col(Delivery.id) == delivery_id)
            .values(status="sent", ts=ts, sent_at=now, last_error=None)
        )
    sent.clear()


def _failed(db: Database, row: Claimed, reason: str, tally: Tally) -> None:
    status = settle(db, row.id, error=reason)
    log.warning("delivery %s to %s %s: %s", row.key, row.channel, status, reason)
    tally.failed += 1


def _retry_after(exc: SlackApiError) -> float:
    headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
    try:
        return max(1.0, float(headers.get("retry-after", 1)))
    except (TypeError, ValueError):
        return 1.0


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        data = exc.response.data
        error = data.get("error") if isinstance(data, dict) and status < 500 else None
        return str(error or f"HTTP {status}")  # a 5xx's body is an HTML page
    return f"{type(exc).__name__}: {exc}"


def failed(session: Session, team_id: str | None = None) -> list[Delivery]:
    """Deliveries that failed for good, newest first (`salespulse deliveries failed`)."""
    query = select(Delivery).where(Delivery.status == "failed")
    if team_id:
        query = query.where(Delivery.team_id == team_id)
    return list(
        session.exec(query.order_by(col(Delivery.next_attempt_at).desc(), col(Delivery.id).desc()))
    )
