"""Baseline for bench_whoami: the SAME Bolt app served through slack_bolt's Starlette adapter,
which calls the synchronous App's dispatch on the event loop (the design we avoid).
Run only by bench_whoami.py."""

from __future__ import annotations

import sys

import uvicorn
from slack_bolt.adapter.starlette import SlackRequestHandler
from starlette.applications import Starlette
from starlette.routing import Route

from bot.core.config import Settings
from bot.core.deps import Deps
from handlers.app import build_app


def main(port: int) -> None:
    deps = Deps.build(Settings.from_env())
    handler = SlackRequestHandler(build_app(deps))

    async def events(request):  # type: ignore[no-untyped-def]
        return await handler.handle(request)

    web = Starlette(routes=[Route("/slack/events", events, methods=["POST"])])
    uvicorn.run(web, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]))
