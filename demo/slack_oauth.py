"""oauth.v2.access on the Slack emulator: the code grant of an install (/slack/oauth_redirect)
and the refresh_token grant of token rotation. FakeSlack mixes it in.

`fake.grant(code, team_id=..., token=...)` makes a code Slack would hand the installer's
browser; exchanging it (once) answers the bot token, and the token then works as that
workspace's (add_workspace). A refresh answers a new token for the same workspace and a new
refresh token; the old refresh token keeps working, as two processes may refresh at once."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from typing import Any

OAUTH_METHOD = "oauth.v2.access"


@dataclass
class _Grant:
    team_id: str
    token: str
    refresh_token: str | None
    expires_in: int | None
    team_name: str
    installer: str
    scope: str


class OAuthMethods:
    """What FakeSlack's __init__ sets up via `_init_oauth()`."""

    bot_user_id: str
    _lock: threading.Lock

    def add_workspace(self, team_id: str, token: str) -> None: ...  # FakeSlack's

    def _init_oauth(self) -> None:
        self.oauth_client: tuple[str, str] | None = None  # (client_id, secret) it accepts
        self._codes: dict[str, _Grant] = {}
        self._refresh: dict[str, _Grant] = {}  # refresh token -> what it refreshes
        self._rotations = 0

    def grant(
        self,
        code: str,
        *,
        team_id: str,
        token: str,
        refresh_token: str | None = None,
        expires_in: int | None = None,
        team_name: str | None = None,
        installer: str = "UINSTALLER",
        scope: str = "commands,chat:write",
    ) -> None:
        """A code that oauth.v2.access exchanges once for `token` (with a refresh token and
        expiry in seconds when rotation is on)."""
        with self._lock:
            self._codes[code] = _Grant(
                team_id, token, refresh_token, expires_in, team_name or team_id, installer, scope
            )

    def _oauth_access(self, headers: Any, params: dict[str, Any]) -> dict[str, Any]:
        client = _basic_auth(headers.get("Authorization", ""))
        if client is not None:
            params["client_id"], params["client_secret"] = client
        if self.oauth_client is not None and client != self.oauth_client:
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            return self._refreshed(str(params.get("refresh_token") or ""))
        with self._lock:
            found = self._codes.pop(str(params.get("code") or ""), None)
        if found is None:
            return {"ok": False, "error": "invalid_code"}
        self._issued(found)
        answer = {
            "ok": True,
            "access_token": found.token,
            "token_type": "bot",
            "scope": found.scope,
            "bot_user_id": self.bot_user_id,
            "app_id": "AFAKEAPP",
            "team": {"id": found.team_id, "name": found.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": found.installer},
        }
        if found.refresh_token:
            answer |= {"refresh_token": found.refresh_token, "expires_in": found.expires_in}
        return answer

    def _refreshed(self, refresh_token: str) -> dict[str, Any]:
        with self._lock:
            old = self._refresh.get(refresh_token)
            if old is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            self._rotations += 1
            n = self._rotations
        new = _Grant(
            old.team_id,
            f"{old.token.split('~')[0]}~r{n}",
            f"{(old.refresh_token or '').split('~')[0]}~r{n}",
            43200,  # Slack: a rotated token lives 12 hours
            old.team_name,
            old.installer,
            old.scope,
        )
        self._issued(new)
        return {
            "ok": True,
            "access_token": new.token,
            "token_type": "bot",
            "refresh_token": new.refresh_token,
            "expires_in": new.expires_in,
            "team": {"id": new.team_id, "name": new.team_name},
        }

    def _issued(self, grant: _Grant) -> None:
        self.add_workspace(grant.team_id, grant.token)
        if grant.refresh_token:
            with self._lock:
                self._refresh[grant.refresh_token] = grant


def _basic_auth(header: str) -> tuple[str, str] | None:
    if not header.startswith("Basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return client_id, secret
