"""The suggestion box: recording a suggestion, HR's decisions, votes, the lists.

`create` is the one way a suggestion is made (/suggest, the form, the calibration card's
"open a suggestion thread"). HR gets a card (their channel, else a DM each); a public one is
also posted in `[channels] suggestions` with a +1 button. Every change of status is one
conditional UPDATE checked by its row count, so double or parallel clicks act once and the
others are told who acted; the author is told every change, anonymous or not. A vote is an
INSERT … ON CONFLICT DO NOTHING on (suggestion, person), and the counter moves in the same
transaction only when a row went in.

An anonymous suggestion's author is known here (to tell them) and shown to nobody else:
views get a Row whose author is None (suggestion_queries.py), and nothing is logged with an
author's id or name."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from bot.core.blocks import Block
from bot.core.errors import NotAllowed, UserFacingError
from bot.core.safe_text import is_visibly_empty
from bot.core.workspace import Workspace
from bot.improvement import suggestion_queries as queries
from bot.improvement import suggestion_views as views
from bot.org import hr
from bot.org.directory import Who, by_id, locale_of
from bot.permissions import improvement as rules
from storage.db import insert_for
from storage.models.core import User
from storage.models.improvement import TOPICS, Suggestion, SuggestionVote
from storage.types import utcnow

log = logging.getLogger(__name__)
# the statuses a suggestion may move to, and from which
MOVES = {
    "acknowledged": ("open",),
    "planned": ("open", "acknowledged"),
    "declined": ("open", "acknowledged"),
}


def get(session: Session, team_id: str, suggestion_id: int) -> Suggestion:
    found = session.get(Suggestion, suggestion_id)
    if found is None or found.team_id != team_id:
        raise UserFacingError("improvement.suggest.gone")
    return found


def _text(text: str) -> str:
    text = text.strip()
    if is_visibly_empty(text):
        raise UserFacingError("improvement.suggest.empty", field="text")
    if len(text) > views.MAX_TEXT:
        raise UserFacingError(
            "improvement.suggest.too_long", field="text", max=views.MAX_TEXT, count=len(text)
        )
    return text


def create(
    ws: Workspace,
    session: Session,
    author: User,
    *,
    text: str,
    topic: str,
    anonymous: bool,
    public: bool,
) -> Suggestion:
    """Validate and record a suggestion, queue HR's card and (public) the channel post.
    Refused (nothing written): empty or too long text, an unknown topic, anonymous and
    shared at once."""
    text = _text(text)
    if topic not in TOPICS:
        raise UserFacingError("improvement.suggest.bad_topic", field="topic")
    if anonymous and public:
        raise UserFacingError("improvement.suggest.anonymous_public", field="share")
    now = ws.clock()
    s = Suggestion(
        team_id=ws.team_id,
        author_id=author.id or 0,
        text=text,
        topic=topic,
        anonymous=anonymous,
        public=public,
        created_at=now,
        updated_at=now,
    )
    session.add(s)
    session.flush()
    _tell_hr(ws, session, s)
    _post(ws, session, s)
    log.info("suggestion %s recorded (%s%s)", s.id, topic, ", anonymous" if anonymous else "")
    return s


def _tell_hr(ws: Workspace, session: Session, s: Suggestion) -> int:
    """HR's card (bot/org/hr.py decides where). How many were queued."""

    def card(locale: str, person: User | None) -> tuple[str, list[Block]]:
        return views.hr_card(locale, queries.row(ws, session, s, person or queries.CHANNEL))

    return hr.tell_hr(ws, session, f"suggestion:{s.id}:hr", card)


def _post(ws: Workspace, session: Session, s: Suggestion) -> None:
    channel = ws.config.channels.suggestions
    if not (s.public and channel):
        return
    text, blocks = public_card(ws, session, s)
    ws.sender.enqueue(session, ws.team_id, f"suggestion:{s.id}:public", channel, text, blocks)


def public_card(ws: Workspace, session: Session, s: Suggestion) -> tuple[str, list[Block]]:
    """The public post as it is now (the workspace's language)."""
    locale = ws.config.workspace.default_locale
    return views.public_post(locale, queries.row(ws, session, s, queries.CHANNEL))


def post_of(session: Session, team_id: str, s: Suggestion) -> tuple[str, str] | None:
    """Where the public post is (once Slack took it), remembered on the suggestion."""
    found = queries.public_post(session, team_id, s)
    if found is not None and (s.channel, s.ts) != found:
        s.channel, s.ts = found
        session.add(s)
    return found


def hr_card_for(
    ws: Workspace, session: Session, s: Suggestion, reader: User | None, locale: str
) -> dict[str, Any]:
    """HR's card as it is now, for `reader` (a person, or queries.CHANNEL)."""
    text, blocks = views.hr_card(locale, queries.row(ws, session, s, reader))
    return {"text": text, "blocks": blocks}


# --- HR's decisions --------------------------------------------------------------------------


