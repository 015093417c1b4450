"""The one way out: every Slack Web API call goes through a Sender (its client retries 429 /
5xx for direct calls; the Sender paces direct posts per channel in memory, and outbox sends
per channel and per workspace in the database, shared by every process: bot/core/pacing.py).

Anything a flow or job must send exactly once (messages, and files such as the digest's
charts) is an outbox row (`deliveries`) keyed by purpose, queued inside the unit of work's
transaction; after commit, the unit delivers exactly the rows it queued (`deliver`), and the
deliver-outbox job and `salespulse worker` processes send what is left (`flush`, and
bot/core/worker.py; claims and settlements in bot/core/outbox.py). A failed recipient is
retried later without stopping others, and no transaction is open while Slack answers. Direct calls (ephemeral
notes, Home publishing, modals, users.info) are made by listeners after their commit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import String, cast, literal
from sqlmodel import Session, col, select

from bot.core import outbox
from bot.core.outbox import PROCESS_ID, Claimed
from bot.core.pacing import Pace
from storage.db import Database, insert_for
from storage.models.core import Delivery
from storage.types import utcnow

BATCH = 500  # rows per multi-row INSERT
QUEUED = "queued_deliveries"  # Session.info key: the ids a unit of work queued
__all__ = ["PROCESS_ID", "QUEUED", "Outgoing", "Sender", "posted_late"]


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
        pace: Pace | None = None,
    ) -> None:
        self.client = client
        # Outbox sends pace themselves in the database and handle 429 and 5xx themselves
        # (a 429 pauses the workspace for every process), so their client retries nothing:
        # a retry handler would sleep out Retry-After in this process alone.
        self.outbox_client = WebClient(
            token=client.token, base_url=client.base_url, timeout=client.timeout, retry_handlers=[]
        )
        self.pace = pace or Pace()  # the outbox's, shared by every process (bot/core/pacing.py)
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
        A refused one stays in the outbox, retried by a worker or the deliver-outbox job."""
        return self._drain(db, ids=ids)

    def flush(
        self, db: Database, *, team_id: str | None = None, as_of: datetime | None = None
    ) -> tuple[int, int]:
        """Send every due delivery (of `team_id`); returns (sent, failed). One failure never
        stops the others: it is retried later with backoff. `as_of` (the job's time, now by
        default) decides which scheduled DMs (`not_before`) are due."""
        return self._drain(db, teams=[team_id] if team_id else None, as_of=as_of)

    def _drain(
        self,
        db: Database,
        *,
        teams: list[str] | None = None,
        ids: list[int] | None = None,
        as_of: datetime | None = None,
    ) -> tuple[int, int]:
        """Claim and send batch after batch until nothing is due; a message deferred because
        its channel was busy is waited for when that is soon (a post and its chart)."""
        total = outbox.Tally()
        while True:
            rows = outbox.claim(db, self.owner, teams=teams, ids=ids, as_of=as_of)
            if rows:
                total.add(outbox.send_batch(db, rows, lambda _team: self, sleep=self._sleep))
                continue
            wait = (total.retry_at - utcnow()).total_seconds() if total.retry_at else None
            if wait is None or wait > outbox.FOLLOW_DEFERRED:
                return total.sent, total.failed
            total.retry_at = None
            self._sleep(max(0.0, wait) + 0.01)

    def send_claimed(self, row: Claimed) -> str | None:
        """Send one claimed delivery (outbox.send_batch calls it at its slot); the message ts."""
        if row.file is not None:
            self.outbox_client.files_upload_v2(
                channel=row.channel,
                file=row.file,
                filename=row.file_name or row.key,
                title=row.text,
            )
            return None
        channel = self.dm_channel(row.channel) if row.channel[:1] in ("U", "W") else row.channel
        resp = self.outbox_client.chat_postMessage(
            channel=channel, text=row.text, blocks=row.blocks
        )
        return str(resp["ts"])


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
