"""The App Home page: who you are, then the overviews of the people you may see (a manager's
team, HR's company by team: bot/home/people.py), then the sections features register
(bot/features.py, each a `(ws, session, who) -> blocks` function), then the command list."""

from __future__ import annotations

from sqlmodel import Session

from bot import features
from bot.core.blocks import Block
from bot.core.workspace import Workspace
from bot.home import people
from bot.org import directory
from bot.org.directory import Who
from bot.org.teams import team_name
from bot.pulse.views import home_view
from storage.db import Database


def build(ws: Workspace, session: Session, who: Who) -> dict:
    manager = directory.by_id(session, who.user.manager_id)
    sections: list[Block] = people.sections(ws, session, who)
    for section in features.home_sections():
        sections.extend(section.build(ws, session, who))
    return home_view(
        locale=who.locale,
        name=who.user.name,
        team=team_name(ws.config, who.user.team, who.locale) if who.user.team else None,
        manager_slack_id=manager.slack_id if manager else None,
        role=who.user.role,
        sections=sections,
        help_keys=features.help_keys(),
    )


def publish(ws: Workspace, db: Database, slack_id: str) -> None:
    """Re-render and publish a user's Home (after anything on it changed). Slack is asked
    (first contact, then views.publish) only outside the read transaction."""
    directory.learn(ws.sender, db, ws.team_id, [slack_id])
    with db.session() as session:
        who = directory.actor(session, ws.config, ws.team_id, slack_id)
        view = build(ws, session, who)
    ws.sender.publish_home(slack_id, view)
