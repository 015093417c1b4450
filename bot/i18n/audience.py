"""Who reads a shared post, and so in which language(s) it is written.

A channel or team has a language in the config (`[teams.<key>] locale`, `[channels]
recognition_locale / announcements_locale`): zh-CN, en-US, "bilingual" (both, in one card,
the workspace's language first) or unset (the workspace's `default_locale`). DMs are not
shared: they follow the person (`bot.org.directory.locale_of`)."""

from __future__ import annotations

from bot.core.config import BILINGUAL, LOCALES, AppConfig


def locales_for(setting: str | None, default: str) -> tuple[str, ...]:
    """The language(s) of a post for an audience whose setting is `setting`."""
    if setting == BILINGUAL:
        return (default, *(loc for loc in LOCALES if loc != default))
    return (setting or default,)


def recognition_locales(config: AppConfig) -> tuple[str, ...]:
    """The recognition channel's: kudos cards and public praise."""
    return locales_for(config.channels.recognition_locale, config.workspace.default_locale)


def announcement_locales(config: AppConfig) -> tuple[str, ...]:
    """The announcements channel's."""
    return locales_for(config.channels.announcements_locale, config.workspace.default_locale)


def team_locales(config: AppConfig, team: str) -> tuple[str, ...]:
    """A team channel's (its digest post and chart)."""
    found = config.teams.get(team)
    return locales_for(found.locale if found else None, config.workspace.default_locale)
