"""Sales teams as people see them: the org import's team key shown by its name in the
reader's language (`[teams.<key>] name_en / name_zh`), the key itself when none is set."""

from __future__ import annotations

from bot.core.config import AppConfig
from bot.i18n import label


def team_name(config: AppConfig, key: str, locale: str) -> str:
    team = config.teams.get(key)
    if team is None:
        return key
    english = team.name_en or key
    return label(english, team.name_zh or english, locale)
