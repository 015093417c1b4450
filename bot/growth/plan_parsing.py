"""`/career plan …` arguments: `[@rep]`, `add [@rep] <text> [#metric_or_training] [due
YYYY-MM-DD]` (添加, 截止). Pure functions: no session, no Slack.

A `#word` is always a tag and `due` / `截止` closing the command with a number after it (or
nothing) always a due date: an unknown tag or a bad date is an error, never silently part of
the goal's text ("due diligence" is text: no number)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention, tokenize

ADD_WORDS = ("add", "添加")
MAX_TEXT = 500
# the due date closes the command: "due 2026-12-31", "截止 2026-12-31", "…截止：2026-12-31";
# a word without digits after it is text ("due diligence"), anything else must be a date
_DUE = re.compile(r"(?:(?:^|\s)due(?:\s*[:：]\s*|\s+|$)|截止\s*[:：]?\s*)(\S*)\s*$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TAG = re.compile(r"^[#＃](\S*)$")


@dataclass(frozen=True)
class PlanArgs:
    """What `/career plan …` asks for: `add` or not, and whose plan (None: mine)."""

    add: bool
    rep: Mention | Handle | None
    rest: str  # after `add [@rep]`: the goal as typed


@dataclass(frozen=True)
class GoalArgs:
    text: str  # whitespace folded to single spaces; "" with no tag and no date: the modal
    metric: str | None  # a [[metrics]] key
    course: str | None  # a [[training]] key
    due: date | None


def parse_plan(text: str) -> PlanArgs:
    """`text` after `plan`: `` | `@rep` | `add [@rep] …`."""
    words = text.strip().split(maxsplit=1)
    add = bool(words) and words[0].lower() in ADD_WORDS
    rest = (words[1] if len(words) > 1 else "") if add else text.strip()
    tokens = tokenize(rest)
    rep = tokens[0] if tokens and isinstance(tokens[0], Mention | Handle) else None
    if rep is not None:
        rest = _after_first_token(rest)
    if not add and rest.strip():
        raise UserFacingError("plan.usage")
    return PlanArgs(add, rep, rest.strip())


def _after_first_token(text: str) -> str:
    text = text.replace("\u3000", " ").lstrip()
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def parse_goal(text: str, metrics: Collection[str], courses: Collection[str]) -> GoalArgs:
    """The goal of `add …`: its text, at most one `#tag` (a metric or a training key) and
    `due YYYY-MM-DD`. Raises UserFacingError on an unknown tag, a bad date, a tag or date
    without text, or text over MAX_TEXT characters."""
    text = text.replace("\u3000", " ").strip()
    due = None
    found = _DUE.search(text)
    if found and found.group(1) and not any(c.isdigit() for c in found.group(1)):
        found = None  # "due diligence": words, not a date
    if found:
        due = _date(found.group(1))
        text = text[: found.start()].strip()
    words, tags = [], []
    for word in text.split():
        tag = _TAG.match(word)
        if tag:
            tags.append(tag.group(1))
        else:
            words.append(word)
    if len(tags) > 1:
        raise UserFacingError("plan.one_tag")
    metric = course = None
    if tags:
        key = tags[0].lower()
        if key in metrics:
            metric = key
        elif key in courses:
            course = key
        else:
            raise UserFacingError("plan.unknown_tag", tag=key[:50])
    goal = " ".join(words)
    if not goal and (tags or found):
        raise UserFacingError("plan.no_text")
    if len(goal) > MAX_TEXT:
        raise UserFacingError("plan.too_long", max=MAX_TEXT)
    return GoalArgs(goal, metric, course, due)


def _date(text: str) -> date:
    if not _DATE.match(text):
        raise UserFacingError("plan.bad_date", text=text[:30])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserFacingError("plan.bad_date", text=text) from None
