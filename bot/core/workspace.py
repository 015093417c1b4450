"""The workspace a piece of work is for: every service, job and view receives one.

A single-workspace install (SLACK_BOT_TOKEN) has exactly one, whose team id Slack tells once
per process (auth.test) or SALESPULSE_TEAM_ID gives. Installing in many workspaces only has to
supply Workspaces from an installation store behind the same two methods (`for_team`,
`installed`); bot/core/deps.py has the single-workspace source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from slack_sdk import WebClient

from bot.core.config import AppConfig
from bot.core.sender import Sender


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

    def forget(self, team_id: str) -> None: ...  # drop what is cached (e.g. uninstalled)
