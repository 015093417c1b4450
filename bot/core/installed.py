"""The workspaces that installed the app through OAuth (`installations`), each with its own
token, config and sender: the Workspaces source of a distributed app (bot/core/deps.py has the
single-workspace one).

Looked up per request, so short caches keep the database out of the ack path: the request gate
(handlers/installs.py) re-reads a workspace's installation at most once every GATE_SECONDS,
so an uninstall taken by another process stops its requests within that; its Workspace
(client, config) is rebuilt every CACHE_SECONDS. Jobs and workers get their clients here, with
no request to rotate a token, so a token about to expire is rotated here before it is handed
out (bot/core/installations.fresh, the same conditional rotation as the request path)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from slack_sdk import WebClient
from sqlmodel import col, select

from bot.core.config import AppConfig, Settings
from bot.core.installations import fresh, make_rotator
from bot.core.pacing import Pace
from bot.core.sender import Sender
from bot.core.slack_client import make_client
from bot.core.workspace import Workspace
from storage.db import Database
from storage.models.workspaces import Installation, WorkspaceConfig
from storage.types import utcnow

CACHE_SECONDS = 10.0
# Slack stops sending a workspace's requests once it uninstalls; this only bounds the ones
# already on their way. Read on every request, the row cost 1.7 ms of each ack on PostgreSQL
# (bench/bench_ack.py --distributed --pg: p99 2.0-2.2x the bare app's, 1.2-1.5x cached).
GATE_SECONDS = 1.0


class Process(Protocol):
    """What the process shares (bot/core/deps.Deps), read on each call."""

    settings: Settings
    config: AppConfig  # the SALESPULSE_CONFIG file's: for workspaces without their own
    db: Database
    clock: Callable[[], datetime]


class InstalledWorkspaces:
    def __init__(self, deps: Process) -> None:
        self._deps = deps
        self._lock = threading.Lock()
        self._found: dict[str, tuple[float, Workspace | None]] = {}
        self._rows: dict[str, tuple[float, Installation | None]] = {}
        self._clients: dict[tuple[str, str], tuple[WebClient, Sender]] = {}
        self._configs: dict[str, tuple[object, AppConfig]] = {}
        self._rotator = make_rotator(deps.settings)

    def for_team(self, team_id: str) -> Workspace | None:
        if not team_id:
            return None
        now = time.monotonic()
        with self._lock:
            cached = self._found.get(team_id)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        found = self._build(self._fresh(team_id))
        with self._lock:
            self._found[team_id] = (now, found)
        return found

    def installation(self, team_id: str) -> Installation | None:
        """The workspace's active installation, for a request: its token rotated if it expires
        soon; None when not (or no longer) installed. A workspace found uninstalled, or whose
        token was just rotated, is forgotten: its next Workspace has the new client."""
        now = time.monotonic()
        with self._lock:
            cached = self._rows.get(team_id)
        if cached is not None and now - cached[0] < GATE_SECONDS:
            return cached[1]
        started = utcnow()
        row = self._fresh(team_id)
        if row is None or row.updated_at > started:  # rotated here just now, or elsewhere
            self.forget(team_id)
        with self._lock:
            self._rows[team_id] = (now, row)
        return row

    def installed(self) -> list[Workspace]:
        with self._deps.db.session() as session:
            teams = session.exec(
                select(Installation.team_id)
                .where(col(Installation.uninstalled_at).is_(None))
                .order_by(Installation.team_id)
            ).all()
        built = [self._build(self._fresh(team_id)) for team_id in teams]
        return [ws for ws in built if ws is not None]

    def forget(self, team_id: str) -> None:
        """Drop what this process remembers of a workspace (uninstalled, token or config changed)."""
        with self._lock:
            self._found.pop(team_id, None)
            self._rows.pop(team_id, None)
            self._configs.pop(team_id, None)

    def _fresh(self, team_id: str) -> Installation | None:
        return fresh(self._deps.db, self._rotator, team_id)

    def _build(self, row: Installation | None) -> Workspace | None:
        if row is None:
            return None
        client, sender = self._client(row.team_id, row.bot_token)
        with self._deps.db.session() as session:
            config = self._config(session, row.team_id)
        return Workspace(row.team_id, client, config, sender, self._deps.clock)

    def _client(self, team_id: str, token: str) -> tuple[WebClient, Sender]:
        with self._lock:
            key = (team_id, token)
            if key not in self._clients:
                # a rotated token replaces the workspace's old client
                for old in [k for k in self._clients if k[0] == team_id]:
                    del self._clients[old]
                client = make_client(token, self._deps.settings.slack_api_url)
                rate = self._deps.settings.salespulse_workspace_rate
                self._clients[key] = (client, Sender(client, pace=Pace.per_minute(rate)))
            return self._clients[key]

    def _config(self, session: object, team_id: str) -> AppConfig:
        """The workspace's imported config (parsed once per import), else the default file's."""
        stored = session.get(WorkspaceConfig, team_id)  # type: ignore[attr-defined]
        if stored is None:
            return self._deps.config
        with self._lock:
            cached = self._configs.get(team_id)
            if cached is not None and cached[0] == stored.imported_at:
                return cached[1]
        config = AppConfig.parse(stored.toml, f"workspace {team_id} config")
        with self._lock:
            self._configs[team_id] = (stored.imported_at, config)
        return config
