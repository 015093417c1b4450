"""Installing in many workspaces: Bolt's OAuth settings over our stores, the gate that reads
each request's installation (rotating its token when it expires soon) and keeps uninstalled
workspaces out, the authorize that uses it, and the app_uninstalled / tokens_revoked listeners.

The gate reads `installations` (at most once a second per workspace and process:
bot/core/installed.py); Bolt's InstallationStoreAuthorize would read it on every request
(twice when the requester is not the installer) and call auth.test.

Uninstalling keeps a workspace's data (until `salespulse workspace purge`) but stops all work:
its installation is marked, every process forgets it (within a second for requests, within
CACHE_SECONDS for jobs: bot/core/installed.py), and from then on its requests are dropped
before Bolt's authorize, whose "installation no longer available" reply would otherwise post
to the payload's response_url."""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.errors import SlackApiError

from bot.core.deps import Deps
from bot.core.installations import (
    BOT_SCOPES,
    ROTATE_MINUTES,
    DatabaseInstallationStore,
    DatabaseStateStore,
    make_rotator,
    mark_uninstalled,
)
from bot.core.installed import InstalledWorkspaces
from bot.kpi import scorecard

log = logging.getLogger("salespulse")
UNINSTALL_EVENTS = ("app_uninstalled", "tokens_revoked")


def oauth_settings(deps: Deps) -> OAuthSettings:
    settings = deps.settings
    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_page_rendering_enabled=False,  # /slack/install redirects straight to Slack
        installation_store=DatabaseInstallationStore(deps.db, make_rotator(settings)),
        token_rotation_expiration_minutes=ROTATE_MINUTES,
        state_store=DatabaseStateStore(deps.db, clock=lambda: deps.clock()),
        state_expiration_seconds=600,
        callback_options=CallbackOptions(success=_installed(deps), failure=_failed),
    )
    oauth.authorize = InstalledAuthorize()
    return oauth


class InstalledAuthorize(Authorize):
    """The token of the installation the gate read (`context["installation"]`); auth.test once
    per token (who the bot is does not change while its token lives)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[str, AuthorizeResult] = {}

    def __call__(self, *, context: Any, **_: Any) -> AuthorizeResult | None:
        row = context.get("installation")
        if row is None:
            return None
        with self._lock:
            known = self._known.get(row.bot_token)
        if known is None:
            try:
                who = context.client.auth_test(token=row.bot_token)
            except SlackApiError as exc:
                log.warning(
                    "the token of %s was refused: %s", row.team_id, exc.response.get("error")
                )
                return None
            known = AuthorizeResult.from_auth_test_response(
                auth_test_response=who, bot_token=row.bot_token, bot_scopes=row.bot_scopes
            )
            with self._lock:
                self._known[row.bot_token] = known
        return known


def _installed(deps: Deps) -> Any:
    def after_install(args: SuccessArgs) -> BoltResponse:
        team_id = str(args.installation.team_id)
        deps.workspaces.forget(team_id)  # a reinstall resumes a workspace this process dropped
        ws = deps.workspaces.for_team(team_id)
        if ws is not None:
            # Its KPI scheme history starts now, as on_startup does for those installed before.
            with deps.db.session() as session:
                scorecard.record_metric_config(session, team_id, ws.config)
        log.info("installed in %s (%s)", team_id, args.installation.team_name)
        return args.default.success(args)

    return after_install


def _failed(args: FailureArgs) -> BoltResponse:
    log.info("refused an OAuth callback: %s", args.reason)
    return args.default.failure(args)


def installed_only(deps: Deps) -> Any:
    """Before Bolt's authorize: the request's installation, its token rotated if it expires
    soon (InstalledWorkspaces.installation). A workspace not (or no longer: within
    GATE_SECONDS when another process took the uninstall) installed gets an empty 200 and
    causes nothing. Uninstall events pass: they arrive while it is still marked installed."""
    installations = deps.workspaces
    assert isinstance(installations, InstalledWorkspaces), "a distributed app's gate"

    def installation_or_nothing(context: Any, body: dict, next: Any) -> BoltResponse | None:
        event = body.get("event") if isinstance(body.get("event"), dict) else {}
        if body.get("type") == "url_verification" or event.get("type") in UNINSTALL_EVENTS:
            return next()
        team_id = context.team_id or ""
        row = installations.installation(team_id) if team_id else None
        if row is None:
            log.info("refused a request from a workspace not installed (%s)", team_id)
            return BoltResponse(status=200, body="")
        context["installation"] = row
        return next()

    return installation_or_nothing


def uninstall(deps: Deps, team_id: str) -> None:
    first = mark_uninstalled(deps.db, team_id)
    deps.workspaces.forget(team_id)
    log.info("uninstalled from %s%s; its data is kept", team_id, "" if first else " (again)")


def register(app: App, deps: Deps) -> None:
    def app_uninstalled(context: Any) -> None:
        uninstall(deps, context["ws"].team_id)

    def tokens_revoked(event: dict[str, Any], context: Any) -> None:
        tokens = event.get("tokens") or {}
        if isinstance(tokens, dict) and tokens.get("bot"):  # user tokens alone change nothing
            uninstall(deps, context["ws"].team_id)

    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
