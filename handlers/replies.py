"""How a command answers: in the HTTP ack when the answer is ready at once, else via
response_url after acking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond


def replier(ack: Ack, respond: Respond, *, fast: bool) -> Callable[..., None]:
    """`fast`: the answer needs no Slack Web API call (e.g. the user is in the directory), so
    it goes in the ack body itself — one round trip, and no post-ack backlog under load.
    Otherwise ack now (Slack's 3 s) and answer through response_url when ready."""
    if fast:
        return lambda **message: ack(**_ack_fields(message))
    ack()
    return lambda **message: respond(**message)


def _ack_fields(message: dict[str, Any]) -> dict[str, Any]:
    return {k: message[k] for k in ("text", "blocks", "response_type") if k in message}
