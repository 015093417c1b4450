"""Installing in many workspaces: Bolt's OAuth settings over our stores, the gate that keeps
uninstalled workspaces out, and the app_uninstalled / tokens_revoked listeners.

Uninstalling keeps a workspace's data (until `salespulse workspace purge`) but stops all work:
its installation is marked, every process forgets it (within the Workspaces cache), and from
then on its requests are dropped before Bolt's authorize, whose "installation no longer
available" reply would otherwise post to the payload's response_url."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.core.deps import Deps
from bot.core.installations import (
    BOT_SCOPES,
    ROTATE_MINUTES,
    DatabaseInstallationStore,
    DatabaseStateStore,
    active,
    make_rotator,
    mark_uninstalled,
)
from bot.kpi import scorecard

log = logging.getLogger("salespulse")
UNINSTALL_EVENTS = ("app_uninstalled", "tokens_revoked")


def oauth_settings(deps: Deps) -> OAuthSettings:
    settings = deps.settings
    store = DatabaseInstallationStore(
        deps.db, make_rotator(settings), on_rotated=deps.workspaces.forget
    )
    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_page_rendering_enabled=False,  # /slack/install redirects straight to Slack
        installation_store=store,
        installation_store_bot_only=False,
        token_rotation_expiration_minutes=ROTATE_MINUTES,
        state_store=DatabaseStateStore(deps.db, clock=lambda: deps.clock()),
        state_expiration_seconds=600,
        callback_options=CallbackOptions(success=_installed(deps), failure=_failed),
    )
    # Bolt's default authorize rotates through a client of its own (slack.com): ours uses
    # SLACK_API_URL. The store rotates first anyway (bot/core/installations.py).
    oauth.authorize = InstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        token_rotation_expiration_minutes=ROTATE_MINUTES,
        client=deps.client,
        cache_enabled=True,  # auth.test once per token, not on every request
    )
    return oauth


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
    """Before Bolt's authorize: a payload from a workspace that is not (or no longer) installed
    is answered with an empty 200 and causes nothing. Uninstall events pass: they arrive while
    the installation is still marked installed, and must reach their listener."""

    def refuse_not_installed(context: Any, body: dict, next: Any) -> BoltResponse | None:
        event = body.get("event") if isinstance(body.get("event"), dict) else {}
        if body.get("type") == "url_verification" or event.get("type") in UNINSTALL_EVENTS:
            return next()
        team_id = context.team_id or ""
        # Read, not cached: another process may have taken the uninstall event a moment ago
        # (one primary-key read; the cached workspace is dropped here when it has).
        if not team_id or active(deps.db, team_id) is None:
            deps.workspaces.forget(team_id)
            log.info("refused a request from a workspace not installed (%s)", team_id)
            return BoltResponse(status=200, body="")
        return next()

    return refuse_not_installed


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
