"""Checks that Chinese text reads as Chinese and renders in Slack: full-width punctuation next
to Chinese, no English words but product and command names, no nested parentheses, and
*bold* / _italic_ markers at a boundary Slack accepts. Used on catalog templates (where a
placeholder's value is unknown) and on messages as the fake Slack recorded them."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
FULL_PUNCT = set("，：；！？（）。、“”‘’《》「」【】…—\u3000")
OPAQUE, HOLE = "\ue000", "\ue001"
_PROTECTED = re.compile(
    r"(?P<code>`[^`\n]*`)"
    r"|(?P<slack><[^<>\n]*>)"
    r"|(?P<url>https?://[^\s<>`]+)"
    r"|(?P<emoji>:(?:[a-z0-9_+\-]+|\{[a-z_]+\})(?:::skin-tone-[2-6])?:)"
    r"|(?P<command>(?<![\w/])/[a-z]+)"
    r"|(?P<hole>\{[^{}\n]*\})"
)


def mask(text: str) -> str:
    """`text` with code spans, Slack syntax, URLs, emoji codes and command names as one
    opaque character each and placeholders as a hole."""
    return _PROTECTED.sub(lambda m: HOLE if m.lastgroup == "hole" else OPAQUE, text)


def cjk_side(char: str) -> bool:
    return bool(CJK.match(char)) or char in FULL_PUNCT


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", mask(text)))


def half_width_next_to_cjk(text: str) -> list[str]:
    """Each `: , ; ! ? ( )` whose nearest neighbour on the same line (spaces skipped) is
    Chinese, shown with its surroundings."""
    masked = mask(text)
    found = []
    for m in re.finditer(r"[:,;!?()]", masked):
        left = masked[: m.start()].rstrip(" ")[-1:]
        right = masked[m.end() :].lstrip(" ")[:1]
        if cjk_side(left) or cjk_side(right):
            found.append(masked[max(0, m.start() - 6) : m.end() + 6])
    return found


def max_paren_depth(text: str) -> int:
    depth = deepest = 0
    for char in mask(text):
        if char in "(（":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")）":
            depth -= 1
    return deepest


def _boundary(char: str) -> bool:
    """Slack starts or ends *bold* only next to a space, a line end or ASCII punctuation."""
    if char in ("", " ", "\n", "\t", OPAQUE):  # code, <…> and :emoji: end in punctuation
        return True
    return char.isascii() and not char.isalnum() and char not in "*_~"


def bad_emphasis(text: str) -> list[str]:
    """Each `*…*` / `_…_` pair (per line) that Slack would show as literal markers: an outside
    neighbour that is Chinese, a letter, a digit or an unknown placeholder value, or a space
    just inside."""
    found = []
    for line in mask(text).split("\n"):
        for marker in "*_":
            at = [i for i, c in enumerate(line) if c == marker]
            for open_, close in zip(at[::2], at[1::2], strict=False):
                before = line[open_ - 1] if open_ else ""
                after = line[close + 1 : close + 2]
                inner = line[open_ + 1 : close]
                if not (_boundary(before) and _boundary(after)) or inner != inner.strip():
                    found.append(line[max(0, open_ - 4) : close + 5])
    return found
