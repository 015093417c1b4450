"""The org directory: who people are, their manager, language and time zone.

Users from the org import are authoritative; anyone else who talks to the bot is looked
up once with users.info and cached as a rep with no manager. Slack's language and time zone
fill in what the import leaves out (read once on first contact, then kept fresh by the
directory-sync job and user_change events: bot/org/sync.py, bot/org/profiles.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.config import AppConfig, normalize_locale
from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention
from bot.core.sender import Sender
from bot.org import profiles
from storage.db import Database
from storage.models.core import User
from storage.types import utcnow

log = logging.getLogger(__name__)
NOT_FOUND = ("user_not_found", "users_not_found")


@dataclass(frozen=True)
class Who:
    """The acting user with what every reply needs."""

    user: User
    locale: str
    timezone: str


# Where a person's language or time zone comes from (/pulse whoami says which).
SETTING, ORG, SLACK, DEFAULT = "setting", "org", "slack", "default"


def locale_source(
    user: User | None, config: AppConfig, *, own_setting: bool = True
) -> tuple[str, str]:
    """(locale, where it comes from): their own setting (/pulse lang), else the org
    import's, else Slack's, else the workspace default. Without `own_setting`: what
    `/pulse lang auto` goes back to."""
    if user is not None:
        given = [(ORG, user.locale), (SLACK, user.slack_locale)]
        if own_setting:
            given.insert(0, (SETTING, user.locale_override))
        for source, value in given:
            locale = normalize_locale(value)
            if locale:
                return locale, source
    return config.workspace.default_locale, DEFAULT


def timezone_source(user: User | None, config: AppConfig) -> tuple[str, str]:
    """(time zone, where it comes from): the org import's, else Slack's, else the workspace's."""
    if user is not None:
        for source, value in ((ORG, user.timezone), (SLACK, user.slack_timezone)):
            if value:
                return value, source
    return config.workspace.timezone, DEFAULT


def locale_of(user: User | None, config: AppConfig) -> str:
    return locale_source(user, config)[0]


def timezone_of(user: User | None, config: AppConfig) -> str:
    return timezone_source(user, config)[0]


def find(session: Session, team_id: str, slack_id: str) -> User | None:
    return session.exec(
        select(User).where(User.team_id == team_id, User.slack_id == slack_id)
    ).first()


@dataclass(frozen=True)
class People:
    """A workspace's people (not bots) as importers name them: by Slack id or by email."""

    by_slack: dict[str, int]  # upper-cased Slack id -> users.id
    by_email: dict[str, int]  # lower-cased email -> users.id
    teams: frozenset[str]  # the sales teams someone is in

    def find(self, who: str) -> int | None:
        """The id of the person `who` names (an email when it has an @), or None."""
        who = who.strip()
        return self.by_email.get(who.lower()) if "@" in who else self.by_slack.get(who.upper())


def people_index(session: Session, team_id: str) -> People:
    rows = session.exec(
        select(User.id, User.slack_id, User.email, User.team).where(  # type: ignore[call-overload]
            User.team_id == team_id,
            User.is_bot == False,  # noqa: E712
        )
    ).all()
    return People(
        by_slack={slack_id.upper(): user_id for user_id, slack_id, _, _ in rows},
        by_email={email.lower(): user_id for user_id, _, email, _ in rows if email},
        teams=frozenset(team for *_, team in rows if team),
    )


