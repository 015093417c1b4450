"""The daily directory-sync job: Slack's language, time zone and deactivation of everyone in
the directory, read from users.list (Tier 2: 200 members a page, pages paced by the sender,
a 429 waits its Retry-After in the client's retry handler).

Each page is written in its own short transaction after Slack answered, so no Slack call
waits inside one, and what was read stays written if a later page fails. Slack's members who
are not in the directory are not imported (the org import says who the people are); bots
stay bots. Running it twice changes nothing the second time."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError

from bot.core.deps import Deps, each_workspace
from bot.core.workspace import Workspace
from bot.org import profiles
from storage.db import Database

log = logging.getLogger(__name__)
PAGE_SIZE = 200  # users.list's recommended page size


def directory_sync(deps: Deps, as_of: datetime) -> str:
    return each_workspace(deps, lambda ws: sync_workspace(ws, deps.db, as_of))


def sync_workspace(ws: Workspace, db: Database, as_of: datetime) -> str:
    total = profiles.Stored()
    pages, cursor, problem = 0, "", ""
    while True:
        try:
            members, cursor = ws.sender.users_page(cursor, PAGE_SIZE)
        except (SlackApiError, OSError) as exc:  # what the client's retries could not mend
            problem = _reason(exc)
            log.warning("directory-sync stopped after %d pages: %s", pages, problem)
            break
        pages += 1
        with db.session() as session:
            total.add(profiles.store(session, ws.team_id, members, as_of, synced=True))
        if not cursor:
            break
    return _summary(total, pages, problem)


def _summary(total: profiles.Stored, pages: int, problem: str) -> str:
    text = (
        f"read {total.seen} Slack accounts in {pages} page{'' if pages == 1 else 's'}: "
        f"{total.known} in the directory, "
        f"{total.changed} with a new language or time zone, {total.deactivated} deactivated, "
        f"{total.reactivated} reactivated"
    )
    return text + (f"; stopped early: {problem}" if problem else "")


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return f"{type(exc).__name__}: {exc}"
