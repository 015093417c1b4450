"""Parsing /kudos arguments into plain values. Pure functions, no Slack calls; problems are
UserFacingErrors naming what was wrong."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention, Token, Word, join_tokens, split_people, tokenize
from bot.core.safe_text import is_visibly_empty


@dataclass(frozen=True)
class KudosArgs:
    people: tuple[Mention | Handle, ...]
    message: str  # without the known value tags
    values: tuple[str, ...]  # known value keys, in the order given, no duplicates


def value_lookup(values: list[tuple[str, ...]]) -> dict[str, str]:
    """{lower-cased key or label: key} from (key, label_en, label_zh) triples."""
    lookup: dict[str, str] = {}
    for key, *labels in values:
        for name in (key, *labels):
            lookup.setdefault(name.lower(), key)
    return lookup


def parse_kudos(text: str, values: dict[str, str]) -> KudosArgs:
    """`@a @b message #value`: leading people, then the message; a #tag naming a known value
    (by key or label) is taken out of the text and counted, an unknown one stays as text."""
    people, rest = split_people(tokenize(text))
    if not people:
        raise UserFacingError("kudos.no_recipient")
    kept: list[Token] = []
    found: list[str] = []
    for token in rest:
        if isinstance(token, Word) and token.text.startswith(("#", "#")) and len(token.text) > 1:
            key = values.get(token.text[1:].lower())
            if key is not None:
                if key not in found:
                    found.append(key)
                continue
        kept.append(token)
    message = join_tokens(kept)
    if is_visibly_empty(message):
        raise UserFacingError("kudos.empty_message")
    return KudosArgs(tuple(dict.fromkeys(people)), message, tuple(found))
