"""The Block Kit limits Slack enforces, as the emulator checks them: readable descriptions
of what a message's blocks or a view break (block counts, text lengths, ids)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def _text(obj: Any) -> Any:
    """The string inside a text object (or None)."""
    return obj.get("text") if isinstance(obj, dict) else None


def _limit(problems: list[str], what: str, value: Any, maximum: int) -> None:
    if isinstance(value, str) and len(value) > maximum:
        problems.append(f"{what} is {len(value)} chars (max {maximum})")


def _walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every dict nested in a block, so accessories and elements get checked too."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


def check_blocks(blocks: Any, max_blocks: int) -> list[str]:
    """Readable descriptions of the Block Kit limits `blocks` breaks."""
    if not isinstance(blocks, list):
        return ["blocks is not a JSON array"]
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks (max {max_blocks})")
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        if not isinstance(block, dict):
            problems.append(f"{where} is not a JSON object")
            continue
        if block.get("type") == "section":
            _limit(problems, f"{where} section text", _text(block.get("text")), 3000)
            fields = block.get("fields") or []
            if len(fields) > 10:
                problems.append(f"{where} section has {len(fields)} fields (max 10)")
            for j, fld in enumerate(fields):
                _limit(problems, f"{where}.fields[{j}] text", _text(fld), 2000)
        elif block.get("type") == "header":
            _limit(problems, f"{where} header text", _text(block.get("text")), 150)
        for path, node in _walk(block, where):
            _limit(problems, f"{path}.action_id", node.get("action_id"), 255)
            _limit(problems, f"{path}.block_id", node.get("block_id"), 255)
            if node.get("type") == "button":
                _limit(problems, f"{path} button text", _text(node.get("text")), 75)
    return problems


def check_view(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["view is not a JSON object"]
    problems = check_blocks(view.get("blocks", []), 100)
    for key in ("title", "submit", "close"):
        _limit(problems, f"view {key} text", _text(view.get(key)), 24)
    _limit(problems, "view private_metadata", view.get("private_metadata"), 3000)
    return problems
