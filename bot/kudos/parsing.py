"""Parsing /kudos arguments into plain values. Pure functions, no Slack calls; problems are
UserFacingErrors naming what was wrong."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.errors import UserFacingError
from bot.core.mentions import Handle, Mention, Token, Word, split_people, token_text, tokenize
from bot.core.safe_text import is_visibly_empty

TAG_MARKS = ("#", "＃")
# Hyphens, underscores, spaces and middle dots separate the words of a value's name alike.
_SEPARATORS = re.compile(r"[\s\-_‐‑–—·・]+")
# Punctuation that may follow a tag in a sentence (`#teamwork!`, `#客户第一。`).
_TRAILING = ".,!?;:。，！？；：、…)）\"'”’"


@dataclass(frozen=True)
class KudosArgs:
    people: tuple[Mention | Handle, ...]
    message: str  # as typed, without the known value tags that closed it
    values: tuple[str, ...]  # known value keys, in the order given, no duplicates


def tag_name(text: str) -> str:
    """A value's name or a typed tag in the one form they are compared in: `Customer first`,
    `#customer_first`, `#Customer-First!` all give `customer-first`."""
    name = unicodedata.normalize("NFKC", text).casefold().lstrip("#").rstrip(_TRAILING)
    return _SEPARATORS.sub("-", name).strip("-")


def value_lookup(values: list[tuple[str, ...]]) -> dict[str, str]:
    """{tag name: key} from (key, label_en, label_zh) triples: each name as `tag_name` writes
    it and run together (`#CustomerFirst`)."""
    names = [(tag_name(name), key) for key, *labels in values for name in (key, *labels)]
    lookup: dict[str, str] = {}
    for typed, key in names:  # as written first: a run-together form never shadows one
        lookup.setdefault(typed, key)
    for typed, key in names:
        lookup.setdefault(typed.replace("-", ""), key)
    lookup.pop("", None)
    return lookup


# A tag written straight after Chinese text, without a space: `签下了华东大单#客户第一`.
_GLUED_TAG = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])(?=[#＃])")


def _split_glued(tokens: list[Token]) -> tuple[list[Token], set[int]]:
    """Tags glued to the Chinese text before them, as words of their own; and the positions
    of the words that had no space before them (they are joined again when kept)."""
    out: list[Token] = []
    glued: set[int] = set()
    for token in tokens:
        parts = _GLUED_TAG.split(token.text) if isinstance(token, Word) else [token]
        glued.update(range(len(out) + 1, len(out) + len(parts)))
        out.extend(Word(p) if isinstance(p, str) else p for p in parts)
    return out, glued


def _join(tokens: list[Token], kept: list[int], glued: set[int]) -> str:
    """The kept tokens as typed: a space between words, none between words that had none."""
    parts: list[str] = []
    last = -1
    for i in kept:
        text = token_text(tokens[i])
        if parts and all(k in glued for k in range(last + 1, i + 1)):
            parts[-1] += text
        else:
            parts.append(text)
        last = i
    return " ".join(parts).strip()


def _is_tag(token: Token) -> bool:
    return isinstance(token, Word) and token.text.startswith(TAG_MARKS) and len(token.text) > 1


def _match(tokens: list[Token], start: int, values: dict[str, str]) -> str | None:
    """The value named by the tag at `start`: by itself, or with the words after it when
    the value's name has spaces (`#Customer first`); the longest name wins."""
    longest = max((name.count("-") + 1 for name in values), default=1)
    for end in range(min(len(tokens), start + longest), start, -1):
        words = tokens[start:end]
        if all(isinstance(w, Word) for w in words) and not any(map(_is_tag, words[1:])):
            key = values.get(tag_name(" ".join(w.text for w in words)))  # type: ignore[union-attr]
            if key is not None:
                return key
    return None


def _closing_tags(tokens: list[Token]) -> int:
    """Where the run of tags that ends the message starts (len(tokens) when there is none)."""
    start = len(tokens)
    while start > 0 and _is_tag(tokens[start - 1]):
        start -= 1
    return start


def _punctuated(token: Token) -> bool:
    """`#teamwork!`: a tag with punctuation after it stays, so the punctuation does too."""
    return isinstance(token, Word) and token.text.rstrip(_TRAILING) != token.text


def parse_kudos(text: str, values: dict[str, str]) -> KudosArgs:
    """`@a @b message #value`: leading people, then the message. A #tag naming a known value
    (by key or label, any case, `-`/`_`/space alike) counts for that value. The message keeps
    every word as typed: only known tags in the run of tags that ends it are taken out (the
    card lists them as values); a tag inside a sentence stays where it was, and a tag that
    names no value is text like any other."""
    people, rest = split_people(tokenize(text))
    if not people:
        raise UserFacingError("kudos.no_recipient")
    rest, glued = _split_glued(rest)
    closing = _closing_tags(rest)
    kept: list[int] = []
    found: list[str] = []
    for i, token in enumerate(rest):
        key = _match(rest, i, values) if _is_tag(token) else None
        if key is not None and key not in found:
            found.append(key)
        if key is None or i < closing or _punctuated(token):
            kept.append(i)
    message = _join(rest, kept, glued)
    if is_visibly_empty(message):
        raise UserFacingError("kudos.empty_message")
    return KudosArgs(tuple(dict.fromkeys(people)), message, tuple(found))
