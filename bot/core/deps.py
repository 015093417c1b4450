"""What the process shares: settings, the database, and how to get a workspace's context
(`deps.workspaces.for_team(team_id)` / `.installed()`). The client, config, sender and clock
are the single-workspace install's own; services never read them here, they get a Workspace."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient

from bot.core.config import AppConfig, Settings
from bot.core.installed import InstalledWorkspaces
from bot.core.pacing import Pace
from bot.core.sender import Sender
from bot.core.slack_client import make_client
from bot.core.stored_config import StoredConfigs
from bot.core.workspace import Workspace, Workspaces
from storage.db import Database
from storage.types import utcnow


class SingleWorkspace:
    """The one workspace of SLACK_BOT_TOKEN, built from the process's client and config (read
    on each call, so a test or the demo that swaps the config or clock is seen at once). A
    config imported for its workspace (`salespulse config import`) wins over the file."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._lock = threading.Lock()
        self.configs = StoredConfigs(lambda: deps.db)

    def team_id(self) -> str:
        """Asked of Slack once per process (auth.test), unless given at start."""
        with self._lock:
            if self._deps.team_id is None:
                self._deps.team_id = str(self._deps.client.auth_test()["team_id"])
            return self._deps.team_id

    def _build(self, team_id: str) -> Workspace:
        d = self._deps
        config = self.configs.get(team_id, lambda: d.config)
        return Workspace(team_id, d.client, config, d.sender, d.clock)

    def for_team(self, team_id: str) -> Workspace | None:
        return self._build(team_id) if team_id and team_id == self.team_id() else None

    def installed(self) -> list[Workspace]:
        return [self._build(self.team_id())]

    def forget(self, team_id: str) -> None:
        pass  # nothing cached but the team id, which never changes


class OnlyWorkspace:
    """One workspace of a Workspaces source; none once it is uninstalled."""

    def __init__(self, source: Workspaces, team_id: str) -> None:
        self._source = source
        self.team_id = team_id

    def for_team(self, team_id: str) -> Workspace | None:
        return self._source.for_team(team_id) if team_id == self.team_id else None

    def installed(self) -> list[Workspace]:
        found = self._source.for_team(self.team_id)
        return [found] if found is not None else []


@dataclass
class Deps:
    settings: Settings
    config: AppConfig
    db: Database
    client: WebClient
    sender: Sender
    clock: Callable[[], datetime] = field(default=utcnow)
    team_id: str | None = None  # the installed workspace; None: asked of Slack once, on first use

    def __post_init__(self) -> None:
        self.workspaces: Workspaces = (
            InstalledWorkspaces(self) if self.settings.distributed else SingleWorkspace(self)
        )

    @classmethod
    def build(cls, settings: Settings, config: AppConfig | None = None, **kw: object) -> Deps:
        client = make_client(settings.slack_bot_token, settings.slack_api_url)
        return cls(
            settings=settings,
            config=config if config is not None else settings.load_config(),
            db=Database(settings.database_url),
            client=client,
            sender=Sender(client, pace=Pace.per_minute(settings.salespulse_workspace_rate)),
            **kw,  # type: ignore[arg-type]
        )

    def only(self, team_id: str) -> Deps:
        """This process's deps seeing just one workspace (if it is still installed): a job
        scheduled for that workspace runs with it, through the same `each_workspace` loop."""
        view = copy.copy(self)
        view.workspaces = OnlyWorkspace(self.workspaces, team_id)
        return view

    def workspace(self, team_id: str | None = None) -> Workspace:
        """The installed workspace (or the one named): for jobs, the CLI and the API."""
        found = self.workspaces.for_team(team_id) if team_id else self.workspaces.installed()[0]
        if found is None:
            raise LookupError(f"workspace {team_id} is not installed")
        return found


def each_workspace(deps: Deps, job: Callable[[Workspace], str]) -> str:
    """Run a job once per installed workspace (each in its own transactions); one summary."""
    done = [(ws.team_id, job(ws)) for ws in deps.workspaces.installed()]
    if len(done) == 1:
        return done[0][1]
    return "; ".join(f"{team_id}: {summary}" for team_id, summary in done)
