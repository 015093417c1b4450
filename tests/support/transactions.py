"""Proof that no Slack call happens inside a database transaction: every Web API call (and
every response_url post) checks that the calling thread holds no open transaction.

Transactions are tracked with SQLAlchemy's engine events (begin / commit / rollback) per
thread; a call made while one is open is recorded with its stack, and the test fails."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

_open = threading.local()


def _connections() -> set[int]:
    if not hasattr(_open, "ids"):
        _open.ids = set()
    return _open.ids


def _began(conn: Connection) -> None:
    _connections().add(id(conn))


def _ended(conn: Connection) -> None:
    _connections().discard(id(conn))


def transaction_open() -> bool:
    return bool(_connections())


class Violations(list):
    def record(self, what: str) -> None:
        if transaction_open():
            stack = "".join(traceback.format_stack(limit=12)[:-2])
            self.append(f"{what} inside a database transaction\n{stack}")


@contextmanager
def no_slack_inside_transactions() -> Iterator[Violations]:
    """Within the block, record Slack calls made while the caller has a transaction open."""
    violations = Violations()
    api_call, send_dict = WebClient.api_call, WebhookClient.send_dict

    def checked_api_call(self: WebClient, api_method: str, **kwargs: Any) -> Any:
        violations.record(f"Web API {api_method}")
        return api_call(self, api_method, **kwargs)

    def checked_send_dict(self: WebhookClient, body: dict, **kwargs: Any) -> Any:
        violations.record("response_url post")
        return send_dict(self, body, **kwargs)

    listeners = [("begin", _began), ("commit", _ended), ("rollback", _ended)]
    for name, fn in listeners:
        event.listen(Engine, name, fn)
    WebClient.api_call = checked_api_call  # type: ignore[method-assign]
    WebhookClient.send_dict = checked_send_dict  # type: ignore[method-assign]
    try:
        yield violations
    finally:
        WebClient.api_call = api_call  # type: ignore[method-assign]
        WebhookClient.send_dict = send_dict  # type: ignore[method-assign]
        for name, fn in listeners:
            event.remove(Engine, name, fn)
