"""The HTTP server: POST /slack/events, GET /healthz (readiness) and /livez (liveness), and
feature APIs under /api/v1.

The Bolt App is synchronous (SQLModel sessions are), so each request is dispatched in a
worker thread: running a sync App on the event loop would serialise all traffic."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from typing import Any

import anyio
import anyio.to_thread
from slack_bolt import App
from slack_bolt.request import BoltRequest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core.deps import Deps
from handlers.after_ack import ACKS

log = logging.getLogger(__name__)
MAX_SLACK_BODY = 1_000_000  # Slack payloads are far smaller; refuse anything absurd
SIGNATURE_MAX_AGE = 300  # seconds, as Slack and Bolt: an older signed request may be a replay
# Requests dispatched at once, up to their ack (the work after it runs in Bolt's listener
# pool). Python threads share one GIL, so more of them only contend: measured at 20 clients
# (bench/bench_whoami.py), 4 gave p99 63-84 ms, 8 gave 482 ms, anyio's default 40 about 550 ms.
# The rest wait their turn, in order, on the event loop.
DISPATCH_THREADS = 4


def create_web_app(bolt_app: App, deps: Deps, extra_routes: list[Route] | None = None) -> Starlette:
    dispatching = anyio.CapacityLimiter(DISPATCH_THREADS)
    secret = (deps.settings.slack_signing_secret or "").encode()

    async def slack_events(request: Request) -> Response:
        with ACKS:  # work queued after earlier acks waits while this one is answered
            return await _slack_events(request)

    async def _slack_events(request: Request) -> Response:
        # Checked on the raw bytes before anything parses them: an unsigned request causes nothing.
        raw = await _read_limited(request)
        if raw is None:
            return Response(status_code=413)
        if not secret or not signed_by_slack(raw, request.headers, secret):
            log.info("refused a request to /slack/events: no valid Slack signature")
            return Response(status_code=401)
        try:
            bolt_request = BoltRequest(
                body=raw.decode("utf-8"),
                query=request.url.query,
                headers={k: [v] for k, v in request.headers.items()},
            )
        except (ValueError, AttributeError, TypeError):  # not UTF-8, not JSON, not an object
            log.warning("refused a signed request to /slack/events: unreadable body")
            return Response(status_code=400)
        bolt_response = await anyio.to_thread.run_sync(
            bolt_app.dispatch, bolt_request, limiter=dispatching
        )
        acked = bolt_request.context.get("ack")
        if bolt_response.status == 500 and acked is not None and acked.response is not None:
            # A listener that raises just after ack() (a refusal) can reach Bolt's poll as a
            # transient 500 (its thread runner sets it before seeing the ack): the request was
            # acknowledged, so Slack gets the ack, not an error on top of our reply.
            bolt_response = acked.response
        return Response(
            status_code=bolt_response.status,
            content=bolt_response.body,
            headers=bolt_response.first_headers_without_set_cookie(),
        )

    head = deps.db.head_revision()  # what this code ships; read once, not per probe

    async def healthz(request: Request) -> JSONResponse:
        """Readiness (a load balancer's or Kubernetes' readinessProbe): 200 only when the
        database answers and its schema is the one this code ships, else 503.
        `?probe=live` is liveness (as /livez): the process answers, whatever the database."""
        if request.query_params.get("probe") == "live":
            return await livez(request)
        ok = await run_in_threadpool(deps.db.ping)
        revision = await run_in_threadpool(deps.db.current_revision) if ok else None
        current = revision == head
        body = {"status": "ok" if ok and current else "error"}
        body |= {"database": "ok" if ok else "unreachable"}
        body |= {"schema_revision": revision, "schema_current": current}
        return JSONResponse(body, status_code=200 if ok and current else 503)

    async def livez(_: Request) -> JSONResponse:
        # Never touches the database: a database outage must not get every replica restarted.
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        *_oauth_routes(bolt_app, dispatching),
        Route("/livez", livez, methods=["GET"]),
        *(extra_routes or []),
    ]
    return Starlette(routes=routes)


def _oauth_routes(bolt_app: App, dispatching: anyio.CapacityLimiter) -> list[Route]:
    """GET /slack/install and /slack/oauth_redirect of a distributed app (Bolt's OAuth flow,
    in the dispatch threads like /slack/events: it reads the database and calls Slack)."""
    flow = bolt_app.oauth_flow
    if flow is None:
        return []

    def route(handle: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            bolt_request = BoltRequest(
                body="",
                query=request.url.query,
                headers={k: [v] for k, v in request.headers.items()},
            )
            answer = await anyio.to_thread.run_sync(handle, bolt_request, limiter=dispatching)
            response = Response(
                status_code=answer.status,
                content=answer.body,
                headers=answer.first_headers_without_set_cookie(),
            )
            for cookie in answer.cookies():  # the state's browser cookie
                for name, morsel in cookie.items():
                    response.set_cookie(
                        name,
                        morsel.value,
                        max_age=int(morsel["max-age"]) if morsel["max-age"] else None,
                        path=morsel["path"] or "/",
                        secure=True,
                        httponly=True,
                        samesite="lax",
                    )
            return response

        return endpoint

    return [
        Route(flow.install_path, route(flow.handle_installation), methods=["GET"]),
        Route(flow.redirect_uri_path, route(flow.handle_callback), methods=["GET"]),
    ]


async def _read_limited(request: Request) -> bytes | None:
    """The body, or None as soon as it is known to pass MAX_SLACK_BODY: a declared length is
    refused before reading, a chunked body is read no further than the limit."""
    declared = request.headers.get("content-length", "0")
    if len(declared) > 9 or not (declared.isascii() and declared.isdigit()):
        return None  # more than 999 MB, or not a number
    if int(declared) > MAX_SLACK_BODY:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_SLACK_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def signed_by_slack(raw: bytes, headers: Mapping[str, str], secret: bytes) -> bool:
    """Slack's v0 signature (HMAC-SHA256 of `v0:{timestamp}:{body}`), checked on the bytes as
    received, in constant time; a missing, non-numeric or stale timestamp is simply invalid."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "").encode("latin-1")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) < 16):
        return False
    if abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE:
        return False
    digest = hmac.new(secret, b"v0:%s:%s" % (timestamp.encode(), raw), hashlib.sha256)
    return hmac.compare_digest(b"v0=" + digest.hexdigest().encode(), signature)
