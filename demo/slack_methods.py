"""The Web API methods the Slack emulator answers (auth, team, users, conversations, chat,
views, files), with the payload checks Slack makes before accepting a message or a view.
FakeSlack (demo/slack_emulator.py) mixes them in and holds the state they read."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from demo.block_limits import check_blocks, check_view

VIEW_METHODS = ("views.open", "views.push", "views.update", "views.publish")


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


class WebApiMethods:
    """What each Web API method answers; FakeSlack sets the state in its __init__."""

    team_id: str
    bot_user_id: str
    uploads: dict[str, bytes]
    violations: list[str]
    _root: str
    _users: dict[str, dict[str, Any]]
    _filenames: dict[str, str]
    _seq: int
    _lock: threading.Lock

    # -- ids -------------------------------------------------------------------------------

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            self._seq += 1
            return f"{prefix}{self._seq:08d}"

    def _next_ts(self) -> str:
        with self._lock:
            self._seq += 1
            micros = 1_700_000_000_000_000 + self._seq * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # -- payload checks ----------------------------------------------------------------------

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
        handlers |= {name: lambda p: self._view(method, p) for name in VIEW_METHODS}
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
