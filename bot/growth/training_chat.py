"""`/training` as a service: my requests and suggestions, a new request, the lists of
managers and HR, help.

The grammar: nothing (mine), `help`/`帮助`, `new`/`申请`/`新建` (the form), `list`/`列表`,
else a course (its key or title, English or Chinese, any case) or a topic in the rep's own
words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from bot.core.config import AppConfig
from bot.core.errors import UserFacingError
from bot.core.periods import containing
from bot.core.workspace import Workspace
from bot.growth import training as service
from bot.growth import training_form_views as form_views
from bot.growth import training_queries as queries
from bot.growth import training_views as views
from bot.i18n import localized, t
from bot.org.directory import Who
from bot.permissions import growth as rules

HELP_WORDS = ("help", "帮助")
NEW_WORDS = ("new", "申请", "新建")
LIST_WORDS = ("list", "列表")
STRIP = " \t\r\n\"'“”‘’「」。，,.;；:：!！?？"


@dataclass(frozen=True)
class Parsed:
    sub: str  # mine | help | new | list | request
    topic: str = ""
    course: str | None = None


def parse(text: str, config: AppConfig) -> Parsed:
    """What `/training <text>` asks for (a topic: clipped to 200 characters)."""
    words = text.split()
    if not words:
        return Parsed("mine")
    first = words[0].lower()
    if len(words) == 1 and first in HELP_WORDS + NEW_WORDS + LIST_WORDS:
        sub = "help" if first in HELP_WORDS else "new" if first in NEW_WORDS else "list"
        return Parsed(sub)
    topic = " ".join(words).strip(STRIP)
    if not topic:
        return Parsed("help")
    folded = topic.casefold()
    for course in config.training:
        if folded in (
            course.key.casefold(),
            course.title_en.casefold(),
            course.title_zh.casefold(),
        ):
            return Parsed("request", course.title_en, course.key)
    return Parsed("request", topic[: views.MAX_TOPIC].rstrip())


def draft_of(config: AppConfig, parsed: Parsed) -> service.Draft:
    course = config.course(parsed.course) if parsed.course else None
    if course is not None:
        return service.Draft(topic=course.title_en, course=course.key, kind=course.kind)
    return service.Draft(topic=parsed.topic)


def request(ws: Workspace, session: Session, who: Who, parsed: Parsed) -> dict[str, Any]:
    """A request from the command line; the rep's confirmation names their manager."""
    req, manager = service.create(ws, session, who.user, draft_of(ws.config, parsed))
    return views.created(who.locale, queries.topic_of(ws, req, who.locale), manager.slack_id)


def months(today: date, n: int = 6) -> list[str]:
    """This month and the next ones, as keys ("2026-11")."""
    found, period = [], containing("month", today)
    for _ in range(n):
        found.append(period.key)
        period = period.next()
    return found


def request_form(
    ws: Workspace,
    session: Session,
    who: Who,
    course: str | None = None,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """The request modal, prefilled from a suggestion when `course` is given; `reply_to`:
    the response_url the confirmation goes to (the command's or the button's)."""
    courses = [(c.key, localized(c, who.locale)) for c in ws.config.training]
    item = ws.config.course(course) if course else None
    reason = ""
    if item is not None:
        s = queries.weak_suggestion(ws, session, who.user, item.key, who.locale)
        if s is not None:
            reason = t(
                "training.form.suggested_reason", who.locale, figure=views.figure(s, who.locale)
            )
    return form_views.request_modal(
        who.locale,
        courses,
        months(queries.today(ws, who.user)),
        course=item.key if item else None,
        kind=item.kind if item else None,
        reason=reason,
        metadata={"url": reply_to} if reply_to else None,
    )


def mine(ws: Workspace, session: Session, who: Who, intro: str | None = None) -> dict[str, Any]:
    rows = queries.rows(
        ws, session, queries.of_rep(session, ws.team_id, who.user.id or 0), who.locale
    )
    found, why = queries.suggestions(ws, session, who.user, who.locale)
    return views.my_requests(who.locale, rows, found, why, intro)


def lists(ws: Workspace, session: Session, who: Who) -> dict[str, Any]:
    """For a manager, their tree's pending requests; for HR, all approved and scheduled ones;
    both for someone who is both; anyone else: what the list is, then their own requests."""
    manager = service.manages(session, who.user)
    hr = rules.runs_training(who.user)
    if not manager and not hr:
        return mine(ws, session, who, intro=t("training.list_who", who.locale))
    approvals = None
    if manager:
        pending = service.approvals_of(ws, session, who.user)
        approvals = queries.rows(ws, session, pending, who.locale)
    hr_rows = (
        queries.rows(ws, session, queries.for_hr(session, ws.team_id), who.locale) if hr else None
    )
    blocks = views.lists(who.locale, approvals, hr_rows)
    count = len(approvals or []) + len(hr_rows or [])
    text = t("training.list_text", who.locale, count=count)
    return {"text": text, "blocks": blocks, "response_type": "ephemeral"}


def reply(ws: Workspace, session: Session, who: Who, text: str) -> dict[str, Any]:
    """The answer to `/training <text>` except `new` (a modal) and creation (`request`)."""
    parsed = parse(text, ws.config)
    if parsed.sub == "help":
        return views.help_message(who.locale)
    if parsed.sub == "list":
        return lists(ws, session, who)
    if parsed.sub == "mine":
        return mine(ws, session, who)
    raise UserFacingError("training.help")
