"""A workspace's own config (`salespulse config import --team-id T FILE.toml`), stored in the
database: it wins for its workspace, in a distributed app and in a single-workspace install
alike; the SALESPULSE_CONFIG file (or the built-in defaults) is the config of every
workspace without one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from bot.core.config import AppConfig
from storage.db import Database, insert_for
from storage.models.workspaces import WorkspaceConfig

CHECK_SECONDS = 5.0  # how stale a process's view of a workspace's stored config may be


def store(session: Session, team_id: str, text: str, source: str, now: datetime) -> AppConfig:
    """Validate `text` exactly as the config file is (ConfigError naming `source`, nothing
    written), then store it as the workspace's config, replacing any earlier one: one
    statement, so two imports at once leave one of them, whole."""
    config = AppConfig.parse(text, source)
    values = {"team_id": team_id, "toml": text, "source": source[:255], "imported_at": now}
    insert = insert_for(session)(WorkspaceConfig).values(**values)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["team_id"],
            set_={k: insert.excluded[k] for k in ("toml", "source", "imported_at")},
        )
    )
    return config


def stored(session: Session, team_id: str) -> WorkspaceConfig | None:
    return session.get(WorkspaceConfig, team_id)


class StoredConfigs:
    """Each workspace's config as this process sees it: the stored one, parsed once per
    import and looked for at most every CHECK_SECONDS (the ack path must not read the
    database on every request), else `default()`, read on every call (tests and the demo
    swap it)."""

    def __init__(self, db: Callable[[], Database], check_seconds: float = CHECK_SECONDS) -> None:
        self._db, self._check = db, check_seconds
        self._lock = threading.Lock()
        # team -> (checked at, imported_at or None, parsed config or None)
        self._seen: dict[str, tuple[float, datetime | None, AppConfig | None]] = {}

    def get(self, team_id: str, default: Callable[[], AppConfig]) -> AppConfig:
        now = time.monotonic()
        with self._lock:
            seen = self._seen.get(team_id)
        if seen is None or now - seen[0] >= self._check:
            seen = self._refresh(team_id, now, seen)
        return seen[2] if seen[2] is not None else default()

    def forget(self, team_id: str) -> None:
        with self._lock:
            self._seen.pop(team_id, None)

    def _refresh(
        self, team_id: str, now: float, seen: tuple[float, datetime | None, AppConfig | None] | None
    ) -> tuple[float, datetime | None, AppConfig | None]:
        with self._db().session() as session:
            row = stored(session, team_id)
            found = (row.imported_at, row.toml) if row is not None else None
        if found is None:
            fresh: tuple[float, datetime | None, AppConfig | None] = (now, None, None)
        elif seen is not None and seen[1] == found[0]:
            fresh = (now, seen[1], seen[2])  # same import: keep the parsed config
        else:
            fresh = (now, found[0], AppConfig.parse(found[1], f"workspace {team_id} config"))
        with self._lock:
            self._seen[team_id] = fresh
        return fresh
