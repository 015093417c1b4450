"""Requests exactly as Slack sends them to /slack/events: form-encoded slash commands,
`payload=` interactivity, JSON events; each signed with the signing secret. Used by the
tests and by the demo console to drive the real app, with `track_listeners` to know when
the app has finished with them (a barrier, not a sleep)."""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

_trigger_ids = itertools.count(1)


def new_trigger_id() -> str:
    return f"{next(_trigger_ids)}.{int(time.time())}.{uuid.uuid4().hex[:12]}"


class SlackRequests:
    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        *,
        team_id: str = "T0001",
        response_url: Callable[..., str] | None = None,
        on_ack: Callable[[str, dict[str, Any]], None] | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.events_url = events_url
        self.team_id = team_id
        self._verifier = SignatureVerifier(signing_secret)
        self._response_url = response_url or (lambda hook, user=None: f"http://127.0.0.1:9/{hook}")
        self._on_ack = on_ack  # Slack shows a command's ack body to the user: report it
        self.http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def signed_headers(self, body: str, *, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self._verifier.generate_signature(timestamp=ts, body=body),
        }

    def send(
        self, body: str, content_type: str, *, headers: dict[str, str] | None = None, **sign: Any
    ) -> httpx.Response:
        all_headers = {"Content-Type": content_type, **self.signed_headers(body, **sign)}
        all_headers.update(headers or {})
        return self.http.post(self.events_url, content=body.encode("utf-8"), headers=all_headers)

    def command(
        self,
        user_id: str,
        command: str,
        text: str = "",
        *,
        channel_id: str = "C0GENERAL",
        **sign: Any,
    ) -> httpx.Response:
        hook = f"cmd-{uuid.uuid4().hex[:10]}"
        form = {
            "token": "legacy-unused",
            "team_id": self.team_id,
            "team_domain": "salespulse-demo",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0SALESPULSE",
            "is_enterprise_install": "false",
            "response_url": self._response_url(hook, user=user_id),
            "trigger_id": new_trigger_id(),
        }
        resp = self.send(urlencode(form), "application/x-www-form-urlencoded", **sign)
        if self._on_ack and resp.status_code == 200 and resp.content.strip():
            body = resp.json()
            if body.get("text") or body.get("blocks"):
                self._on_ack(user_id, body)
        return resp

    def interaction(self, payload: dict[str, Any], **sign: Any) -> httpx.Response:
        payload = {"team": {"id": self.team_id, "domain": "salespulse-demo"}, **payload}
        payload.setdefault("api_app_id", "A0SALESPULSE")
        payload.setdefault("trigger_id", new_trigger_id())
        body = urlencode({"payload": json.dumps(payload, ensure_ascii=False)})
        return self.send(body, "application/x-www-form-urlencoded", **sign)

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str = "",
        *,
        container: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
        **sign: Any,
    ) -> httpx.Response:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user_id},
            "actions": [
                {"action_id": action_id, "block_id": "b", "value": value, "type": "button"}
            ],
            "container": container or {"type": "message"},
            "response_url": self._response_url(f"act-{uuid.uuid4().hex[:10]}", user=user_id),
        }
        if view is not None:
            payload["view"] = view
            payload.pop("response_url")
        if channel_id:
            payload["channel"] = {"id": channel_id}
        if message is not None:
            payload["message"] = message
        return self.interaction(payload, **sign)

    def view_submission(
        self, user_id: str, view: dict[str, Any], values: dict[str, Any], **sign: Any
    ) -> httpx.Response:
        submitted = {**view, "state": {"values": values}}
        submitted.setdefault("id", "V" + uuid.uuid4().hex[:10].upper())
        return self.interaction(
            {"type": "view_submission", "user": {"id": user_id}, "view": submitted}, **sign
        )

    def shortcut(
        self, user_id: str, callback_id: str, *, message: dict | None = None, channel_id: str = ""
    ) -> httpx.Response:
        payload: dict[str, Any] = {
            "type": "shortcut",
            "user": {"id": user_id},
            "callback_id": callback_id,
        }
        if message is not None:
            payload.update(
                type="message_action",
                message=message,
                channel={"id": channel_id},
                response_url=self._response_url(f"sc-{uuid.uuid4().hex[:10]}", user=user_id),
            )
        return self.interaction(payload)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        **sign: Any,
    ) -> httpx.Response:
        envelope = {
            "token": "legacy-unused",
            "team_id": self.team_id,
            "api_app_id": "A0SALESPULSE",
            "event": {"event_ts": f"{time.time():.6f}", **event},
            "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:12].upper(),
            "event_time": int(time.time()),
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.send(json.dumps(envelope), "application/json", headers=headers, **sign)


class InFlight(Executor):
    """Bolt's listener executor, counting the work still running after ack(), so a driver
    knows when the bot has finished answering (and that nothing more will happen) instead of
    guessing with sleeps. A listener is submitted before its request is answered, so once
    a response has arrived, `wait_idle` covers everything that request started."""

    def __init__(self, inner: Executor, counted_with: InFlight | None = None) -> None:
        self.inner = inner
        self._pending = 0
        self._idle = threading.Condition()
        self._counter = counted_with or self  # one count over both of Bolt's executors

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        counter = self._counter
        with counter._idle:
            counter._pending += 1

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with counter._idle:
                    counter._pending -= 1
                    counter._idle.notify_all()

        return self.inner.submit(run)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        counter = self._counter
        with counter._idle:
            return counter._idle.wait_for(lambda: counter._pending == 0, timeout)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait, cancel_futures=cancel_futures)


def track_listeners(app: App) -> InFlight:
    """Route the app's listeners, and the work they queue after their ack (Bolt's lazy-listener
    executor: handlers/after_ack.py), through one InFlight counter; each keeps its own pool."""
    runner = app.listener_runner
    inflight = InFlight(runner.listener_executor)
    runner.listener_executor = inflight
    lazy = runner.lazy_listener_runner
    lazy.executor = InFlight(lazy.executor, counted_with=inflight)  # type: ignore[attr-defined]
    return inflight
