"""Reading what the fake Slack recorded: a person's ephemeral replies, and all the text of a
message as a person reads it."""

from __future__ import annotations

from demo.slack_emulator import FakeSlack


def reply_to(fake: FakeSlack, user: str, n: int = 1) -> list[dict]:
    """The ephemeral replies `user` got, waiting for work done after ack()."""
    assert fake.wait_for(lambda: len(fake.ephemerals(user)) >= n), fake.calls
    return [c.params for c in fake.ephemerals(user)]


def all_text(payload: dict) -> str:
    """Everything a person reads in a message: fallback text and every block's text."""
    parts = [payload.get("text", "")]
    for block in payload.get("blocks") or []:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for f in block.get("fields") or []:
            parts.append(f["text"])
        for e in block.get("elements") or []:
            if isinstance(e.get("text"), str):
                parts.append(e["text"])
            elif isinstance(e.get("text"), dict):
                parts.append(e["text"]["text"])
    return "\n".join(parts)
