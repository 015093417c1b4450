"""Parsing slash-command arguments: escaped mentions (<@U123|name>), plain @handles,
channels (<#C123|name>), #tags and words. Pure functions, no Slack calls."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Slack escapes mentions as <@U123> or <@U123|display>; user ids start with U or W.
_TOKEN = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|<#([CDG][A-Z0-9]+)(?:\|[^>]*)?>|(\S+)")


@dataclass(frozen=True)
class Mention:
    user_id: str


@dataclass(frozen=True)
class Handle:
    name: str  # without the leading @


@dataclass(frozen=True)
class Channel:
    channel_id: str


@dataclass(frozen=True)
class Word:
    text: str


Token = Mention | Handle | Channel | Word


def tokenize(text: str) -> list[Token]:
    """Split command text into tokens; whitespace (including full-width spaces) separates."""
    tokens: list[Token] = []
    for user_id, channel_id, word in _TOKEN.findall(text.replace("\u3000", " ")):
        if user_id:
            tokens.append(Mention(user_id))
        elif channel_id:
            tokens.append(Channel(channel_id))
        elif word.startswith("@") and len(word) > 1:
            tokens.append(Handle(word[1:]))
        else:
            tokens.append(Word(word))
    return tokens


def split_people(tokens: list[Token]) -> tuple[list[Mention | Handle], list[Token]]:
    """The leading run of people, and the rest (the message)."""
    people: list[Mention | Handle] = []
    for i, token in enumerate(tokens):
        if isinstance(token, Mention | Handle):
            people.append(token)
        else:
            return people, tokens[i:]
    return people, []


def first_word(text: str) -> tuple[str, str]:
    """('whoami', 'rest of text') with the subcommand lower-cased; ('', '') for blank."""
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0].lower(), parts[1] if len(parts) > 1 else ""


def token_text(token: Token) -> str:
    """A token as the user wrote it (mentions in Slack's escaped form, so they render)."""
    if isinstance(token, Mention):
        return f"<@{token.user_id}>"
    if isinstance(token, Channel):
        return f"<#{token.channel_id}>"
    if isinstance(token, Handle):
        return f"@{token.name}"
    return token.text


def join_tokens(tokens: list[Token]) -> str:
    return " ".join(token_text(t) for t in tokens).strip()


def people_list(ids: list[str], separator: str = ", ") -> str:
    """`<@U1>, <@U2>`: people as Slack renders them (`<@U1>、<@U2>` with Chinese's separator)."""
    return separator.join(f"<@{i}>" for i in ids)