def by_id(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id is not None else None


def needs_profile(user: User | None) -> bool:
    """Whether Slack must be asked about this person before their request is answered: not
    in the directory yet, or imported without a language or time zone and never read from
    Slack (once; the daily directory-sync and user_change keep it fresh afterwards)."""
    if user is None:
        return True
    missing = user.locale is None or user.timezone is None
    return missing and user.slack_synced_at is None and not user.is_bot


def learn(sender: Sender, db: Database, team_id: str, slack_ids: Iterable[str]) -> None:
    """First contact: put people Slack knows but the directory doesn't into it, and read
    Slack's language and time zone for imported people who lack them (users.info with
    include_locale). Runs before a unit of work opens its transaction: no Slack call waits
    inside one. An id Slack doesn't know is left out (a lookup then says so)."""
    for slack_id in dict.fromkeys(slack_ids):
        with db.session() as session:
            user = find(session, team_id, slack_id)
            if not needs_profile(user):
                continue
        if user is None:
            _learn_new(sender, db, team_id, slack_id)
        else:
            _learn_profile(sender, db, team_id, slack_id)


def _learn_new(sender: Sender, db: Database, team_id: str, slack_id: str) -> None:
    try:
        info = sender.user_info(slack_id)
    except SlackApiError as exc:
        if exc.response.get("error") in NOT_FOUND:
            return
        raise
    try:
        with db.session() as session:  # a concurrent first contact may insert them too
            session.add(_from_slack(team_id, slack_id, info))
    except IntegrityError:
        return
    log.info("cached Slack user %s (not in the org import)", slack_id)


def _learn_profile(sender: Sender, db: Database, team_id: str, slack_id: str) -> None:
    """An imported person's Slack profile, once. They are known, so a Slack failure only
    leaves them on the inherited values until a later request (or the sync) asks again."""
    try:
        info = sender.user_info(slack_id)
    except SlackApiError as exc:
        if exc.response.get("error") not in NOT_FOUND:
            log.warning("users.info for %s failed: %s", slack_id, exc.response.get("error"))
            return
        info = {"id": slack_id}  # Slack doesn't know them: don't ask on every request
    except OSError as exc:
        log.warning("users.info for %s failed: %s", slack_id, exc)
        return
    with db.session() as session:
        profiles.store(session, team_id, [{**info, "id": slack_id}], utcnow(), synced=True)


def _from_slack(team_id: str, slack_id: str, info: dict) -> User:
    profile = info.get("profile") or {}
    return User(
        team_id=team_id,
        slack_id=slack_id,
        name=info.get("real_name") or profile.get("real_name") or info.get("name") or slack_id,
        handle=profile.get("display_name") or info.get("name"),
        email=(profile.get("email") or "").lower() or None,
        **profiles.profile_of(info),  # Slack's locale, time zone and deactivation
        slack_synced_at=utcnow(),
        is_bot=bool(info.get("is_bot")) or slack_id == "USLACKBOT",
        role="rep",
        source="slack",
    )


def actor(session: Session, config: AppConfig, team_id: str, slack_id: str) -> Who:
    """The acting user (learned before the transaction opened)."""
    user = find(session, team_id, slack_id)
    if user is None:  # Slack sent us this id, so this only happens with a broken workspace
        raise UserFacingError("error.unknown_user", who=f"<@{slack_id}>")
    return who_of(user, config)


def who_of(user: User, config: AppConfig) -> Who:
    return Who(user, locale_of(user, config), timezone_of(user, config))


def _shown(person: Mention | Handle) -> str:
    return f"<@{person.user_id}>" if isinstance(person, Mention) else f"@{person.name}"


def resolve(
    session: Session,
    team_id: str,
    person: Mention | Handle,
    *,
    allow_bots: bool = False,
) -> User:
    """A mentioned person as a directory row, or a UserFacingError saying who was not found."""
    if isinstance(person, Mention):
        user = find(session, team_id, person.user_id)  # learned before the unit began
    else:
        name = person.name.lower()
        matches = session.exec(
            select(User).where(
                User.team_id == team_id,
                (func.lower(User.handle) == name) | (func.lower(User.name) == name),
            )
        ).all()
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        raise UserFacingError("error.unknown_user", who=_shown(person))
    if user.is_bot and not allow_bots:
        raise UserFacingError("error.is_bot", who=_shown(person))
    return user


def recipient(session: Session, team_id: str, person: Mention | Handle) -> User:
    """A mentioned person who may receive kudos, feedback or a request: not a bot, not
    deactivated in Slack (whose history stays readable, e.g. with /kpi)."""
    user = resolve(session, team_id, person)
    if user.deactivated:
        raise UserFacingError("error.deactivated", who=_shown(person))
    return user


def resolve_all(session: Session, team_id: str, people: list[Mention | Handle]) -> list[User]:
    """Each mentioned recipient once, in order of mention (`@bob @bob` is one Bob)."""
    found = [recipient(session, team_id, person) for person in people]
    return list({user.id: user for user in found}.values())


def set_language(session: Session, user: User, choice: str | None) -> None:
    user.locale_override = choice
    user.updated_at = utcnow()
    session.add(user)


def manager_chain(session: Session, user: User) -> list[User]:
    """The user's manager, their manager, and so on up; stops on a cycle."""
    chain: list[User] = []
    seen = {user.id}
    current = by_id(session, user.manager_id)
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = by_id(session, current.manager_id)
    return chain


def reporting_tree(session: Session, manager: User) -> list[User]:
    """Everyone below a manager, breadth first."""
    found: list[User] = []
    frontier = [manager.id]
    seen = {manager.id}
    while frontier:
        rows = session.exec(select(User).where(User.manager_id.in_(frontier))).all()  # type: ignore[union-attr]
        frontier = [u.id for u in rows if u.id not in seen]
        fresh = set(frontier)  # a set: a list here made a big tree quadratic
        seen.update(fresh)
        found.extend(u for u in rows if u.id in fresh)
    return found


def with_roles(session: Session, team_id: str, roles: Iterable[str]) -> list[User]:
    """Active people (not bots, not deactivated) with one of `roles`, in directory order:
    e.g. HR, who receive what the workspace's HR must handle."""
    return list(
        session.exec(
            select(User)
            .where(
                User.team_id == team_id,
                col(User.role).in_(list(roles)),
                User.is_bot == False,  # noqa: E712
                User.deactivated == False,  # noqa: E712
            )
            .order_by(User.id)  # type: ignore[arg-type]
        ).all()
    )


def slack_id_of(session: Session, user_id: int | None) -> str | None:
    """The Slack id of a directory row (None for none); the session's identity map makes a
    repeated person free."""
    user = by_id(session, user_id)
    return user.slack_id if user is not None else None
