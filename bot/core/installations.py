"""The OAuth installations and states of a distributed app, in our own tables (`installations`,
`oauth_states`), behind slack_sdk's InstallationStore and OAuthStateStore so Bolt's OAuth
flow uses them; and token rotation shared by requests and jobs.

Rotation is one conditional UPDATE keyed on the token and refresh token it replaces: when two
processes rotate at once, the first to commit wins and the other reads the winner's token
instead of overwriting it. Bolt's own authorize would rotate and then `save()` without knowing
which token it replaced, so the app's authorize (handlers/installs.py) and `find_installation`
rotate with `fresh` instead."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth import InstallationStore, OAuthStateStore
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store import Installation as SlackInstallation
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import delete, update
from sqlmodel import col

from bot.core.config import Settings
from bot.core.slack_client import make_client
from storage.db import Database, insert_for
from storage.models.workspaces import Installation, OAuthState
from storage.types import utcnow

log = logging.getLogger("salespulse")

# The bot scopes asked for at /slack/install: exactly manifest.yml's oauth_config.scopes.bot
# (tests/workspaces/test_oauth_install.py checks they agree).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "users:read",
    "users:read.email",
    "files:write",
    "reactions:read",
)
STATE_SECONDS = 600  # an OAuth state is good for 10 minutes, once
ROTATE_MINUTES = 120  # rotate a token that expires within this (Bolt's default margin)


def make_rotator(settings: Settings) -> TokenRotator:
    """Refreshes tokens through SLACK_API_URL (slack_sdk's default client would go to slack.com)."""
    return TokenRotator(
        client_id=str(settings.slack_client_id),
        client_secret=str(settings.slack_client_secret),
        client=make_client(None, settings.slack_api_url),
    )


def _epoch(when: datetime | None) -> int | None:
    return int(when.timestamp()) if when is not None else None


def _instant(epoch: int | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch else None


def _expiring(row: Installation, minutes: int) -> bool:
    if not row.bot_refresh_token or row.bot_token_expires_at is None:
        return False
    return row.bot_token_expires_at <= datetime.now(UTC) + timedelta(minutes=minutes)


def active(db: Database, team_id: str) -> Installation | None:
    with db.session() as session:
        row = session.get(Installation, team_id)
    return row if row is not None and row.uninstalled_at is None else None


def fresh(
    db: Database, rotator: TokenRotator | None, team_id: str, minutes: int = ROTATE_MINUTES
) -> Installation | None:
    """The workspace's active installation, its token rotated first if it expires within
    `minutes` (the Slack call is made with no transaction open)."""
    row = active(db, team_id)
    if row is None or rotator is None or not _expiring(row, minutes):
        return row
    old = Bot(
        team_id=row.team_id,
        bot_token=row.bot_token,
        bot_refresh_token=row.bot_refresh_token,
        bot_token_expires_at=_epoch(row.bot_token_expires_at),
        bot_id=row.bot_id or "",
        bot_user_id=row.bot_user_id or "",
        installed_at=row.installed_at.timestamp(),
    )
    try:
        new = rotator.perform_bot_token_rotation(bot=old, minutes_before_expiration=minutes)
    except SlackTokenRotationError as exc:
        # The old token may still work until it expires; the next use tries again.
        log.error("could not rotate the token of %s: %s", team_id, exc)
        return row
    if new is None or not new.bot_token:
        return row
    with db.session() as session:
        won = session.execute(
            update(Installation)
            .where(col(Installation.team_id) == team_id)
            .where(col(Installation.bot_token) == row.bot_token)
            .where(col(Installation.bot_refresh_token) == row.bot_refresh_token)
            .values(
                bot_token=new.bot_token,
                bot_refresh_token=new.bot_refresh_token or row.bot_refresh_token,
                bot_token_expires_at=_instant(new.bot_token_expires_at),
                updated_at=utcnow(),
            )
        ).rowcount
    if not won:
        log.info("the token of %s was rotated by another process; using theirs", team_id)
    return active(db, team_id)


def mark_uninstalled(db: Database, team_id: str) -> bool:
    """Uninstalled now (app_uninstalled, tokens_revoked); True the first time only. Rows stay."""
    with db.session() as session:
        return bool(
            session.execute(
                update(Installation)
                .where(col(Installation.team_id) == team_id)
                .where(col(Installation.uninstalled_at).is_(None))
                .values(uninstalled_at=utcnow(), updated_at=utcnow())
            ).rowcount
        )


def _to_slack(row: Installation) -> SlackInstallation:
    return SlackInstallation(
        app_id=row.app_id,
        enterprise_id=row.enterprise_id,
        team_id=row.team_id,
        team_name=row.team_name,
        bot_token=row.bot_token,
        bot_id=row.bot_id,
        bot_user_id=row.bot_user_id,
        bot_scopes=row.bot_scopes or "",
        bot_refresh_token=row.bot_refresh_token,
        bot_token_expires_at=_epoch(row.bot_token_expires_at),
        user_id=row.installer_user_id or "",
        installed_at=row.installed_at.timestamp(),
    )


def _bot_values(bot: SlackInstallation | Bot) -> dict[str, Any]:
    """The bot's columns, from an installation or a bot alone (both carry them)."""
    return {
        "bot_id": bot.bot_id,
        "bot_user_id": bot.bot_user_id,
        "bot_token": bot.bot_token,
        "bot_scopes": ",".join(bot.bot_scopes or []),
        "bot_refresh_token": bot.bot_refresh_token,
        "bot_token_expires_at": _instant(bot.bot_token_expires_at),
        "updated_at": utcnow(),
    }


def _row_values(installation: SlackInstallation) -> dict[str, Any]:
    return {
        **_bot_values(installation),
        "enterprise_id": installation.enterprise_id,
        "team_name": installation.team_name,
        "app_id": installation.app_id,
        "installer_user_id": installation.user_id or None,
        "installed_at": utcnow(),
        "uninstalled_at": None,  # a reinstall resumes the workspace
    }


class DatabaseInstallationStore(InstallationStore):
    """Bot installations, one row per workspace (an org-wide install is not offered)."""

    def __init__(self, db: Database, rotator: TokenRotator | None = None) -> None:
        self._db = db
        self._rotator = rotator

    @property
    def logger(self) -> logging.Logger:
        return log

    def save(self, installation: SlackInstallation) -> None:
        if not installation.team_id or not installation.bot_token:
            # Bolt answers its failure page (storage_error) for a BoltError
            raise BoltError("only workspace installs with a bot token are supported")
        values = _row_values(installation)
        with self._db.session() as session:
            insert = insert_for(session)(Installation)
            session.execute(
                insert.values(team_id=installation.team_id, **values).on_conflict_do_update(
                    index_elements=["team_id"], set_=values
                )
            )

    def save_bot(self, bot: Bot) -> None:
        """A bot's new token (e.g. rotated) for a workspace installed before; one UPDATE."""
        with self._db.session() as session:
            session.execute(
                update(Installation)
                .where(col(Installation.team_id) == bot.team_id)
                .values(**_bot_values(bot))
            )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> SlackInstallation | None:
        if user_id is not None or not team_id:
            # Bolt asks for a user's own installation when the requester is not the installer:
            # only bot tokens are kept, so there is none (and no query needed to say so)
            return None
        row = fresh(self._db, self._rotator, team_id)
        return _to_slack(row) if row is not None else None

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = self.find_installation(enterprise_id=enterprise_id, team_id=team_id)
        return found.to_bot() if found is not None else None

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if team_id and user_id is None:
            mark_uninstalled(self._db, team_id)  # the data stays until `workspace purge`

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class DatabaseStateStore(OAuthStateStore):
    """States handed out by /slack/install; consumed by one conditional DELETE, so a replayed
    or expired state finds nothing to delete and is refused."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self._clock()
        with self._db.session() as session:
            session.execute(delete(OAuthState).where(col(OAuthState.expires_at) <= now))
            session.add(OAuthState(state=state, expires_at=now + timedelta(seconds=STATE_SECONDS)))
        return state

    def consume(self, state: str) -> bool:
        if not state or len(state) > 128:
            return False
        with self._db.session() as session:
            return bool(
                session.execute(
                    delete(OAuthState)
                    .where(col(OAuthState.state) == state)
                    .where(col(OAuthState.expires_at) > self._clock())
                ).rowcount
            )
