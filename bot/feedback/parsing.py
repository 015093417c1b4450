"""Parsing /feedback arguments into plain values. Pure functions, no Slack calls;
problems are UserFacingErrors naming what was wrong (the handler adds the usage)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention, Word, join_tokens, split_people, tokenize
from bot.core.safe_text import is_visibly_empty

# Words for the three feedback types, English (any case) and Chinese.
KIND_WORDS = {
    "praise": "praise",
    "表扬": "praise",
    "correction": "correction",
    "改进": "correction",
    "suggestion": "suggestion",
    "建议": "suggestion",
}
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


def parse_quick_feedback(text: str) -> QuickFeedbackArgs:
    """`@user [praise|correction|suggestion|表扬|改进|建议] text`; the type defaults to suggestion."""
    people, rest = split_people(tokenize(text))
    if not people:
        raise UserFacingError("feedback.no_recipient")
    kind = DEFAULT_KIND
    if rest and isinstance(rest[0], Word) and rest[0].text.lower() in KIND_WORDS:
        kind = KIND_WORDS[rest[0].text.lower()]
        rest = rest[1:]
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
