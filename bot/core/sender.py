"""The one way out: every Slack Web API call goes through a Sender (its client paces nothing
itself but retries 429 / 5xx; the Sender paces posts per channel).

Anything a flow or job must send exactly once (messages, and files such as the digest's
charts) is an outbox row (`deliveries`) keyed by purpose, queued inside the unit of work's
transaction; after commit, the unit delivers exactly the rows it queued (`deliver`), and the
deliver-outbox job sends what is left (`flush`). A failed recipient is retried later without
stopping others, and no transaction is open while Slack answers. Direct calls (ephemeral
notes, Home publishing, modals, users.info) are made by listeners after their commit.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import String, case, cast, exists, literal, update
from sqlmodel import Session, col, select

from storage.db import Database, insert_for
from storage.models.core import Delivery, SchedulerLease
from storage.types import utcnow

log = logging.getLogger(__name__)
BATCH = 500  # rows per multi-row INSERT
MAX_ATTEMPTS = 5
CLAIM_LEASE = timedelta(minutes=5)  # a claimed delivery not settled by then is retried
# This process, in claims and the scheduler lease; the token tells a restart (same pid in a
# container) from the process that died.
QUEUED = "queued_deliveries"  # Session.info key: the ids a unit of work queued
PROCESS_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Outgoing:
    """One message for `Sender.enqueue_many`."""

    key: str
    channel: str
    text: str
    blocks: list | None
    not_before: datetime | None = None


class Sender:
    def __init__(
        self,
        client: WebClient,
        *,
        channel_interval: float = 1.0,
        list_interval: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.channel_interval = channel_interval  # Slack allows about 1 message/s per channel
        self.list_interval = list_interval  # between users.list pages: Tier 2, about 20/min
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_post: dict[str, float] = {}
        self._dm_channels: dict[str, str] = {}
        self.owner = PROCESS_ID

    # --- direct sends (interactive flows) -------------------------------------------------
    def dm_channel(self, user_id: str) -> str:
        if user_id not in self._dm_channels:
            self._dm_channels[user_id] = self.client.conversations_open(users=user_id)["channel"][
                "id"
            ]
        return self._dm_channels[user_id]

    def post(self, channel: str, text: str, blocks: list[dict] | None = None, **extra: Any) -> str:
        """Post to a channel id, or DM a user id (U…/W…). Returns the message ts."""
        if channel[:1] in ("U", "W"):
            channel = self.dm_channel(channel)
        self._pace(channel)
        resp = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks, **extra)
        return str(resp["ts"])

    def upload(self, channel: str, file: bytes, file_name: str, title: str) -> None:
        self._pace(channel)
        self.client.files_upload_v2(channel=channel, file=file, filename=file_name, title=title)

    def ephemeral(
        self, channel: str, user: str, text: str, blocks: list[dict] | None = None
    ) -> None:
        self.client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)

    def update(self, channel: str, ts: str, text: str, blocks: list[dict] | None = None) -> None:
        self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)

    def publish_home(self, user_id: str, view: dict) -> None:
        self.client.views_publish(user_id=user_id, view=view)

    def open_view(self, trigger_id: str, view: dict) -> None:
        self.client.views_open(trigger_id=trigger_id, view=view)

    def delete(self, channel: str, ts: str) -> None:
        self.client.chat_delete(channel=channel, ts=ts)

    def permalink(self, channel: str, ts: str) -> str:
        return str(self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])

    def user_info(self, user_id: str) -> dict[str, Any]:
        return dict(self.client.users_info(user=user_id, include_locale=True)["user"])

    def users_page(self, cursor: str = "", limit: int = 200) -> tuple[list[dict[str, Any]], str]:
        """One page of users.list with locales, and the cursor of the next ("" after the last).
        Pages are paced (Tier 2); a 429 waits its Retry-After in the client's retry handler."""
        self._pace("method:users.list", self.list_interval)
        resp = self.client.users_list(limit=limit, cursor=cursor or None, include_locale=True)
        more = (resp.get("response_metadata") or {}).get("next_cursor") or ""
        return list(resp["members"]), str(more)

    def _pace(self, channel: str, interval: float | None = None) -> None:
        with self._lock:
            now = self._clock()
            wait_for = self.channel_interval if interval is None else interval
            ready = self._last_post.get(channel, float("-inf")) + wait_for
            wait = max(0.0, ready - now)
            self._last_post[channel] = now + wait
        if wait:
            self._sleep(wait)

    # --- outbox (exactly-once deliveries) -------------------------------------------------
    def enqueue(
        self,
        session: Session,
        team_id: str,
        key: str,
        channel: str,
        text: str,
        blocks: list | None,
        *,
        file: bytes | None = None,
        file_name: str | None = None,
        not_before: datetime | None = None,
    ) -> Delivery | None:
        """Record a delivery unless one with this key exists; returns the new row or None.
        With `file`, the delivery uploads it to `channel` titled `text` (files_upload_v2).
        `not_before`: a scheduled DM's earliest time (bot/org/hours.py), None: at once."""
        found = session.exec(
            select(Delivery.id).where(Delivery.team_id == team_id, Delivery.key == key)
        ).first()
        if found is not None:
            return None
        row = Delivery(
            team_id=team_id,
            key=key,
            channel=channel,
            text=text,
            blocks=blocks,
            file=file,
            file_name=file_name,
            not_before=not_before,
        )
        session.add(row)
        session.flush()
        # The unit of work delivers exactly what it queued, once its transaction committed.
        session.info.setdefault(QUEUED, []).append(row.id)
        return row

    def recorded(self, session: Session, team_id: str, keys: list[str]) -> set[str]:
        """Which of these delivery keys are recorded already (in batches of BATCH)."""
        found: set[str] = set()
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            query = select(Delivery.key).where(
                Delivery.team_id == team_id, col(Delivery.key).in_(batch)
            )
            found.update(session.exec(query).all())
        return found

    def enqueue_many(self, session: Session, team_id: str, rows: list[Outgoing]) -> int:
        """Record many deliveries in a few statements (a job's, set-based); a key already
        recorded, by this run or a concurrent one, is skipped by the database (ON CONFLICT DO
        NOTHING on (team_id, key)). Returns how many were new. The job flushes them."""
        insert = insert_for(session)
        made = 0
        for start in range(0, len(rows), BATCH):
            values = [
                {
                    "team_id": team_id,
                    "key": r.key,
                    "channel": r.channel,
                    "text": r.text,
                    "blocks": r.blocks,
                    "not_before": r.not_before,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": utcnow(),
                    "created_at": utcnow(),
                }
                for r in rows[start : start + BATCH]
            ]
            statement = insert(Delivery).on_conflict_do_nothing().returning(Delivery.id)
            # executemany (insertmanyvalues batches it): the ids of the rows actually inserted
            made += len(session.connection().execute(statement, values).all())
        return made

    def deliver(self, db: Database, ids: list[int]) -> tuple[int, int]:
        """Send these deliveries now (a listener's own, after its commit); (sent, failed).
        A refused one stays in the outbox, retried by the deliver-outbox job."""
        return self._send(db, ids)

    def flush(
        self, db: Database, *, team_id: str | None = None, as_of: datetime | None = None
    ) -> tuple[int, int]:
        """Send every due delivery; returns (sent, failed). One failure never stops the others:
        it is retried later with backoff, up to MAX_ATTEMPTS. `as_of` (the job's time, now by
        default) decides which scheduled DMs (`not_before`) are due."""
        with db.session() as session:
            query = select(Delivery.id).where(_due(utcnow(), as_of))
            if team_id:
                query = query.where(Delivery.team_id == team_id)
            ids = list(session.exec(query.order_by(Delivery.id)))  # type: ignore[arg-type]
        return self._send(db, ids, as_of)

    def _send(self, db: Database, ids: list[int], as_of: datetime | None = None) -> tuple[int, int]:
        sent = failed = 0
        for delivery_id in ids:
            row = _claim(db, delivery_id, self.owner, as_of)
            if row is None:
                continue  # another flush (a double click, the job, another process) has it
            try:  # no database transaction is held open while Slack answers
                if row.file is not None:
                    self.upload(row.channel, row.file, row.file_name or row.key, row.text)
                    ts = None
                else:
                    ts = self.post(row.channel, row.text, row.blocks)
            except (SlackApiError, OSError) as exc:  # OSError: Slack unreachable
                _settle(db, delivery_id, error=_reason(exc))
                log.warning("delivery %s to %s failed: %s", row.key, row.channel, _reason(exc))
                failed += 1
            else:
                _settle(db, delivery_id, ts=ts)
                sent += 1
        return sent, failed


