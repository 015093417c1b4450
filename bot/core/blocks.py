"""Small Block Kit helpers that keep every block within Slack's limits."""

from __future__ import annotations

import json
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000  # section text; also what a kudos or feedback message may hold
SECTION_BUDGET = MAX_SECTION_TEXT - 100  # packing lines into sections: room to spare
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_MODAL_TEXT = 24  # a modal's title and its submit and close buttons

Block = dict[str, Any]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": clip(text, MAX_SECTION_TEXT)}


def plain(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def section(text: str, *, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    return block


def fields(pairs: list[tuple[str, str]]) -> list[Block]:
    """Label/value pairs as section fields, 10 per section (Slack's limit)."""
    items = [{"type": "mrkdwn", "text": clip(f"*{k}*\n{v}", MAX_FIELD_TEXT)} for k, v in pairs]
    return [{"type": "section", "fields": items[i : i + 10]} for i in range(0, len(items), 10)]


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> Block:
    btn: Block = {"type": "button", "text": plain(text, 75), "action_id": action_id}
    if value:
        btn["value"] = value
    if style:
        btn["style"] = style
    return btn


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def option(text: str, value: str) -> dict[str, Any]:
    """An option of a select, radio or checkbox group (its text at most 75 characters)."""
    return {"text": plain(text, 75), "value": value}


def input_block(block_id: str, label: str, element: Block, optional: bool = False) -> Block:
    """A modal's input: `element` (with its action_id) under `label`."""
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "optional": optional,
        "element": element,
    }


def fit(blocks: list[Block], limit: int, more: Block | None = None) -> list[Block]:
    """Cut a block list to `limit`, replacing the tail with `more` (e.g. "and N more")."""
    if len(blocks) <= limit:
        return blocks
    kept = blocks[: limit - 1] if more is not None else blocks[:limit]
    return kept + ([more] if more is not None else [])


def message(text: str, blocks: list[Block] | None = None) -> dict[str, Any]:
    """An ephemeral reply: plain `text` always (notifications and screen readers)."""
    payload: dict[str, Any] = {"text": clip(text, MAX_SECTION_TEXT), "response_type": "ephemeral"}
    if blocks:
        payload["blocks"] = fit(blocks, MAX_MESSAGE_BLOCKS)
    return payload


def modal(
    callback_id: str,
    *,
    title: str,
    submit: str,
    close: str,
    blocks: list[Block],
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A modal view; `metadata` travels back with its submission as private_metadata."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, MAX_MODAL_TEXT),
        "submit": plain(submit, MAX_MODAL_TEXT),
        "close": plain(close, MAX_MODAL_TEXT),
        "blocks": blocks,
    }
    if metadata is not None:
        view["private_metadata"] = json.dumps(metadata)
    return view


def stack(parts: list[tuple[str, list[Block]]]) -> tuple[str, list[Block]]:
    """One card from the same message in several languages (a "bilingual" channel): each
    part's blocks, a divider between them, all within Slack's 50 blocks (each part gets an
    equal share); the `text` fallbacks joined, so notifications show every language."""
    if len(parts) == 1:
        return parts[0][0], fit(parts[0][1], MAX_MESSAGE_BLOCKS)
    share = (MAX_MESSAGE_BLOCKS - (len(parts) - 1)) // len(parts)
    blocks: list[Block] = []
    for i, (_, part) in enumerate(parts):
        if i:
            blocks.append(divider())
        blocks.extend(fit(part, share))
    return "\n\n".join(text for text, _ in parts), blocks
