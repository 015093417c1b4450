"""Sales teams as people see them: the org import's team key shown by its name in the
reader's language (`[teams.<key>] name_en / name_zh`), the key itself when none is set; and
found again from any of those names, whatever the case (`/kpi team 华东`, `east`, `East`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from bot.core.config import AppConfig
from bot.i18n import label
from storage.models.core import User


def team_name(config: AppConfig, key: str, locale: str) -> str:
    team = config.teams.get(key)
    if team is None:
        return key
    english = team.name_en or key
    return label(english, team.name_zh or english, locale)


def team_keys(session: Session, team_id: str, config: AppConfig) -> list[str]:
    """Every team there is: those configured and those someone is in (the org import's keys)."""
    found = session.exec(
        select(User.team)
        .where(User.team_id == team_id, col(User.team).is_not(None), User.is_bot == False)  # noqa: E712
        .distinct()
    ).all()
    return sorted(set(config.teams) | {key for key in found if key})


def _names(config: AppConfig, key: str) -> set[str]:
    team = config.teams.get(key)
    names = {key, *((team.name_en, team.name_zh) if team else ())}
    return {n.strip().casefold() for n in names if n}


def find_team(config: AppConfig, text: str, keys: Iterable[str]) -> str | None:
    """The key of the team among `keys` that `text` names by its key, English or Chinese
    name (case-insensitive), or None."""
    wanted = text.strip().casefold()
    return next((key for key in keys if wanted in _names(config, key)), None)