def posted_late(session: Session, team_id: str, model: Any, prefix: str, suffix: str) -> list[int]:
    """Ids of `model` rows (with `id`, `team_id`, `ts`) whose card, the delivery keyed
    `{prefix}{id}{suffix}`, went out after the request that queued it had finished (an outbox
    retry), so the row has no `ts` yet and whatever follows the card is still owed."""
    key = literal(prefix) + cast(model.id, String) + literal(suffix)
    return list(
        session.exec(
            select(model.id)
            .join(Delivery, Delivery.key == key)  # type: ignore[arg-type]
            .where(
                model.team_id == team_id,
                Delivery.team_id == team_id,
                model.ts.is_(None),
                Delivery.ts.is_not(None),  # type: ignore[union-attr]
            )
        ).all()
    )


def _holds_lease(owner: Any, now: datetime) -> Any:
    return exists().where(SchedulerLease.owner == owner, SchedulerLease.expires_at > now)


def _due(now: datetime, as_of: datetime | None = None) -> Any:
    scheduled = Delivery.not_before.is_(None) | (Delivery.not_before <= (as_of or now))  # type: ignore[union-attr,operator]
    pending = (
        (Delivery.status == "pending") & (Delivery.next_attempt_at <= now) & scheduled  # type: ignore[operator]
    )
    # "sending" past its claim's lease means the process that claimed it died mid-send; so
    # does a claim by a scheduler that no longer holds its lease (it died, or lost the lease
    # to a new holder): retry both at once.
    abandoned = (Delivery.status == "sending") & (
        (Delivery.next_attempt_at <= now)  # type: ignore[operator]
        | (Delivery.claimed_by.is_not(None) & ~_holds_lease(Delivery.claimed_by, now))  # type: ignore[union-attr]
    )
    return pending | abandoned


