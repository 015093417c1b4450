"""Many workspaces: who installed the app (OAuth), each workspace's own config, the KPI API's
tokens, and the send pacing every delivering process shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


def _optional_ts() -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Installation(SQLModel, table=True):
    """A workspace that installed the app through OAuth (/slack/install), with its bot token.
    Uninstalling (app_uninstalled, tokens_revoked) sets `uninstalled_at`: no work is done for
    it any more, and its data stays until `salespulse workspace purge`."""

    __tablename__ = "installations"

    team_id: str = Field(primary_key=True, max_length=32)
    enterprise_id: str | None = Field(default=None, max_length=32)
    team_name: str | None = Field(default=None, max_length=200)
    app_id: str | None = Field(default=None, max_length=32)
    bot_id: str | None = Field(default=None, max_length=32)
    bot_user_id: str | None = Field(default=None, max_length=32)
    bot_token: str = Field(max_length=255)
    bot_scopes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # token rotation: a refresh token and the access token's expiry (None: it never expires)
    bot_refresh_token: str | None = Field(default=None, max_length=255)
    bot_token_expires_at: datetime | None = _optional_ts()
    installer_user_id: str | None = Field(default=None, max_length=32)
    installed_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utcnow)
    uninstalled_at: datetime | None = _optional_ts()


class OAuthState(SQLModel, table=True):
    """An OAuth `state` handed out by /slack/install: used once, before it expires."""

    __tablename__ = "oauth_states"

    state: str = Field(primary_key=True, max_length=128)
    expires_at: datetime = _ts()


class WorkspaceConfig(SQLModel, table=True):
    """A workspace's own config (`salespulse config import --team-id T FILE.toml`): the TOML as
    imported, validated exactly as the SALESPULSE_CONFIG file is. Without one, the file is used."""

    __tablename__ = "workspace_configs"

    team_id: str = Field(primary_key=True, max_length=32)
    toml: str = Field(sa_column=Column(Text, nullable=False))
    source: str | None = Field(default=None, max_length=255)  # the imported file's name
    imported_at: datetime = _ts()


class ApiToken(SQLModel, table=True):
    """A KPI API token (`salespulse api-token create --team-id T`): only its SHA-256 is stored;
    the token names its workspace."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_team", "team_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)  # the token's first characters, to tell tokens apart
    created_at: datetime = _ts()
    revoked_at: datetime | None = _optional_ts()


class SendPace(SQLModel, table=True):
    """When the next message may go out, per channel ("channel:T:C") and per workspace
    ("team:T"): shared by every delivering process, so limits hold across them. A 429 moves a
    workspace's time to its Retry-After for all of them."""

    __tablename__ = "send_pacing"

    key: str = Field(primary_key=True, max_length=128)
    next_at: datetime = _ts()
