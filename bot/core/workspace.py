"""The workspace a piece of work is for: every service, job and view receives one.

A single-workspace install (SLACK_BOT_TOKEN) has exactly one, whose team id Slack tells once
per process (auth.test) or SALESPULSE_TEAM_ID gives. Installing in many workspaces only has to
supply Workspaces from an installation store behind the same two methods (`for_team`,
`installed`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from slack_sdk import WebClient

from bot.core.config import AppConfig
from bot.core.sender import Sender

if TYPE_CHECKING:
    from bot.core.deps import Deps


@dataclass(frozen=True)
class Workspace:
    team_id: str
    client: WebClient  # this workspace's Web API client (pacing and retries built in)
    config: AppConfig
    sender: Sender  # the one way messages leave: everything sent goes through it
    clock: Callable[[], datetime]


class Workspaces(Protocol):
    def for_team(self, team_id: str) -> Workspace | None: ...

    def installed(self) -> list[Workspace]: ...


class SingleWorkspace:
    """The one workspace of SLACK_BOT_TOKEN, built from the process's client and config (read
    on each call, so a test or the demo that swaps the config or clock is seen at once)."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._lock = threading.Lock()

    def team_id(self) -> str:
        """Asked of Slack once per process (auth.test), unless given at start."""
        with self._lock:
            if self._deps.team_id is None:
                self._deps.team_id = str(self._deps.client.auth_test()["team_id"])
            return self._deps.team_id

    def _build(self, team_id: str) -> Workspace:
        d = self._deps
        return Workspace(team_id, d.client, d.config, d.sender, d.clock)

    def for_team(self, team_id: str) -> Workspace | None:
        return self._build(team_id) if team_id and team_id == self.team_id() else None

    def installed(self) -> list[Workspace]:
        return [self._build(self.team_id())]
