"""Public praise after commit: feedback its giver chose to show in the recognition channel is
queued as a kudos card (service.give); once Slack took the card, its recipient's DM links it."""

from __future__ import annotations

from sqlmodel import col, select

from bot.core.sender import QUEUED, posted_late
from bot.core.workspace import Workspace
from bot.feedback import service
from bot.org import directory
from storage.db import Database
from storage.models.core import Delivery
from storage.models.feedback import Feedback


def publish(ws: Workspace, db: Database, fb_ids: list[int]) -> int:
    """After commit and the cards' delivery: each public praise's recipient gets their DM with
    the card's permalink (which exists only once Slack took the card). A second small unit:
    permalinks first, no transaction open, then one transaction queues the DMs, then they go.
    Returns how many cards are still undelivered (the outbox job retries them; their DM then
    goes without the link only if the card fails for good — never before)."""
    with db.session() as session:
        cards = {
            d.key: (d.channel, d.ts)
            for d in session.exec(
                select(Delivery).where(
                    Delivery.team_id == ws.team_id,
                    col(Delivery.key).in_([f"feedback:{i}:public" for i in fb_ids]),
                )
            ).all()
        }
    posted = {k: v for k, v in cards.items() if v[1] is not None}
    links = {k: ws.sender.permalink(ch, ts) for k, (ch, ts) in posted.items()}  # type: ignore[arg-type]
    with db.session() as session:
        for fb_id in fb_ids:
            key = f"feedback:{fb_id}:public"
            fb = session.get(Feedback, fb_id)
            if fb is None or key not in links:
                continue
            fb.channel, fb.ts = posted[key]
            session.add(fb)
            giver = directory.by_id(session, fb.giver_id)
            recipient = directory.by_id(session, fb.recipient_id)
            if giver is not None and recipient is not None:
                service.queue_recipient_dm(ws, session, fb, giver, recipient, links[key])
        queued = list(session.info.get(QUEUED, []))
    ws.sender.deliver(db, queued)
    return len(cards) - len(posted)


def publish_late(ws: Workspace, db: Database) -> int:
    """For the deliver-outbox job: public praise whose card went out only on a retry gets its
    recipient's DM now. How many were published."""
    with db.session() as session:
        late = posted_late(session, ws.team_id, Feedback, "feedback:", ":public")
    if late:
        publish(ws, db, late)
    return len(late)
