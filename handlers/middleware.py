"""Each listener's workspace and unit of work.

`workspace_context` (a Bolt middleware) finds the Workspace of the payload's team, refusing
any other, and puts it in the Bolt context with the process's database. A listener then runs
its work as `with unit(context, user_id, mentions) as u:`:

1. people Slack names but the directory doesn't know are looked up (users.info) first,
   outside any transaction;
2. one transaction: the actor is resolved, the service records what happened and queues what
   must be sent (outbox rows);
3. commit, then exactly the deliveries this unit queued go out. A Slack refusal then leaves the
   record as it is: the delivery stays in the outbox (retried by the deliver-outbox job) and
   `u.undelivered` tells the listener, which tells the actor.

It is a context manager, not a middleware that wraps `next()`, because Bolt runs a listener in
its own thread after the middleware chain has returned (the ack goes first)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltResponse
from sqlmodel import Session

from bot.core.deps import Deps
from bot.core.mentions import Mention, tokenize
from bot.core.sender import QUEUED
from bot.core.workspace import Workspace
from bot.org import directory
from bot.org.directory import Who
from storage.db import Database

log = logging.getLogger("salespulse")


def workspace_middleware(deps: Deps) -> Any:
    def workspace_context(context: Any, next: Any) -> BoltResponse | None:
        # Verified and authorised (Bolt's checks ran first), and from an installed workspace:
        # another workspace's payload would create "shadow" users and publish empty Homes.
        installed = context.authorize_result
        ws = deps.workspaces.for_team(context.team_id) if installed is not None else None
        if ws is None or context.team_id != installed.team_id:
            log.info("refused a request from another workspace (%s)", context.team_id)
            return BoltResponse(status=200, body="")
        context["ws"], context["db"] = ws, deps.db
        return next()

    return workspace_context


@dataclass
class Unit:
    ws: Workspace
    session: Session
    who: Who
    undelivered: int = 0  # set after commit: queued messages Slack refused for now


def mentioned(text: str) -> list[str]:
    """The user ids `<@U…>` in command text: looked up before the transaction opens."""
    return [token.user_id for token in tokenize(text) if isinstance(token, Mention)]


@contextmanager
def unit(context: Any, user_id: str, mentions: Iterable[str] = ()) -> Iterator[Unit]:
    ws: Workspace = context["ws"]
    db: Database = context["db"]
    directory.learn(ws.sender, db, ws.team_id, [user_id, *mentions])
    with db.session() as session:
        work = Unit(ws, session, directory.actor(session, ws.config, ws.team_id, user_id))
        yield work
        queued = list(session.info.get(QUEUED, []))
    if queued:
        _, work.undelivered = ws.sender.deliver(db, queued)


def learn(context: Any, *slack_ids: str) -> None:
    """First contact outside a unit (e.g. before reading the actor only)."""
    ws: Workspace = context["ws"]
    directory.learn(ws.sender, context["db"], ws.team_id, slack_ids)


def locale_of(context: Any, slack_id: str) -> str:
    """A person's language outside a unit (e.g. a modal's field errors, answered in the ack)."""
    ws: Workspace = context["ws"]
    with context["db"].session() as session:
        return directory.locale_of(directory.find(session, ws.team_id, slack_id), ws.config)
