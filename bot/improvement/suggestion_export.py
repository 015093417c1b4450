"""`salespulse export suggestions`: every suggestion for HR, as CSV or XLSX. An anonymous
suggestion's author cell is empty (the export is read as HR reads: bot/permissions/
improvement.py); text cells a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.tabular import Cell, neutral, write
from bot.i18n import t
from bot.improvement import suggestion_queries as queries
from bot.improvement.suggestion_views import topic_label
from bot.org.directory import by_id
from bot.permissions.improvement import shown_in_channel

COLUMNS = (
    "id",
    "created",
    "topic",
    "status",
    "votes",
    "text",
    "reply",
    "author",
    "decided_by",
    "decided_at",
)


def header(locale: str) -> list[str]:
    return [t(f"improvement.suggest.export.{c}", locale) for c in COLUMNS]


def _when(value: datetime | None, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(session: Session, config: AppConfig, team_id: str, locale: str) -> Iterator[list[Cell]]:
    names: dict[int, str] = {}

    def name(user_id: int | None) -> str:
        if user_id is None:
            return ""
        if user_id not in names:
            user = by_id(session, user_id)
            names[user_id] = user.name if user else ""
        return names[user_id]

    tz = config.workspace.timezone
    for s in queries.every(session, team_id):
        yield [
            s.id,
            _when(s.created_at, tz),
            topic_label(s.topic, locale),
            t(f"improvement.suggest.status.{s.status}", locale),
            s.votes,
            neutral(s.text),
            neutral(s.reply or ""),
            neutral(name(s.author_id)) if shown_in_channel(s) else "",
            neutral(name(s.decided_by_id)),
            _when(s.decided_at, tz),
        ]


def export(
    session: Session, config: AppConfig, team_id: str, fmt: str, path: Path, locale: str
) -> int:
    """Write the file; returns the number of suggestions in it."""
    return write(
        path, fmt, header(locale), rows(session, config, team_id, locale), sheet="suggestions"
    )
