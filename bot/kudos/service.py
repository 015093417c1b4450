"""Kudos: public praise in the recognition channel, from /kudos or an emoji reaction.

Every check happens before anything is sent, and a refusal rolls back the unit of work, so a
refused kudos leaves no trace."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.blocks import MAX_SECTION_TEXT
from bot.core.claims import AlreadyDone
from bot.core.config import AppConfig
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.periods import local_day_start, local_month_start
from bot.feedback import views
from bot.feedback.parsing import KudosArgs, value_lookup
from bot.i18n import localized
from bot.org import directory
from storage.models.core import User
from storage.models.feedback import Kudos, KudosRecipient, KudosValue

log = logging.getLogger(__name__)
MAX_MESSAGE = MAX_SECTION_TEXT  # fits one Block Kit section with the card's title


@dataclass(frozen=True)
class Reaction:
    channel: str
    ts: str


def values_of(config: AppConfig) -> dict[str, str]:
    return value_lookup([(v.key, v.label_en, v.label_zh) for v in config.values])


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


def resolve_recipients(deps: Deps, session: Session, team_id: str, args: KudosArgs) -> list[User]:
    maximum = deps.config.kudos.max_recipients
    if len(args.people) > maximum:
        raise UserFacingError("kudos.too_many", count=len(args.people), max=maximum)
    return directory.resolve_all(session, deps.client, team_id, args.people)


def give(
    deps: Deps,
    session: Session,
    *,
    team_id: str,
    giver: User,
    recipients: list[User],
    message: str,
    values: tuple[str, ...] = (),
    reaction: Reaction | None = None,
) -> Kudos:
    """Store the kudos, post the card, DM each recipient a link to it. Runs inside the
    caller's unit of work: if Slack refuses the post, nothing is stored. Raises AlreadyDone
    when the giver's kudos for this reaction is already live."""
    channel = deps.config.channels.recognition
    if not channel:
        raise UserFacingError("kudos.no_channel")
    if len(message) > MAX_MESSAGE:
        raise UserFacingError("kudos.too_long", max=MAX_MESSAGE)
    now = deps.clock()
    lock_giver(session, giver)
    kudos = Kudos(
        team_id=team_id,
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
    check_new(session, deps.config, giver, recipients, now)
    for key in values:
        session.add(KudosValue(kudos_id=kudos.id, value_key=key))  # type: ignore[arg-type]
    locale = deps.config.workspace.default_locale
    card = views.kudos_card(
        locale,
        giver=giver.slack_id,
        recipients=[r.slack_id for r in recipients],
        message=message,
        values=[value_label(deps.config, k, locale) for k in values],
    )
    kudos.channel, kudos.ts = channel, deps.sender.post(channel, **card)
    kudos.permalink = deps.client.chat_getPermalink(channel=channel, message_ts=kudos.ts)[
        "permalink"
    ]
    for user in recipients:
        dm = views.kudos_dm(
            directory.locale_of(user, deps.config), giver=giver.slack_id, link=kudos.permalink
        )
        row = KudosRecipient(kudos_id=kudos.id, user_id=user.id)  # type: ignore[arg-type]
        row.dm_ts = deps.sender.post(user.slack_id, **dm)
        row.dm_channel = deps.sender.dm_channel(user.slack_id)
        session.add(row)
    session.add(kudos)
    log.info("kudos %s posted for %d recipient(s)", kudos.id, len(recipients))
    return kudos


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


def withdraw(deps: Deps, session: Session, kudos: Kudos) -> bool:
    """Withdraw an emoji kudos if the reaction was removed in time; False when too late."""
    now = deps.clock()
    if now - kudos.created_at > timedelta(minutes=deps.config.kudos.withdraw_minutes):
        return False
    kudos.withdrawn_at = now
    session.add(kudos)
    if kudos.channel and kudos.ts:
        deps.client.chat_delete(channel=kudos.channel, ts=kudos.ts)
    rows = session.exec(select(KudosRecipient).where(KudosRecipient.kudos_id == kudos.id)).all()
    for row in rows:
        user = directory.by_id(session, row.user_id)
        if row.dm_channel and row.dm_ts and user is not None:
            note = views.kudos_withdrawn(directory.locale_of(user, deps.config))
            deps.sender.update(row.dm_channel, row.dm_ts, **note)
    log.info("kudos %s withdrawn", kudos.id)
    return True


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
