"""`/review` as a service: the subcommand, who may use it, the reply. Knows nothing of Slack
payloads; the handler passes plain text and the acting user."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.blocks import message, section
from bot.core.errors import UserFacingError
from bot.core.periods import local_date
from bot.core.workspace import Workspace
from bot.i18n import t
from bot.org.directory import Who
from bot.reviews import close, status
from bot.reviews.status_views import CycleCounts, my_reviews, status_message

HELP_WORDS = ("help", "帮助")
STATUS_WORDS = ("status", "状态")


def help_message(locale: str) -> dict:
    text = t("reviews.help", locale)
    return message(text, [section(text)])


def reply(ws: Workspace, session: Session, who: Who, text: str, notes: close.Notes = ()) -> dict:
    words = text.split(maxsplit=1)
    sub = words[0].lower() if words else ""
    rest = words[1].strip() if len(words) > 1 else ""
    if sub in HELP_WORDS:
        return help_message(who.locale)
    if sub == "close":
        return close.reply(ws, session, who, " ".join(words[1:]) or None, notes)
    if sub == "":
        return my_tasks(ws, session, who)
    if sub in STATUS_WORDS:
        return cycle_status(ws, session, who, rest or None)
    raise UserFacingError("reviews.unknown_sub", sub=sub or "")


def my_tasks(ws: Workspace, session: Session, who: Who) -> dict:
    """`/review`: my open tasks with their buttons; a manager also sees their team's."""
    rows = status.task_rows(ws, session, who.user)
    today = local_date(ws.clock(), ws.config.workspace.timezone)
    team = status.team_completion(ws, session, who.user, today)
    return my_reviews(rows, team, who.locale)


def cycle_status(ws: Workspace, session: Session, who: Who, ref: str | None) -> dict:
    """`/review status [cycle]`: HR only; completion by team."""
    cycle = status.status_cycle(session, ws.team_id, who.user, ref)
    today = local_date(ws.clock(), ws.config.workspace.timezone)
    rows = status.cycle_completion(session, ws.config, cycle, today, who.locale)
    return status_message(CycleCounts(cycle.name, cycle.due, rows), who.locale)
