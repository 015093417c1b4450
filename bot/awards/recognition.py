"""`salespulse export recognition`: who recognised whom, as counts, for HR: per person the kudos
they gave and received (and received per company value), the feedback they gave and received
by kind (praise, correction, suggestion: counts, never a text) and the awards they won in the
period. Each count comes from its feature's service module (bot.kudos.service,
bot.feedback.service); withdrawn kudos don't count, as everywhere.

One row per active person (not a bot), plus anyone deactivated since who has a count in the
period, ordered by team and name. The period's instants are the workspace's time zone's; the
awards are those of the months the period touches (bot.awards.service.months_of).

English headers are column keys (`kudos_received_teamwork`), Chinese headers the labels
people read (`收到的点赞：团队合作`). Text cells that a spreadsheet would run as a formula are
neutralised (bot.core.tabular.neutral)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlmodel import Session, col, select

from bot.awards import service as awards
from bot.core.config import AppConfig
from bot.core.periods import Period
from bot.core.tabular import Cell, neutral, write
from bot.feedback import service as feedback
from bot.i18n import is_zh, localized, t
from bot.kudos import service as kudos
from bot.org.teams import team_name
from storage.models.core import User
from storage.models.feedback import KINDS

FORMATS = ("csv", "xlsx")


def header(config: AppConfig, locale: str) -> list[str]:
    columns = [t(f"export.{c}", locale) for c in ("slack_id", "name", "team", "manager")]
    columns += [t("export.kudos_given", locale), t("export.kudos_received", locale)]
    for value in config.values:
        name = localized(value, locale) if is_zh(locale) else value.key
        columns.append(t("export.kudos_value", locale, value=name))
    for direction in ("feedback_given", "feedback_received"):
        columns += [
            t(f"export.{direction}", locale, kind=t(f"export.{kind}", locale)) for kind in KINDS
        ]
    columns.append(t("export.awards", locale))
    return columns


def _people(session: Session, team_id: str, active: set[int]) -> list[User]:
    """The active people, and whoever else has a count (`active`: the ids with one)."""
    query = select(User).where(
        User.team_id == team_id,
        User.is_bot == False,  # noqa: E712
        (User.deactivated == False) | col(User.id).in_(sorted(active) or [-1]),  # noqa: E712
    )
    return list(session.exec(query.order_by(col(User.id))).all())


def rows(
    session: Session, config: AppConfig, team_id: str, period: Period, locale: str
) -> Iterator[list[Cell]]:
    since, until = period.bounds(config.workspace.timezone)
    after = period.next().bounds(config.workspace.timezone)[0]  # feedback counts: [since, after)
    gave = kudos.given_per_person(session, team_id, since, until)
    got = kudos.received_per_person(session, team_id, since, until)
    got_values = kudos.received_per_value(session, team_id, since, until)
    fb_gave = feedback.given_by_kind(session, team_id, since, after)
    fb_got = feedback.counts_by_kind(session, team_id, None, since, after)
    won: dict[int, list[str]] = {}
    for award in awards.won_in(session, team_id, awards.months_of(period)):
        name = awards.award_name(config, award.award_key, locale)
        item = t("export.award_item", locale, award=name, month=award.month)
        won.setdefault(award.winner_id, []).append(item)
    people = _people(session, team_id, set(gave) | set(got) | set(fb_gave) | set(fb_got) | set(won))
    names = {u.id: u.name for u in people}
    missing = {u.manager_id for u in people if u.manager_id and u.manager_id not in names}
    for manager in session.exec(select(User).where(col(User.id).in_(sorted(missing) or [-1]))):
        names[manager.id] = manager.name

    def order(user: User) -> tuple[str, str]:
        return (team_name(config, user.team, locale) if user.team else "\uffff", user.name)

    for user in sorted(people, key=order):
        uid = user.id or 0
        row: list[Cell] = [user.slack_id, user.name]
        row.append(team_name(config, user.team, locale) if user.team else "")
        row.append(names.get(user.manager_id, "") if user.manager_id else "")
        row += [gave.get(uid, 0), got.get(uid, 0)]
        row += [got_values.get(uid, {}).get(value.key, 0) for value in config.values]
        row += [fb_gave.get(uid, {}).get(kind, 0) for kind in KINDS]
        row += [fb_got.get(uid, {}).get(kind, 0) for kind in KINDS]
        row.append("; ".join(won.get(uid, [])))
        yield [neutral(cell) for cell in row]


def export(
    session: Session,
    config: AppConfig,
    team_id: str,
    period: Period,
    fmt: str,
    path: Path,
    locale: str = "en-US",
) -> int:
    """Write the export to `path`; returns the number of rows."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    table = rows(session, config, team_id, period, locale)
    return write(path, fmt, header(config, locale), table, sheet="recognition")