def _already(ws: Workspace, session: Session, s: Suggestion, locale: str) -> UserFacingError:
    """A later click: what the suggestion is now, and who acted."""
    line = views.status_line(queries.row(ws, session, s, queries.CHANNEL), locale)
    return UserFacingError("improvement.suggest.already", status=line)


def check_decider(
    ws: Workspace, session: Session, who: Who, suggestion_id: int, status: str
) -> Suggestion:
    """A suggestion `who` (HR) may move to `status` now; else refused, nothing changed."""
    if not rules.handles_suggestions(who.user):
        raise NotAllowed("improvement.suggest.not_hr")
    s = get(session, ws.team_id, suggestion_id)
    if status not in MOVES or s.status not in MOVES[status]:
        raise _already(ws, session, s, who.locale)
    return s


def _move(session: Session, s: Suggestion, status: str, **values: Any) -> bool:
    """The one conditional UPDATE of a change; False: someone got there first."""
    stmt = (
        update(Suggestion)
        .where(col(Suggestion.id) == s.id, col(Suggestion.status).in_(MOVES[status]))
        .values(status=status, updated_at=utcnow(), **values)
    )
    moved = session.execute(stmt.execution_options(synchronize_session=False)).rowcount == 1  # type: ignore[attr-defined]
    session.refresh(s)
    return moved


def decide(
    ws: Workspace,
    session: Session,
    who: Who,
    suggestion_id: int,
    status: str,
    reply: str | None = None,
) -> Suggestion:
    """Acknowledge (no reply), plan or decline (a short reply, required) a suggestion, once;
    the author is told by DM in their language, and a public post shows the new status."""
    if status in ("planned", "declined"):
        reply = (reply or "").strip()
        if is_visibly_empty(reply):
            raise UserFacingError("improvement.suggest.reply_required", field="reply")
        if len(reply) > views.MAX_REPLY:
            raise UserFacingError(
                "improvement.suggest.reply_too_long", field="reply", max=views.MAX_REPLY
            )
    else:
        reply = None
    s = check_decider(ws, session, who, suggestion_id, status)
    values: dict[str, Any] = {"decided_by_id": who.user.id, "decided_at": ws.clock()}
    if reply is not None:
        values["reply"] = reply
    if not _move(session, s, status, **values):
        raise _already(ws, session, s, who.locale)
    _tell_author(ws, session, s)
    log.info("suggestion %s %s", s.id, status)
    return s


def _tell_author(ws: Workspace, session: Session, s: Suggestion) -> None:
    author = by_id(session, s.author_id)
    if author is None or author.deactivated or author.is_bot:
        return
    locale = locale_of(author, ws.config)
    text, blocks = views.author_notice(locale, queries.row(ws, session, s, author))
    key = f"suggestion:{s.id}:{s.status}:author"
    ws.sender.enqueue(session, ws.team_id, key, author.slack_id, text, blocks)


# --- votes -----------------------------------------------------------------------------------


def vote(ws: Workspace, session: Session, voter: User, suggestion_id: int) -> Suggestion:
    """+1 a public suggestion, once per person: the unique (suggestion, person) decides, and
    the counter moves only when the vote went in. Refused: a second vote, the author's own,
    a bot or someone deactivated."""
    s = get(session, ws.team_id, suggestion_id)
    if not s.public:
        raise UserFacingError("improvement.suggest.gone")
    if not rules.can_vote(voter):
        raise NotAllowed("improvement.suggest.vote.cannot")
    if not rules.can_vote_on(voter, s):
        raise UserFacingError("improvement.suggest.vote.own")
    row = {
        "team_id": ws.team_id,
        "suggestion_id": s.id,
        "user_id": voter.id,
        "created_at": ws.clock(),
    }
    statement = (
        insert_for(session)(SuggestionVote)
        .values(**row)
        .on_conflict_do_nothing()
        .returning(SuggestionVote.id)
    )
    if session.connection().execute(statement).scalar() is None:
        raise UserFacingError("improvement.suggest.vote.already")
    bump = update(Suggestion).where(col(Suggestion.id) == s.id)
    session.execute(
        bump.values(votes=Suggestion.votes + 1).execution_options(synchronize_session=False)
    )
    session.refresh(s)
    return s


# --- lists -----------------------------------------------------------------------------------


def listing(ws: Workspace, session: Session, who: Who) -> dict[str, Any]:
    """`/suggest list`: mine; for HR also every open one (most +1, then oldest)."""
    mine = queries.of_author(session, ws.team_id, who.user.id or 0)
    open_rows = None
    if rules.handles_suggestions(who.user):
        open_rows = queries.rows(ws, session, queries.open_ones(session, ws.team_id), who.user)
    return views.lists(who.locale, queries.rows(ws, session, mine, who.user), open_rows)


def home_section(ws: Workspace, session: Session, who: Who) -> list[Block]:
    """HR's App Home: the open count and the top five by votes; nothing for anyone else."""
    if not rules.handles_suggestions(who.user):
        return []
    count = queries.open_count(session, ws.team_id)
    top = queries.open_ones(session, ws.team_id, views.HOME_TOP) if count else []
    return views.home(who.locale, count, queries.rows(ws, session, top, who.user))
