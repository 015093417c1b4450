"""A fake Slack Web API server for end-to-end tests and the interactive demo.

It is a real HTTP server (stdlib only, so it can ship in the package) that
``slack_sdk.WebClient(base_url=fake.url)`` talks to. It records every call, answers the
methods SalesPulse uses the way Slack does, rejects Block Kit payloads that Slack would
reject, and can inject 429 / 5xx failures.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from demo.block_limits import check_blocks
from demo.rate_limits import LIMITED, RateLimits
from demo.slack_methods import VIEW_METHODS, WebApiMethods
from demo.slack_oauth import OAUTH_METHOD, OAuthMethods

# Params that slack_sdk sends as JSON-encoded strings inside form bodies.
_JSON_PARAMS = ("blocks", "view", "attachments", "files")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float
    # What the server answered (set before the answer is sent; None while in flight), so
    # the demo console can follow returned ids such as message ts and view ids.
    response: dict[str, Any] | None = None
    team: str | None = None  # the workspace whose token made the call (see add_workspace)


def _tz_offset(tz: str) -> int:
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset else 0


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        body = json.loads(raw)
        return body if isinstance(body, dict) else {}
    if content_type.startswith("multipart/form-data"):
        # email's MIME parser is the stdlib's remaining multipart parser (cgi is gone).
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
        parts: dict[str, Any] = {}
        for part in msg.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            parts[str(name)] = data if part.get_filename() else data.decode()
        return parts
    return dict(parse_qsl(raw.decode(), keep_blank_values=True))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        with contextlib.suppress(ConnectionError):  # the caller died mid-call (see hold())
            self.server.fake._handle(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


class FakeSlack(WebApiMethods, OAuthMethods):
    """A Slack Web API stand-in on a real socket; use as a context manager."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        team_id: str = "T0001",
        bot_user_id: str = "UBOT",
        bot_token: str | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.team_id, self.bot_user_id, self.bot_token = team_id, bot_user_id, bot_token
        self.url = self._root = ""  # set by start(), once the port is known
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.uploads: dict[str, bytes] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._teams: dict[str, str] = {}  # bot token -> team id, for more than one workspace
        self._failures: dict[str, list[tuple[int, int, str]]] = {}
        self._hook_users: dict[str, str] = {}
        self._filenames: dict[str, str] = {}
        self._held: dict[str, int] = {}  # method -> calls answered before the rest are held
        self.limits: RateLimits | None = None  # enforce_limits()
        self._refused_channels: dict[str, str] = {}  # refuse_channel()
        self._release = threading.Event()
        self._seq = 0
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.add_user(bot_user_id, name="salespulse", real_name="SalesPulse", is_bot=True)
        self._init_oauth()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        self._server = _Server((self.host, self.port), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]
        self._root = f"http://{self.host}:{self.port}"
        self.url = f"{self._root}/api/"
        # A short poll interval keeps stop() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- setup and inspection --------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str = "",
        email: str = "",
        locale: str = "en-US",
        tz: str = "Asia/Shanghai",
        is_bot: bool = False,
        deleted: bool = False,
    ) -> None:
        user = {"id": user_id, "team_id": self.team_id, "name": name, "real_name": real_name}
        user |= {"is_bot": is_bot, "deleted": deleted, "tz": tz, "tz_offset": _tz_offset(tz)}
        user |= {"locale": locale, "profile": {"email": email, "real_name": real_name}}
        user["profile"]["display_name"] = name
        with self._lock:
            self._users[user_id] = user

    def add_workspace(self, team_id: str, token: str) -> None:
        """Another workspace on this fake: calls with `token` are that workspace's (recorded
        as `Call.team`, and auth.test answers its team id); other tokens are refused."""
        with self._lock:
            self._teams[token] = team_id

    def team_calls(self, team_id: str, method: str | None = None) -> list[Call]:
        """The calls one workspace's token made (to `method`, when given)."""
        with self._lock:
            return [c for c in self.calls if c.team == team_id and method in (None, c.method)]

    def response_url(self, hook: str = "default", *, user: str | None = None) -> str:
        """A URL on this server; POSTs to it are recorded as method "response_url".

        `user` is stamped on recorded posts (params["user"]) so ephemerals(user) finds them.
        """
        if user is not None:
            self._hook_users[hook] = user
        return f"{self._root}/hooks/{quote(hook, safe='')}"

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        error: str = "ratelimited",
    ) -> None:
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, retry_after, error)] * times)

    def enforce_limits(
        self, per_minute: int, *, channel_interval: float = 1.0, window: float = 60.0
    ) -> RateLimits:
        """Refuse posts and uploads over Slack's limits with 429 (demo/rate_limits.py)."""
        self.limits = RateLimits(per_minute, channel_interval, window)
        return self.limits

    def refuse_channel(self, channel: str, error: str) -> None:
        """Every chat.postMessage to `channel` (or a user id's DM) fails with `error`."""
        with self._lock:
            self._refused_channels[channel] = error

    def hold(self, method: str, *, after: int = 0) -> None:
        """Record calls to `method` beyond the first `after` (counting all recorded so far)
        but answer none of them until release(): a test can kill the caller mid-call."""
        with self._lock:
            self._held[method] = after
            self._release.clear()

    def release(self) -> None:
        with self._lock:
            self._held.clear()
            self._release.set()

    def record_ack(self, user: str, body: dict[str, Any]) -> None:
        """An HTTP ack body carrying a message, which Slack shows the user like an ephemeral.
        The request driver (demo/slack_requests.py) reports it here; recorded as method "ack"."""
        problems = check_blocks(body.get("blocks") or [], 50) if body.get("blocks") else []
        with self._lock:
            self.violations.extend(f"ack: {p}" for p in problems)
            self.calls.append(Call("ack", {**body, "user": user}, {}, time.time()))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages(self, channel: str | None = None) -> list[Call]:
        posts = self.calls_to("chat.postMessage")
        return [c for c in posts if channel is None or c.params.get("channel") == channel]

    def dms_to(self, user_id: str) -> list[Call]:
        return [c for c in self.messages() if c.params.get("channel") in (user_id, "D" + user_id)]

    def ephemerals(self, user: str | None = None) -> list[Call]:
        with self._lock:
            found = [
                c
                for c in self.calls
                if c.method in ("chat.postEphemeral", "ack")
                or (
                    c.method == "response_url"
                    and c.params.get("response_type", "ephemeral") == "ephemeral"
                )
            ]
        return [c for c in found if user is None or c.params.get("user") == user]

    def views(self, method: str | None = None) -> list[Call]:
        if method is not None and "." not in method:
            method = f"views.{method}"  # allow views("open")
        with self._lock:
            return [
                c for c in self.calls if c.method in VIEW_METHODS and method in (None, c.method)
            ]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Poll until `predicate()` holds, for work the bot does after ack()."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.violations.clear()
            self.uploads.clear()
            self._failures.clear()

    # -- HTTP plumbing ---------------------------------------------------------------------

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        split = urlsplit(req.path)
        raw = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        content_type = req.headers.get("Content-Type", "")
        if split.path.startswith("/upload/"):
            return self._upload(req, split.path.removeprefix("/upload/"), raw, content_type)
        if split.path.startswith("/api/"):
            method = split.path.removeprefix("/api/")
        elif split.path.startswith("/hooks/"):
            method = "response_url"
        else:
            return self._send(req, 404, b"not found", "text/plain")

        params: dict[str, Any] = dict(parse_qsl(split.query, keep_blank_values=True))
        try:
            params.update(_parse_body(raw, content_type))
        except (ValueError, UnicodeDecodeError):
            return self._send(req, 400, b'{"ok": false, "error": "invalid_json"}')
        self._decode_params(method, split.path, params)
        call = Call(method, params, dict(req.headers.items()), time.time())
        call.team = self._teams.get(_token(req, params) or "")
        failure = self._record(call)
        if failure is not None:
            return self._fail(req, call, *failure)

        if method == "response_url":
            reply = self._check_message(method, params)
            status = 400 if reply else 200
            call.response = reply or {"ok": True}
            return self._send(req, status, json.dumps(call.response).encode())
        if method == OAUTH_METHOD:  # the app's client id and secret, not a token
            call.response = self._oauth_access(req.headers, params)
            return self._send(req, 200, json.dumps(call.response).encode())
        reply = self._auth_error(req, params)
        if reply is None and self.limits is not None and method in LIMITED:
            channel = str(params.get("channel") or params.get("channel_id") or "")
            wait = self.limits.admit(call.team or self.team_id, channel, call.at)
            if wait is not None:
                return self._fail(req, call, 429, wait, "ratelimited")
        refused = self._refused_channels.get(str(params.get("channel", "")).removeprefix("D"))
        if reply is None and refused and method == "chat.postMessage":
            reply = {"ok": False, "error": refused}
        reply = reply or self._dispatch(method, params)
        if method == "auth.test" and call.team and reply.get("ok"):
            reply = {**reply, "team_id": call.team}
        call.response = reply
        return self._send(req, 200, json.dumps(reply).encode())

    def _upload(
        self, req: BaseHTTPRequestHandler, file_id: str, raw: bytes, content_type: str
    ) -> None:
        # slack_sdk posts the raw bytes here (urllib labels them form-encoded).
        data = raw
        if content_type.startswith("multipart/form-data"):
            files = [v for v in _parse_body(raw, content_type).values() if isinstance(v, bytes)]
            data = files[0] if files else b""
        with self._lock:
            self.uploads[file_id] = data
        return self._send(req, 200, f"OK - {len(data)}".encode(), "text/plain")

    def _decode_params(self, method: str, path: str, params: dict[str, Any]) -> None:
        """JSON-valued params decoded, and a response_url call given its hook and user."""
        for key in _JSON_PARAMS:
            if isinstance(params.get(key), str) and params[key]:
                # A bad JSON string is left as is; the block checks report it.
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        if method == "response_url":
            hook = unquote(path.removeprefix("/hooks/"))
            params["_hook"] = hook
            if hook in self._hook_users:
                params.setdefault("user", self._hook_users[hook])

    def _record(self, call: Call) -> tuple[int, int, str] | None:
        """Record the call and return the failure scripted for it, if any; a held method
        waits here until released."""
        with self._lock:
            self.calls.append(call)
            pending = self._failures.get(call.method)
            failure = pending.pop(0) if pending else None
            held = call.method in self._held and (
                sum(c.method == call.method for c in self.calls) > self._held[call.method]
            )
        if held:
            self._release.wait()
        return failure

    def _fail(
        self, req: BaseHTTPRequestHandler, call: Call, status: int, retry_after: int, error: str
    ) -> None:
        call.response = {"ok": False, "error": error, "status": status}
        if status >= 500:
            # Slack's 5xx pages are HTML, not JSON; clients must cope.
            return self._send(req, status, b"<html><body>Internal Error</body></html>", "text/html")
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        return self._send(
            req, status, json.dumps({"ok": False, "error": error}).encode(), headers=headers
        )

    def _send(
        self,
        req: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str = "application/json; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        req.send_response(status)
        req.send_header("Content-Type", content_type)
        req.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            req.send_header(name, value)
        req.end_headers()
        req.wfile.write(body)

    def _auth_error(self, req: BaseHTTPRequestHandler, params: dict[str, Any]) -> dict | None:
        if self.bot_token is None and not self._teams:
            return None  # no token configured: accept anything
        token = _token(req, params)
        if not token:
            return {"ok": False, "error": "not_authed"}
        known = token == self.bot_token or token in self._teams
        return None if known else {"ok": False, "error": "invalid_auth"}


def _token(req: BaseHTTPRequestHandler, params: dict[str, Any]) -> str | None:
    auth = req.headers.get("Authorization", "")
    return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
