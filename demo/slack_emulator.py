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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Params that slack_sdk sends as JSON-encoded strings inside form bodies.
_JSON_PARAMS = ("blocks", "view", "attachments", "files")
_VIEW_METHODS = ("views.open", "views.push", "views.update", "views.publish")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float
    # What the server answered (set before the answer is sent; None while in flight), so
    # the demo console can follow returned ids such as message ts and view ids.
    response: dict[str, Any] | None = None


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


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


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


class FakeSlack:
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
        self._failures: dict[str, list[tuple[int, int, str]]] = {}
        self._hook_users: dict[str, str] = {}
        self._filenames: dict[str, str] = {}
        self._held: dict[str, int] = {}  # method -> calls answered before the rest are held
        self._release = threading.Event()
        self._seq = 0
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.add_user(bot_user_id, name="salespulse", real_name="SalesPulse", is_bot=True)

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
                c for c in self.calls if c.method in _VIEW_METHODS and method in (None, c.method)
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

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            self._seq += 1
            return f"{prefix}{self._seq:08d}"

    def _next_ts(self) -> str:
        with self._lock:
            self._seq += 1
            micros = 1_700_000_000_000_000 + self._seq * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

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
        failure = self._record(call)
        if failure is not None:
            return self._fail(req, call, *failure)

        if method == "response_url":
            reply = self._check_message(method, params)
            status = 400 if reply else 200
            call.response = reply or {"ok": True}
            return self._send(req, status, json.dumps(call.response).encode())
        reply = self._auth_error(req, params) or self._dispatch(method, params)
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
        if self.bot_token is None:
            return None  # no token configured: accept anything
        auth = req.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
        if not token:
            return {"ok": False, "error": "not_authed"}
        return None if token == self.bot_token else {"ok": False, "error": "invalid_auth"}

    def _reject(self, method: str, problems: list[str], error: str) -> dict[str, Any]:
        with self._lock:
            self.violations.extend(f"{method}: {p}" for p in problems)
        messages = [f"[ERROR] {p}" for p in problems]
        return {
            "ok": False,
            "error": error,
            "errors": problems,
            "response_metadata": {"messages": messages},
        }

    def _check_message(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        text = params.get("text")
        if isinstance(text, str) and len(text) > 40000:
            return self._reject(method, [f"text is {len(text)} chars (max 40000)"], "msg_too_long")
        problems = check_blocks(params["blocks"], 50) if params.get("blocks") else []
        return self._reject(method, problems, "invalid_blocks") if problems else None

    def _check_view(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        if not params.get("view"):
            return {"ok": False, "error": "invalid_arguments"}
        problems = check_view(params["view"])
        return self._reject(method, problems, "invalid_arguments") if problems else None

    # -- Web API methods -------------------------------------------------------------------

    def _dispatch(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "chat.postMessage": lambda p: self._post(method, p),
            "chat.postEphemeral": lambda p: self._post(method, p),
            "chat.update": lambda p: self._post(method, p),
            "chat.delete": lambda p: {"ok": True, "channel": p.get("channel"), "ts": p.get("ts")},
            "chat.getPermalink": self._get_permalink,
            "reactions.add": lambda p: {"ok": True},
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }
        handlers |= {name: lambda p: self._view(method, p) for name in _VIEW_METHODS}
        handler = handlers.get(method)
        return handler(p) if handler else {"ok": False, "error": "unknown_method"}

    def _auth_test(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake Team",
            "user": "salespulse",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "BBOT",
        }

    def _team_info(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "team": {"id": self.team_id, "name": "Fake Team", "domain": "fake"}}

    def _user_json(self, user: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
        data = {k: v for k, v in user.items() if k != "locale"}
        if _truthy(p.get("include_locale")):
            data["locale"] = user["locale"]
        return data

    def _users_info(self, p: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(p.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": self._user_json(user, p)}

    def _users_lookup_by_email(self, p: dict[str, Any]) -> dict[str, Any]:
        email = str(p.get("email", "")).lower()
        for user in list(self._users.values()):
            if email and user["profile"]["email"].lower() == email:
                return {"ok": True, "user": self._user_json(user, p)}
        return {"ok": False, "error": "users_not_found"}

    def _users_list(self, p: dict[str, Any]) -> dict[str, Any]:
        members = list(self._users.values())
        try:
            start, limit = int(p.get("cursor") or 0), int(p.get("limit") or 200)
        except ValueError:
            return {"ok": False, "error": "invalid_cursor"}
        page = [self._user_json(u, p) for u in members[start : start + limit]]
        more = str(start + limit) if start + limit < len(members) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": more}}

    def _conversations_open(self, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("channel"):
            return {"ok": True, "channel": {"id": p["channel"]}}
        users = [u for u in str(p.get("users", "")).split(",") if u]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        # Deterministic ids so tests can predict DM channels.
        channel = "D" + users[0] if len(users) == 1 else "G" + "".join(users)
        return {"ok": True, "channel": {"id": channel}}

    def _conversations_info(self, p: dict[str, Any]) -> dict[str, Any]:
        channel = str(p.get("channel", ""))
        info = {"id": channel, "is_im": channel.startswith("D"), "is_member": True}
        return {"ok": True, "channel": info}

    def _post(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        """chat.postMessage / postEphemeral / update."""
        if not p.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if method != "chat.update" and not (
            p.get("text") or p.get("blocks") or p.get("attachments")
        ):
            return {"ok": False, "error": "no_text"}
        if method == "chat.postEphemeral" and not p.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        if method == "chat.update" and not p.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        if rejected := self._check_message(method, p):
            return rejected
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        channel = p["channel"]
        if channel[:1] in ("U", "W"):
            channel = "D" + channel  # posting to a user id lands in their DM
        ts = p.get("ts") or self._next_ts()
        text = p.get("text", "")
        message = {"type": "message", "text": text, "blocks": p.get("blocks", []), "ts": ts}
        message |= {"user": self.bot_user_id, "bot_id": "BBOT"}
        return {"ok": True, "channel": channel, "ts": ts, "text": text, "message": message}

    def _get_permalink(self, p: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(p.get("channel", "")), str(p.get("message_ts", ""))
        link = f"https://fake.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _view(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        """views.open / push / update / publish."""
        if method in ("views.open", "views.push") and not p.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        if method == "views.publish" and not p.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        if rejected := self._check_view(method, p):
            return rejected
        # Unknown view_id / external_id are accepted: tests often craft payloads by hand.
        view = {**p["view"], "id": p.get("view_id") or self._next_id("V")}
        view |= {"team_id": self.team_id, "hash": self._next_ts()}
        if p.get("external_id"):
            view["external_id"] = p["external_id"]
        return {"ok": True, "view": view}

    def _get_upload_url(self, p: dict[str, Any]) -> dict[str, Any]:
        if not p.get("filename") or not p.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._next_id("F")
        with self._lock:
            self._filenames[file_id] = str(p["filename"])
        return {"ok": True, "upload_url": f"{self._root}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, p: dict[str, Any]) -> dict[str, Any]:
        files = p.get("files")
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        if any(not isinstance(f, dict) or f.get("id") not in self.uploads for f in files):
            return {"ok": False, "error": "file_not_found"}
        done = []
        for f in files:
            name = self._filenames.get(f["id"], "")
            done.append({"id": f["id"], "title": f.get("title") or name, "name": name})
        return {"ok": True, "files": done}
