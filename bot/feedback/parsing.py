"""Parsing /feedback arguments into plain values. Pure functions, no Slack calls;
problems are UserFacingErrors naming what was wrong (the handler adds the usage)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention, Token, Word, join_tokens, split_people, tokenize
from bot.core.safe_text import is_visibly_empty, safe_text

# Words for the three feedback types, English (any case) and Chinese.
KIND_WORDS = {
    "praise": "praise",
    "表扬": "praise",
    "correction": "correction",
    "改进": "correction",
    "suggestion": "suggestion",
    "建议": "suggestion",
}
# Other words for a type: a message starting with one is asked about ("did you mean
# correction?"), never sent as a suggestion by default.
SYNONYMS = {
    "critique": "correction",
    "criticism": "correction",
    "批评": "correction",
    "纠正": "correction",
    "指正": "correction",
    "compliment": "praise",
    "称赞": "praise",
    "赞扬": "praise",
    "夸奖": "praise",
    "recommendation": "suggestion",
    "提议": "suggestion",
}
# Real words a letter or two from a type or synonym, that start ordinary messages.
NOT_TYPOS = frozenset(
    {
        "collection",
        "collections",
        "compliant",
        "complement",
        "complements",
        "connection",
        "connections",
        "correlation",
        "corruption",
        "suggesting",
    }
)
# `praise:` / `改进：` / `praise!` work like `praise` / `改进`.
_KIND_COLON = re.compile(r"(?s)(\S+?)[:：,，!！](.*)")
DEFAULT_KIND = "suggestion"
FOR_WORDS = ("for", "为")
ABOUT_WORDS = ("about", "关于")


@dataclass(frozen=True)
class QuickFeedbackArgs:
    people: tuple[Mention | Handle, ...]
    kind: str
    message: str


@dataclass(frozen=True)
class RequestArgs:
    peers: tuple[Mention | Handle, ...]
    subject: Mention | Handle | None  # `for @rep`
    topic: str | None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one edit), or
    `limit + 1` as soon as it is certainly more than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


def near_kind(word: str) -> str | None:
    """The type a first word seems to mean without being one: a synonym (`critique`), or an
    English word within 1 edit of a type or synonym of up to 6 letters (`praise`), 2 of a
    longer one (`corection`, `sugestions`), with the same first letter (or its first two
    swapped). Chinese words and words of 3 letters or fewer only as exact synonyms: one
    character away from 改进 are 改天, 改正 and many ordinary words."""
    word = word.casefold()
    if word in SYNONYMS:
        return SYNONYMS[word]
    if len(word) <= 3 or not (word.isascii() and word.isalpha()) or word in NOT_TYPOS:
        return None
    for target, kind in (*KIND_WORDS.items(), *SYNONYMS.items()):
        limit = 1 if len(target) <= 6 else 2
        same_start = word[0] == target[0] or word[:2] == target[1::-1]
        if target.isascii() and same_start and edit_distance(word, target, limit) <= limit:
            return kind
    return None


def _kind(rest: list[Token]) -> tuple[str, list[Token]]:
    """The type named by the first word (`praise`, `改进：…`), and the words after it."""
    if not rest or not isinstance(rest[0], Word):
        return DEFAULT_KIND, rest
    word, after = rest[0].text, rest[1:]
    colon = _KIND_COLON.fullmatch(word)
    if colon and colon[1].lower() in KIND_WORDS:
        word, after = colon[1], ([Word(colon[2])] if colon[2] else []) + after
    if word.lower() in KIND_WORDS:
        return KIND_WORDS[word.lower()], after
    meant = near_kind(colon[1] if colon else word)
    if meant is not None:
        raise UserFacingError(f"feedback.did_you_mean_{meant}", word=rest[0].text)
    return DEFAULT_KIND, rest


def parse_quick_feedback(text: str) -> QuickFeedbackArgs:
    """`@user [praise|correction|suggestion|表扬|改进|建议] text`; the type defaults to
    suggestion, but a first word that looks like a type and isn't one is asked about."""
    people, rest = split_people(tokenize(text))
    if not people:
        raise UserFacingError("feedback.no_recipient")
    kind, rest = _kind(rest)
    message = join_tokens(rest)
    if is_visibly_empty(message):
        raise UserFacingError("feedback.empty_message")
    return QuickFeedbackArgs(tuple(dict.fromkeys(people)), kind, message)


def parse_request(text: str) -> RequestArgs:
    """`@a @b [for @rep] [about <topic>]` (the words after `/feedback request`)."""
    peers, rest = split_people(tokenize(text))
    if not peers:
        raise UserFacingError("feedback.request_no_peers")
    subject: Mention | Handle | None = None
    if rest and isinstance(rest[0], Word) and rest[0].text.lower() in FOR_WORDS:
        if len(rest) < 2 or not isinstance(rest[1], Mention | Handle):
            raise UserFacingError("feedback.request_for_needs_person")
        subject, rest = rest[1], rest[2:]
    about = bool(rest) and isinstance(rest[0], Word) and rest[0].text.lower() in ABOUT_WORDS
    topic = join_tokens(rest[1:] if about else rest)
    if is_visibly_empty(topic):
        if about:
            raise UserFacingError("feedback.request_empty_topic")
        return RequestArgs(tuple(dict.fromkeys(peers)), subject, None)
    return RequestArgs(tuple(dict.fromkeys(peers)), subject, topic)


def parse_list(rest: str) -> None:
    """`/feedback list` takes nothing after it: anything there is named back to the asker."""
    if not is_visibly_empty(rest):
        extra = rest.strip()
        shown = extra if len(extra) <= 60 else extra[:60] + "…"
        raise UserFacingError("feedback.list_extra", extra=safe_text(shown))
