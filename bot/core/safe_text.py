"""User text the bot reposts: neutralised for Slack mrkdwn, and "visibly empty" checks.

Every view that puts user-written text (kudos, feedback, request topics, and later review
comments, award or training reasons) into a message, DM, Home tab or modal passes it through
`safe_text`. Pure functions, no Slack calls."""

from __future__ import annotations

import re
import unicodedata

# One Slack control sequence `<…>`, one entity Slack already escaped, or a stray special char.
_PIECE = re.compile(r"<([^<>]*)>|&(?:amp|lt|gt);|[<>&]")
_STRAY = re.compile(r"&(?:amp|lt|gt);|[<>&]")
_USER = re.compile(r"@([UW][A-Z0-9]+)(?:\|.*)?", re.DOTALL)
_CHANNEL = re.compile(r"#([CG][A-Z0-9]+)(?:\|.*)?", re.DOTALL)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*")  # http:, https:, mailto:, tel: …
_BROADCASTS = {"here", "channel", "everyone", "group"}
_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# A plain `@here` / `@sales` (typed, or left by neutralising `<!here>`): Slack's automatic
# parsing of non-verbatim mrkdwn may still turn a name after `@` into a mention, so a word
# joiner (U+2060, zero width) goes after the `@`. Not after a word character (emails) or `<`.
_BARE_AT = re.compile(r"(?<![\w<])@(?=\w)")


def _escape(text: str) -> str:
    """Escape `<`, `>`, `&`, keeping entities Slack already escaped (no double escaping)."""
    return _STRAY.sub(lambda m: m[0] if len(m[0]) > 1 else _ESCAPES[m[0]], text)


def _special(body: str) -> str:
    """`<!here>` → `@here`, `<!subteam^S1|@sales>` → `@sales`, `<!date^…|fallback>` → fallback."""
    name, _, label = body[1:].partition("|")
    word = name.split("^", 1)[0]
    if word in _BROADCASTS:
        return "@" + word
    if label:
        return _escape(label)
    if word == "subteam" and "^" in name:
        return "@" + _escape(name.split("^", 1)[1])
    return _escape(f"<{body}>")


def _sequence(body: str) -> str:
    user = _USER.fullmatch(body)
    if user:
        return f"<@{user[1]}>"
    channel = _CHANNEL.fullmatch(body)
    if channel:
        return f"<#{channel[1]}>"
    if body.startswith("!"):
        return _special(body)
    url, _, label = body.partition("|")
    if _URL.fullmatch(url):
        url = _escape(url)
        shown = _escape(label.strip())
        # The address is always shown: a label never hides where a link goes. Slack sends
        # a typed `a.example` or `x@y.example` as `<http://a.example|a.example>`, so a label
        # that is the address itself is shown as typed.
        if shown and shown == url.split(":", 1)[1].lstrip("/"):
            return shown
        return f"{shown} ({url})" if shown and shown != url else url
    return _escape(f"<{body}>")  # not a Slack sequence: text someone typed


def safe_text(text: str) -> str:
    """`text` as written, made safe to repost in Slack mrkdwn (blocks and `text` fallbacks).

    - user mentions `<@U…>` / `<@U…|name>` stay mentions (`<@U…>`), channels `<#C…>` stay links;
    - special mentions ping nobody: `<!channel>`, `<!here>`, `<!everyone>` → `@channel` …,
      `<!subteam^ID|@team>` → `@team`, `<!date^…|fallback>` → its fallback text;
    - a link shows its real URL: `<http://x.example|click>` → `click (http://x.example)`;
    - any other `<`, `>`, `&` is escaped, so no new control sequence can form; `&amp;`,
      `&lt;`, `&gt;` (slash-command text arrives escaped) are kept, never double-escaped.

    - a bare `@name` gets an invisible word joiner after its `@`, so it can't be parsed into
      a mention (it reads the same).

    Slash-command text arrives escaped, modal text raw: both come out right."""
    text = _PIECE.sub(
        lambda m: _sequence(m[1]) if m[1] is not None else _ESCAPES.get(m[0], m[0]), text
    )
    return _BARE_AT.sub("@\u2060", text)


# Characters that draw nothing although Unicode does not call them whitespace or format (Cf).
_BLANK_LETTERS = {
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\u3164",  # Hangul filler
    "\uffa0",  # halfwidth Hangul filler
    "\u034f",  # combining grapheme joiner
    "\u2800",  # braille pattern blank
    "\u180e",  # Mongolian vowel separator (Cf in some Unicode versions, not others)
}


def _invisible(char: str) -> bool:
    if char.isspace() or char in _BLANK_LETTERS:
        return True
    category = unicodedata.category(char)
    if category in ("Cf", "Cc", "Zs", "Zl", "Zp"):
        return True
    # variation selectors (VS1-16 and the supplement VS17-256)
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def is_visibly_empty(text: str) -> bool:
    """True when `text` shows nothing: only whitespace (incl. U+3000), zero-width and other
    format characters (Unicode Cf: U+200B–U+200F, U+2060–U+2064, U+FEFF, U+00AD …),
    variation selectors or blank fillers (U+3164). Such a message is refused as empty."""
    return all(_invisible(char) for char in text)


def quoted(text: str) -> str:
    """Text as a Slack block quote, line by line."""
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def titled(title: str, user_text: str) -> tuple[str, str]:
    """(the `text` fallback, the section text) of a title over a quote of user text. The
    fallback puts the text on its own line: no colon that would be half-width in Chinese."""
    shown = safe_text(user_text)
    return f"{title}\n{shown}", f"{title}\n{quoted(shown)}"
