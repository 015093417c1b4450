"""The HTTP server: POST /slack/events, GET /healthz (and feature APIs under /api/v1).

The Bolt App is synchronous (SQLModel sessions are), so each request is dispatched in a
worker thread: running a sync App on the event loop would serialise all traffic."""

from __future__ import annotations

import logging

import anyio
import anyio.to_thread
from slack_bolt import App
from slack_bolt.request import BoltRequest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.deps import Deps

log = logging.getLogger(__name__)
MAX_SLACK_BODY = 1_000_000  # Slack payloads are far smaller; refuse anything absurd
# Requests dispatched at once, up to their ack (the work after it runs in Bolt's listener
# pool). Python threads share one GIL, so more of them only contend: measured at 20 clients
# (bench/bench_whoami.py), 4 gave p99 63-84 ms, 8 gave 482 ms, anyio's default 40 about 550 ms.
# The rest wait their turn, in order, on the event loop.
DISPATCH_THREADS = 4


def create_web_app(bolt_app: App, deps: Deps, extra_routes: list[Route] | None = None) -> Starlette:
    dispatching = anyio.CapacityLimiter(DISPATCH_THREADS)

    async def slack_events(request: Request) -> Response:
        raw = await request.body()
        if len(raw) > MAX_SLACK_BODY:
            return Response(status_code=413)
        bolt_request = BoltRequest(
            body=raw.decode("utf-8"),
            query=request.url.query,
            headers={k: [v] for k, v in request.headers.items()},
        )
        bolt_response = await anyio.to_thread.run_sync(
            bolt_app.dispatch, bolt_request, limiter=dispatching
        )
        return Response(
            status_code=bolt_response.status,
            content=bolt_response.body,
            headers=bolt_response.first_headers_without_set_cookie(),
        )

    async def healthz(_: Request) -> JSONResponse:
        ok = await run_in_threadpool(deps.db.ping)
        revision = await run_in_threadpool(deps.db.current_revision) if ok else None
        body = {"status": "ok" if ok else "error", "database": "ok" if ok else "unreachable"}
        body["schema_revision"] = revision
        body["schema_current"] = revision == deps.db.head_revision()
        return JSONResponse(body, status_code=200 if ok else 503)

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        *(extra_routes or []),
    ]
    return Starlette(routes=routes)
