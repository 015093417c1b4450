"""`/kpi` as a service: parse the arguments, check who may see what, compute, render.
Knows nothing of Slack payloads; the handler passes plain text and the acting user."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session

from bot.core.blocks import header, message, section
from bot.core.config import AppConfig
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.mentions import Handle, Mention, Word, token_text, tokenize
from bot.core.periods import (
    FIRST_YEAR,
    LAST_YEAR,
    OutOfRange,
    Period,
    containing,
    local_date,
    parse,
)
from bot.core.workspace import Workspace
from bot.i18n import label, t
from bot.kpi import scheme as schemes
from bot.kpi import scorecard
from bot.kpi.scheme_views import scheme_message
from bot.kpi.views import MAX_LIST_LINES, detail_line, home_blocks, scorecard_message, team_message
from bot.org import directory
from bot.org.directory import Who
from bot.org.teams import find_team, team_keys, team_name
from bot.permissions import improvement as improvement_permissions
from bot.permissions import kpi as permissions

TEAM_WORDS = ("team", "团队")
HELP_WORDS = ("help", "帮助")
SCHEME_WORDS = ("scheme", "方案")


@dataclass(frozen=True)
class KpiRequest:
    kind: str  # own | person | team | help | scheme
    period: Period
    person: Mention | Handle | None = None
    team: str | None = None


def parse_request(text: str, today: date) -> KpiRequest:
    """`/kpi [period]`, `/kpi @user [period]`, `/kpi team [name] [period]`, `/kpi scheme`,
    `/kpi help`.
    Raises UserFacingError naming the word not understood ("kpi.bad_period",
    "kpi.extra_words", "kpi.period_out_of_range")."""
    tokens = tokenize(text)
    default = containing("month", today)
    if not tokens:
        return KpiRequest("own", default)
    first = tokens[0]
    if isinstance(first, Word) and first.text.lower() in HELP_WORDS:
        return KpiRequest("help", default)
    if isinstance(first, Word) and first.text.lower() in SCHEME_WORDS:
        if len(tokens) > 1:
            rest = " ".join(token_text(token) for token in tokens[1:])
            raise UserFacingError("kpi.extra_words", text=rest, period=first.text)
        return KpiRequest("scheme", default)
    if isinstance(first, Mention | Handle):
        return KpiRequest("person", _period(tokens[1:], today, default), person=first)
    if isinstance(first, Word) and first.text.lower() in TEAM_WORDS:
        rest = tokens[1:]
        team = None
        if rest and isinstance(rest[0], Word) and _parse(rest[0].text, today) is None:
            team, rest = rest[0].text, rest[1:]
        return KpiRequest("team", _period(rest, today, default), team=team)
    return KpiRequest("own", _period(tokens, today, default))


def _period(tokens: list, today: date, default: Period) -> Period:  # type: ignore[type-arg]
    if not tokens:
        return default
    if not isinstance(tokens[0], Word):  # /kpi @alice @bob
        raise UserFacingError("kpi.bad_period", text=token_text(tokens[0]))
    period = _parse(tokens[0].text, today)
    if period is None:
        raise UserFacingError("kpi.bad_period", text=tokens[0].text)
    if len(tokens) > 1:  # /kpi month quarter: say which word was not understood
        rest = " ".join(token_text(token) for token in tokens[1:])
        raise UserFacingError("kpi.extra_words", text=rest, period=tokens[0].text)
    return period


def _parse(text: str, today: date) -> Period | None:
    try:
        return parse(text, today)
    except OutOfRange:
        raise UserFacingError(
            "kpi.period_out_of_range", text=text, first=FIRST_YEAR, last=LAST_YEAR
        ) from None


def help_message(locale: str) -> dict:
    body = t("kpi.help", locale)
    return message(body, [header(t("kpi.help_title", locale)), section(body)])


def reply(ws: Workspace, session: Session, who: Who, text: str) -> dict:
    config, team_id = ws.config, ws.team_id
    today = local_date(ws.clock(), config.workspace.timezone)
    request = parse_request(text, today)
    if request.kind == "help":
        return help_message(who.locale)
    if request.kind == "scheme":
        return scheme_reply(session, config, team_id, who)
    if request.kind == "own":
        card = scorecard.scorecard(session, config, team_id, who.user, request.period, today)
        return scorecard_message(named(card, config, who.locale), who.locale, own=True)
    if request.kind == "person":
        assert request.person is not None
        subject = directory.resolve(session, team_id, request.person)
        if not permissions.can_view_kpis(session, who.user, subject):
            raise NotAllowed("kpi.not_allowed_person")
        card = scorecard.scorecard(session, config, team_id, subject, request.period, today)
        card = named(card, config, who.locale)
        return scorecard_message(card, who.locale, own=subject.id == who.user.id)
    return team_reply(session, config, team_id, who, request.team, request.period)


def team_reply(
    session: Session,
    config: AppConfig,
    team_id: str,
    who: Who,
    team: str | None,
    period: Period,
) -> dict:
    if team is not None:
        team = _find_team(session, config, team_id, who, team)
    view = permissions.kpi_team_view(session, who.user, team)
    if view is None:
        if who.user.team is None and team is None:
            raise NotAllowed("kpi.no_team")
        raise NotAllowed("kpi.not_allowed_team")
    rows = scorecard.leaderboard(
        session, config, team_id, period, team=view.team, members=view.members
    )
    if view.members is not None and view.team is not None:
        rows = [r for r in rows if r.team == view.team]
    total = len(rows)
    rows = rows[:MAX_LIST_LINES]
    details = None
    if view.detailed:
        values = scorecard.metric_values(
            session, config, team_id, period, [r.user_id for r in rows]
        )
        metrics = schemes.in_force(session, config, team_id, period).metrics
        details = {uid: detail_line(vals, metrics, who.locale) for uid, vals in values.items()}
    if view.team is not None:
        title = team_name(config, view.team, who.locale)
        rank_of = "team" if view.members is None else "list"
    elif view.members is not None:
        title, rank_of = t("kpi.your_reports", who.locale), "list"
    else:
        title, rank_of = t("kpi.company", who.locale), "company"
    return team_message(
        title=title,
        period=period,
        rows=rows,
        locale=who.locale,
        rank_of=rank_of,
        details=details,
        total=total,
        scheme=schemes.used_for(session, config, team_id, period),
    )


def scheme_reply(session: Session, config: AppConfig, team_id: str, who: Who) -> dict:
    """`/kpi scheme`: the current scheme and its last change; every version for HR/admins."""
    return scheme_message(
        list(config.metrics),
        schemes.history(session, team_id),
        who.locale,
        config.workspace.timezone,
        full_history=improvement_permissions.sees_scheme_history(who.user),
    )


def named(card: scorecard.Scorecard, config: AppConfig, locale: str) -> scorecard.Scorecard:
    """The scorecard with its team shown by the team's name in `locale` (not its key)."""
    standing = card.standing
    if standing is None or standing.team is None:
        return card
    shown = replace(standing, team=team_name(config, standing.team, locale))
    return replace(card, standing=shown)


def _find_team(session: Session, config: AppConfig, team_id: str, who: Who, text: str) -> str:
    """The key of the team `text` names (key, English or Chinese name, any case). An unknown
    name is refused with the teams the asker may see, by their names in the asker's language."""
    keys = team_keys(session, team_id, config)
    found = find_team(config, text, keys)
    if found is not None:
        return found
    visible = [
        team_name(config, key, who.locale)
        for key in keys
        if permissions.kpi_team_view(session, who.user, key) is not None
    ]
    shown = label(", ", "、", who.locale).join(visible) or t("value.none", who.locale)
    raise UserFacingError("kpi.unknown_team", team=text, teams=shown)


def home_section(ws: Workspace, session: Session, who: Who) -> list:  # type: ignore[type-arg]
    """App Home: this month's scorecard and the composite of the last 6 months."""
    config = ws.config
    today = local_date(ws.clock(), config.workspace.timezone)
    month = containing("month", today)
    team_id = who.user.team_id
    card = scorecard.scorecard(session, config, team_id, who.user, month, today)
    trend = scorecard.trend(session, config, team_id, who.user, month, 6)
    return home_blocks(named(card, config, who.locale), trend, who.locale)
