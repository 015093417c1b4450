"""What listeners, jobs and the CLI share: one object built once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient

from bot.core.config import AppConfig, Settings
from bot.core.sender import Sender
from bot.core.slack_client import make_client
from storage.db import Database
from storage.types import utcnow


@dataclass
class Deps:
    settings: Settings
    config: AppConfig
    db: Database
    client: WebClient
    sender: Sender
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def build(cls, settings: Settings, config: AppConfig | None = None, **kw: object) -> Deps:
        client = make_client(settings.slack_bot_token, settings.slack_api_url)
        return cls(
            settings=settings,
            config=config if config is not None else settings.load_config(),
            db=Database(settings.database_url),
            client=client,
            sender=Sender(client),
            **kw,  # type: ignore[arg-type]
        )
