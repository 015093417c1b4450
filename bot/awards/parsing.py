"""Parsing `/award @user <award key or name> [YYYY-MM] <reason>` into plain values. Pure
functions, no Slack calls; a problem is a UserFacingError naming what was wrong.

An award's name may have spaces ("Sales Champion") or be Chinese ("销售冠军"): the longest
configured key or name (any case) at the start of what follows the person wins, so
"Sales Champion of the year" is the award "Sales Champion" with "of the year" as the reason."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention
from bot.core.periods import OutOfRange, Period, parse_key
from bot.core.safe_text import is_visibly_empty

HELP_WORDS = ("help", "帮助")
_SPACE = re.compile(r"[\s\u3000]+")
# The person: an escaped mention `<@U123|name>` or a plain `@handle`.
_PERSON = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|@([^\s\u3000]+)")
_MONTH = re.compile(r"(\d{4}-\d{1,2})(?=[\s\u3000]|$)")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class AwardArgs:
    person: Mention | Handle
    award: str  # the award's key
    month: Period | None  # None: the last complete month
    reason: str  # as typed


def _strip(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u3000", " ")).strip() if text else ""


def _after_person(text: str) -> tuple[Mention | Handle, str]:
    found = _PERSON.match(text)
    if found is None:
        raise UserFacingError("awards.command.no_person")
    person: Mention | Handle = (
        Mention(found[1]) if found[1] else Handle(found[2])  # type: ignore[arg-type]
    )
    return person, text[found.end() :].lstrip(" \t\n\u3000")


def _ends_at(rest: str, name: str) -> bool:
    """Whether `name` at the start of `rest` ends at a word boundary: a space, the end, or
    (for a name ending in a Chinese character) anything, since Chinese needs no spaces."""
    after = rest[len(name) : len(name) + 1]
    return after == "" or after.isspace() or bool(_CJK.match(name[-1]))


def match_award(rest: str, names: Sequence[tuple[str, Sequence[str]]]) -> tuple[str, str] | None:
    """(award key, the text after its name) for the longest key or name that starts `rest`
    (any case), or None. `names`: (key, [key, name_en, name_zh]) per award."""
    folded = rest.casefold()
    best: tuple[int, str] | None = None
    for key, spellings in names:
        for name in spellings:
            name = _strip(name)
            if not name or not folded.startswith(name.casefold()) or not _ends_at(rest, name):
                continue
            if best is None or len(name) > best[0]:
                best = (len(name), key)
    if best is None:
        return None
    return best[1], rest[best[0] :].lstrip(" \t\n\u3000")


def parse_award(text: str, names: Sequence[tuple[str, Sequence[str]]]) -> AwardArgs:
    """`@user <award> [YYYY-MM] <reason>`. Raises UserFacingError: "awards.command.no_person",
    "awards.command.unknown_award" (with `keys`), "awards.command.bad_month" (with `text`),
    "awards.command.no_reason"."""
    person, rest = _after_person(text.strip().replace("\u3000", " "))
    found = match_award(rest, names)
    if found is None:
        word = rest.split(maxsplit=1)[0] if rest.split() else ""
        keys = ", ".join(f"`{key}`" for key, _ in names)
        raise UserFacingError("awards.command.unknown_award", award=word or "—", keys=keys)
    key, rest = found
    month = None
    given = _MONTH.match(rest)
    if given is not None:
        try:
            month = parse_key(given[1])
        except OutOfRange:
            month = None
        if month is None:
            raise UserFacingError("awards.command.bad_month", text=given[1])
        rest = rest[given.end() :].lstrip(" \t\n\u3000")
    reason = rest.strip()
    if is_visibly_empty(reason):
        raise UserFacingError("awards.command.no_reason")
    return AwardArgs(person, key, month, reason)
