"""`/career` as a service: readiness (mine, a report's), a guidance question, help. The
`plan` subcommands are handled by bot.growth.plan_chat (handlers route them)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.core import claims
from bot.core.errors import NotAllowed
from bot.core.mentions import Handle, Mention, tokenize
from bot.core.periods import local_date
from bot.core.workspace import Workspace
from bot.growth import career_views as views
from bot.growth import guidance
from bot.growth.readiness import readiness
from bot.org import directory
from bot.org.directory import Who
from bot.permissions.growth import can_see_career
from storage.models.core import User

HELP_WORDS = ("help", "帮助")


def help_message(locale: str) -> dict:
    return views.help_message(locale)


HELP, OWN, PERSON, QUESTION = "help", "own", "person", "question"


def parse(text: str) -> tuple[str, Mention | Handle | str | None]:
    """What `/career <text>` asks for: (help | own | person, the mention | question, its
    text). `plan` never gets here (handlers route it)."""
    words = text.split(maxsplit=1)
    sub = words[0].lower() if words else ""
    if sub in HELP_WORDS and len(words) == 1:
        return HELP, None
    if not sub:
        return OWN, None
    tokens = tokenize(text)
    if len(tokens) == 1 and isinstance(tokens[0], Mention | Handle):
        return PERSON, tokens[0]
    return QUESTION, text.strip()


def reply(
    ws: Workspace, session: Session, who: Who, text: str, *, trigger_id: str | None = None
) -> dict[str, Any]:
    """`/career`, `/career @someone`, `/career help`, or `/career <question>` (which asks a
    coach, once per `trigger_id`: a duplicate delivery raises claims.AlreadyDone)."""
    kind, arg = parse(text)
    if kind == HELP:
        return help_message(who.locale)
    if kind == OWN:
        return card(ws, session, who.user, who.user, who.locale)
    if isinstance(arg, Mention | Handle):
        subject = directory.resolve(session, ws.team_id, arg)
        if not can_see_career(session, who.user, subject):
            raise NotAllowed("career.not_allowed")
        return card(ws, session, who.user, subject, who.locale)
    if trigger_id:
        claims.claim(session, ws.team_id, f"trigger:{trigger_id}")
    guidance.ask(ws, session, who.user, str(arg))
    return views.asked(who.locale)


def today_of(ws: Workspace) -> Any:
    return local_date(ws.clock(), ws.config.workspace.timezone)


def card(ws: Workspace, session: Session, viewer: User, subject: User, locale: str) -> dict:
    """`subject`'s readiness as `viewer` may see it (permission checked by the caller), with
    the guidance requests `viewer` may see."""
    assert subject.id is not None
    ready = readiness(session, ws.config, ws.team_id, [subject], today_of(ws))[subject.id]
    requests = guidance.visible_requests(session, ws.team_id, viewer, subject)
    data = views.Card(subject.slack_id, viewer.id == subject.id, ready, requests)
    return views.card(data, locale)