def _claim(
    db: Database, delivery_id: int, owner: str, as_of: datetime | None = None
) -> Delivery | None:
    """Mark one delivery as being sent, atomically, so exactly one flush sends it. The claim
    names this process only while it holds the scheduler lease (checked in the same statement):
    other processes' claims, e.g. a web replica's, are trusted for CLAIM_LEASE."""
    now = utcnow()
    with db.session() as session:
        claimed = session.exec(
            update(Delivery)  # type: ignore[arg-type]
            .where(Delivery.id == delivery_id, _due(now, as_of))
            .values(
                status="sending",
                attempts=Delivery.attempts + 1,
                next_attempt_at=now + CLAIM_LEASE,
                claimed_by=case((_holds_lease(owner, now), owner), else_=None),
            )
        ).rowcount
        return session.get(Delivery, delivery_id) if claimed else None


def _settle(
    db: Database, delivery_id: int, *, ts: str | None = None, error: str | None = None
) -> None:
    with db.session() as session:
        row = session.get(Delivery, delivery_id)
        assert row is not None
        if error is None:
            row.status, row.ts, row.sent_at, row.last_error = "sent", ts, utcnow(), None
        else:
            row.last_error = error
            row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
            row.next_attempt_at = utcnow() + timedelta(minutes=2**row.attempts)
        session.add(row)


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return f"{type(exc).__name__}: {exc}"
