"""/pulse replies and the App Home page."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.blocks import (
    MAX_VIEW_BLOCKS,
    Block,
    context,
    divider,
    fields,
    fit,
    header,
    message,
    section,
)
from bot.i18n import t


def _or_none(value: str | None, locale: str) -> str:
    return value or t("value.none", locale)


def help_lines(locale: str, help_keys: Sequence[str]) -> list[str]:
    return [f"• {t(key, locale)}" for key in help_keys]


def help_message(locale: str, help_keys: Sequence[str]) -> dict:
    """/pulse help: one line per registered command (the help keys of bot/features.py)."""
    lines = "\n".join(help_lines(locale, help_keys))
    return message(
        f"{t('help.header', locale)}\n{lines}",
        [header(t("help.header", locale)), section(lines), context(t("help.intro", locale))],
    )


def sourced(value: str, source: str, locale: str) -> str:
    """A language or time zone and where it comes from (bot/org/directory.py's sources)."""
    return t("whoami.sourced", locale, value=value, source=t(f"whoami.from_{source}", locale))


def language_name(locale: str, shown_in: str) -> str:
    return t(f"language.{locale}", shown_in)


def whoami_message(
    *,
    locale: str,
    name: str,
    team: str | None,
    manager_slack_id: str | None,
    role: str,
    timezone: tuple[str, str],
    language_source: str,
    local_time: str,
    in_org: bool,
    quiet: tuple[tuple[str, str] | None, str] | None = None,
) -> dict:
    """`timezone`: (IANA name, its source); the language is `locale` from `language_source`."""
    pairs = [
        (t("whoami.name", locale), name),
        (t("whoami.team", locale), _or_none(team, locale)),
        (
            t("whoami.manager", locale),
            f"<@{manager_slack_id}>" if manager_slack_id else t("value.none", locale),
        ),
        (t("whoami.role", locale), t(f"role.{role}", locale)),
        (
            t("whoami.language", locale),
            sourced(language_name(locale, locale), language_source, locale),
        ),
        (t("whoami.timezone", locale), sourced(*timezone, locale)),
        (t("whoami.local_time", locale), local_time),
    ]
    if quiet is not None:
        pairs.append((t("pulse.quiet.label", locale), quiet_shown(*quiet, locale)))
    blocks: list[Block] = [header(t("whoami.title", locale)), *fields(pairs)]
    if not in_org:
        blocks.append(context(t("whoami.not_in_org", locale)))
    text = "\n".join(t("value.labelled", locale, label=k, value=v) for k, v in pairs)
    return message(f"{t('whoami.title', locale)}\n{text}", blocks)


def lang_message(locale: str, source: str, inherited: tuple[str, str]) -> dict:
    """`/pulse lang` alone: the language now, where it comes from, and the choices (with
    what `auto` would go back to: `inherited`, a (locale, source) without the own setting)."""
    back_to = sourced(language_name(inherited[0], locale), inherited[1], locale)
    now = t("lang.current", locale, language=sourced(language_name(locale, locale), source, locale))
    return message(f"{now}\n{t('lang.choices', locale, inherited=back_to)}")


def quiet_shown(window: tuple[str, str] | None, source: str, locale: str) -> str:
    """Quiet hours and where they come from: "20:00–08:00, the workspace default"."""
    value = (
        t("pulse.quiet.window", locale, start=window[0], end=window[1])
        if window
        else t("pulse.quiet.none", locale)
    )
    return t("whoami.sourced", locale, value=value, source=t(f"pulse.quiet.from_{source}", locale))


def quiet_message(window: tuple[str, str] | None, source: str, timezone: str, locale: str) -> dict:
    """`/pulse quiet` alone: the setting, where it comes from, and how to change it."""
    now = t(
        "pulse.quiet.current", locale, quiet=quiet_shown(window, source, locale), timezone=timezone
    )
    return message(f"{now}\n{t('pulse.quiet.usage', locale)}")


def quiet_changed(
    choice: str, window: tuple[str, str] | None, source: str, timezone: str, locale: str
) -> dict:
    """After `/pulse quiet 21:00-07:30` / `off` / `auto`."""
    if choice == "auto":
        return message(t("pulse.quiet.auto", locale, quiet=quiet_shown(window, source, locale)))
    if window is None:
        return message(t("pulse.quiet.off", locale))
    return message(t("pulse.quiet.set", locale, start=window[0], end=window[1], timezone=timezone))


def lang_changed(locale: str, source: str, *, chosen: bool) -> dict:
    """After `/pulse lang zh|en` (`chosen`) or `auto`, in the language now in force."""
    if chosen:
        return message(t("lang.set", locale))
    language = sourced(language_name(locale, locale), source, locale)
    return message(t("lang.auto", locale, language=language))


def home_view(
    *,
    locale: str,
    name: str,
    team: str | None,
    manager_slack_id: str | None,
    role: str,
    sections: list[Block],
    help_keys: Sequence[str],
) -> dict:
    """The App Home tab: greeting, who you are, feature sections, then the command list."""
    manager = f"<@{manager_slack_id}>" if manager_slack_id else t("value.none", locale)
    top = [
        header(t("home.greeting", locale, name=name)),
        context(
            t(
                "home.team_line",
                locale,
                team=_or_none(team, locale),
                manager=manager,
                role=t(f"role.{role}", locale),
            )
        ),
        divider(),
    ]
    bottom = [
        divider(),
        header(t("home.help_header", locale)),
        section("\n".join(help_lines(locale, help_keys))),
    ]
    middle = fit(sections, MAX_VIEW_BLOCKS - len(top) - len(bottom))
    return {"type": "home", "blocks": top + middle + bottom}
