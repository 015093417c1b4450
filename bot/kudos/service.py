"""Kudos: public praise in the recognition channel, from /kudos or an emoji reaction.

Every check happens before anything is sent, and a refusal rolls back the unit of work, so a
refused kudos leaves no trace. Nothing here calls Slack inside a transaction: the card is
queued, sent after commit, and the recipients' DMs follow it (`announce`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.blocks import MAX_SECTION_TEXT
from bot.core.claims import AlreadyDone
from bot.core.config import AppConfig
from bot.core.errors import UserFacingError
from bot.core.periods import local_day_start, local_month_start
from bot.core.sender import QUEUED, posted_late
from bot.core.workspace import Workspace
from bot.i18n import localized
from bot.i18n.audience import recognition_locales
from bot.kudos import views
from bot.kudos.counts import given_per_person as given_per_person  # for other features
from bot.kudos.counts import received_per_person as received_per_person
from bot.kudos.counts import received_per_value as received_per_value
from bot.kudos.counts import tally_received as tally_received
from bot.kudos.parsing import KudosArgs, tag_name, value_lookup
from bot.org import directory
from storage.db import Database
from storage.models.core import Delivery, User
from storage.models.feedback import Kudos, KudosRecipient, KudosValue

log = logging.getLogger(__name__)
MAX_MESSAGE = MAX_SECTION_TEXT  # fits one Block Kit section with the card's title


@dataclass(frozen=True)
class Reaction:
    channel: str
    ts: str


def values_of(config: AppConfig) -> dict[str, str]:
    return value_lookup([(v.key, v.label_en, v.label_zh) for v in config.values])


def value_tags(config: AppConfig, locale: str) -> list[str]:
    """Each company value as people can type it after `#`, in `locale`: `customer-first`."""
    return [tag_name(localized(v, locale)) for v in config.values]


def value_label(config: AppConfig, key: str, locale: str) -> str:
    for value in config.values:
        if value.key == key:
            return localized(value, locale)
    return key


def given_today(session: Session, giver: User, now: datetime, timezone: str) -> int:
    """Kudos the giver sent since local midnight (withdrawn ones don't count)."""
    start = local_day_start(now, timezone)
    return session.exec(
        select(func.count())
        .select_from(Kudos)
        .where(
            Kudos.giver_id == giver.id,
            Kudos.created_at >= start,
            col(Kudos.withdrawn_at).is_(None),
        )
    ).one()


def check_new(
    session: Session, config: AppConfig, giver: User, recipients: list[User], now: datetime
) -> None:
    """Self-praise and the giver's daily limit (recipients already resolved: no bots). Runs
    with the giver locked and the new kudos flushed, so the count includes it."""
    if any(r.id == giver.id for r in recipients):
        raise UserFacingError("kudos.self")
    limit = config.kudos.daily_limit
    if given_today(session, giver, now, directory.timezone_of(giver, config)) > limit:
        raise UserFacingError("kudos.daily_limit", limit=limit)


def lock_giver(session: Session, giver: User) -> None:
    """Count and store one giver's kudos one request at a time, until commit: a no-op UPDATE
    of their row takes its row lock on PostgreSQL and the database write lock on SQLite (a
    plain SELECT ... FOR UPDATE would lock nothing there). A concurrent /kudos waits here and
    then counts this one's kudos: parallel requests can't all pass the daily limit."""
    session.execute(
        update(User)
        .where(col(User.id) == giver.id)
        .values(updated_at=User.updated_at)
        .execution_options(synchronize_session=False)
    )


def praise_card(
    config: AppConfig, *, giver: str, recipients: list[str], message: str
) -> dict[str, Any]:
    """The kudos card in the recognition channel's language(s), for other features' public
    praise (feedback made public)."""
    return views.kudos_card(
        recognition_locales(config), giver=giver, recipients=recipients, message=message
    )


def check_recipients(config: AppConfig, args: KudosArgs) -> None:
    maximum = config.kudos.max_recipients
    if len(args.people) > maximum:
        raise UserFacingError("kudos.too_many", count=len(args.people), max=maximum)


def resolve_recipients(ws: Workspace, session: Session, args: KudosArgs) -> list[User]:
    check_recipients(ws.config, args)
    return directory.resolve_all(session, ws.team_id, args.people)


def give(
    ws: Workspace,
    session: Session,
    *,
    giver: User,
    recipients: list[User],
    message: str,
    values: tuple[str, ...] = (),
    reaction: Reaction | None = None,
) -> Kudos:
    """Store the kudos and queue its card; `announce` sends it once this unit has committed.
    A refusal raises out of the unit of work, so a refused kudos leaves no trace. Raises
    AlreadyDone when the giver's kudos for this reaction is already live."""
    channel = ws.config.channels.recognition
    if not channel:
        raise UserFacingError("kudos.no_channel")
    if len(message) > MAX_MESSAGE:
        raise UserFacingError("kudos.too_long", max=MAX_MESSAGE)
    now = ws.clock()
    lock_giver(session, giver)
    kudos = Kudos(
        team_id=ws.team_id,
        giver_id=giver.id,  # type: ignore[arg-type]
        message=message,
        source="emoji" if reaction else "command",
        reaction_channel=reaction.channel if reaction else None,
        reaction_ts=reaction.ts if reaction else None,
        created_at=now,
    )
    session.add(kudos)
    try:
        session.flush()
    except IntegrityError as exc:  # ux_kudos_live_reaction: a live one for this message exists
        raise AlreadyDone(f"kudos reaction {reaction}") from exc
    check_new(session, ws.config, giver, recipients, now)
    for key in values:
        session.add(KudosValue(team_id=ws.team_id, kudos_id=kudos.id, value_key=key))  # type: ignore[arg-type]
    for user in recipients:
        session.add(KudosRecipient(team_id=ws.team_id, kudos_id=kudos.id, user_id=user.id))  # type: ignore[arg-type]
    locales = recognition_locales(ws.config)  # the channel's, not the giver's
    card = views.kudos_card(
        locales,
        giver=giver.slack_id,
        recipients=[r.slack_id for r in recipients],
        message=message,
        values={loc: [value_label(ws.config, k, loc) for k in values] for loc in locales},
    )
    ws.sender.enqueue(session, ws.team_id, _card_key(kudos), channel, **card)
    return kudos


def _card_key(kudos: Kudos) -> str:
    return f"kudos:{kudos.id}:card"


def announce(ws: Workspace, db: Database, kudos_id: int) -> str | None:
    """After the kudos committed and its card went out: link each recipient to the card.

    The DMs carry the card's permalink, which exists only once Slack accepted the card, so they
    are a second small unit: permalink (no transaction open), then one short transaction that
    stores it and queues the DMs, then their delivery. Returns the permalink, or None when the
    card is still undelivered (the outbox job retries it; the giver is told)."""
    with db.session() as session:
        kudos = session.get(Kudos, kudos_id)
        card = session.exec(
            select(Delivery).where(
                Delivery.team_id == ws.team_id, Delivery.key == f"kudos:{kudos_id}:card"
            )
        ).first()
        if kudos is None or card is None or card.ts is None:
            return None
        channel, ts = card.channel, card.ts
    permalink = ws.sender.permalink(channel, ts)
    with db.session() as session:
        kudos = session.get(Kudos, kudos_id)
        assert kudos is not None
        kudos.channel, kudos.ts, kudos.permalink = channel, ts, permalink
        session.add(kudos)
        giver = directory.by_id(session, kudos.giver_id)
        for _row, user in _recipients(session, kudos_id):
            dm = views.kudos_dm(
                directory.locale_of(user, ws.config),
                giver=giver.slack_id if giver else "",
                link=permalink,
                message=kudos.message,
            )
            ws.sender.enqueue(
                session, ws.team_id, f"kudos:{kudos_id}:dm:{user.slack_id}", user.slack_id, **dm
            )
        queued = list(session.info.get(QUEUED, []))
    ws.sender.deliver(db, queued)
    _remember_dms(ws, db, kudos_id)
    log.info("kudos %s posted", kudos_id)
    return permalink


def announce_late(ws: Workspace, db: Database) -> int:
    """For the deliver-outbox job: kudos whose card went out only on a retry (after the giver's
    request had finished) get their recipients' DMs now. How many were announced."""
    with db.session() as session:
        late = posted_late(session, ws.team_id, Kudos, "kudos:", ":card")
    return sum(announce(ws, db, kudos_id) is not None for kudos_id in late)


def _recipients(session: Session, kudos_id: int) -> list[tuple[KudosRecipient, User]]:
    rows = session.exec(select(KudosRecipient).where(KudosRecipient.kudos_id == kudos_id)).all()
    return [(row, user) for row in rows if (user := directory.by_id(session, row.user_id))]


def _remember_dms(ws: Workspace, db: Database, kudos_id: int) -> None:
    """Where each recipient's DM landed, so a withdrawal can strike it through."""
    with db.session() as session:
        sent = {
            d.channel: d.ts
            for d in session.exec(
                select(Delivery).where(
                    Delivery.team_id == ws.team_id,
                    col(Delivery.key).startswith(f"kudos:{kudos_id}:dm:"),
                    col(Delivery.ts).is_not(None),
                )
            ).all()
        }
    # conversations.open answers from the sender's cache here: the DMs were just sent.
    channels = {slack_id: ws.sender.dm_channel(slack_id) for slack_id in sent}
    with db.session() as session:
        for row, user in _recipients(session, kudos_id):
            if user.slack_id in sent:
                row.dm_ts, row.dm_channel = sent[user.slack_id], channels[user.slack_id]
                session.add(row)


def find_by_reaction(session: Session, team_id: str, giver: User, item: Reaction) -> Kudos | None:
    """The giver's live emoji kudos on one message."""
    return session.exec(
        select(Kudos).where(
            Kudos.team_id == team_id,
            Kudos.giver_id == giver.id,
            Kudos.reaction_channel == item.channel,
            Kudos.reaction_ts == item.ts,
            col(Kudos.withdrawn_at).is_(None),
        )
    ).first()


@dataclass(frozen=True)
class Retraction:
    """What Slack must be told after a withdrawal committed."""

    card: tuple[str, str] | None  # (channel, ts) of the card to delete
    notes: list[tuple[str, str, dict]]  # (dm channel, dm ts, struck-through message)


def withdraw(ws: Workspace, session: Session, kudos: Kudos) -> Retraction | None:
    """Withdraw an emoji kudos if the reaction was removed in time; None when too late."""
    now = ws.clock()
    if now - kudos.created_at > timedelta(minutes=ws.config.kudos.withdraw_minutes):
        return None
    kudos.withdrawn_at = now
    session.add(kudos)
    notes = [
        (row.dm_channel, row.dm_ts, views.kudos_withdrawn(directory.locale_of(user, ws.config)))
        for row, user in _recipients(session, kudos.id)  # type: ignore[arg-type]
        if row.dm_channel and row.dm_ts
    ]
    log.info("kudos %s withdrawn", kudos.id)
    card = (kudos.channel, kudos.ts) if kudos.channel and kudos.ts else None
    return Retraction(card, notes)


def retract(ws: Workspace, retraction: Retraction) -> None:
    """Delete the card and strike through the DMs (after the withdrawal committed)."""
    if retraction.card:
        ws.sender.delete(*retraction.card)
    for channel, ts, note in retraction.notes:
        ws.sender.update(channel, ts, **note)


def received_this_month(
    session: Session, user: User, now: datetime, timezone: str
) -> tuple[int, dict[str, int]]:
    """(kudos received since the 1st of this local month, count per tagged value)."""
    assert user.id is not None
    return received_between(session, [user.id], local_month_start(now, timezone), now)


def received_between(
    session: Session, user_ids: list[int], since: datetime, until: datetime
) -> tuple[int, dict[str, int]]:
    """(kudos that praised any of `user_ids` in [since, until], each counted once; count per
    tagged value). Withdrawn kudos don't count."""
    live = (
        select(Kudos.id)
        .join(KudosRecipient, col(KudosRecipient.kudos_id) == col(Kudos.id))
        .where(
            col(KudosRecipient.user_id).in_(user_ids),
            Kudos.created_at >= since,
            Kudos.created_at <= until,
            col(Kudos.withdrawn_at).is_(None),
        )
        .distinct()
    )
    total = session.exec(select(func.count()).select_from(live.subquery())).one()
    per_value = session.exec(
        select(KudosValue.value_key, func.count())
        .where(col(KudosValue.kudos_id).in_(live))
        .group_by(KudosValue.value_key)
    ).all()
    return total, dict(per_value)
