"""build_app(deps): the Bolt app every entry point uses (serve, socket, demo, tests)."""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, BoltResponse
from sqlalchemy.exc import IntegrityError

from bot.core.blocks import message
from bot.core.deps import Deps
from bot.core.errors import UserFacingError
from bot.core.sender import Sender
from bot.core.slack_client import response_url_allowed
from bot.core.workspace import Workspace
from bot.i18n import t
from bot.org import directory
from handlers import installs, register_all
from handlers.after_ack import use_after_ack_pool
from handlers.middleware import workspace_middleware
from storage.models.core import ProcessedEvent

log = logging.getLogger("salespulse")
LISTENER_THREADS = 32  # Bolt's default of 5 queues requests under load


def ids_of(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(team_id, user_id) from a command, interaction or event payload."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    event = body.get("event") or {}
    if not user and isinstance(event, dict):
        user = event.get("user") if isinstance(event.get("user"), str) else None
    return team, user


def _from_installed_workspace(context: Any) -> bool:
    """Verified, authorised (auth.test told the bot its workspace) and from that workspace."""
    installed = context.authorize_result
    return installed is not None and context.team_id == installed.team_id


class _AckedResponse(BoltResponse):
    """An ack's response keeps its first status. When a listener raises after ack() (a
    refusal), Bolt's thread runner sets 500 on the response object its poll may already have
    returned (the ack's own), racing the HTTP answer: parallel refused clicks showed it."""

    @property  # type: ignore[override]
    def status(self) -> int:
        return self.__dict__["_status"]

    @status.setter
    def status(self, value: int) -> None:
        self.__dict__.setdefault("_status", value)


class _StickyAck(Ack):
    """ack() that stays acknowledged. When a listener raises after ack(), Bolt's thread runner
    sets ack.response back to None; if that happens before its 10 ms poll saw the ack (a quick
    refusal does), the request waits out the 3 s ack timeout and answers 404, and Slack shows
    the user an error on top of our reply. The demo's refusal lines exposed this."""

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        return self.__dict__.get("_response")

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None and not isinstance(value, _AckedResponse):
            value = _AckedResponse(status=value.status, body=value.body, headers=value.headers)
        if value is not None or self.__dict__.get("_response") is None:
            self.__dict__["_response"] = value


def build_app(deps: Deps) -> App:
    # Distributed (OAuth): tokens come from the installations table, and a workspace that is
    # not installed is dropped before Bolt's authorize (handlers/installs.py).
    distributed: dict[str, Any] = {}
    if deps.settings.distributed:
        distributed = {
            "oauth_settings": installs.oauth_settings(deps),
            "before_authorize": installs.installed_only(deps),
        }
    app = App(
        client=deps.client,
        signing_secret=deps.settings.slack_signing_secret,
        token_verification_enabled=False,  # startup checks the token itself with one clear line
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener"),
        raise_error_for_unhandled_request=False,
        **distributed,
    )
    app.middleware(sticky_ack)
    app.middleware(workspace_middleware(deps))  # refuses other workspaces' payloads
    app.middleware(response_url_guard(deps.settings.slack_api_url))
    app.middleware(event_dedupe(deps))
    app.error(error_handler(deps))
    register_all(app, deps)
    installs.register(app, deps)
    use_after_ack_pool(app)
    return app


def sticky_ack(context: Any, next: Any) -> BoltResponse | None:
    if context.get("ack") is None or context["ack"].response is None:
        context["ack"] = _StickyAck()
    return next()


def response_url_guard(api_url: str) -> Any:
    def slack_response_urls_only(context: Any, body: dict, next: Any) -> BoltResponse | None:
        # respond() posts wherever the payload says: drop a response_url outside Slack first.
        url = context.get("response_url")
        if url is not None and not response_url_allowed(url, api_url):
            log.info("dropped a response_url outside Slack's hosts")
            for key in ("response_url", "respond"):
                context.pop(key, None)
            for key in ("response_url", "response_urls"):
                body.pop(key, None)
        return next()

    return slack_response_urls_only


def event_dedupe(deps: Deps) -> Any:
    def dedupe_event_retries(body: dict, next: Any) -> BoltResponse | None:
        # Slack retries an event up to 3 times with the same event_id: handle it once.
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            try:
                with deps.db.session() as session:
                    session.add(ProcessedEvent(event_id=event_id, team_id=body.get("team_id", "")))
            except IntegrityError:
                log.info("event %s already handled (retry %s)", event_id, body.get("retry_num"))
                return BoltResponse(status=200, body="")
        return next()

    return dedupe_event_retries


def error_handler(deps: Deps) -> Any:
    api_url = deps.settings.slack_api_url

    def on_error(
        error: Exception,
        body: dict,
        context: Any,
        respond: Any,
        response: BoltResponse | None,
    ) -> BoltResponse | None:
        if not _from_installed_workspace(context):
            # Failed before it was verified (e.g. a timestamp that is not a number): the body
            # can't be trusted, so neither read nor logged, and nobody is told anything.
            log.warning("refused a request that failed its checks (%s)", type(error).__name__)
            return BoltResponse(status=401, body="")
        team_id, user_id = ids_of(body)
        ws = context.get("ws") or deps.workspaces.for_team(team_id or "")
        text = _error_text(error, _locale_of(deps, ws, team_id, user_id))
        if response is not None and body.get("command"):
            # Not acknowledged yet (Bolt passes a response then): answer in the ack itself.
            return BoltResponse(status=200, body=message(text))  # dict: sent as JSON
        url = context.response_url
        allowed = url is not None and response_url_allowed(url, api_url)
        sender = ws.sender if ws is not None else deps.sender
        _tell(respond if allowed else None, body, sender, user_id, text)
        return BoltResponse(status=200, body="") if response is not None else None

    return on_error


def _locale_of(deps: Deps, ws: Workspace | None, team_id: str | None, user_id: str | None) -> str:
    config = ws.config if ws is not None else deps.config
    if team_id and user_id:
        with deps.db.session() as session:
            return directory.locale_of(directory.find(session, team_id, user_id), config)
    return config.workspace.default_locale


def _error_text(error: Exception, locale: str) -> str:
    if isinstance(error, UserFacingError):
        log.info("refused: %s", error.key)
        return t(error.key, locale, **error.params)
    error_id = uuid.uuid4().hex[:8]
    log.error("unhandled error %s", error_id, exc_info=error)
    return t("error.unexpected", locale, error_id=error_id)


def _tell(respond: Any, body: dict, sender: Sender, user_id: str | None, text: str) -> None:
    """Show a short ephemeral note wherever the user just acted (`respond` is None when the
    payload's response_url is not one the bot may post to)."""
    try:
        if respond is not None:
            respond(text=text, response_type="ephemeral", replace_original=False)
        elif user_id and (
            channel := (body.get("channel") or {}).get("id") or body.get("channel_id")
        ):
            sender.ephemeral(channel, user_id, text)
        elif user_id:
            sender.post(user_id, text)
    except Exception:
        log.exception("could not tell %s about an error", user_id)
